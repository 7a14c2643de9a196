using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Catalogue;

/// <summary>Body of <c>POST /api/assets</c>: something without an agent (peripheral, IoT device, cloud
/// resource).</summary>
public sealed record CreateAssetRequest
{
    public string? Name { get; init; }

    /// <summary>Optional: Hardware, IotDevice or CloudResource; must agree with the type's kind.</summary>
    public string? Kind { get; init; }

    /// <summary>An <see cref="AssetType"/> name (<c>Peripheral</c>) or wire name (<c>peripheral</c>); not
    /// Unknown.</summary>
    public string? Type { get; init; }
    public string? Category { get; init; }
    public string? SerialNumber { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? Owner { get; init; }
    public string? ItStakeholder { get; init; }
    public string? Department { get; init; }
    public string? Location { get; init; }
    public string? Criticality { get; init; }

    /// <summary>Ordered, InStock (default) or Deployed: <see cref="LifecycleStateMachine.InitialStates"/>.</summary>
    public string? State { get; init; }
    public string? CloudResourceId { get; init; }

    /// <summary>Purchase, warranty and depreciation facts (optional).</summary>
    public AssetFinancials? Financials { get; init; }
}

/// <summary>A validated, normalised new asset (object ids lower-case, serial normalised as the identity index
/// does).</summary>
public sealed record AssetDraft(
    string Name,
    AssetKind Kind,
    AssetType Type,
    string? Category,
    string? SerialNumber,
    string? Manufacturer,
    string? Model,
    string? Owner,
    string? ItStakeholder,
    string? Department,
    string? Location,
    Criticality Criticality,
    LifecycleState State,
    string? CloudResourceId
)
{
    /// <summary>The validated financial record (null: none).</summary>
    public AssetFinancials? Financials { get; init; }
}

/// <summary>Field rules of a new asset (pure: the references are checked against storage afterwards).</summary>
public static class AssetDrafts
{
    public const int MaxCloudResourceId = 1024;

    /// <summary>The kinds that may be created through the API (software is inventoried, not created).</summary>
    public static readonly AssetKind[] CreatableKinds =
    [
        AssetKind.Hardware,
        AssetKind.IotDevice,
        AssetKind.CloudResource,
    ];

