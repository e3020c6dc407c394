"""OCR throughput: pages per second at 300 dpi, the way the worker reads incoming scans.

    python bench/ocr.py --pages 12 --cores 2

Renders Indonesian official letters (A4, 300 dpi, text only as pictures) into image-only PDFs,
then reads them with esurat.letters.ocr.read_pdf (OCRmyPDF + Tesseract `ind`,
OMP_THREAD_LIMIT=1) in two set-ups on `--cores` cores:

  workers   --cores worker processes, each reading one-page letters (jobs=1): many letters a day
  document  one multi-page letter read by one task with jobs=--cores

Rendering is not timed. Every page's proposal is checked (number, date, subject), so a speed-up
that breaks recognition shows. Target (issue 3): at least 0.65 pages/s on 2 cores.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
os.environ["OMP_THREAD_LIMIT"] = "1"

import django  # noqa: E402

django.setup()

from esurat.letters import ocr  # noqa: E402
from esurat.letters.tests.incoming_factories import HEADER, letter_image  # noqa: E402

TARGET = 0.65


def page_lines(i: int):
    """The test letter with its own number on each page, so every page is a different text."""
    number = f"005/{100 + i}/DISKOMINFO/XI/2026"
    return [(how, f"Nomor      : {number}" if text.startswith("Nomor") else text)
            for how, text in HEADER], number  # fmt: skip


def render(path: Path, numbers: list[int]) -> list[str]:
    images, expected = [], []
    for i in numbers:
        lines, number = page_lines(i)
        images.append(letter_image(dpi=300, lines=lines))
        expected.append(number)
    images[0].save(path, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return expected


def cpu_seconds() -> float:
    """CPU used by this process and its finished children (Tesseract runs as a child)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def read_one(path: str, jobs: int = 1) -> tuple[str, float, float]:
    started, cpu = time.perf_counter(), cpu_seconds()
    result = ocr.read_pdf(path, jobs=jobs)
    return result.text, time.perf_counter() - started, cpu_seconds() - cpu


def check(text: str, number: str) -> bool:
    proposal = ocr.propose(text)
    return (proposal["sender_number"], proposal["sender_date"], proposal["subject"]) == (
        number, "2026-11-23", "Undangan Rapat Koordinasi"
    )  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        singles = []
        for i in range(args.pages):
            path = Path(tmp) / f"letter-{i}.pdf"
            singles.append((str(path), render(path, [i])[0]))
        multi = Path(tmp) / "multi.pdf"
        multi_expected = render(multi, list(range(args.pages)))
        read_one(singles[0][0])  # warm the caches (imports, traineddata)

        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.cores) as pool:
            results = list(pool.map(read_one, [p for p, _ in singles]))
        workers_s = time.perf_counter() - started
        correct = sum(check(r[0], n) for r, (_, n) in zip(results, singles, strict=True))
        per_page = sorted(seconds for _, seconds, _ in results)
        cpu_per_page = sorted(cpu for _, _, cpu in results)[len(results) // 2]

        text, document_s, _ = read_one(str(multi), jobs=args.cores)
        pages = text.split("\f")
        doc_correct = sum(check(p, n) for p, n in zip(pages, multi_expected, strict=False))

    rows = [
        ("workers", args.pages / workers_s, workers_s, correct),
        ("document", args.pages / document_s, document_s, doc_correct),
    ]
    print(f"OCR at 300 dpi, {args.pages} A4 pages, {args.cores} cores, OMP_THREAD_LIMIT=1")
    print(f"{'set-up':10} {'pages/s':>8} {'seconds':>8} {'proposals right':>16}")
    for name, rate, seconds, right in rows:
        print(f"{name:10} {rate:8.2f} {seconds:8.1f} {right:>10}/{args.pages}")
    print(
        f"one page: median {per_page[len(per_page) // 2]:.2f} s wall, "
        f"{cpu_per_page:.2f} s CPU (OCRmyPDF + Tesseract)"
    )
    print(f"CPU-bound ceiling on {args.cores} idle cores: {args.cores / cpu_per_page:.2f} pages/s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f}")
    ok = min(rate for _, rate, _, _ in rows) >= TARGET
    print(f"target ≥ {TARGET} pages/s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
