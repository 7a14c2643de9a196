using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Tests.Assets;

public sealed class HardwareIdentityTests
{
    [Theory]
    [InlineData("pf3-abc12", "PF3ABC12")]
    [InlineData("  PF3 ABC12 ", "PF3ABC12")]
    [InlineData("To Be Filled By O.E.M.", null)]
    [InlineData("System Serial Number", null)]
    [InlineData("0000000000", null)]
    [InlineData("Default string", null)]
    [InlineData("", null)]
    public void Serials_are_normalised_and_placeholders_dropped(string input, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseSerial(input));

    [Theory]
    [InlineData("4C4C4544-0042-3510-8052-B4C04F4E3732", "4c4c4544-0042-3510-8052-b4c04f4e3732")]
    [InlineData("{4c4c4544-0042-3510-8052-b4c04f4e3732}", "4c4c4544-0042-3510-8052-b4c04f4e3732")]
    [InlineData("00000000-0000-0000-0000-000000000000", null)]
    [InlineData("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", null)]
    [InlineData("03000200-0400-0500-0006-000700080009", null)]
    [InlineData("not-a-uuid", null)]
    public void Uuids_are_normalised_and_dummies_dropped(string input, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseUuid(input));

    [Theory]
    [InlineData("3c:52:82:aa:bb:cc", "3C5282AABBCC")]
    [InlineData("3C-52-82-AA-BB-CC", "3C5282AABBCC")]
    [InlineData("3c52.82aa.bbcc", "3C5282AABBCC")]
    [InlineData("3C:52:82:AA:BB", null)]
    [InlineData("3C:52:82:AA:BB:CC:DD", null)]
    [InlineData("zz:52:82:aa:bb:cc", null)]
    public void Macs_are_normalised(string input, string? expected) =>
        Assert.Equal(expected, HardwareIdentity.NormaliseMac(input));

    [Fact]
    public void Only_globally_unique_unicast_macs_identify_a_machine()
    {
        var identity = HardwareIdentity.Normalise(
            null,
            null,
            [
                "3C:52:82:AA:BB:CC",
                "FF:FF:FF:FF:FF:FF",
                "01:00:5E:00:00:FB",
                "02:42:AC:11:00:02",
                "00:00:00:00:00:00",
                "3c-52-82-aa-bb-cc",
            ],
            "WS-01 "
        );

        Assert.Equal(["3C5282AABBCC"], identity.MacAddresses);
        Assert.Equal("ws-01", identity.Hostname);
        Assert.Equal(["mac|3C5282AABBCC"], identity.Keys.Select(k => k.Key));
    }

    [Fact]
    public void Keys_come_most_trusted_first()
    {
        var identity = HardwareIdentity.Normalise(
            "ABC12345",
            "4c4c4544-0042-3510-8052-b4c04f4e3732",
            ["3C:52:82:AA:BB:CC"],
            null
        );

        Assert.Equal(
            ["uuid|4c4c4544-0042-3510-8052-b4c04f4e3732", "serial|ABC12345", "mac|3C5282AABBCC"],
            identity.Keys.Select(k => k.Key)
        );
    }
}
