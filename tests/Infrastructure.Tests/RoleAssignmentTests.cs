using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>
/// Least privilege: the app identity has exactly six data roles, each on the resource it needs, each assignment named
/// guid(scope id, principal id, role id) with the role GUID in a named, commented variable of rbac.bicep.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed partial class RoleAssignmentTests(InfraFixture infra)
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    public const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";

    public static TheoryData<string, string, string> AppRoles =>
        new()
        {
            { "Storage Blob Data Owner", StorageBlobDataOwner, "Microsoft.Storage/storageAccounts" },
            { "Storage Queue Data Contributor", StorageQueueDataContributor, "Microsoft.Storage/storageAccounts" },
            { "Storage Table Data Contributor", StorageTableDataContributor, "Microsoft.Storage/storageAccounts" },
            { "Monitoring Metrics Publisher", MonitoringMetricsPublisher, "Microsoft.Insights/components" },
            { "Key Vault Secrets User", KeyVaultSecretsUser, "Microsoft.KeyVault/vaults" },
            { "Azure Service Bus Data Sender", ServiceBusDataSender, "Microsoft.ServiceBus/namespaces/topics" },
        };

    [Theory]
    [MemberData(nameof(AppRoles))]
    public void App_identity_has_role_on_its_resource(string role, string roleId, string scopeType)
    {
        // Compiled template: name guid(<scope>, appPrincipalId, <named variable>) and the variable holds the role's
        // GUID.
        var assignment = ArmTemplate
            .OfType(infra.Template, "Microsoft.Authorization/roleAssignments")
            .SingleOrDefault(a =>
                a.Name.Contains("parameters('appPrincipalId')") && a.Variable(RoleVariable(a)) == roleId
            );
        Assert.True(assignment is not null, $"no assignment of {role} to the app identity in rbac.bicep");
        var roleVariable = RoleVariable(assignment);
        Assert.Matches(
            $@"^\[guid\(resourceId\('{Regex.Escape(scopeType)}'(, parameters\('\w+'\))+\), "
                + $@"parameters\('appPrincipalId'\), variables\('{roleVariable}'\)\)\]$",
            assignment.Name
        );
        Assert.Equal("[parameters('appPrincipalId')]", assignment.Properties.StringAt("principalId"));
        Assert.Equal("ServicePrincipal", assignment.Properties.StringAt("principalType"));
        Assert.Contains($"variables('{roleVariable}')", assignment.Properties.StringAt("roleDefinitionId"));
        Assert.StartsWith($"[resourceId('{scopeType}'", assignment.Resource.StringAt("scope"));

        // Snapshot: the principal is the user-assigned identity the function app runs as, the scope is the real
        // resource.
        var evaluated = AppAssignments(infra.Full).Single(a => RoleIdOf(a) == roleId);
        var scopeResource = Assert.Single(infra.Full.OfType(scopeType));
        Assert.StartsWith(
            (string)scopeResource["id"]! + "/providers/Microsoft.Authorization/roleAssignments/",
            ExpectedAssignmentId(evaluated, scopeResource)
        );
        Assert.Equal(
            $"[guid('{(string)scopeResource["id"]!}', {infra.Full.IdentityPrincipalIdReference}, '{roleId}')]",
            (string)evaluated["name"]!
        );
    }

    [Fact]
    public void App_identity_has_exactly_the_six_roles_it_needs()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            var roles = AppAssignments(snapshot).Select(RoleIdOf).Order().ToList();
            Assert.Equal(AppRoles.Select(r => (string)r[1]).Order(), roles);
        }
        // The function app's identity is the one that holds them.
        Assert.Contains(
            (string)infra.Full.Identity["id"]!,
            infra.Full.FunctionApp.At("identity.userAssignedIdentities")!.AsObject().Select(p => p.Key)
        );
    }

    [Fact]
    public void No_principal_gets_owner_contributor_or_a_wildcard_role()
    {
        var allowed = AppRoles
            .Select(r => (string)r[1])
            .Concat([StorageBlobDataContributor, KeyVaultSecretsOfficer, ServiceBusDataReceiver])
            .ToHashSet();
        var all = infra
            .Full.OfType("Microsoft.Authorization/roleAssignments")
            .Concat(infra.Vnet.OfType("Microsoft.Authorization/roleAssignments"));
        Assert.All(all, a => Assert.Contains(RoleIdOf(a), allowed));
    }

    [Fact]
    public void Deploying_user_gets_data_roles_for_local_debugging_only_when_a_principal_id_is_given()
    {
        var user = infra
            .Full.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.StringAt("properties.principalId") == InfraFixture.UserPrincipalId)
            .ToList();
        Assert.Equal(
            new[]
            {
                StorageBlobDataContributor,
                StorageQueueDataContributor,
                StorageTableDataContributor,
                KeyVaultSecretsOfficer,
                ServiceBusDataSender,
                ServiceBusDataReceiver,
            }.Order(),
            user.Select(RoleIdOf).Order()
        );
        Assert.All(user, a => Assert.Equal("User", a.StringAt("properties.principalType")));

        // Without AZURE_PRINCIPAL_ID only the app identity is assigned anything.
        Assert.All(infra.Vnet.OfType("Microsoft.Authorization/roleAssignments"), a =>
            Assert.Equal($"[{infra.Vnet.IdentityPrincipalIdReference}]", a.StringAt("properties.principalId"))
        );
    }

    [Fact]
    public void Role_assignment_names_are_guid_of_scope_principal_and_role()
    {
        // The user's assignments are fully evaluated: recompute ARM's guid() from the scope, the principal and the
        // role.
        var user = infra
            .Full.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.StringAt("properties.principalId") == InfraFixture.UserPrincipalId)
            .ToList();
        Assert.NotEmpty(user);
        foreach (var assignment in user)
        {
            var id = (string)assignment["id"]!;
            var scope = id[
                ..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)
            ];
            var expected = ArmGuid.Compute(scope, InfraFixture.UserPrincipalId, RoleIdOf(assignment));
            Assert.Equal(expected.ToString(), (string)assignment["name"]!);
        }
        // Every assignment of the compiled template follows the pattern.
        Assert.All(ArmTemplate.OfType(infra.Template, "Microsoft.Authorization/roleAssignments"), a =>
            Assert.Matches(
                @"^\[guid\(resourceId\('[^']+'(, parameters\('\w+'\))+\), "
                    + @"parameters\('(app|user)PrincipalId'\), variables\('\w+RoleId'\)\)\]$",
                a.Name
            )
        );
    }

    [Fact]
    public void Role_definition_ids_are_named_variables_each_with_a_comment_naming_the_role()
    {
        var lines = File.ReadAllLines(Repo.Infra("app", "rbac.bicep"));
        var roleVariables = lines
            .Select((line, i) => (Line: line, Index: i))
            .Where(l => RoleVariableLine().IsMatch(l.Line))
            .ToList();
        Assert.Equal(9, roleVariables.Count);
        foreach (var (line, index) in roleVariables)
        {
            var comment = lines[index - 1].Trim();
            Assert.StartsWith("//", comment);
            var match = RoleVariableLine().Match(line);
            // The comment names the role that the variable name spells, e.g. "// Storage Blob Data Owner: ..." for
            // storageBlobDataOwnerRoleId.
            var roleName = comment.TrimStart('/', ' ').Split(':')[0].Replace("Azure ", "").Replace(" ", "");
            Assert.Equal(match.Groups["name"].Value[..^"RoleId".Length], roleName, ignoreCase: true);
        }
        // No role GUID is written anywhere else.
        var text = string.Join('\n', lines.Where(l => !RoleVariableLine().IsMatch(l)));
        Assert.DoesNotMatch(@"'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'", text);
    }

    [Fact]
    public void Every_role_scope_exists_in_the_deployment()
    {
        var ids = infra.Full.Resources.Select(r => (string)r["id"]!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in AppAssignments(infra.Full))
        {
            var scope = ScopeOf(assignment);
            Assert.Contains(scope, ids);
        }
    }

    internal static string RoleIdOf(JsonObject assignment) =>
        assignment.StringAt("properties.roleDefinitionId")!.Split('/')[^1];

    internal static IEnumerable<JsonObject> AppAssignments(Snapshot snapshot) =>
        snapshot
            .OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.StringAt("properties.principalId") == $"[{snapshot.IdentityPrincipalIdReference}]");

    /// <summary>The resource id an assignment is scoped to (app assignments' ids are extensionResourceId(scope,
    /// ...)).</summary>
    internal static string ScopeOf(JsonObject assignment)
    {
        var id = (string)assignment["id"]!;
        var extension = Regex.Match(
            id,
            @"^\[extensionResourceId\('([^']+)', 'Microsoft.Authorization/roleAssignments'"
        );
        return extension.Success
            ? extension.Groups[1].Value
            : id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)];
    }

    private static string ExpectedAssignmentId(JsonObject assignment, JsonObject scopeResource) =>
        ScopeOf(assignment) == (string)scopeResource["id"]!
            ? $"{(string)scopeResource["id"]!}/providers/Microsoft.Authorization/roleAssignments/"
                + (string)assignment["name"]!
            : (string)assignment["id"]!;

    private static string RoleVariable(TemplateResource assignment) =>
        Regex.Match(assignment.Name, @"variables\('(\w+)'\)").Groups[1].Value;

    [GeneratedRegex(@"^var (?<name>\w+RoleId) = '(?<id>[0-9a-f-]{36})'$")]
    private static partial Regex RoleVariableLine();
}
