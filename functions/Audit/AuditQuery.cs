using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Audit;

/// <summary>The filters of <c>GET /api/audit-trail</c>, parsed and normalised (null: not filtered).</summary>
public sealed record AuditQuery(
    string? Entity = null,
    string? EntityId = null,
    string? Actor = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null
)
{
    /// <summary>The lanes the query reads: only the entity's lane when entity and entityId are given, else all of
    /// them.</summary>
    public IReadOnlyList<string> Lanes =>
        Entity is not null && EntityId is not null
            ? [TableKeys.AuditLane(Entity, EntityId)]
            : [.. TableKeys.AllAuditLanes];
}

/// <summary>
/// Where a paged audit query stands: per lane of <see cref="AuditQuery.Lanes"/> (same order) the sequence number of the
/// last record consumed (0: none yet), or null when the lane is exhausted (it is not read again).
/// </summary>
public sealed record AuditCursor(IReadOnlyList<long?> After);

/// <summary>
/// Query parsing, Table filter building and continuation tokens of the audit trail query — pure code. Filters are built
/// only with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>, which quotes every value. The token is
/// the API's one scheme (<see cref="Common.ContinuationTokens"/>): base64url of the lane cursors and a check value over
/// them and the query's filter, so an altered token or one replayed with other filters is refused.
/// </summary>
public static class AuditQueries
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxValueLength = 256;

    public static readonly string[] Parameters =
    [
        "entity",
        "entityId",
        "actor",
        "from",
        "to",
        "pageSize",
        "continuationToken",
    ];

    private const string TokenVersion = "a1";

    /// <summary>
    /// Parses the query string: unknown or repeated parameters, bad values, an empty time range, a page size outside
    /// 1–<see cref="MaxPageSize"/> and a token that is not this query's are errors (keyed by parameter name). Empty
    /// values count as absent.
    /// </summary>
    public static Dictionary<string, string[]> Parse(
        IEnumerable<KeyValuePair<string, string[]>> query,
        out AuditQuery filter,
        out int pageSize,
        out AuditCursor? cursor
    )
    {
        var errors = new Dictionary<string, string[]>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, given) in query)
        {
            if (!Parameters.Contains(name, StringComparer.Ordinal))
                errors[name] = [$"Unknown parameter; known: {string.Join(", ", Parameters)}."];
            else if (given.Length != 1)
                errors[name] = ["Give the parameter once."];
            else if (given[0] is { Length: > 0 } value)
                values[name] = value;
        }
        string? Get(string name) => values.GetValueOrDefault(name);
        void Error(string name, string message) => errors[name] = [message];

        string? Text(string name)
        {
            if (Get(name) is not { } text)
                return null;
            if (text.Length <= MaxValueLength && !ContractFormats.HasControlCharacter(text))
                return text;
            Error(name, $"At most {MaxValueLength} characters, no control characters.");
            return null;
        }
        DateTimeOffset? Time(string name)
        {
            if (Get(name) is not { } text)
                return null;
            if (ContractFormats.TryParseDateTime(text, out var value))
                return value;
            Error(name, "Must be an RFC 3339 date-time with seconds and an offset, e.g. 2026-11-02T00:00:00Z.");
            return null;
        }
        filter = new AuditQuery(Text("entity"), Text("entityId"), Text("actor"), Time("from"), Time("to"));
        if (filter.EntityId is not null && Get("entity") is null)
            Error("entity", "Required with entityId (e.g. asset, device).");
        if (filter.From >= filter.To)
            Error("to", "Must be after from (to is exclusive).");

        pageSize = DefaultPageSize;
        if (
            Get("pageSize") is { } sizeText
            && (
                !int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize)
                || pageSize is < 1 or > MaxPageSize
            )
        )
        {
            Error("pageSize", $"A whole number from 1 to {MaxPageSize}.");
        }

        cursor = null;
        if (
            Get("continuationToken") is { } token
            && !errors.Keys.Any(k => k is "entity" or "entityId" or "actor" or "from" or "to")
        )
        {
            cursor = DecodeToken(token, filter);
            if (cursor is null)
                Error(
                    "continuationToken",
                    "Not a continuation token of this query: pass it back unchanged, with the same filters."
                );
        }
        return errors;
    }

    /// <summary>The filter clauses other than lane and row range, joined with <c>and</c> (empty: none).</summary>
    public static IReadOnlyList<string> Clauses(AuditQuery q)
    {
        var clauses = new List<string>();
        if (q.Entity is { } entity)
            clauses.Add(TableClient.CreateQueryFilter($"Entity eq {entity}"));
        if (q.EntityId is { } entityId)
            clauses.Add(TableClient.CreateQueryFilter($"EntityId eq {entityId}"));
        if (q.Actor is { } actor)
            clauses.Add(TableClient.CreateQueryFilter($"ActorId eq {actor}"));
        if (q.From is { } from)
            clauses.Add(TableClient.CreateQueryFilter($"At ge {from}"));
        if (q.To is { } to)
            clauses.Add(TableClient.CreateQueryFilter($"At lt {to}"));
        return clauses;
    }

    /// <summary>The records of one lane after a sequence number that match the query.</summary>
    public static string LaneFilter(string lane, long after, IReadOnlyList<string> clauses)
    {
        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {lane} and RowKey gt {TableKeys.AuditRecordRow(after)}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AuditRecordRowsEnd}");
        return clauses.Count == 0 ? filter : filter + " and " + string.Join(" and ", clauses);
    }

    /// <summary>What the token's check value covers: the lanes read and the filters.</summary>
    private static string TokenScope(AuditQuery q) =>
        "audit-trail\n" + string.Join(",", q.Lanes) + "\n" + string.Join(" and ", Clauses(q));

    /// <summary>The cursor as an opaque token: <c>a1:</c> and per lane the last sequence consumed or <c>x</c>
    /// (exhausted).</summary>
    public static string EncodeToken(AuditQuery q, AuditCursor cursor) =>
        Common.ContinuationTokens.Encode(
            TokenVersion
                + ":"
                + string.Join(
                    ",",
                    cursor.After.Select(a => a is { } s ? s.ToString(CultureInfo.InvariantCulture) : "x")
                ),
            TokenScope(q)
        );

    /// <summary>The cursor of a token issued for this query; null when it was altered, is for other filters or is
    /// malformed.</summary>
    public static AuditCursor? DecodeToken(string token, AuditQuery q)
    {
        if (
            Common.ContinuationTokens.Decode(token, TokenScope(q)) is not { } inner
            || !inner.StartsWith(TokenVersion + ":", StringComparison.Ordinal)
        )
            return null;
        var parts = inner[(TokenVersion.Length + 1)..].Split(',');
        if (parts.Length != q.Lanes.Count)
            return null;
        var after = new List<long?>(parts.Length);
        foreach (var part in parts)
        {
            if (part == "x")
                after.Add(null);
            else if (
                part.Length is > 0 and <= 12
                && long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            )
                after.Add(sequence);
            else
                return null;
        }
        return after.All(a => a is null) ? null : new AuditCursor(after);
    }
}
