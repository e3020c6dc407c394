"""Start-up of a long-running web process: load what requests need, then freeze it for the GC.

A web worker holds some 200,000 long-lived objects once Django, the URLconf and the PDF stack are
imported. Python's full (generation 2) collections walk all of them: rendering and signing a
letter allocates enough to trigger one every few dozen letters, and that letter then takes
~250 ms instead of ~120 (bench/README.md, issue 4). `gc.freeze()` moves what exists at start-up
out of the collector's sight; new objects are collected as before. Frozen before gunicorn
forks (`--preload`), the objects also stay shared between workers instead of being copied.
"""

import gc
import logging

logger = logging.getLogger(__name__)


def warm_and_freeze() -> int:
    """Import every view module and the PDF stack, collect once, freeze. Returns the number of
    frozen objects. Safe to call twice (the second call freezes what was added since)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - evaluating it imports every view module
    try:
        import weasyprint  # noqa: F401 - Pango and the fonts: the first letter would pay them
    except OSError as exc:  # a machine without Pango serves everything but PDFs
        logger.warning("WeasyPrint could not be loaded: %s", exc)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
