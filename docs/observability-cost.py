"""What instrumentation costs: start-up, CPU, RSS and turbo hashes/s, before and after.

Usage, from the repository root, after `./mvnw -q -B -pl rng,hasher,worker,webui package -DskipTests`:
    python3 docs/observability-cost.py BEFORE_DIR [runs, default 7]
BEFORE_DIR holds the services built from the commit before instrumentation, e.g.
    mkdir -p /tmp/before && git archive 9dd0ddc rng hasher worker webui mvnw .mvn | tar -x -C /tmp/before
    (cd /tmp/before && for s in rng hasher worker webui; do ./mvnw -q -B -f $s/pom.xml package -DskipTests; done)
JDK 25, the containers' flags (-XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1), ports 1819x
on 127.0.0.1, a redis-server from PATH (or REDIS_SERVER=/path/to/redis-server). Every process
started here is stopped here.
"""
import os, re, socket, statistics, subprocess, sys, tempfile, time

JAVA = os.environ.get('JAVA', '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java')
SMALL = ['-XX:+UseSerialGC', '-Xmx32m', '-Xss256k', '-XX:TieredStopAtLevel=1']
AGENT = os.path.expanduser('~/.m2/repository/io/opentelemetry/javaagent/opentelemetry-javaagent/2.31.1/'
                           'opentelemetry-javaagent-2.31.1.jar')
BEFORE = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
REDIS_PORT, RNG_PORT, HASHER_PORT, SVC_PORT = 18196, 18197, 18198, 18199

def request(port, path, method='GET', body=b''):
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=5) as s:
            s.sendall(f'{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n'.encode() + body)
            data = b''
            while chunk := s.recv(65536):
                data += chunk
            return data
    except OSError:
        return b''

def rss_mb(pid):
    return [int(l.split()[1]) / 1024 for l in open(f'/proc/{pid}/status') if l.startswith('VmRSS:')][0]

def cpu_ms(pid):
    f = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 / os.sysconf('SC_CLK_TCK')

def java(jar, env, flags=(), out=subprocess.DEVNULL):
    env = dict(os.environ, BIND_ADDRESS='127.0.0.1', RNG_DELAY='0', HASHER_DELAY='0', WORKER_DELAY='0',
               REDIS_URL=f'redis://127.0.0.1:{REDIS_PORT}', RNG_URL=f'http://127.0.0.1:{RNG_PORT}',
               HASHER_URL=f'http://127.0.0.1:{HASHER_PORT}', OTEL_TRACES_EXPORTER='none',
               OTEL_METRICS_EXPORTER='none', OTEL_LOGS_EXPORTER='none', **env)
    return subprocess.Popen([JAVA, *SMALL, *flags, '-jar', jar], env=env, stdout=out, stderr=subprocess.STDOUT)

