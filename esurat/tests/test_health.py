"""`/healthz` for monitoring: database, storage and worker, without a login; and the pinned
production WSGI server (gunicorn) really serves the application."""

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_it_answers_ok_without_a_login(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["storage"] == "ok"
    assert body["static"] == "ok"
    assert body["worker"] == {"status": "ok", "waiting": 0, "oldest_seconds": 0}
    assert not any(tmp_path.rglob("*.txt"))  # the storage probe cleans up after itself


def _queued_task(minutes_ago: int):
    from django_tasks_db.models import DBTaskResult, get_date_max

    task = DBTaskResult.objects.create(
        status="READY", args_kwargs={"args": [], "kwargs": {}}, task_path="esurat.x.y",
        backend_name="default", run_after=get_date_max(), queue_name="default",
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=task.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )


def test_it_reports_a_worker_that_takes_no_tasks(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _queued_task(minutes_ago=1)
    body = client.get("/healthz").json()
    assert body["worker"]["status"] == "ok" and body["worker"]["waiting"] == 1
    _queued_task(minutes_ago=30)  # older than HEALTH_MAX_QUEUE_SECONDS (15 min)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["status"] == "stalled"
    assert response.json()["worker"]["oldest_seconds"] >= 30 * 60 - 5


def test_it_reports_static_files_never_collected(client, settings, tmp_path):
    """With DEBUG off the pages link the hashed names collectstatic records: a server started
    without it answers 500 on every page, so the probe says so."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["static"] == "not collected: run collectstatic"


def test_it_reports_storage_that_cannot_be_written(client, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the directory should be")
    settings.MEDIA_ROOT = blocked
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"].startswith("error")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_application(tmp_path):
    port = _free_port()
    env = {**os.environ, "ESURAT_VAR_DIR": str(tmp_path), "DEBUG": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
           "SECRET_KEY": "test-only-not-secret", "ALLOWED_HOSTS": "127.0.0.1"}  # fmt: skip
    # As deployed (docs/deploy.md): pages link the collected static files. The admin's own are
    # left out to keep the test short; the login page does not use them.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-i", "admin"],
                   env=env, check=True, capture_output=True,
                   cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen([gunicorn, "esurat.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1", "--threads", "2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        page = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert page is not None, server.stdout.read1().decode() if server.poll() else "no answer"
        assert 'lang="id"' in page  # the application itself, in Indonesian
    finally:
        server.terminate()
        server.wait(timeout=10)
