using System.Collections.Frozen;
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

    /// <summary>The earliest instant Azure Table Storage holds in a DateTime property (1601-01-01T00:00:00Z); the
    /// latest, 9999-12-31, is the end of .NET's range, so any parsed value is below it.</summary>
    public static readonly DateTimeOffset EarliestStorableDateTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An RFC 3339 date-time without an offset (local time of an agent that does not say its zone).</summary>
    [GeneratedRegex(
        @"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,7})?\z",
        RegexOptions.CultureInvariant
    )]
    private static partial Regex DateTimeWithoutOffset();

    /// <summary>
    /// Reads a date-time of the contract leniently: the strict RFC 3339 form is <see cref="ContractDateTime.Valid"/>;
    /// the same without an offset is read as UTC (<see cref="ContractDateTime.WithoutOffset"/>); a date before what
    /// Azure Table Storage holds is <see cref="ContractDateTime.OutOfRange"/>; anything else is
    /// <see cref="ContractDateTime.Invalid"/>. Only the first two give a value.
    /// </summary>
    public static ContractDateTime ClassifyDateTime(string text, out DateTimeOffset value)
    {
        ContractDateTime kind;
        if (TryParseDateTime(text, out value))
            kind = ContractDateTime.Valid;
        else if (
            DateTimeWithoutOffset().IsMatch(text)
            && DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out value
            )
        )
            kind = ContractDateTime.WithoutOffset;
        else
        {
            value = default;
            return ContractDateTime.Invalid;
        }
        if (value < EarliestStorableDateTime)
        {
            value = default;
            return ContractDateTime.OutOfRange;
        }
        return kind;
    }

    /// <summary>What a warning says about a date-time that is not <see cref="ContractDateTime.Valid"/>.</summary>
    public static string Describe(ContractDateTime kind) =>
        kind switch
        {
            ContractDateTime.WithoutOffset => "No UTC offset: read as UTC.",
            ContractDateTime.OutOfRange =>
                "Before 1601-01-01T00:00:00Z (no real date; storage cannot hold it): dropped.",
            _ => "Not an RFC 3339 date-time (e.g. 2026-11-02T09:00:00Z): dropped.",
        };

    /// <summary>True when the text holds a character the contract removes from text: a control character (Unicode
    /// Cc), a format character (Cf: bidi controls such as U+202E, zero-width characters, U+FEFF) or a line or
    /// paragraph separator (U+2028, U+2029).</summary>
    public static bool NeedsCleaning(string value)
    {
        foreach (var c in value)
        {
            if (IsRemoved(c))
                return true;
        }
        return false;
    }

    /// <summary>The text without the characters <see cref="NeedsCleaning"/> looks for.</summary>
    public static string Clean(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!IsRemoved(c))
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsRemoved(char c) =>
        c < 0x20
        || (c >= 0x7F && c <= 0x9F)
        || (
            c >= 0xAD
            && CharUnicodeInfo.GetUnicodeCategory(c)
                is UnicodeCategory.Format
                    or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator
        );

    /// <summary>Values agents write where they have nothing to say (firmware defaults, "not applicable"). In optional
    /// descriptive text they mean "not reported".</summary>
    public static bool IsPlaceholder(string value)
    {
        // Looked up as a span in a frozen set: no trimmed copy, and this runs for three fields of every package.
        var trimmed = value.AsSpan().Trim().TrimEnd('.');
        return trimmed.Length <= 32 && PlaceholderLookup.Contains(trimmed);
    }

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> PlaceholderLookup = FrozenSet
        .ToFrozenSet(
            [
                "N/A",
                "NA",
                "n.a",
                "n/a.",
                "Unknown",
                "<unknown>",
                "Not Available",
                "Not Applicable",
                "Not Specified",
                "None",
                "null",
                "undefined",
                "To be filled by O.E.M",
                "To Be Filled By O.E.M",
                "Default string",
                "System manufacturer",
                "System Product Name",
                "System Version",
                "OEM",
                "O.E.M",
                "-",
                "--",
                "?",
            ],
            StringComparer.OrdinalIgnoreCase
        )
        .GetAlternateLookup<ReadOnlySpan<char>>();

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

/// <summary>How a contract date-time was read (see <see cref="ContractFormats.ClassifyDateTime"/>).</summary>
public enum ContractDateTime
{
    Valid,
    WithoutOffset,
    OutOfRange,
    Invalid,
}

/// <summary>
/// Reads the check-in contract's optional date-times leniently (RFC 3339; without offset as UTC; unreadable or
/// before 1601 as not reported) and counts, per thread, the values that were not strictly valid: the reader then
/// walks the document once to report each with its path (<see cref="JsonBody.DateTimeWarnings"/>). Deserialising
/// is synchronous, so the per-thread count belongs to the one document being read.
/// </summary>
public sealed class LenientDateTimeConverter : JsonConverter<DateTimeOffset?>
{
    [ThreadStatic]
    private static int flagged;

    /// <summary>Values read leniently on this thread since the last <see cref="ResetFlagged"/>.</summary>
    public static int Flagged => flagged;

    public static void ResetFlagged() => flagged = 0;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("A date-time must be a string, e.g. 2026-11-02T09:00:00Z.");
        var kind = ContractFormats.ClassifyDateTime(reader.GetString()!, out var value);
        if (kind == ContractDateTime.Valid)
            return value;
        flagged++;
        return kind == ContractDateTime.WithoutOffset ? value : null;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
            writer.WriteStringValue(v.ToString("O", CultureInfo.InvariantCulture));
        else
            writer.WriteNullValue();
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
