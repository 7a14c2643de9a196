using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;

namespace ItInventory.Functions.Kpis;

/// <summary>The KPI read endpoints: the latest snapshot of a scope with its month-over-month change, and one KPI's
/// series over a range of days. Admins and auditors read every scope; a department lead, their departments
/// (<see cref="AccessPolicy.ReadKpis"/>).</summary>
public sealed class KpiQueries(KpiStore store, AccessPolicy policy, TimeProvider clock)
{
    /// <summary>At most this many days per series.</summary>
    public const int MaxSeriesDays = 732;

    /// <summary>A series without <c>from</c> covers this many days ending with <c>to</c>.</summary>
    public const int DefaultSeriesDays = 90;

    /// <summary>How far before "the same day a month earlier" the month-over-month comparison looks.</summary>
    public const int MonthLookBackDays = 31;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task<Outcome<KpiLatest>> LatestAsync(
        Caller caller,
        string? department,
        CancellationToken cancellationToken
    )
    {
        if (ValidateDepartment(department) is { } invalid)
            return invalid;
        if (policy.ReadKpis(caller, department) is { } denied)
            return denied;
        var latest = await store.LatestAsync(department, Today, cancellationToken);
        if (latest is null)
            return Problem.NotFound(NoSnapshot(department));
        KpiKeys.TryParseDay(latest.Day, out var day);
        var before = await store.OnOrBeforeAsync(department, day.AddMonths(-1), MonthLookBackDays, cancellationToken);
        return new KpiLatest(latest, before, KpiNames.Change(latest, before));
    }

    public async Task<Outcome<KpiSeries>> SeriesAsync(
        Caller caller,
        string? kpi,
        string? from,
        string? to,
        string? department,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        var read = KpiNames.Reader(kpi);
        if (read is null)
            errors["kpi"] = [$"kpi must be one of: {string.Join(", ", KpiNames.All)}."];
        var last = Today;
        if (to is not null && !KpiKeys.TryParseDay(to, out last))
            errors["to"] = ["to must be a day, yyyy-MM-dd."];
        var first = last.AddDays(1 - DefaultSeriesDays);
        if (from is not null && !KpiKeys.TryParseDay(from, out first))
            errors["from"] = ["from must be a day, yyyy-MM-dd."];
        else if (first > last)
            errors["from"] = ["from must not be after to."];
        else if (last.DayNumber - first.DayNumber + 1 > MaxSeriesDays)
            errors["from"] = [$"At most {MaxSeriesDays} days per series."];
        if (errors.Count > 0 || read is null)
            return Problem.BadRequest("The series query is invalid.", errors);
        if (ValidateDepartment(department) is { } invalid)
            return invalid;
        if (policy.ReadKpis(caller, department) is { } denied)
            return denied;
        var snapshots = await store.RangeAsync(department, first, last, cancellationToken);
        return new KpiSeries(
            kpi!,
            department,
            KpiKeys.Row(first),
            KpiKeys.Row(last),
            snapshots.Select(s => new KpiPoint(s.Day, read(s))).ToList()
        );
    }

    private static Problem? ValidateDepartment(string? department) =>
        department is not null && (department.Trim().Length == 0 || department.Length > 200)
            ? Problem.BadRequest(
                "department must be a department name (1-200 characters), or absent for the whole inventory.",
                new Dictionary<string, string[]> { ["department"] = ["Empty or longer than 200 characters."] }
            )
            : null;

    private static string NoSnapshot(string? department) =>
        department is null
            ? "There is no KPI snapshot yet: the daily timer writes the first, or run a backfill."
            : $"There is no KPI snapshot of department '{department}' yet.";
}
