using System.Text.RegularExpressions;
using ItInventory.Infrastructure.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ItInventory.Infrastructure.Tests;

/// <summary>azure.yaml validates against what azd requires (schema v1.0) and points at things that exist.</summary>
[Collection(InfraCollection.Name)]
public sealed partial class AzureYamlTests(InfraFixture infra)
{
    private static readonly string Text = File.ReadAllText(Repo.Path("azure.yaml"));
    private static readonly YamlMappingNode Root = Load();

    [Fact]
    public void Starts_with_the_schema_comment()
    {
        Assert.Equal(
            "# yaml-language-server: "
                + "$schema=https://raw.githubusercontent.com/Azure/azure-dev/main/schemas/v1.0/azure.yaml.json",
            Text.Split('\n')[0].TrimEnd('\r')
        );
    }

    [Fact]
    public void Name_is_present_and_lower_case_kebab()
    {
        var name = Scalar(Root, "name");
        Assert.NotNull(name);
        Assert.True(name.Length >= 2);
        Assert.Matches("^[a-zA-Z0-9-]+$", name);
        Assert.Matches(AzdNamePattern(), name); // the schema's own pattern
    }

    [Fact]
    public void Uses_only_top_level_keys_the_schema_knows()
    {
        var known = new HashSet<string>
        {
            "name",
            "resourceGroup",
            "metadata",
            "infra",
            "services",
            "resources",
            "pipeline",
            "hooks",
            "requiredVersions",
            "state",
            "platform",
            "workflows",
            "cloud",
        };
        Assert.All(Root.Children.Keys.Select(k => ((YamlScalarNode)k).Value!), key => Assert.Contains(key, known));
    }

    [Fact]
    public void Api_service_is_a_dotnet_function_app_whose_project_exists()
    {
        var services = Assert.IsType<YamlMappingNode>(Root.Children[new YamlScalarNode("services")]);
        // Two services: the API and the admin console (ConsoleHostingTests).
        Assert.Equal(["api", "console"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToArray());
        var api = Assert.IsType<YamlMappingNode>(services.Children[new YamlScalarNode("api")]);
        Assert.Equal("dotnet", Scalar(api, "language"));
        Assert.Equal("function", Scalar(api, "host")); // required by the schema

        var project = Scalar(api, "project");
        Assert.NotNull(project);
        var folder = Path.GetFullPath(Path.Combine(Repo.Root, project));
        Assert.True(Directory.Exists(folder), $"service project {project} does not exist");
        var csproj = Assert.Single(Directory.GetFiles(folder, "*.csproj"));
        Assert.Contains("<AzureFunctionsVersion>v4</AzureFunctionsVersion>", File.ReadAllText(csproj));
    }

    [Fact]
    public void Service_name_is_the_azd_service_name_tag_of_the_function_app()
    {
        var services = (YamlMappingNode)Root.Children[new YamlScalarNode("services")];
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("api")));
        Assert.Equal("api", infra.Full.FunctionApp.StringAt("tags.azd-service-name"));
    }

    [Fact]
    public void Hooks_run_scripts_that_exist_in_the_repository()
    {
        var hooks = Assert.IsType<YamlMappingNode>(Root.Children[new YamlScalarNode("hooks")]);
        var names = hooks.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        Assert.Contains("postprovision", names);
        Assert.Contains("preprovision", names);
        foreach (var (key, value) in hooks.Children)
        {
            var hook = Assert.IsType<YamlMappingNode>(value);
            Assert.Contains(Scalar(hook, "shell"), new[] { "sh", "pwsh" });
            var run = Scalar(hook, "run");
            Assert.NotNull(run);
            Assert.True(
                File.Exists(Path.Combine(Repo.Root, run)),
                $"{((YamlScalarNode)key).Value}: {run} does not exist"
            );
            Assert.StartsWith("./infra/hooks/", run);
        }
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Text));
        return Assert.IsType<YamlMappingNode>(Assert.Single(stream.Documents).RootNode);
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex AzdNamePattern();
}
