using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Infrastructure.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace ItInventory.Infrastructure.Tests;

/// <summary>
/// What the app uses is what Bicep provisions: storage names from <see cref="InventoryStorageOptions"/>, queues and
/// connections from the worker SDK's functions.metadata, settings from every options class the app binds.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class InfraCodeConsistencyTests(InfraFixture infra)
{
    private static readonly InventoryStorageOptions Defaults = new();

    private IReadOnlyList<string> Tables =>
        infra.Full.ChildNames("Microsoft.Storage/storageAccounts/tableServices/tables");
    private IReadOnlyList<string> Queues =>
        infra.Full.ChildNames("Microsoft.Storage/storageAccounts/queueServices/queues");
    private IReadOnlyList<string> Containers =>
        infra.Full.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers");

    [Fact]
    public void Every_table_the_app_uses_is_provisioned()
    {
        // Every *Table property of the options is among the tables the app creates and uses.
        var tableProperties = StringProperties(Defaults)
            .Where(p => p.Name.EndsWith("Table", StringComparison.Ordinal))
            .Select(p => p.Value)
            .ToList();
        Assert.NotEmpty(tableProperties);
        Assert.Equal(tableProperties.Order(), Defaults.Tables.Order());
        foreach (var table in Defaults.Tables)
            Assert.Contains(table, Tables);
    }

    [Fact]
    public void Every_container_the_app_uses_is_provisioned()
    {
        var containers = StringProperties(Defaults)
            .Where(p => p.Name.EndsWith("Container", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(containers);
        foreach (var (_, name) in containers)
            Assert.Contains(name, Containers);
    }

    [Fact]
    public void Checkin_queue_and_its_poison_queue_are_provisioned()
    {
        Assert.Contains(Defaults.CheckinQueue, Queues);
        Assert.Contains(Defaults.CheckinPoisonQueue, Queues);
        Assert.Equal(Defaults.CheckinQueue, infra.Full.AppSettings[AppSettingNames.CheckinQueue]);
    }

    [Fact]
    public void Queue_triggers_in_functions_metadata_resolve_to_provisioned_queues_through_app_settings()
    {
        var storageBindings = StorageBindings().ToList();
        Assert.Contains(storageBindings, b => b.Type == "queueTrigger");
        foreach (var binding in storageBindings.Where(b => b.Type is "queueTrigger" or "queue"))
        {
            var queue = Resolve(binding.Function, (string)binding.Json["queueName"]!);
            Assert.Contains(queue, Queues);
            // The host moves messages that keep failing to <queue>-poison.
            if (binding.Type == "queueTrigger")
                Assert.Contains($"{queue}-poison", Queues);
        }
        foreach (var binding in storageBindings.Where(b => b.Type is "blobTrigger" or "blob"))
        {
            Assert.Contains(Resolve(binding.Function, (string)binding.Json["path"]!).Split('/')[0], Containers);
        }
        foreach (var binding in storageBindings.Where(b => b.Type == "table"))
        {
            Assert.Contains(Resolve(binding.Function, (string)binding.Json["tableName"]!), Tables);
        }
    }

    [Fact]
    public void Timer_schedules_from_app_settings_are_set_in_azure_and_locally_as_six_field_ncrontab()
    {
        var functions = JsonNode.Parse(File.ReadAllText(Repo.FunctionsMetadata))!.AsArray();
        var schedules = functions
            .SelectMany(f => f!["bindings"]!.AsArray().Select(b => (Function: (string)f["name"]!, Binding: b!)))
            .Where(b => (string)b.Binding["type"]! == "timerTrigger")
            .Select(b => (b.Function, Schedule: (string)b.Binding["schedule"]!))
            .ToList();
        Assert.Contains(schedules, s => s.Function == "ArchiveAuditTrail");
        var local = JsonNode.Parse(File.ReadAllText(Repo.Path("functions", "local.settings.example.json")))![
            "Values"
        ]!.AsObject();
        foreach (var (function, schedule) in schedules)
        {
            foreach (Match setting in AppSettingReference().Matches(schedule))
            {
                var name = setting.Groups[1].Value;
                var value = Resolve(function, schedule);
                Assert.Equal(6, value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
                Assert.True(
                    local.ContainsKey(name),
                    $"{function}: %{name}% is not in functions/local.settings.example.json"
                );
            }
        }
    }

    [Fact]
    public void Every_setting_a_trigger_resolves_is_named_in_one_class_and_set_in_azure_and_locally()
    {
        var named = typeof(AppSettingNames)
            .GetFields()
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        var metadata = File.ReadAllText(Repo.FunctionsMetadata);
        var resolved = AppSettingReference().Matches(metadata).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(resolved);
        Assert.All(resolved, name => Assert.Contains(name, named));

        var local = JsonNode.Parse(File.ReadAllText(Repo.Path("functions", "local.settings.example.json")))![
            "Values"
        ]!.AsObject();
        foreach (var name in named.Where(n => n != AppSettingNames.StorageConnection))
        {
            Assert.True(infra.Full.AppSettings.ContainsKey(name), $"{name} is not an app setting in infra");
            Assert.True(local.ContainsKey(name), $"{name} is not in functions/local.settings.example.json");
        }
    }

    [Fact]
    public void Every_binding_connection_is_identity_based_and_names_its_service()
    {
        var settings = infra.Full.AppSettings;
        foreach (var binding in StorageBindings())
        {
            var connection = (string?)binding.Json["connection"] is { Length: > 0 } c
                ? c
                : AppSettingNames.StorageConnection;
            Assert.False(
                settings.ContainsKey(connection),
                $"{binding.Function}: {connection} must not be a connection string"
            );
            Assert.Equal("managedidentity", settings[$"{connection}__credential"]);
            Assert.True(settings.ContainsKey($"{connection}__clientId"), $"{connection}__clientId missing");
            var service =
                binding.Type.StartsWith("queue", StringComparison.Ordinal) ? "queue"
                : binding.Type.StartsWith("blob", StringComparison.Ordinal) ? "blob"
                : "table";
            Assert.True(
                settings.ContainsKey($"{connection}__{service}ServiceUri"),
                $"{connection}__{service}ServiceUri missing for {binding.Function}"
            );
        }
    }

    [Fact]
    public void Storage_app_settings_name_the_provisioned_resources_and_match_the_app_defaults()
    {
        var settings = infra.Full.AppSettings;
        foreach (var (property, defaultValue) in StringProperties(Defaults))
        {
            var key = $"{InventoryStorageOptions.SectionName}__{property}";
            Assert.True(settings.TryGetValue(key, out var value), $"{key} is not set");
            Assert.Equal(defaultValue, value);
            var provisioned =
                property.EndsWith("Table", StringComparison.Ordinal) ? Tables
                : property.EndsWith("Container", StringComparison.Ordinal) ? Containers
                : property.EndsWith("Queue", StringComparison.Ordinal) ? Queues
                : throw new InvalidOperationException($"{property}: which kind of storage resource is it?");
            Assert.Contains(value, provisioned);
        }
        // Bicep provisions everything: the app must not need to create anything at start.
        Assert.Equal(
            "false",
            settings[$"{InventoryStorageOptions.SectionName}__{nameof(InventoryStorageOptions.CreateIfNotExists)}"]
        );
    }

    [Fact]
    public void Every_storage_resource_the_app_uses_is_covered_by_a_role_of_the_app_identity()
    {
        var roles = RoleAssignmentTests
            .AppAssignments(infra.Full)
            .Select(a => (Scope: RoleAssignmentTests.ScopeOf(a), Role: RoleAssignmentTests.RoleIdOf(a)))
            .ToList();
        void Covered(string type, string name, params string[] acceptableRoles)
        {
            var resource = infra
                .Full.OfType(type)
                .Single(r => ((string)r["name"]!).EndsWith("/" + name, StringComparison.Ordinal));
            var id = (string)resource["id"]!;
            Assert.True(
                roles.Any(r =>
                    acceptableRoles.Contains(r.Role)
                    && (
                        id.Equals(r.Scope, StringComparison.OrdinalIgnoreCase)
                        || id.StartsWith(r.Scope + "/", StringComparison.OrdinalIgnoreCase)
                    )
                ),
                $"{type} {name} is not covered by any of the roles {string.Join(", ", acceptableRoles)}"
            );
        }
        foreach (var table in Defaults.Tables)
            Covered(
                "Microsoft.Storage/storageAccounts/tableServices/tables",
                table,
                RoleAssignmentTests.StorageTableDataContributor
            );
        foreach (var queue in new[] { Defaults.CheckinQueue, Defaults.CheckinPoisonQueue })
            Covered(
                "Microsoft.Storage/storageAccounts/queueServices/queues",
                queue,
                RoleAssignmentTests.StorageQueueDataContributor
            );
        foreach (var container in Containers)
            Covered(
                "Microsoft.Storage/storageAccounts/blobServices/containers",
                container,
                RoleAssignmentTests.StorageBlobDataOwner
            );
        Covered("Microsoft.ServiceBus/namespaces/topics", "inventory-events", RoleAssignmentTests.ServiceBusDataSender);
    }

    private static readonly HashSet<string> NeverSetInAzure = ["ManagementSecurity:DevelopmentAuthority"];

    /// <summary>Options whose absence is itself the safe value (an empty allow-list).</summary>
    private static readonly HashSet<string> EmptyWhenUnset = ["Reconciliation:VolumeLicenceKeyHashes"];

    [Fact]
    public void Every_option_the_app_binds_is_set_or_has_a_safe_default()
    {
        var optionTypes = OptionTypes().ToList();
        // The options classes the app has today; a new one is picked up automatically.
        Assert.Superset(
            new HashSet<string> { "Storage", "CheckIns", "Enrollment" },
            optionTypes.Select(t => t.Section).ToHashSet()
        );

        var configuration = AppConfiguration(infra.Full);
        foreach (var (type, section) in optionTypes)
        {
            var fresh = Activator.CreateInstance(type)!;
            var bound = Activator.CreateInstance(type)!;
            configuration.GetSection(section).Bind(bound);

            var results = new List<ValidationResult>();
            Assert.True(
                Validator.TryValidateObject(bound, new ValidationContext(bound), results, validateAllProperties: true),
                $"{section}: {string.Join("; ", results.Select(r => r.ErrorMessage))}"
            );

            foreach (
                var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            )
            {
                // Options that must never be set in Azure (the development identity provider) stay unset.
                if (NeverSetInAzure.Contains($"{section}:{property.Name}"))
                {
                    Assert.True(
                        configuration[$"{section}:{property.Name}"] is null or "",
                        $"{section}__{property.Name} must never be set in Azure"
                    );
                    continue;
                }
                // A property without a usable default must come from an app setting.
                if (property.GetValue(fresh) is null or "" && !EmptyWhenUnset.Contains($"{section}:{property.Name}"))
                {
                    Assert.True(
                        configuration[$"{section}:{property.Name}"] is { Length: > 0 },
                        $"{section}__{property.Name} is not set and has no default"
                    );
                }
            }
        }
    }

    [Fact]
    public void App_settings_of_an_options_section_name_real_properties()
    {
        var sections = OptionTypes().ToDictionary(t => t.Section, t => t.Type);
        foreach (var key in infra.Full.AppSettings.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)))
        {
            var parts = key.Split("__");
            if (!sections.TryGetValue(parts[0], out var type))
                continue; // host, connection or not-yet-bound sections
            Assert.True(
                type.GetProperty(parts[1]) is { CanWrite: true },
                $"{key}: {type.Name} has no property {parts[1]} (typo?)"
            );
        }
    }

    [Fact]
    public void Settings_the_app_reads_directly_are_set()
    {
        var settings = infra.Full.AppSettings;
        var connection = AppSettingNames.StorageConnection;
        // StorageServiceCollectionExtensions: identity-based clients from these (clientId picks the managed identity).
        foreach (var key in new[] { "tableServiceUri", "blobServiceUri", "queueServiceUri", "clientId" })
        {
            Assert.True(settings.ContainsKey($"{connection}__{key}"), $"{connection}__{key} is not set");
        }
        Assert.True(settings.ContainsKey(AppSettingNames.CheckinQueue));
        // The queue client's name and the trigger's name must be the same queue.
        Assert.Equal(settings[AppSettingNames.CheckinQueue], settings["Storage__CheckinQueue"]);
    }

    // ---- helpers ----

    private sealed record Binding(string Function, string Type, JsonObject Json);

    private static IEnumerable<Binding> StorageBindings()
    {
        Assert.True(
            File.Exists(Repo.FunctionsMetadata),
            $"{Repo.FunctionsMetadata} is missing: build the functions project."
        );
        var functions = JsonNode.Parse(File.ReadAllText(Repo.FunctionsMetadata))!.AsArray();
        Assert.NotEmpty(functions);
        foreach (var function in functions)
        {
            foreach (var binding in function!["bindings"]!.AsArray())
            {
                var type = (string)binding!["type"]!;
                if (type is "queueTrigger" or "queue" or "blobTrigger" or "blob" or "table")
                {
                    yield return new Binding((string)function["name"]!, type, binding.AsObject());
                }
            }
        }
    }

    /// <summary>Binding expressions: %SETTING% is replaced by the app setting's value, as the host does.</summary>
    private string Resolve(string function, string expression) =>
        AppSettingReference()
            .Replace(expression, m =>
                infra.Full.AppSettings.TryGetValue(m.Groups[1].Value, out var value)
                    ? value
                    : throw new Xunit.Sdk.XunitException($"{function}: %{m.Groups[1].Value}% is not an app setting")
            );

    private static IEnumerable<(Type Type, string Section)> OptionTypes() =>
        typeof(InventoryStorageOptions)
            .Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(t => t.Field is { IsLiteral: true } && t.Type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (t.Type, (string)t.Field!.GetRawConstantValue()!));

    /// <summary>The app settings as configuration (__ means :). ARM expressions are values only Azure knows; they
    /// stand in as a placeholder long enough for any length rule (Key Vault references resolve to a 16+ char
    /// secret).</summary>
    private static IConfiguration AppConfiguration(Snapshot snapshot) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                snapshot.AppSettings.Select(s => new KeyValuePair<string, string?>(
                    s.Key.Replace("__", ":", StringComparison.Ordinal),
                    s.Value.StartsWith('[') ? "value-known-only-in-azure-0123456789" : s.Value
                ))
            )
            .Build();

    private static IEnumerable<(string Name, string Value)> StringProperties(object options) =>
        options
            .GetType()
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.PropertyType == typeof(string))
            .Select(p => (p.Name, (string)p.GetValue(options)!));

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex AppSettingReference();
}
