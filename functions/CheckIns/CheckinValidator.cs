using System.Collections.Frozen;
using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.CheckIns;

/// <summary>A check-in that passed the contract: its optional values cleaned, and what was cleaned or
/// dropped.</summary>
public sealed record CheckedCheckin(CheckinRequest Request, IReadOnlyDictionary<string, string[]>? Warnings);

/// <summary>
/// Checks a check-in against the contract (pure; no I/O). Structural faults are errors (400, every one keyed by its
/// path): a missing or unknown kind, version or device id, a list longer than its limit, text longer than 256
/// characters, a required name missing. A bad optional value is a warning: a date-time (unreadable, or before
/// 1601, which storage cannot hold; without an offset it is read as UTC), a MAC or IP address, a number out of
/// range, an unknown type, a placeholder such as <c>N/A</c> in descriptive text is dropped; control, format and
/// separator characters are removed from text. The rest is accepted.
/// </summary>
public static partial class CheckinValidator
{
    /// <summary>The contract's date-time properties (all optional and informational).</summary>
    public static readonly FrozenSet<string> DateTimeProperties = FrozenSet.ToFrozenSet(
        ["sentAt", "collectedAt", "lastInteractiveLogonAt", "lastLogonAt", "installedAt", "lastBootAt"],
        StringComparer.Ordinal
    );

    /// <summary>Inventory sections a collector failure (<c>diagnostics[].section</c>) may name.</summary>
    public static readonly FrozenSet<string> Sections = FrozenSet.ToFrozenSet(
        [
            "hardware",
            "hardware.cpu",
            "hardware.disks",
            "hardware.networkInterfaces",
            "hardware.platformIdentities",
            "operatingSystem",
            "software",
            "localUsers",
            "neighbours",
            // Schema 1.2 (CheckinValidator.Model.cs)
            "hardware.bios",
            "hardware.batteries",
            "hardware.peripherals",
            "loggedOnUsers",
            "antivirus",
            "firewalls",
            "remoteAccess",
            "licences",
            "virtualMachines",
        ],
        StringComparer.Ordinal
    );

    /// <summary>Reads a check-in body (strict JSON: valid UTF-8, no duplicate keys, the right types) and checks
    /// it.</summary>
    public static Outcome<CheckedCheckin> Read(ReadOnlySpan<byte> json)
    {
        LenientDateTimeConverter.ResetFlagged();
        var parsed = JsonBody.Deserialize(json, ApiJsonContext.Default.CheckinRequest);
        if (parsed.Failed)
            return parsed.Problem;
        var issues = new ContractIssues();
        if (LenientDateTimeConverter.Flagged > 0)
        {
            foreach (var (path, message) in JsonBody.DateTimeWarnings(json, DateTimeProperties))
                issues.Warn(path, message);
        }
        return Check(parsed.Value, issues);
    }

    /// <summary>The errors of a parsed check-in, or null when it is accepted (possibly with warnings).</summary>
    public static Problem? Validate(CheckinRequest request) => Check(request).Problem;

    public static Outcome<CheckedCheckin> Check(CheckinRequest request, ContractIssues? issues = null)
    {
        if (string.IsNullOrWhiteSpace(request.SchemaVersion))
        {
            return Problem.BadRequest(
                "schemaVersion is required.",
                new Dictionary<string, string[]> { ["schemaVersion"] = ["Required, e.g. \"1.1\"."] }
            );
        }
        if (!IsSupportedVersion(request.SchemaVersion))
        {
            return Problem.UnsupportedSchemaVersion(
                $"schemaVersion '{Truncate(request.SchemaVersion)}' is not supported; this server accepts "
                    + $"{CheckinLimits.SupportedMajorVersion}.x."
            );
        }

        issues ??= new ContractIssues();
        issues.Require(
            TableKeys.IsAssetId(request.DeviceId),
            "deviceId",
            "Required: the device id returned by enrollment (32 hex digits)."
        );
        var agent = Agent("agent", request.Agent, issues);
        var heartbeat = request.Heartbeat;
        var inventory = request.Inventory;
        switch (request.Kind)
        {
            case CheckinKinds.Heartbeat:
                issues.Require(heartbeat is not null, "heartbeat", "Required when kind is 'heartbeat'.");
                issues.Require(inventory is null, "inventory", "Not allowed when kind is 'heartbeat'.");
                if (heartbeat is not null)
                    heartbeat = Heartbeat(heartbeat, issues);
                break;
            case CheckinKinds.Inventory:
                issues.Require(inventory is not null, "inventory", "Required when kind is 'inventory'.");
                issues.Require(heartbeat is null, "heartbeat", "Not allowed when kind is 'inventory'.");
                if (inventory is not null)
                    inventory = Model(Inventory(inventory, issues), issues);
                break;
            default:
                issues.Error("kind", "Required: 'heartbeat' or 'inventory'.");
                break;
        }

        if (issues.ErrorCount > 0)
            return issues.BadRequest("check-in");
        return new CheckedCheckin(
            request with
            {
                Agent = agent,
                Heartbeat = heartbeat,
                Inventory = inventory,
            },
            issues.Warnings
        );
    }

