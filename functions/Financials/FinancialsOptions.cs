using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Financials;

/// <summary>Asset financials settings (section <c>Financials</c>).</summary>
public sealed class FinancialsOptions
{
    public const string SectionName = "Financials";

    /// <summary>The one currency reports sum in (ISO 4217). Amounts in another currency are converted with the rate
    /// table (<c>/api/financials/rates</c>); without a rate they are reported apart, never summed.</summary>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string ReportingCurrency { get; set; } = "EUR";
}
