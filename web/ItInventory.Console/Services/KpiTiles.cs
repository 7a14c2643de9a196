using System.Globalization;
using ItInventory.Functions.Kpis;

namespace ItInventory.Console.Services;

/// <summary>How each KPI is shown on Home: its label and whether it is a rate (a fraction shown in per cent, its
/// change in percentage points), a duration or a count.</summary>
public static class KpiTiles
{
    public enum Unit
    {
        Rate,
        Hours,
        Days,
        Count,
    }

    public sealed record Tile(string Kpi, string Label, Unit Unit);

    /// <summary>The tiles, in the order of <see cref="KpiNames.All"/>.</summary>
    public static IReadOnlyList<Tile> All { get; } =
    [
        .. KpiNames.All.Select(name =>
            name switch
            {
                KpiNames.InventoryAccuracyRate => new Tile(name, "Inventory accuracy", Unit.Rate),
                KpiNames.AutomatedAccuracyRate => new Tile(name, "Automated accuracy", Unit.Rate),
                KpiNames.UtilisationRate => new Tile(name, "Utilisation", Unit.Rate),
                KpiNames.LicenceComplianceRate => new Tile(name, "Licence compliance", Unit.Rate),
                KpiNames.DiscoveryMeanHours => new Tile(name, "Time to discovery (mean)", Unit.Hours),
                KpiNames.DiscoveryP90Hours => new Tile(name, "Time to discovery (p90)", Unit.Hours),
                KpiNames.DecommissionMeanDays => new Tile(name, "Decommission cycle (mean)", Unit.Days),
                KpiNames.DecommissionP90Days => new Tile(name, "Decommission cycle (p90)", Unit.Days),
                KpiNames.Assets => new Tile(name, "Assets", Unit.Count),
                KpiNames.Offline => new Tile(name, "Offline", Unit.Count),
                KpiNames.Idle => new Tile(name, "Idle", Unit.Count),
                KpiNames.OpenFindings => new Tile(name, "Open findings", Unit.Count),
                _ => new Tile(name, name, Unit.Count),
            }
        ),
    ];

    public static string Value(Unit unit, double? value) =>
        value is not { } v
            ? "—"
            : unit switch
            {
                Unit.Rate => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %",
                Unit.Hours => v.ToString("0.#", CultureInfo.InvariantCulture) + " h",
                Unit.Days => v.ToString("0.#", CultureInfo.InvariantCulture) + " d",
                _ => v.ToString("0", CultureInfo.InvariantCulture),
            };

    /// <summary>The month-over-month change with its sign: percentage points for rates.</summary>
    public static string Change(Unit unit, double? change)
    {
        if (change is not { } c)
            return "no month-earlier snapshot";
        var sign =
            c > 0 ? "+"
            : c < 0 ? "−"
            : "±";
        var magnitude = Math.Abs(c);
        var text = unit switch
        {
            Unit.Rate => (magnitude * 100).ToString("0.#", CultureInfo.InvariantCulture) + " pts",
            Unit.Hours => magnitude.ToString("0.#", CultureInfo.InvariantCulture) + " h",
            Unit.Days => magnitude.ToString("0.#", CultureInfo.InvariantCulture) + " d",
            _ => magnitude.ToString("0", CultureInfo.InvariantCulture),
        };
        return sign + text + " vs a month before";
    }
}

/// <summary>The geometry of a sparkline: the points of an SVG polyline through a series (gaps skipped), scaled to the
/// box with a margin so the stroke is not clipped. Pure code.</summary>
public static class SparklineGeometry
{
    public static string Points(IReadOnlyList<double?> values, double width, double height, double margin = 2)
    {
        var known = values.Select((v, i) => (Index: i, Value: v)).Where(p => p.Value is not null).ToList();
        if (known.Count == 0)
            return "";
        var min = known.Min(p => p.Value!.Value);
        var max = known.Max(p => p.Value!.Value);
        var span = max - min;
        var steps = Math.Max(1, values.Count - 1);
        string Format(double d) => Math.Round(d, 1).ToString("0.#", CultureInfo.InvariantCulture);
        return string.Join(
            ' ',
            known.Select(p =>
            {
                var x = values.Count == 1 ? width / 2 : margin + (width - 2 * margin) * p.Index / steps;
                // A flat series is drawn through the middle.
                var y = span == 0 ? height / 2 : margin + (height - 2 * margin) * (max - p.Value!.Value) / span;
                return Format(x) + "," + Format(y);
            })
        );
    }
}
