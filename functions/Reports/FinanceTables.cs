using System.Globalization;

namespace ItInventory.Functions.Reports;

/// <summary>The kind of a column: how each format writes it.</summary>
public enum CellKind
{
    Text,
    Integer,
    Money,
    Date,
}

/// <summary>One table of a report as every format writes it: its name (sheet, CSV file), columns and rows, and which
/// columns are totalled.</summary>
public sealed record ReportTable(
    string Name,
    string Title,
    IReadOnlyList<(string Header, CellKind Kind)> Columns,
    IReadOnlyList<object?[]> Rows,
    IReadOnlySet<int> Totalled
)
{
    /// <summary>The total of a totalled column (the exact sum of its cells).</summary>
    public decimal Total(int column) =>
        Rows.Sum(r =>
            r[column] switch
            {
                decimal d => d,
                int i => i,
                _ => 0m,
            }
        );

    /// <summary>A cell as text, invariant (CSV, HTML): dates yyyy-MM-dd, money with two decimals.</summary>
    public static string Text(object? value, CellKind kind) =>
        value switch
        {
            null => "",
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            decimal m when kind == CellKind.Money => m.ToString("0.00", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
}

/// <summary>The finance report's tables, in the order every format shows them (pure).</summary>
public static class FinanceTables
{
    public static IReadOnlyList<ReportTable> Of(FinanceReport r)
    {
        var money = $"({r.ReportingCurrency})";
        (string, CellKind)[] lineColumns =
        [
            ("Department", CellKind.Text),
            ("Cost centre", CellKind.Text),
            ("Asset id", CellKind.Text),
            ("Tag", CellKind.Text),
            ("Name", CellKind.Text),
            ("Category", CellKind.Text),
            ("Event", CellKind.Text),
            ("Date", CellKind.Date),
            ($"Amount {money}", CellKind.Money),
        ];
        ReportTable Lines(string name, string title, IReadOnlyList<AssetLine> lines) =>
            new(
                name,
                title,
                lineColumns,
                [
                    .. lines.Select(l =>
                        new object?[]
                        {
                            l.Department,
                            l.CostCentre,
                            l.AssetId,
                            l.Tag,
                            l.Name,
                            l.Category,
                            l.Event,
                            l.Date,
                            l.Amount,
                        }
                    ),
                ],
                new HashSet<int> { 8 }
            );
        return
        [
            new(
                "holdings",
                "Assets by department, cost centre and category",
                [
                    ("Department", CellKind.Text),
                    ("Cost centre", CellKind.Text),
                    ("Category", CellKind.Text),
                    ("Count", CellKind.Integer),
                    ($"Cost {money}", CellKind.Money),
                    ($"Book value {money}", CellKind.Money),
                    ($"Depreciation this month {money}", CellKind.Money),
                ],
                [
                    .. r.Holdings.Select(h =>
                        new object?[]
                        {
                            h.Department,
                            h.CostCentre,
                            h.Category,
                            h.Count,
                            h.Cost,
                            h.BookValue,
                            h.Depreciation,
                        }
                    ),
                ],
                new HashSet<int> { 3, 4, 5, 6 }
            ),
            Lines("purchases", "Purchases of the month (amount: cost)", r.Purchases),
            Lines("retirements", "Retirements and disposals of the month (amount: book value)", r.Retirements),
            Lines("idle", "Idle assets (amount: book value tied up)", r.Idle),
            Lines("warranty", "Warranties ending in the next 90 days (amount: book value)", r.WarrantyExpiries),
            new(
                "licences",
                "Licence spend and unused seats",
                [
                    ("Product", CellKind.Text),
                    ("Vendor", CellKind.Text),
                    ("Metric", CellKind.Text),
                    ("Seats", CellKind.Integer),
                    ("In use", CellKind.Integer),
                    ("Unused", CellKind.Integer),
                    ($"Spend {money}", CellKind.Money),
                    ($"Annual saving if reclaimed {money}", CellKind.Money),
                ],
                [
                    .. r.Licences.Select(l =>
                        new object?[]
                        {
                            l.Product,
                            l.Vendor,
                            l.Metric,
                            l.Seats,
                            l.InUse,
                            l.Unused,
                            l.Spend,
                            l.AnnualSaving,
                        }
                    ),
                ],
                new HashSet<int> { 3, 4, 5, 6, 7 }
            ),
            new(
                "renewals",
                "Licence renewals due in the next 90 days",
                [
                    ("Product", CellKind.Text),
                    ("Reference", CellKind.Text),
                    ("Type", CellKind.Text),
                    ("Date", CellKind.Date),
                    ("Seats", CellKind.Integer),
                    ($"Cost {money}", CellKind.Money),
                ],
                [.. r.Renewals.Select(l => new object?[] { l.Product, l.Reference, l.Type, l.Date, l.Seats, l.Cost })],
                new HashSet<int> { 4, 5 }
            ),
            new(
                "unconverted",
                "Not converted (no exchange rate): in their own currency, not in any total",
                [
                    ("Department", CellKind.Text),
                    ("Cost centre", CellKind.Text),
                    ("Currency", CellKind.Text),
                    ("Count", CellKind.Integer),
                    ("Cost", CellKind.Money),
                    ("Book value", CellKind.Money),
                ],
                [
                    .. r.Unconverted.Select(u =>
                        new object?[] { u.Department, u.CostCentre, u.Currency, u.Count, u.Cost, u.BookValue }
                    ),
                ],
                new HashSet<int>()
            ),
        ];
    }

    /// <summary>The summary's headline rows: label, this month, last month (null when there is none).</summary>
    public static IReadOnlyList<(string Label, CellKind Kind, decimal Now, decimal? Before)> Headlines(FinanceReport r)
    {
        var t = r.Totals;
        var p = r.Previous;
        return
        [
            ("Assets held", CellKind.Integer, t.Assets, p?.Assets),
            ("Cost", CellKind.Money, t.Cost, p?.Cost),
            ("Book value", CellKind.Money, t.BookValue, p?.BookValue),
            ("Depreciation this month", CellKind.Money, t.Depreciation, p?.Depreciation),
            ("Purchases", CellKind.Integer, t.Purchases, p?.Purchases),
            ("Purchase cost", CellKind.Money, t.PurchaseCost, p?.PurchaseCost),
            ("Retirements and disposals", CellKind.Integer, t.Retirements, p?.Retirements),
            ("Idle assets", CellKind.Integer, t.IdleAssets, p?.IdleAssets),
            ("Idle book value", CellKind.Money, t.IdleBookValue, p?.IdleBookValue),
            ("Licence spend", CellKind.Money, t.LicenceSpend, p?.LicenceSpend),
            ("Unused seats", CellKind.Integer, t.UnusedSeats, p?.UnusedSeats),
            ("Annual saving if reclaimed", CellKind.Money, t.AnnualSaving, p?.AnnualSaving),
            ("Renewals due (90 days)", CellKind.Integer, t.Renewals, p?.Renewals),
            ("Warranties ending (90 days)", CellKind.Integer, t.WarrantyExpiries, p?.WarrantyExpiries),
            ("Assets not converted (no rate)", CellKind.Integer, t.Unconverted, p?.Unconverted),
        ];
    }
}