def stop(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()

def first_answer(jar, path, flags=(), load=None):
    t0 = time.perf_counter()
    p = java(jar, {'PORT': str(SVC_PORT)}, flags)
    while not request(SVC_PORT, path).startswith(b'HTTP/1.1 200'):
        if time.perf_counter() > t0 + 30 or p.poll() is not None:
            stop(p); raise SystemExit(f'{jar} did not answer {path}')
        time.sleep(0.002)
    ms, cpu, rss = (time.perf_counter() - t0) * 1000, cpu_ms(p.pid), rss_mb(p.pid)
    if load:
        load()
    after = rss_mb(p.pid)
    stop(p)
    return ms, cpu, rss, after

def worker_start(jar, env=None, flags=()):
    t0 = time.perf_counter()
    p = java(jar, env or {}, flags, out=subprocess.PIPE)
    for line in p.stdout:  # the first INCRBY is logged at the start of the first loop
        if b'units of work done' in line:
            break
    ms, cpu, rss = (time.perf_counter() - t0) * 1000, cpu_ms(p.pid), rss_mb(p.pid)
    time.sleep(3)
    after = rss_mb(p.pid)
    stop(p)
    return ms, cpu, rss, after

def row(label, results):
    med = lambda i: statistics.median(r[i] for r in results)
    print(f'| {label} | {med(0):.0f} ms (best {min(r[0] for r in results):.0f}) | {med(1):.0f} ms '
          f'| {med(2):.1f} MB | {med(3):.1f} MB |', flush=True)

def redis_command(*args):
    with socket.create_connection(('127.0.0.1', REDIS_PORT), timeout=5) as s:
        s.sendall(f'*{len(args)}\r\n'.encode() + b''.join(f'${len(a)}\r\n{a}\r\n'.encode() for a in args))
        return s.recv(4096)

def hashes():
    reply = redis_command('GET', 'hashes')
    return 0 if reply.startswith(b'$-1') else int(reply.split(b'\r\n')[1])

def turbo(tree, workers=2, seconds=10):
    """hashes/s of `workers` workers against rng and hasher, all with no delay."""
    redis_command('FLUSHALL')
    procs = [java(f'{tree}/rng/target/rng.jar', {'PORT': str(RNG_PORT), 'RNG_CONCURRENCY': '1'}),
             java(f'{tree}/hasher/target/hasher.jar', {'PORT': str(HASHER_PORT)})]
    while not request(RNG_PORT, '/1').startswith(b'HTTP/1.1 200') or not request(HASHER_PORT, '/').startswith(b'HTTP/1.1 200'):
        time.sleep(0.01)
    procs += [java(f'{tree}/worker/target/worker.jar', {}) for _ in range(workers)]
    time.sleep(5)  # warm-up
    h0, t0 = hashes(), time.perf_counter()
    time.sleep(seconds)
    rate = (hashes() - h0) / (time.perf_counter() - t0)
    for p in procs:
        stop(p)
    return rate

redis = subprocess.Popen([os.environ.get('REDIS_SERVER', 'redis-server'), '--port', str(REDIS_PORT), '--bind', '127.0.0.1', '--save', '',
                          '--appendonly', 'no'], stdout=subprocess.DEVNULL)
peers = []
try:
    time.sleep(0.5)
    def scrape_load(port=SVC_PORT, path='/32'):
        return lambda: [request(port, path) for _ in range(300)] + [request(port, '/metrics') for _ in range(20)]
    print('| service, build | first answer: median (best) | CPU to it | RSS at it | RSS after load |')
    print('|---|---|---|---|---|')
    for svc, path, load_path in (('rng', '/', '/32'), ('hasher', '/', '/'), ('webui', '/json', '/json')):
        for label, tree in (('before', BEFORE), ('after', '.')):
            row(f'{svc} {label}', [first_answer(f'{tree}/{svc}/target/{svc}.jar', path, load=scrape_load(path=load_path))
                                   for _ in range(RUNS)])
    caches = tempfile.mkdtemp(prefix='observability-aot-')
    for svc, path, load_path in (('rng', '/', '/32'), ('hasher', '/', '/')):
        for label, tree in (('before', BEFORE), ('after', '.')):
            # The AOT cache (JDK 25) of a training run that serves requests and scrapes, stopped with SIGTERM.
            cache, jar = f'{caches}/{svc}-{label}.aot', f'{tree}/{svc}/target/{svc}.jar'
            train = java(jar, {'PORT': str(SVC_PORT)}, [f'-XX:AOTCacheOutput={cache}'])
            while not request(SVC_PORT, path).startswith(b'HTTP/1.1 200'):
                time.sleep(0.01)
            scrape_load(path=load_path)()
            stop(train)
            row(f'{svc} {label} + AOT cache', [first_answer(jar, path, [f'-XX:AOTCache={cache}'], load=scrape_load(path=load_path))
                                               for _ in range(RUNS)])
    row('rng after + OpenTelemetry agent', [first_answer('./rng/target/rng.jar', '/', [f'-javaagent:{AGENT}'],
                                                          load=scrape_load()) for _ in range(max(3, RUNS // 2))])
    peers = [java('./rng/target/rng.jar', {'PORT': str(RNG_PORT), 'RNG_CONCURRENCY': '0'}),
             java('./hasher/target/hasher.jar', {'PORT': str(HASHER_PORT)})]
    time.sleep(3)
    for label, jar, env in (('worker before', f'{BEFORE}/worker/target/worker.jar', {}),
                            ('worker after', './worker/target/worker.jar', {}),
                            ('worker after, METRICS_PORT set', './worker/target/worker.jar', {'METRICS_PORT': str(SVC_PORT)})):
        row(label + ' (first INCRBY; RSS after 3 s of turbo work)', [worker_start(jar, env) for _ in range(RUNS)])
    for p in peers:
        stop(p)
    peers = []
    print('\nturbo hashes/s, 2 workers, no delays (rng still one at a time), 10 s after 5 s warm-up:')
    rates = {'before': [], 'after': []}
    for _ in range(2):
        for label, tree in (('before', BEFORE), ('after', '.')):
            rates[label].append(turbo(tree))
    for label, values in rates.items():
        print(f'  {label}: ' + ', '.join(f'{v:.0f}' for v in values) + ' hashes/s', flush=True)
finally:
    for p in peers:
        stop(p)
    stop(redis)
