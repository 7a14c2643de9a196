#!/bin/sh
# Registers (or updates) the Entra ID application of the admin console (a single-page app) and lets it ask for the
# management API's delegated permission:
#   - the API app (API_CLIENT_ID, see entra-app.sh) exposes the scope access_as_user;
#   - the console app has SPA redirect URIs <console>/authentication/login-callback and .../logout-callback, where
#     <console> is SERVICE_CONSOLE_URI (the Static Web App, an output of azd provision);
#   - CONSOLE_CLIENT_ID is stored in the azd environment (the console's appsettings come from it: console-settings.sh).
# Run after the first `azd provision` (the console's address is known then), by someone allowed to register apps:
#   ./infra/hooks/console-app.sh && azd deploy console
# Idempotent: finds the app by CONSOLE_CLIENT_ID or display name; keeps the scope's id.
set -eu

command -v az >/dev/null 2>&1 || { echo "console-app: the az CLI is required (az login first)." >&2; exit 1; }
value() { v=$(printenv "$1" || true); [ -n "$v" ] || v=$(azd env get-value "$1" 2>/dev/null || true); echo "$v"; }

api_id=$(value API_CLIENT_ID)
console_uri=$(value SERVICE_CONSOLE_URI)
env_name=$(value AZURE_ENV_NAME)
[ -n "$api_id" ] || { echo "console-app: API_CLIENT_ID is not set: run ./infra/hooks/entra-app.sh first." >&2; exit 1; }
[ -n "$console_uri" ] || { echo "console-app: SERVICE_CONSOLE_URI is not set: run azd provision first." >&2; exit 1; }
display_name=${CONSOLE_APP_DISPLAY_NAME:-"ItInventory console (${env_name:-dev})"}

# 1. The API's delegated permission (scope) the console asks for.
scope_id=$(az ad app show --id "$api_id" --query "api.oauth2PermissionScopes[?value=='access_as_user'].id | [0]" -o tsv)
if [ -z "$scope_id" ]; then
  scope_id=$(cat /proc/sys/kernel/random/uuid)
  az ad app update --id "$api_id" --set "api={\"requestedAccessTokenVersion\":2,\"oauth2PermissionScopes\":[{\"id\":\"$scope_id\",\"value\":\"access_as_user\",\"type\":\"User\",\"isEnabled\":true,\"adminConsentDisplayName\":\"Use the inventory as you\",\"adminConsentDescription\":\"The admin console calls the inventory API as the signed-in user.\",\"userConsentDisplayName\":\"Use the inventory as you\",\"userConsentDescription\":\"The admin console calls the inventory API as you.\"}]}"
fi

# 2. The console's own registration: a SPA (authorization code with PKCE, no secret).
app_id=$(value CONSOLE_CLIENT_ID)
if ! printf '%s' "$app_id" | grep -Eq '^[0-9a-fA-F-]{36}$'; then
  app_id=$(az ad app list --display-name "$display_name" --query "[0].appId" -o tsv)
fi
if [ -z "$app_id" ]; then
  echo "console-app: creating app registration '$display_name'"
  app_id=$(az ad app create --display-name "$display_name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
fi
object_id=$(az ad app show --id "$app_id" --query id -o tsv)
az rest --method PATCH --uri "https://graph.microsoft.com/v1.0/applications/$object_id" \
  --headers "Content-Type=application/json" \
  --body "{\"spa\":{\"redirectUris\":[\"$console_uri/authentication/login-callback\",\"$console_uri/authentication/logout-callback\"]},\"requiredResourceAccess\":[{\"resourceAppId\":\"$api_id\",\"resourceAccess\":[{\"id\":\"$scope_id\",\"type\":\"Scope\"}]}]}"

azd env set CONSOLE_CLIENT_ID "$app_id" >/dev/null
echo "console-app: CONSOLE_CLIENT_ID=$app_id, redirect URIs under $console_uri/authentication/"
