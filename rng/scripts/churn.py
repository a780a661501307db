# Connection churn (docs/bench.md, "Where the memory goes"): each request on a new connection with "Connection: close"; prints RSS of PID as it goes.
# usage: churn.py PORT PID TOTAL THREADS METHOD PATH
import socket, sys, threading, time
port, pid, total, threads, method, path = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
body = b"x" * 32 if method == "POST" else b""
req = (f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
done = [0]; errors = [0]; noclose = [0]; lock = threading.Lock()
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1]) // 1024
def work(n):
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port)); s.sendall(req)
            data = b""
            while True:
                d = s.recv(65536)
                if not d: break
                data += d
            s.close()
            head = data.split(b"\r\n\r\n", 1)[0].lower()
            with lock:
                done[0] += 1
                if b"connection: close" not in head: noclose[0] += 1
        except OSError:
            with lock: errors[0] += 1
start = time.time(); print(f"start rss {rss()} MB", flush=True)
ts = [threading.Thread(target=work, args=(total // threads,)) for _ in range(threads)]
for t in ts: t.start()
while any(t.is_alive() for t in ts):
    time.sleep(5); print(f"{time.time()-start:5.0f}s {done[0]} requests, rss {rss()} MB", flush=True)
print(f"done {done[0]} requests in {time.time()-start:.0f}s, errors {errors[0]}, answers without 'Connection: close' {noclose[0]}, rss {rss()} MB", flush=True)
