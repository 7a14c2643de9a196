using System.Text.Json.Nodes;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>Each security property an Azure architect would check, asserted on the compiled ARM template.</summary>
[Collection(InfraCollection.Name)]
public sealed class ArmSecurityTests(InfraFixture infra)
{
    private JsonObject Template => infra.Template;

    private TemplateResource Storage => ArmTemplate.Single(Template, "Microsoft.Storage/storageAccounts");
    private TemplateResource BlobService =>
        ArmTemplate.Single(Template, "Microsoft.Storage/storageAccounts/blobServices");
    private TemplateResource Site => ArmTemplate.Single(Template, "Microsoft.Web/sites");

    [Fact]
    public void Storage_account_disallows_shared_key_access()
    {
        Assert.False(Storage.Resource.BoolAt("properties.allowSharedKeyAccess") ?? true);
        // Entra ID is also the default for the portal and tools.
        Assert.True(Storage.Resource.BoolAt("properties.defaultToOAuthAuthentication"));
    }

    [Fact]
    public void Storage_account_disallows_public_blob_access()
    {
        Assert.False(Storage.Resource.BoolAt("properties.allowBlobPublicAccess") ?? true);
        var containers = ArmTemplate
            .OfType(Template, "Microsoft.Storage/storageAccounts/blobServices/containers")
            .ToList();
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.Resource.StringAt("properties.publicAccess")));
    }

    [Fact]
    public void Storage_account_requires_tls_1_2_over_https()
    {
        Assert.Equal("TLS1_2", Storage.Resource.StringAt("properties.minimumTlsVersion"));
        Assert.True(Storage.Resource.BoolAt("properties.supportsHttpsTrafficOnly"));
    }

    [Fact]
    public void Blob_and_container_soft_delete_are_enabled()
    {
        Assert.True(BlobService.Resource.BoolAt("properties.deleteRetentionPolicy.enabled"));
        Assert.True(BlobService.Resource.BoolAt("properties.containerDeleteRetentionPolicy.enabled"));
        // The retention comes from a parameter; the snapshot has its value.
        var evaluated = infra.Full.Single("Microsoft.Storage/storageAccounts/blobServices");
        Assert.InRange(evaluated.IntAt("properties.deleteRetentionPolicy.days") ?? 0, 7, 365);
        Assert.InRange(evaluated.IntAt("properties.containerDeleteRetentionPolicy.days") ?? 0, 7, 365);
    }

    [Fact]
    public void Blob_versioning_is_enabled()
    {
        Assert.True(BlobService.Resource.BoolAt("properties.isVersioningEnabled"));
    }

    [Fact]
    public void Audit_archive_container_has_a_time_based_immutability_policy()
    {
        var policy = infra.Full.Single(
            "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"
        );
        Assert.EndsWith("/default/audit-archive/default", (string)policy["name"]!);
        Assert.True(policy.IntAt("properties.immutabilityPeriodSinceCreationInDays") >= 365);
        Assert.Contains(
            "audit-archive",
            infra.Full.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers")
        );
    }

    [Fact]
    public void Audit_archive_is_the_container_the_app_writes_and_its_retention_allows_no_rewrites()
    {
        var policy = infra.Full.Single(
            "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies"
        );
        // Sealed segments are written once, whole: appends to protected blobs are not allowed either.
        Assert.False(policy.BoolAt("properties.allowProtectedAppendWrites"));
        var archive = new ItInventory.Functions.Storage.InventoryStorageOptions().AuditArchiveContainer;
        Assert.EndsWith($"/default/{archive}/default", (string)policy["name"]!);
        Assert.Equal(archive, infra.Full.AppSettings["Storage__AuditArchiveContainer"]);
        // Not under the lifecycle rule: nothing deletes or tiers the archive.
        var prefixes = infra
            .Full.Single("Microsoft.Storage/storageAccounts/managementPolicies")
            .At("properties.policy.rules")!
            .AsArray()
            .SelectMany(r => r!["definition"]!["filters"]!["prefixMatch"]!.AsArray().Select(p => (string)p!));
        Assert.DoesNotContain(prefixes, p => p.StartsWith(archive + "/", StringComparison.Ordinal));
    }

    [Fact]
    public void Lifecycle_rule_moves_raw_checkins_to_cool_then_deletes_them_and_their_versions()
    {
        var rules = infra
            .Full.Single("Microsoft.Storage/storageAccounts/managementPolicies")
            .At("properties.policy.rules")!
            .AsArray();
        // Two rules since the reports (issue 13): raw check-ins, and reports to cool.
        var rule = Assert.Single(rules, r => r!.StringAt("name") == "raw-checkins-retention")!;
        Assert.True(rule.BoolAt("enabled"));
        Assert.Equal("Lifecycle", rule.StringAt("type"));
        var prefixes = rule.At("definition.filters.prefixMatch")!.AsArray().Select(p => (string)p!).ToList();
        Assert.Equal(["checkins/"], prefixes); // only the raw check-in container, never the audit archive
        var cool = rule.IntAt("definition.actions.baseBlob.tierToCool.daysAfterModificationGreaterThan");
        var delete = rule.IntAt("definition.actions.baseBlob.delete.daysAfterModificationGreaterThan");
        Assert.NotNull(cool);
        Assert.NotNull(delete);
        Assert.True(cool < delete, $"cool after {cool} days must come before delete after {delete} days");
        Assert.Equal(delete, rule.IntAt("definition.actions.version.delete.daysAfterCreationGreaterThan"));

        // The retention is a parameter of main.bicep.
        Assert.NotNull(Template["parameters"]!["checkinRetentionDays"]);
        Assert.NotNull(Template["parameters"]!["checkinCoolAfterDays"]);
    }

    [Fact]
    public void Lifecycle_rule_moves_reports_to_cool_after_90_days_and_never_deletes_them()
    {
        var rules = infra
            .Full.Single("Microsoft.Storage/storageAccounts/managementPolicies")
            .At("properties.policy.rules")!
            .AsArray();
        var rule = Assert.Single(rules, r => r!.StringAt("name") == "reports-cool")!;
        Assert.True(rule.BoolAt("enabled"));
        var prefixes = rule.At("definition.filters.prefixMatch")!.AsArray().Select(p => (string)p!).ToList();
        Assert.Equal(["reports/"], prefixes);
        Assert.Equal(90, rule.IntAt("definition.actions.baseBlob.tierToCool.daysAfterModificationGreaterThan"));
        Assert.Null(rule.At("definition.actions.baseBlob.delete"));
        Assert.NotNull(Template["parameters"]!["reportsCoolAfterDays"]);
    }

    [Fact]
    public void Application_insights_and_log_analytics_have_local_auth_disabled()
    {
        var appInsights = ArmTemplate.Single(Template, "Microsoft.Insights/components");
        Assert.True(appInsights.Resource.BoolAt("properties.DisableLocalAuth"));
        Assert.Equal(
            "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('logAnalyticsName'))]",
            appInsights.Resource.StringAt("properties.WorkspaceResourceId")
        );
        var workspace = ArmTemplate.Single(Template, "Microsoft.OperationalInsights/workspaces");
        Assert.True(workspace.Resource.BoolAt("properties.features.disableLocalAuth"));
    }

    [Fact]
    public void Key_vault_uses_rbac_authorization_and_purge_protection()
    {
        var vault = ArmTemplate.Single(Template, "Microsoft.KeyVault/vaults");
        Assert.True(vault.Resource.BoolAt("properties.enableRbacAuthorization"));
        Assert.True(vault.Resource.BoolAt("properties.enablePurgeProtection"));
        Assert.True(vault.Resource.BoolAt("properties.enableSoftDelete"));
        Assert.Null(vault.Resource.At("properties.accessPolicies"));
    }

    [Fact]
    public void Key_vault_holds_the_enrollment_secret_and_smtp_password_from_secure_parameters()
    {
        var secrets = infra.Full.ChildNames("Microsoft.KeyVault/vaults/secrets");
        Assert.Equal(["enrollment-secret", "licence-key-hash-secret", "smtp-password"], secrets.Order());
        var parameters = Template["parameters"]!;
        Assert.Equal("securestring", (string)parameters["enrollmentSecret"]!["type"]!);
        Assert.Equal("securestring", (string)parameters["smtpPassword"]!["type"]!);
        Assert.Null(parameters["enrollmentSecret"]!["defaultValue"]);
        Assert.Equal(16, (int)parameters["enrollmentSecret"]!["minLength"]!);
        Assert.Equal("securestring", (string)parameters["licenceKeyHashSecret"]!["type"]!);
        Assert.Null(parameters["licenceKeyHashSecret"]!["defaultValue"]);
        Assert.Equal(32, (int)parameters["licenceKeyHashSecret"]!["minLength"]!);
    }

    [Fact]
    public void Service_bus_has_local_auth_disabled_and_the_events_topic()
    {
        var ns = ArmTemplate.Single(Template, "Microsoft.ServiceBus/namespaces");
        Assert.True(ns.Resource.BoolAt("properties.disableLocalAuth"));
        Assert.Equal("1.2", ns.Resource.StringAt("properties.minimumTlsVersion"));
        Assert.Equal(["inventory-events"], infra.Full.ChildNames("Microsoft.ServiceBus/namespaces/topics"));
        // No SAS policies of our own.
        Assert.Empty(ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/authorizationRules"));
        Assert.Empty(ArmTemplate.OfType(Template, "Microsoft.ServiceBus/namespaces/topics/authorizationRules"));
    }

    [Fact]
    public void Function_app_is_https_only()
    {
        Assert.True(Site.Resource.BoolAt("properties.httpsOnly"));
    }

    [Fact]
    public void Function_app_has_ftp_and_basic_publishing_credentials_disabled()
    {
        Assert.Equal("Disabled", Site.Resource.StringAt("properties.siteConfig.ftpsState"));
        var policies = infra.Full.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(p => ((string)p["name"]!).Split('/')[^1]).Order());
        Assert.All(policies, p => Assert.False(p.BoolAt("properties.allow") ?? true));
    }

    [Fact]
    public void Function_app_requires_tls_1_2()
    {
        Assert.Equal("1.2", Site.Resource.StringAt("properties.siteConfig.minTlsVersion"));
        Assert.Equal("1.2", Site.Resource.StringAt("properties.siteConfig.scmMinTlsVersion"));
    }

    [Fact]
    public void Function_app_runs_on_flex_consumption_as_dotnet_isolated_10()
    {
        var plan = ArmTemplate.Single(Template, "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Resource.StringAt("sku.name"));
        Assert.Equal("FlexConsumption", plan.Resource.StringAt("sku.tier"));
        Assert.Equal("functionapp,linux", Site.Resource.StringAt("kind"));
        Assert.Equal("dotnet-isolated", Site.Resource.StringAt("properties.functionAppConfig.runtime.name"));
        Assert.Equal("10.0", Site.Resource.StringAt("properties.functionAppConfig.runtime.version"));
        Assert.Equal(
            "[parameters('instanceMemoryMB')]",
            Site.Resource.StringAt("properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB")
        );
        Assert.Equal(
            "[parameters('maximumInstanceCount')]",
            Site.Resource.StringAt("properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount")
        );
        Assert.NotNull(Template["parameters"]!["instanceMemoryMB"]);
        Assert.NotNull(Template["parameters"]!["maximumInstanceCount"]);
    }

    [Fact]
    public void Function_app_deploys_from_a_blob_container_with_the_user_assigned_identity()
    {
        var site = infra.Full.FunctionApp;
        var identityId = (string)infra.Full.Identity["id"]!;
        Assert.Equal("blobContainer", site.StringAt("properties.functionAppConfig.deployment.storage.type"));
        Assert.Equal(
            "UserAssignedIdentity",
            site.StringAt("properties.functionAppConfig.deployment.storage.authentication.type")
        );
        Assert.Equal(
            identityId,
            site.StringAt(
                "properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"
            )
        );
        var container = site.StringAt("properties.functionAppConfig.deployment.storage.value")!;
        var deploymentContainer = infra
            .Full.ChildNames("Microsoft.Storage/storageAccounts/blobServices/containers")
            .Single(c => c.StartsWith("app-package-"));
        Assert.Contains($"'{deploymentContainer}'", container);
    }

    [Fact]
    public void Function_app_runs_as_the_user_assigned_identity_for_key_vault_references()
    {
        var site = infra.Full.FunctionApp;
        var identityId = (string)infra.Full.Identity["id"]!;
        Assert.Equal("UserAssigned", site.StringAt("identity.type"));
        Assert.Equal([identityId], site.At("identity.userAssignedIdentities")!.AsObject().Select(p => p.Key));
        Assert.Equal(identityId, site.StringAt("properties.keyVaultReferenceIdentity"));
    }

    [Fact]
    public void Template_never_reads_keys_or_connection_strings()
    {
        var text = Template.ToJsonString();
        foreach (
            var forbidden in new[]
            {
                "listKeys(",
                "listConnectionStrings(",
                "listAccountSas(",
                "listServiceSas(",
                "AccountKey=",
                "SharedAccessKey=",
            }
        )
        {
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
