// Optional network isolation (vnetEnabled): a VNet with a subnet for the function app's VNet integration
// (delegated to Microsoft.App/environments, as Flex Consumption requires) and a subnet for private endpoints.

@description('Virtual network name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the network.')
param tags object

@description('Address space of the VNet.')
param addressPrefix string = '10.20.0.0/16'

@description('Subnet of the function app (VNet integration).')
param appSubnetPrefix string = '10.20.1.0/24'

@description('Subnet of the private endpoints.')
param privateEndpointSubnetPrefix string = '10.20.2.0/24'

@description('Name of the private endpoint subnet.')
param privateEndpointSubnetName string

var appSubnetName = 'app'

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

output name string = vnet.name
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, appSubnetName)
