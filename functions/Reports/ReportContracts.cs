namespace ItInventory.Functions.Reports;

// Pure contracts of the report API (the console links this file).

/// <summary>A generated report as the API lists it.</summary>
public sealed record ReportEntry(string Kind, string Period, DateTimeOffset GeneratedAt, IReadOnlyList<string> Files);

/// <summary>The answer of <c>GET /api/reports</c>.</summary>
public sealed record ReportList(IReadOnlyList<ReportEntry> Items);

/// <summary>Body of <c>POST /api/reports/finance</c>.</summary>
public sealed record GenerateReportRequest
{
    /// <summary>The month, <c>yyyy-MM</c>.</summary>
    public string? Period { get; init; }
}
