using System.Text.Json.Nodes;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>azd conventions: resource token names with the abbreviations, tags, parameters from the azd environment,
/// outputs.</summary>
[Collection(InfraCollection.Name)]
public sealed class ConventionsTests(InfraFixture infra)
{
    private static readonly JsonObject Abbreviations = JsonNode
        .Parse(File.ReadAllText(Repo.Infra("abbreviations.json")))!
        .AsObject();

    [Fact]
    public void Main_template_targets_the_subscription_and_creates_the_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", (string)infra.Template["$schema"]!);
        var rg = infra.Full.Single("Microsoft.Resources/resourceGroups");
        Assert.Equal($"{Abbreviations["resourcesResourceGroups"]}ci", (string)rg["name"]!);
        Assert.Equal(InfraFixture.Location, (string)rg["location"]!);
    }

    [Theory]
    [InlineData("Microsoft.Web/sites", "webSitesFunctions")]
    [InlineData("Microsoft.Web/serverfarms", "webServerFarms")]
    [InlineData("Microsoft.ManagedIdentity/userAssignedIdentities", "managedIdentityUserAssignedIdentities")]
    [InlineData("Microsoft.Storage/storageAccounts", "storageStorageAccounts")]
    [InlineData("Microsoft.Insights/components", "insightsComponents")]
    [InlineData("Microsoft.OperationalInsights/workspaces", "operationalInsightsWorkspaces")]
    [InlineData("Microsoft.KeyVault/vaults", "keyVaultVaults")]
    [InlineData("Microsoft.ServiceBus/namespaces", "serviceBusNamespaces")]
    public void Resource_names_are_the_abbreviation_and_the_resource_token(string type, string abbreviation)
    {
        var name = (string)infra.Full.Single(type)["name"]!;
        var prefix = (string)Abbreviations[abbreviation]!;
        Assert.StartsWith(prefix, name);
        // resourceToken = toLower(uniqueString(subscription().id, environmentName, location)): 13 lower-case
        // characters.
        Assert.Matches("[a-z0-9]{13}$", name);
        var token = name[^13..];
        Assert.All(
            new[] { "Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults", "Microsoft.Web/sites" },
            t => Assert.EndsWith(token, (string)infra.Full.Single(t)["name"]!)
        );
    }

    [Fact]
    public void Every_top_level_resource_is_tagged_with_the_azd_environment()
    {
        var topLevel = infra
            .Full.Resources.Concat(infra.Vnet.Resources)
            .Where(r => r["location"] is not null && ((string)r["type"]!).Count(c => c == '/') == 1)
            .ToList();
        Assert.True(topLevel.Count >= 10);
        foreach (var resource in topLevel)
        {
            Assert.True(
                resource.StringAt("tags.azd-env-name") is { Length: > 0 },
                $"{resource["type"]} {resource["name"]} has no azd-env-name tag"
            );
        }
        Assert.Equal("api", infra.Full.FunctionApp.StringAt("tags.azd-service-name"));
        // One resource per azd service (azure.yaml): the function app and the console's Static Web App.
        Assert.Equal(
            ["api", "console"],
            infra
                .Full.Resources.Select(r => r.StringAt("tags.azd-service-name"))
                .OfType<string>()
                .Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void Outputs_give_azd_and_the_hooks_what_they_need()
    {
        var outputs = infra.Template["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        foreach (
            var name in new[]
            {
                "AZURE_LOCATION",
                "AZURE_TENANT_ID",
                "AZURE_RESOURCE_GROUP",
                "AZURE_FUNCTION_APP_NAME",
                "SERVICE_API_NAME",
                "SERVICE_API_URI",
                "AZURE_KEY_VAULT_NAME",
                "AZURE_STORAGE_BLOB_ENDPOINT",
                "AZURE_STORAGE_QUEUE_ENDPOINT",
                "AZURE_STORAGE_TABLE_ENDPOINT",
                "AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE",
                "INVENTORY_EVENTS_TOPIC",
                "CHECKIN_QUEUE",
                "API_TENANT_ID",
            }
        )
        {
            Assert.Contains(name, outputs);
        }
        Assert.Equal(InfraFixture.Location, infra.Full.Outputs["AZURE_LOCATION"]!.ToString());
        Assert.Equal(InfraFixture.TenantId, infra.Full.Outputs["AZURE_TENANT_ID"]!.ToString());
        Assert.Equal(
            (string)infra.Full.FunctionApp["name"]!,
            infra.Full.Outputs["AZURE_FUNCTION_APP_NAME"]!.ToString()
        );
        // The postprovision hook needs every variable it requires.
        var hook = File.ReadAllText(Repo.Infra("hooks", "postprovision.sh"));
        var required = System
            .Text.RegularExpressions.Regex.Match(hook, @"for name in ([^;]+);")
            .Groups[1]
            .Value.Split([' ', '\\', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.Contains(name, outputs));
    }

    [Fact]
    public void Outputs_hold_no_secret()
    {
        foreach (var (name, output) in infra.Template["outputs"]!.AsObject())
        {
            Assert.DoesNotContain("secure", (string)output!["type"]!, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ConnectionString", output["value"]!.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("parameters('enrollmentSecret')", output["value"]!.ToString());
        }
    }

    [Fact]
    public void Parameters_file_maps_the_azd_environment_to_existing_parameters()
    {
        var file = JsonNode.Parse(File.ReadAllText(Repo.Infra("main.parameters.json")))!["parameters"]!.AsObject();
        var declared = infra.Template["parameters"]!.AsObject();
        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]!["value"]!.ToString());
        Assert.Equal("${AZURE_LOCATION}", file["location"]!["value"]!.ToString());
        Assert.Equal("${AZURE_PRINCIPAL_ID}", file["principalId"]!["value"]!.ToString());
        Assert.Equal("${ENROLLMENT_SECRET}", file["enrollmentSecret"]!["value"]!.ToString());
        foreach (var (name, _) in file)
            Assert.True(declared.ContainsKey(name), $"main.parameters.json sets unknown parameter {name}");
        // Every parameter without a default gets a value from the azd environment.
        foreach (var (name, parameter) in declared.Where(p => p.Value!["defaultValue"] is null))
        {
            Assert.True(file.ContainsKey(name), $"required parameter {name} is not in main.parameters.json");
        }
        // The location parameter is an azd location picker.
        Assert.Equal("location", declared["location"]!["metadata"]!["azd"]!["type"]!.ToString());
    }
}
