using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.MacOs;

// Pure parsers over macOS tools' outputs: `system_profiler -json SPHardwareDataType SPSoftwareDataType
// SPApplicationsDataType`, `ioreg -rd1 -c IOPlatformExpertDevice`, `pkgutil --pkgs`, `vm_stat`,
// `sysctl -n kern.boottime`, `ioreg -c IOHIDSystem -d 4`.
public static partial class MacParsers
{
    public static (HardwareData Hardware, OperatingSystemData? Os) SystemProfiler(string json, string architecture)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var hw = root.TryGetProperty("SPHardwareDataType", out var h) && h.GetArrayLength() > 0 ? h[0] : default;
        string? Get(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object
            && e.TryGetProperty(name, out var v)
            && v.ValueKind == JsonValueKind.String
                ? v.GetString()
                : null;
        var model = Get(hw, "machine_name");
        var cores = Get(hw, "number_processors");
        var memory = Get(hw, "physical_memory");
        var hardware = new HardwareData
        {
            Manufacturer = "Apple Inc.",
            Model = Get(hw, "machine_model") is { } id && model is not null ? $"{model} ({id})" : model,
            SerialNumber = Get(hw, "serial_number"),
            SmbiosUuid = Get(hw, "platform_UUID")?.ToLowerInvariant(),
            Type =
                model is null ? null
                : model.Contains("Book", StringComparison.Ordinal) ? "laptop"
                : "desktop",
            Cpu = new CpuData
            {
                Model = Get(hw, "chip_type") ?? Get(hw, "cpu_type"),
                // "proc 10:8:2" on Apple silicon (total:performance:efficiency), a plain number on Intel.
                Cores =
                    cores is null ? null
                    : int.TryParse(
                        cores.Replace("proc ", "", StringComparison.Ordinal).Split(':')[0],
                        CultureInfo.InvariantCulture,
                        out var n
                    )
                        ? n
                    : null,
            },
            MemoryMb = memory is null ? null : MemoryMb(memory),
        };
        OperatingSystemData? os = null;
        if (
            root.TryGetProperty("SPSoftwareDataType", out var s)
            && s.GetArrayLength() > 0
            && Get(s[0], "os_version") is { } text
        )
        {
            // "macOS 14.4.1 (23E224)"
            var match = OsVersion().Match(text);
            os = new OperatingSystemData
            {
                Name = match.Success ? match.Groups[1].Value : text,
                Version = match.Success ? match.Groups[2].Value : null,
                Build = match.Success ? match.Groups[3].Value : null,
                Architecture = architecture,
            };
        }
        return (hardware, os);
    }

    /// <summary>Applications (SPApplicationsDataType): name, version, signer as publisher, last-modified
    /// date.</summary>
    public static IReadOnlyList<SoftwareData> Applications(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("SPApplicationsDataType", out var apps))
            return [];
        var result = new List<SoftwareData>();
        foreach (var app in apps.EnumerateArray())
        {
            string? Get(string name) =>
                app.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Get("_name") is not { } name)
                continue;
            var signed =
                app.TryGetProperty("signed_by", out var by)
                && by.ValueKind == JsonValueKind.Array
                && by.GetArrayLength() > 0
                    ? by[0].GetString()
                    : null;
            result.Add(
                new SoftwareData
                {
                    Name = name,
                    Version = Get("version"),
                    Publisher = signed?.Replace("Developer ID Application: ", "", StringComparison.Ordinal),
                    Architecture = Get("arch_kind"),
                    InstalledOn = DateTimeOffset.TryParse(
                        Get("lastModified"),
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal,
                        out var at
                    )
                        ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                        : null,
                }
            );
        }
        return result.DistinctBy(s => (s.Name, s.Version, s.Architecture)).ToList();
    }

    /// <summary><c>pkgutil --pkgs</c>: installer receipts; Apple's own are OS components and left out.</summary>
    public static IReadOnlyList<SoftwareData> PkgutilReceipts(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(id => !id.StartsWith("com.apple.", StringComparison.Ordinal))
            .Select(id => new SoftwareData { Name = id })
            .ToList();

    /// <summary><c>ioreg -rd1 -c IOPlatformExpertDevice</c>: serial and hardware UUID.</summary>
    public static (string? Serial, string? Uuid) Ioreg(string text)
    {
        string? Value(string key) => IoregValue(key).Match(text) is { Success: true } m ? m.Groups[1].Value : null;
        return (Value("IOPlatformSerialNumber"), Value("IOPlatformUUID")?.ToLowerInvariant());
    }

    /// <summary><c>ioreg -c IOHIDSystem -d 4</c>: HIDIdleTime in nanoseconds since the last keyboard/mouse
    /// input.</summary>
    public static TimeSpan? HidIdle(string text) =>
        HidIdleTime().Match(text) is { Success: true } m
        && long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var ns)
            ? TimeSpan.FromTicks(ns / 100)
            : null;

    /// <summary><c>vm_stat</c> pages: used = active + wired + compressed ("occupied by compressor").</summary>
    public static double? VmStatUsedPercent(string text, long memoryBytes)
    {
        var size = PageSize().Match(text) is { Success: true } p
            ? long.Parse(p.Groups[1].Value, CultureInfo.InvariantCulture)
            : 4096;
        long Pages(string label) =>
            Regex.Match(text, "^" + Regex.Escape(label) + @":\s+(\d+)", RegexOptions.Multiline) is { Success: true } m
                ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : 0;
        if (memoryBytes <= 0)
            return null;
        var used = (Pages("Pages active") + Pages("Pages wired down") + Pages("Pages occupied by compressor")) * size;
        return Math.Round(Math.Min(100, 100.0 * used / memoryBytes), 1);
    }

    /// <summary><c>sysctl -n kern.boottime</c>: "{ sec = 1712345678, usec = 0 } Fri Apr  5 …".</summary>
    public static DateTimeOffset? BootTime(string text) =>
        BootSeconds().Match(text) is { Success: true } m
            ? DateTimeOffset.FromUnixTimeSeconds(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            : null;

    private static long? MemoryMb(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !double.TryParse(parts[0], CultureInfo.InvariantCulture, out var amount))
            return null;
        return parts[1] switch
        {
            "GB" => (long)(amount * 1024),
            "TB" => (long)(amount * 1024 * 1024),
            "MB" => (long)amount,
            _ => null,
        };
    }

    [GeneratedRegex(@"^(\S+(?: \S+)*?) (\d+(?:\.\d+)*) \(([^)]+)\)")]
    private static partial Regex OsVersion();

    [GeneratedRegex(@"""HIDIdleTime"" = (\d+)")]
    private static partial Regex HidIdleTime();

    [GeneratedRegex(@"page size of (\d+) bytes")]
    private static partial Regex PageSize();

    [GeneratedRegex(@"sec = (\d+)")]
    private static partial Regex BootSeconds();

    private static Regex IoregValue(string key) => new($"\"{Regex.Escape(key)}\" = \"([^\"]*)\"");
}
