#!/bin/sh
# Registers (or updates) the Entra ID application of the ItInventory management API, with the app roles the API
# authorizes on, and stores its ids in the azd environment for the next provision:
#   API_CLIENT_ID  -> app setting AzureAd__ClientId
#   API_AUDIENCE   -> app setting AzureAd__Audience (api://<client id>)
#
# Bicep cannot create app registrations here (the Microsoft Graph Bicep extension is a registry module), so this
# script uses the az CLI. Run it once per tenant/environment, by someone allowed to register applications:
#   ./infra/hooks/entra-app.sh && azd provision
# or let the preprovision hook run it: azd env set CREATE_ENTRA_APP true
#
# Idempotent: finds the app by API_CLIENT_ID or display name, keeps the ids of existing app roles.
# Options (environment): API_APP_DISPLAY_NAME (default "ItInventory API (<env>)"),
#                        ASSIGN_ADMIN_TO_ME=true (give the signed-in user Inventory.Admin).
set -eu

command -v az >/dev/null 2>&1 || { echo "entra-app: the az CLI is required (az login first)." >&2; exit 1; }

env_name=${AZURE_ENV_NAME:-}
if [ -z "$env_name" ] && ! env_name=$(azd env get-value AZURE_ENV_NAME 2>/dev/null); then env_name=dev; fi
display_name=${API_APP_DISPLAY_NAME:-"ItInventory API ($env_name)"}

new_uuid() {
  if command -v uuidgen >/dev/null 2>&1; then uuidgen | tr 'A-Z' 'a-z'; else cat /proc/sys/kernel/random/uuid; fi
}

app_id=${API_CLIENT_ID:-}
if [ -z "$app_id" ] && ! app_id=$(azd env get-value API_CLIENT_ID 2>/dev/null); then app_id=""; fi
if ! printf '%s' "$app_id" | grep -Eq '^[0-9a-fA-F-]{36}$'; then
  app_id=$(az ad app list --display-name "$display_name" --query "[0].appId" -o tsv)
fi
if [ -z "$app_id" ]; then
  echo "entra-app: creating app registration '$display_name'"
  app_id=$(az ad app create --display-name "$display_name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
else
  echo "entra-app: updating app registration $app_id"
fi

# Keep the id of a role that exists (changing it would orphan its assignments).
role_id() {
  existing=$(az ad app show --id "$app_id" --query "appRoles[?value=='$1'].id | [0]" -o tsv 2>/dev/null || true)
  if [ -n "$existing" ]; then echo "$existing"; else new_uuid; fi
}
admin_id=$(role_id Inventory.Admin)
auditor_id=$(role_id Inventory.Auditor)
lead_id=$(role_id Inventory.DepartmentLead)

roles_file=$(mktemp)
trap 'rm -f "$roles_file"' EXIT
cat > "$roles_file" <<JSON
[
  {
    "id": "$admin_id",
    "value": "Inventory.Admin",
    "displayName": "Inventory administrator",
    "description": "Manages all assets, enrollment secrets, settings and exports.",
    "allowedMemberTypes": ["User", "Application"],
    "isEnabled": true
  },
  {
    "id": "$auditor_id",
    "value": "Inventory.Auditor",
    "displayName": "Inventory auditor",
    "description": "Reads all assets, history and audit exports; changes nothing.",
    "allowedMemberTypes": ["User", "Application"],
    "isEnabled": true
  },
  {
    "id": "$lead_id",
    "value": "Inventory.DepartmentLead",
    "displayName": "Department lead",
    "description": "Reads and confirms the assets of their own department.",
    "allowedMemberTypes": ["User"],
    "isEnabled": true
  }
]
JSON

az ad app update --id "$app_id" --identifier-uris "api://$app_id" --app-roles "@$roles_file"
# v2 access tokens (iss https://login.microsoftonline.com/<tenant>/v2.0, aud = client id or api://client id).
az ad app update --id "$app_id" --set api.requestedAccessTokenVersion=2

# The service principal (enterprise application) is what users and groups are assigned roles on; requiring an
# assignment means nobody outside the three roles gets a token for the API.
if ! az ad sp show --id "$app_id" >/dev/null 2>&1; then
  az ad sp create --id "$app_id" >/dev/null
fi
az ad sp update --id "$app_id" --set appRoleAssignmentRequired=true

if [ "${ASSIGN_ADMIN_TO_ME:-false}" = "true" ]; then
  sp_object_id=$(az ad sp show --id "$app_id" --query id -o tsv)
  me=$(az ad signed-in-user show --query id -o tsv)
  already=$(az rest --method GET \
    --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$sp_object_id/appRoleAssignedTo" \
    --query "value[?principalId=='$me' && appRoleId=='$admin_id'] | length(@)" -o tsv)
  if [ "$already" = "0" ]; then
    az rest --method POST \
      --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$sp_object_id/appRoleAssignedTo" \
      --headers "Content-Type=application/json" \
      --body "{\"principalId\":\"$me\",\"resourceId\":\"$sp_object_id\",\"appRoleId\":\"$admin_id\"}" >/dev/null
    echo "entra-app: assigned Inventory.Admin to the signed-in user"
  fi
fi

azd env set API_CLIENT_ID "$app_id" >/dev/null
azd env set API_AUDIENCE "api://$app_id" >/dev/null
echo "entra-app: API_CLIENT_ID=$app_id API_AUDIENCE=api://$app_id (applied to the app settings by the next provision)"
