"""Weight of the inbox and compose pages on a slow phone link (issue 9, item 24).

    python bench/phone_weight.py                      # a throw-away SQLite database, DEBUG off
    python bench/phone_weight.py --runs 5 --user staf.aptika --port 8766

Builds the demo city in a temporary directory (migrate, seed_demo --force, collectstatic, as a
server is deployed: docs/deploy.md), starts bench/serve.py on it, then drives Debian's
/usr/bin/chromium through PyPI's playwright (never `playwright install`) with a 360 px phone
viewport and Chrome DevTools network throttling: 400 kbit/s down and up, 400 ms latency. After
logging in (unthrottled), for the inbox and then the compose page:

- first visit: the browser's cache emptied (Network.clearBrowserCache), then the page loaded;
- repeat visit: the same page loaded again, with what the first visit cached.

For each: bytes transferred (the sum of Network.loadingFinished's encodedDataLength: headers and
body as they crossed the wire, compressed or not), the number of requests that went to the server
(a 304 counts, a file taken from the browser's cache does not), first paint and first
contentful paint (the Performance timeline's `paint` entries, ms from navigation start) and the
load event. Each figure is the median of --runs runs (a fresh browser context per run). The exit
status is non-zero when a target is missed: inbox first visit ≤ 120 KB and first paint ≤ 3 s.
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
KBPS = 400
LATENCY_MS = 400
TARGET_BYTES = 120 * 1024
TARGET_PAINT_MS = 3000.0
PASSWORD = "demo-esurat"


def prepare(env: dict) -> None:
    """The demo city and the collected static files, as a deployed server has them."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["seed_demo", "--force"],
                    ["collectstatic", "--noinput"]):  # fmt: skip
        subprocess.run(manage + command, env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def wait_for(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port}")


def visit(page, cdp, url: str) -> dict:
    """Load `url` on the throttled link; bytes, requests and paint timings of that load."""
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}

    def sent(event):
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event):
        if not urls.get(event["requestId"], "").startswith("data:"):  # inline, nothing sent
            sizes[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    cdp.remove_listener("Network.loadingFinished", finished)
    cdp.remove_listener("Network.requestWillBeSent", sent)
    timings = page.evaluate(
        """() => {
            const paint = Object.fromEntries(
                performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
            const nav = performance.getEntriesByType('navigation')[0];
            return {fp: paint['first-paint'], fcp: paint['first-contentful-paint'],
                    load: nav ? nav.loadEventEnd : null};
        }"""
    )
    files = sorted(((urls.get(rid, "?"), size) for rid, size in sizes.items()), key=lambda f: -f[1])
    # Resources taken from the browser's cache finish with 0 bytes: not counted as requests.
    fetched = sum(1 for size in sizes.values() if size > 0)
    return {"bytes": sum(sizes.values()), "requests": fetched, "files": files, **timings}


def measure_once(browser, base: str, user: str) -> dict:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        device_scale_factor=2, locale="id-ID", timezone_id="Asia/Makassar",
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": LATENCY_MS,
        "downloadThroughput": KBPS * 1000 / 8, "uploadThroughput": KBPS * 1000 / 8,
    })  # fmt: skip
    results = {}
    for name, path in (("inbox", "/letters/inbox/"), ("compose", "/letters/new/")):
        cdp.send("Network.clearBrowserCache")
        results[f"{name}, first visit"] = visit(page, cdp, base + path)
        results[f"{name}, repeat visit"] = visit(page, cdp, base + path)
    context.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--user", default="kadis.kominfo")
    parser.add_argument("--files", action="store_true", help="list each request of the first run")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="esurat-bench-phone-"))
    env = {**os.environ, "ESURAT_VAR_DIR": str(var), "DEBUG": "0", "SECURE_COOKIES": "0",
           "AXES_ENABLED": "0", "ESURAT_CA_PASSPHRASE": "bench-ca-passphrase",
           "DJANGO_SETTINGS_MODULE": "esurat.settings"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    server = None
    try:
        print(f"preparing the demo city in {var} …", flush=True)
        prepare(env)
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "serve.py"), "--port", str(args.port)],
            env=env, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        wait_for(args.port)
        from playwright.sync_api import sync_playwright

        base = f"http://127.0.0.1:{args.port}"
        runs = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for _ in range(args.runs):
                runs.append(measure_once(browser, base, args.user))
            browser.close()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)

    print(f"\n{args.user}, 360 px phone, {KBPS} kbit/s down/up, {LATENCY_MS} ms latency, "
          f"median of {args.runs} runs")  # fmt: skip
    print(f"  {'page':24s} {'KB':>7s} {'req':>4s} {'FP ms':>7s} {'FCP ms':>7s} {'load ms':>8s}")
    missed = []
    for name in runs[0]:
        med = {k: statistics.median(r[name][k] or 0 for r in runs)
               for k in ("bytes", "requests", "fp", "fcp", "load")}  # fmt: skip
        print(f"  {name:24s} {med['bytes'] / 1024:7.1f} {med['requests']:4.0f} "
              f"{med['fp']:7.0f} {med['fcp']:7.0f} {med['load']:8.0f}")  # fmt: skip
        if name == "inbox, first visit":
            if med["bytes"] > TARGET_BYTES:
                missed.append(f"inbox first visit {med['bytes'] / 1024:.1f} KB > 120 KB")
            if med["fp"] > TARGET_PAINT_MS:
                missed.append(f"inbox first paint {med['fp']:.0f} ms > 3000 ms")
        if args.files:
            for url, size in runs[0][name]["files"]:
                print(f"      {size / 1024:7.1f} KB  {url.removeprefix(base)}")
    for line in missed:
        print(f"  target MISSED: {line}")
    if not missed:
        print("  targets met: inbox first visit ≤ 120 KB and first paint ≤ 3 s")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
