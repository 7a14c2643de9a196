# A stand-in for Application Insights ingestion on loopback (bench/telemetry/measure.sh): accepts every item and
# writes, after each batch, the items and their uncompressed JSON bytes by type. Usage: ingest.py PORT STATS_FILE
import collections
import gzip
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = collections.defaultdict(lambda: [0, 0])
samples = {}


def kind(item):
    base_type = item.get('data', {}).get('baseType', item.get('name'))
    data = item.get('data', {}).get('baseData', {})
    if base_type == 'RemoteDependencyData':
        return f"{base_type}:{data.get('type')}"
    if base_type == 'MetricData':
        return base_type + ':' + ','.join(m.get('name', '') for m in data.get('metrics', []))
    return base_type


class Ingestion(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        if self.headers.get('Content-Encoding') == 'gzip':
            body = gzip.decompress(body)
        lines = [line for line in body.splitlines() if line.strip()]
        for line in lines:
            key = kind(json.loads(line))
            stats[key][0] += 1
            stats[key][1] += len(line)
            samples.setdefault(key, line.decode())
        answer = json.dumps({'itemsReceived': len(lines), 'itemsAccepted': len(lines), 'errors': []}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
        summary = {k: {'items': n, 'bytes': b, 'average': round(b / n)} for k, (n, b) in sorted(stats.items())}
        with open(sys.argv[2], 'w') as f:
            json.dump(summary, f, indent=1)
        with open(sys.argv[2] + '.samples', 'w') as f:
            json.dump(samples, f, indent=1)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Ingestion).serve_forever()
