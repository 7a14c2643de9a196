using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audit;

/// <summary>The daily sealed archive. Azurite does not enforce immutability: these test our write-once behaviour and
/// the seal maths; infra tests check the container's retention policy.</summary>
public sealed class AuditArchiveTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private AuditTrail Trail => app.Services.GetRequiredService<AuditTrail>();

    private AuditArchiver Archiver => app.Services.GetRequiredService<AuditArchiver>();

    private static DateOnly Day(int day) => new(2026, 11, day);

    private Task AppendAsync(string entityId, string value) =>
        Trail.AppendAsync(
            new AuditEvent(
                AuditActor.Person("a0000000-0000-4000-8000-000000000001", "admin@contoso.test"),
                "asset",
                entityId,
                "update",
                [new FieldChange("Location", null, value)],
                "corr"
            ),
            CancellationToken.None
        );

    private async Task<byte[]> BlobAsync(string name) =>
        (await app.Store.AuditArchive.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();

    private async Task<AuditSegmentManifest> SealAsync(DateOnly day) =>
        JsonSerializer.Deserialize(
            await BlobAsync(AuditArchiver.SealName(day)),
            ApiJsonContext.Default.AuditSegmentManifest
        )!;

    private async Task<Dictionary<string, ETag>> BlobETagsAsync()
    {
        var etags = new Dictionary<string, ETag>();
        await foreach (var blob in app.Store.AuditArchive.GetBlobsAsync())
            etags[blob.Name] = blob.Properties.ETag!.Value;
        return etags;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Records on 2 and 3 November, none on the 4th; the clock ends on 5 November.</summary>
    private async Task SeedThreeDaysAsync()
    {
        for (var i = 0; i < 6; i++)
            await AppendAsync($"asset-{i}", "A"); // 2 Nov, 09:00
        app.Clock.Advance(TimeSpan.FromDays(1));
        for (var i = 0; i < 4; i++)
            await AppendAsync($"asset-{i}", "B"); // 3 Nov
        app.Clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromHours(8)); // 5 Nov, 01:00
    }

    [Fact]
    public async Task Each_finished_day_is_one_sealed_segment_missed_days_are_caught_up_today_is_never_archived()
    {
        await SeedThreeDaysAsync();
        await AppendAsync("asset-today", "T"); // 5 Nov: not archived

        var run = await Archiver.RunAsync(CancellationToken.None);

        Assert.Equal(["2026-11-02", "2026-11-03", "2026-11-04"], run.Archived);
        var first = await SealAsync(Day(2));
        var second = await SealAsync(Day(3));
        var empty = await SealAsync(Day(4));
        Assert.Equal((6, 4, 0), (first.RecordCount, second.RecordCount, empty.RecordCount));
        Assert.Equal("2026/11/02.jsonl", first.Segment);
        Assert.False(await app.Store.AuditArchive.GetBlobClient(AuditArchiver.SegmentName(Day(5))).ExistsAsync());

        // The seal maths: content hash, chain of seals, lanes continuing where the previous segment ended.
        var segment = await BlobAsync(first.Segment);
        Assert.Equal(Sha256(segment), first.ContentSha256);
        Assert.Equal(6, Encoding.UTF8.GetString(segment).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Null(first.PreviousSealHash);
        Assert.Equal(Sha256(await BlobAsync(AuditArchiver.SealName(Day(2)))), second.PreviousSealHash);
        Assert.Equal(Sha256(await BlobAsync(AuditArchiver.SealName(Day(3)))), empty.PreviousSealHash);
        Assert.Equal(TableKeys.AuditLanes, second.Lanes.Count);
        foreach (var lane in second.Lanes)
        {
            var before = first.Lanes.Single(l => l.Lane == lane.Lane);
            Assert.Equal((before.LastSequence, before.LastHash), (lane.PreviousLastSequence, lane.PreviousLastHash));
        }
        var lines = Encoding
            .UTF8.GetString(await BlobAsync(second.Segment))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize(l, ApiJsonContext.Default.ArchivedAuditRecord)!)
            .ToList();
        Assert.Equal(lines.OrderBy(l => l.Lane, StringComparer.Ordinal).ThenBy(l => l.Sequence), lines);
        Assert.All(lines, l => Assert.StartsWith("2026-11-03T", l.At));

        foreach (var day in new[] { Day(2), Day(3), Day(4) })
        {
            var verification = (await Archiver.VerifyAsync(day, CancellationToken.None))!;
            Assert.True(verification.Intact, string.Join("; ", verification.Breaks));
        }

        // The archive runs are audited by the system job, and go into the next day's segment.
        var runs = await Trail.QueryAsync("audit-archive", null, null, null, null, 100, CancellationToken.None);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(AuditActor.System("audit-archive"), r.Actor));
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["2026-11-05"], (await Archiver.RunAsync(CancellationToken.None)).Archived);
        Assert.Equal(4, (await SealAsync(Day(5))).RecordCount); // today's record and the 3 runs
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task The_timer_invoked_as_the_worker_does_archives_the_finished_days_and_a_rerun_changes_nothing()
    {
        await SeedThreeDaysAsync();
        var timer = TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(1), isPastDue: true);
        Assert.True(timer.IsPastDue);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime.AddDays(1), timer.ScheduleStatus!.Next.ToUniversalTime());
        var functions = app.Create<AuditArchiveFunctions>();

        await functions.ArchiveAuditTrail(timer, CancellationToken.None);

        foreach (var day in new[] { Day(2), Day(3), Day(4) })
        {
            Assert.True((await Archiver.VerifyAsync(day, CancellationToken.None))!.Intact);
        }
        Assert.Equal(
            (6, 4, 0),
            (
                (await SealAsync(Day(2))).RecordCount,
                (await SealAsync(Day(3))).RecordCount,
                (await SealAsync(Day(4))).RecordCount
            )
        );
        Assert.Null(await Archiver.VerifyAsync(Day(5), CancellationToken.None));

        var snapshot = await app.SnapshotAsync();
        await functions.ArchiveAuditTrail(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(1)),
            CancellationToken.None
        );
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task A_rerun_writes_nothing_and_succeeds_even_when_the_progress_row_was_lost()
    {
        await SeedThreeDaysAsync();
        await Archiver.RunAsync(CancellationToken.None);
        var blobs = await BlobETagsAsync();
        var records = (await Trail.VerifyAsync(CancellationToken.None)).Records;

        Assert.Empty((await Archiver.RunAsync(CancellationToken.None)).Archived);
        // Lost progress (an interrupted run): every blob exists with the same content, so nothing is rewritten.
        await app.Store.AuditTrail.DeleteEntityAsync(TableKeys.AuditArchivePartition, TableKeys.AuditArchiveStateRow);
        Assert.Equal(
            ["2026-11-02", "2026-11-03", "2026-11-04"],
            (await Archiver.RunAsync(CancellationToken.None)).Archived
        );

        Assert.Equal(blobs, await BlobETagsAsync());
        // the archive records were not appended twice
        Assert.Equal(records, (await Trail.VerifyAsync(CancellationToken.None)).Records);
    }

    [Fact]
    public async Task An_archived_blob_is_never_overwritten_with_other_content()
    {
        await SeedThreeDaysAsync();
        await app
            .Store.AuditArchive.GetBlobClient(AuditArchiver.SegmentName(Day(2)))
            .UploadAsync(BinaryData.FromString("someone else's\n"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Archiver.RunAsync(CancellationToken.None));

        Assert.Equal("someone else's\n", Encoding.UTF8.GetString(await BlobAsync(AuditArchiver.SegmentName(Day(2)))));
        Assert.False(await app.Store.AuditArchive.GetBlobClient(AuditArchiver.SealName(Day(2))).ExistsAsync());
    }

    [Fact]
    public async Task Verification_catches_a_record_altered_in_the_table_after_archiving_and_a_tampered_segment()
    {
        await SeedThreeDaysAsync();
        await Archiver.RunAsync(CancellationToken.None);
        var lane = TableKeys.AuditLane("asset", "asset-1");
        var record = (
            await app.Store.AuditTrail.GetEntityAsync<AuditRecordEntity>(lane, TableKeys.AuditRecordRow(1))
        ).Value;

        // Altered and re-hashed so that the record itself looks consistent: only the archive can tell.
        record.ChangesJson = record.ChangesJson.Replace("\"A\"", "\"Z\"", StringComparison.Ordinal);
        record.Hash = AuditChain.Hash(record);
        await app.Store.AuditTrail.UpdateEntityAsync(record, ETag.All, TableUpdateMode.Replace);

        var verification = (await Archiver.VerifyAsync(Day(2), CancellationToken.None))!;
        Assert.False(verification.Intact);
        var found = Assert.Single(verification.Breaks);
        Assert.Equal((lane, 1L), (found.Lane, found.Sequence));
        Assert.Contains("altered after archiving", found.Reason);
        Assert.True(
            (await Archiver.VerifyAsync(Day(3), CancellationToken.None))!.Breaks.All(b =>
                b.Lane != lane || b.Sequence != 1
            )
        );
    }

    [Fact]
    public async Task Verify_endpoint_answers_auditors_404_for_a_day_not_archived_and_400_for_a_bad_date()
    {
        await SeedThreeDaysAsync();
        await Archiver.RunAsync(CancellationToken.None);

        async Task<HttpAnswer> GetAsync(string date, Persona persona)
        {
            var request = app.Request(
                "GET",
                $"/api/audit-trail/archive/{date}/verify",
                [],
                null,
                new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) }
            );
            return await TestApp.ExecuteAsync(
                request,
                app.Create<AuditArchiveFunctions>().VerifyAuditArchive(request, date, CancellationToken.None)
            );
        }

        var ok = await GetAsync("2026-11-02", TestTokens.Auditor);
        Assert.Equal(200, ok.Status);
        Assert.True(ok.Json.GetProperty("intact").GetBoolean());
        Assert.Equal(6, ok.Json.GetProperty("records").GetInt32());
        Assert.Equal(404, (await GetAsync("2026-11-05", TestTokens.Auditor)).Status);
        Assert.Equal(400, (await GetAsync("02-11-2026", TestTokens.Auditor)).Status);
        Assert.Equal(403, (await GetAsync("2026-11-02", TestTokens.EndUser)).Status);
    }
}
