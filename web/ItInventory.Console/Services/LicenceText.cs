using System.Globalization;
using ItInventory.Functions.Licences;

namespace ItInventory.Console.Services;

/// <summary>The Licences pages' words and figures from the API's answers (pure code).</summary>
public static class LicenceText
{
    public sealed record ComplianceSummary(int UnderLicensed, int Shortfall, int Surplus);

    /// <summary>Under-licensed products and missing seats, and seats bought but not used, over a page of products.
    /// </summary>
    public static ComplianceSummary Summarise(IEnumerable<LicenceComplianceView> items)
    {
        var list = items.ToList();
        return new(list.Count(i => i.Status == "UnderLicensed"), list.Sum(i => i.Shortfall), list.Sum(i => i.Surplus));
    }

    public static string Status(string status) =>
        status switch
        {
            "UnderLicensed" => "Under-licensed",
            "OverLicensed" => "Unused seats",
            "Compliant" => "Compliant",
            _ => status,
        };

    /// <summary>Why reclamation would release a seat (the API's reason codes).</summary>
    public static string Reason(string reason) =>
        reason switch
        {
            "departed" => "The holder has left",
            "no-installation" => "Not installed for the grace period",
            "asset-inactive" => "The asset is retired, disposed or rejected",
            "asset-unknown" => "The asset no longer exists",
            "decommissioned" => "The asset was decommissioned",
            _ => reason,
        };

    public static string Money(decimal? amount, string currency) =>
        amount is { } value ? value.ToString("N2", CultureInfo.InvariantCulture) + " " + currency : "";
}
