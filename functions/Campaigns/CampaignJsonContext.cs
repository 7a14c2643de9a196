using System.Text.Json;
using System.Text.Json.Serialization;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Campaigns;

/// <summary>The campaigns' part of the JSON contract, with the options of <see cref="ApiJsonContext"/>.</summary>
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
[JsonSerializable(typeof(CreateCampaignRequest))]
[JsonSerializable(typeof(CampaignScanRequest))]
[JsonSerializable(typeof(CampaignView))]
[JsonSerializable(typeof(CampaignList))]
[JsonSerializable(typeof(CampaignAssetPage))]
[JsonSerializable(typeof(CampaignRecordView))]
public sealed partial class CampaignJsonContext : JsonSerializerContext;
