using System.Text.Json;
using System.Text.Json.Nodes;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The template compiles and lints without a single diagnostic, with the linter set to fail on any
/// rule.</summary>
[Collection(InfraCollection.Name)]
public sealed class BicepToolingTests(InfraFixture infra)
{
    [Fact]
    public void Bicep_build_succeeds_without_compiler_warnings()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.ToString());
        // Type warnings (BCP0xx: unknown property, wrong value) do not fail a build on their own: none may appear.
        Assert.True(string.IsNullOrWhiteSpace(infra.Build.Output), infra.Build.ToString());
    }

    [Fact]
    public void Bicep_lint_is_clean()
    {
        Assert.True(infra.Lint.ExitCode == 0, infra.Lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(infra.Lint.Output), infra.Lint.ToString());
    }

    [Fact]
    public void Bicepconfig_raises_every_linter_rule_to_error()
    {
        var config = JsonNode.Parse(
            File.ReadAllText(Repo.Infra("bicepconfig.json")),
            documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            }
        )!;
        var core = config["analyzers"]!["core"]!;
        Assert.True((bool)core["enabled"]!);
        var rules = core["rules"]!.AsObject();
        Assert.True(rules.Count >= 30, $"only {rules.Count} rules configured");
        // use-recent-api-versions depends on today's date, not on the template; everything else must be an error.
        var notErrors = rules
            .Where(r => r.Key != "use-recent-api-versions" && (string?)r.Value!["level"] != "error")
            .Select(r => r.Key)
            .ToList();
        Assert.Empty(notErrors);
        // The rules that guard secrets and hygiene are among them.
        foreach (
            var rule in new[]
            {
                "outputs-should-not-contain-secrets",
                "secure-secrets-in-params",
                "no-hardcoded-env-urls",
                "no-unused-params",
                "no-unused-vars",
                "use-secure-value-for-secure-inputs",
                "secure-parameter-default",
            }
        )
        {
            Assert.True(rules.ContainsKey(rule), $"{rule} is not configured");
        }
    }

    [Fact]
    public void Bicep_snapshot_evaluates_both_parameter_sets_without_diagnostics()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            Assert.True(snapshot.Cli.ExitCode == 0, snapshot.Cli.ToString());
            Assert.Empty(snapshot.Document["diagnostics"]!.AsArray());
            Assert.NotEmpty(snapshot.Resources);
        }
    }

    [Fact]
    public void Templates_declare_resources_natively_without_registry_modules()
    {
        // br/public: (Azure Verified Modules) cannot be restored offline; every module is a local file.
        var modules = Directory
            .EnumerateFiles(Repo.Infra(), "*.bicep", SearchOption.AllDirectories)
            .SelectMany(file =>
                System
                    .Text.RegularExpressions.Regex.Matches(
                        File.ReadAllText(file),
                        @"^module\s+\w+\s+'([^']+)'",
                        System.Text.RegularExpressions.RegexOptions.Multiline
                    )
                    .Select(m => (File: file, Path: m.Groups[1].Value))
            )
            .ToList();
        Assert.NotEmpty(modules);
        foreach (var (file, path) in modules)
        {
            Assert.False(path.Contains(':'), $"{file}: module '{path}' comes from a registry");
            Assert.True(
                File.Exists(Path.Combine(Path.GetDirectoryName(file)!, path)),
                $"{file}: module '{path}' does not exist"
            );
        }
    }
}
