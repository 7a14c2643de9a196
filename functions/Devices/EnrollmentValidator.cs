using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Devices;

/// <summary>Warnings of an accepted enrollment (schema 1.1).</summary>
public sealed partial record EnrollmentResponse
{
    /// <summary>Optional values that were dropped or cleaned, keyed by JSON path (as problem <c>errors</c> are);
    /// absent when there are none.</summary>
    public IReadOnlyDictionary<string, string[]>? Warnings { get; init; }
}

/// <summary>An enrollment that passed the contract, its optional values cleaned, and what was cleaned or
/// dropped.</summary>
public sealed record CheckedEnrollment(EnrollmentRequest Request, IReadOnlyDictionary<string, string[]>? Warnings);

/// <summary>
/// Checks an enrollment request against the contract (pure; no I/O), as <see cref="CheckinValidator"/> does a
/// check-in: a missing secret, text longer than 256 characters or more MAC addresses than the limit are errors,
/// each keyed by its path; a MAC address that is not one (<c>macAddresses[i]</c>), an unknown type or a placeholder
/// in descriptive text is dropped with a warning, and control or format characters are removed from text.
/// </summary>
public static class EnrollmentValidator
{
    public static Outcome<CheckedEnrollment> Validate(EnrollmentRequest request)
    {
        var issues = new ContractIssues();
        if (
            string.IsNullOrEmpty(request.EnrollmentSecret)
            || request.EnrollmentSecret.Length > CheckinLimits.MaxShortString
        )
        {
            issues.Error("enrollmentSecret", $"Required (at most {CheckinLimits.MaxShortString} characters).");
        }
        var type = request.Type;
        if (type is not null && !AssetTypes.TryParse(type, out _))
        {
            issues.Warn("type", $"Not one of: {string.Join(", ", AssetTypes.WireNames)}: dropped.");
            type = null;
        }
        var cleaned = request with
        {
            Hostname = issues.Text("hostname", request.Hostname),
            SerialNumber = issues.Text("serialNumber", request.SerialNumber),
            SmbiosUuid = issues.Text("smbiosUuid", request.SmbiosUuid),
            PlatformIdentities = CheckinValidator.PlatformIdentities(
                "platformIdentities",
                request.PlatformIdentities,
                issues
            ),
            Manufacturer = issues.Text("manufacturer", request.Manufacturer, placeholders: true),
            Model = issues.Text("model", request.Model, placeholders: true),
            Type = type,
            Agent = CheckinValidator.Agent("agent", request.Agent, issues),
            MacAddresses = MacAddresses(request.MacAddresses, issues),
        };
        return issues.ErrorCount > 0
            ? issues.BadRequest("enrollment request")
            : new CheckedEnrollment(cleaned, issues.Warnings);
    }

    private static IReadOnlyList<string>? MacAddresses(IReadOnlyList<string>? macs, ContractIssues issues)
    {
        if (!issues.Count("macAddresses", macs, CheckinLimits.MaxEnrollmentMacAddresses))
            return macs;
        var kept = new List<string>(macs!.Count);
        for (var i = 0; i < macs.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"macAddresses[{i}]");
            if (macs[i] is null)
            {
                issues.Warn(field, "Null: dropped.");
                continue;
            }
            if (issues.Mac(field, macs[i]) is { } mac)
                kept.Add(mac);
        }
        return kept;
    }
}
