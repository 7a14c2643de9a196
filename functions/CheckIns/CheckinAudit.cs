using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.CheckIns;

/// <summary>
/// The audit record of a processed full inventory: entity <c>asset</c>, the device as actor, action <c>inventory</c>,
/// correlation id = check-in id. Hardware, OS and identity fields are listed before/after (values clipped by the
/// diff); software is summarised as counts and at most <see cref="AssetChanges.MaxListedNames"/> names per kind, so a
/// record stays small however much changed.
/// </summary>
public static class CheckinAudit
{
    public const string Entity = "asset";
    public const string Action = "inventory";

    /// <summary>The column of the check-in's marker row that carries the record's changes until it is
    /// appended.</summary>
    public const string MarkerColumn = "AuditChangesJson";

    private const int MaxSoftwareText = 1_000;

    /// <summary>The idempotency key of a check-in's audit record (its reference row in the lane).</summary>
    public static string Key(string checkinId) => "checkin|" + checkinId;

    public static IReadOnlyList<FieldChange> Changes(AssetChanges changes)
    {
        var list = new List<FieldChange>(changes.Fields);
        if (changes.SoftwareAddedCount > 0)
            list.Add(new("Software.Installed", null, Summary(changes.SoftwareAddedCount, changes.SoftwareAdded)));
        if (changes.SoftwareRemovedCount > 0)
            list.Add(new("Software.Uninstalled", Summary(changes.SoftwareRemovedCount, changes.SoftwareRemoved), null));
        if (changes.SoftwareUpdatedCount > 0)
            list.Add(new("Software.Updated", null, Summary(changes.SoftwareUpdatedCount, changes.SoftwareUpdated)));
        return list;
    }

    public static string Serialize(IReadOnlyList<FieldChange> changes) =>
        JsonSerializer.Serialize(changes, ApiJsonContext.Default.IReadOnlyListFieldChange);

    public static IReadOnlyList<FieldChange> Deserialize(string json) =>
        JsonSerializer.Deserialize(json, ApiJsonContext.Default.IReadOnlyListFieldChange) ?? [];

    public static AuditEvent Event(string deviceId, string checkinId, IReadOnlyList<FieldChange> changes) =>
        new(AuditActor.Device(deviceId), Entity, deviceId, Action, changes, checkinId);

    /// <summary><c>3: name1, name2, name3</c>, or <c>120 (first 25): …</c> when the names were capped.</summary>
    private static string Summary(int count, IReadOnlyList<string> names)
    {
        var text = (count > names.Count ? $"{count} (first {names.Count}): " : $"{count}: ") + string.Join(", ", names);
        return text.Length > MaxSoftwareText ? text[..MaxSoftwareText] + "…" : text;
    }
}
