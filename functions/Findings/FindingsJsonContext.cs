using System.Text.Json;
using System.Text.Json.Serialization;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Findings;

/// <summary>Source-generated JSON of the findings feature: its API contract (same options as
/// <see cref="ApiJsonContext"/>) and the JSON columns of its rows (history, facts).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    PropertyNameCaseInsensitive = false,
    MaxDepth = 16,
    Converters = [
        typeof(Rfc3339DateTimeOffsetConverter),
        typeof(JsonSchemaInt32Converter),
        typeof(JsonSchemaInt64Converter),
    ]
)]
[JsonSerializable(typeof(List<FindingHistoryEntry>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(FindingView))]
[JsonSerializable(typeof(FindingPage))]
[JsonSerializable(typeof(AssignFindingRequest))]
[JsonSerializable(typeof(SnoozeFindingRequest))]
[JsonSerializable(typeof(ResolveFindingRequest))]
[JsonSerializable(typeof(FindingSummary))]
[JsonSerializable(typeof(ScanRunPage))]
public sealed partial class FindingsJsonContext : JsonSerializerContext;
