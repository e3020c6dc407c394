"""Timings of the official PDF and its signature (issue 4), in-process.

    python bench/signing.py                     # a throw-away SQLite database in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_sign python bench/signing.py
    … python bench/signing.py --runs 60 --profile   # also cProfile one render + sign

Builds the demo city in an empty database (refuses one that has a government already), creates
the government's CA and a signing key for the Kepala Dinas, then measures:

- render + sign a 2-page nota dinas: WeasyPrint render, unlocking the signatory's key, pyHanko
  PAdES B-B signature (what LocalProvider does besides database writes);
- do_sign end to end: number, render, sign, store the PDF, audit, deliver (for information);
- signature validation of the signed PDF (esurat.signing.pades.validate_pdf, no network);
- the public verification page, GET and an upload of the signed PDF, through django.test.Client.

The process is prepared as esurat/wsgi.py prepares a web worker (esurat/lib/warm.py: start-up
objects frozen for the garbage collector). Wall clock per call, after two warm-up calls each.
The exit status is non-zero when a target is missed.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["ESURAT_VAR_DIR"] = tempfile.mkdtemp(prefix="esurat-bench-sign-")
os.environ.setdefault("ESURAT_CA_PASSPHRASE", "bench-ca-passphrase")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.drafts import awaiting_signature  # noqa: E402

TARGETS = {
    "render + sign, 2-page letter": 150.0,
    "signature validation": 20.0,
    "verification page, GET": 200.0,
    "verification page, upload": 200.0,
}
PASSPHRASE = "bench-kunci-tte"


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]  # noqa: E731
    return {"n": len(s), "p50": pick(0.5), "p95": pick(0.95), "max": s[-1],
            "mean": statistics.fmean(s)}  # fmt: skip


def report(name: str, samples: list[float], results: dict) -> None:
    st = summary(samples)
    target = TARGETS.get(name)
    verdict = ""
    if target is not None:
        verdict = f"  target ≤ {target:g} ms: {'OK' if st['p95'] <= target else 'MISSED'}"
    print(f"  {name:32s} n={st['n']:3d}  p50 {st['p50']:7.1f}  p95 {st['p95']:7.1f}  "
          f"max {st['max']:7.1f} ms{verdict}", flush=True)  # fmt: skip
    results[name] = st


def timed(fn, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def setup():
    from esurat.organisations.demo import build_demo_city
    from esurat.organisations.models import Government

    call_command("migrate", verbosity=0)
    # DEBUG is off: the verification page links the hashed static names (docs/deploy.md).
    call_command("collectstatic", "--noinput", verbosity=0)
    if Government.objects.exists():
        sys.exit("The database already has a government: use an empty one.")
    settings.SIGNING_PROVIDER = "local"
    settings.SIGNING_TSA_URL = ""
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="esurat-bench-media-"))
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    city = build_demo_city(password="pw")
    # A real government prints its emblem on every letterhead: measured with it.
    from django.core.files.base import ContentFile

    from esurat.organisations.demo import demo_emblem_png

    city.government.logo.save("lambang.png", ContentFile(demo_emblem_png()), save=True)
    call_command("create_ca", government=city.government.short_name, stdout=open(os.devnull, "w"))
    return city


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from esurat.letters import actions
    from esurat.letters.access import Action, seat_for_action
    from esurat.signing import ca, pades
    from esurat.signing.models import SignedDocument
    from esurat.signing.pdf import SignerBlock, place_of, render_letter_pdf

    city = setup()
    kadis = city.users["kadis.kominfo"]
    letters = awaiting_signature(city, args.runs + 3)
    # As a web worker starts (esurat/wsgi.py): start-up objects frozen for the GC.
    from esurat.lib.warm import warm_and_freeze

    warm_and_freeze()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"== Signing (database: {engine}, runs: {args.runs})", flush=True)

    # One real signing first: it issues the Kepala Dinas's certificate and numbers the letter.
    def do_sign_next():
        letter = letters.pop()
        seat = seat_for_action(kadis, letter, Action.SIGN)
        return actions.do_sign(letter=letter, seat=seat, user=kadis, password="pw",
                               secret=PASSPHRASE)  # fmt: skip

    signed_letter = do_sign_next()
    document = SignedDocument.objects.get(letter=signed_letter)
    data = document.file.read()
    import pypdfium2

    pages = len(pypdfium2.PdfDocument(data))
    print(f"  the signed letter: {len(data):,} bytes, {pages} pages", flush=True)
    certificate = ca.current_certificate(kadis)
    authority = ca.authority_for(city.government)
    cert, root = (ca.load_certificate(certificate.certificate_pem),
                  ca.load_certificate(authority.certificate_pem))  # fmt: skip
    position = signed_letter.signatory_position

    def render_and_sign():
        pdf = render_letter_pdf(signed_letter, signer=SignerBlock(position, kadis),
                                provider="local")  # fmt: skip
        key = ca.unlock_key(certificate, PASSPHRASE)
        return pades.sign_pdf(pdf, key=key, certificate=cert, chain=[root],
                              reason="bench", location=place_of(city.government),
                              name=kadis.get_full_name())  # fmt: skip

    results: dict = {}
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(render_and_sign)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    report("render only", timed(lambda: render_letter_pdf(
        signed_letter, signer=SignerBlock(position, kadis), provider="local"), args.runs),
        results)  # fmt: skip
    report("unlock key only", timed(lambda: ca.unlock_key(certificate, PASSPHRASE), args.runs),
           results)  # fmt: skip
    report("render + sign, 2-page letter", timed(render_and_sign, args.runs), results)
    report("do_sign end to end", timed(do_sign_next, args.runs, warmup=1), results)
    report("signature validation",
           timed(lambda: pades.validate_pdf(data, trust_roots=[root]), args.runs * 2), results)  # fmt: skip

    client = Client()
    url = reverse("signing:verify", kwargs={"code": signed_letter.code})
    counter = iter(range(10**6))

    def address() -> str:  # each call from its own address: the page is rate-limited
        n = next(counter)
        return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"

    def get_page():
        response = client.get(url, REMOTE_ADDR=address())
        assert response.status_code == 200, response.status_code

    def upload():
        upload = SimpleUploadedFile("surat.pdf", data, "application/pdf")
        response = client.post(url, {"file": upload}, REMOTE_ADDR=address())
        assert b'data-signatures="valid"' in response.content

    cache.clear()
    report("verification page, GET", timed(get_page, args.runs * 2), results)
    report("verification page, upload", timed(upload, args.runs), results)
    missed = [n for n, t in TARGETS.items() if results[n]["p95"] > t]
    print("  all targets met" if not missed else f"  MISSED: {', '.join(missed)}", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
