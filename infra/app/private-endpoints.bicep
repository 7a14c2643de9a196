// Private endpoints (with private DNS zones linked to the VNet) for the storage services the app uses and for Key
// Vault, when vnetEnabled. Service Bus Standard has no private endpoints; it stays public, Entra-only (servicebus.bicep).

@description('VNet holding the private endpoint subnet.')
param vnetName string

@description('Subnet for the private endpoints.')
param subnetName string

@description('Storage account to reach privately (blob, queue, table).')
param storageAccountName string

@description('Key Vault to reach privately.')
param keyVaultName string

@description('Azure region.')
param location string

@description('Tags for the endpoints and zones.')
param tags object

@description('Prefix of private endpoint names.')
param namePrefix string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: vnetName

  resource subnet 'subnets' existing = {
    name: subnetName
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

var targets = [
  { group: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { group: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { group: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  // keyvaultDns is ".vault.azure.net" (or the sovereign-cloud equivalent); the private zone is "privatelink.vaultcore...".
  { group: 'vault', zone: 'privatelink${replace(environment().suffixes.keyvaultDns, '.vault.', '.vaultcore.')}' }
]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for target in targets: {
    name: target.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (target, i) in targets: {
    parent: zones[i]
    name: '${vnetName}-${target.group}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

resource endpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for target in targets: {
    name: '${namePrefix}${target.group}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: vnet::subnet.id
      }
      privateLinkServiceConnections: [
        {
          name: target.group
          properties: {
            privateLinkServiceId: target.group == 'vault' ? vault.id : storage.id
            groupIds: [target.group]
          }
        }
      ]
    }
  }
]

resource dnsZoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (target, i) in targets: {
    parent: endpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: target.group
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]
