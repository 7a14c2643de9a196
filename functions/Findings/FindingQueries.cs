using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;

namespace ItInventory.Functions.Findings;

/// <summary>The filters of <c>GET /api/findings</c>, as sent (parsed and checked by <see cref="FindingQueries"/>).
/// </summary>
public sealed record FindingListQuery(
    string? Kind,
    string? Severity,
    string? Status,
    string? Department,
    string? RaisedBefore,
    string? RaisedAfter,
    string? SubjectType,
    string? SubjectId
);

/// <summary>
/// Reads of findings: one by id, filtered pages, the summary. A listing reads the cheapest rows for its filters:
/// a subject's index partition, a department's index partition, a kind's partition, or (admins and auditors, no
/// filter naming a partition) the finding rows of every kind. Index rows only locate findings: each is re-read from
/// its finding row, which decides what is shown, and an index row found behind is repaired.
/// </summary>
public sealed class FindingQueries(FindingsTables tables, FindingService findings)
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    public async Task<Outcome<FindingEntity>> GetAsync(
        Caller caller,
        string id,
        AccessPolicy policy,
        CancellationToken cancellationToken
    )
    {
        var finding = await findings.FindAsync(id, cancellationToken);
        if (finding is null)
            return Problem.NotFound($"There is no finding '{id}'.");
        if (policy.ReadFindings(caller, finding.Department) is { } denied)
            return denied;
        await findings.WithConfirmationsAsync([finding], cancellationToken);
        return finding;
    }

    public async Task<Outcome<FindingPage>> ListAsync(
        Caller caller,
        AccessPolicy policy,
        FindingListQuery query,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        var parsed = Parse(query);
        if (parsed.Failed)
            return parsed.Problem;
        var filter = parsed.Value;

        // Leads read their departments only: a listing names one of them (or defaults to their only one).
        IReadOnlySet<string>? allowed = null;
        if (!caller.IsAdmin && !caller.IsAuditor)
        {
            if (!caller.IsDepartmentLead)
                return policy.ReadFindings(caller, query.Department) ?? Problem.Forbidden("Not allowed.");
            allowed = caller.Departments;
            if (query.Department is null && filter.Subject is null)
            {
                if (caller.Departments.Count != 1)
                    return Problem.BadRequest("You lead several departments: name one with 'department'.");
                filter = filter with { Department = caller.Departments.First() };
            }
            if (filter.Department is not null && policy.ReadFindings(caller, filter.Department) is { } denied)
                return denied;
        }

        var clauses = new List<string>();
        bool throughIndex;
        if (filter.Subject is var (type, id))
        {
            clauses.Add(TableClient.CreateQueryFilter($"PartitionKey eq {FindingKeys.SubjectPartition(type, id)}"));
            if (filter.Department is not null)
                clauses.Add(TableClient.CreateQueryFilter($"Department eq {filter.Department}"));
            else if (allowed is not null)
                clauses.Add(
                    "("
                        + string.Join(
                            " or ",
                            allowed
                                .Order(StringComparer.Ordinal)
                                .Select(d => TableClient.CreateQueryFilter($"Department eq {d}"))
                        )
                        + ")"
                );
            throughIndex = true;
        }
        else if (filter.Department is not null)
        {
            clauses.Add(
                TableClient.CreateQueryFilter($"PartitionKey eq {FindingKeys.DepartmentPartition(filter.Department)}")
            );
            throughIndex = true;
        }
        else
        {
            clauses.Add(
                filter.Kind is null
                    ? TableClient.CreateQueryFilter($"PartitionKey lt {FindingKeys.IndexPartitionsStart}")
                    : TableClient.CreateQueryFilter($"PartitionKey eq {filter.Kind}")
            );
            throughIndex = false;
        }
        if (filter.Kind is not null)
            clauses.Add(TableClient.CreateQueryFilter($"Kind eq {filter.Kind}"));
        if (filter.Status is { } status)
            clauses.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        if (filter.Severity is { } severity)
            clauses.Add(TableClient.CreateQueryFilter($"Severity eq {severity.ToString()}"));
        if (filter.RaisedBefore is { } before)
            clauses.Add(TableClient.CreateQueryFilter($"FirstRaisedAt lt {before}"));
        if (filter.RaisedAfter is { } after)
            clauses.Add(TableClient.CreateQueryFilter($"FirstRaisedAt ge {after}"));
        var tableFilter = string.Join(" and ", clauses);

        var scope = "findings|" + tableFilter;
        string? position = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (position = ContinuationTokens.Decode(continuationToken, scope)) is null
        )
        {
            return Problem.BadRequest(
                "The continuation token is not valid for this listing (altered, or from other filters)."
            );
        }
        try
        {
            if (!throughIndex)
            {
                await foreach (
                    var page in tables
                        .Findings.QueryAsync<FindingEntity>(tableFilter, pageSize, cancellationToken: cancellationToken)
                        .AsPages(position, pageSize)
                )
                {
                    await findings.WithConfirmationsAsync(page.Values, cancellationToken);
                    return new FindingPage(
                        page.Values.Select(f => FindingView.From(f, false)).ToList(),
                        Next(page.ContinuationToken, scope)
                    );
                }
            }
            else
            {
                await foreach (
                    var page in tables
                        .Findings.QueryAsync<FindingIndexEntity>(
                            tableFilter,
                            pageSize,
                            cancellationToken: cancellationToken
                        )
                        .AsPages(position, pageSize)
                )
                {
                    var items = await ConfirmAsync(page.Values, filter, allowed, cancellationToken);
                    return new FindingPage(items, Next(page.ContinuationToken, scope));
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
        return new FindingPage([], null);
    }

    /// <summary>Counts by kind × status × department: the finding rows with <c>$select</c> (admins, auditors), or a
    /// lead's department index partitions.</summary>
    public async Task<Outcome<FindingSummary>> SummaryAsync(
        Caller caller,
        AccessPolicy policy,
        string? department,
        CancellationToken cancellationToken
    )
    {
        IEnumerable<string> filters;
        if (department is not null)
        {
            if (policy.ReadFindings(caller, department) is { } denied)
                return denied;
            filters = [TableClient.CreateQueryFilter($"PartitionKey eq {FindingKeys.DepartmentPartition(department)}")];
        }
        else if (caller.IsAdmin || caller.IsAuditor)
        {
            filters = [TableClient.CreateQueryFilter($"PartitionKey lt {FindingKeys.IndexPartitionsStart}")];
        }
        else if (caller.IsDepartmentLead)
        {
            filters = caller.Departments.Select(d =>
                TableClient.CreateQueryFilter($"PartitionKey eq {FindingKeys.DepartmentPartition(d)}")
            );
        }
        else
        {
            return policy.ReadFindings(caller, null) ?? Problem.Forbidden("Not allowed.");
        }
        var counts = new Dictionary<(string, string, string?), int>();
        foreach (var filter in filters)
        {
            await foreach (
                var row in tables.Findings.QueryAsync<FindingIndexEntity>(
                    filter,
                    select:
                    [
                        nameof(FindingIndexEntity.Kind),
                        nameof(FindingIndexEntity.Status),
                        nameof(FindingIndexEntity.Department),
                    ],
                    cancellationToken: cancellationToken
                )
            )
            {
                var key = (row.Kind, row.Status, row.Department);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        var items = counts
            .Select(c => new FindingCount(c.Key.Item1, Enum.Parse<FindingStatus>(c.Key.Item2), c.Key.Item3, c.Value))
            .OrderBy(c => c.Kind, StringComparer.Ordinal)
            .ThenBy(c => c.Status)
            .ThenBy(c => c.Department, StringComparer.Ordinal)
            .ToList();
        return new FindingSummary(items.Sum(i => i.Count), items);
    }

    private sealed record Filter(
        string? Kind,
        FindingStatus? Status,
        FindingSeverity? Severity,
        string? Department,
        DateTimeOffset? RaisedBefore,
        DateTimeOffset? RaisedAfter,
        (string Type, string Id)? Subject
    );

    private static Outcome<Filter> Parse(FindingListQuery q)
    {
        var errors = new Dictionary<string, string[]>();
        if (q.Kind is not null && !FindingKinds.IsKnown(q.Kind))
            errors["kind"] = [$"Unknown kind '{q.Kind}': use one of {string.Join(", ", FindingKinds.All)}."];
        FindingStatus? status = null;
        if (q.Status is not null)
        {
            if (
                Enum.TryParse<FindingStatus>(q.Status, true, out var s)
                && Enum.IsDefined(s)
                && !int.TryParse(q.Status, out _)
            )
                status = s;
            else
                errors["status"] = [$"Unknown status: use one of {string.Join(", ", Enum.GetNames<FindingStatus>())}."];
        }
        FindingSeverity? severity = null;
        if (q.Severity is not null)
        {
            if (
                Enum.TryParse<FindingSeverity>(q.Severity, true, out var s)
                && Enum.IsDefined(s)
                && !int.TryParse(q.Severity, out _)
            )
                severity = s;
            else
                errors["severity"] =
                [
                    $"Unknown severity: use one of {string.Join(", ", Enum.GetNames<FindingSeverity>())}.",
                ];
        }
        var before = Date(q.RaisedBefore, "raisedBefore", errors);
        var after = Date(q.RaisedAfter, "raisedAfter", errors);
        if (before is not null && after is not null && after >= before)
            errors["raisedAfter"] = ["raisedAfter must be earlier than raisedBefore."];
        (string, string)? subject = null;
        if (q.SubjectId is not null || q.SubjectType is not null)
        {
            var type = q.SubjectType ?? FindingSubjects.Asset;
            if (!FindingSubjects.IsKnown(type))
                errors["subjectType"] = [$"Unknown subject type: use one of {string.Join(", ", FindingSubjects.All)}."];
            if (!FindingKeys.IsSubjectId(q.SubjectId))
                errors["subjectId"] = ["subjectId is required with subjectType and must be a subject id."];
            subject = (type, q.SubjectId ?? "");
        }
        if (q.Department is { Length: 0 or > 200 })
            errors["department"] = ["department must be 1 to 200 characters."];
        if (errors.Count > 0)
            return Problem.BadRequest($"The query has {errors.Count} invalid parameter(s); see 'errors'.", errors);
        return new Filter(q.Kind, status, severity, q.Department, before, after, subject);
    }

    private static DateTimeOffset? Date(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
            return null;
        if (ContractFormats.TryParseDateTime(text, out var value))
            return value;
        if (
            text.Length == 10
            && DateTime.TryParseExact(
                text,
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var day
            )
        )
        {
            return new DateTimeOffset(day, TimeSpan.Zero);
        }
        errors[name] = [$"{name} must be an RFC 3339 date-time or a date (yyyy-MM-dd)."];
        return null;
    }

    /// <summary>Re-reads the findings an index page points at; shows those that still match (and that the caller may
    /// read) and repairs index rows that fell behind their finding.</summary>
    private async Task<List<FindingView>> ConfirmAsync(
        IReadOnlyList<FindingIndexEntity> rows,
        Filter filter,
        IReadOnlySet<string>? allowed,
        CancellationToken cancellationToken
    )
    {
        var found = await Task.WhenAll(
            rows.Select(async row =>
            {
                var finding = await findings.FindAsync(row.RowKey, cancellationToken);
                if (finding is null)
                    return null;
                if (
                    row.Status != finding.Status
                    || row.Severity != finding.Severity
                    || row.Department != finding.Department
                    || row.FirstRaisedAt != finding.FirstRaisedAt
                )
                {
                    await findings.RepairIndexAsync(finding, row.Department, cancellationToken);
                }
                return Matches(finding, filter, allowed) ? finding : null;
            })
        );
        var shown = found.OfType<FindingEntity>().ToList();
        await findings.WithConfirmationsAsync(shown, cancellationToken);
        return shown.Select(f => FindingView.From(f, false)).ToList();
    }

    private static bool Matches(FindingEntity f, Filter filter, IReadOnlySet<string>? allowed) =>
        (filter.Kind is null || f.Kind == filter.Kind)
        && (filter.Status is null || f.Status == filter.Status.ToString())
        && (filter.Severity is null || f.Severity == filter.Severity.ToString())
        && (filter.Department is null || f.Department == filter.Department)
        && (allowed is null || (f.Department is not null && allowed.Contains(f.Department)))
        && (filter.RaisedBefore is null || f.FirstRaisedAt < filter.RaisedBefore)
        && (filter.RaisedAfter is null || f.FirstRaisedAt >= filter.RaisedAfter)
        && (
            filter.Subject is null
            || (f.SubjectType == filter.Subject.Value.Type && f.SubjectId == filter.Subject.Value.Id)
        );

    private static string? Next(string? position, string scope) =>
        string.IsNullOrEmpty(position) ? null : ContinuationTokens.Encode(position, scope);
}
