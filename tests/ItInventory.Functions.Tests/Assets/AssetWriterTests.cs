using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;

// Not ItInventory.Functions.Tests.Assets: that namespace would shadow ItInventory.Functions.Assets for the
// `Assets.…` references of the other test folders.
namespace ItInventory.Functions.Tests.AssetWrites;

/// <summary>
/// Every change of an asset goes through one write path (<see cref="AssetWriter"/>), so the same precondition case
/// gets the same answer from every endpoint that changes an asset — in the one order 428 → 404 → 403 → 412 → 409 —
/// and a refused change writes nothing. Against Azurite, through the real function classes.
/// </summary>
public sealed class AssetWriterTests : IAsyncLifetime
{
    private const string UnknownAsset = "ffffffffffffffffffffffffffffffff";
    private const string Person = CatalogueKit.Alice;
    private const string CheckOutBody = $$"""{"person":"{{Person}}"}""";

    private static readonly string Sanitisation = LifecycleClient.PassedSanitisation.Replace(
        "\"verification\"",
        "\"media\":[\"disk 0\"],\"verification\"",
        StringComparison.Ordinal
    );

    private TestApp app = null!;
    private LifecycleClient lifecycle = null!;

    /// <summary>An asset of the Finance department, changed once after <see cref="stale"/> was read.</summary>
    private string asset = null!;
    private string stale = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        lifecycle = new LifecycleClient(app);
        (asset, stale) = await CatalogueKit.CreatePeripheralAsync(app, department: "Finance");
        Assert.Equal(200, (await PatchAsync(asset, """{"criticality":"Low"}""", stale, TestTokens.Admin)).Status);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The endpoints that change an asset.</summary>
    public enum Change
    {
        Patch,
        CheckOut,
        CheckIn,
        Transition,
        Approve,
        Sanitisation,
        Disposal,
    }

    /// <summary>A precondition case: who asks, for which asset, with which If-Match.</summary>
    public enum Case
    {
        MissingIfMatch,
        MissingIfMatchOnUnknownAsset,
        MissingIfMatchOnMalformedAssetId,
        MissingIfMatchOnTerminalAsset,
        UnknownAsset,
        MalformedAssetId,
        UnknownAssetAskedByAnotherDepartmentsLead,
        AnotherDepartmentsLeadWithStaleETag,
        AdminWithoutMfaWithStaleETag,
        AuditorWithCurrentETag,
        StaleETag,
        TerminalAssetWithStaleETag,
        TerminalAssetWithCurrentETag,
    }

