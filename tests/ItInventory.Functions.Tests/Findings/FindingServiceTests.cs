using Azure.Data.Tables;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Findings;

public sealed class FindingServiceTests : IAsyncLifetime
{
    private const string AssetA = "0a0000000000400080000000000000aa";
    private const string AssetB = "0b0000000000400080000000000000bb";

    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private FindingService Findings => app.Services.GetRequiredService<FindingService>();

    private TableClient Table => app.Services.GetRequiredService<FindingsTables>().Findings;

    private static FindingCondition Missing(string asset, int days = 31, string? department = "Finance") =>
        new(
            FindingKinds.Missing,
            FindingSubjects.Asset,
            asset,
            FindingSeverity.Medium,
            department,
            $"Silent for {days} days",
            new Dictionary<string, string> { ["daysSilent"] = days.ToString() }
        );

    private Task<FindingReconciliation> ReconcileMissingAsync(params FindingCondition[] current) =>
        Findings.ReconcileAsync(
            [FindingKinds.Missing],
            current,
            "run-" + Guid.NewGuid().ToString("N")[..8],
            CancellationToken.None
        );

    private async Task<FindingEntity> GetAsync(string asset, string kind = FindingKinds.Missing) =>
        (
            await Findings.FindAsync(
                FindingKeys.Id(kind, FindingKeys.RowKey(FindingSubjects.Asset, asset)),
                CancellationToken.None
            )
        )!;

    private async Task<int> CountRowsAsync(string partitionFilter)
    {
        var count = 0;
        await foreach (var _ in Table.QueryAsync<TableEntity>(partitionFilter))
            count++;
        return count;
    }

    [Fact]
    public async Task A_new_condition_opens_one_finding_with_its_facts_and_index_rows()
    {
        var result = await ReconcileMissingAsync(Missing(AssetA));

        Assert.Equal(new FindingReconciliation(1, 0, 0, 0), result);
        var finding = await GetAsync(AssetA);
        Assert.Equal("missing." + AssetA + ".asset", finding.Id);
        Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        Assert.Equal("Silent for 31 days", finding.Text);
        Assert.Contains("\"daysSilent\":\"31\"", finding.FactsJson);
        Assert.Equal(app.Clock.GetUtcNow(), finding.FirstRaisedAt);
        var opened = Assert.Single(FindingTransitions.History(finding));
        Assert.Equal("opened", opened.Action);
        Assert.Equal(1, await CountRowsAsync($"PartitionKey eq '{FindingKeys.DepartmentPartition("Finance")}'"));
        Assert.Equal(
            1,
            await CountRowsAsync($"PartitionKey eq '{FindingKeys.SubjectPartition(FindingSubjects.Asset, AssetA)}'")
        );
    }

    [Fact]
    public async Task The_same_condition_twice_is_one_finding_and_a_rerun_only_confirms_it()
    {
        var first = await ReconcileMissingAsync(Missing(AssetA), Missing(AssetA));
        var raisedAt = app.Clock.GetUtcNow();
        var written = await GetAsync(AssetA);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var second = await ReconcileMissingAsync(Missing(AssetA));

        Assert.Equal(new FindingReconciliation(1, 0, 0, 0), first);
        Assert.Equal(new FindingReconciliation(0, 0, 1, 0), second);
        Assert.Equal(1, await CountRowsAsync($"PartitionKey eq '{FindingKinds.Missing}'"));
        var finding = await GetAsync(AssetA);
        Assert.Equal(written.ETag, finding.ETag); // nothing changed: the confirmation wrote nothing to the row
        Assert.Equal(raisedAt, finding.LastConfirmedAt);
        await Findings.WithConfirmationsAsync([finding], CancellationToken.None);
        Assert.Equal(raisedAt, finding.FirstRaisedAt);
        Assert.Equal(app.Clock.GetUtcNow(), finding.LastConfirmedAt); // from the kind's mark
        Assert.Single(FindingTransitions.History(finding));
    }

