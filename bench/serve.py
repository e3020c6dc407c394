"""Serve e-Surat on 127.0.0.1 for the load test, with the standard library only.

    DATABASE_URL=… python bench/serve.py --port 8765 --workers 2 --threads 4

A pre-forked pool of wsgiref servers sharing one listening socket, each handing requests to a
fixed pool of threads (like gunicorn's gthread worker): each thread keeps its database
connection between requests (CONN_MAX_AGE). Loopback only; stop it with Ctrl-C or SIGTERM.
"""

import argparse
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class PooledWSGIServer(WSGIServer):
    request_queue_size = 512

    def __init__(self, address, handler, threads):
        super().__init__(address, handler)
        self.threads = threads
        self.pool = None

    def process_request(self, request, client_address):
        if self.pool is None:  # created in the worker, after the fork
            self.pool = ThreadPoolExecutor(self.threads)
        self.pool.submit(self._work, request, client_address)

    def _work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    args = parser.parse_args()

    from django.db import connections

    from esurat.wsgi import application  # as gunicorn loads it (GC freeze included)

    server = PooledWSGIServer(("127.0.0.1", args.port), QuietHandler, args.threads)
    server.set_app(application)
    connections.close_all()  # no connection may cross the fork
    children = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                server.serve_forever(poll_interval=0.5)
            finally:
                os._exit(0)
        children.append(pid)
    print(f"serving on http://127.0.0.1:{args.port}/ with {args.workers} processes × "
          f"{args.threads} threads (pids {children})", flush=True)  # fmt: skip

    def stop(*_):
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in children:
        os.wait()


if __name__ == "__main__":
    main()