    [Theory]
    [InlineData(Case.MissingIfMatch, 428)]
    [InlineData(Case.MissingIfMatchOnUnknownAsset, 428)]
    [InlineData(Case.MissingIfMatchOnMalformedAssetId, 428)]
    [InlineData(Case.MissingIfMatchOnTerminalAsset, 428)]
    [InlineData(Case.UnknownAsset, 404)]
    [InlineData(Case.MalformedAssetId, 404)]
    [InlineData(Case.UnknownAssetAskedByAnotherDepartmentsLead, 404)]
    [InlineData(Case.AnotherDepartmentsLeadWithStaleETag, 403)]
    [InlineData(Case.AdminWithoutMfaWithStaleETag, 403)]
    [InlineData(Case.AuditorWithCurrentETag, 403)]
    [InlineData(Case.StaleETag, 412)]
    [InlineData(Case.TerminalAssetWithStaleETag, 412)]
    [InlineData(Case.TerminalAssetWithCurrentETag, 409)]
    public async Task The_same_precondition_case_gets_the_same_status_from_every_change_and_writes_nothing(
        Case @case,
        int expected
    )
    {
        var terminal =
            @case
            is Case.MissingIfMatchOnTerminalAsset
                or Case.TerminalAssetWithStaleETag
                or Case.TerminalAssetWithCurrentETag;
        if (terminal)
            await MakeTerminalAsync(asset);
        var current = await CatalogueKit.ETagAsync(app, asset);
        var (assetId, ifMatch, persona) = @case switch
        {
            Case.MissingIfMatch or Case.MissingIfMatchOnTerminalAsset => (asset, null, TestTokens.Admin),
            Case.MissingIfMatchOnUnknownAsset => (UnknownAsset, null, TestTokens.Admin),
            Case.MissingIfMatchOnMalformedAssetId => ("not-an-asset", null, TestTokens.Admin),
            Case.UnknownAsset => (UnknownAsset, current, TestTokens.Admin),
            Case.MalformedAssetId => ("not-an-asset", current, TestTokens.Admin),
            Case.UnknownAssetAskedByAnotherDepartmentsLead => (UnknownAsset, stale, TestTokens.HrLead),
            Case.AnotherDepartmentsLeadWithStaleETag => (asset, stale, TestTokens.HrLead),
            Case.AdminWithoutMfaWithStaleETag => (asset, stale, TestTokens.AdminWithoutMfa),
            Case.AuditorWithCurrentETag => (asset, current, TestTokens.Auditor),
            Case.StaleETag or Case.TerminalAssetWithStaleETag => (asset, stale, TestTokens.Admin),
            Case.TerminalAssetWithCurrentETag => (asset, current, TestTokens.Admin),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var before = await RowsAsync(asset);

        var answers = new Dictionary<Change, int>();
        foreach (var change in Enum.GetValues<Change>())
        {
            var answer = await ChangeAsync(change, assetId, ifMatch, persona);
            Assert.StartsWith("application/problem+json", answer.ContentType);
            answers[change] = answer.Status;
        }

        Assert.All(answers, a => Assert.True(a.Value == expected, $"{a.Key}: {a.Value}, expected {expected}"));
        Assert.Equal(before, await RowsAsync(asset));
    }

    [Fact]
    public async Task Every_change_names_the_same_precondition_problems()
    {
        var required = new HashSet<string>();
        var failed = new HashSet<string>();
        foreach (var change in Enum.GetValues<Change>())
        {
            required.Add(Detail(await ChangeAsync(change, asset, null, TestTokens.Admin)));
            failed.Add(Detail(await ChangeAsync(change, asset, stale, TestTokens.Admin)));
        }

        Assert.Contains("GET /api/assets/{assetId}", Assert.Single(required));
        Assert.Contains("a device check-in or another change", Assert.Single(failed));
    }

    [Fact]
    public async Task The_terminal_state_refusal_reads_the_same_on_every_change()
    {
        await MakeTerminalAsync(asset);
        var current = await CatalogueKit.ETagAsync(app, asset);

        var details = new HashSet<string>();
        foreach (var change in Enum.GetValues<Change>())
        {
            details.Add(Detail(await ChangeAsync(change, asset, current, TestTokens.Admin)));
        }

        var detail = Assert.Single(details);
        Assert.Contains("Disposed", detail);
        Assert.Contains("terminal", detail);
    }

    [Fact]
    public async Task A_change_writes_detail_history_and_extra_rows_in_one_batch_mirrors_the_summary_and_audits()
    {
        await CatalogueKit.SeedAsync(app);
        var current = await CatalogueKit.ETagAsync(app, asset);
        var historyBefore = await HistoryCountAsync(asset);

        var answer = await CatalogueKit.CheckOutAsync(app, asset, CheckOutBody, current);

        Assert.Equal(200, answer.Status);
        var detail = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(asset, TableKeys.AssetDetailRow)).Value;
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(asset), asset)
        ).Value;
        Assert.Equal(detail.ETag.ToString(), answer.Headers.ETag.ToString());
        Assert.Equal((Person, "Deployed"), (detail.Owner, detail.State));
        Assert.Equal((Person, "Deployed"), (summary.Owner, summary.State));
        Assert.Equal(historyBefore + 1, await HistoryCountAsync(asset));
        var record = (await CatalogueKit.AuditAsync(app, "asset", asset)).Last();
        Assert.Equal(("checkout", TestTokens.Admin.ObjectId), (record.Action, record.ActorId));
    }

    private static string Detail(HttpAnswer answer) => answer.Json.GetProperty("detail").GetString()!;

    private Task<HttpAnswer> ChangeAsync(Change change, string assetId, string? ifMatch, Persona persona) =>
        change switch
        {
            Change.Patch => PatchAsync(assetId, """{"criticality":"High"}""", ifMatch, persona),
            Change.CheckOut => CatalogueKit.CheckOutAsync(app, assetId, CheckOutBody, ifMatch, persona),
            Change.CheckIn => CatalogueKit.CheckInAsync(app, assetId, """{"note":"back"}""", ifMatch, persona),
            Change.Transition => lifecycle.TransitionAsync(assetId, """{"to":"Retired"}""", ifMatch, persona),
            Change.Approve => lifecycle.ApproveAsync(assetId, "{}", ifMatch, persona),
            Change.Sanitisation => lifecycle.SanitisationAsync(assetId, Sanitisation, ifMatch, persona),
            Change.Disposal => lifecycle.DisposalAsync(assetId, LifecycleClient.Disposal, ifMatch, persona),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

    private async Task<HttpAnswer> PatchAsync(string assetId, string json, string? ifMatch, Persona persona)
    {
        var request = app.Request(
            "PATCH",
            $"/api/assets/{assetId}",
            Encoding.UTF8.GetBytes(json),
            "application/json",
            LifecycleClient.Headers(persona, ifMatch)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().UpdateAsset(request, assetId, CancellationToken.None)
        );
    }

    /// <summary>Disposed, as decommissioning leaves an asset (set directly: the path there is tested
    /// elsewhere).</summary>
    private async Task MakeTerminalAsync(string assetId)
    {
        var state = new TableEntity(assetId, TableKeys.AssetDetailRow)
        {
            [nameof(AssetDetailEntity.State)] = "Disposed",
        };
        await app.Store.Assets.UpdateEntityAsync(state, Azure.ETag.All, TableUpdateMode.Merge);
    }

    /// <summary>Every row of the asset's partition and its summary row, by key and ETag: a refused change that
    /// updated a row would show, not only one that added a row.</summary>
    private async Task<string> RowsAsync(string assetId)
    {
        var rows = await app
            .Store.Assets.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {assetId}"),
                select: ["RowKey"]
            )
            .ToListAsync();
        var summary = await app.Store.Summaries.GetEntityAsync<TableEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId
        );
        var audit = await CatalogueKit.AuditAsync(app, "asset", assetId);
        return string.Join(
            "\n",
            rows.Select(r => $"{r.RowKey} {r.ETag}")
                .Append($"summary {summary.Value.ETag}")
                .Append($"audit records {audit.Count}")
        );
    }

    private async Task<int> HistoryCountAsync(string assetId) =>
        (
            await app
                .Store.Assets.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {assetId} and RowKey ge {TableKeys.HistoryRowPrefix} and RowKey lt {"h}"}"
                    )
                )
                .ToListAsync()
        ).Count;
}