    /// <summary>Validates the fields; errors keyed by JSON property name (also the CSV column names).</summary>
    public static Dictionary<string, string[]> Validate(CreateAssetRequest r, out AssetDraft? draft)
    {
        draft = null;
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors.TryAdd(field, [message]);
        string? Text(string field, string? value, bool required = false)
        {
            var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            if (trimmed is null && required)
                Error(field, "Required.");
            else if (!ContractFormats.IsShortText(trimmed))
                Error(field, $"At most {CheckinLimits.MaxShortString} characters, no control characters.");
            return trimmed;
        }

        var name = Text("name", r.Name, required: true);
        var type = AssetType.Unknown;
        if (string.IsNullOrEmpty(r.Type))
            Error("type", "Required.");
        else if (!TaxonomyRules.TryParseType(r.Type, out type) || type == AssetType.Unknown)
        {
            Error(
                "type",
                "Must be one of: "
                    + $"{string.Join(", ", Enum.GetNames<AssetType>().Where(t => t != nameof(AssetType.Unknown)))} "
                    + "(see GET /api/taxonomy/type)."
            );
        }
        var kind = AssetTypes.KindOf(type);
        if (r.Kind is not null)
        {
            if (
                !Enum.TryParse<AssetKind>(r.Kind, ignoreCase: false, out var requested)
                || !CreatableKinds.Contains(requested)
                || char.IsAsciiDigit(r.Kind.FirstOrDefault())
            )
            {
                Error("kind", $"Must be one of: {string.Join(", ", CreatableKinds)}.");
            }
            else if (!errors.ContainsKey("type") && requested != kind)
            {
                Error("kind", $"Type {type} is of kind {kind}, not {requested}.");
            }
        }

        var category = Text("category", r.Category);
        if (category is not null && !TaxonomyRules.IsCode(category))
            Error("category", "Not a category code.");
        var location = Text("location", r.Location);
        if (location is not null && !TaxonomyRules.IsCode(location))
            Error("location", "Not a location code.");

        string? serial = null;
        if (Text("serialNumber", r.SerialNumber) is { } serialText)
        {
            serial = HardwareIdentity.NormaliseSerial(serialText);
            if (serial is null)
                Error("serialNumber", "Not a usable serial number (placeholder, or fewer than 3 letters/digits).");
        }
        var manufacturer = Text("manufacturer", r.Manufacturer);
        var model = Text("model", r.Model);
        var department = Text("department", r.Department);

        string? Person(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
                return null;
            var id = PeopleCsv.NormaliseObjectId(value.Trim());
            if (id is null)
                Error(field, "Must be a person's Entra object id (GUID).");
            return id;
        }
        var owner = Person("owner", r.Owner);
        var stakeholder = Person("itStakeholder", r.ItStakeholder);

        var criticality = Assets.Criticality.Unassigned;
        if (!string.IsNullOrEmpty(r.Criticality) && !TaxonomyRules.TryParseCriticality(r.Criticality, out criticality))
        {
            Error("criticality", $"Must be one of: {string.Join(", ", Enum.GetNames<Criticality>())}.");
        }

        var state = LifecycleState.InStock;
        if (
            !string.IsNullOrEmpty(r.State)
            && (
                char.IsAsciiDigit(r.State[0])
                || !Enum.TryParse(r.State, ignoreCase: false, out state)
                || !LifecycleStateMachine.InitialStates.Contains(state)
            )
        )
        {
            Error("state", $"A new asset starts in one of: {string.Join(", ", LifecycleStateMachine.InitialStates)}.");
        }

        string? cloudId = null;
        if (!string.IsNullOrWhiteSpace(r.CloudResourceId))
        {
            cloudId = r.CloudResourceId.Trim();
            if (
                cloudId.Length > MaxCloudResourceId
                || ContractFormats.HasControlCharacter(cloudId)
                || cloudId.Any(char.IsWhiteSpace)
            )
            {
                Error("cloudResourceId", $"At most {MaxCloudResourceId} characters, no spaces or control characters.");
            }
            else if (!errors.ContainsKey("type") && kind != AssetKind.CloudResource)
            {
                Error(
                    "cloudResourceId",
                    "Only cloud resources (types VirtualMachine, CloudService) have a cloud resource id."
                );
            }
        }

        var financials = r.Financials is { } f ? FinancialRules.Normalise(f, "financials.", errors) : null;

        if (errors.Count > 0)
            return errors;
        draft = new AssetDraft(
            name!,
            kind,
            type,
            category,
            serial,
            manufacturer,
            model,
            owner,
            stakeholder,
            department,
            location,
            criticality,
            state,
            cloudId
        )
        {
            Financials = financials is { IsEmpty: false } ? financials : null,
        };
        return errors;
    }

    /// <summary>The asset's fields as audit before/after pairs, from nothing.</summary>
    public static IReadOnlyList<FieldChange> CreatedFields(AssetDraft d)
    {
        var fields = new List<FieldChange>();
        void Add(string field, string? value)
        {
            if (value is not null)
                fields.Add(new FieldChange(field, null, value));
        }
        Add(nameof(AssetDetailEntity.Name), d.Name);
        Add(nameof(AssetDetailEntity.Kind), d.Kind.ToString());
        Add(nameof(AssetDetailEntity.Type), d.Type.ToString());
        Add(nameof(AssetDetailEntity.State), d.State.ToString());
        Add(nameof(AssetDetailEntity.Category), d.Category);
        Add(nameof(AssetDetailEntity.SerialNumber), d.SerialNumber);
        Add(nameof(AssetDetailEntity.Manufacturer), d.Manufacturer);
        Add(nameof(AssetDetailEntity.Model), d.Model);
        Add(nameof(AssetDetailEntity.Owner), d.Owner);
        Add(nameof(AssetDetailEntity.ItStakeholder), d.ItStakeholder);
        Add(nameof(AssetDetailEntity.Department), d.Department);
        Add(nameof(AssetDetailEntity.Location), d.Location);
        Add(nameof(AssetDetailEntity.Criticality), d.Criticality.ToString());
        Add(nameof(AssetDetailEntity.CloudResourceId), d.CloudResourceId);
        Add(
            nameof(AssetDetailEntity.Financials),
            d.Financials is null ? null : AssetFinancials.Serialize(d.Financials)
        );
        return fields;
    }
}