    public static bool IsSupportedVersion(string version) => ContractFormats.SchemaVersion().IsMatch(version);

    /// <summary>The agent's name and version (shared with enrollment).</summary>
    public static AgentInfo? Agent(string path, AgentInfo? agent, ContractIssues issues) =>
        agent is null
            ? null
            : agent with
            {
                Name = issues.Text(path + ".name", agent.Name, placeholders: true),
                Version = issues.Text(path + ".version", agent.Version, placeholders: true),
            };

    /// <summary>Platform identities: text only (their meaning is the identity rules').</summary>
    public static PlatformIdentityData? PlatformIdentities(
        string path,
        PlatformIdentityData? ids,
        ContractIssues issues
    ) =>
        ids is null
            ? null
            : ids with
            {
                MachineId = issues.Text(path + ".machineId", ids.MachineId),
                MachineGuid = issues.Text(path + ".machineGuid", ids.MachineGuid),
                CloudProvider = issues.Text(path + ".cloudProvider", ids.CloudProvider),
                CloudInstanceId = issues.Text(path + ".cloudInstanceId", ids.CloudInstanceId),
                SystemDiskSerial = issues.Text(path + ".systemDiskSerial", ids.SystemDiskSerial),
            };

    private static HeartbeatData Heartbeat(HeartbeatData heartbeat, ContractIssues issues)
    {
        var hash = heartbeat.InventoryHash;
        if (hash is not null && !Sha256Hex.IsValid(hash))
        {
            issues.Warn("heartbeat.inventoryHash", "Must be 64 lower-case hex digits: dropped.");
            hash = null;
        }
        return heartbeat with
        {
            CpuAveragePercent = issues.Range("heartbeat.cpuAveragePercent", heartbeat.CpuAveragePercent, 0d, 100d),
            MemoryUsedPercent = issues.Range("heartbeat.memoryUsedPercent", heartbeat.MemoryUsedPercent, 0d, 100d),
            DiskUsedPercent = issues.Range("heartbeat.diskUsedPercent", heartbeat.DiskUsedPercent, 0d, 100d),
            UptimeSeconds = issues.Range("heartbeat.uptimeSeconds", heartbeat.UptimeSeconds, 0L, long.MaxValue),
            InteractiveMinutes = issues.Range(
                "heartbeat.interactiveMinutes",
                heartbeat.InteractiveMinutes,
                0,
                7 * 24 * 60
            ),
            IpAddresses = issues.IpAddresses("heartbeat.ipAddresses", heartbeat.IpAddresses),
            InventoryHash = hash,
        };
    }

    private static InventoryData Inventory(InventoryData inventory, ContractIssues issues)
    {
        var diagnostics = Diagnostics(inventory.Diagnostics, issues);
        bool Failed(string section) => diagnostics?.Any(d => d.Section == section) == true;

        var hardware = inventory.Hardware is { } hw ? Hardware(hw, issues) : null;
        if (hardware is not null)
        {
            // A section the agent failed to collect is not reported: its stored values stay.
            hardware = hardware with
            {
                Cpu = Failed("hardware.cpu") ? null : hardware.Cpu,
                Disks = Failed("hardware.disks") ? null : hardware.Disks,
                NetworkInterfaces = Failed("hardware.networkInterfaces") ? null : hardware.NetworkInterfaces,
                PlatformIdentities = Failed("hardware.platformIdentities") ? null : hardware.PlatformIdentities,
            };
        }
        var os = inventory.OperatingSystem is { } o
            ? o with
            {
                Name = issues.Text("inventory.operatingSystem.name", o.Name, placeholders: true),
                Version = issues.Text("inventory.operatingSystem.version", o.Version, placeholders: true),
                Build = issues.Text("inventory.operatingSystem.build", o.Build, placeholders: true),
                Architecture = issues.Text(
                    "inventory.operatingSystem.architecture",
                    o.Architecture,
                    placeholders: true
                ),
            }
            : null;
        var software = Software(inventory.Software, issues);
        var users = LocalUsers(inventory.LocalUsers, issues);
        var neighbours = Neighbours(inventory.Neighbours, issues);
        return inventory with
        {
            Hostname = issues.Text("inventory.hostname", inventory.Hostname),
            Hardware = Failed("hardware") ? null : hardware,
            OperatingSystem = Failed("operatingSystem") ? null : os,
            Software = Failed("software") ? null : software,
            LocalUsers = Failed("localUsers") ? null : users,
            Neighbours = Failed("neighbours") ? null : neighbours,
            Diagnostics = diagnostics,
        };
    }

