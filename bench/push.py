"""What one Web Push message costs the worker (issue 10): encryption to the browser's keys
(RFC 8291: an ephemeral P-256 key, ECDH, HKDF, AES-128-GCM), the VAPID signature (ES256) and
the HTTP POST, against the tests' local push service on loopback (esurat/pwa/tests/
push_service.py), so the network of a real push service is not in the figure.

    python bench/push.py --messages 500

Prints messages per second and CPU milliseconds per message for: encryption only, and the
whole send (esurat.pwa.push.send, one HTTP connection each, as the channel does). No database.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import override_settings
    from pywebpush import WebPusher

    from esurat.pwa import push, vapid
    from esurat.pwa.models import PushSubscription
    from esurat.pwa.tests.push_service import Browser, PushService

    service = PushService.start()
    browsers = [Browser() for _ in range(args.messages)]
    subscriptions = [PushSubscription(endpoint=service.endpoint(), p256dh=b.keys["p256dh"],
                                      auth=b.keys["auth"]) for b in browsers]  # fmt: skip
    data = push.payload(title="Surat baru: Undangan rapat koordinasi",
                        body="Nota Dinas dari Diskominfo, No. 000.1.2.3/0001/DISKOMINFO/XII/2026",
                        url="/letters/3f2a4b5c-0000-4000-8000-000000000001/", tag="0" * 32)  # fmt: skip

    def measure(label, work):
        wall, cpu = time.perf_counter(), time.process_time()
        for subscription in subscriptions:
            work(subscription)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        n = len(subscriptions)
        print(f"{label:<32} {n / wall:8.0f} msg/s   {1000 * cpu / n:6.2f} ms CPU/msg")

    with override_settings(
        VAPID_PRIVATE_KEY=vapid.generate_private_key(),
        PUSH_SERVICE_HOSTS=["127.0.0.1"],
        PUSH_HTTP_HOSTS=["127.0.0.1"],
    ):
        measure("encrypt only (RFC 8291)",
                lambda s: WebPusher(s.info()).encode(data.encode(), "aes128gcm"))  # fmt: skip
        measure("send (encrypt + VAPID + POST)", lambda s: push.send(s, data))
    assert len(service.received) == len(subscriptions)
    browsers[-1].decrypt(service.received[-1].body)  # they are real messages
    service.stop()


if __name__ == "__main__":
    main()
