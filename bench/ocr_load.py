"""Inbox latency while OCR keeps the worker busy (issue 3: p95 may grow by at most 20 %).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench python bench/ocr_load.py

Needs the city-scale database of bench/seed.py. Measures GET /letters/inbox/ in-process (middleware,
session, templates) for the heaviest inboxes and a sample of staff, first with the machine idle,
then while one worker process reads image-only scans without pause (OCRmyPDF + Tesseract `ind`,
OMP_THREAD_LIMIT=1, one page at a time: what `db_worker` does with a queue full of scans).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
os.environ["OMP_THREAD_LIMIT"] = "1"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from esurat.accounts.models import User  # noqa: E402


def ocr_forever(stop, pages_done):
    """The busy worker: read one-page scans until told to stop."""
    from bench.ocr import render
    from esurat.letters import ocr

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scan.pdf"
        render(path, [1])
        while not stop.is_set():
            ocr.read_pdf(str(path), jobs=1)
            with pages_done.get_lock():
                pages_done.value += 1


def p95(samples):
    return statistics.quantiles(samples, n=20)[18]


def measure(clients, rounds):
    samples = []
    for _ in range(rounds):
        for client in clients:
            started = time.perf_counter()
            response = client.get("/letters/inbox/")
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    heavy = list(User.objects.filter(username__in=["sekda", "walikota"]))
    # A spread of ordinary accounts: every 400th account holding a position.
    everyone = User.objects.filter(held_positions__isnull=False).order_by("pk").distinct()
    staff = list(everyone[: args.users * 400])[::400]
    clients = []
    for user in heavy + staff:
        client = Client()
        client.force_login(user)
        clients.append(client)
    measure(clients, 2)  # warm caches and connections
    idle = measure(clients, args.rounds)
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, like db_worker
    stop, pages_done = spawn.Event(), spawn.Value("i", 0)
    worker = spawn.Process(target=ocr_forever, args=(stop, pages_done))
    worker.start()
    time.sleep(8)  # let the first pages start
    with pages_done.get_lock():
        pages_done.value = 0
    started = time.perf_counter()
    busy = measure(clients, args.rounds)
    elapsed = time.perf_counter() - started
    stop.set()
    worker.join(timeout=120)
    growth = (p95(busy) / p95(idle) - 1) * 100
    print(f"inbox p95 idle {p95(idle):.1f} ms, while OCR runs {p95(busy):.1f} ms "
          f"({growth:+.0f} %; target ≤ +20 %); {len(idle)} requests each; "
          f"OCR pages read meanwhile: {pages_done.value} in {elapsed:.0f} s")  # fmt: skip
    return 0 if growth <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
