namespace ItInventory.Functions.Licences;

/// <summary>The terms of one entitlement as compliance needs them.</summary>
public sealed record EntitlementTerms(
    EntitlementType Type,
    int? Seats,
    decimal? UnitCost,
    DateOnly? StartDate,
    DateOnly? EndDate
)
{
    /// <summary>In force on <paramref name="day"/>: started (or no start) and not ended (or no end). A subscription
    /// past its end date is worth nothing; so is a site licence.</summary>
    public bool ActiveOn(DateOnly day) =>
        (StartDate is null || StartDate <= day) && (EndDate is null || EndDate >= day);
}

/// <summary>Seats, installations and money of one product on one day.</summary>
public sealed record ComplianceFigures(
    ComplianceStatus Status,
    int Installations,
    int? PurchasedSeats,
    int Shortfall,
    int Surplus,
    decimal? SurplusCost
);

/// <summary>Compliance maths (pure).</summary>
public static class LicenceCompliance
{
    /// <summary>
    /// Purchased seats = the seats of the entitlements active on <paramref name="day"/> (null = unlimited while a site
    /// licence is active). Under-licensed when installations exceed them (shortfall), over-licensed when seats are left
    /// unused (surplus, priced at the average unit cost of the active priced seats), compliant otherwise.
    /// </summary>
    public static ComplianceFigures Compute(IEnumerable<EntitlementTerms> entitlements, int installations, DateOnly day)
    {
        var active = entitlements.Where(e => e.ActiveOn(day)).ToList();
        if (active.Any(e => e.Type == EntitlementType.Site))
        {
            return new ComplianceFigures(ComplianceStatus.Compliant, installations, null, 0, 0, null);
        }
        var seats = active.Sum(e => e.Seats ?? 0);
        var priced = active.Where(e => e.UnitCost is not null && e.Seats is > 0).ToList();
        var pricedSeats = priced.Sum(e => e.Seats!.Value);
        decimal? averageCost =
            pricedSeats == 0 ? null : priced.Sum(e => e.UnitCost!.Value * e.Seats!.Value) / pricedSeats;
        if (installations > seats)
        {
            return new ComplianceFigures(
                ComplianceStatus.UnderLicensed,
                installations,
                seats,
                installations - seats,
                0,
                null
            );
        }
        if (installations < seats)
        {
            var surplus = seats - installations;
            return new ComplianceFigures(
                ComplianceStatus.OverLicensed,
                installations,
                seats,
                0,
                surplus,
                averageCost is { } cost ? decimal.Round(cost * surplus, 2, MidpointRounding.AwayFromZero) : null
            );
        }
        return new ComplianceFigures(ComplianceStatus.Compliant, installations, seats, 0, 0, null);
    }

    /// <summary>Seats that may be assigned on <paramref name="day"/>: null = unlimited (an active site
    /// licence).</summary>
    public static int? AssignableSeats(IEnumerable<EntitlementTerms> entitlements, DateOnly day)
    {
        var active = entitlements.Where(e => e.ActiveOn(day)).ToList();
        return active.Any(e => e.Type == EntitlementType.Site) ? null : active.Sum(e => e.Seats ?? 0);
    }
}
