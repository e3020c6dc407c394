"""N signings at the same instant in one agency, through HTTP, against a real multi-process server.

    python bench/concurrent_signing.py --letters 20          # a throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_csign \
        python bench/concurrent_signing.py --letters 40      # an empty PostgreSQL database
    … --json                                                 # one JSON object on the last line

Builds the demo city in an empty database (refuses one that has a government already), the
government's CA (local PAdES, no TSA) and the Kepala Dinas's signing certificate, and N two-page
nota dinas waiting for the Kepala Dinas's signature, all numbered from Diskominfo's one counter.
It then starts `bench/serve.py` (2 processes × N/2 threads, as gunicorn's gthread worker would
run) and, from N client threads each with its own session, opens each letter's sign page, waits
at a barrier and POSTs the N sign forms at once. It reports every HTTP status, the wall time from
the barrier to the last answer, and what the database holds afterwards: the numbers issued (they
must be 1…N, distinct, each on a sent letter), and each signed PDF's signature as validated by
`esurat.signing.pades.validate_pdf` against the government's root.

`--fast-passwords` makes the server check passwords with a cheap hasher (the test suite's
choice); without it, Django's PBKDF2 is measured too (~350 ms of CPU per signing on the VM).
The exit status is non-zero when any answer was not a success or the database is not right.
`esurat/letters/tests/test_concurrent_signing.py` runs this script on SQLite and PostgreSQL.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.drafts import awaiting_signature  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
os.environ.setdefault("ESURAT_CA_PASSPHRASE", "bench-ca-passphrase")
os.environ["SIGNING_PROVIDER"] = "local"
os.environ["SIGNING_TSA_URL"] = ""
os.environ["SECURE_COOKIES"] = "false"
os.environ["AXES_ENABLED"] = "false"

PASSPHRASE = "bench-kunci-tte"
FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def serve(argv: list[str]) -> None:
    """The server process: bench/serve.py, with the cheap hasher when asked."""
    import django

    django.setup()
    if "--fast-passwords" in argv:
        argv.remove("--fast-passwords")
        from django.conf import settings

        settings.PASSWORD_HASHERS = FAST_HASHERS
    from bench import serve as server

    sys.argv = ["serve.py", *argv]
    server.main()


def setup(n: int, *, fast_passwords: bool):
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.test import Client

    from esurat.organisations.demo import build_demo_city, demo_emblem_png
    from esurat.organisations.models import Government
    from esurat.signing import ca

    call_command("migrate", verbosity=0)
    # DEBUG is off: pages link the hashed static names, as on a deployed server (docs/deploy.md).
    call_command("collectstatic", "--noinput", verbosity=0)
    if Government.objects.exists():
        sys.exit("The database already has a government: use an empty one.")
    if fast_passwords:
        settings.PASSWORD_HASHERS = FAST_HASHERS
    city = build_demo_city(password="pw")
    city.government.logo.save("lambang.png", ContentFile(demo_emblem_png()), save=True)
    call_command("create_ca", government=city.government.short_name, stdout=open(os.devnull, "w"))
    kadis = city.users["kadis.kominfo"]
    ca.issue_certificate(user=kadis, government=city.government, passphrase=PASSPHRASE)
    letters = awaiting_signature(city, n)
    sessions = []
    for _ in letters:
        client = Client()
        client.force_login(kadis)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    from django.db import connections

    connections.close_all()
    return city, [str(letter.code) for letter in letters], sessions


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, *, workers: int, threads: int, fast_passwords: bool):
    argv = [sys.executable, str(Path(__file__).resolve()), "--serve", "--port", str(port),
            "--workers", str(workers), "--threads", str(threads)]  # fmt: skip
    if fast_passwords:
        argv.append("--fast-passwords")
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                sys.exit(f"the server did not start:\n{process.stdout.read()}")
            time.sleep(0.2)
    process.terminate()
    sys.exit("the server did not start within 60 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_over_http(base: str, codes: list[str], sessions: list[str], timeout: float):
    """Open every sign page, then POST every form at the same instant. Returns the answers
    (status, seconds, an excerpt of an error) and the wall time from the barrier to the last."""
    from django.conf import settings

    opener = urllib.request.build_opener(NoRedirect)
    start = threading.Barrier(len(codes) + 1)
    answers: list = [None] * len(codes)

    def one(i: int) -> None:
        url = f"{base}/letters/{codes[i]}/sign/"
        cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[i]}"
        try:
            page = opener.open(urllib.request.Request(url, headers={"Cookie": cookie}),
                               timeout=timeout)  # fmt: skip
            html = page.read().decode()
            csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            version = re.search(r'name="version" value="(\d+)"', html).group(1)
        except Exception as exc:
            answers[i] = ("open", 0.0, repr(exc))
            start.wait()
            return
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "version": version,
                                       "password": "pw", "passphrase": PASSPHRASE}).encode()  # fmt: skip
        headers = {"Cookie": f"{cookie}; csrftoken={csrf_cookie.group(1)}", "Referer": url,
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        start.wait()
        began = time.perf_counter()
        try:
            response = opener.open(urllib.request.Request(url, body, headers), timeout=timeout)
            status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except Exception as exc:
            status, text = "error", repr(exc)
        error = ""
        if status != 302:
            found = re.search(r'class="[^"]*alert[^"]*"[^>]*>(.*?)</', text, re.S) or re.search(
                r"<title>(.*?)</title>", text, re.S
            )
            error = (found.group(1) if found else text[:300]).strip()
        answers[i] = (status, time.perf_counter() - began, error)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(codes))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return answers, time.perf_counter() - began


def check_database(city, codes: list[str]) -> dict:
    """What the database holds after the run: numbers, states, signatures of the signed PDFs."""
    from django.utils import timezone

    from esurat.letters.models import IssuedNumber, Letter
    from esurat.signing import ca, pades
    from esurat.signing.models import Signature, SignedDocument

    letters = Letter.objects.filter(code__in=codes)
    year = timezone.localdate(timezone.now(), city.government.zone).year
    issued = IssuedNumber.objects.filter(agency=city.agencies["Diskominfo"], year=year)
    root = ca.load_certificate(ca.authority_for(city.government).certificate_pem)
    valid = 0
    for document in SignedDocument.objects.filter(letter__in=letters):
        with document.file.open("rb") as f:
            check = pades.validate_pdf(f.read(), trust_roots=[root])
        valid += int(check.readable and len(check.signatures) == 1 and check.signatures[0].ok)
    return {
        "states": sorted(set(letters.values_list("state", flat=True))),
        "numbers": sorted(n for n in letters.values_list("number", flat=True)),
        "seqs": sorted(issued.values_list("seq", flat=True)),
        "issued_states": sorted(set(issued.values_list("state", flat=True))),
        "signatures": Signature.objects.filter(letter__in=letters).count(),
        "signed_documents": SignedDocument.objects.filter(letter__in=letters).count(),
        "valid_pdf_signatures": valid,
    }


def main() -> int:
    if "--serve" in sys.argv:
        argv = sys.argv[1:]
        argv.remove("--serve")
        serve(argv)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=0, help="per process (default N/2)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per request")
    parser.add_argument("--fast-passwords", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # A throw-away data directory (the SQLite file when no DATABASE_URL, the signed PDFs, the
    # secret key), shared with the server process through the environment.
    os.environ["ESURAT_VAR_DIR"] = tempfile.mkdtemp(prefix="esurat-bench-csign-")
    os.environ.pop("MEDIA_ROOT", None)
    n = args.letters
    city, codes, sessions = setup(n, fast_passwords=args.fast_passwords)
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    port = free_port()
    threads = args.threads or max(1, (n + args.workers - 1) // args.workers)
    server = start_server(port, workers=args.workers, threads=threads,
                          fast_passwords=args.fast_passwords)  # fmt: skip
    try:
        answers, wall = sign_over_http(f"http://127.0.0.1:{port}", codes, sessions, args.timeout)
    finally:
        server.terminate()
        server.wait(timeout=30)
    state = check_database(city, codes)
    statuses: dict = {}
    for status, _, _ in answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    times = sorted(t for _, t, _ in answers)
    errors = sorted({f"{status}: {error}" for status, _, error in answers if status != 302})
    result = {"database": engine, "letters": n, "workers": args.workers, "threads": threads,
              "statuses": statuses, "wall_s": round(wall, 2),
              "p50_s": round(times[len(times) // 2], 2), "max_s": round(times[-1], 2),
              "errors": errors[:10], **state}  # fmt: skip
    ok = (
        statuses == {"302": n}
        and state["seqs"] == list(range(1, n + 1))
        and len(set(state["numbers"])) == n
        and state["states"] == ["sent"]
        and state["valid_pdf_signatures"] == n
    )
    if args.json:
        print(json.dumps(result))
    else:
        print(f"== {n} signings at once ({engine}, server {args.workers} processes × {threads} "
              f"threads): wall {wall:.1f} s, per answer p50 {result['p50_s']} s, max "
              f"{result['max_s']} s; answers {statuses}")  # fmt: skip
        for error in errors[:10]:
            print(f"  {error[:200]}")
        print(f"  numbers 1…{n} issued once each: {state['seqs'] == list(range(1, n + 1))}; "
              f"letters {state['states']}; valid PDF signatures {state['valid_pdf_signatures']}"
              f"/{n}; {'OK' if ok else 'NOT RIGHT'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
