// Service Bus namespace for the integration events (topic inventory-events). SAS keys are disabled: senders and
// receivers authenticate with Entra ID (the app identity has Azure Service Bus Data Sender, rbac.bicep).

@description('Service Bus namespace name.')
param name string

@description('Azure region.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Topic the app publishes integration events to.')
param topicName string

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    defaultMessageTimeToLive: 'P14D'
    maxSizeInMegabytes: 1024
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    enableBatchedOperations: true
  }
}

output name string = namespace.name
output id string = namespace.id
// serviceBusEndpoint is https://<name>.servicebus.<cloud suffix>:443/; the SDK wants the host name alone.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = topic.name
