using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Catalogue;

/// <summary>
/// The four taxonomy kinds. <see cref="Category"/> and <see cref="Location"/> are managed by admins (table
/// <c>taxonomy</c>); <see cref="Type"/> and <see cref="Criticality"/> are the built-in enums <see cref="AssetType"/>
/// and
/// <see cref="Assets.Criticality"/> that code relies on (type → kind, criticality levels), listed but not editable.
/// </summary>
public enum TaxonomyKind
{
    Category,
    Type,
    Location,
    Criticality,
}

/// <summary>A managed taxonomy entry (table <c>taxonomy</c>, PartitionKey = kind wire name, RowKey = code).</summary>
public sealed class TaxonomyEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Code => RowKey;
    public string DisplayName { get; set; } = "";
    public string? Description { get; set; }

    /// <summary>Locations only: the code of the enclosing location (site → building → room).</summary>
    public string? Parent { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Categories: the useful life (months) assets of the category are depreciated over unless they name
    /// their own (Financials).</summary>
    public int? UsefulLifeMonths { get; set; }
}

/// <summary>Body of <c>PUT /api/taxonomy/{kind}/{code}</c>.</summary>
public sealed record TaxonomyEntryRequest
{
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public string? Parent { get; init; }
    public bool? Active { get; init; }

    /// <summary>Categories only: default useful life in months (1–600) for depreciation.</summary>
    public int? UsefulLifeMonths { get; init; }
}

/// <summary>A taxonomy entry as the API shows it. <c>builtIn</c> entries (types, criticality levels) cannot be changed;
/// <c>assetKind</c> is the asset kind a type belongs to.</summary>
public sealed record TaxonomyEntryView(
    string Kind,
    string Code,
    string DisplayName,
    string? Description,
    string? Parent,
    bool Active,
    bool BuiltIn,
    string? AssetKind
)
{
    /// <summary>Categories: the default useful life in months for depreciation.</summary>
    public int? UsefulLifeMonths { get; init; }
}

/// <summary>The answer of <c>GET /api/taxonomy/{kind}</c>.</summary>
public sealed record TaxonomyList(string Kind, IReadOnlyList<TaxonomyEntryView> Items);

/// <summary>The taxonomy's rules without I/O: kinds, code syntax, built-in entries, entry validation, location
/// cycles.</summary>
public static partial class TaxonomyRules
{
    public const int MaxCodeLength = 64;
    public const int MaxDescription = 1024;

    /// <summary>Location nesting depth (site/building/floor/room/...): a bound for the cycle walk.</summary>
    public const int MaxLocationDepth = 8;

    public static string WireName(TaxonomyKind kind) =>
        kind switch
        {
            TaxonomyKind.Category => "category",
            TaxonomyKind.Type => "type",
            TaxonomyKind.Location => "location",
            _ => "criticality",
        };

