using System.ComponentModel.DataAnnotations;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Licences;

/// <summary>Why a seat is released.</summary>
public static class ReclaimReason
{
    public const string Departed = "departed";
    public const string NoInstallation = "no-installation";
    public const string AssetInactive = "asset-inactive";
    public const string AssetUnknown = "asset-unknown";
    public const string Decommissioned = "decommissioned";
}

/// <summary>
/// Reclamation: releases the seats of departed people, of retired/disposed/rejected (or unknown) assets, and of holders
/// without a matching installation for at least the grace period — per-device: on that asset; per-user: on none of the
/// person's active assets. The evidence date is the later of the seat's assignment and the last matching uninstall,
/// so a fresh assignment or a recent uninstall is never reclaimed early. A dry run lists what would be released.
/// </summary>
public sealed class LicenceReclamationService(
    InventoryStore store,
    LicenceService licences,
    LicenceComplianceService compliance,
    PeopleService people,
    IOptions<LicenceOptions> options,
    TimeProvider clock,
    ILogger<LicenceReclamationService> logger
)
{
    public async Task<LicenceReclaimResult> ReclaimAsync(
        bool dryRun,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var grace = options.Value.ReclaimGraceDays;
        var cutoff = clock.GetUtcNow().AddDays(-grace);
        var products = (await licences.AllProductsAsync(cancellationToken)).ToDictionary(
            p => p.ProductId,
            StringComparer.Ordinal
        );
        var seats = new List<LicenceSeatEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {TableKeys.LicenceSeatPrefix} and RowKey lt {TableKeys.LicenceSeatRangeEnd}"
        );
        await foreach (
            var seat in store.Licences.QueryAsync<LicenceSeatEntity>(filter, cancellationToken: cancellationToken)
        )
            seats.Add(seat);

        var held = products.Values.Where(p => seats.Any(s => s.PartitionKey == p.ProductId)).ToList();
        if (held.Count == 0)
        {
            // No seat of a known product: nothing to reclaim, so no pass over the fleet's assets and software (the
            // idle scan calls this on every run).
            return new LicenceReclaimResult(dryRun, grace, seats.Count, []);
        }
        var departed = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var person in people.FindDepartedAsync(cancellationToken))
            departed.Add(person.ObjectId);

        var fleet = await compliance.ScanAsync(
            held.Select(p => (p.ProductId, LicenceService.ReadRules(p))).ToList(),
            cancellationToken
        );

        var releases = new List<ReclaimedSeat>();
        foreach (
            var seat in seats
                .OrderBy(s => s.PartitionKey, StringComparer.Ordinal)
                .ThenBy(s => s.RowKey, StringComparer.Ordinal)
        )
        {
            if (!products.TryGetValue(seat.PartitionKey, out var product))
                continue;
            var reason = Reason(seat, fleet.Products[product.ProductId], fleet, departed, cutoff);
            if (reason is not null)
                releases.Add(
                    new ReclaimedSeat(
                        product.ProductId,
                        product.Name,
                        seat.SeatId,
                        seat.AssigneeKind,
                        seat.AssigneeId,
                        reason
                    )
                );
        }

        if (!dryRun)
        {
            var released = new List<ReclaimedSeat>();
            foreach (var release in releases)
            {
                if (
                    await licences.ReleaseSeatAsync(
                        release.ProductId,
                        release.SeatId,
                        actor,
                        release.Reason,
                        correlationId,
                        cancellationToken
                    )
                )
                    released.Add(release);
            }
            releases = released;
            logger.LogInformation(
                "Licence reclamation released {Released} of {Seats} seat(s)",
                releases.Count,
                seats.Count
            );
        }
        return new LicenceReclaimResult(dryRun, grace, seats.Count, releases);
    }

    /// <summary>Why this seat should go, or null to keep it.</summary>
    public static string? Reason(
        LicenceSeatEntity seat,
        ProductUsage usage,
        FleetUsage fleet,
        IReadOnlySet<string> departed,
        DateTimeOffset cutoff
    )
    {
        IEnumerable<string> assets;
        if (seat.AssigneeKind == SeatHolder.Person)
        {
            if (departed.Contains(seat.AssigneeId))
                return ReclaimReason.Departed;
            assets = fleet.AssetsByOwner[seat.AssigneeId.ToLowerInvariant()];
        }
        else
        {
            if (!fleet.Assets.TryGetValue(seat.AssigneeId, out var asset))
                return ReclaimReason.AssetUnknown;
            if (LicenceService.IsInactiveAssetState(asset.State))
                return ReclaimReason.AssetInactive;
            assets = [seat.AssigneeId];
        }
        var evidence = seat.AssignedAt;
        foreach (var assetId in assets)
        {
            if (!usage.Assets.TryGetValue(assetId, out var found))
                continue;
            if (found.Installed)
                return null;
            if (found.LastUninstalledAt is { } at && at > evidence)
                evidence = at;
        }
        return evidence <= cutoff ? ReclaimReason.NoInstallation : null;
    }
}

/// <summary>
/// The decommissioning step "licence-reclamation": releases every seat a retired asset holds (per-device seats), read
/// from the asset's partition of <c>licenceseats</c>. Idempotent: run again, it finds nothing and releases nothing.
/// </summary>
public sealed class LicenceDecommissioningStep(LicenceService licences) : IDecommissioningStep
{
    public const string StepName = "licence-reclamation";

    public string Name => StepName;

    public async Task<DecommissioningStepResult> RunAsync(
        string assetId,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(assetId))
            return new DecommissioningStepResult(StepName, "Not an asset id: no licence seats.", 0);
        var held = await licences.SeatsHeldByAsync(SeatHolder.Asset, assetId, cancellationToken);
        var names = new List<string>();
        foreach (var seat in held)
        {
            if (
                await licences.ReleaseSeatAsync(
                    seat.ProductId,
                    seat.SeatId,
                    actor,
                    ReclaimReason.Decommissioned,
                    correlationId,
                    cancellationToken
                )
            )
                names.Add(seat.ProductName);
        }
        var summary =
            names.Count == 0
                ? "The asset held no licence seats."
                : $"Released {names.Count} licence seat(s): "
                    + $"{string.Join(", ", names.Order(StringComparer.OrdinalIgnoreCase))}.";
        return new DecommissioningStepResult(StepName, summary, names.Count);
    }
}
