using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
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
public sealed class MailDeliveryException(
    string message,
    bool permanent,
    Exception? inner = null,
    TimeSpan? retryAfter = null
) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    /// <summary>How long the server asked the client to wait (Graph's <c>Retry-After</c> on 429/503), else null.
    /// </summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
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

/// <summary>
/// Microsoft Graph with a bearer token of the app's identity (docs/deploy.md). A message whose attachments are all
/// under <see cref="LargeAttachmentBytes"/> goes as one <c>POST {base}/users/{sender}/sendMail</c> (Graph answers
/// 202; permission <c>Mail.Send</c>). A larger attachment cannot ride in that request (4 MB at most), so the message
/// is built as a draft instead: <c>POST …/messages</c> with the body and the small attachments, one upload session
/// per large attachment (<c>…/messages/{id}/attachments/createUploadSession</c>, then <c>PUT</c> of byte ranges of at
/// most <see cref="UploadChunkBytes"/> to the session's pre-authenticated URL, without a token), then
/// <c>POST …/messages/{id}/send</c> (permission <c>Mail.ReadWrite</c> too). A draft left by a failed attempt is
/// deleted (best effort), so a retry does not pile drafts up. A 429 or 503 answer carries Graph's
/// <c>Retry-After</c> in the exception; the service waits that long (bounded) before the next attempt.
/// </summary>
public sealed class GraphMailTransport(
    IHttpClientFactory http,
    GraphMailCredential credential,
    IOptions<FinanceMailOptions> options,
    TimeProvider clock
) : IMailTransport
{
    /// <summary>Graph takes at most 4 MB per request (sendMail, a draft, one uploaded range).</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>Attachments from this size go through an upload session (Graph: 3 MB to 150 MB).</summary>
    public const int LargeAttachmentBytes = 3 * 1024 * 1024;

    /// <summary>The largest attachment an upload session takes.</summary>
    public const int MaxAttachmentBytes = 150 * 1024 * 1024;

    /// <summary>Bytes per uploaded range (Graph: keep each under 4 MB).</summary>
    public const int UploadChunkBytes = 3 * 1024 * 1024;

    public MailTransportKind Kind => MailTransportKind.Graph;

    public async Task SendAsync(FinanceMailMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var parts = message.Inline.Concat(message.Attachments).ToList();
        var large = parts.Where(p => p.Content.Length >= LargeAttachmentBytes).ToList();
        if (large.FirstOrDefault(p => p.Content.Length > MaxAttachmentBytes) is { } tooLarge)
        {
            throw new MailDeliveryException(
                $"The attachment {tooLarge.FileName} is {tooLarge.Content.Length} bytes: more than Graph takes "
                    + "(150 MB).",
                true
            );
        }
        var json = large.Count == 0 ? RequestBody(message) : DraftBody(message, parts.Except(large));
        if (json.Length > MaxRequestBytes)
        {
            throw new MailDeliveryException(
                $"The message is {json.Length} bytes without its large attachments: more than Graph takes in one "
                    + "request (4 MB).",
                true
            );
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.SendTimeout);
        var user = $"{o.GraphBaseUrl.TrimEnd('/')}/users/{Uri.EscapeDataString(message.From)}";
        using var client = http.CreateClient(nameof(GraphMailTransport));
        string? draft = null;
        var step = "sendMail";
        try
        {
            var token = await credential.Credential.GetTokenAsync(
                new TokenRequestContext([o.GraphScope]),
                timeout.Token
            );
            var bearer = new AuthenticationHeaderValue("Bearer", token.Token);
            if (large.Count == 0)
            {
                using var sent = await PostJsonAsync(client, bearer, $"{user}/sendMail", json, timeout.Token);
                await EnsureAsync(sent, step, timeout.Token);
                return;
            }
            step = "create draft";
            using (var created = await PostJsonAsync(client, bearer, $"{user}/messages", json, timeout.Token))
            {
                await EnsureAsync(created, step, timeout.Token);
                draft = await ReadStringAsync(created, "id", step, timeout.Token);
            }
            var messageUrl = $"{user}/messages/{Uri.EscapeDataString(draft)}";
            foreach (var part in large)
            {
                step = $"upload {part.FileName}";
                await UploadAsync(client, bearer, messageUrl, part, step, timeout.Token);
            }
            step = "send draft";
            // Once the send request is out, the draft may be the sent message: delete it only when Graph refused.
            var pending = draft;
            draft = null;
            using var send = await PostJsonAsync(client, bearer, $"{messageUrl}/send", [], timeout.Token);
            if (!send.IsSuccessStatusCode)
                draft = pending;
            await EnsureAsync(send, step, timeout.Token);
        }
        catch (Exception ex) when (ex is not MailDeliveryException && !cancellationToken.IsCancellationRequested)
        {
            // No token (identity endpoint), connection failures, the attempt's timeout: worth another attempt.
            throw new MailDeliveryException($"Graph {step}: {ex.GetType().Name}: {ex.Message}", false, ex);
        }
        finally
        {
            if (draft is not null)
                await DeleteDraftAsync(client, credential, o, $"{user}/messages/{Uri.EscapeDataString(draft)}");
        }
    }

    /// <summary>One upload session: ranges in order from byte 0; the last range is answered 201.</summary>
    private async Task UploadAsync(
        HttpClient client,
        AuthenticationHeaderValue bearer,
        string messageUrl,
        MailPart part,
        string step,
        CancellationToken cancellationToken
    )
    {
        string uploadUrl;
        using (
            var session = await PostJsonAsync(
                client,
                bearer,
                $"{messageUrl}/attachments/createUploadSession",
                UploadSessionBody(part),
                cancellationToken
            )
        )
        {
            await EnsureAsync(session, step, cancellationToken);
            uploadUrl = await ReadStringAsync(session, "uploadUrl", step, cancellationToken);
        }
        var total = part.Content.Length;
        for (var offset = 0; offset < total; offset += UploadChunkBytes)
        {
            var length = Math.Min(UploadChunkBytes, total - offset);
            // No Authorization header: the upload URL carries its own token.
            using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl)
            {
                Content = new ByteArrayContent(part.Content, offset, length),
            };
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            put.Content.Headers.ContentRange = new ContentRangeHeaderValue(offset, offset + length - 1, total);
            using var answer = await client.SendAsync(put, cancellationToken);
            await EnsureAsync(answer, step, cancellationToken);
        }
    }

    private static async Task<HttpResponseMessage> PostJsonAsync(
        HttpClient client,
        AuthenticationHeaderValue bearer,
        string url,
        byte[] json,
        CancellationToken cancellationToken
    )
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(json) };
        request.Headers.Authorization = bearer;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>Throws unless the answer is a success: 4xx other than 408/429 is permanent; a 429 or 503 carries
    /// its <c>Retry-After</c>.</summary>
    private async Task EnsureAsync(HttpResponseMessage response, string step, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var detail = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        throw new MailDeliveryException(
            $"Graph {step} answered {status}: {detail[..Math.Min(detail.Length, 500)]}",
            status is >= 400 and < 500
                && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests),
            retryAfter: response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                ? RetryAfter(response.Headers.RetryAfter, clock.GetUtcNow())
                : null
        );
    }

    /// <summary>The wait a <c>Retry-After</c> header asks for: seconds, or a date (from now); null without one.
    /// </summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) =>
        header switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };

    private static async Task<string> ReadStringAsync(
        HttpResponseMessage response,
        string property,
        string step,
        CancellationToken cancellationToken
    )
    {
        using var document = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken),
            cancellationToken: cancellationToken
        );
        return
            document.RootElement.TryGetProperty(property, out var value)
            && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : throw new MailDeliveryException($"Graph {step} answered without '{property}'.", false);
    }

    /// <summary>Best effort, with a fresh short deadline: the attempt's own token may be what ended it.</summary>
    private static async Task DeleteDraftAsync(
        HttpClient client,
        GraphMailCredential credential,
        FinanceMailOptions o,
        string url
    )
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var token = await credential.Credential.GetTokenAsync(
                new TokenRequestContext([o.GraphScope]),
                timeout.Token
            );
            using var request = new HttpRequestMessage(HttpMethod.Delete, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            using var response = await client.SendAsync(request, timeout.Token);
        }
        catch (Exception ex)
            when (ex
                    is HttpRequestException
                        or OperationCanceledException
                        or AuthenticationFailedException
                        or Azure.RequestFailedException
            )
        {
            // A draft left behind is harmless (it is never sent); the next attempt makes its own.
        }
    }

    /// <summary>The sendMail body: the message (<see cref="WriteMessage"/>) saved to the sender's Sent Items.
    /// </summary>
    public static byte[] RequestBody(FinanceMailMessage message) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("message");
            WriteMessage(w, message, message.Inline.Concat(message.Attachments));
            w.WriteBoolean("saveToSentItems", true);
            w.WriteEndObject();
        });

    /// <summary>The draft's body: the message with the attachments small enough to ride along.</summary>
    public static byte[] DraftBody(FinanceMailMessage message, IEnumerable<MailPart> attachments) =>
        Json(w => WriteMessage(w, message, attachments));

    /// <summary>createUploadSession's body: the attachment's name, size, type and, inline, its content id.</summary>
    public static byte[] UploadSessionBody(MailPart part) =>
        Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("AttachmentItem");
            w.WriteString("attachmentType", "file");
            w.WriteString("name", part.FileName);
            w.WriteNumber("size", part.Content.Length);
            w.WriteString("contentType", part.ContentType);
            w.WriteBoolean("isInline", part.ContentId is not null);
            if (part.ContentId is not null)
                w.WriteString("contentId", part.ContentId);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>A Graph message: subject, HTML body, recipients, and the given parts as <c>fileAttachment</c>s
    /// (inline images with <c>isInline</c> and <c>contentId</c>).</summary>
    private static void WriteMessage(Utf8JsonWriter w, FinanceMailMessage message, IEnumerable<MailPart> attachments)
    {
        w.WriteStartObject();
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
        foreach (var part in attachments)
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
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
            write(w);
        return buffer.ToArray();
    }
}
