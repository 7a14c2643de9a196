#!/bin/sh
# azd postprovision hook: writes functions/local.settings.json so `func start` (or the tests' local host) runs the app
# on this machine against the resources just provisioned, signed in as you (DefaultAzureCredential: az / azd / VS
# login). Bicep gave the deploying principal (AZURE_PRINCIPAL_ID) data roles on storage, Key Vault and Service Bus.
#
# azd passes the Bicep outputs as environment variables. No key or connection string with a secret is written:
# storage is identity-based; the enrollment secret is copied from Key Vault only with LOCAL_SETTINGS_SECRETS=true
# (local.settings.json is git-ignored, but it is a file on your disk).
# With VNET_ENABLED=true storage and Key Vault refuse public traffic, so a local run needs a VPN/jump host in the VNet.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/functions/local.settings.json"

require() {
  eval "value=\${$1:-}"
  if [ -z "$value" ]; then
    echo "postprovision: $1 is not set; run through azd (azd provision) so the Bicep outputs are in the environment." >&2
    exit 1
  fi
}
for name in AZURE_STORAGE_BLOB_ENDPOINT AZURE_STORAGE_QUEUE_ENDPOINT AZURE_STORAGE_TABLE_ENDPOINT CHECKIN_QUEUE \
            AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE INVENTORY_EVENTS_TOPIC AZURE_KEY_VAULT_NAME API_TENANT_ID; do
  require "$name"
done

enrollment_line=""
if [ "${LOCAL_SETTINGS_SECRETS:-false}" = "true" ]; then
  secret=$(az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name enrollment-secret --query value -o tsv)
  enrollment_line="    \"Enrollment__Secret\": \"$secret\","
fi

if [ -f "$target" ]; then
  cp "$target" "$root/functions/local.settings.previous.json"
  echo "postprovision: previous settings kept in functions/local.settings.previous.json"
fi

# No AzureWebJobsStorage__credential/__clientId: locally the host and the app use your developer credential.
{
  echo '{'
  echo '  "IsEncrypted": false,'
  echo '  "Values": {'
  echo '    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",'
  echo "    \"AzureWebJobsStorage__blobServiceUri\": \"$AZURE_STORAGE_BLOB_ENDPOINT\","
  echo "    \"AzureWebJobsStorage__queueServiceUri\": \"$AZURE_STORAGE_QUEUE_ENDPOINT\","
  echo "    \"AzureWebJobsStorage__tableServiceUri\": \"$AZURE_STORAGE_TABLE_ENDPOINT\","
  echo "    \"CHECKIN_QUEUE\": \"$CHECKIN_QUEUE\","
  echo '    "Storage__CreateIfNotExists": "false",'
  echo '    "LICENCE_COMPLIANCE_SCHEDULE": "0 30 2 * * *",'
  echo '    "LICENCE_RECLAIM_SCHEDULE": "0 0 3 * * *",'
  echo '    "AUDIT_ARCHIVE_SCHEDULE": "0 15 0 * * *",'
  echo '    "RECONCILIATION_SCHEDULE": "0 0 4 * * *",'
  echo '    "IDLE_SCAN_SCHEDULE": "0 30 4 * * *",'
  echo '    "CAMPAIGN_SCHEDULE": "0 0 6 * * *",'
  echo '    "OFFLINE_SCAN_SCHEDULE": "0 */5 * * * *",'
  echo '    "OUTBOX_QUEUE": "outbox",'
  echo '    "OUTBOX_SWEEP_SCHEDULE": "0 */5 * * * *",'
  echo '    "KPI_SNAPSHOT_SCHEDULE": "0 10 0 * * *",'
  echo '    "FINANCE_REPORT_SCHEDULE": "0 0 5 1 * *",'
  echo '    "IT_SNAPSHOT_SCHEDULE": "0 30 5 * * 1",'
  echo '    "AUDIT_REPORT_QUEUE": "audit-reports",'
  if [ -n "$enrollment_line" ]; then echo "$enrollment_line"; fi
  echo "    \"ServiceBus__fullyQualifiedNamespace\": \"$AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE\","
  echo "    \"INVENTORY_EVENTS_TOPIC\": \"$INVENTORY_EVENTS_TOPIC\","
  echo "    \"AzureAd__TenantId\": \"$API_TENANT_ID\","
  echo "    \"AzureAd__ClientId\": \"${API_CLIENT_ID:-}\","
  echo "    \"AzureAd__Audience\": \"${API_AUDIENCE:-}\""
  echo '  }'
  echo '}'
} > "$target"
chmod 600 "$target"

echo "postprovision: wrote $target"
if [ -z "$enrollment_line" ]; then
  echo "postprovision: Enrollment__Secret not written; rerun with LOCAL_SETTINGS_SECRETS=true to copy it from Key Vault,"
  echo "               or read it: az keyvault secret show --vault-name $AZURE_KEY_VAULT_NAME --name enrollment-secret --query value -o tsv"
fi
