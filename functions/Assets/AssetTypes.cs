namespace ItInventory.Functions.Assets;

/// <summary>Wire names of <see cref="AssetType"/> (kebab-case) and the kind each type belongs to.</summary>
public static class AssetTypes
{
    private static readonly Dictionary<string, AssetType> ByWireName = Enum.GetValues<AssetType>()
        .ToDictionary(ToWireName, t => t, StringComparer.Ordinal);

    public static IEnumerable<string> WireNames => ByWireName.Keys;

    public static bool TryParse(string value, out AssetType type) => ByWireName.TryGetValue(value, out type);

    public static string ToWireName(AssetType type) =>
        string.Concat(
            type.ToString()
                .Select(
                    (c, i) =>
                        char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()
                )
        );

    public static AssetKind KindOf(AssetType type) =>
        type switch
        {
            AssetType.VirtualMachine or AssetType.CloudService => AssetKind.CloudResource,
            AssetType.IotSensor or AssetType.RemoteDevice => AssetKind.IotDevice,
            _ => AssetKind.Hardware,
        };
}
