using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>Sends one message; throws <see cref="MailDeliveryException"/> when the message was not accepted.</summary>
public interface IMailTransport
{
    MailTransportKind Kind { get; }

    Task SendAsync(FinanceMailMessage message, CancellationToken cancellationToken);
}

/// <summary>The server did not accept the message. <see cref="Permanent"/>: retrying the same message cannot help
/// (a 5xx reply, refused credentials, a 4xx from Graph other than 408/429).</summary>
public sealed class MailDeliveryException(string message, bool permanent, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>SMTP through MailKit: one connection per send (a monthly message needs no pool).</summary>
public sealed class SmtpMailTransport(IOptions<SmtpOptions> smtp, IOptions<FinanceMailOptions> mail) : IMailTransport
{
    public MailTransportKind Kind => MailTransportKind.Smtp;

    public async Task SendAsync(FinanceMailMessage message, CancellationToken cancellationToken)
    {
        var o = smtp.Value;
        using var mime = ToMime(message);
        using var client = new SmtpClient { Timeout = (int)mail.Value.SendTimeout.TotalMilliseconds };
        try
        {
            var security = o.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(o.Host ?? "", o.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(o.Username))
                await client.AuthenticateAsync(o.Username, o.Password ?? "", cancellationToken);
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (SmtpCommandException ex)
        {
            throw new MailDeliveryException(
                $"The SMTP server answered {(int)ex.StatusCode}: {ex.Message}",
                (int)ex.StatusCode >= 500,
                ex
            );
        }
        catch (AuthenticationException ex)
        {
            throw new MailDeliveryException($"The SMTP server refused the credentials: {ex.Message}", true, ex);
        }
        catch (Exception ex) when (ex is not MailDeliveryException && !cancellationToken.IsCancellationRequested)
        {
            // Connection refused, TLS handshake, timeout, protocol errors: the server may be back next attempt.
            throw new MailDeliveryException($"SMTP {o.Host}:{o.Port}: {ex.GetType().Name}: {ex.Message}", false, ex);
        }
    }

    public static MimeMessage ToMime(FinanceMailMessage message)
    {
        var mime = new MimeMessage { Subject = message.Subject, MessageId = message.MessageId };
        mime.From.Add(MailboxAddress.Parse(message.From));
        foreach (var to in message.To)
            mime.To.Add(MailboxAddress.Parse(to));
        var body = new BodyBuilder
        {
            HtmlBody = message.Html,
            TextBody = $"{message.Subject}: open the HTML part of this message; the workbook is attached.",
        };
        foreach (var part in message.Inline)
        {
            var image = body.LinkedResources.Add(
                part.FileName,
                part.Content,
                MimeKit.ContentType.Parse(part.ContentType)
            );
            image.ContentId = part.ContentId;
        }
        foreach (var part in message.Attachments)
            body.Attachments.Add(part.FileName, part.Content, MimeKit.ContentType.Parse(part.ContentType));
        mime.Body = body.ToMessageBody();
        return mime;
    }
}

/// <summary>The credential Graph tokens come from: the app's managed identity in Azure (a test registers one that
/// returns a fixed token).</summary>
public sealed record GraphMailCredential(TokenCredential Credential);

/// <summary>Microsoft Graph <c>POST {base}/users/{sender}/sendMail</c> with a bearer token of the app's identity
/// (application permission <c>Mail.Send</c>, docs/deploy.md). Graph answers 202 when it accepted the message.</summary>
public sealed class GraphMailTransport(
    IHttpClientFactory http,
    GraphMailCredential credential,
    IOptions<FinanceMailOptions> options
) : IMailTransport
{
    /// <summary>sendMail takes at most 4 MB per request (attachments are base64 inside the JSON); larger messages
    /// need an upload session, which this transport does not do.</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    public MailTransportKind Kind => MailTransportKind.Graph;

    public async Task SendAsync(FinanceMailMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var json = RequestBody(message);
        if (json.Length > MaxRequestBytes)
        {
            throw new MailDeliveryException(
                $"The message is {json.Length} bytes: more than Graph sendMail takes in one request (4 MB).",
                true
            );
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.SendTimeout);
        try
        {
            var token = await credential.Credential.GetTokenAsync(
                new TokenRequestContext([o.GraphScope]),
                timeout.Token
            );
            using var request = new HttpRequestMessage(
                HttpMethod.Post,
                $"{o.GraphBaseUrl.TrimEnd('/')}/users/{Uri.EscapeDataString(message.From)}/sendMail"
            );
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var client = http.CreateClient(nameof(GraphMailTransport));
            using var response = await client.SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
                return;
            var detail = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            throw new MailDeliveryException(
                $"Graph sendMail answered {status}: {detail[..Math.Min(detail.Length, 500)]}",
                status is >= 400 and < 500
                    && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            );
        }
        catch (Exception ex) when (ex is not MailDeliveryException && !cancellationToken.IsCancellationRequested)
        {
            // No token (identity endpoint), connection failures, the attempt's timeout: worth another attempt.
            throw new MailDeliveryException($"Graph sendMail: {ex.GetType().Name}: {ex.Message}", false, ex);
        }
    }

    /// <summary>The sendMail body: the message with inline images (<c>isInline</c>, <c>contentId</c>) and the
    /// workbook as <c>fileAttachment</c>s; saved to the sender's Sent Items.</summary>
    public static byte[] RequestBody(FinanceMailMessage message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("message");
            w.WriteString("subject", message.Subject);
            w.WriteStartObject("body");
            w.WriteString("contentType", "HTML");
            w.WriteString("content", message.Html);
            w.WriteEndObject();
            w.WriteStartArray("toRecipients");
            foreach (var to in message.To)
            {
                w.WriteStartObject();
                w.WriteStartObject("emailAddress");
                w.WriteString("address", to);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("attachments");
            foreach (var part in message.Inline.Concat(message.Attachments))
            {
                w.WriteStartObject();
                w.WriteString("@odata.type", "#microsoft.graph.fileAttachment");
                w.WriteString("name", part.FileName);
                w.WriteString("contentType", part.ContentType);
                w.WriteBase64String("contentBytes", part.Content);
                w.WriteBoolean("isInline", part.ContentId is not null);
                if (part.ContentId is not null)
                    w.WriteString("contentId", part.ContentId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("saveToSentItems", true);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
