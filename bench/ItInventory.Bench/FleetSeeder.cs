using System.Collections.Concurrent;
using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;

namespace ItInventory.Bench;

/// <summary>What the seeder wrote, and how many rows of each shape the scans should flag (for the report).</summary>
public sealed record FleetCounts(
    int Assets,
    int People,
    int Departed,
    int Sightings,
    int Monitored,
    int Due,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, int> Spread
)
{
    public string Describe() =>
        string.Join(
            ", ",
            Spread
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}"))
        );
}

/// <summary>
/// Writes a fleet straight into the tables the scans read, with batch transactions per summary partition (256
/// buckets by the first two hex digits of the asset id): summary rows with a realistic spread of states, owners,
/// departments, utilisation aggregates, last-seen times, classification gaps and a few shared serials; people (some
/// departed); recent LAN sightings (half of them claimed by an asset's MAC identity); the offline scan's due index in
/// its steady state (<see cref="DueFraction"/> of the monitored assets due now, the rest due at
/// <c>LastSeenAt + interval × tolerance</c>; assets silent for longer already marked offline, out of the index).
/// Deterministic for a seed. Licence products are not seeded: the licence kinds (and their software pass) are not
/// part of this bench.
/// </summary>
public static class FleetSeeder
{
    private const int BatchSize = 100;
    private const int Parallelism = 16;

    /// <summary>Heartbeats do not touch the due index (only the scan moves a row), so every monitored asset comes due
    /// once per offline window (5 min × 3): a scan every 5 minutes finds about a third of them due.</summary>
    public const double DueFraction = 1.0 / 3;

    internal static readonly string[] Departments =
    [
        "Finance",
        "HR",
        "Sales",
        "Marketing",
        "Engineering",
        "Support",
        "Legal",
        "Operations",
        "Research",
        "Facilities",
        "IT",
        "Procurement",
        "Logistics",
        "Design",
        "Training",
        "Security",
    ];

    private static readonly string[] Locations = ["HQ-1", "HQ-2", "HQ-3", "Branch-North", "Branch-South", "Remote"];

    private static readonly string[] Categories = ["Laptop", "Desktop", "Server", "Phone", "Printer", "Network"];

    private static readonly string[] Criticalities =
    [
        nameof(Criticality.Low),
        nameof(Criticality.Medium),
        nameof(Criticality.High),
    ];

    public static async Task<FleetCounts> SeedAsync(
        InventoryStore store,
        OfflineIndex index,
        int assets,
        DateTimeOffset now,
        Action<string> progress,
        CancellationToken cancellationToken,
        bool financials = false
    )
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var random = new Random(20261207);
        var spread = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        void Count(string what) => spread.AddOrUpdate(what, 1, (_, n) => n + 1);

        // People: one per ten assets (single writes are slow to seed; only the departed are read, by a filtered
        // query); 3 % have left.
        var peopleCount = Math.Max(50, assets / 10);
        var people = new List<PersonEntity>(peopleCount);
        for (var i = 0; i < peopleCount; i++)
        {
            var departed = random.NextDouble() < 0.03;
            people.Add(
                new PersonEntity
                {
                    PartitionKey = Hex(random),
                    RowKey = TableKeys.PersonRow,
                    DisplayName = $"Person {i:D6}",
                    Email = $"person{i:D6}@example.test",
                    Department = Departments[random.Next(Departments.Length)],
                    Status = departed ? nameof(PersonStatus.Departed) : nameof(PersonStatus.Active),
                    DepartedAt = departed ? now.AddDays(-random.Next(1, 400)) : null,
                    EmployeeId = $"E{i:D6}",
                    ImportedAt = now.AddDays(-1),
                }
            );
        }
        var departedCount = people.Count(p => p.Status == nameof(PersonStatus.Departed));

