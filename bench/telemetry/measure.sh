#!/bin/sh
# Measures what the worker's telemetry sends: runs bench/FunctionsHost.Bench (heartbeats through the local host) with
# telemetry on, the exporter pointed at bench/telemetry/ingest.py on loopback, and prints items and bytes per type.
# Runs in a new network namespace with nothing but loopback (needs root: unshare -n), so the exporter cannot reach
# anything else (its SDK statistics are also switched off). Usage: sudo sh bench/telemetry/measure.sh [percentage]
set -eu
if [ "${IN_NETNS:-}" != 1 ]; then
  exec env IN_NETNS=1 unshare -n sh "$0" "$@"
fi
ip link set lo up
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
python3 bench/telemetry/ingest.py 47123 "$out/stats.json" &
ingest=$!
trap 'kill $ingest 2>/dev/null || true' EXIT
export APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true
endpoint="http://127.0.0.1:47123/"
connection="InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=$endpoint;LiveEndpoint=$endpoint"
dotnet run -c Release --project bench/FunctionsHost.Bench -- --seconds 6 \
  --setting "APPLICATIONINSIGHTS_CONNECTION_STRING=$connection" \
  --setting "APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true" --setting "APPLICATIONINSIGHTS_SDKSTATS_DISABLED=true" \
  --setting "AzureMonitorExporter__EnableLiveMetrics=false" --setting "Telemetry__SamplingPercentage=${1:-100}"
sleep 2
echo "Items and uncompressed bytes by type ($out/stats.json; one sample item of each type in stats.json.samples):"
cat "$out/stats.json"
