using System.Globalization;
using ItInventory.Functions.Findings;

namespace ItInventory.Console.Services;

/// <summary>The Findings page's filters as the query of <c>GET /api/findings</c>: kind, status, severity and
/// department as the API names them; the age as <c>raisedBefore</c>/<c>raisedAfter</c> days counted from today.
/// </summary>
public sealed class FindingQuery
{
    public const int PageSize = 50;

    /// <summary>The age choices: value (what <see cref="Age"/> holds) and label.</summary>
    public static IReadOnlyList<(string Value, string Label)> Ages { get; } =
    [
        ("", "Any age"),
        ("new-7", "Raised in the last 7 days"),
        ("older-7", "Older than 7 days"),
        ("older-30", "Older than 30 days"),
        ("older-90", "Older than 90 days"),
    ];

    public static IReadOnlyList<string> Statuses { get; } = Enum.GetNames<FindingStatus>();

    public static IReadOnlyList<string> Severities { get; } = Enum.GetNames<FindingSeverity>();

    public string? Kind { get; set; }
    public string? Status { get; set; } = nameof(FindingStatus.Open);
    public string? Severity { get; set; }
    public string? Department { get; set; }
    public string? Age { get; set; }

    public string ToQuery(DateOnly today, string? continuationToken)
    {
        var parts = new List<string> { $"pageSize={PageSize}" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }
        Add("kind", Kind);
        Add("status", Status);
        Add("severity", Severity);
        Add("department", Department);
        switch (Age?.Split('-') ?? [])
        {
            case ["new", var days]:
                Add("raisedAfter", Day(today.AddDays(-int.Parse(days, CultureInfo.InvariantCulture))));
                break;
            case ["older", var days]:
                Add("raisedBefore", Day(today.AddDays(-int.Parse(days, CultureInfo.InvariantCulture))));
                break;
        }
        Add("continuationToken", continuationToken);
        return "?" + string.Join('&', parts);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>What the console offers on a finding (the API decides: it answers 409 to an action its status does not
/// allow). Closed findings take no action: they reopen when a scan sees their condition again.</summary>
public static class FindingChoices
{
    public static bool IsClosed(FindingView finding) =>
        finding.Status is FindingStatus.Resolved or FindingStatus.AutoResolved;

    public static bool CanAcknowledge(FindingView finding) =>
        finding.Status is FindingStatus.Open or FindingStatus.Snoozed;

    public static bool CanSnooze(FindingView finding) => !IsClosed(finding);

    public static bool CanResolve(FindingView finding) => !IsClosed(finding);

    /// <summary>The snooze date as the API takes it: the end of the chosen day, UTC.</summary>
    public static DateTimeOffset SnoozeUntil(DateOnly day) => new(day.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero);
}
