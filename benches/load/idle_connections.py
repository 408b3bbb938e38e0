#!/usr/bin/env python3
"""Opens N keep-alive connections to URL, one request each, holds them, prints PID's RSS (kB)."""
import socket, sys, time, urllib.parse

url, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
u = urllib.parse.urlsplit(url)
req = (f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.netloc}\r\n"
       "Ocp-Apim-Subscription-Key: bench-key\r\nX-Tier: gold\r\n\r\n").encode()
socks = []
for _ in range(n):
    s = socket.create_connection((u.hostname, u.port))
    s.sendall(req)
    s.recv(65536)
    socks.append(s)
time.sleep(1.0)
with open(f"/proc/{pid}/status") as f:
    print(next(l.split()[1] for l in f if l.startswith("VmRSS")))
for s in socks:
    s.close()
