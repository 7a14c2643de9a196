using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>The GLPI Agent protocol's answer: <c>status</c> (<c>ok</c>/<c>error</c>), <c>expiration</c> (hours
/// until the agent calls again: what makes it back off after an error) and an error's <c>message</c>.</summary>
public sealed record GlpiAgentReply
{
    public required string Status { get; init; }
    public required int Expiration { get; init; }
    public string? Message { get; init; }

    /// <summary>On a CONTACT answer: the tasks the server accepts (here only <c>inventory</c>).</summary>
    public Dictionary<string, Dictionary<string, string>>? Tasks { get; init; }
}

/// <summary>The OAuth2 token answer (RFC 6749 §5.1) and its error form (§5.2).</summary>
public sealed record AgentTokenResponse
{
    [System.Text.Json.Serialization.JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("expires_in")]
    public int? ExpiresIn { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("error")]
    public string? Error { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("error_description")]
    public string? ErrorDescription { get; init; }
}

/// <summary>An answer in the agent's own protocol: status, content type, bytes, and the Basic challenge on a 401.
/// </summary>
public sealed class AgentReply(int status, string contentType, byte[] body) : IActionResult
{
    public int Status { get; } = status;

    public string ContentType { get; } = contentType;

    public byte[] Body { get; } = body;

    /// <summary>Sent on 401 so that the agents submit their Basic credential (they do only after a challenge).
    /// </summary>
    public const string BasicChallenge = "Basic realm=\"itinventory\"";

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        if (Status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = BasicChallenge;
        await response.Body.WriteAsync(Body, context.HttpContext.RequestAborted);
    }

    /// <summary>A GLPI JSON answer.</summary>
    public static AgentReply Glpi(int status, GlpiAgentReply reply) =>
        new(
            status,
            "application/json",
            JsonSerializer.SerializeToUtf8Bytes(reply, ApiJsonContext.Default.GlpiAgentReply)
        );

    public static AgentReply GlpiOk(int expirationHours) =>
        Glpi(StatusCodes.Status200OK, new GlpiAgentReply { Status = "ok", Expiration = expirationHours });

    /// <summary>A problem as the GLPI Agent reads it: <c>status: error</c>, its message and an expiration.</summary>
    public static AgentReply GlpiError(Problem problem, int expirationHours) =>
        Glpi(
            problem.Status,
            new GlpiAgentReply
            {
                Status = "error",
                Message = problem.Detail,
                Expiration = expirationHours,
            }
        );

    /// <summary>An OCS/FusionInventory <c>&lt;REPLY&gt;</c>, zlib-compressed as those agents expect (they recognise
    /// the zlib header bytes).</summary>
    public static AgentReply Xml(int status, string replyInnerXml)
    {
        var xml = Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<REPLY>" + replyInnerXml + "</REPLY>\n"
        );
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(xml);
        return new AgentReply(status, "application/x-compress-zlib", output.ToArray());
    }

    public static AgentReply XmlProlog(int frequencyHours) =>
        Xml(
            StatusCodes.Status200OK,
            "<RESPONSE>SEND</RESPONSE><PROLOG_FREQ>"
                + frequencyHours.ToString(CultureInfo.InvariantCulture)
                + "</PROLOG_FREQ>"
        );

    public static AgentReply XmlAccepted() => Xml(StatusCodes.Status200OK, "<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>");

    /// <summary>A problem as the XML agents read it: <c>&lt;ERROR&gt;</c> (the text escaped: it may quote input).
    /// </summary>
    public static AgentReply XmlError(Problem problem) =>
        Xml(problem.Status, "<ERROR>" + SecurityElement.Escape(problem.Detail) + "</ERROR>");

    public static AgentReply Token(int status, AgentTokenResponse token) =>
        new(
            status,
            "application/json",
            JsonSerializer.SerializeToUtf8Bytes(token, ApiJsonContext.Default.AgentTokenResponse)
        );
}
