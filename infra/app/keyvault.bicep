// Key Vault for the secrets the app needs. RBAC authorization only (no access policies), soft delete with purge
// protection. The app reads secrets through Key Vault references resolved by the platform with the app identity
// (Key Vault Secrets User, rbac.bicep).

@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the vault.')
param tags object

@description('True: no public network access; the app reaches the vault through a private endpoint.')
param vnetEnabled bool

@description('Name of the secret holding the bootstrap enrollment secret.')
param enrollmentSecretName string

@description('Bootstrap enrollment secret (at least 16 characters).')
@secure()
@minLength(16)
param enrollmentSecret string

@description('Name of the secret holding the licence-key hash secret.')
param licenceKeyHashSecretName string

@description('Secret of the keyed hash (HMAC) of licence keys found in inventories (at least 32 characters). Never change it once hashes are stored: equal keys would no longer hash alike.')
@secure()
@minLength(32)
param licenceKeyHashSecret string

@description('Name of the secret holding the SMTP password.')
param smtpPasswordSecretName string

@description('SMTP password for notification e-mail. Empty: keep the secret already in the vault (if any).')
@secure()
param smtpPassword string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: vnetEnabled ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: vnetEnabled ? 'Deny' : 'Allow'
    }
  }
}

resource enrollment 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: enrollmentSecretName
  properties: {
    value: enrollmentSecret
    contentType: 'text/plain'
  }
}

resource licenceKeyHash 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: licenceKeyHashSecretName
  properties: {
    value: licenceKeyHashSecret
    contentType: 'text/plain'
  }
}

resource smtp 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(smtpPassword)) {
  parent: vault
  name: smtpPasswordSecretName
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
