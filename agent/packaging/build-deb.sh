#!/usr/bin/env bash
# Builds the agent's .deb with dpkg-deb: publishes the agent for the architecture (Native AOT on a host of the same
# architecture, which needs clang; a ReadyToRun single file otherwise) unless --binary names an already published one,
# stages the package tree and builds it.
#   agent/packaging/build-deb.sh [--arch amd64|arm64] [--binary PATH] [--out DIR] [--version X.Y.Z]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
arch=amd64 binary="" out="$repo/artifacts" version=1.0.0
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch="$2"; shift 2 ;;
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --version) version="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
case "$arch" in amd64) rid=linux-x64 ;; arm64) rid=linux-arm64 ;; *) echo "arch must be amd64 or arm64" >&2; exit 2 ;; esac
if [ -z "$binary" ]; then
    dotnet publish "$repo/agent/ItInventory.Agent" -c Release -r "$rid" -o "$out/publish-$rid" >&2
    binary="$out/publish-$rid/itinventory-agent"
fi
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
install -d -m 0755 "$stage/DEBIAN" "$stage/usr/lib/itinventory-agent" "$stage/usr/bin" \
    "$stage/lib/systemd/system" "$stage/usr/share/doc/itinventory-agent"
install -m 0755 "$binary" "$stage/usr/lib/itinventory-agent/itinventory-agent"
ln -s ../lib/itinventory-agent/itinventory-agent "$stage/usr/bin/itinventory-agent"
install -m 0644 "$here/linux/itinventory-agent.service" "$stage/lib/systemd/system/itinventory-agent.service"
install -m 0644 "$here/linux/agent.json.example" "$stage/usr/share/doc/itinventory-agent/agent.json.example"
for script in postinst prerm postrm; do install -m 0755 "$here/linux/$script" "$stage/DEBIAN/$script"; done
size_kb="$(du -sk "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: itinventory-agent
Version: $version
Architecture: $arch
Maintainer: ItInventory <itinventory@example.org>
Installed-Size: $size_kb
Section: admin
Priority: optional
Depends: iproute2, util-linux
Description: ItInventory device agent
 Enrolls the machine with an ItInventory server, sends utilisation heartbeats
 (CPU, memory, disk, interactive use) and a full hardware and software
 inventory when it changes. Runs as the systemd service itinventory-agent.
CONTROL
mkdir -p "$out"
deb="$out/itinventory-agent_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb" >&2
echo "$deb"
