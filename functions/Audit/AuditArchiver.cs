using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Audit;

/// <summary>
/// Archives the audit trail in daily sealed segments, write-once, to the archive container (immutable in Azure). Each
/// UTC day not yet archived (never today) becomes one segment of every lane's records of that day, in lane and
/// sequence order, and a seal that chains to the previous day's seal. Per lane, a segment is the contiguous run of
/// records after the previous segment's last one with a time before the day's end, so the segments cover every lane
/// without gap or overlap. Every step can be repeated: blobs are written with If-None-Match * (an existing blob with
/// the same content counts as written), then the progress row moves on in one batch with the outbox row of the
/// archive's own audit record, so the record is there exactly once per day (see <see cref="ArchiveDayAsync"/>).
/// </summary>
public sealed class AuditArchiver(
    InventoryStore store,
    Events.Outbox outbox,
    TimeProvider clock,
    ILogger<AuditArchiver> logger
)
{
    public const string JobName = "audit-archive";

    /// <summary>Days one run archives at most (a long outage is caught up over several runs).</summary>
    public const int MaxDaysPerRun = 366;

    public static string SegmentName(DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{day:yyyy'/'MM'/'dd}.jsonl");

    public static string SealName(DateOnly day) =>
        string.Create(CultureInfo.InvariantCulture, $"{day:yyyy'/'MM'/'dd}.seal.json");

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Archives every finished UTC day not archived yet, oldest first.</summary>
    public async Task<AuditArchiveRun> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var stateRow = await store.AuditTrail.GetEntityIfExistsAsync<AuditArchiveStateEntity>(
            TableKeys.AuditArchivePartition,
            TableKeys.AuditArchiveStateRow,
            cancellationToken: cancellationToken
        );
        var state = stateRow.HasValue ? stateRow.Value : null;

        DateOnly next;
        AuditSegmentManifest? previous = null;
        string? previousSeal = null;
        if (state is not null)
        {
            var lastDay = DateOnly.ParseExact(state.LastDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            (previous, var bytes) = await ReadSealAsync(lastDay, cancellationToken)
                ?? throw new InvalidOperationException($"The audit archive's seal of {state.LastDate} is missing.");
            previousSeal = Sha256(bytes);
            if (previousSeal != state.LastSealHash)
                throw new InvalidOperationException(
                    $"The audit archive's seal of {state.LastDate} does not match its recorded hash."
                );
            next = lastDay.AddDays(1);
        }
        else if (await FirstRecordDayAsync(cancellationToken) is { } first)
        {
            next = first;
        }
        else
        {
            return new AuditArchiveRun([]); // nothing recorded yet
        }

        var archived = new List<string>();
        for (; next < today && archived.Count < MaxDaysPerRun; next = next.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            (previous, previousSeal) = await ArchiveDayAsync(next, previous, previousSeal, state, cancellationToken);
            state = (
                await store.AuditTrail.GetEntityAsync<AuditArchiveStateEntity>(
                    TableKeys.AuditArchivePartition,
                    TableKeys.AuditArchiveStateRow,
                    cancellationToken: cancellationToken
                )
            ).Value;
            archived.Add(Text(next));
        }
        if (archived.Count > 0)
            logger.LogInformation(
                "Archived the audit trail of {Days} day(s) up to {LastDay}",
                archived.Count,
                archived[^1]
            );
        return new AuditArchiveRun(archived);
    }

    private async Task<(AuditSegmentManifest Manifest, string SealHash)> ArchiveDayAsync(
        DateOnly day,
        AuditSegmentManifest? previous,
        string? previousSeal,
        AuditArchiveStateEntity? state,
        CancellationToken cancellationToken
    )
    {
        var dayEnd = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var lanes = new List<AuditSegmentLane>(TableKeys.AuditLanes);
        var content = new MemoryStream();
        foreach (var lane in TableKeys.AllAuditLanes)
        {
            var before = previous?.Lanes.FirstOrDefault(l => l.Lane == lane);
            var fromSequence = before?.LastSequence ?? 0;
            var fromHash = before?.LastHash ?? AuditChain.Genesis;
            var filter =
                TableClient.CreateQueryFilter(
                    $"PartitionKey eq {lane} and RowKey gt {TableKeys.AuditRecordRow(fromSequence)}"
                )
                + " and "
                + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AuditRecordRowsEnd} and At lt {dayEnd}");
            long expected = fromSequence + 1,
                count = 0;
            long? first = null;
            var lastHash = fromHash;
            await foreach (
                var record in store.AuditTrail.QueryAsync<AuditRecordEntity>(
                    filter,
                    cancellationToken: cancellationToken
                )
            )
            {
                if (record.Sequence != expected)
                    break; // a later record with an earlier clock: it goes with the day after
                first ??= record.Sequence;
                lastHash = record.Hash;
                count++;
                expected++;
                JsonSerializer.Serialize(content, ToArchived(record), ApiJsonContext.Default.ArchivedAuditRecord);
                content.WriteByte((byte)'\n');
            }
            lanes.Add(new AuditSegmentLane(lane, count, first, expected - 1, lastHash, fromSequence, fromHash));
        }

        var segment = content.ToArray();
        var manifest = new AuditSegmentManifest(
            Text(day),
            SegmentName(day),
            Sha256(segment),
            lanes.Sum(l => l.Records),
            lanes,
            previous?.Date,
            previousSeal
        );
        var seal = JsonSerializer.SerializeToUtf8Bytes(manifest, ApiJsonContext.Default.AuditSegmentManifest);
        var sealHash = Sha256(seal);

        await WriteOnceAsync(SegmentName(day), segment, "application/x-ndjson", cancellationToken);
        await WriteOnceAsync(SealName(day), seal, "application/json", cancellationToken);

        // What changes is the archive's progress: the sealed blobs only count once the state row names their day
        // (a run that died after writing them writes the same bytes again). So the day's audit record is staged in
        // the outbox row that joins the state row's batch (partition "archive" of the audittrail table): one atomic
        // write, conditional on the state read (a concurrent run's batch fails whole, with its outbox row). Its
        // idempotency key is the day ("archive|yyyy-MM-dd", the key the archive has always appended with), so the
        // record is in the trail exactly once even if a day were ever sealed twice or was recorded before the outbox.
        var entry = outbox
            .Entry()
            .Audit(
                new AuditEvent(
                    AuditActor.System(JobName),
                    "audit-archive",
                    Text(day),
                    "archive",
                    [
                        new FieldChange("Records", null, manifest.RecordCount.ToString(CultureInfo.InvariantCulture)),
                        new FieldChange("ContentSha256", null, manifest.ContentSha256),
                        new FieldChange("SealHash", null, sealHash),
                    ],
                    null
                ),
                "archive|" + Text(day)
            );
        var next = new AuditArchiveStateEntity { LastDate = Text(day), LastSealHash = sealHash };
        await outbox.WriteAsync(
            store.AuditTrail,
            [
                state is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, next)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, state.ETag),
            ],
            entry,
            cancellationToken
        );
        logger.LogInformation("Archived {Records} audit record(s) of {Day}", manifest.RecordCount, manifest.Date);
        return (manifest, sealHash);
    }

    /// <summary>Re-reads an archived day: the segment against its seal, each record's hash and links, the seal against
    /// the
    /// previous day's seal, and every archived record against the live table (an alteration after archiving is caught).
    /// Null when the day is not archived.</summary>
    public async Task<AuditArchiveVerification?> VerifyAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (await ReadSealAsync(day, cancellationToken) is not { } seal)
            return null;
        var (manifest, sealBytes) = seal;
        var breaks = new List<AuditBreak>();
        void Break(string lane, long sequence, string reason) => breaks.Add(new AuditBreak(lane, sequence, reason));

        byte[] segment;
        try
        {
            segment = (
                await store.AuditArchive.GetBlobClient(manifest.Segment).DownloadContentAsync(cancellationToken)
            ).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            segment = [];
            Break("", 0, $"the segment {manifest.Segment} is missing");
        }
        if (Sha256(segment) != manifest.ContentSha256)
            Break("", 0, "the segment's SHA-256 does not match its seal");

        var records = new List<ArchivedAuditRecord>();
        foreach (var line in Encoding.UTF8.GetString(segment).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                records.Add(JsonSerializer.Deserialize(line, ApiJsonContext.Default.ArchivedAuditRecord)!);
            }
            catch (JsonException)
            {
                Break("", 0, "the segment holds a line that is not an archived record");
            }
        }
        if (records.Count != manifest.RecordCount)
            Break("", 0, $"the seal counts {manifest.RecordCount} records, the segment holds {records.Count}");

        foreach (var lane in manifest.Lanes)
        {
            var inLane = records.Where(r => r.Lane == lane.Lane).ToList();
            var previousHash = lane.PreviousLastHash;
            var expected = lane.PreviousLastSequence + 1;
            foreach (var record in inLane)
            {
                if (record.Sequence != expected)
                {
                    Break(lane.Lane, record.Sequence, $"expected record {expected} next in the segment");
                    break;
                }
                if (record.PreviousHash != previousHash)
                {
                    Break(lane.Lane, record.Sequence, "does not link to the previous record's hash");
                    break;
                }
                if (AuditChain.Hash(ToEntity(record)) != record.Hash)
                {
                    Break(lane.Lane, record.Sequence, "its archived content does not match its hash");
                    break;
                }
                previousHash = record.Hash;
                expected++;
            }
            if (inLane.Count != lane.Records || expected - 1 != lane.LastSequence || previousHash != lane.LastHash)
            {
                Break(lane.Lane, lane.LastSequence, "the segment's records of the lane do not end where its seal says");
            }
        }

        if (manifest.PreviousDate is { } previousDate)
        {
            var before = await ReadSealAsync(
                DateOnly.ParseExact(previousDate, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                cancellationToken
            );
            if (before is not { } previousSeal)
                Break("", 0, $"the previous seal ({previousDate}) is missing");
            else
            {
                var (previous, previousBytes) = previousSeal;
                if (Sha256(previousBytes) != manifest.PreviousSealHash)
                    Break("", 0, $"the previous seal ({previousDate}) does not match the hash this seal chains to");
                foreach (var lane in manifest.Lanes)
                {
                    var end = previous.Lanes.FirstOrDefault(l => l.Lane == lane.Lane);
                    if (
                        end is null
                        || end.LastSequence != lane.PreviousLastSequence
                        || end.LastHash != lane.PreviousLastHash
                    )
                        Break(
                            lane.Lane,
                            lane.PreviousLastSequence,
                            $"does not continue where the previous segment ({previousDate}) ended"
                        );
                }
            }
        }

        await CompareWithLiveAsync(manifest, records, Break, cancellationToken);
        if (breaks.Count > 0)
            logger.LogError(
                "Audit archive of {Day} failed verification: {Breaks} problem(s)",
                manifest.Date,
                breaks.Count
            );
        return new AuditArchiveVerification(
            manifest.Date,
            breaks.Count == 0,
            records.Count,
            manifest.ContentSha256,
            Sha256(sealBytes),
            breaks
        );
    }

    private async Task CompareWithLiveAsync(
        AuditSegmentManifest manifest,
        List<ArchivedAuditRecord> records,
        Action<string, long, string> @break,
        CancellationToken cancellationToken
    )
    {
        foreach (var lane in manifest.Lanes.Where(l => l.FirstSequence is not null))
        {
            var first = TableKeys.AuditRecordRow(lane.FirstSequence!.Value);
            var filter =
                TableClient.CreateQueryFilter($"PartitionKey eq {lane.Lane} and RowKey ge {first}")
                + " and "
                + TableClient.CreateQueryFilter($"RowKey le {TableKeys.AuditRecordRow(lane.LastSequence)}");
            var live = new Dictionary<long, AuditRecordEntity>();
            await foreach (
                var record in store.AuditTrail.QueryAsync<AuditRecordEntity>(
                    filter,
                    cancellationToken: cancellationToken
                )
            )
                live[record.Sequence] = record;
            foreach (var archived in records.Where(r => r.Lane == lane.Lane))
            {
                if (!live.TryGetValue(archived.Sequence, out var current))
                    @break(lane.Lane, archived.Sequence, "archived, but no longer in the table");
                else if (current.Hash != archived.Hash || AuditChain.Hash(current) != archived.Hash)
                    @break(
                        lane.Lane,
                        archived.Sequence,
                        "the table's record differs from the archived one (altered after archiving)"
                    );
            }
        }
    }

    private async Task<(AuditSegmentManifest Manifest, byte[] Bytes)?> ReadSealAsync(
        DateOnly day,
        CancellationToken cancellationToken
    )
    {
        try
        {
            var bytes = (
                await store.AuditArchive.GetBlobClient(SealName(day)).DownloadContentAsync(cancellationToken)
            ).Value.Content.ToArray();
            return (JsonSerializer.Deserialize(bytes, ApiJsonContext.Default.AuditSegmentManifest)!, bytes);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>If-None-Match *: an existing blob is never replaced. One with the same content (an interrupted earlier
    /// run)
    /// counts as written; different content is an error, not something to overwrite.</summary>
    private async Task WriteOnceAsync(
        string name,
        byte[] content,
        string contentType,
        CancellationToken cancellationToken
    )
    {
        var blob = store.AuditArchive.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(content),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            var existing = (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            if (!existing.AsSpan().SequenceEqual(content))
            {
                throw new InvalidOperationException(
                    $"The archived blob {name} exists with other content; it is never overwritten.",
                    ex
                );
            }
            logger.LogInformation("Archived blob {BlobName} was already written", name);
        }
    }

    /// <summary>The UTC day of the oldest record (each lane's record 1), or null when the trail is empty.</summary>
    private async Task<DateOnly?> FirstRecordDayAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? first = null;
        foreach (var lane in TableKeys.AllAuditLanes)
        {
            var row = await store
                .AuditTrail.GetEntityIfExistsAsync<AuditRecordEntity>(
                    lane,
                    TableKeys.AuditRecordRow(1),
                    [nameof(AuditRecordEntity.At)],
                    cancellationToken
                )
                .OrNull();
            if (row is not null && (first is null || row.At < first))
                first = row.At;
        }
        return first is { } at ? DateOnly.FromDateTime(at.UtcDateTime) : null;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static ArchivedAuditRecord ToArchived(AuditRecordEntity r) =>
        new(
            r.PartitionKey,
            r.Sequence,
            AuditChain.FormatAt(r.At),
            r.ActorKind,
            r.ActorId,
            r.ActorName,
            r.Entity,
            r.EntityId,
            r.Action,
            r.ChangesJson,
            r.CorrelationId,
            r.PreviousHash,
            r.Hash
        );

    private static AuditRecordEntity ToEntity(ArchivedAuditRecord r) =>
        new()
        {
            PartitionKey = r.Lane,
            RowKey = TableKeys.AuditRecordRow(r.Sequence),
            Sequence = r.Sequence,
            At = DateTimeOffset.ParseExact(
                r.At,
                "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal
            ),
            ActorKind = r.ActorKind,
            ActorId = r.ActorId,
            ActorName = r.ActorName,
            Entity = r.Entity,
            EntityId = r.EntityId,
            Action = r.Action,
            ChangesJson = r.ChangesJson,
            CorrelationId = r.CorrelationId,
            PreviousHash = r.PreviousHash,
            Hash = r.Hash,
        };
}