        // One partition per person: single upserts, in parallel. Written first, so that the assets' last-seen times
        // are fresh when the scans start.
        await Parallel.ForEachAsync(
            people,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism * 2, CancellationToken = cancellationToken },
            async (person, ct) => await store.People.UpsertEntityAsync(person, TableUpdateMode.Replace, ct)
        );
        progress($"    {people.Count} people in {clock.Elapsed.TotalSeconds:F0} s");
        now = DateTimeOffset.UtcNow;

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var rows = new List<AssetSummaryEntity>(assets);
        var macs = new List<(string Mac, string AssetId)>();
        for (var i = 0; i < assets; i++)
        {
            var row = Asset(i, random, now, today, people, Count);
            if (financials)
                row.Financials = AssetFinancials.Serialize(FinancialsOf(row.RowKey, today));
            rows.Add(row);
            // A few shared serials: every 5,000th asset carries its predecessor's (a duplicate or a cloned image).
            if (i % 5000 == 4999)
            {
                row.SerialNumber = rows[i - 1].SerialNumber;
                Count("shared serial (pairs)");
            }
            if (macs.Count < Math.Max(10, assets / 1000))
                macs.Add((MacOf(random), row.RowKey));
        }

        // The due index as the offline scan keeps it: buckets of assets per shard and minute.
        var dueEntries = new List<(string, DateTimeOffset)>();
        var dueNow = 0;
        foreach (var row in rows.Where(OfflineScan.IsMonitored))
        {
            var due = (row.LastSeenAt ?? row.EnrolledAt!.Value) + index.Window(row);
            if (due <= now)
            {
                row.Offline = true;
                row.OfflineSince = due;
                continue;
            }
            if (random.NextDouble() < DueFraction)
            {
                due = now.AddSeconds(-random.Next(1, 300));
                dueNow++;
            }
            dueEntries.Add((row.RowKey, due));
        }
        var dueRows = OfflineIndex.Buckets(dueEntries, "seed");

        var batches = rows.GroupBy(r => r.PartitionKey)
            .SelectMany(g => g.Chunk(BatchSize))
            .Select(b => (store.Summaries, b.Cast<ITableEntity>().ToArray()))
            .Concat(
                dueRows
                    .GroupBy(r => r.PartitionKey)
                    .SelectMany(g => g.Chunk(BatchSize))
                    .Select(b => (index.Table, b.Cast<ITableEntity>().ToArray()))
            )
            .ToList();
        var written = 0;
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var (table, entities) = batch;
                await table.SubmitTransactionAsync(
                    entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)),
                    ct
                );
                var done = Interlocked.Add(ref written, entities.Length);
                if (done / 20000 != (done - entities.Length) / 20000)
                    progress($"    {done} rows");
            }
        );
        progress(
            $"    {rows.Count} summary rows and {dueRows.Count} due-index rows by "
                + $"{clock.Elapsed.TotalSeconds:F0} s"
        );

        // Sightings of the last ten days: the first half are MACs an asset claims, the rest unregistered.
        var sightings = new List<(SightingEntity Sighting, AssetIdentityEntity? Identity)>();
        for (var i = 0; i < macs.Count * 2; i++)
        {
            var registered = i < macs.Count;
            var mac = registered ? macs[i].Mac : MacOf(random);
            var seen = now.AddHours(-random.Next(1, 240));
            sightings.Add(
                (
                    new SightingEntity
                    {
                        PartitionKey = mac,
                        LastIpAddress = $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
                        FirstSeenAt = seen.AddDays(-random.Next(0, 90)),
                        LastSeenAt = seen,
                        FirstSeenBy = rows[random.Next(rows.Count)].RowKey,
                        LastSeenBy = rows[random.Next(rows.Count)].RowKey,
                    },
                    registered
                        ? new AssetIdentityEntity
                        {
                            PartitionKey = new IdentityKey(IdentityKind.Mac, mac).Key,
                            AssetId = macs[i].AssetId,
                            CreatedAt = seen.AddDays(-100),
                        }
                        : null
                )
            );
        }
        await Parallel.ForEachAsync(
            sightings,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (s, ct) =>
            {
                await store.Sightings.UpsertEntityAsync(s.Sighting, TableUpdateMode.Replace, ct);
                if (s.Identity is not null)
                {
                    await store.Identities.UpsertEntityAsync(s.Identity, TableUpdateMode.Replace, ct);
                }
            }
        );
        spread["unregistered sighting"] = sightings.Count - macs.Count;
        var left = people
            .Where(p => p.Status == nameof(PersonStatus.Departed))
            .Select(p => p.PartitionKey)
            .ToHashSet(StringComparer.Ordinal);
        spread["departed owner (assets)"] = rows.Count(r =>
            r.Owner is { } owner
            && left.Contains(owner)
            && r.State is not (nameof(LifecycleState.Retired) or nameof(LifecycleState.Disposed))
        );

        return new FleetCounts(
            rows.Count,
            people.Count,
            departedCount,
            sightings.Count,
            dueEntries.Count,
            dueNow,
            clock.Elapsed,
            spread
        );
    }

    private static AssetSummaryEntity Asset(
        int i,
        Random random,
        DateTimeOffset now,
        DateOnly today,
        List<PersonEntity> people,
        Action<string> count
    )
    {
        var id = Hex(random);
        var pick = random.NextDouble();
        var state = pick switch
        {
            < 0.80 => LifecycleState.Deployed,
            < 0.88 => LifecycleState.InStock,
            < 0.93 => LifecycleState.Retired,
            < 0.96 => LifecycleState.Disposed,
            _ => LifecycleState.Discovered,
        };
        count("state " + state);
        var row = new AssetSummaryEntity
        {
            PartitionKey = TableKeys.SummaryPartition(id),
            RowKey = id,
            Kind = nameof(AssetKind.Hardware),
            Type = random.NextDouble() < 0.7 ? nameof(AssetType.Laptop) : nameof(AssetType.Desktop),
            State = state.ToString(),
            Name = $"HOST-{i:D6}",
            Tag = $"ITI-{i:D6}",
            FieldsVersion = AssetSummaries.FieldsVersion,
            SerialNumber = $"SN{i:D8}X{random.Next(1000):D3}",
            SmbiosUuid = Uuid(random),
            Category = random.NextDouble() < 0.99 ? Categories[random.Next(Categories.Length)] : null,
            Location = random.NextDouble() < 0.995 ? Locations[random.Next(Locations.Length)] : null,
            Criticality =
                random.NextDouble() < 0.99
                    ? Criticalities[random.Next(Criticalities.Length)]
                    : nameof(Criticality.Unassigned),
            AgentVersion = "1.4.2",
            SoftwareCount = random.Next(300, 900),
            InventoryHash = Hex(random),
            IpAddresses = $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
        };
        if (row.Category is null || row.Location is null || row.Criticality == nameof(Criticality.Unassigned))
        {
            count("missing classification");
        }

        if (state is LifecycleState.Deployed)
        {
            if (random.NextDouble() < 0.99)
                row.Owner = people[random.Next(people.Count)].PartitionKey;
            if (random.NextDouble() < 0.99)
                row.ItStakeholder = people[random.Next(people.Count)].PartitionKey;
            if (random.NextDouble() < 0.995)
                row.Department = Departments[random.Next(Departments.Length)];
            if (row.Owner is null || row.ItStakeholder is null || row.Department is null)
                count("ownership gap");
        }
        else if (state is LifecycleState.InStock or LifecycleState.Retired or LifecycleState.Disposed)
        {
            row.Department = Departments[random.Next(Departments.Length)];
        }

        // Never heartbeated: 1 % of Deployed assets have no agent at all (bought, handed out, never enrolled).
        var agent =
            state != LifecycleState.InStock && !(state == LifecycleState.Deployed && random.NextDouble() < 0.01);
        if (!agent)
        {
            if (state == LifecycleState.Deployed)
                count("never heartbeated");
            return row;
        }

        row.EnrolledAt =
            state == LifecycleState.Discovered
                ? now.AddDays(-random.Next(0, 30)).AddMinutes(-random.Next(1440))
                : now.AddDays(-random.Next(30, 1200));
        row.CredentialHash = "bench-" + id[..16];
        row.CredentialIssuedAt = row.EnrolledAt;
        // Lifecycle stamps the KPIs read, derived from the id (the random stream, and the spread, stay as they were):
        // approval 1–240 h after enrolling; retirement 40–129 days ago, disposal 0–39 days after it.
        var jitter = Convert.ToInt32(id[..4], 16);
        if (state != LifecycleState.Discovered)
            row.ApprovedAt = row.EnrolledAt.Value.AddHours(1 + jitter % 240);
        if (state is LifecycleState.Retired or LifecycleState.Disposed)
            row.RetiredAt = now.AddDays(-40 - jitter % 90);
        if (state is LifecycleState.Disposed)
            row.DisposedAt = row.RetiredAt!.Value.AddDays(jitter % 40);
        row.ExpectedIntervalSeconds = 300;
        if (state is LifecycleState.Retired or LifecycleState.Disposed)
        {
            row.CredentialRevoked = true;
            row.LastSeenAt = row.LastHeartbeatAt = now.AddDays(-random.Next(60, 700));
            if (random.NextDouble() < 0.03)
            {
                row.RefusedCheckinOn = today
                    .AddDays(-random.Next(0, 5))
                    .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                count("gone, still checking in");
            }
            return row;
        }

        // Last seen: mostly within the heartbeat interval; 3 % 1–29 days ago; 2 % silent for more than 30 days.
        var silence = random.NextDouble();
        row.LastSeenAt = silence switch
        {
            < 0.95 => now.AddSeconds(-random.Next(1, 300)),
            < 0.98 => now.AddDays(-random.Next(1, 30)),
            _ => now.AddDays(-random.Next(31, 200)),
        };
        if (silence >= 0.98)
            count("silent > 30 days");
        row.LastHeartbeatAt = row.LastSeenAt;
        row.LastInventoryAt = row.LastSeenAt.Value.AddHours(-random.Next(0, 24));
        row.CpuAveragePercent = Math.Round(random.NextDouble() * 60, 1);
        row.MemoryUsedPercent = Math.Round(20 + random.NextDouble() * 70, 1);
        row.DiskUsedPercent = Math.Round(10 + random.NextDouble() * 85, 1);
        row.UptimeSeconds = random.Next(60, 3_000_000);
        row.UtilisationDay = DateOnly
            .FromDateTime(row.LastSeenAt.Value.UtcDateTime)
            .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        row.UtilisationDaySamples = random.Next(1, 288);
        row.UtilisationDayCpuSum = row.UtilisationDaySamples * row.CpuAveragePercent.Value;
        row.UtilisationDayInteractiveMinutes = random.Next(0, 480);

        // Utilisation: 85 % in use; 10 % below the threshold for 1–59 days; 5 % for 60–240 days (idle candidates).
        var idle = random.NextDouble();
        row.BelowThresholdSince = idle switch
        {
            < 0.85 => "",
            < 0.95 => today.AddDays(-random.Next(1, 60)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ => today.AddDays(-random.Next(60, 240)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (idle >= 0.95 && state == LifecycleState.Deployed)
            count("idle >= 60 days (Deployed)");
        return row;
    }

    // ---- Financials and licence seats (the reports bench) ----

    /// <summary>A financial record derived from the asset id (the random stream, and the spread, stay as they were):
    /// bought 0–59 months ago for 400–3,399 EUR over 36 or 48 months, a warranty of three years, every 20th charged
    /// to a cost centre of its own.</summary>
    public static AssetFinancials FinancialsOf(string assetId, DateOnly today)
    {
        var jitter = Convert.ToInt32(assetId[4..10], 16);
        var bought = today.AddDays(-(jitter % 1800));
        return new AssetFinancials
        {
            PurchaseDate = bought,
            PurchaseCost = 400 + jitter % 3000,
            Currency = "EUR",
            Supplier = "Bench supplier " + jitter % 7,
            OrderReference = "PO-" + assetId[..8],
            WarrantyEnd = bought.AddYears(3),
            CostCentre = jitter % 20 == 0 ? "CC-" + jitter % 13 : null,
            UsefulLifeMonths = jitter % 2 == 0 ? 36 : 48,
        };
    }

    /// <summary>Licence products of <paramref name="seatsPerProduct"/> seats each (in batches of 100 per product
    /// partition): the product, its compliance snapshot and seat counter, a subscription and a perpetual entitlement
    /// with unit costs (the subscription renewing within 90 days for every third product), then its seat rows.
    /// </summary>
    public static async Task<int> SeedLicenceSeatsAsync(
        InventoryStore store,
        int seats,
        int seatsPerProduct,
        DateOnly today,
        CancellationToken cancellationToken
    )
    {
        var count = Math.Max(1, seats / seatsPerProduct);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (p, ct) =>
            {
                var id = TableKeys.NewLicenceProductId();
                var perDevice = p % 2 == 0;
                var rows = new List<ITableEntity>
                {
                    new LicenceProductEntity
                    {
                        PartitionKey = id,
                        Name = $"Bench product {p:D3}",
                        Vendor = "Bench vendor " + p % 5,
                        Metric = perDevice ? nameof(LicenceMetric.PerDevice) : nameof(LicenceMetric.PerUser),
                        Currency = "EUR",
                        RulesJson = "[]",
                    },
                    new LicenceComplianceEntity
                    {
                        PartitionKey = id,
                        ComputedAt = DateTimeOffset.UtcNow,
                        InstallingAssets = seatsPerProduct * 8 / 10 + p * 7 % (seatsPerProduct / 2),
                        InstallingUsers = seatsPerProduct * 7 / 10 + p * 11 % (seatsPerProduct / 2),
                    },
                    new LicenceSeatCounterEntity { PartitionKey = id, Assigned = seatsPerProduct },
                };
                (string Type, string? Renewal)[] terms =
                [
                    (nameof(EntitlementType.Subscription), Day(today.AddDays(p % 3 == 0 ? 30 + p % 50 : 200))),
                    (nameof(EntitlementType.Perpetual), null),
                ];
                foreach (var (type, renewal) in terms)
                {
                    var reference = $"PO-{p}-{type}";
                    rows.Add(
                        new LicenceEntitlementEntity
                        {
                            PartitionKey = id,
                            RowKey = TableKeys.LicenceEntitlementRow(TableKeys.LicenceEntitlementId(reference)),
                            Reference = reference,
                            Type = type,
                            Seats = seatsPerProduct / 2,
                            UnitCost = (12 + p % 40).ToString(CultureInfo.InvariantCulture) + ".50",
                            StartDate = Day(today.AddYears(-2)),
                            RenewalDate = renewal,
                        }
                    );
                }
                for (var s = 0; s < seatsPerProduct; s++)
                {
                    var holder = Guid.NewGuid().ToString("N");
                    rows.Add(
                        new LicenceSeatEntity
                        {
                            PartitionKey = id,
                            RowKey = TableKeys.LicenceSeatRow(TableKeys.LicenceSeatId(SeatHolder.Asset, holder)),
                            AssigneeKind = SeatHolder.Asset,
                            AssigneeId = holder,
                            AssignedAt = DateTimeOffset.UtcNow,
                        }
                    );
                }
                foreach (var batch in rows.Chunk(BatchSize))
                {
                    await store.Licences.SubmitTransactionAsync(
                        batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)),
                        ct
                    );
                }
            }
        );
        return count;
    }

    private static string Hex(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    /// <summary>A universally administered unicast MAC, normalised (12 upper-case hex digits).</summary>
    private static string MacOf(Random random)
    {
        Span<byte> bytes = stackalloc byte[6];
        random.NextBytes(bytes);
        bytes[0] = (byte)(bytes[0] & 0xFC);
        return Convert.ToHexString(bytes);
    }
}
