"""The Indonesian catalogue is complete, compiled, and covers every string in the code."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from esurat.lib.po import parse

LOCALE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def _entries():
    return [e for e in parse((LOCALE / "django.po").read_text()) if e.msgid and not e.obsolete]


def test_it_translates_every_entry():
    untranslated = [e.msgid for e in _entries() if e.fuzzy or not all(s.strip() for s in e.msgstr)]
    assert untranslated == []


def test_it_fills_every_plural_form_the_header_declares():
    """Indonesian declares two forms (n != 1); a missing msgstr[1] shows English for n > 1."""
    header = (LOCALE / "django.po").read_text()
    forms = int(header.split("nplurals=", 1)[1].split(";", 1)[0])
    short = [e.msgid for e in _entries() if e.msgid_plural and len(e.msgstr) < forms]
    assert short == []


def test_it_ships_the_compiled_catalogue_matching_the_source():
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for e in _entries():
        key = f"{e.context}\x04{e.msgid}" if e.context else e.msgid
        if e.msgid_plural:
            ok = compiled.ngettext(e.msgid, e.msgid_plural, 1) == e.msgstr[0]
        else:
            ok = compiled._catalog.get(key) == e.msgstr[0]
        if not ok:
            stale.append(e.msgid)
    assert stale == [], "run `make messages` to recompile locale/id/LC_MESSAGES/django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (CI installs it)")
def test_it_has_an_entry_for_every_string_in_the_code(tmp_path):
    base = Path(settings.BASE_DIR)
    for name in ("esurat", "templates"):
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        ["python" if shutil.which("python") else "python3", "manage.py", "makemessages",
         "-l", "id", "--no-location", "-v", "0"],
        cwd=tmp_path, check=True, env={"DJANGO_SETTINGS_MODULE": "esurat.settings",
                                       "PATH": _path(), "ESURAT_VAR_DIR": str(tmp_path / "var")},
    )  # fmt: skip
    fresh = {e.msgid for e in parse((tmp_path / "locale/id/LC_MESSAGES/django.po").read_text())}
    missing = sorted(fresh - {e.msgid for e in _entries()} - {""})
    assert missing == [], "run `make messages` and translate the new strings"


def _path():
    import os
    import sys

    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
