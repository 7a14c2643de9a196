using System.Text.Json.Serialization;
using ItInventory.Agent.Credentials;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;

namespace ItInventory.Agent.Running;

/// <summary>
/// Every type the agent reads or writes, source-generated (the agent is trimmed: no reflection). Wire format as the
/// server's ApiJsonContext: camelCase, nulls left out, RFC 3339 dates.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false
)]
[JsonSerializable(typeof(CheckinRequest))]
[JsonSerializable(typeof(CheckinResponse))]
[JsonSerializable(typeof(EnrollmentRequest))]
[JsonSerializable(typeof(EnrollmentResponse))]
[JsonSerializable(typeof(InventoryData))]
[JsonSerializable(typeof(DeviceCredential))]
[JsonSerializable(typeof(AgentState))]
[JsonSerializable(typeof(ProblemDetailsLite))]
public sealed partial class AgentJsonContext : JsonSerializerContext;

/// <summary>The fields of an RFC 7807 answer the agent logs.</summary>
public sealed record ProblemDetailsLite
{
    public string? Title { get; init; }
    public string? Detail { get; init; }
    public int? Status { get; init; }
}
