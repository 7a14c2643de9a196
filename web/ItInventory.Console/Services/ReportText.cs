using ItInventory.Functions.Reports;

namespace ItInventory.Console.Services;

/// <summary>The Reports page's grouping, titles and download paths (pure code). Kinds are rendered generically: a
/// new kind of report appears under its own heading without a change here.</summary>
public static class ReportText
{
    /// <summary>Kinds in name order, the newest period first within each.</summary>
    public static IEnumerable<IGrouping<string, ReportEntry>> ByKind(IEnumerable<ReportEntry> reports) =>
        reports
            .OrderBy(r => r.Kind, StringComparer.Ordinal)
            .ThenByDescending(r => r.Period, StringComparer.Ordinal)
            .GroupBy(r => r.Kind);

    public static string KindTitle(string kind) =>
        kind switch
        {
            "finance" => "Finance summary",
            "" => "Reports",
            _ => char.ToUpperInvariant(kind[0]) + kind[1..].Replace('-', ' ') + " reports",
        };

    public static string FilePath(ReportEntry report, string file) =>
        $"reports/{Uri.EscapeDataString(report.Kind)}/{Uri.EscapeDataString(report.Period)}/"
        + Uri.EscapeDataString(file);
}
