#!/usr/bin/env python3
# Holds idle connections to a netdiag serve on loopback, for the abuse tests
# (tests/e2e/t_serve_abuse.sh). Each source address gets PER connections,
# of the KINDS given in turn: 0 silent TCP, 1 a partial TLS ClientHello,
# 2 a finished TLS handshake with no request, 3 a finished TLS handshake
# and request headers that never end (a byte every 2 s). Every tick it notes which ones the server has
# closed; with --sustain it opens new ones in their place (at most RATE a
# second), as an attacker who wants to keep the server full would. Writes
# "opened open closed early" to STATUS (early: closed within EARLY seconds
# of opening, i.e. before any deadline of the server could have cut it).
# Bounded: it ends after SECS, or as soon as the file STOP exists.
import argparse
import os
import resource
import socket
import ssl
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--src", required=True, help="comma-separated 127.x.y.z source addresses")
ap.add_argument("--per", type=int, required=True)
ap.add_argument("--secs", type=float, default=30)
ap.add_argument("--sustain", action="store_true")
ap.add_argument("--rate", type=int, default=200)
ap.add_argument("--early", type=float, default=3.0)
ap.add_argument("--status", required=True)
ap.add_argument("--stop", default="")
ap.add_argument("--kinds", default="0,0,1,2")
a = ap.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
for s in a.src.split(","):
    if not s.startswith("127."):
        raise SystemExit("idle_holder: loopback sources only, not " + s)

tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
HELLO = b"\x16\x03\x01\x02\x00" + b"\x01\x00\x01\xfc\x03\x03" + b"\x00" * 4

live = []            # [sock, opened_at, src, kind, last byte sent]
pending = []         # (src, kind) to open again (--sustain)
opened = closed = early = 0
end = time.time() + a.secs


def open_one(src, kind):
    global opened
    try:
        s = socket.create_connection(("127.0.0.1", a.port), timeout=3, source_address=(src, 0))
        if kind == 1:
            s.send(HELLO)
        elif kind >= 2:
            s = tls.wrap_socket(s, do_handshake_on_connect=True)
            if kind == 3:
                s.send(b"GET /api/v1/pods HTTP/1.1\r\nHost: netdiag\r\nX-Slow: ")
        s.setblocking(False)
    except (OSError, ssl.SSLError):
        return
    opened += 1
    live.append([s, time.time(), src, kind, time.time()])


def status():
    tmp = a.status + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d %d %d\n" % (opened, len(live), closed, early))
    os.replace(tmp, a.status)


def stopped():
    return time.time() >= end or (a.stop and os.path.exists(a.stop))


kinds = [int(k) for k in a.kinds.split(",")]
for src in a.src.split(","):
    for i in range(a.per):
        if stopped():
            break
        open_one(src, kinds[i % len(kinds)])
status()
while not stopped():
    time.sleep(0.05)
    now = time.time()
    gone = []
    for e in live:
        try:
            while True:
                d = e[0].recv(4096)
                if d == b"":
                    gone.append(e)
                    break
        except (BlockingIOError, ssl.SSLWantReadError):
            pass
        except (OSError, ssl.SSLError):
            gone.append(e)
            continue
        if gone and gone[-1] is e:
            continue
        if e[3] == 3 and now - e[4] >= 2:
            try:
                e[0].send(b"x")
                e[4] = now
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
            except (OSError, ssl.SSLError):
                gone.append(e)
    for e in gone:
        live.remove(e)
        closed += 1
        if now - e[1] < a.early:
            early += 1
        e[0].close()
    if a.sustain:
        pending.extend((e[2], e[3]) for e in gone)
        for _ in range(min(len(pending), max(1, a.rate // 20))):
            open_one(*pending.pop(0))
    status()
status()
for e in live:
    e[0].close()