    public static bool TryParseKind(string? value, out TaxonomyKind kind)
    {
        foreach (var candidate in Enum.GetValues<TaxonomyKind>())
        {
            if (string.Equals(WireName(candidate), value, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static bool IsManaged(TaxonomyKind kind) => kind is TaxonomyKind.Category or TaxonomyKind.Location;

    /// <summary>Codes are 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit (safe as a RowKey,
    /// in URLs and in CSV cells); case-sensitive.</summary>
    public static bool IsCode(string? value) =>
        value is { Length: > 0 and <= MaxCodeLength } && CodeRegex().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeRegex();

    /// <summary>The built-in entries of a kind (types with the asset kind they belong to, criticality
    /// levels).</summary>
    public static IReadOnlyList<TaxonomyEntryView> BuiltIn(TaxonomyKind kind) =>
        kind switch
        {
            TaxonomyKind.Type => Enum.GetValues<AssetType>()
                .Select(t => new TaxonomyEntryView(
                    "type",
                    t.ToString(),
                    Split(t.ToString()),
                    TypeDescription(t),
                    null,
                    t != AssetType.Unknown,
                    true,
                    AssetTypes.KindOf(t).ToString()
                ))
                .ToList(),
            TaxonomyKind.Criticality => Enum.GetValues<Criticality>()
                .Select(c => new TaxonomyEntryView(
                    "criticality",
                    c.ToString(),
                    Split(c.ToString()),
                    CriticalityDescription(c),
                    null,
                    true,
                    true,
                    null
                ))
                .ToList(),
            _ => [],
        };

    /// <summary>Parses an asset type given as its name (<c>IotSensor</c>) or wire name (<c>iot-sensor</c>).</summary>
    public static bool TryParseType(string? value, out AssetType type)
    {
        type = AssetType.Unknown;
        if (string.IsNullOrEmpty(value))
            return false;
        if (AssetTypes.TryParse(value, out type))
            return true;
        return !char.IsAsciiDigit(value[0])
            && Enum.TryParse(value, ignoreCase: false, out type)
            && Enum.IsDefined(type);
    }

    public static bool TryParseCriticality(string? value, out Criticality criticality)
    {
        criticality = Criticality.Unassigned;
        return !string.IsNullOrEmpty(value)
            && !char.IsAsciiDigit(value[0])
            && !value.StartsWith('-')
            && Enum.TryParse(value, ignoreCase: false, out criticality)
            && Enum.IsDefined(criticality);
    }

    /// <summary>Field errors of a PUT body (keys are JSON property names).</summary>
    public static Dictionary<string, string[]> Validate(TaxonomyKind kind, string code, TaxonomyEntryRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsCode(code))
            errors["code"] = [$"1–{MaxCodeLength} letters, digits, '-', '_' or '.', starting with a letter or digit."];
        if (string.IsNullOrWhiteSpace(body.DisplayName))
            errors["displayName"] = ["Required."];
        else if (!ContractFormats.IsShortText(body.DisplayName))
            errors["displayName"] = [$"At most {CheckinLimits.MaxShortString} characters, no control characters."];
        if (
            body.Description is { } description
            && (
                description.Length > MaxDescription
                || ContractFormats.HasControlCharacter(
                    description
                        .Replace("\r\n", "", StringComparison.Ordinal)
                        .Replace("\n", "", StringComparison.Ordinal)
                )
            )
        )
        {
            errors["description"] =
            [
                $"At most {MaxDescription} characters, no control characters other than line breaks.",
            ];
        }
        if (body.Parent is { Length: > 0 } parent)
        {
            if (kind != TaxonomyKind.Location)
                errors["parent"] = ["Only locations nest (site → building → room)."];
            else if (!IsCode(parent))
                errors["parent"] = ["Not a valid location code."];
            else if (parent == code)
                errors["parent"] = ["A location cannot be its own parent."];
        }
        if (body.UsefulLifeMonths is { } life)
        {
            if (kind != TaxonomyKind.Category)
                errors["usefulLifeMonths"] = ["Only categories have a default useful life."];
            else if (life < 1 || life > Financials.FinancialRules.MaxUsefulLifeMonths)
                errors["usefulLifeMonths"] = [$"From 1 to {Financials.FinancialRules.MaxUsefulLifeMonths} months."];
        }
        return errors;
    }

    /// <summary>True when making <paramref name="parent"/> the parent of <paramref name="code"/> closes a loop or nests
    /// deeper than <see cref="MaxLocationDepth"/>; <paramref name="parentOf"/> gives the stored parent of a
    /// code.</summary>
    public static bool CreatesCycle(string code, string parent, Func<string, string?> parentOf)
    {
        var current = parent;
        for (var depth = 1; current is not null; depth++)
        {
            if (current == code || depth > MaxLocationDepth)
                return true;
            current = parentOf(current);
        }
        return false;
    }

    private static string Split(string name) =>
        string.Concat(
            name.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]) ? " " + c : c.ToString())
        );

    private static string TypeDescription(AssetType type) =>
        type switch
        {
            AssetType.Unknown =>
                "Not classified yet (what enrolled itself without a type); not allowed when creating an asset.",
            AssetType.Laptop => "Portable computer.",
            AssetType.Desktop => "Desktop computer or workstation.",
            AssetType.Server => "Physical server.",
            AssetType.NetworkGear => "Switch, router, firewall, access point.",
            AssetType.Peripheral => "Monitor, dock, printer, keyboard, headset and other accessories.",
            AssetType.Mobile => "Phone or tablet.",
            AssetType.VirtualMachine => "Virtual machine (cloud or on premises).",
            AssetType.CloudService => "Cloud resource or subscription service (give its resource id).",
            AssetType.IotSensor => "Sensor or other IoT device.",
            AssetType.RemoteDevice => "Remote or embedded device without an agent.",
            _ => type.ToString(),
        };

    private static string CriticalityDescription(Criticality criticality) =>
        criticality switch
        {
            Criticality.Unassigned => "Not assessed yet.",
            Criticality.Low => "Loss or outage has little business impact.",
            Criticality.Medium => "Loss or outage hampers a team.",
            Criticality.High => "Loss or outage hampers a department or exposes sensitive data.",
            Criticality.MissionCritical => "Loss or outage stops the business.",
            _ => criticality.ToString(),
        };
}
