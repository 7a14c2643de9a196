#!/usr/bin/env bash
# Connects the inventory agent already installed on this Linux or macOS machine (GLPI Agent, FusionInventory or the
# OCS Unix agent) to ItInventory, without reinstalling it:
#   1. enrolls the machine with an enrollment secret (POST <api>/devices/enroll) and receives its own device
#      credential;
#   2. writes the agent's own configuration with the server URL and that per-device credential (mode 600). The
#      enrollment secret is never written anywhere.
#
#   sudo ./connect-agent.sh --api https://inventory.example.com/api --enrollment-secret "$SECRET"
#
# Options:
#   --api URL                 the ItInventory API base URL (…/api)
#   --enrollment-secret S     an enrollment secret from an administrator (or env ITINVENTORY_ENROLLMENT_SECRET)
#   --agent NAME              glpi-agent | fusioninventory | ocsinventory (default: the one installed)
#   --conf-dir DIR            where to write the configuration (default: the agent's own conf.d / config file dir)
#   --serial S                the serial number to enroll with, when the firmware's cannot be read
#   --run                     run the agent once afterwards (an inventory now)
set -euo pipefail
umask 077

api="" secret="${ITINVENTORY_ENROLLMENT_SECRET:-}" agent="" conf_dir="" serial_override="" run_now=0
while [ $# -gt 0 ]; do
  case "$1" in
    --api) api="${2%/}"; shift 2 ;;
    --enrollment-secret) secret="$2"; shift 2 ;;
    --agent) agent="$2"; shift 2 ;;
    --conf-dir) conf_dir="$2"; shift 2 ;;
    --serial) serial_override="$2"; shift 2 ;;
    --run) run_now=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "Unknown option: $1" >&2; exit 2 ;;
  esac
done
[ -n "$api" ] || { echo "--api is required" >&2; exit 2; }
[ -n "$secret" ] || { echo "--enrollment-secret (or ITINVENTORY_ENROLLMENT_SECRET) is required" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is required" >&2; exit 2; }

if [ -z "$agent" ]; then
  if command -v glpi-agent >/dev/null || [ -x /Applications/GLPI-Agent/bin/glpi-agent ]; then agent=glpi-agent
  elif command -v fusioninventory-agent >/dev/null; then agent=fusioninventory
  elif command -v ocsinventory-agent >/dev/null; then agent=ocsinventory
  else echo "No GLPI Agent, FusionInventory or OCS agent found: install one first." >&2; exit 3
  fi
fi

# ---- what the machine is (all optional; the server needs one usable identity) ----
read_first() { [ -r "$1" ] && tr -d '\n' < "$1" | sed 's/[[:space:]]*$//' || true; }
json_escape() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037'; }
hostname_=$(hostname 2>/dev/null || uname -n)
serial="" uuid="" manufacturer="" model="" machine_id="" macs=""
case "$(uname -s)" in
  Darwin)
    serial=$(ioreg -rd1 -c IOPlatformExpertDevice | awk -F'"' '/IOPlatformSerialNumber/{print $4}')
    uuid=$(ioreg -rd1 -c IOPlatformExpertDevice | awk -F'"' '/IOPlatformUUID/{print $4}')
    manufacturer="Apple Inc."
    model=$(sysctl -n hw.model 2>/dev/null || true)
    macs=$(ifconfig 2>/dev/null | awk '/ether /{print $2}' | sort -u)
    ;;
  *)
    serial=$(read_first /sys/class/dmi/id/product_serial)
    uuid=$(read_first /sys/class/dmi/id/product_uuid)
    manufacturer=$(read_first /sys/class/dmi/id/sys_vendor)
    model=$(read_first /sys/class/dmi/id/product_name)
    machine_id=$(read_first /etc/machine-id)
    for nic in /sys/class/net/*; do
      [ "$(basename "$nic")" = lo ] && continue
      mac=$(read_first "$nic/address")
      case "$mac" in ""|00:00:00:00:00:00) ;; *) macs="$macs $mac" ;; esac
    done
    ;;
esac
[ -n "$serial_override" ] && serial="$serial_override"

mac_json=""
for mac in $macs; do mac_json="$mac_json${mac_json:+,}\"$(json_escape "$mac")\""; done
body=$(cat <<JSON
{"enrollmentSecret":"$(json_escape "$secret")","hostname":"$(json_escape "$hostname_")",
"serialNumber":$( [ -n "$serial" ] && printf '"%s"' "$(json_escape "$serial")" || printf null ),
"smbiosUuid":$( [ -n "$uuid" ] && printf '"%s"' "$(json_escape "$uuid")" || printf null ),
"macAddresses":[$mac_json],
"platformIdentities":$( [ -n "$machine_id" ] && printf '{"machineId":"%s"}' "$(json_escape "$machine_id")" || printf null ),
"manufacturer":$( [ -n "$manufacturer" ] && printf '"%s"' "$(json_escape "$manufacturer")" || printf null ),
"model":$( [ -n "$model" ] && printf '"%s"' "$(json_escape "$model")" || printf null ),
"agent":{"name":"$agent","version":"connect-agent.sh"}}
JSON
)

# The secret goes to curl on stdin, never on a command line other users could read.
answer=$(printf '%s' "$body" | curl --silent --show-error --fail-with-body --max-time 60 \
  -H 'Content-Type: application/json' --data-binary @- "$api/devices/enroll") || {
  echo "Enrollment failed: $answer" >&2; exit 4; }
device_id=$(printf '%s' "$answer" | sed -n 's/.*"deviceId":"\([0-9a-f]\{32\}\)".*/\1/p')
device_secret=$(printf '%s' "$answer" | sed -n 's/.*"deviceSecret":"\([A-Za-z0-9_-]*\)".*/\1/p')
[ -n "$device_id" ] && [ -n "$device_secret" ] || { echo "Unexpected enrollment answer: $answer" >&2; exit 4; }

