namespace ItInventory.Functions.Common;

/// <summary>One rejected row of an import: its record number (header = 1, first data row = 2), field and
/// reason.</summary>
public sealed record ImportRejection(int Row, string Field, string Reason);

/// <summary>The validation report of <c>POST /api/people/import</c>.</summary>
public sealed record ImportReport(
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<ImportRejection> Rejections
);
