using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Functions.Tests.Assets;

public sealed class PlatformIdentityTests
{
    [Theory]
    [InlineData("4B1E9C7D2A3F4E5D8C6B7A8F9E0D1C2B\n", "4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b")]
    [InlineData("00000000000000000000000000000000", null)]
    [InlineData("ffffffffffffffffffffffffffffffff", null)]
    [InlineData("uninitialized", null)]
    [InlineData("4b1e9c7d-2a3f-4e5d-8c6b-7a8f9e0d1c2b", null)]
    [InlineData("4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2", null)]
    public void Machine_ids_are_32_hex_digits_and_junk_is_dropped(string input, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseMachineId(input));

    [Theory]
    [InlineData("AWS", "i-0ABC123DEF4567890", "aws|i-0abc123def4567890")]
    [InlineData("azure", "{8E6D1B2C-3A4F-4E5D-9C6B-7A8F9E0D1C2B}", null)]
    [InlineData("azure", "8E6D1B2C-3A4F-4E5D-9C6B-7A8F9E0D1C2B", "azure|8e6d1b2c-3a4f-4e5d-9c6b-7a8f9e0d1c2b")]
    [InlineData("azure", "00000000-0000-0000-0000-000000000000", null)]
    [InlineData("gcp", "4520307925843815040", "gcp|4520307925843815040")]
    [InlineData(null, "i-0abc123def4567890", null)]
    [InlineData("aws", "", null)]
    [InlineData("aws", "i-0abc/../x", null)]
    [InlineData("aws", "unknown", null)]
    public void Cloud_instances_need_their_provider_and_a_plain_id(string? provider, string id, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseCloudInstance(provider, id));

    [Theory]
    [InlineData(" S4EV NF0M 123456 ", "S4EVNF0M123456")]
    [InlineData("QM00001", null)]
    [InlineData("QM00003", null)]
    [InlineData("0000000000000000", null)]
    [InlineData("ABC", null)]
    [InlineData("To be filled by O.E.M.", null)]
    public void Disk_serials_are_normalised_like_serials_and_emulator_defaults_dropped(
        string input,
        string? expected
    ) => Assert.Equal(expected, HardwareIdentity.NormaliseDiskSerial(input));

    [Theory]
    [InlineData("12345678", null)]
    [InlineData("0123456789", null)]
    [InlineData("N/A", null)]
    [InlineData("Not Available", null)]
    [InlineData("1357924680", "1357924680")]
    public void Serials_of_consecutive_digits_and_placeholders_are_dropped(string input, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseSerial(input));

    [Fact]
    public void Platform_identities_are_strong_keys_and_the_mac_is_not()
    {
        var identity = HardwareIdentity.Normalise(
            null,
            null,
            ["3C:52:82:AA:BB:CC"],
            null,
            new PlatformIdentityData
            {
                MachineId = "4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b",
                MachineGuid = "{3F2504E0-4F89-41D3-9A0C-0305E82C3301}",
                CloudProvider = "azure",
                CloudInstanceId = "8e6d1b2c-3a4f-4e5d-9c6b-7a8f9e0d1c2b",
                SystemDiskSerial = "S4EVNF0M123456",
            }
        );

        Assert.Equal(
            [
                "instance|azure|8e6d1b2c-3a4f-4e5d-9c6b-7a8f9e0d1c2b",
                "disk|S4EVNF0M123456",
                "machineguid|3f2504e0-4f89-41d3-9a0c-0305e82c3301",
                "machineid|4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b",
                "mac|3C5282AABBCC",
            ],
            identity.Keys.Select(k => k.Key)
        );
        Assert.True(identity.HasStrongIdentity);
        Assert.False(HardwareIdentity.Normalise(null, null, ["3C:52:82:AA:BB:CC"], null).HasStrongIdentity);
    }

    [Fact]
    public void The_stored_identity_of_an_asset_reads_back_what_enrollment_wrote()
    {
        var detail = new AssetDetailEntity
        {
            SerialNumber = "PF3ABC12",
            MachineId = "4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b",
            CloudInstance = "aws|i-0abc123def4567890",
            MacAddresses = "3C5282AABBCC",
        };

        var identity = HardwareIdentity.Of(detail);

        Assert.Equal("aws|i-0abc123def4567890", identity.CloudInstance);
        Assert.Equal(
            ["serial|PF3ABC12", "instance|aws|i-0abc123def4567890", "machineid|4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b"],
            identity.StrongKeys.Select(k => k.Key)
        );
    }
}
