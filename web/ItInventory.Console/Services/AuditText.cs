using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;

namespace ItInventory.Console.Services;

/// <summary>The Audit trail page's query and words (pure code).</summary>
public static class AuditText
{
    public const int PageSize = 50;

    /// <summary>The filters of <c>GET /api/audit-trail</c>; days are whole UTC days (to is exclusive).</summary>
    public sealed class Query
    {
        public string? Entity { get; set; }
        public string? EntityId { get; set; }
        public string? Actor { get; set; }
        public DateOnly? From { get; set; }
        public DateOnly? To { get; set; }

        public Query Copy() => (Query)MemberwiseClone();

        public string ToQuery(string? continuationToken)
        {
            var parts = new List<string> { $"pageSize={PageSize}" };
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                    parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
            Add("entity", Entity);
            Add("entityId", EntityId);
            Add("actor", Actor);
            Add("from", Day(From));
            Add("to", Day(To));
            Add("continuationToken", continuationToken);
            return "?" + string.Join('&', parts);
        }

        private static string? Day(DateOnly? day) =>
            day is { } d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z" : null;
    }

    public static string Verdict(AuditVerification v) =>
        v.Intact
            ? $"Verified: {v.Records} records in {v.Lanes} lanes, every chain intact."
            : $"Broken: {v.Breaks.Count} break(s) in {v.Records} records of {v.Lanes} lanes.";

    public static string Verdict(AuditArchiveVerification v) =>
        v.Intact
            ? $"Archive of {v.Date} verified: {v.Records} records, seal intact."
            : $"Archive of {v.Date} broken: {v.Breaks.Count} break(s).";

    public static string Actor(AuditActor actor) => $"{actor.Kind} {actor.Name ?? actor.Id}";

    public static string Changes(IReadOnlyList<FieldChange> changes) =>
        string.Join("; ", changes.Select(c => $"{c.Field}: {c.From ?? "—"} → {c.To ?? "—"}"));
}
