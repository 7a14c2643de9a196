using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ItInventory.Functions.Tests.AgentProtocols;

/// <summary>Agent documents written for these tests from the inventory_format schema and the agents' sources (none
/// copied from the inventory_format examples): computers of three OSes, network gear, a printer, a phone.</summary>
public static class AgentDocuments
{
    public const string AgentId = "3f2b8c1e-5d47-4a9b-9e61-0c7d2a4b8f10";

    public static JsonObject WindowsLaptop(string deviceId = "LAPTOP-7Q2-2026-11-02-09-00-00", int software = 3)
    {
        var softwares = new JsonArray
        {
            Soft("Mozilla Firefox (x64 en-GB)", "132.0.2", "Mozilla", "x86_64", "2026-10-30"),
            Soft("7-Zip 24.08 (x64)", "24.08", "Igor Pavlov", "x86_64", "2025-01-12"),
            Soft("Microsoft Visual C++ 2022 X64 Minimum Runtime", "14.40.33810", "Microsoft Corporation", null, null),
        };
        for (var i = 3; i < software; i++)
            softwares.Add(Soft($"Contoso Tool {i:D4}", $"1.{i}.0", "Contoso Ltd", "x86_64", "2026-01-15"));
        return new JsonObject
        {
            ["action"] = "inventory",
            ["deviceid"] = deviceId,
            ["itemtype"] = "Computer",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["hardware"] = new JsonObject
                {
                    ["name"] = "LAPTOP-7Q2",
                    ["uuid"] = "4C4C4544-0051-3210-8032-B7C04F4B3332",
                    ["memory"] = 16035,
                    ["chassis_type"] = "Notebook",
                    ["vmsystem"] = "Physical",
                    ["lastloggeduser"] = "j.doe",
                    ["winprodkey"] = WindowsKey,
                },
                ["bios"] = new JsonObject
                {
                    ["bdate"] = "2024-03-11",
                    ["bmanufacturer"] = "Dell Inc.",
                    ["bversion"] = "1.21.0",
                    ["smanufacturer"] = "Dell Inc.",
                    ["smodel"] = "Latitude 5440",
                    ["ssn"] = "7Q2XK93",
                },
                ["operatingsystem"] = new JsonObject
                {
                    ["name"] = "Windows",
                    ["full_name"] = "Microsoft Windows 11 Pro",
                    ["version"] = "23H2",
                    ["kernel_version"] = "10.0.22631",
                    ["arch"] = "64-bit",
                    ["install_date"] = "2024-04-02 10:11:12",
                    ["boot_time"] = "2026-11-02 07:58:00",
                },
                ["cpus"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "13th Gen Intel(R) Core(TM) i5-1345U",
                        ["core"] = 10,
                        ["thread"] = 1,
                        ["manufacturer"] = "Intel",
                    },
                },
                ["storages"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "\\\\.\\PHYSICALDRIVE0",
                        ["model"] = "KXG80ZNV512G KIOXIA",
                        ["serial"] = "8E1PS0ABCDEF",
                        ["disksize"] = 512110,
                        ["type"] = "disk",
                    },
                },
                ["networks"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["description"] = "Intel(R) Wi-Fi 6E AX211 160MHz",
                        ["mac"] = "A4:C3:F0:12:34:56",
                        ["ipaddress"] = "10.20.30.40",
                        ["type"] = "wifi",
                        ["status"] = "up",
                    },
                    new JsonObject
                    {
                        ["description"] = "Intel(R) Wi-Fi 6E AX211 160MHz",
                        ["mac"] = "A4:C3:F0:12:34:56",
                        ["ipaddress6"] = "fe80::1c2d:3e4f:5a6b:7c8d%12",
                        ["type"] = "wifi",
                    },
                    new JsonObject
                    {
                        ["description"] = "Software Loopback Interface 1",
                        ["ipaddress"] = "127.0.0.1",
                        ["type"] = "loopback",
                    },
                },
                ["softwares"] = softwares,
                ["local_users"] = new JsonArray
                {
                    new JsonObject { ["id"] = "S-1-5-21-1-500", ["login"] = "Administrator" },
                    new JsonObject
                    {
                        ["id"] = "S-1-5-21-1-1001",
                        ["login"] = "j.doe",
                        ["name"] = "Jane Doe",
                    },
                },
                ["antivirus"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "Microsoft Defender Antivirus",
                        ["company"] = "Microsoft Corporation",
                        ["enabled"] = true,
                        ["uptodate"] = true,
                        ["version"] = "4.18.24090.11",
                    },
                },
                // As the GLPI Agent's Win32 modules report them (inventory_format: batteries in mWh, firewall
                // profiles with status on/off, remote_mgmt type/id, users domain/login, licenseinfos with the key).
                ["batteries"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "DELL VKYJX3A",
                        ["manufacturer"] = "BYD",
                        ["serial"] = "3185",
                        ["chemistry"] = "LiP",
                        ["capacity"] = 54000,
                        ["real_capacity"] = 45900,
                        ["voltage"] = 15000,
                    },
                },
                ["monitors"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["caption"] = "DELL P2422H",
                        ["manufacturer"] = "Dell Inc.",
                        ["serial"] = "CN0D4RV2FCC0027B1ZHL",
                        ["description"] = "45/2023",
                    },
                    new JsonObject { ["caption"] = "Integrated Monitor", ["manufacturer"] = "Sharp Corporation" },
                },
                ["firewalls"] = new JsonArray
                {
                    new JsonObject { ["profile"] = "DomainProfile", ["status"] = "on" },
                    new JsonObject { ["profile"] = "PublicProfile", ["status"] = "off" },
                },
                ["remote_mgmt"] = new JsonArray
                {
                    new JsonObject { ["type"] = "teamviewer", ["id"] = "1234567890" },
                },
                ["users"] = new JsonArray
                {
                    new JsonObject { ["domain"] = "CORP", ["login"] = "j.doe" },
                },
                ["licenseinfos"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "Microsoft Office Professional Plus 2021",
                        ["fullname"] = "Microsoft Office Professional Plus 2021",
                        ["key"] = OfficeKey,
                        ["productid"] = "00416-40000-00000-AA123",
                    },
                },
            },
        };
    }

    /// <summary>Made-up licence keys in the vendors' 5×5 form: they must never be stored in clear.</summary>
    public const string OfficeKey = "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP";

    public const string WindowsKey = "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY";

    public static JsonObject LinuxServer(string deviceId = "db-01-2026-11-02-09-00-00") =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = deviceId,
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["hardware"] = new JsonObject
                {
                    ["name"] = "db-01",
                    ["memory"] = 65536,
                    ["vmsystem"] = "Physical",
                },
                ["bios"] = new JsonObject
                {
                    ["smanufacturer"] = "HPE",
                    ["smodel"] = "ProLiant DL360 Gen11",
                    ["ssn"] = "CZJ4021ABC",
                },
                ["operatingsystem"] = new JsonObject
                {
                    ["name"] = "Ubuntu",
                    ["full_name"] = "Ubuntu 24.04.1 LTS",
                    ["version"] = "24.04",
                    ["kernel_version"] = "6.8.0-48-generic",
                    ["arch"] = "x86_64",
                },
                ["cpus"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "Intel(R) Xeon(R) Gold 6430",
                        ["core"] = 32,
                        ["thread"] = 2,
                    },
                    new JsonObject
                    {
                        ["name"] = "Intel(R) Xeon(R) Gold 6430",
                        ["core"] = 32,
                        ["thread"] = 2,
                    },
                },
                ["networks"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["description"] = "eno1",
                        ["mac"] = "94:40:c9:aa:bb:01",
                        ["ipaddress"] = "10.1.0.21",
                        ["virtualdev"] = false,
                    },
                },
                ["softwares"] = new JsonArray
                {
                    Soft("postgresql-16", "16.4-1.pgdg24.04+1", "PostgreSQL", "amd64", "2026-09-01 12:00:00"),
                    Soft("openssh-server", "1:9.6p1-3ubuntu13.5", "Ubuntu", "amd64", null),
                },
            },
        };

    public static JsonObject MacBook() =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = "MBP-A2338-2026-11-02-09-00-00",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["hardware"] = new JsonObject { ["name"] = "MBP-A2338", ["memory"] = 16384 },
                ["bios"] = new JsonObject
                {
                    ["smanufacturer"] = "Apple Inc",
                    ["smodel"] = "MacBookPro17,1",
                    ["ssn"] = "C02FK1ABQ05D",
                },
                ["operatingsystem"] = new JsonObject
                {
                    ["name"] = "MacOSX",
                    ["full_name"] = "macOS",
                    ["version"] = "14.6.1",
                    ["kernel_version"] = "23.6.0",
                    ["arch"] = "arm64",
                },
                ["softwares"] = new JsonArray { Soft("Safari", "17.6", "Apple", null, "2024/08/07") },
            },
        };

    /// <summary>A switch from the GLPI Agent's network inventory task.</summary>
    public static JsonObject Switch(string mac = "00:1b:54:aa:bb:cc", string serial = "FOC2231X0AB") =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = "LAPTOP-7Q2-2026-11-02-09-00-00",
            ["itemtype"] = "NetworkEquipment",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Networking",
                    ["name"] = "sw-floor2",
                    ["mac"] = mac,
                    ["serial"] = serial,
                    ["manufacturer"] = "Cisco",
                    ["model"] = "C9200L-48P-4G",
                    ["ips"] = new JsonArray("10.20.0.2"),
                },
                ["network_ports"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["ifnumber"] = 1,
                        ["ifdescr"] = "Gi1/0/1",
                        ["mac"] = "00:1b:54:aa:bb:81",
                    },
                },
            },
        };

    public static JsonObject Printer() =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = "LAPTOP-7Q2-2026-11-02-09-00-00",
            ["itemtype"] = "Printer",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Printer",
                    ["name"] = "PRN-2F-EAST",
                    ["mac"] = "30:05:5c:11:22:33",
                    ["serial"] = "VNB3K12345",
                    ["manufacturer"] = "HP",
                    ["model"] = "LaserJet Pro M404dn",
                    ["ips"] = new JsonArray("10.20.0.50"),
                },
            },
        };

    public static JsonObject Phone() =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = "LAPTOP-7Q2-2026-11-02-09-00-00",
            ["itemtype"] = "Phone",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Phone",
                    ["name"] = "SEP0004F2ABCDEF",
                    ["mac"] = "00:04:f2:ab:cd:ef",
                    ["model"] = "CP-8845",
                    ["manufacturer"] = "Cisco",
                },
            },
        };

    public static JsonObject Contact(string deviceId = "LAPTOP-7Q2-2026-11-02-09-00-00") =>
        new()
        {
            ["action"] = "contact",
            ["deviceid"] = deviceId,
            ["name"] = "GLPI-Agent_v1.11",
            ["installed-tasks"] = new JsonArray("inventory", "netdiscovery"),
            ["enabled-tasks"] = new JsonArray("inventory"),
        };

    public static string Prolog(string deviceId = "LAPTOP-7Q2-2026-11-02-09-00-00") =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <DEVICEID>{deviceId}</DEVICEID>\n"
        + "  <QUERY>PROLOG</QUERY>\n  <TOKEN>12345678</TOKEN>\n</REQUEST>\n";

    /// <summary>A FusionInventory 2.6-style XML inventory of a Linux workstation.</summary>
    public static string FusionXml(
        string deviceId = "ws-linux-2026-11-02-09-00-00",
        int software = 2,
        string hostname = "ws-linux",
        string encoding = "UTF-8",
        string publisher = "Debian",
        bool extended = false
    )
    {
        var xml = new StringBuilder();
        xml.Append($"<?xml version=\"1.0\" encoding=\"{encoding}\" ?>\n<REQUEST>\n  <CONTENT>\n");
        xml.Append(
            "    <BIOS>\n      <SMANUFACTURER>LENOVO</SMANUFACTURER>\n      <SMODEL>ThinkCentre M70q</SMODEL>\n"
        );
        xml.Append("      <SSN>MJ0ABCDE</SSN>\n      <BVERSION>M3AKT4AA</BVERSION>\n");
        xml.Append("      <BDATE>06/12/2024</BDATE>\n    </BIOS>\n");
        xml.Append("    <CPUS>\n      <NAME>Intel(R) Core(TM) i5-12400T</NAME>\n      <CORE>6</CORE>\n");
        xml.Append("      <THREAD>2</THREAD>\n    </CPUS>\n");
        xml.Append($"    <HARDWARE>\n      <NAME>{hostname}</NAME>\n      <MEMORY>15734</MEMORY>\n");
        xml.Append("      <UUID>2a9c4e61-17b3-4d0f-8e25-6b1c0d9f3a47</UUID>\n");
        xml.Append("      <CHASSIS_TYPE>Desktop</CHASSIS_TYPE>\n    </HARDWARE>\n");
        xml.Append("    <NETWORKS>\n      <DESCRIPTION>lo</DESCRIPTION>\n      <IPADDRESS>127.0.0.1</IPADDRESS>\n");
        xml.Append("      <MACADDR>00:00:00:00:00:00</MACADDR>\n      <TYPE>loopback</TYPE>\n    </NETWORKS>\n");
        xml.Append(
            "    <NETWORKS>\n      <DESCRIPTION>enp2s0</DESCRIPTION>\n      <IPADDRESS>192.168.7.14</IPADDRESS>\n"
        );
        xml.Append("      <MACADDR>98:fa:9b:10:20:30</MACADDR>\n      <STATUS>Up</STATUS>\n    </NETWORKS>\n");
        xml.Append("    <OPERATINGSYSTEM>\n      <ARCH>x86_64</ARCH>\n      <FULL_NAME>Debian GNU/Linux 12 (bookworm)");
        xml.Append("</FULL_NAME>\n      <KERNEL_VERSION>6.1.0-26-amd64</KERNEL_VERSION>\n");
        xml.Append("      <NAME>Debian GNU/Linux</NAME>\n      <VERSION>12.7</VERSION>\n");
        if (extended)
        {
            xml.Append("      <BOOT_TIME>2026-11-02 07:30:00</BOOT_TIME>\n");
            xml.Append("      <INSTALL_DATE>2024-06-20 14:05:09</INSTALL_DATE>\n");
            xml.Append(
                "      <TIMEZONE>\n        <NAME>CET</NAME>\n        <OFFSET>+0100</OFFSET>\n      </TIMEZONE>\n"
            );
        }
        xml.Append("    </OPERATINGSYSTEM>\n");
        for (var i = 0; i < software; i++)
        {
            xml.Append($"    <SOFTWARES>\n      <ARCH>amd64</ARCH>\n      <NAME>package-{i:D4}</NAME>\n");
            xml.Append($"      <PUBLISHER>{publisher}</PUBLISHER>\n      <VERSION>1.{i}-1</VERSION>\n");
            xml.Append("      <INSTALLDATE>2025/04/20 00:00:00</INSTALLDATE>\n    </SOFTWARES>\n");
        }
        xml.Append("    <LOCAL_USERS>\n      <ID>0</ID>\n      <LOGIN>root</LOGIN>\n    </LOCAL_USERS>\n");
        xml.Append("    <LOCAL_USERS>\n      <ID>1000</ID>\n      <LOGIN>alex</LOGIN>\n    </LOCAL_USERS>\n");
        if (extended)
            xml.Append(FusionExtendedSections);
        xml.Append("    <VERSIONCLIENT>FusionInventory-Agent_v2.6-3</VERSIONCLIENT>\n");
        xml.Append($"  </CONTENT>\n  <DEVICEID>{deviceId}</DEVICEID>\n  <QUERY>INVENTORY</QUERY>\n</REQUEST>\n");
        return xml.ToString();
    }

    /// <summary>What FusionInventory 2.6 adds on a KVM host with a laptop battery and a monitor (dmidecode's
    /// MM/dd/yyyy dates, capacities with their unit as older agents write them, local times with the zone's
    /// offset).</summary>
    private const string FusionExtendedSections = """
            <BATTERIES>
              <CAPACITY>57000 mWh</CAPACITY>
              <REAL_CAPACITY>51300</REAL_CAPACITY>
              <CHEMISTRY>Lithium Polymer</CHEMISTRY>
              <DATE>02/03/2023</DATE>
              <MANUFACTURER>Sunwoda</MANUFACTURER>
              <NAME>5B10W51867</NAME>
              <SERIAL>1234</SERIAL>
              <VOLTAGE>15480</VOLTAGE>
            </BATTERIES>
            <MONITORS>
              <CAPTION>LEN T27h-20</CAPTION>
              <DESCRIPTION>36/2022</DESCRIPTION>
              <MANUFACTURER>Lenovo Group Limited</MANUFACTURER>
              <SERIAL>V90A1B2C</SERIAL>
            </MONITORS>
            <USERS>
              <LOGIN>alex</LOGIN>
            </USERS>
            <VIRTUALMACHINES>
              <MEMORY>4096</MEMORY>
              <NAME>build-runner-01</NAME>
              <STATUS>running</STATUS>
              <SUBSYSTEM>kvm</SUBSYSTEM>
              <UUID>6f1d2c3b-4a59-4e68-9d7c-0b1a2c3d4e5f</UUID>
              <VCPU>2</VCPU>
              <VMTYPE>libvirt</VMTYPE>
              <MAC>52:54:00:ab:cd:ef</MAC>
            </VIRTUALMACHINES>

        """;

    public static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal))
            zlib.Write(data);
        return output.ToArray();
    }

    public static byte[] Zlib(string text) => Zlib(Encoding.UTF8.GetBytes(text));

    public static byte[] Unzlib(byte[] data)
    {
        using var input = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static JsonObject Soft(string name, string version, string publisher, string? arch, string? installDate)
    {
        var soft = new JsonObject
        {
            ["name"] = name,
            ["version"] = version,
            ["publisher"] = publisher,
        };
        if (arch is not null)
            soft["arch"] = arch;
        if (installDate is not null)
            soft["install_date"] = installDate;
        return soft;
    }
}
