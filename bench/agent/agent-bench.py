#!/usr/bin/env python3
"""Agent resource budget: CPU seconds and peak RSS of `itinventory-agent --once` (full inventory, then heartbeat)
beside `fusioninventory-agent --local` in the same run, and the bytes each check-in puts on the wire.

    python3 bench/agent/agent-bench.py [--agent PATH] [--runs 3]

The agent talks to a stub of the two device endpoints on loopback (answers shaped as docs/api.md says), so only the
agent's own cost is measured. CPU and peak RSS come from the kernel's accounting of each run (getrusage of the waited
child and its descendants: the tools it starts, `ip` and `lsblk`, included). Exit code 0 when every target is met.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEARTBEAT_SECONDS = 14400  # CheckIns__HeartbeatIntervalSeconds default


class Stub(BaseHTTPRequestHandler):
    requests = []  # (path, kind, wire bytes: request line + headers + body)
    full_requested = True

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        head = len(self.requestline) + 2 + sum(len(k) + len(v) + 4 for k, v in self.headers.items()) + 2
        device = "0" * 31 + "1"
        if self.path == "/api/devices/enroll":
            Stub.requests.append((self.path, "enroll", head + len(body)))
            answer = {"deviceId": device, "deviceSecret": "s" * 43, "authorization": f"Device {device}.{'s' * 43}",
                      "status": "created", "state": "Discovered", "needsReview": True,
                      "nextCheckinSeconds": HEARTBEAT_SECONDS, "fullInventoryRequested": True}
            status = 201
        else:
            kind = "inventory" if self.headers.get("Content-Encoding") == "gzip" else "heartbeat"
            Stub.requests.append((self.path, kind, head + len(body)))
            if kind == "inventory":
                Stub.full_requested = False
                answer = {"deviceId": device, "status": "queued", "checkinId": uuid.uuid4().hex,
                          "nextCheckinSeconds": HEARTBEAT_SECONDS, "fullInventoryRequested": False,
                          "inventoryHash": "h1"}
                status = 202
            else:
                answer = {"deviceId": device, "status": "accepted", "nextCheckinSeconds": HEARTBEAT_SECONDS,
                          "fullInventoryRequested": Stub.full_requested, "inventoryHash": "h1"}
                status = 200
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def measured(cmd, env=None):
    """Runs cmd; returns (cpu seconds, peak RSS MB, exit code) from the kernel's accounting of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure each kind in its own process below.
    return cpu, after.ru_maxrss / 1024, proc.returncode


