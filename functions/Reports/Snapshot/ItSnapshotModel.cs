using System.Globalization;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>Assets of one department, kind and state at the week's end.</summary>
public sealed record InventoryRow(string Department, string Kind, string State, int Count);

/// <summary>An asset with an open offline or missing finding at the week's end.</summary>
public sealed record AttentionLine(
    string Department,
    string AssetId,
    string Tag,
    string Name,
    string Kind,
    string State,
    string Condition,
    DateOnly OpenSince,
    int DaysOpen
);

/// <summary>A device that is new or not registered: enrolled during the week, still waiting for review at its end,
/// or a LAN sighting matching no asset (an open unregistered-device finding).</summary>
public sealed record NewDeviceLine(
    string Department,
    string Subject,
    string Name,
    string Event,
    DateOnly? Date,
    bool AwaitingReview
);

/// <summary>Open findings of one department and kind by age at the week's end (age: since the finding last
/// opened).</summary>
public sealed record FindingAgeRow(
    string Department,
    string Kind,
    int UnderWeek,
    int UnderMonth,
    int UnderQuarter,
    int Older,
    int Total
);

/// <summary>One KPI of one scope: the latest snapshot on or before the week's last day, the one a week and a month
/// before, and the changes (null where a side is missing).</summary>
public sealed record KpiTrendRow(
    string Scope,
    string Kpi,
    string? Day,
    double? Latest,
    double? WeekBefore,
    double? MonthBefore,
    double? WeekChange,
    double? MonthChange
);

/// <summary>One weekly point of a KPI of one scope (the snapshot on or before the week's last day).</summary>
public sealed record KpiWeekPoint(string Scope, string Kpi, string Week, double? Value);

/// <summary>The headline figures of a weekly IT snapshot.</summary>
public sealed record ItSnapshotTotals
{
    public int Assets { get; init; }
    public int Offline { get; init; }
    public int Missing { get; init; }
    public int Enrolled { get; init; }
    public int AwaitingReview { get; init; }
    public int UnregisteredSightings { get; init; }
    public int OpenFindings { get; init; }
    public int FindingsOverMonth { get; init; }
}

/// <summary>The weekly IT snapshot (ISO week <see cref="Period"/>, <c>yyyy-Www</c>): every table, the totals and the
/// week before's totals.</summary>
public sealed record ItSnapshotReport
{
    public required string Period { get; init; }
    public required DateOnly PeriodStart { get; init; }
    public required DateOnly PeriodEnd { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Null: the whole organisation; else the departments of a lead's cut.</summary>
    public IReadOnlyList<string>? Departments { get; init; }
    public required IReadOnlyList<InventoryRow> Inventory { get; init; }
    public required IReadOnlyList<AttentionLine> Attention { get; init; }
    public required IReadOnlyList<NewDeviceLine> NewDevices { get; init; }
    public required IReadOnlyList<FindingAgeRow> Findings { get; init; }
    public required IReadOnlyList<KpiTrendRow> Kpis { get; init; }
    public IReadOnlyList<KpiWeekPoint> KpiWeeks { get; init; } = [];
    public required ItSnapshotTotals Totals { get; init; }
    public ItSnapshotTotals? Previous { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>ISO weeks as report periods: <c>yyyy-Www</c> (e.g. <c>2026-W49</c>), Monday to Sunday, UTC.</summary>
public static class IsoWeeks
{
    public static bool TryParse(string? period, out DateOnly monday)
    {
        monday = default;
        if (
            period is not { Length: 8 }
            || period[4] != '-'
            || period[5] != 'W'
            || !int.TryParse(period[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(period[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var week)
            || year < 2000
            || year > 9999
            || week < 1
            || week > ISOWeek.GetWeeksInYear(year)
        )
            return false;
        monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return true;
    }

    public static string Of(DateOnly day)
    {
        var date = day.ToDateTime(TimeOnly.MinValue);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{ISOWeek.GetYear(date):D4}-W{ISOWeek.GetWeekOfYear(date):D2}"
        );
    }

    /// <summary>The week that ended last before <paramref name="now"/> (the Monday timer's week).</summary>
    public static string Previous(DateTimeOffset now) => Of(DateOnly.FromDateTime(now.UtcDateTime).AddDays(-7));
}