    [Fact]
    public async Task The_confirmation_mark_applies_only_to_standing_findings_and_only_after_full_runs()
    {
        await ReconcileMissingAsync(Missing(AssetA), Missing(AssetB));
        var openedAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(1));
        // A scoped run (one subject) confirms A but leaves no mark: the others were not looked at.
        await Findings.ReconcileAsync(
            [FindingKinds.Missing],
            [Missing(AssetA)],
            "scoped",
            CancellationToken.None,
            [AssetA]
        );
        var b = await GetAsync(AssetB);
        await Findings.WithConfirmationsAsync([b], CancellationToken.None);
        Assert.Equal(openedAt, b.LastConfirmedAt);

        app.Clock.Advance(TimeSpan.FromDays(1));
        await ReconcileMissingAsync(Missing(AssetA)); // full run: B is gone
        var fullRunAt = app.Clock.GetUtcNow();
        var (a, resolved) = (await GetAsync(AssetA), await GetAsync(AssetB));
        await Findings.WithConfirmationsAsync([a, resolved], CancellationToken.None);
        Assert.Equal(fullRunAt, a.LastConfirmedAt);
        Assert.Equal(nameof(FindingStatus.AutoResolved), resolved.Status);
        Assert.Equal(openedAt, resolved.LastConfirmedAt); // a closed finding keeps its own
    }

    [Fact]
    public async Task A_confirmation_follows_the_scans_text_severity_and_department()
    {
        await ReconcileMissingAsync(Missing(AssetA, 31, "Finance"));
        app.Clock.Advance(TimeSpan.FromDays(5));
        await ReconcileMissingAsync(Missing(AssetA, 36, "HR"));

        var finding = await GetAsync(AssetA);
        Assert.Equal("Silent for 36 days", finding.Text);
        Assert.Equal("HR", finding.Department);
        Assert.Equal(0, await CountRowsAsync($"PartitionKey eq '{FindingKeys.DepartmentPartition("Finance")}'"));
        Assert.Equal(1, await CountRowsAsync($"PartitionKey eq '{FindingKeys.DepartmentPartition("HR")}'"));
    }

    [Fact]
    public async Task An_absent_condition_auto_resolves_and_its_return_reopens_with_history()
    {
        await ReconcileMissingAsync(Missing(AssetA), Missing(AssetB));
        app.Clock.Advance(TimeSpan.FromDays(1));
        var cleared = await ReconcileMissingAsync(Missing(AssetB));
        var clearedAgain = await ReconcileMissingAsync(Missing(AssetB));
        Assert.Equal(nameof(FindingStatus.AutoResolved), (await GetAsync(AssetA)).Status);

        app.Clock.Advance(TimeSpan.FromDays(1));
        var back = await ReconcileMissingAsync(Missing(AssetA), Missing(AssetB));

        Assert.Equal(new FindingReconciliation(0, 0, 1, 1), cleared);
        Assert.Equal(new FindingReconciliation(0, 0, 1, 0), clearedAgain);
        Assert.Equal(new FindingReconciliation(0, 1, 1, 0), back);
        var finding = await GetAsync(AssetA);
        Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        Assert.Equal(2, finding.Occurrences);
        Assert.Equal(
            ["opened", "auto-resolved", "reopened"],
            FindingTransitions.History(finding).Select(h => h.Action)
        );
        Assert.Equal(1, await CountRowsAsync($"PartitionKey eq '{FindingKinds.Missing}' and SubjectId eq '{AssetA}'"));
    }

    [Fact]
    public async Task A_snoozed_finding_stays_snoozed_while_its_condition_holds_and_opens_again_when_the_snooze_ends()
    {
        await ReconcileMissingAsync(Missing(AssetA));
        var finding = await GetAsync(AssetA);
        var snoozed = FindingTransitions.Copy(finding);
        snoozed.Status = nameof(FindingStatus.Snoozed);
        snoozed.SnoozedUntil = app.Clock.GetUtcNow().AddDays(7);
        await Table.UpdateEntityAsync(snoozed, finding.ETag, TableUpdateMode.Replace);

        app.Clock.Advance(TimeSpan.FromDays(6));
        var during = await ReconcileMissingAsync(Missing(AssetA));
        Assert.Equal(nameof(FindingStatus.Snoozed), (await GetAsync(AssetA)).Status);

        app.Clock.Advance(TimeSpan.FromDays(2));
        var after = await ReconcileMissingAsync(Missing(AssetA));

        Assert.Equal(new FindingReconciliation(0, 0, 1, 0), during);
        Assert.Equal(new FindingReconciliation(0, 1, 0, 0), after);
        var reopened = await GetAsync(AssetA);
        Assert.Equal(nameof(FindingStatus.Open), reopened.Status);
        Assert.Null(reopened.SnoozedUntil);
        Assert.Equal("snooze-ended", FindingTransitions.History(reopened).Last().Action);
    }

    [Fact]
    public async Task A_snoozed_finding_whose_condition_clears_is_auto_resolved()
    {
        await ReconcileMissingAsync(Missing(AssetA));
        var finding = await GetAsync(AssetA);
        var snoozed = FindingTransitions.Copy(finding);
        snoozed.Status = nameof(FindingStatus.Snoozed);
        snoozed.SnoozedUntil = app.Clock.GetUtcNow().AddDays(7);
        await Table.UpdateEntityAsync(snoozed, finding.ETag, TableUpdateMode.Replace);

        var result = await ReconcileMissingAsync();

        Assert.Equal(new FindingReconciliation(0, 0, 0, 1), result);
        Assert.Equal(nameof(FindingStatus.AutoResolved), (await GetAsync(AssetA)).Status);
    }

    [Fact]
    public async Task A_resolved_finding_stays_resolved_while_its_condition_holds_and_reopens_once_it_came_back()
    {
        await ReconcileMissingAsync(Missing(AssetA));
        var finding = await GetAsync(AssetA);
        var resolved = FindingTransitions.Copy(finding);
        resolved.Status = nameof(FindingStatus.Resolved);
        resolved.Resolution = "Lent to a contractor; returns in spring";
        await Table.UpdateEntityAsync(resolved, finding.ETag, TableUpdateMode.Replace);

        var holds = await ReconcileMissingAsync(Missing(AssetA));
        Assert.Equal(nameof(FindingStatus.Resolved), (await GetAsync(AssetA)).Status);
        var clears = await ReconcileMissingAsync();
        var comesBack = await ReconcileMissingAsync(Missing(AssetA));

        Assert.Equal(new FindingReconciliation(0, 0, 1, 0), holds);
        Assert.Equal(FindingReconciliation.None, clears);
        Assert.Equal(new FindingReconciliation(0, 1, 0, 0), comesBack);
        var reopened = await GetAsync(AssetA);
        Assert.Equal(nameof(FindingStatus.Open), reopened.Status);
        Assert.Null(reopened.Resolution);
        Assert.Equal(
            ["opened", "condition-cleared", "reopened"],
            FindingTransitions.History(reopened).Select(h => h.Action)
        );
    }

    [Fact]
    public async Task A_subject_scope_reconciles_only_those_subjects()
    {
        await ReconcileMissingAsync(Missing(AssetA), Missing(AssetB));

        var result = await Findings.ReconcileAsync(
            [FindingKinds.Missing],
            [],
            "offline-check",
            CancellationToken.None,
            subjectScope: [AssetA]
        );

        Assert.Equal(new FindingReconciliation(0, 0, 0, 1), result);
        Assert.Equal(nameof(FindingStatus.AutoResolved), (await GetAsync(AssetA)).Status);
        Assert.Equal(nameof(FindingStatus.Open), (await GetAsync(AssetB)).Status);
    }

    [Fact]
    public async Task Other_kinds_are_left_alone_by_a_reconciliation()
    {
        var idle = new FindingCondition(
            FindingKinds.IdleAsset,
            FindingSubjects.Asset,
            AssetA,
            FindingSeverity.Low,
            "Finance",
            "Idle for 74 days"
        );
        await Findings.ReconcileAsync([FindingKinds.IdleAsset], [idle], "idle-1", CancellationToken.None);

        var result = await ReconcileMissingAsync();

        Assert.Equal(FindingReconciliation.None, result);
        Assert.Equal(nameof(FindingStatus.Open), (await GetAsync(AssetA, FindingKinds.IdleAsset)).Status);
    }

    [Fact]
    public async Task Raise_opens_confirms_and_reopens_one_finding_without_resolving_others()
    {
        await ReconcileMissingAsync(Missing(AssetB));

        var opened = await Findings.RaiseAsync(Missing(AssetA), "campaign-1", CancellationToken.None);
        var again = await Findings.RaiseAsync(Missing(AssetA), "campaign-1", CancellationToken.None);

        Assert.Equal(new FindingReconciliation(1, 0, 0, 0), opened);
        Assert.Equal(new FindingReconciliation(0, 0, 1, 0), again);
        Assert.Equal(nameof(FindingStatus.Open), (await GetAsync(AssetB)).Status);
    }

    [Fact]
    public async Task A_rerun_after_a_crash_half_way_opens_nothing_twice()
    {
        // A run that died after opening A (but before B): the next run with the same input completes the work.
        await Findings.RaiseAsync(Missing(AssetA), "crashed-run", CancellationToken.None);

        var redo = await ReconcileMissingAsync(Missing(AssetA), Missing(AssetB));

        Assert.Equal(new FindingReconciliation(1, 0, 1, 0), redo);
        Assert.Equal(2, await CountRowsAsync($"PartitionKey eq '{FindingKinds.Missing}'"));
    }

    [Fact]
    public async Task Concurrent_runs_with_the_same_input_converge_on_one_finding()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ReconcileMissingAsync(Missing(AssetA))));

        Assert.Equal(1, runs.Sum(r => r.Opened));
        Assert.Equal(3, runs.Sum(r => r.Confirmed));
        Assert.Single(FindingTransitions.History(await GetAsync(AssetA)));
    }

    [Fact]
    public async Task Malformed_conditions_are_refused_before_anything_is_written()
    {
        var badId = Missing("not/a key");
        var wrongKind = new FindingCondition(
            FindingKinds.IdleAsset,
            FindingSubjects.Asset,
            AssetA,
            FindingSeverity.Low,
            null,
            "Idle"
        );

        await Assert.ThrowsAsync<ArgumentException>(() => ReconcileMissingAsync(Missing(AssetB), badId));
        await Assert.ThrowsAsync<ArgumentException>(() => ReconcileMissingAsync(wrongKind));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Findings.ReconcileAsync(["no-such-kind"], [], "r", CancellationToken.None)
        );

        Assert.Equal(0, await CountRowsAsync("PartitionKey ne ''"));
    }

    private static string Asset(int i) => i.ToString("x32");

    [Fact]
    public async Task A_rerun_confirms_many_findings_in_batches_with_their_new_facts()
    {
        var assets = Enumerable.Range(1, 230).Select(Asset).ToArray();
        await ReconcileMissingAsync([.. assets.Select(a => Missing(a, 31))]);
        app.Clock.Advance(TimeSpan.FromDays(1));

        var result = await ReconcileMissingAsync([.. assets.Select(a => Missing(a, 32))]);

        Assert.Equal(new FindingReconciliation(0, 0, 230, 0), result);
        foreach (var asset in assets)
        {
            var finding = await GetAsync(asset);
            Assert.Equal(app.Clock.GetUtcNow(), finding.LastConfirmedAt);
            Assert.Equal("Silent for 32 days", finding.Text);
            Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        }
    }

    [Fact]
    public async Task A_confirmation_batch_that_meets_a_finding_changed_meanwhile_is_redone_row_by_row()
    {
        string[] assets = [AssetA, AssetB, Asset(7)];
        await ReconcileMissingAsync([.. assets.Select(a => Missing(a, 31))]);
        var read = new List<FindingEntity>();
        foreach (var asset in assets)
            read.Add(await GetAsync(asset));
        // Someone assigns B after the scan read it: the batch's ETag guard for B fails.
        var moved = FindingTransitions.Copy(read[1]);
        moved.Assignee = "person-1";
        await Table.UpdateEntityAsync(moved, read[1].ETag, TableUpdateMode.Replace);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var now = app.Clock.GetUtcNow();
        var batch = read.Select(f =>
            {
                var condition = Missing(f.SubjectId, 32);
                var next = FindingTransitions.Scan(f, condition, now, "run-2")!.Value.Next;
                return new FindingService.Confirmation(f, next, condition);
            })
            .ToList();

        var result = await Findings.ConfirmAsync(batch, "run-2", CancellationToken.None);

        Assert.Equal(new FindingReconciliation(0, 0, 3, 0), result);
        foreach (var asset in assets)
        {
            var finding = await GetAsync(asset);
            Assert.Equal(now, finding.LastConfirmedAt);
            Assert.Equal("Silent for 32 days", finding.Text);
        }
        Assert.Equal("person-1", (await GetAsync(AssetB)).Assignee);
    }
}
