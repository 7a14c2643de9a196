// ItInventory: everything `azd up` provisions. Subscription scope: creates the resource group, then one module per
// concern under app/. Identity-only (no keys, no connection strings with secrets), Key Vault references for secrets.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every generated resource name.')
param environmentName string

@minLength(1)
@description('Region of all resources. It must offer Flex Consumption (see docs/deploy.md).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or CI principal; it gets data roles for running locally. Empty: none.')
param principalId string = ''

@description('Type of principalId.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('True: storage and Key Vault are reachable only through private endpoints; the app uses VNet integration.')
param vnetEnabled bool = false

@description('Base URL of the asset links on QR labels (e.g. a custom domain); default: the function app\'s default host name.')
param labelBaseUrl string = ''

// ---- Optional name overrides (default: generated from abbreviations.json and resourceToken) ----
param resourceGroupName string = ''
param functionAppName string = ''
param appServicePlanName string = ''
param identityName string = ''
param storageAccountName string = ''
param applicationInsightsName string = ''
param logAnalyticsName string = ''
param keyVaultName string = ''
param serviceBusNamespaceName string = ''
param vNetName string = ''
param consoleName string = ''

@description('Region of the console (Azure Static Web Apps, Free): one of the few regions that offer it.')
@allowed(['westeurope', 'eastus2', 'centralus', 'westus2', 'eastasia'])
param consoleLocation string = 'westeurope'

// ---- Function app ----
@description('Memory per instance in MB (Flex Consumption).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Maximum number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Default heartbeat interval for devices in seconds (CheckIns:HeartbeatIntervalSeconds).')
@minValue(60)
param heartbeatIntervalSeconds int = 14400

// ---- Monitoring ----
@description('NCRONTAB schedule (6 fields, UTC) of the offline scan (OFFLINE_SCAN_SCHEDULE); it reads only due assets.')
param offlineScanSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule (6 fields, UTC) of the outbox sweep (OUTBOX_SWEEP_SCHEDULE): delivers audit records and events whose queue message was lost.')
param outboxSweepSchedule string = '0 */5 * * * *'

@description('Offline after the heartbeat interval times this factor (Monitoring:OfflineTolerance).')
param offlineTolerance int = 3

@description('Disk use (percent) above which a disk-space-high finding opens (Monitoring:DiskThresholdPercent).')
@minValue(1)
@maxValue(100)
param diskThresholdPercent int = 90

@description('Memory use (percent) counting towards memory-sustained-high (Monitoring:MemoryThresholdPercent).')
@minValue(1)
@maxValue(100)
param memoryThresholdPercent int = 95

@description('Consecutive high-memory heartbeats before the finding opens (Monitoring:MemorySustainedHeartbeats).')
@minValue(1)
param memorySustainedHeartbeats int = 3

// ---- Licences ----
@description('NCRONTAB schedule (6 fields, UTC) of the licence compliance scan (LICENCE_COMPLIANCE_SCHEDULE).')
param licenceComplianceSchedule string = '0 30 2 * * *'

@description('NCRONTAB schedule (6 fields, UTC) of licence seat reclamation (LICENCE_RECLAIM_SCHEDULE).')
param licenceReclaimSchedule string = '0 0 3 * * *'

@description('Days without a matching installation before a seat is reclaimed (Licences:ReclaimGraceDays).')
@minValue(0)
@maxValue(3650)
param licenceReclaimGraceDays int = 30

// ---- Audits ----
@description('NCRONTAB schedule (6 fields, UTC) of the daily reconciliation scan (RECONCILIATION_SCHEDULE).')
param reconciliationSchedule string = '0 0 4 * * *'

@description('NCRONTAB schedule (6 fields, UTC) of the daily idle-asset scan (IDLE_SCAN_SCHEDULE).')
param idleScanSchedule string = '0 30 4 * * *'
// ---- KPIs ----
@description('NCRONTAB schedule (6 fields, UTC) of the daily KPI snapshot of the day that ended (KPI_SNAPSHOT_SCHEDULE).')
param kpiSnapshotSchedule string = '0 10 0 * * *'

// ---- Audit campaigns ----
@description('NCRONTAB schedule (6 fields, UTC) of the daily check that opens scheduled campaigns (CAMPAIGN_SCHEDULE).')
param campaignSchedule string = '0 0 6 * * *'

@description('Months (1-12, comma-separated) in which the spot audit opens (Campaigns:SpotMonths); empty: never.')
param campaignSpotMonths string = '1,4,7,10'

@description('Assets in the spot audit\'s stratified sample (Campaigns:SpotSampleSize).')
@minValue(1)
@maxValue(10000)
param campaignSpotSampleSize int = 50

@description('Months (1-12, comma-separated) in which the full audit opens (Campaigns:FullMonths); empty: never.')
param campaignFullMonths string = '12'

// ---- Storage ----
@description('Redundancy of the storage account.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSkuName string = 'Standard_LRS'

@description('Days after which raw check-in blobs move to the cool tier.')
@minValue(1)
param checkinCoolAfterDays int = 7

@description('Days after which raw check-in blobs are deleted (must exceed checkinCoolAfterDays).')
@minValue(2)
param checkinRetentionDays int = 90

@description('Days the daily sealed audit segments in the audit-archive container stay immutable (time-based retention).')
@minValue(1)
param auditRetentionDays int = 365

@description('NCRONTAB schedule (UTC) of the ArchiveAuditTrail timer that seals each finished day of the audit trail.')
param auditArchiveSchedule string = '0 15 0 * * *'

@description('Days deleted blobs and containers can be restored.')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 14

// ---- Monitoring ----
@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
param logRetentionInDays int = 30

@description('Daily ingestion cap of the workspace in GB (-1: no cap).')
param logDailyQuotaGb int = -1

@description('Percent of operations (a request and its dependencies) sent to Application Insights (host and worker).')
@minValue(1)
@maxValue(100)
param telemetrySamplingPercentage int = 10

// ---- Financials and reports (docs/reports.md) ----
@description('ISO 4217 currency reports sum in (Financials:ReportingCurrency); other currencies need a rate.')
@minLength(3)
@maxLength(3)
param reportingCurrency string = 'EUR'

@description('NCRONTAB schedule (6 fields, UTC) of the monthly finance summary (FINANCE_REPORT_SCHEDULE): the 1st.')
param financeReportSchedule string = '0 0 5 1 * *'

@description('NCRONTAB schedule (6 fields, UTC) of the weekly IT snapshot (IT_SNAPSHOT_SCHEDULE): Monday, the week before.')
param itSnapshotSchedule string = '0 30 5 * * 1'

@description('Days after which a generated report blob moves to the cool tier.')
@minValue(1)
param reportsCoolAfterDays int = 90

// ---- Secrets (stored in Key Vault; the app gets Key Vault references) ----
@secure()
@minLength(16)
@description('Bootstrap enrollment secret devices use to enroll. azd: ENROLLMENT_SECRET (the preprovision hook generates one).')
param enrollmentSecret string

@secure()
@minLength(32)
@description('Secret of the keyed hash of licence keys found in inventories (docs/agents.md). azd: LICENCE_KEY_HASH_SECRET (the preprovision hook generates one). Keep it: a new one changes every hash from then on.')
param licenceKeyHashSecret string

@secure()
@description('SMTP password for notification e-mail. Empty: keep what the vault has (if anything).')
param smtpPassword string = ''

@description('SMTP server for notification e-mail. Empty: no SMTP settings.')
param smtpHost string = ''

@description('SMTP port.')
param smtpPort int = 587

@description('SMTP user name.')
param smtpUsername string = ''

@description('Sender address of notification e-mail (the finance email\'s sender unless financeMailSender is set).')
param smtpFrom string = ''

@description('Security of the SMTP connection: StartTls (port 587), SslOnConnect (port 465) or None.')
@allowed(['None', 'StartTls', 'SslOnConnect'])
param smtpSecurity string = 'StartTls'

// ---- The monthly finance email (docs/reports.md "The finance email") ----
@description('None, Smtp or Graph. Empty: Smtp when smtpHost and financeMailRecipients are set, else None.')
@allowed(['', 'None', 'Smtp', 'Graph'])
param financeMailTransport string = ''

@description('Recipients of the monthly finance email, comma-separated. Empty: no email.')
param financeMailRecipients string = ''

@description('Sender of the finance email (for Graph: the mailbox the app sends as). Empty: smtpFrom.')
param financeMailSender string = ''

@description('Subject of the finance email; {period} becomes the month.')
param financeMailSubject string = 'IT inventory finance summary {period}'

// ---- Entra ID for the management API (infra/hooks/entra-app.sh creates the app registration) ----
@description('Tenant of the API app registration.')
param apiTenantId string = tenant().tenantId

@description('Application (client) id of the API app registration. Empty until entra-app.sh has run.')
param apiClientId string = ''

@description('Audience of API access tokens. Empty: api://<apiClientId>.')
param apiAudience string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

// Names the app uses: the defaults of ItInventory.Functions.Storage.InventoryStorageOptions (a test keeps them equal).
var storageNames = {
  assetsTable: 'assets'
  assetSummaryTable: 'assetsummary'
  identitiesTable: 'assetidentities'
  enrollmentSecretsTable: 'enrollmentsecrets'
  sightingsTable: 'sightings'
  auditTrailTable: 'audittrail'
  peopleTable: 'people'
  tagsTable: 'assettags'
  licencesTable: 'licences'
  licenceSeatsTable: 'licenceseats'
  taxonomyTable: 'taxonomy'
  findingsTable: 'findings'
  scanRunsTable: 'scanruns'
  campaignsTable: 'campaigns'
  offlineDueTable: 'offlinedue'
  outboxTable: 'outbox'
  kpiSnapshotsTable: 'kpisnapshots'
  exchangeRatesTable: 'fxrates'
  reportsTable: 'reports'
  mailSendsTable: 'mailsends'
  auditReportsTable: 'auditreports'
  reportsContainer: 'reports'
  checkinsContainer: 'checkins'
  certificatesContainer: 'certificates'
  auditArchiveContainer: 'audit-archive'
  checkinQueue: 'checkins'
  outboxQueue: 'outbox'
  eventsQueue: 'inventory-events'
  auditReportQueue: 'audit-reports'
}
var eventsTopicName = 'inventory-events'
var enrollmentSecretName = 'enrollment-secret'
var smtpPasswordSecretName = 'smtp-password'
var licenceKeyHashSecretName = 'licence-key-hash-secret'

var names = {
  functionApp: !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}api-${resourceToken}'
  plan: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
  identity: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
  storage: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
  applicationInsights: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
  logAnalytics: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  keyVault: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}'
  serviceBus: !empty(serviceBusNamespaceName) ? serviceBusNamespaceName : '${abbrs.serviceBusNamespaces}${resourceToken}'
  vnet: !empty(vNetName) ? vNetName : '${abbrs.networkVirtualNetworks}${resourceToken}'
  console: !empty(consoleName) ? consoleName : '${abbrs.webStaticSites}console-${resourceToken}'
  privateEndpointSubnet: 'private-endpoints'
  deploymentContainer: 'app-package-${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    tableNames: [
      storageNames.assetsTable
      storageNames.assetSummaryTable
      storageNames.identitiesTable
      storageNames.enrollmentSecretsTable
      storageNames.sightingsTable
      storageNames.auditTrailTable
      storageNames.peopleTable
      storageNames.tagsTable
      storageNames.licencesTable
      storageNames.licenceSeatsTable
      storageNames.taxonomyTable
      storageNames.findingsTable
      storageNames.scanRunsTable
      storageNames.campaignsTable
      storageNames.offlineDueTable
      storageNames.outboxTable
      storageNames.kpiSnapshotsTable
      storageNames.exchangeRatesTable
      storageNames.reportsTable
      storageNames.mailSendsTable
      storageNames.auditReportsTable
    ]
    queueNames: [
      storageNames.checkinQueue
      storageNames.outboxQueue
      storageNames.eventsQueue
      storageNames.auditReportQueue
    ]
    checkinsContainerName: storageNames.checkinsContainer
    certificatesContainerName: storageNames.certificatesContainer
    deploymentContainerName: names.deploymentContainer
    auditContainerName: storageNames.auditArchiveContainer
    auditRetentionDays: auditRetentionDays
    checkinCoolAfterDays: checkinCoolAfterDays
    reportsContainerName: storageNames.reportsContainer
    reportsCoolAfterDays: reportsCoolAfterDays
    checkinRetentionDays: checkinRetentionDays
    softDeleteRetentionDays: softDeleteRetentionDays
    vnetEnabled: vnetEnabled
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    vnetEnabled: vnetEnabled
    enrollmentSecretName: enrollmentSecretName
    enrollmentSecret: enrollmentSecret
    licenceKeyHashSecretName: licenceKeyHashSecretName
    licenceKeyHashSecret: licenceKeyHashSecret
    smtpPasswordSecretName: smtpPasswordSecretName
    smtpPassword: smtpPassword
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    topicName: eventsTopicName
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: names.storage
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
    serviceBusNamespaceName: names.serviceBus
    serviceBusTopicName: eventsTopicName
    // The principal id exists only once the identity does, and assignment names must contain it (guid(scope,
    // principal, role)): a runtime value here is unavoidable.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    storage
    monitoring
    keyVault
    serviceBus
  ]
}

