using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Licences;

/// <summary>Licence settings (section <c>Licences</c>).</summary>
public sealed class LicenceOptions
{
    public const string SectionName = "Licences";

    /// <summary>A seat whose holder has had no matching installation for this many days is reclaimed.</summary>
    [Range(0, 3650)]
    public int ReclaimGraceDays { get; set; } = 30;
}
