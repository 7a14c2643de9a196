using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ItInventory.Functions.Common;

/// <summary>
/// The string formats of the contract, exactly as docs/schemas states them (the schema and these patterns are kept
/// equal by the contract tests): strict, so that what the app accepts is what the schema documents.
/// </summary>
public static partial class ContractFormats
{
    /// <summary>1 or 1.x (up to four digits).</summary>
    [GeneratedRegex(@"^1(\.[0-9]{1,4})?\z", RegexOptions.CultureInvariant)]
    public static partial Regex SchemaVersion();

    /// <summary>aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff.</summary>
    [GeneratedRegex(
        @"^(?:(?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}|(?:[0-9A-Fa-f]{2}-){5}[0-9A-Fa-f]{2}"
            + @"|(?:[0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}|[0-9A-Fa-f]{12})\z",
        RegexOptions.CultureInvariant
    )]
    public static partial Regex MacAddress();

    /// <summary>Dotted-quad IPv4 without leading zeros.</summary>
    [GeneratedRegex(
        @"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\z",
        RegexOptions.CultureInvariant
    )]
    private static partial Regex Ipv4();

    /// <summary>The characters of an IPv6 address (no zone index, no brackets); the parser checks the rest.</summary>
    [GeneratedRegex(@"^(?=.*:)[0-9A-Fa-f:.]{2,45}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv6Characters();

    /// <summary>RFC 3339 date-time with seconds and an explicit offset.</summary>
    [GeneratedRegex(
        @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,16})?"
            + @"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))\z",
        RegexOptions.CultureInvariant
    )]
    public static partial Regex DateTime();

    public static bool IsMacAddress(string value) => MacAddress().IsMatch(value);

    /// <summary>Parses an RFC 3339 date-time with seconds and an offset (the contract's only date-time form).</summary>
    public static bool TryParseDateTime(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && DateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    public static bool IsIpAddress(string value) =>
        Ipv4().IsMatch(value)
        || (
            Ipv6Characters().IsMatch(value)
            && IPAddress.TryParse(value, out var ip)
            && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        );

    /// <summary>The contract's rule for short free text: at most 256 characters and no control characters.</summary>
    public static bool IsShortText(string? value) =>
        value is null
        || (
            (value.Length <= CheckinLimits.MaxShortString || Characters(value) <= CheckinLimits.MaxShortString)
            && !HasControlCharacter(value)
        );

    /// <summary>As <c>value.Any(char.IsControl)</c>, without a boxed enumerator and a delegate call per character
    /// (this runs for every string of every software entry, twice per full inventory).</summary>
    public static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
                return true;
        }
        return false;
    }

    /// <summary>Length in characters (Unicode code points), as JSON Schema's maxLength counts.</summary>
    public static int Characters(string value)
    {
        var surrogates = 0;
        foreach (var c in value)
        {
            if (char.IsLowSurrogate(c))
                surrogates++;
        }
        return value.Length - surrogates;
    }
}

/// <summary>Reads date-times only in the contract's RFC 3339 form (seconds and offset required); writes ISO 8601
/// round-trip.</summary>
public sealed class Rfc3339DateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (
            !ContractFormats.TryParseDateTime(
                reader.TokenType == JsonTokenType.String ? reader.GetString() : null,
                out var value
            )
        )
        {
            throw new JsonException(
                "A date-time must be RFC 3339 with seconds and an offset, e.g. 2026-11-02T09:00:00Z."
            );
        }
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("O", CultureInfo.InvariantCulture));
}

/// <summary>Reads JSON integers as JSON Schema counts them: 30, 30.0 and 3e1 are the same integer.</summary>
public sealed class JsonSchemaInt32Converter : JsonConverter<int>
{
    public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (int)JsonSchemaIntegers.Read(ref reader, int.MinValue, int.MaxValue);

    public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

/// <inheritdoc cref="JsonSchemaInt32Converter"/>
public sealed class JsonSchemaInt64Converter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSchemaIntegers.Read(ref reader, long.MinValue, long.MaxValue);

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value);
}

internal static class JsonSchemaIntegers
{
    public static long Read(ref Utf8JsonReader reader, long min, long max)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException("An integer is expected.");
        }
        if (reader.TryGetInt64(out var exact))
        {
            return exact >= min && exact <= max
                ? exact
                : throw new JsonException($"The integer is outside {min}..{max}.");
        }
        // 30.0 or 1e3: an integer in JSON Schema's eyes when it has no fractional part and fits exactly.
        if (
            reader.TryGetDecimal(out var number)
            && decimal.Truncate(number) == number
            && number >= min
            && number <= max
        )
        {
            return (long)number;
        }
        throw new JsonException($"An integer between {min} and {max} is expected.");
    }
}
