"""SITE_URL, the address in QR codes, links and e-mails, follows the port `make run` serves on."""

import os
import stat
import subprocess

from django.conf import settings

from esurat.tests.tools import fresh_python, require

SETTING = "from django.conf import settings; print(settings.SITE_URL)"


def _make(*args: str, site_url: str | None = None) -> str:
    require("make")
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    if site_url is not None:
        env["SITE_URL"] = site_url
    result = subprocess.run(["make", "-s", *args], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_it_hands_the_server_its_own_address_unless_the_environment_sets_one(tmp_path):
    # A stand-in for the virtualenv's python shows the environment seed_demo would run in.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    demo = ("-o", "migrate", "demo", f"BIN={tmp_path}")
    assert _make(*demo, "PORT=8080").strip() == "SITE_URL=http://127.0.0.1:8080"
    assert _make(*demo, "HOST=10.1.2.3").strip() == "SITE_URL=http://10.1.2.3:8000"
    everywhere = _make(*demo, "HOST=0.0.0.0", "PORT=8080").strip()  # a machine's address
    assert everywhere.startswith("SITE_URL=http://") and everywhere.endswith(":8080")
    assert "0.0.0.0" not in everywhere
    given = _make(*demo, "PORT=8080", site_url="https://surat.example.go.id")
    assert given.strip() == "SITE_URL=https://surat.example.go.id"


def test_make_run_on_another_port_prints_and_serves_that_port():
    out = _make("-n", "run", "PORT=8080")
    assert "runserver --noreload 127.0.0.1:8080" in out
    assert "links and QR codes to http://127.0.0.1:8080/" in out
    assert ":8000" not in out


def test_the_setting_reads_the_environment(monkeypatch):
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8080/")
    assert fresh_python(SETTING).strip() == "http://127.0.0.1:8080"
    monkeypatch.delenv("SITE_URL")
    assert fresh_python(SETTING).strip() == "http://127.0.0.1:8000"
