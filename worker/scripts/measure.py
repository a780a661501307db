#!/usr/bin/env python3
"""Start-up and memory of the worker, 5 runs and their median: launch -> first "units of work
done" line (settings read, Redis client made, loop entered), launch -> first GET /32 at an rng
stand-in (that includes the 0.1 s WORKER_DELAY sleep), and RSS after 5 s of work. The stand-in
answers rng and hasher at once (no delay). Needs a redis-server on 127.0.0.1:REDIS_PORT.

Usage: python3 worker/scripts/measure.py JAVA worker/target/worker.jar REDIS_PORT [JVM flags...]"""
import hashlib, http.server, os, subprocess, sys, threading, time

java, jar, redis_port, flags = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
first_rng = []

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if not first_rng: first_rng.append(time.monotonic())
        body = os.urandom(32)
        self.send_response(200); self.send_header("Content-Length", "32"); self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        body = hashlib.sha256(data).hexdigest().encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d" % srv.server_address[1]
runs = []
for i in range(5):
    first_rng.clear()
    env = dict(os.environ, RNG_URL=url, HASHER_URL=url, REDIS_URL="redis://127.0.0.1:" + redis_port)
    t0 = time.monotonic()
    p = subprocess.Popen([java, *flags, "-jar", jar], env=env, stdout=subprocess.PIPE, text=True)
    first_log = None
    for line in p.stdout:
        if "units of work done" in line:
            first_log = time.monotonic(); break
    threading.Thread(target=lambda: p.stdout.read(), daemon=True).start()
    while not first_rng: time.sleep(0.001)
    time.sleep(5)
    rss = [l for l in open("/proc/%d/status" % p.pid) if l.startswith("VmRSS")][0].split()[1]
    p.terminate(); p.wait(5)
    runs.append((first_log - t0, first_rng[0] - t0, int(rss) / 1024))
    print("run %d: first log %.3f s, first GET /32 %.3f s, RSS %.1f MB" % (i + 1, *runs[-1]), flush=True)
med = lambda k: sorted(r[k] for r in runs)[len(runs) // 2]
low = lambda k: min(r[k] for r in runs)
print("median: first log %.3f s, first GET /32 %.3f s, RSS %.1f MB" % (med(0), med(1), med(2)))
print("best:   first log %.3f s, first GET /32 %.3f s, RSS %.1f MB" % (low(0), low(1), low(2)))
print("load average: " + open("/proc/loadavg").read().strip())
