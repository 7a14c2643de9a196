#!/bin/sh
# azd preprovision hook (runs before every `azd provision` / `azd up`).
#  1. ENROLLMENT_SECRET: the bootstrap enrollment secret devices present to enroll. Bicep stores it in Key Vault and
#     the app reads it through a Key Vault reference. Generated once (32 random bytes, base64url) and kept in the azd
#     environment (.azure/<env>/.env, git-ignored); set your own with `azd env set ENROLLMENT_SECRET ...` (16+ chars).
#  2. LICENCE_KEY_HASH_SECRET: the keyed-hash secret of licence keys, generated once the same way (see below).
#  3. With CREATE_ENTRA_APP=true and no API_CLIENT_ID yet: registers the management API in Entra ID
#     (infra/hooks/entra-app.sh), which sets API_CLIENT_ID and API_AUDIENCE for this provision.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# azd exports the environment's values to hooks; fall back to asking azd (e.g. when run by hand).
env_value() {
  eval "value=\${$1:-}"
  if [ -z "$value" ] && ! value=$(azd env get-value "$1" 2>/dev/null); then value=""; fi
  printf '%s' "$value"
}

current_secret=$(env_value ENROLLMENT_SECRET)
if [ "${#current_secret}" -lt 16 ]; then
  secret=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  azd env set ENROLLMENT_SECRET "$secret" >/dev/null
  echo "preprovision: generated ENROLLMENT_SECRET (stored in Key Vault as 'enrollment-secret' by this provision)."
fi

# LICENCE_KEY_HASH_SECRET: the secret of the keyed hash of licence keys (functions/CheckIns/LicenceKeys). Generated
# once like ENROLLMENT_SECRET and kept: a new one would change every hash from then on.
current_hash_secret=$(env_value LICENCE_KEY_HASH_SECRET)
if [ "${#current_hash_secret}" -lt 32 ]; then
  hash_secret=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  azd env set LICENCE_KEY_HASH_SECRET "$hash_secret" >/dev/null
  echo "preprovision: generated LICENCE_KEY_HASH_SECRET (stored in Key Vault as 'licence-key-hash-secret')."
fi

if [ "${CREATE_ENTRA_APP:-false}" = "true" ]; then
  client_id=$(env_value API_CLIENT_ID)
  if [ -z "$client_id" ] || ! printf '%s' "$client_id" | grep -Eq '^[0-9a-fA-F-]{36}$'; then
    sh "$here/entra-app.sh"
  fi
else
  echo "preprovision: Entra ID app registration skipped (set CREATE_ENTRA_APP=true, or run infra/hooks/entra-app.sh)."
fi