# ---- the agent's own configuration ----
write_file() { # path, content: written with mode 600 before any secret lands in it
  mkdir -p "$(dirname "$1")"
  : > "$1.tmp"; chmod 600 "$1.tmp"
  printf '%s\n' "$2" > "$1.tmp"
  mv -f "$1.tmp" "$1"
}
case "$agent" in
  glpi-agent)
    if [ -z "$conf_dir" ]; then
      for d in /etc/glpi-agent/conf.d /Applications/GLPI-Agent/etc/conf.d /usr/local/etc/glpi-agent/conf.d; do
        [ -d "$(dirname "$d")" ] && { conf_dir=$d; break; }
      done
    fi
    file="$conf_dir/itinventory.cfg"
    write_file "$file" "# Written by ItInventory's connect-agent.sh: this machine's own device credential.
server = $api/agents/glpi/
user = $device_id
password = $device_secret"
    runner=(glpi-agent --force)
    ;;
  fusioninventory)
    conf_dir="${conf_dir:-/etc/fusioninventory/conf.d}"
    file="$conf_dir/itinventory.cfg"
    write_file "$file" "# Written by ItInventory's connect-agent.sh: this machine's own device credential.
server = $api/agents/ocs
user = $device_id
password = $device_secret"
    runner=(fusioninventory-agent --force)
    ;;
  ocsinventory)
    conf_dir="${conf_dir:-/etc/ocsinventory}"
    file="$conf_dir/ocsinventory-agent.cfg"
    # The OCS agent has one configuration file: keep its other settings, replace the server ones.
    others=$( [ -r "$file" ] && grep -Ev '^[[:space:]]*(server|user|password|realm|local)[[:space:]]*=' "$file" || true)
    # OCS Unix agent 2.x reads user and password base64-encoded (Ocsinventory::Agent::Encrypt); the realm must be
    # the one the server's challenge names.
    b64() { printf '%s' "$1" | base64 | tr -d '\n'; }
    write_file "$file" "$others
server=$api/agents/ocs
user=$(b64 "$device_id")
password=$(b64 "$device_secret")
realm=itinventory"
    runner=(ocsinventory-agent --force)
    ;;
  *) echo "Unknown agent '$agent' (glpi-agent, fusioninventory, ocsinventory)" >&2; exit 2 ;;
esac
echo "Enrolled as device $device_id; $agent configured in $file"
if [ "$run_now" = 1 ]; then
  if [ "$agent" = fusioninventory ] && [ "$conf_dir" != /etc/fusioninventory/conf.d ]; then
    runner+=(--conf-file "$file")
  fi
  "${runner[@]}"
fi
