using System.Text;
using System.Text.Json;
using System.Xml;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>Which protocol the endpoint speaks first: the GLPI Agent's (its XML PROLOG is answered in JSON, which
/// switches it to the JSON protocol) or the OCS/FusionInventory XML one.</summary>
public enum AgentDialect
{
    Glpi,
    Ocs,
}

/// <summary>
/// The existing agents' endpoints: authenticates every request (PROLOG and CONTACT included) with the device
/// credential, pins the agent's identity, decodes the document and hands an inventory to the native check-in path
/// (<see cref="CheckinService"/>: unchanged detection, claim-check blob, queue, diff processor, audit). Every
/// answer — errors included — is in the agent's own protocol, so it logs the reason and backs off for
/// <c>expiration</c>.
/// </summary>
public sealed class AgentProtocolService(
    DeviceAuthenticator authenticator,
    CheckinService checkins,
    AgentPins pins,
    NetworkAssets networkAssets,
    InventoryStore store,
    IOptions<CheckinOptions> options,
    TimeProvider clock,
    ILogger<AgentProtocolService> logger
)
{
    /// <summary>The header in which the GLPI Agent sends its installation's UUID.</summary>
    public const string AgentIdHeader = "GLPI-Agent-ID";

    private const int MaxTokenRequestBytes = 8 * 1024;

    /// <summary>The network tasks send one to four devices a message; more is not an agent's.</summary>
    private const int MaxDevicesPerMessage = 64;

    /// <summary>Hours until the agent calls again (the heartbeat interval, at least one hour).</summary>
    private int ExpirationHours => Math.Max(1, options.Value.HeartbeatIntervalSeconds / 3600);

    public async Task<AgentReply> HandleAsync(HttpRequest request, AgentDialect dialect, CancellationToken ct)
    {
        AgentReply Error(Problem problem, bool xml) =>
            xml ? AgentReply.XmlError(problem) : AgentReply.GlpiError(problem, ExpirationHours);
        var xmlErrors = dialect == AgentDialect.Ocs;

        // Authenticate before reading the body: anonymous requests never cost a decompression.
        if (AgentCredentials.Parse(request.Headers.Authorization) is not { } credential)
        {
            return Error(
                Problem.DeviceUnauthorized(
                    "Authentication required: configure the agent with user = the device id and password = the "
                        + "device secret from enrollment (or OAuth client id/secret = the same)."
                ),
                xmlErrors
            );
        }
        var now = clock.GetUtcNow();
        var device = await authenticator.AuthenticateAsync(
            credential.DeviceId,
            hash => AgentCredentials.Proves(credential, hash, now),
            ct
        );
        if (device.Failed)
            return Error(device.Problem, xmlErrors);

        var payload = await AgentPayloadReader.ReadAsync(
            request,
            options.Value.MaxRequestBytes,
            options.Value.MaxDecompressedBytes,
            ct
        );
        if (payload.Failed)
            return Error(payload.Problem, xmlErrors);
        var xml = payload.Value.Format == AgentPayloadFormat.Xml;
        var message = Parse(payload.Value);
        if (message.Failed)
            return Error(message.Problem, xml || xmlErrors);

        var identity = AgentPins.IdentityOf(request.Headers[AgentIdHeader].ToString(), message.Value.DeviceId);
        var pinned = await pins.CheckAsync(device.Value, identity, ct);
        if (pinned.Failed)
            return Error(pinned.Problem, xml || xmlErrors);
        var summary = pinned.Value;

        var m = message.Value;
        switch (m.Action)
        {
            case "prolog":
                // On the GLPI endpoint a JSON answer to the XML PROLOG switches the GLPI Agent to the JSON protocol.
                return dialect == AgentDialect.Glpi
                    ? AgentReply.GlpiOk(ExpirationHours)
                    : AgentReply.XmlProlog(ExpirationHours);
            case "contact":
                return AgentReply.Glpi(
                    StatusCodes.Status200OK,
                    new GlpiAgentReply
                    {
                        Status = "ok",
                        Expiration = ExpirationHours,
                        Tasks = new() { ["inventory"] = new() { ["server"] = "itinventory" } },
                    }
                );
            case "inventory" when m.Content is null:
                return Error(Problem.BadRequest("The inventory has no content."), xml);
            case "inventory" when m.ItemType is not null && !m.ItemType.Equals("Computer", StringComparison.Ordinal):
                // Network gear, printers, phones: agentless assets (or sightings), reported by this device.
                await networkAssets.ReportAsync(summary.RowKey, m.ItemType, m.Content, ct);
                return xml ? AgentReply.XmlAccepted() : AgentReply.GlpiOk(ExpirationHours);
            case "netdiscovery" or "snmpquery" when xml:
                // The agents' XML network tasks: START/END/NBIP progress messages carry no DEVICE.
                foreach (var reported in (m.Content?.All("DEVICE") ?? []).Take(MaxDevicesPerMessage))
                    await networkAssets.ReportXmlAsync(summary.RowKey, reported, m.Action == "snmpquery", ct);
                return AgentReply.XmlAccepted();
            case "inventory":
                var submitted = await SubmitAsync(summary, m, ct);
                if (submitted is not null)
                    return Error(submitted, xml);
                return xml ? AgentReply.XmlAccepted() : AgentReply.GlpiOk(ExpirationHours);
            default:
                return Error(
                    Problem.BadRequest(
                        $"'{AgentInventoryMapper.Text(m.Action)}' is not supported: this server takes PROLOG, "
                            + "CONTACT, INVENTORY, NETDISCOVERY and SNMPQUERY."
                    ),
                    xml
                );
        }
    }

    /// <summary>Maps the inventory onto the check-in model and runs the native path; a problem when it fails.
    /// </summary>
    private async Task<Problem?> SubmitAsync(AssetSummaryEntity summary, AgentMessage message, CancellationToken ct)
    {
        var inventory = AgentInventoryMapper.Map(message.Content!);
        if (message.Partial && inventory.Software is null)
        {
            // A partial inventory (GLPI Agent ≥ 1.8) carries only changed sections. Every other absent section is
            // left untouched by the diff; the software list would read as "all uninstalled", so it is carried over.
            inventory = inventory with { Software = await StoredSoftwareAsync(summary.RowKey, ct) };
        }
        var checkin = new CheckinRequest
        {
            SchemaVersion = "1.0",
            Kind = CheckinKinds.Inventory,
            DeviceId = summary.RowKey,
            SentAt = clock.GetUtcNow(),
            Agent = AgentInventoryMapper.Agent(message.Content!, message.Dialect),
            Inventory = inventory,
        };
        if (CheckinValidator.Validate(checkin) is { } invalid)
            return invalid;
        // No payload: the intake serialises the request only when it stores it (not for an unchanged inventory).
        var handled = await checkins.HandleAsync(summary, new ReceivedCheckin(checkin, null), ct);
        if (handled.Failed)
            return handled.Problem;
        logger.LogInformation(
            "{Agent} inventory of {DeviceId}: {Status}",
            checkin.Agent?.Name,
            summary.RowKey,
            handled.Value.Response.Status
        );
        return null;
    }

    private async Task<List<SoftwareData>> StoredSoftwareAsync(string assetId, CancellationToken ct)
    {
        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {assetId} and RowKey ge {TableKeys.SoftwareRowPrefix}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.SoftwareRangeEnd}");
        var list = new List<SoftwareData>();
        await foreach (var row in store.Assets.QueryAsync<SoftwareEntity>(filter, cancellationToken: ct))
        {
            if (row.State == nameof(SoftwareState.Installed))
            {
                list.Add(
                    new SoftwareData
                    {
                        Name = row.Name,
                        Version = row.Version,
                        Publisher = row.Publisher,
                        Architecture = row.Architecture,
                        InstalledOn = row.InstalledOn,
                    }
                );
            }
        }
        return list;
    }

    /// <summary>Reads the message: an XML <c>REQUEST</c> (PROLOG or INVENTORY) or a GLPI JSON message.</summary>
    private Outcome<AgentMessage> Parse(AgentPayload payload)
    {
        if (payload.Format == AgentPayloadFormat.Xml)
        {
            AgentNode root;
            try
            {
                root = AgentNode.FromXml(payload.Bytes, options.Value.MaxDecompressedBytes);
            }
            catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
            {
                return Problem.BadRequest("XML with a DOCTYPE is refused (no DTDs, no entities).");
            }
            catch (XmlException ex)
            {
                return Problem.BadRequest($"The XML is malformed (line {ex.LineNumber}, position {ex.LinePosition}).");
            }
            if (root.One("REQUEST") is not { } xmlRequest)
                return Problem.BadRequest("The XML document is not an agent REQUEST.");
            return new AgentMessage(
                Action: xmlRequest.Value("QUERY")?.ToLowerInvariant() ?? "",
                DeviceId: xmlRequest.Value("DEVICEID"),
                ItemType: null,
                Partial: false,
                Content: xmlRequest.One("CONTENT"),
                Dialect: "fusioninventory"
            );
        }

        if (!System.Text.Unicode.Utf8.IsValid(payload.Bytes.Span))
            return Problem.MalformedJson("The body is not valid UTF-8.");
        AgentNode json;
        try
        {
            json = AgentNode.FromJson(payload.Bytes.Span, maxDepth: 32);
        }
        catch (JsonException ex)
        {
            return Problem.MalformedJson(JsonBody.Describe(ex));
        }
        return new AgentMessage(
            Action: json.Value("ACTION")?.ToLowerInvariant() ?? "",
            DeviceId: json.Value("DEVICEID"),
            ItemType: json.Value("ITEMTYPE"),
            Partial: json.Value("PARTIAL") is "1" or "true",
            Content: json.One("CONTENT"),
            Dialect: "glpi-agent"
        );
    }

    /// <summary>
    /// The OAuth2 client-credentials token endpoint: client id and secret are the device id and secret, in the form
    /// body or HTTP Basic (RFC 6749 §2.3.1). Answers a short-lived bearer token (<see cref="AgentCredentials"/>).
    /// </summary>
    public async Task<AgentReply> IssueTokenAsync(HttpRequest request, CancellationToken ct)
    {
        static AgentReply Fail(int status, string error, string description) =>
            AgentReply.Token(status, new AgentTokenResponse { Error = error, ErrorDescription = description });

        if (request.ContentLength > MaxTokenRequestBytes)
            return Fail(StatusCodes.Status413PayloadTooLarge, "invalid_request", "The request is too large.");
        var body = await JsonBody.ReadBoundedAsync(request.Body, MaxTokenRequestBytes, ct);
        if (body is null)
            return Fail(StatusCodes.Status413PayloadTooLarge, "invalid_request", "The request is too large.");
        var fields = Fields(body, request.ContentType);
        if (fields.GetValueOrDefault("grant_type") != "client_credentials")
        {
            return Fail(
                StatusCodes.Status400BadRequest,
                "unsupported_grant_type",
                "Only grant_type=client_credentials is supported."
            );
        }
        var credential =
            AgentCredentials.Parse(request.Headers.Authorization) is { Secret: not null } basic ? basic
            : fields.GetValueOrDefault("client_id") is { } id
            && fields.GetValueOrDefault("client_secret") is { } secret
            && TableKeys.IsAssetId(id.Trim().ToLowerInvariant())
                ? new AgentCredential(id.Trim().ToLowerInvariant(), secret, null)
            : null;
        if (credential is null)
        {
            return Fail(
                StatusCodes.Status401Unauthorized,
                "invalid_client",
                "Send client_id = the device id and client_secret = the device secret from enrollment."
            );
        }
        var now = clock.GetUtcNow();
        var device = await authenticator.AuthenticateAsync(
            credential.DeviceId,
            hash => AgentCredentials.Proves(credential, hash, now),
            ct
        );
        if (device.Failed)
            return Fail(StatusCodes.Status401Unauthorized, "invalid_client", device.Problem.Detail);
        return AgentReply.Token(
            StatusCodes.Status200OK,
            new AgentTokenResponse
            {
                AccessToken = AgentCredentials.IssueToken(credential.DeviceId, device.Value.CredentialHash!, now),
                TokenType = "Bearer",
                ExpiresIn = (int)AgentCredentials.TokenLifetime.TotalSeconds,
            }
        );
    }

    /// <summary>The token request's fields: a form (the standard) or a JSON object (some clients).</summary>
    private static Dictionary<string, string> Fields(byte[] body, string? contentType)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind == JsonValueKind.String)
                            fields[property.Name] = property.Value.GetString()!;
                    }
                }
            }
            catch (JsonException)
            {
                // An unreadable body has no fields: the grant type check answers.
            }
            return fields;
        }
        foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            fields[key] = value.ToString();
        return fields;
    }
}

/// <summary>An agent's message, whichever protocol carried it.</summary>
/// <param name="Action"><c>prolog</c>, <c>contact</c>, <c>inventory</c>, … (lower case).</param>
/// <param name="ItemType">GLPI's <c>itemtype</c> (<c>Computer</c>, <c>NetworkEquipment</c>, <c>Printer</c>, …).
/// </param>
/// <param name="Dialect">The agent family, the name used when the document names none.</param>
public sealed record AgentMessage(
    string Action,
    string? DeviceId,
    string? ItemType,
    bool Partial,
    AgentNode? Content,
    string Dialect
);