def isolated(cmd, env=None):
    """Measures cmd in a fresh python child so that peak RSS is that command's own, not an earlier one's."""
    code = ("import json,resource,subprocess,sys;b=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
            "a=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps([a.ru_utime-b.ru_utime+a.ru_stime-b.ru_stime,a.ru_maxrss/1024,p.returncode,"
            "p.stderr.decode(errors='replace')[-1500:]]))")
    out = subprocess.run([sys.executable, "-c", code, *cmd], env=env, capture_output=True, text=True).stdout
    cpu, rss, rc, err = json.loads(out)
    if rc != 0:
        sys.stderr.write(err)
    return cpu, rss, rc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default=os.path.join(REPO, "artifacts", "publish-linux-x64", "itinventory-agent"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(args.agent):
        if shutil.which("clang") is None:  # Native AOT links with clang (agent/ItInventory.Agent.csproj)
            subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "clang"], check=True)
        subprocess.run(["dotnet", "publish", os.path.join(REPO, "agent", "ItInventory.Agent"), "-c", "Release",
                        "-r", "linux-x64", "-o", os.path.dirname(args.agent)], check=True)
    if shutil.which("fusioninventory-agent") is None:
        subprocess.run(["apt-get", "install", "-y", "fusioninventory-agent"], check=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    load_start = os.getloadavg()

    full, beat, fusion = [], [], []
    wire_inventory = wire_heartbeat = 0
    for _ in range(args.runs):
        state = tempfile.mkdtemp(prefix="agent-bench-")
        env = dict(os.environ, ITINVENTORY_AGENT_SERVER_URL=url, ITINVENTORY_AGENT_ENROLLMENT_SECRET="bench",
                   ITINVENTORY_AGENT_STATE_DIRECTORY=state, ITINVENTORY_AGENT_LOG_FILE="",
                   ITINVENTORY_AGENT_CONFIG=os.path.join(state, "none.json"))
        Stub.requests.clear()
        Stub.full_requested = True
        full.append(isolated([args.agent, "--once"], env))          # enroll + heartbeat + full inventory
        wire_inventory = sum(b for p, k, b in Stub.requests if k == "inventory")
        Stub.requests.clear()
        beat.append(isolated([args.agent, "--once"], env))          # heartbeat only (hash unchanged)
        assert [k for _, k, _ in Stub.requests] == ["heartbeat"], Stub.requests
        wire_heartbeat = sum(b for _, _, b in Stub.requests)
        local = tempfile.mkdtemp(prefix="fusion-bench-")
        fusion.append(isolated(["fusioninventory-agent", "--local", local, "--no-category", "printer"]))
        shutil.rmtree(local, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    server.shutdown()

    med = lambda runs, i: statistics.median(r[i] for r in runs)
    f_cpu, f_rss = med(full, 0), med(full, 1)
    h_cpu, h_rss = med(beat, 0), med(beat, 1)
    x_cpu, x_rss = med(fusion, 0), med(fusion, 1)
    per_day_heartbeats = 86400 // HEARTBEAT_SECONDS
    bytes_day = wire_heartbeat * per_day_heartbeats
    targets = {
        "full inventory CPU <= 0.25 x FusionInventory": f_cpu <= 0.25 * x_cpu,
        "full inventory peak RSS <= 30 MB": f_rss <= 30,
        "heartbeat CPU <= 50 ms": h_cpu <= 0.050,
        "heartbeat < 1 KB on the wire": wire_heartbeat < 1024,
    }
    print("BEGIN_BENCH_METRICS")
    for name, value in [
        ("agent.full.cpu_s", f_cpu), ("agent.full.peak_rss_mb", f_rss), ("agent.heartbeat.cpu_s", h_cpu),
        ("agent.heartbeat.peak_rss_mb", h_rss), ("fusioninventory.cpu_s", x_cpu),
        ("fusioninventory.peak_rss_mb", x_rss), ("ratio.full_cpu_vs_fusion", f_cpu / x_cpu),
        ("ratio.full_rss_vs_fusion", f_rss / x_rss), ("wire.heartbeat_bytes", wire_heartbeat),
        ("wire.inventory_bytes", wire_inventory), ("wire.bytes_per_device_per_day_heartbeats", bytes_day),
        ("wire.bytes_per_device_per_day_with_daily_inventory", bytes_day + wire_inventory),
    ]:
        print(f"{name}={value:.3f}" if isinstance(value, float) else f"{name}={value}")
    print("END_BENCH_METRICS")
    print(f"\nload average {load_start[0]:.1f} at start, {os.getloadavg()[0]:.1f} at end; median of {args.runs} runs")
    print("| | CPU s | peak RSS MB | wire bytes |\n|---|---|---|---|")
    print(f"| agent --once, full inventory (enroll + heartbeat + inventory) | {f_cpu:.3f} | {f_rss:.1f} | {wire_inventory} (inventory, gzip) |")
    print(f"| agent --once, heartbeat | {h_cpu:.3f} | {h_rss:.1f} | {wire_heartbeat} |")
    print(f"| fusioninventory-agent --local | {x_cpu:.3f} | {x_rss:.1f} | |")
    print(f"| ratio agent full / FusionInventory | {f_cpu / x_cpu:.2f} | {f_rss / x_rss:.2f} | |")
    print(f"\nbytes per device per day at the default interval ({HEARTBEAT_SECONDS} s): {bytes_day} heartbeats only, "
          f"{bytes_day + wire_inventory} with one full inventory a day")
    for name, ok in targets.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