module vnet 'app/vnet.bicep' = if (vnetEnabled) {
  name: 'vnet'
  scope: rg
  params: {
    name: names.vnet
    location: location
    tags: tags
    privateEndpointSubnetName: names.privateEndpointSubnet
  }
}

module privateEndpoints 'app/private-endpoints.bicep' = if (vnetEnabled) {
  name: 'private-endpoints'
  scope: rg
  params: {
    vnetName: names.vnet
    subnetName: names.privateEndpointSubnet
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    location: location
    tags: tags
    namePrefix: '${abbrs.networkPrivateEndpoints}${resourceToken}-'
  }
  dependsOn: [
    vnet
    storage
    keyVault
  ]
}

// App settings beyond the host's (api.bicep adds the identity-based storage and telemetry settings).
// Versionless secret URIs: a Key Vault reference to them follows rotation (the platform re-reads within a day).
var enrollmentSecretUri = '${keyVault.outputs.uri}secrets/${enrollmentSecretName}'
var smtpPasswordSecretUri = '${keyVault.outputs.uri}secrets/${smtpPasswordSecretName}'
var licenceKeyHashSecretUri = '${keyVault.outputs.uri}secrets/${licenceKeyHashSecretName}'

var smtpSettings = empty(smtpHost)
  ? {}
  : {
      Smtp__Host: smtpHost
      Smtp__Port: string(smtpPort)
      Smtp__Username: smtpUsername
      Smtp__Security: smtpSecurity
      Smtp__Password: '@Microsoft.KeyVault(SecretUri=${smtpPasswordSecretUri})'
    }

