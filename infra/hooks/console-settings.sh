#!/bin/sh
# Writes the console's appsettings.Production.json (read by the browser on Azure Static Web Apps) from the azd
# environment before `azd deploy console` packages it: the API's address, Entra ID as the identity provider, the
# console's client id and the API's scope. Configuration only: the same build runs locally against the
# development identity provider (the local host serves appsettings.Local.json instead).
set -eu
value() { v=$(printenv "$1" || true); [ -n "$v" ] || v=$(azd env get-value "$1" 2>/dev/null || true); echo "$v"; }

api_uri=$(value SERVICE_API_URI)
tenant=$(value API_TENANT_ID)
[ -n "$tenant" ] || tenant=$(value AZURE_TENANT_ID)
api_id=$(value API_CLIENT_ID)
console_id=$(value CONSOLE_CLIENT_ID)
if [ -z "$api_uri" ] || [ -z "$tenant" ] || [ -z "$api_id" ] || [ -z "$console_id" ]; then
  echo "console-settings: SERVICE_API_URI, API_TENANT_ID, API_CLIENT_ID and CONSOLE_CLIENT_ID are needed" \
    "(azd provision, ./infra/hooks/entra-app.sh, ./infra/hooks/console-app.sh)." >&2
  exit 1
fi
target="$(dirname "$0")/../../web/ItInventory.Console/wwwroot/appsettings.Production.json"
cat > "$target" <<JSON
{
  "Api": { "BaseUrl": "${api_uri%/}/api/" },
  "Oidc": {
    "Authority": "https://login.microsoftonline.com/$tenant/v2.0",
    "ClientId": "$console_id",
    "ApiScope": "api://$api_id/access_as_user"
  }
}
JSON
echo "console-settings: wrote $target"
