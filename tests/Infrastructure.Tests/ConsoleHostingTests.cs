using ItInventory.Infrastructure.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The admin console on Azure: a Free Static Web App deployed by azd as the "console" service, the only origin
/// the API's CORS allows; and the development identity provider never configured there.</summary>
[Collection(InfraCollection.Name)]
public sealed class ConsoleHostingTests(InfraFixture infra)
{
    [Fact]
    public void The_console_is_a_free_static_web_app_tagged_as_the_console_service()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            var site = snapshot.Single("Microsoft.Web/staticSites");
            Assert.Equal("Free", site.StringAt("sku.name"));
            Assert.Equal("console", site.StringAt("tags.azd-service-name"));
        }
    }

    [Fact]
    public void The_api_allows_exactly_the_console_origin()
    {
        var origins = infra.Full.FunctionApp.At("properties.siteConfig.cors.allowedOrigins")!.AsArray();
        var origin = Assert.Single(origins)!.ToString();
        // The site's host name is only known once it exists: the origin is built from its defaultHostname.
        Assert.Contains("https://", origin);
        Assert.Contains("defaultHostname", origin);
        Assert.NotEqual(true, infra.Full.FunctionApp.BoolAt("properties.siteConfig.cors.supportCredentials"));
    }

    [Fact]
    public void Azure_yaml_deploys_the_published_console_to_the_static_web_app()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(Repo.Path("azure.yaml")))
            yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
        var console = (YamlMappingNode)services.Children[new YamlScalarNode("console")];
        string? Scalar(string key) =>
            console.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value : null;
        Assert.Equal("staticwebapp", Scalar("host"));
        Assert.Equal("dotnet", Scalar("language"));
        Assert.Equal("wwwroot", Scalar("dist"));
        var project = Repo.Path(Scalar("project")!);
        Assert.Contains(
            "Microsoft.NET.Sdk.BlazorWebAssembly",
            File.ReadAllText(Assert.Single(Directory.GetFiles(project, "*.csproj")))
        );
        var hooks = (YamlMappingNode)console.Children[new YamlScalarNode("hooks")];
        var prepackage = (YamlMappingNode)hooks.Children[new YamlScalarNode("prepackage")];
        Assert.True(File.Exists(Repo.Path(((YamlScalarNode)prepackage.Children[new YamlScalarNode("run")]).Value!)));
    }

    [Fact]
    public void The_development_identity_provider_is_never_configured_in_azure()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            Assert.DoesNotContain(snapshot.AppSettings.Keys, n =>
                n.Contains("DevelopmentAuthority", StringComparison.OrdinalIgnoreCase)
            );
        }
        // Nor anywhere in the infrastructure code or the generated local settings of a provisioned environment.
        foreach (var file in Directory.GetFiles(Repo.Path("infra"), "*", SearchOption.AllDirectories))
            Assert.DoesNotContain("DevelopmentAuthority", File.ReadAllText(file));
    }
}