    private static HardwareData Hardware(HardwareData hw, ContractIssues issues)
    {
        const string at = "inventory.hardware";
        var type = hw.Type;
        if (type is not null && !AssetTypes.TryParse(type, out _))
        {
            issues.Warn(at + ".type", $"Not one of: {string.Join(", ", AssetTypes.WireNames)}: dropped.");
            type = null;
        }
        return hw with
        {
            Manufacturer = issues.Text(at + ".manufacturer", hw.Manufacturer, placeholders: true),
            Model = issues.Text(at + ".model", hw.Model, placeholders: true),
            // Identities: cleaned only; telling junk from a real identity is the identity rules' work.
            SerialNumber = issues.Text(at + ".serialNumber", hw.SerialNumber),
            SmbiosUuid = issues.Text(at + ".smbiosUuid", hw.SmbiosUuid),
            PlatformIdentities = PlatformIdentities(at + ".platformIdentities", hw.PlatformIdentities, issues),
            Type = type,
            Cpu = hw.Cpu is { } cpu
                ? cpu with
                {
                    Model = issues.Text(at + ".cpu.model", cpu.Model, placeholders: true),
                    Cores = issues.Range(at + ".cpu.cores", cpu.Cores, 1, 4096),
                    Threads = issues.Range(at + ".cpu.threads", cpu.Threads, 1, 8192),
                }
                : null,
            MemoryMb = issues.Range(at + ".memoryMb", hw.MemoryMb, 1L, 1L << 32),
            MemoryInstalledMb = issues.Range(at + ".memoryInstalledMb", hw.MemoryInstalledMb, 1L, 1L << 32),
            Disks = Items(at + ".disks", hw.Disks, CheckinLimits.MaxDisks, issues, (path, disk) =>
                disk with
                {
                    Name = issues.Text(path + ".name", disk.Name),
                    Model = issues.Text(path + ".model", disk.Model, placeholders: true),
                    SerialNumber = issues.Text(path + ".serialNumber", disk.SerialNumber, placeholders: true),
                    SizeGb = issues.Range(path + ".sizeGb", disk.SizeGb, 0d, 1e7),
                }
            ),
            NetworkInterfaces = Items(
                at + ".networkInterfaces",
                hw.NetworkInterfaces,
                CheckinLimits.MaxNetworkInterfaces,
                issues,
                (path, nic) =>
                    nic with
                    {
                        Name = issues.Text(path + ".name", nic.Name),
                        MacAddress = issues.Mac(path + ".macAddress", nic.MacAddress),
                        IpAddresses = issues.IpAddresses(path + ".ipAddresses", nic.IpAddresses),
                    }
            ),
        };
    }

    /// <summary>Checks each item of a short list; a null item is an error.</summary>
    private static IReadOnlyList<T>? Items<T>(
        string field,
        IReadOnlyList<T>? items,
        int max,
        ContractIssues issues,
        Func<string, T, T> check
    )
        where T : class
    {
        if (!issues.Count(field, items, max))
            return items;
        var checkedItems = new List<T>(items!.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = Indexed(field, i);
            if (items[i] is not { } item)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            checkedItems.Add(check(path, item));
        }
        return checkedItems;
    }

    private static IReadOnlyList<SoftwareData>? Software(IReadOnlyList<SoftwareData>? software, ContractIssues issues)
    {
        const string field = "inventory.software";
        if (!issues.Count(field, software, CheckinLimits.MaxSoftware))
            return software;
        List<SoftwareData>? changed = null;
        for (var i = 0; i < software!.Count && !issues.Full; i++)
        {
            var item = software[i];
            // The common case, checked without building field paths: this runs for every one of thousands of rows.
            if (item is not null && IsClean(item))
            {
                changed?.Add(item);
                continue;
            }
            changed ??= software.Take(i).ToList();
            var path = Indexed(field, i);
            if (item is null)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            var installedOn = item.InstalledOn;
            if (installedOn is not null && !IsDate(installedOn))
            {
                issues.Warn(path + ".installedOn", "Not a date (yyyy-MM-dd): dropped.");
                installedOn = null;
            }
            changed.Add(
                item with
                {
                    Name = issues.RequiredText(path + ".name", item.Name),
                    Version = issues.Text(path + ".version", item.Version, placeholders: true),
                    Publisher = issues.Text(path + ".publisher", item.Publisher, placeholders: true),
                    Architecture = issues.Text(path + ".architecture", item.Architecture, placeholders: true),
                    InstalledOn = installedOn,
                }
            );
        }
        return changed ?? software;
    }

