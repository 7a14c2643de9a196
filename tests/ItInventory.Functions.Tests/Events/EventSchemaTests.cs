using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Tests.Infrastructure;
using Json.Schema;

namespace ItInventory.Functions.Tests.Events;

/// <summary>
/// The event data the app publishes against the JSON Schema documented for its type in docs/events/: sample data of
/// every type, serialised exactly as the outbox stages it (the app's source-generated contract), must be valid — with
/// every optional field set and with none.
/// </summary>
public sealed class EventSchemaTests
{
    private static readonly EvaluationOptions Options = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 30, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (type, json) in AllSamples())
            data.Add(type, json);
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_event_data_is_valid_against_the_schema_of_its_type(string type, string json)
    {
        var errors = Evaluate(type, json);
        Assert.True(errors is null, $"{type}: {json}\n{errors}");
    }

    [Fact]
    public void Every_event_type_has_a_schema_and_samples_and_every_schema_names_a_type()
    {
        var files = Directory
            .EnumerateFiles(RepositoryRoot.Combine("docs", "events"), "*.schema.json")
            .Select(f => Path.GetFileName(f)[..^".schema.json".Length])
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(EventTypes.All.Order(StringComparer.Ordinal), files);
        var sampled = AllSamples().Select(s => s.Type).ToHashSet(StringComparer.Ordinal);
        Assert.All(EventTypes.All, type => Assert.Contains(type, sampled));
    }

    [Theory]
    [InlineData(EventTypes.AssetChanged, """{"action":"update","changes":[]}""")]
    [InlineData(EventTypes.DeviceOffline, """{"assetId":"a","lastSeen":"yesterday"}""")]
    [InlineData(EventTypes.KpiSnapshot, """{"day":"2026-12-01","source":"timer","live":true}""")]
    [InlineData(EventTypes.KpiSnapshot, OutOfRangeRate)]
    public void Data_that_breaks_the_schema_is_reported(string type, string json) =>
        Assert.NotNull(Evaluate(type, json));

    private const string OutOfRangeRate = """
        {"day":"2026-12-01","computedAt":"2026-12-02T00:00:00Z","source":"timer","live":true,
        "discoveryCount":0,"decommissionCount":0,"utilisationRate":1.5}
        """;

    /// <summary>Null when valid, else the errors.</summary>
    public static string? Evaluate(string type, string json)
    {
        var schema = JsonSchema.FromText(
            File.ReadAllText(RepositoryRoot.Combine("docs", "events", type + ".schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() }
        );
        using var document = JsonDocument.Parse(json);
        var results = schema.Evaluate(document.RootElement, Options);
        if (results.IsValid)
            return null;
        return string.Join(
            "\n",
            new[] { results }
                .Concat(results.Details ?? [])
                .Where(r => !r.IsValid && r.Errors is not null)
                .SelectMany(r => r.Errors!.Select(e => $"{r.InstanceLocation} {e.Key}: {e.Value}"))
        );
    }

    private static IEnumerable<(string Type, string Json)> AllSamples()
    {
        FieldChange[] changes =
        [
            new(nameof(AssetDetailEntity.Criticality), "Low", "High"),
            new(nameof(AssetDetailEntity.Owner), null, "20000000-0000-4000-8000-000000000001"),
            new("Software.Uninstalled", "1: Old", null),
        ];
        foreach (var type in new[] { EventTypes.AssetDiscovered, EventTypes.AssetChanged, EventTypes.AssetDisposed })
        {
            yield return Sample(
                type,
                new AssetEventData("a1", "update", changes, "Deployed", "Finance"),
                A.AssetEventData
            );
            yield return Sample(type, new AssetEventData("a1", "inventory", [], null, null), A.AssetEventData);
        }
        yield return Sample(
            EventTypes.AssetStateChanged,
            new AssetStateChangedData("a1", "Deployed", "Retired", "transition", "Finance"),
            A.AssetStateChangedData
        );
        yield return Sample(
            EventTypes.AssetStateChanged,
            new AssetStateChangedData("a1", "Retired", "Disposed", "dispose", null),
            A.AssetStateChangedData
        );
        foreach (var type in new[] { EventTypes.DeviceOffline, EventTypes.DeviceOnline })
        {
            yield return Sample(type, new DeviceStatusData("a1", At, "Finance"), A.DeviceStatusData);
            yield return Sample(type, new DeviceStatusData("a1", null, null), A.DeviceStatusData);
        }
        foreach (var type in new[] { EventTypes.FindingOpened, EventTypes.FindingResolved })
        {
            yield return Sample(
                type,
                new FindingEventData("f1", "offline", "a1", "Finance", "Open", "run-1"),
                A.FindingEventData
            );
            yield return Sample(
                type,
                new FindingEventData("f1", "offline", "a1", null, "AutoResolved", null),
                A.FindingEventData
            );
        }
        yield return Sample(
            EventTypes.LicenceComplianceChanged,
            new LicenceComplianceData("p1", "Office", "PerUser", "UnderLicensed", "Compliant", 12, 10, 2),
            A.LicenceComplianceData
        );
        yield return Sample(
            EventTypes.LicenceComplianceChanged,
            new LicenceComplianceData("p1", "Office", "PerDevice", "Compliant", null, 0, null, 0),
            A.LicenceComplianceData
        );
        yield return Sample(
            EventTypes.KpiSnapshot,
            new KpiSnapshot(
                "2026-12-01",
                "Finance",
                At,
                KpiSnapshotService.TimerSource,
                true,
                0.9512,
                "c-20261115-0a1b2c3d",
                120,
                0.875,
                40,
                35,
                0.8,
                50,
                40,
                36.5,
                71.25,
                8,
                0.97,
                300,
                291,
                12.5,
                30,
                4,
                180,
                new Dictionary<string, int> { ["Device"] = 120, ["Peripheral"] = 60 },
                new Dictionary<string, int> { ["Deployed"] = 150, ["InStock"] = 30 },
                3,
                7,
                11,
                new Dictionary<string, int>
                {
                    ["offline"] = 3,
                    ["idle"] = 7,
                    ["duplicate"] = 1,
                }
            ),
            A.KpiSnapshot
        );
        yield return Sample(
            EventTypes.KpiSnapshot,
            new KpiSnapshot(
                "2026-11-30",
                null,
                At,
                KpiSnapshotService.BackfillSource,
                false,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null
            ),
            A.KpiSnapshot
        );
    }

    private static ApiJsonContext A => ApiJsonContext.Default;

    /// <summary>The data as the outbox stages it (<see cref="OutboxEntry.Publish{T}"/>).</summary>
    private static (string, string) Sample<T>(
        string type,
        T data,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo
    ) => (type, JsonSerializer.SerializeToElement(data, typeInfo).GetRawText());
}
