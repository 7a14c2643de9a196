#!/bin/sh
# Installs the ItInventory agent as a launchd daemon (root) and writes its configuration.
#   sudo ./install.sh https://func-abc.azurewebsites.net/ <enrollment-secret>
# Run beside itinventory-agent (dotnet publish agent/ItInventory.Agent -c Release -r osx-arm64) and the plist.
set -eu
[ "$(id -u)" -eq 0 ] || { echo "run with sudo" >&2; exit 1; }
[ $# -eq 2 ] || { echo "usage: sudo $0 SERVER_URL ENROLLMENT_SECRET" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
install -d -m 0755 /usr/local/itinventory-agent
install -m 0755 "$here/itinventory-agent" /usr/local/itinventory-agent/itinventory-agent
install -d -m 0700 -o root -g wheel /etc/itinventory-agent "/Library/Application Support/ItInventoryAgent"
umask 077
printf '{\n  "serverUrl": "%s",\n  "enrollmentSecret": "%s"\n}\n' "$1" "$2" > /etc/itinventory-agent/agent.json
chmod 0600 /etc/itinventory-agent/agent.json
install -m 0644 -o root -g wheel "$here/com.itinventory.agent.plist" /Library/LaunchDaemons/com.itinventory.agent.plist
launchctl bootout system/com.itinventory.agent 2>/dev/null || true
launchctl bootstrap system /Library/LaunchDaemons/com.itinventory.agent.plist
echo "ItInventory agent installed; logs in /Library/Logs/itinventory-agent.log"
