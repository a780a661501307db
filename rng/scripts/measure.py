"""Start-up to first response, RSS and CPU time of rng and hasher for four JVM flag sets.

Run from the repository root after `./mvnw -q -B -pl rng,hasher package -DskipTests`:
    python3 rng/scripts/measure.py [runs per flag set, default 10]
Each run starts `java ... -jar <svc>/target/<svc>.jar` on 127.0.0.1:18090 with no delays, polls
`GET /` every 2 ms, and at the first 200 reads VmRSS and utime+stime from /proc, then sends
SIGTERM. The AOT caches (JDK 25) come from a training run with the same flags that serves 300
requests and is then stopped with SIGTERM, which writes the cache.
"""
import os, socket, statistics, subprocess, sys, tempfile, time

JAVA = os.environ.get('JAVA', '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java')
SMALL = ['-XX:+UseSerialGC', '-Xmx32m', '-Xss256k', '-XX:TieredStopAtLevel=1']
PORT = 18090
CACHES = tempfile.mkdtemp(prefix='rng-hasher-aot-')

def answered():
    try:
        with socket.create_connection(('127.0.0.1', PORT), timeout=2) as s:
            s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
            return s.recv(64).startswith(b'HTTP/1.1 200')
    except OSError:
        return False

def rss_mb(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024

def cpu_ms(pid):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK')

def start(flags, svc):
    env = dict(os.environ, PORT=str(PORT), BIND_ADDRESS='127.0.0.1', RNG_DELAY='0', HASHER_DELAY='0')
    t0 = time.perf_counter()
    p = subprocess.Popen([JAVA, *flags, '-jar', f'{svc}/target/{svc}.jar'], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not answered():
        if time.perf_counter() > t0 + 20 or p.poll() is not None:
            raise SystemExit(f'{svc} did not answer')
        time.sleep(0.002)
    return p, (time.perf_counter() - t0) * 1000

def stop(p):
    p.terminate()
    p.wait(10)

def train(flags, svc):
    cache = f'{CACHES}/{svc}-{len(flags)}.aot'
    p, _ = start(flags + [f'-XX:AOTCacheOutput={cache}'], svc)
    request = b'GET /32 HTTP/1.1\r\n' if svc == 'rng' else b'POST / HTTP/1.1\r\nContent-Length: 32\r\n'
    body = b'' if svc == 'rng' else b'x' * 32
    for _ in range(300):
        with socket.create_connection(('127.0.0.1', PORT)) as s:
            s.sendall(request + b'Host: x\r\nConnection: close\r\n\r\n' + body)
            while s.recv(4096):
                pass
    stop(p)
    return cache

def measure(name, flags, svc, runs):
    times, rss, cpu = [], [], []
    for _ in range(runs):
        p, ms = start(flags, svc)
        rss.append(rss_mb(p.pid)); cpu.append(cpu_ms(p.pid)); times.append(ms)
        stop(p)
    print(f'{svc:7} {name:24} first response {statistics.median(times):4.0f} ms (best {min(times):4.0f})'
          f'  RSS {statistics.median(rss):5.1f} MB  CPU {statistics.median(cpu):4.0f} ms', flush=True)

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
for svc in ('rng', 'hasher'):
    plain_cache, small_cache = train([], svc), train(SMALL, svc)
    measure('plain', [], svc, runs)
    measure('small flags', SMALL, svc, runs)
    measure('plain + AOT cache', [f'-XX:AOTCache={plain_cache}'], svc, runs)
    measure('small flags + AOT cache', SMALL + [f'-XX:AOTCache={small_cache}'], svc, runs)
