#!/usr/bin/env python3
"""Slow and idle HTTP clients for bench/serve_load.sh's slow-client scenario.

Holds connections open against a server while another tool (wrk) measures
the rest of the traffic:
  --partial N  connections that send part of a request line and headers,
               then one more header byte every --trickle seconds (slowloris);
  --idle N     connections that complete one GET /healthz and then hold the
               keep-alive connection open without sending anything.
Runs for --seconds, then prints one line:
  SLOW_CLIENTS opened=A refused=B closed_by_server=C still_open=D
(refused: the connect or the first request failed, or the server answered
503; closed_by_server: connections the server closed while they were held).
"""
import argparse
import selectors
import socket
import sys
import time
from urllib.parse import urlparse


def connect(host, port, timeout=5.0):
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setblocking(False)
    return sock


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("address", help="http://HOST:PORT")
    parser.add_argument("--partial", type=int, default=100)
    parser.add_argument("--idle", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--trickle", type=float, default=1.0, help="seconds between bytes of a partial request")
    args = parser.parse_args()
    url = urlparse(args.address)
    host, port = url.hostname, url.port or 80

    selector = selectors.DefaultSelector()
    partial, opened, refused, closed = [], 0, 0, 0
    for _ in range(args.partial):
        try:
            sock = connect(host, port)
            sock.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        except OSError:
            refused += 1
            continue
        partial.append(sock)
        selector.register(sock, selectors.EVENT_READ, "partial")
        opened += 1
    for _ in range(args.idle):
        try:
            sock = socket.create_connection((host, port), timeout=5.0)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = sock.recv(65536)
        except OSError:
            refused += 1
            continue
        if not answer.startswith(b"HTTP/1.1 200"):
            refused += 1
            sock.close()
            continue
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, "idle")
        opened += 1

    deadline = time.monotonic() + args.seconds
    next_trickle = time.monotonic() + args.trickle
    while time.monotonic() < deadline:
        timeout = max(0.0, min(deadline, next_trickle) - time.monotonic())
        for key, _ in selector.select(timeout):
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if not data:  # closed by the server (a timeout, or a 4xx/503 then close)
                selector.unregister(key.fileobj)
                key.fileobj.close()
                closed += 1
        if time.monotonic() >= next_trickle:
            next_trickle += args.trickle
            for sock in list(partial):
                if sock.fileno() < 0:
                    partial.remove(sock)
                    continue
                try:
                    sock.send(b"X")  # one more byte of an endless header value
                except OSError:
                    pass
    still_open = len(selector.get_map())
    print(f"SLOW_CLIENTS opened={opened} refused={refused} closed_by_server={closed} still_open={still_open}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
