"""Open-loop load on the inbox's first page over loopback, logged in by session cookie.

    DATABASE_URL=… python bench/load.py --rate 200 --seconds 30 --start-server

Several rates (--rate 50,100,200) run one after another. Requests are sent at a fixed rate whatever the server's speed (open loop), each from a random
logged-in user (sessions created with Client.force_login), to 127.0.0.1 only. The latency of a
request runs from its scheduled send time to the last byte of the response, so a server that
falls behind shows it. Bounded: at most --rate × --seconds requests (≤ 20,000), each with a
10-second timeout. With --start-server it starts bench/serve.py and stops it at the end, and
reports the CPU of the server's processes and of the PostgreSQL backends serving them per
answered request (from /proc, Linux): what a rate costs in cores, whatever else runs beside.
"""

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from esurat.accounts.models import User  # noqa: E402

HOST = "127.0.0.1"
MAX_REQUESTS = 20_000
PERSONAS = ["walikota", "sekda", "sekpri.walikota", "plt.kadis", "kadis.disdik", "staf.disdik"]


def session_cookies(n: int, seed: int) -> list[str]:
    """Session cookies of n random position holders plus the heavy personas."""
    rng = random.Random(seed)
    ids = list(User.objects.filter(held_positions__isnull=False).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(n, len(ids)))
    chosen += list(User.objects.filter(username__in=PERSONAS).values_list("pk", flat=True))
    cookies = []
    for user in User.objects.filter(pk__in=chosen):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    connections.close_all()
    return cookies


async def fetch(port: int, path: str, cookie: str, timeout: float) -> tuple[int, int]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        request = (f"GET {path} HTTP/1.0\r\nHost: {HOST}:{port}\r\n"
                   f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}\r\n"
                   f"Accept: text/html\r\nConnection: close\r\n\r\n")  # fmt: skip
        writer.write(request.encode())
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, len(data)


async def run(port, path, cookies, rate, seconds, seed, timeout=10.0):
    rng = random.Random(seed)
    total = min(int(rate * seconds), MAX_REQUESTS)
    results = []  # (latency from schedule, status, bytes)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def one(i):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - loop.time()))
        try:
            status, size = await fetch(port, path, rng.choice(cookies), timeout)
        except (TimeoutError, OSError) as exc:
            status, size = type(exc).__name__, 0
        results.append((loop.time() - scheduled, status, size))

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = loop.time() - start
    return results, elapsed


def report(label, results, elapsed, rate, expect=200):
    ok = sorted(r[0] * 1000 for r in results if r[1] == expect)
    statuses = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    if not ok:
        print(f"{label}: no successful request; statuses {statuses}")
        return

    def pick(q):
        return ok[min(len(ok) - 1, int(q * len(ok)))]

    size = sum(r[2] for r in results if r[1] == expect) // len(ok)
    print(f"{label}: target {rate} req/s, sent {len(results)} in {elapsed:.1f} s "
          f"(achieved {len(results) / elapsed:.0f} req/s), statuses {statuses}, ~{size} bytes\n"
          f"  latency p50 {pick(0.5):.1f}  p95 {pick(0.95):.1f}  p99 {pick(0.99):.1f}  "
          f"max {ok[-1]:.1f} ms", flush=True)  # fmt: skip


def _ticks(pid: int) -> int:
    """User + system CPU of a process so far, in clock ticks (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])


def _local_ports(pids: list[int]) -> set[int]:
    """Local TCP ports of the sockets these processes hold (their database connections)."""
    inodes = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def _processes(parent: int) -> tuple[list[int], list[int]]:
    """The server's worker processes (children of `parent`) and the PostgreSQL backends serving
    their connections (a backend's title names its client's port): other clients of the same
    database, another benchmark for instance, are not counted."""
    workers, postgres = [], {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            workers.append(int(entry.name))
        elif title.startswith("postgres: ") and "(" in title:
            postgres[int(entry.name)] = title
    ports = _local_ports(workers)
    backends = [pid for pid, title in postgres.items()
                if any(f"({port})" in title for port in ports)]  # fmt: skip
    return workers, backends


class CpuMeter:
    """CPU ms per request of the server workers and of PostgreSQL, over one run."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.hz = os.sysconf("SC_CLK_TCK")

    def start(self):
        self.before = [{p: _ticks(p) for p in group} for group in self._groups()]

    def _groups(self):
        return _processes(self.server_pid)

    def report(self, requests: int):
        """Per answered request. Processes that appeared during the run (a thread's new
        connection) count from 0; requests the client gave up on still cost the server."""
        used = []
        for group, before in zip(self._groups(), self.before, strict=True):
            ticks = sum(_ticks(p) - before.get(p, 0) for p in group)
            used.append((ticks * 1000 / self.hz / max(requests, 1), len(group)))
        (server, workers), (database, backends) = used
        print(
            f"  CPU per request: server {server:.1f} ms ({workers} processes), "
            f"PostgreSQL {database:.1f} ms ({backends} backends)",
            flush=True,
        )


def wait_for_port(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the server did not come up on {HOST}:{port}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", default="200", help="req/s; a comma list runs one after another")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--path", default="/letters/inbox/")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--expect", type=int, default=200, help="the status that counts as success")
    parser.add_argument("--start-server", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    cookies = session_cookies(args.users, seed=5)
    server = None
    if args.start_server:
        server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "serve.py"),
                                   "--port", str(args.port), "--workers", str(args.workers),
                                   "--threads", str(args.threads)])  # fmt: skip
    try:
        wait_for_port(args.port)
        warm, elapsed = asyncio.run(run(args.port, args.path, cookies, 50, 4, seed=1))
        report("warm-up", warm, elapsed, 50, args.expect)
        meter = CpuMeter(server.pid) if server is not None else None
        for rate in [float(r) for r in args.rate.split(",")]:
            print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if meter:
                meter.start()
            results, elapsed = asyncio.run(
                run(args.port, args.path, cookies, rate, args.seconds, seed=2)
            )
            report(f"GET {args.path}", results, elapsed, rate, args.expect)
            if meter:
                meter.report(sum(r[1] == args.expect for r in results))
            time.sleep(2)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