// The finance email: always set, so the app never guesses; the transport needs its recipients (and SMTP its host).
var financeMailTransportResolved = !empty(financeMailTransport)
  ? financeMailTransport
  : (!empty(smtpHost) && !empty(financeMailRecipients) ? 'Smtp' : 'None')

// host.json logging.applicationInsights.samplingSettings, as an app setting overrides it.
var hostSamplingSettings = 'AzureFunctionsJobHost__logging__applicationInsights__samplingSettings'

var appSettings = union(
  {
    // Queue trigger %CHECKIN_QUEUE% and the app's own queue client (InventoryStorageOptions.CheckinQueue).
    CHECKIN_QUEUE: storageNames.checkinQueue
    Storage__AssetsTable: storageNames.assetsTable
    Storage__AssetSummaryTable: storageNames.assetSummaryTable
    Storage__IdentitiesTable: storageNames.identitiesTable
    Storage__EnrollmentSecretsTable: storageNames.enrollmentSecretsTable
    Storage__SightingsTable: storageNames.sightingsTable
    Storage__AuditTrailTable: storageNames.auditTrailTable
    Storage__PeopleTable: storageNames.peopleTable
    Storage__TagsTable: storageNames.tagsTable
    Storage__LicencesTable: storageNames.licencesTable
    Storage__LicenceSeatsTable: storageNames.licenceSeatsTable
    Storage__TaxonomyTable: storageNames.taxonomyTable
    Storage__FindingsTable: storageNames.findingsTable
    Storage__ScanRunsTable: storageNames.scanRunsTable
    Storage__CampaignsTable: storageNames.campaignsTable
    Storage__OfflineDueTable: storageNames.offlineDueTable
    Storage__OutboxTable: storageNames.outboxTable
    Storage__OutboxQueue: storageNames.outboxQueue
    Storage__EventsQueue: storageNames.eventsQueue
    // Outbox (functions/Events): queue trigger %OUTBOX_QUEUE% of DispatchOutbox, timer of SweepOutbox.
    OUTBOX_QUEUE: storageNames.outboxQueue
    OUTBOX_SWEEP_SCHEDULE: outboxSweepSchedule
    Storage__KpiSnapshotsTable: storageNames.kpiSnapshotsTable
    Storage__ExchangeRatesTable: storageNames.exchangeRatesTable
    Storage__ReportsTable: storageNames.reportsTable
    Storage__ReportsContainer: storageNames.reportsContainer
    Storage__MailSendsTable: storageNames.mailSendsTable
    // The finance email (FinanceMailOptions); SMTP's Smtp__* settings below, its password a Key Vault reference.
    FinanceMail__Transport: financeMailTransportResolved
    FinanceMail__Recipients: financeMailRecipients
    FinanceMail__Sender: !empty(financeMailSender) ? financeMailSender : smtpFrom
    FinanceMail__Subject: financeMailSubject
    // Graph tokens (Transport Graph) come from the app's user-assigned identity.
    FinanceMail__ManagedIdentityClientId: identity.outputs.clientId
    Financials__ReportingCurrency: reportingCurrency
    // Timer %FINANCE_REPORT_SCHEDULE% of FinanceReportTimer (docs/reports.md).
    FINANCE_REPORT_SCHEDULE: financeReportSchedule
    // Timer %IT_SNAPSHOT_SCHEDULE% of ItSnapshotTimer (docs/reports.md).
    IT_SNAPSHOT_SCHEDULE: itSnapshotSchedule
    // Audit reports on demand (functions/Reports/Audit): table and queue; trigger %AUDIT_REPORT_QUEUE% of
    // GenerateAuditReport.
    Storage__AuditReportsTable: storageNames.auditReportsTable
    Storage__AuditReportQueue: storageNames.auditReportQueue
    AUDIT_REPORT_QUEUE: storageNames.auditReportQueue
    Storage__CheckinsContainer: storageNames.checkinsContainer
    Storage__CertificatesContainer: storageNames.certificatesContainer
    Storage__AuditArchiveContainer: storageNames.auditArchiveContainer
    Storage__CheckinQueue: storageNames.checkinQueue
    // Bicep provisions every table, queue and container; the app must not need create permissions at start.
    Storage__CreateIfNotExists: 'false'
    CheckIns__HeartbeatIntervalSeconds: string(heartbeatIntervalSeconds)
    // Timer %OFFLINE_SCAN_SCHEDULE% of OfflineScan and the heartbeat's threshold alerts (MonitoringOptions).
    OFFLINE_SCAN_SCHEDULE: offlineScanSchedule
    Monitoring__OfflineTolerance: string(offlineTolerance)
    Monitoring__DiskThresholdPercent: string(diskThresholdPercent)
    Monitoring__MemoryThresholdPercent: string(memoryThresholdPercent)
    Monitoring__MemorySustainedHeartbeats: string(memorySustainedHeartbeats)
    // Licence timers (NCRONTAB, UTC): the compliance scan and seat reclamation (%LICENCE_*_SCHEDULE% in the triggers).
    LICENCE_COMPLIANCE_SCHEDULE: licenceComplianceSchedule
    LICENCE_RECLAIM_SCHEDULE: licenceReclaimSchedule
    Licences__ReclaimGraceDays: string(licenceReclaimGraceDays)
    // Audit timers (NCRONTAB, UTC): reconciliation and idle scans (docs/audits.md); thresholds keep their defaults.
    RECONCILIATION_SCHEDULE: reconciliationSchedule
    IDLE_SCAN_SCHEDULE: idleScanSchedule
    // Timer %KPI_SNAPSHOT_SCHEDULE% of KpiSnapshot (docs/kpis.md): one snapshot per department and in total, daily.
    KPI_SNAPSHOT_SCHEDULE: kpiSnapshotSchedule
    // Timer %AUDIT_ARCHIVE_SCHEDULE% of ArchiveAuditTrail (daily sealed segments of the audit trail).
    AUDIT_ARCHIVE_SCHEDULE: auditArchiveSchedule
    // Timer %CAMPAIGN_SCHEDULE% of CampaignSchedule (opens the scheduled spot and full audits when due).
    CAMPAIGN_SCHEDULE: campaignSchedule
    Campaigns__SpotMonths: campaignSpotMonths
    Campaigns__SpotSampleSize: string(campaignSpotSampleSize)
    Campaigns__FullMonths: campaignFullMonths
    Enrollment__Secret: '@Microsoft.KeyVault(SecretUri=${enrollmentSecretUri})'
    // Licence keys in inventories are stored masked with an HMAC keyed by this secret (functions/CheckIns/LicenceKeys).
    LicenceKeys__HashSecret: '@Microsoft.KeyVault(SecretUri=${licenceKeyHashSecretUri})'
    // Telemetry: one fixed sampling share for the worker's traces (TelemetryOptions) and the host's requests
    // (host.json samplingSettings, overridden here so both follow the one parameter; min = max pins the share).
    Telemetry__SamplingPercentage: string(telemetrySamplingPercentage)
    '${hostSamplingSettings}__initialSamplingPercentage': string(telemetrySamplingPercentage)
    '${hostSamplingSettings}__minSamplingPercentage': string(telemetrySamplingPercentage)
    '${hostSamplingSettings}__maxSamplingPercentage': string(telemetrySamplingPercentage)
    // Integration events: identity-based Service Bus connection "ServiceBus".
    ServiceBus__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    ServiceBus__credential: 'managedidentity'
    ServiceBus__clientId: identity.outputs.clientId
    INVENTORY_EVENTS_TOPIC: serviceBus.outputs.topicName
    // Management API: Entra ID (Microsoft.Identity.Web "AzureAd" section).
    AzureAd__Instance: environment().authentication.loginEndpoint
    AzureAd__TenantId: apiTenantId
    AzureAd__ClientId: apiClientId
    AzureAd__Audience: !empty(apiAudience) ? apiAudience : (!empty(apiClientId) ? 'api://${apiClientId}' : '')
    // Asset labels: the QR code links to <base>/api/assets/<id>.
    AssetTags__LabelBaseUrl: !empty(labelBaseUrl) ? labelBaseUrl : 'https://${names.functionApp}.azurewebsites.net'
  },
  smtpSettings
)

// The admin console (docs/console.md): static files, signed in with Entra ID in the browser.
module console 'app/console.bicep' = {
  name: 'console'
  scope: rg
  params: {
    name: names.console
    location: consoleLocation
    tags: tags
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storage
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: names.applicationInsights
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    virtualNetworkSubnetId: vnet.?outputs.appSubnetId ?? ''
    appSettings: appSettings
    // Exactly the console's origin may call the API from a browser.
    corsAllowedOrigins: [console.outputs.uri]
  }
  // The app resolves Key Vault references and opens storage as soon as it exists: grant the roles (and, with
  // vnetEnabled, create the private endpoints) first.
  dependsOn: [
    monitoring
    rbac
    privateEndpoints
  ]
}

// ---- Outputs: azd stores them in the environment (.azure/<env>/.env); hooks and local runs read them ----
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_CONSOLE_NAME string = console.outputs.name
output SERVICE_CONSOLE_URI string = console.outputs.uri
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output INVENTORY_EVENTS_TOPIC string = serviceBus.outputs.topicName
output CHECKIN_QUEUE string = storageNames.checkinQueue
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_VNET_ENABLED bool = vnetEnabled
output API_TENANT_ID string = apiTenantId
