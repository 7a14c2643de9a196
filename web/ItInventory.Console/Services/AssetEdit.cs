using ItInventory.Functions.Assets;

namespace ItInventory.Console.Services;

/// <summary>The asset page's edit form: the fields of <see cref="AssetPatch"/>. Only changed fields are sent (an empty
/// string clears one).</summary>
public sealed class AssetEdit
{
    private AssetView? opened;

    public string? Owner { get; set; }
    public string? ItStakeholder { get; set; }
    public string? Department { get; set; }
    public string? Location { get; set; }
    public string? Category { get; set; }

    public void From(AssetView asset)
    {
        opened = asset;
        Owner = asset.Owner;
        ItStakeholder = asset.ItStakeholder;
        Department = asset.Department;
        Location = asset.Location;
        Category = asset.Category;
    }

    public AssetPatch ToPatch() =>
        new()
        {
            Owner = Changed(Owner, opened?.Owner),
            ItStakeholder = Changed(ItStakeholder, opened?.ItStakeholder),
            Department = Changed(Department, opened?.Department),
            Location = Changed(Location, opened?.Location),
            Category = Changed(Category, opened?.Category),
        };

    private static string? Changed(string? now, string? before) =>
        (now ?? "") == (before ?? "") ? null : (now ?? "").Trim();
}
