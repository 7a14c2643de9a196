using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.CheckIns;

/// <summary>Checks a parsed check-in against the contract's rules and limits (pure; no I/O).</summary>
public static class CheckinValidator
{
    public static Problem? Validate(CheckinRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.SchemaVersion))
        {
            return Problem.BadRequest("schemaVersion is required.", One("schemaVersion", "Required, e.g. \"1.0\"."));
        }
        if (!IsSupportedVersion(request.SchemaVersion))
        {
            return Problem.UnsupportedSchemaVersion(
                $"schemaVersion '{Truncate(request.SchemaVersion)}' is not supported; this server accepts "
                    + $"{CheckinLimits.SupportedMajorVersion}.x."
            );
        }

        var errors = new Errors();
        errors.Require(
            TableKeys.IsAssetId(request.DeviceId),
            "deviceId",
            "Required: the device id returned by enrollment (32 hex digits)."
        );
        errors.Text("agent.name", request.Agent?.Name);
        errors.Text("agent.version", request.Agent?.Version);

        switch (request.Kind)
        {
            case CheckinKinds.Heartbeat:
                errors.Require(request.Heartbeat is not null, "heartbeat", "Required when kind is 'heartbeat'.");
                errors.Require(request.Inventory is null, "inventory", "Not allowed when kind is 'heartbeat'.");
                if (request.Heartbeat is { } heartbeat)
                    ValidateHeartbeat(heartbeat, errors);
                break;
            case CheckinKinds.Inventory:
                errors.Require(request.Inventory is not null, "inventory", "Required when kind is 'inventory'.");
                errors.Require(request.Heartbeat is null, "heartbeat", "Not allowed when kind is 'inventory'.");
                if (request.Inventory is { } inventory)
                    ValidateInventory(inventory, errors);
                break;
            default:
                errors.Add("kind", "Required: 'heartbeat' or 'inventory'.");
                break;
        }

        return errors.Count == 0
            ? null
            : Problem.BadRequest(
                $"The check-in has {errors.Count} invalid field(s); see 'errors'.",
                errors.ToDictionary()
            );
    }

    public static bool IsSupportedVersion(string version) => ContractFormats.SchemaVersion().IsMatch(version);

    private static void ValidateHeartbeat(HeartbeatData heartbeat, Errors errors)
    {
        errors.Percent("heartbeat.cpuAveragePercent", heartbeat.CpuAveragePercent);
        errors.Percent("heartbeat.memoryUsedPercent", heartbeat.MemoryUsedPercent);
        errors.Percent("heartbeat.diskUsedPercent", heartbeat.DiskUsedPercent);
        errors.Require(heartbeat.UptimeSeconds is null or >= 0, "heartbeat.uptimeSeconds", "Must be ≥ 0.");
        errors.Require(
            heartbeat.InteractiveMinutes is null or (>= 0 and <= 7 * 24 * 60),
            "heartbeat.interactiveMinutes",
            "Must be between 0 and 10080."
        );
        errors.IpAddresses("heartbeat.ipAddresses", heartbeat.IpAddresses);
        errors.Require(
            heartbeat.InventoryHash is null || Sha256Hex.IsValid(heartbeat.InventoryHash),
            "heartbeat.inventoryHash",
            "Must be 64 lower-case hex digits."
        );
    }

    private static void ValidateInventory(InventoryData inventory, Errors errors)
    {
        errors.Text("inventory.hostname", inventory.Hostname);
        if (inventory.Hardware is { } hw)
        {
            errors.Text("inventory.hardware.manufacturer", hw.Manufacturer);
            errors.Text("inventory.hardware.model", hw.Model);
            errors.Text("inventory.hardware.serialNumber", hw.SerialNumber);
            errors.Text("inventory.hardware.smbiosUuid", hw.SmbiosUuid);
            errors.Require(
                hw.Type is null || AssetTypes.TryParse(hw.Type, out _),
                "inventory.hardware.type",
                $"Must be one of: {string.Join(", ", AssetTypes.WireNames)}."
            );
            errors.Text("inventory.hardware.cpu.model", hw.Cpu?.Model);
            errors.Require(
                hw.Cpu?.Cores is null or (> 0 and <= 4096),
                "inventory.hardware.cpu.cores",
                "Must be between 1 and 4096."
            );
            errors.Require(
                hw.Cpu?.Threads is null or (> 0 and <= 8192),
                "inventory.hardware.cpu.threads",
                "Must be between 1 and 8192."
            );
            errors.Require(
                hw.MemoryMb is null or (> 0 and <= 1L << 32),
                "inventory.hardware.memoryMb",
                "Must be positive."
            );
            if (errors.Items("inventory.hardware.disks", hw.Disks, CheckinLimits.MaxDisks))
            {
                for (var i = 0; i < hw.Disks!.Count; i++)
                {
                    var path = $"inventory.hardware.disks[{i}]";
                    var disk = hw.Disks[i];
                    if (!errors.NotNull(path, disk))
                        continue;
                    errors.Text(path + ".name", disk.Name);
                    errors.Text(path + ".model", disk.Model);
                    errors.Text(path + ".serialNumber", disk.SerialNumber);
                    errors.Require(
                        disk.SizeGb is null or (>= 0 and <= 1e7),
                        path + ".sizeGb",
                        "Must be between 0 and 10,000,000."
                    );
                }
            }
            if (
                errors.Items(
                    "inventory.hardware.networkInterfaces",
                    hw.NetworkInterfaces,
                    CheckinLimits.MaxNetworkInterfaces
                )
            )
            {
                for (var i = 0; i < hw.NetworkInterfaces!.Count; i++)
                {
                    var path = $"inventory.hardware.networkInterfaces[{i}]";
                    var nic = hw.NetworkInterfaces[i];
                    if (!errors.NotNull(path, nic))
                        continue;
                    errors.Text(path + ".name", nic.Name);
                    errors.Mac(path + ".macAddress", nic.MacAddress, required: false);
                    errors.IpAddresses(path + ".ipAddresses", nic.IpAddresses);
                }
            }
        }
        if (inventory.OperatingSystem is { } os)
        {
            errors.Text("inventory.operatingSystem.name", os.Name);
            errors.Text("inventory.operatingSystem.version", os.Version);
            errors.Text("inventory.operatingSystem.build", os.Build);
            errors.Text("inventory.operatingSystem.architecture", os.Architecture);
        }
        if (errors.Items("inventory.software", inventory.Software, CheckinLimits.MaxSoftware))
        {
            for (var i = 0; i < inventory.Software!.Count && errors.Count < 100; i++)
            {
                var software = inventory.Software[i];
                // The common case, checked without building field paths: this runs for every one of thousands of rows.
                if (software is not null && IsValid(software))
                    continue;
                var path = $"inventory.software[{i}]";
                if (!errors.NotNull(path, software))
                    continue;
                errors.Require(!string.IsNullOrWhiteSpace(software.Name), path + ".name", "Required.");
                errors.Text(path + ".name", software.Name);
                errors.Text(path + ".version", software.Version);
                errors.Text(path + ".publisher", software.Publisher);
                errors.Text(path + ".architecture", software.Architecture);
                errors.Require(
                    software.InstalledOn is null
                        || DateOnly.TryParseExact(
                            software.InstalledOn,
                            "yyyy-MM-dd",
                            CultureInfo.InvariantCulture,
                            DateTimeStyles.None,
                            out _
                        ),
                    path + ".installedOn",
                    "Must be a date, yyyy-MM-dd."
                );
            }
        }
        if (errors.Items("inventory.localUsers", inventory.LocalUsers, CheckinLimits.MaxLocalUsers))
        {
            for (var i = 0; i < inventory.LocalUsers!.Count && errors.Count < 100; i++)
            {
                var path = $"inventory.localUsers[{i}]";
                var user = inventory.LocalUsers[i];
                if (!errors.NotNull(path, user))
                    continue;
                errors.Require(!string.IsNullOrWhiteSpace(user.Name), path + ".name", "Required.");
                errors.Text(path + ".name", user.Name);
            }
        }
        if (errors.Items("inventory.neighbours", inventory.Neighbours, CheckinLimits.MaxNeighbours))
        {
            for (var i = 0; i < inventory.Neighbours!.Count && errors.Count < 100; i++)
            {
                var path = $"inventory.neighbours[{i}]";
                var neighbour = inventory.Neighbours[i];
                if (!errors.NotNull(path, neighbour))
                    continue;
                errors.Mac(path + ".macAddress", neighbour.MacAddress, required: true);
                errors.Require(
                    neighbour.IpAddress is null || ContractFormats.IsIpAddress(neighbour.IpAddress),
                    path + ".ipAddress",
                    "Must be an IPv4 (dotted quad) or IPv6 address."
                );
            }
        }
    }

    private static bool IsValid(SoftwareData software) =>
        !string.IsNullOrWhiteSpace(software.Name)
        && ContractFormats.IsShortText(software.Name)
        && ContractFormats.IsShortText(software.Version)
        && ContractFormats.IsShortText(software.Publisher)
        && ContractFormats.IsShortText(software.Architecture)
        && (
            software.InstalledOn is null
            || DateOnly.TryParseExact(
                software.InstalledOn,
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out _
            )
        );

    private static Dictionary<string, string[]> One(string field, string message) => new() { [field] = [message] };

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";

    /// <summary>Collects field errors (at most a hundred, so a bad 20,000-row list answers quickly).</summary>
    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> items = [];

        public int Count => items.Count;

        public void Add(string field, string message)
        {
            if (items.Count >= 100 && !items.ContainsKey(field))
                return;
            if (!items.TryGetValue(field, out var list))
                items[field] = list = [];
            list.Add(message);
        }

        public void Require(bool condition, string field, string message)
        {
            if (!condition)
                Add(field, message);
        }

        public bool NotNull<T>(string field, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] T? value)
            where T : class
        {
            Require(value is not null, field, "Must not be null.");
            return value is not null;
        }

        public void Text(string field, string? value, int max = CheckinLimits.MaxShortString)
        {
            if (value is null)
                return;
            if (value.Length > max && ContractFormats.Characters(value) is var length && length > max)
                Add(field, $"At most {max} characters (got {length}).");
            else if (ContractFormats.HasControlCharacter(value))
                Add(field, "Must not contain control characters.");
        }

        public void Percent(string field, double? value) =>
            Require(value is null or (>= 0 and <= 100), field, "Must be between 0 and 100.");

        public void Mac(string field, string? value, bool required)
        {
            if (value is null)
            {
                Require(!required, field, "Required.");
                return;
            }
            Require(
                ContractFormats.IsMacAddress(value),
                field,
                "Must be a MAC address: aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff."
            );
        }

        public void IpAddresses(string field, IReadOnlyList<string>? values)
        {
            if (!Items(field, values, CheckinLimits.MaxIpAddresses))
                return;
            for (var i = 0; i < values!.Count; i++)
            {
                Require(
                    values[i] is { } ip && ContractFormats.IsIpAddress(ip),
                    $"{field}[{i}]",
                    "Must be an IPv4 (dotted quad) or IPv6 address."
                );
            }
        }

        /// <summary>Checks a list's length; true when its items should be checked too.</summary>
        public bool Items<T>(string field, IReadOnlyList<T>? values, int max)
        {
            if (values is null)
                return false;
            if (values.Count <= max)
                return true;
            Add(field, $"At most {max} items (got {values.Count}).");
            return false;
        }

        public Dictionary<string, string[]> ToDictionary() =>
            items.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }
}
