using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>vnetEnabled: VNet integration for the app, private endpoints for storage and Key Vault, no public
/// access.</summary>
[Collection(InfraCollection.Name)]
public sealed class NetworkTests(InfraFixture infra)
{
    [Fact]
    public void Without_vnet_there_are_no_network_resources_and_public_endpoints_stay_on()
    {
        Assert.DoesNotContain(infra.Full.Resources, r =>
            ((string)r["type"]!).StartsWith("Microsoft.Network/", StringComparison.Ordinal)
        );
        Assert.Null(infra.Full.FunctionApp.At("properties.virtualNetworkSubnetId"));
        Assert.Equal(
            "Enabled",
            infra.Full.Single("Microsoft.Storage/storageAccounts").StringAt("properties.publicNetworkAccess")
        );
    }

    [Fact]
    public void With_vnet_the_app_integrates_with_a_subnet_delegated_to_flex_consumption()
    {
        var vnet = infra.Vnet.Single("Microsoft.Network/virtualNetworks");
        var subnets = vnet.At("properties.subnets")!.AsArray();
        var appSubnet = subnets.Single(s => s!.At("properties.delegations") is not null)!;
        Assert.Equal(
            "Microsoft.App/environments",
            appSubnet.At("properties.delegations")!.AsArray().Single()!.StringAt("properties.serviceName")
        );
        var subnetId = infra.Vnet.FunctionApp.StringAt("properties.virtualNetworkSubnetId");
        Assert.Equal($"{(string)vnet["id"]!}/subnets/{(string)appSubnet["name"]!}", subnetId);
    }

    [Fact]
    public void With_vnet_storage_and_key_vault_are_private_only_behind_private_endpoints()
    {
        var storage = infra.Vnet.Single("Microsoft.Storage/storageAccounts");
        var vault = infra.Vnet.Single("Microsoft.KeyVault/vaults");
        Assert.Equal("Disabled", storage.StringAt("properties.publicNetworkAccess"));
        Assert.Equal("Deny", storage.StringAt("properties.networkAcls.defaultAction"));
        Assert.Equal("Disabled", vault.StringAt("properties.publicNetworkAccess"));
        Assert.Equal("Deny", vault.StringAt("properties.networkAcls.defaultAction"));

        var endpoints = infra.Vnet.OfType("Microsoft.Network/privateEndpoints").ToList();
        var targets = endpoints
            .Select(e =>
            {
                var connection = e.At("properties.privateLinkServiceConnections")!.AsArray().Single()!;
                return (
                    Target: connection.StringAt("properties.privateLinkServiceId"),
                    Group: connection.At("properties.groupIds")!.AsArray().Single()!.ToString()
                );
            })
            .ToList();
        Assert.Equal(["blob", "queue", "table", "vault"], targets.Select(t => t.Group).Order());
        Assert.All(targets.Where(t => t.Group != "vault"), t => Assert.Equal((string)storage["id"]!, t.Target));
        Assert.Equal((string)vault["id"]!, targets.Single(t => t.Group == "vault").Target);

        // Each endpoint registers in a private DNS zone linked to the VNet.
        var zones = infra.Vnet.ChildNames("Microsoft.Network/privateDnsZones");
        Assert.Equal(4, zones.Count);
        // environment() (the cloud's DNS suffixes) stays unevaluated offline: check the zone's service part.
        foreach (var service in new[] { "privatelink.blob.", "privatelink.queue.", "privatelink.table." })
        {
            Assert.Single(zones, z =>
                z.Contains(service, StringComparison.Ordinal)
                && z.Contains("environment().suffixes.storage", StringComparison.Ordinal)
            );
        }
        Assert.Single(zones, z =>
            z.Contains("environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.'", StringComparison.Ordinal)
        );
        Assert.Equal(4, infra.Vnet.OfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Count());
        Assert.Equal(4, infra.Vnet.OfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").Count());
    }
}
