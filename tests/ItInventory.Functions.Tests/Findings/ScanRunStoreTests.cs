using ItInventory.Functions.Findings;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Findings;

public sealed class ScanRunStoreTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private ScanRunStore Runs => app.Services.GetRequiredService<ScanRunStore>();

    [Fact]
    public async Task A_completed_run_records_when_how_long_rows_read_and_what_it_did()
    {
        var run = await Runs.StartAsync("reconciliation", CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromSeconds(42));
        await Runs.CompleteAsync(run, 1234, new FindingReconciliation(3, 1, 10, 2), null, CancellationToken.None);

        var (items, _) = await Runs.ListAsync(null, null, 10, CancellationToken.None);
        var view = ScanRunView.From(Assert.Single(items));
        Assert.Equal(ScanRunStatus.Succeeded, view.Status);
        Assert.Equal(42_000, view.DurationMs);
        Assert.Equal(1234, view.RowsRead);
        Assert.Equal((3, 1, 10, 2), (view.Opened, view.Reopened, view.Confirmed, view.AutoResolved));
    }

    [Fact]
    public async Task A_failed_run_records_its_error()
    {
        var run = await Runs.StartAsync("idle", CancellationToken.None);
        await Runs.CompleteAsync(run, 10, null, "Storage unavailable", CancellationToken.None);

        var (items, _) = await Runs.ListAsync("idle", null, 10, CancellationToken.None);
        Assert.Equal(ScanRunStatus.Failed.ToString(), Assert.Single(items).Status);
        Assert.Equal("Storage unavailable", items[0].Error);
    }

    [Fact]
    public async Task A_run_that_never_completed_is_marked_abandoned_and_redone_by_the_next_start()
    {
        var crashed = await Runs.StartAsync("offline", CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var busy = await Runs.StartAsync("idle", CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var early = await Runs.StartAsync("offline", CancellationToken.None);
        Assert.Empty(early.Recovered); // ten minutes: maybe still running
        await Runs.CompleteAsync(early, 0, null, null, CancellationToken.None);

        app.Clock.Advance(ScanRunStore.StaleAfter);
        var next = await Runs.StartAsync("offline", CancellationToken.None);

        Assert.Equal([crashed.RunId], next.Recovered);
        var (items, _) = await Runs.ListAsync(null, null, 10, CancellationToken.None);
        Assert.Equal([next.RunId, early.RunId, busy.RunId, crashed.RunId], items.Select(i => i.RunId));
        Assert.Equal(nameof(ScanRunStatus.Abandoned), items.Single(i => i.RunId == crashed.RunId).Status);
        Assert.Equal(nameof(ScanRunStatus.Running), items.Single(i => i.RunId == busy.RunId).Status);
    }
}
