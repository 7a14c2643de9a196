// The storage account: Functions host state, the app's tables, the check-in queue (and its poison queue), the raw
// check-in container (claim check), the sanitisation certificates, the deployment package container and the
// immutable audit archive.
// Entra ID only: shared keys (and so SAS and connection strings with keys) are disabled.

@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the account.')
param tags object

@description('Redundancy of the account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param skuName string = 'Standard_LRS'

@description('Tables the app uses (InventoryStorageOptions).')
param tableNames string[]

@description('Queues the app uses, each with its "-poison" queue (the Functions host moves failed messages there).')
param queueNames string[]

@description('Container of raw, compressed full inventories (claim check); the lifecycle rule applies to it.')
param checkinsContainerName string

@description('Container of generated reports ({kind}/{period}/…); the reports lifecycle rule applies to it.')
param reportsContainerName string

@description('Days after which a report blob moves to the cool tier.')
param reportsCoolAfterDays int

@description('Container of sanitisation certificates of decommissioned assets (HTML, each written once).')
param certificatesContainerName string

@description('Container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Container of the daily sealed audit segments (ArchiveAuditTrail), kept immutable (time-based retention, WORM).')
param auditContainerName string

@description('Days each audit segment and seal stays immutable after creation.')
@minValue(1)
@maxValue(146000)
param auditRetentionDays int

@description('Days after which a raw check-in blob moves to the cool tier.')
@minValue(1)
param checkinCoolAfterDays int

@description('Days after which a raw check-in blob (and its previous versions) is deleted.')
@minValue(2)
param checkinRetentionDays int

@description('Days deleted blobs and containers can be restored (soft delete).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int

@description('True: no public network access; the app reaches the account through private endpoints.')
param vnetEnabled bool

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource checkinsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: checkinsContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Evidence for auditors: the app writes each certificate once (If-None-Match: *); versioning and soft delete keep
// any later overwrite or deletion recoverable.
resource certificatesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: certificatesContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Reports are read when new and kept for the record: cool after reportsCoolAfterDays, never deleted by a rule.
resource reportsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: reportsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: auditContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Container-level WORM: blobs cannot be changed or deleted until they are auditRetentionDays old. The policy is
// created unlocked (it can still be shortened or removed by an owner); docs/deploy.md shows how to lock it.
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2024-01-01' = {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queue in flatten(map(queueNames, q => [q, '${q}-poison'])): {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

// Raw check-ins are only needed until processed and for a while after (re-processing, support): cool after
// checkinCoolAfterDays, gone after checkinRetentionDays. Versioning keeps a previous version on every delete or
// overwrite, so versions are deleted on the same schedule.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-checkins-retention'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${checkinsContainer.name}/']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: checkinCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: checkinRetentionDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: checkinRetentionDays
                }
              }
              snapshot: {
                delete: {
                  daysAfterCreationGreaterThan: checkinRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'reports-cool'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${reportsContainer.name}/']
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: reportsCoolAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerName string = deploymentContainer.name