    private static IReadOnlyList<LocalUserData>? LocalUsers(IReadOnlyList<LocalUserData>? users, ContractIssues issues)
    {
        const string field = "inventory.localUsers";
        if (!issues.Count(field, users, CheckinLimits.MaxLocalUsers))
            return users;
        var kept = new List<LocalUserData>(users!.Count);
        for (var i = 0; i < users.Count && !issues.Full; i++)
        {
            var path = Indexed(field, i);
            if (users[i] is not { } user)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            kept.Add(user with { Name = issues.RequiredText(path + ".name", user.Name) });
        }
        return kept;
    }

    /// <summary>A neighbour is its MAC address: one without a valid MAC is dropped (warning).</summary>
    private static IReadOnlyList<NeighbourData>? Neighbours(
        IReadOnlyList<NeighbourData>? neighbours,
        ContractIssues issues
    )
    {
        const string field = "inventory.neighbours";
        if (!issues.Count(field, neighbours, CheckinLimits.MaxNeighbours))
            return neighbours;
        var kept = new List<NeighbourData>(neighbours!.Count);
        for (var i = 0; i < neighbours.Count && !issues.Full; i++)
        {
            var path = Indexed(field, i);
            if (neighbours[i] is not { } neighbour)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            if (neighbour.MacAddress is null || !ContractFormats.IsMacAddress(neighbour.MacAddress))
            {
                issues.Warn(
                    path + ".macAddress",
                    $"Required: a MAC address ({ContractIssues.MacFormats}); the neighbour is dropped."
                );
                continue;
            }
            var ip = neighbour.IpAddress;
            if (ip is not null && !ContractFormats.IsIpAddress(ip))
            {
                issues.Warn(path + ".ipAddress", "Not an IPv4 (dotted quad) or IPv6 address: dropped.");
                ip = null;
            }
            kept.Add(ip == neighbour.IpAddress ? neighbour : neighbour with { IpAddress = ip });
        }
        return kept;
    }

    private static IReadOnlyList<CollectorDiagnostic>? Diagnostics(
        IReadOnlyList<CollectorDiagnostic>? diagnostics,
        ContractIssues issues
    )
    {
        const string field = "inventory.diagnostics";
        if (!issues.Count(field, diagnostics, CheckinLimits.MaxDiagnostics))
            return diagnostics;
        var kept = new List<CollectorDiagnostic>(diagnostics!.Count);
        for (var i = 0; i < diagnostics.Count; i++)
        {
            var path = Indexed(field, i);
            if (diagnostics[i] is not { } diagnostic)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            if (diagnostic.Section is not { } section || !Sections.Contains(section))
            {
                issues.Warn(
                    path + ".section",
                    $"Not one of: {string.Join(", ", Sections.Order(StringComparer.Ordinal))}: ignored."
                );
                continue;
            }
            kept.Add(diagnostic with { Error = issues.Text(path + ".error", diagnostic.Error, max: 1024) });
        }
        return kept;
    }

    private static bool IsClean(SoftwareData software) =>
        !string.IsNullOrWhiteSpace(software.Name)
        && IsCleanText(software.Name)
        && IsCleanText(software.Version, placeholders: true)
        && IsCleanText(software.Publisher, placeholders: true)
        && IsCleanText(software.Architecture, placeholders: true)
        && (software.InstalledOn is null || IsDate(software.InstalledOn));

    private static bool IsCleanText(string? value, bool placeholders = false) =>
        value is null
        || (
            (
                value.Length <= CheckinLimits.MaxShortString
                || ContractFormats.Characters(value) <= CheckinLimits.MaxShortString
            )
            && !ContractFormats.NeedsCleaning(value)
            && !(placeholders && ContractFormats.IsPlaceholder(value))
        );

    /// <summary>As <c>DateOnly.TryParseExact(value, "yyyy-MM-dd", …)</c>; the usual ten ASCII digits and dashes
    /// are checked by hand first (the parser cost more than the rest of a package's checks).</summary>
    internal static bool IsDate(string value)
    {
        if (
            value.Length == 10
            && value[4] == '-'
            && value[7] == '-'
            && Digits(value, 0, 4) is var year and >= 1
            && Digits(value, 5, 2) is var month and >= 1 and <= 12
            && Digits(value, 8, 2) is var day and >= 1
            && day <= DateTime.DaysInMonth(year, month)
        )
        {
            return true;
        }
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

        static int Digits(string text, int start, int count)
        {
            var number = 0;
            for (var i = start; i < start + count; i++)
            {
                var digit = text[i] - '0';
                if ((uint)digit > 9)
                    return -1;
                number = number * 10 + digit;
            }
            return number;
        }
    }

    private static string Indexed(string field, int i) => string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
