namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>The IT snapshot's tables, in the order every format shows them, and its headline figures (pure).</summary>
public static class ItSnapshotTables
{
    public static IReadOnlyList<ReportTable> Of(ItSnapshotReport r) =>
        [
            new(
                "inventory",
                "Inventory by department, kind and state",
                [
                    ("Department", CellKind.Text),
                    ("Kind", CellKind.Text),
                    ("State", CellKind.Text),
                    ("Count", CellKind.Integer),
                ],
                [.. r.Inventory.Select(i => new object?[] { i.Department, i.Kind, i.State, i.Count })],
                new HashSet<int> { 3 }
            ),
            new(
                "attention",
                "Offline and missing assets",
                [
                    ("Department", CellKind.Text),
                    ("Asset id", CellKind.Text),
                    ("Tag", CellKind.Text),
                    ("Name", CellKind.Text),
                    ("Kind", CellKind.Text),
                    ("State", CellKind.Text),
                    ("Condition", CellKind.Text),
                    ("Open since", CellKind.Date),
                    ("Days open", CellKind.Integer),
                ],
                [
                    .. r.Attention.Select(a =>
                        new object?[]
                        {
                            a.Department,
                            a.AssetId,
                            a.Tag,
                            a.Name,
                            a.Kind,
                            a.State,
                            a.Condition,
                            a.OpenSince,
                            a.DaysOpen,
                        }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "new-devices",
                "New and unregistered devices (enrolled this week, awaiting review, unregistered sightings)",
                [
                    ("Department", CellKind.Text),
                    ("Asset or sighting", CellKind.Text),
                    ("Name", CellKind.Text),
                    ("Event", CellKind.Text),
                    ("Date", CellKind.Date),
                    ("Awaiting review", CellKind.Text),
                ],
                [
                    .. r.NewDevices.Select(d =>
                        new object?[]
                        {
                            d.Department,
                            d.Subject,
                            d.Name,
                            d.Event,
                            d.Date,
                            d.AwaitingReview ? "yes" : "no",
                        }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "findings",
                "Open findings by department, kind and age (days since opened)",
                [
                    ("Department", CellKind.Text),
                    ("Kind", CellKind.Text),
                    ("0-6 days", CellKind.Integer),
                    ("7-29 days", CellKind.Integer),
                    ("30-89 days", CellKind.Integer),
                    ("90+ days", CellKind.Integer),
                    ("Total", CellKind.Integer),
                ],
                [
                    .. r.Findings.Select(f =>
                        new object?[]
                        {
                            f.Department,
                            f.Kind,
                            f.UnderWeek,
                            f.UnderMonth,
                            f.UnderQuarter,
                            f.Older,
                            f.Total,
                        }
                    ),
                ],
                new HashSet<int> { 2, 3, 4, 5, 6 }
            ),
            new(
                "kpis",
                "KPIs: latest snapshot of the week, a week and a month before (rates are fractions 0..1)",
                [
                    ("Scope", CellKind.Text),
                    ("KPI", CellKind.Text),
                    ("Snapshot day", CellKind.Text),
                    ("Latest", CellKind.Text),
                    ("Week before", CellKind.Text),
                    ("Month before", CellKind.Text),
                    ("Change (week)", CellKind.Text),
                    ("Change (month)", CellKind.Text),
                ],
                [
                    .. r.Kpis.Select(k =>
                        new object?[]
                        {
                            k.Scope,
                            k.Kpi,
                            k.Day,
                            k.Latest,
                            k.WeekBefore,
                            k.MonthBefore,
                            k.WeekChange,
                            k.MonthChange,
                        }
                    ),
                ],
                new HashSet<int>()
            ),
        ];

    /// <summary>The summary's headline rows: label, this week, the week before (null when there is none).</summary>
    public static IReadOnlyList<(string Label, int Now, int? Before)> Headlines(ItSnapshotReport r)
    {
        var (t, p) = (r.Totals, r.Previous);
        return
        [
            ("Assets", t.Assets, p?.Assets),
            ("Offline assets", t.Offline, p?.Offline),
            ("Missing assets", t.Missing, p?.Missing),
            ("Enrolled this week", t.Enrolled, p?.Enrolled),
            ("Awaiting review", t.AwaitingReview, p?.AwaitingReview),
            ("Unregistered sightings", t.UnregisteredSightings, p?.UnregisteredSightings),
            ("Open findings", t.OpenFindings, p?.OpenFindings),
            ("Open findings older than 30 days", t.FindingsOverMonth, p?.FindingsOverMonth),
        ];
    }
}
