"""The web process's start-up: what esurat.wsgi freezes for the garbage collector."""

from esurat.tests.tools import fresh_python


def test_the_wsgi_module_freezes_django_the_views_and_the_pdf_stack():
    script = (
        "import gc, sys\n"
        "assert gc.get_freeze_count() == 0\n"
        "import esurat.wsgi\n"
        "frozen = gc.get_freeze_count()\n"
        "assert 'weasyprint' in sys.modules and 'esurat.letters.views.lists' in sys.modules\n"
        "print(frozen)\n"
    )
    frozen = fresh_python(script)
    # Django, the URLconf, every view and WeasyPrint: well over 100,000 objects.
    assert int(frozen.strip()) > 100_000


def test_warm_and_freeze_keeps_new_objects_collectable():
    import gc
    import weakref

    from esurat.lib.warm import warm_and_freeze

    try:
        assert warm_and_freeze() > 0

        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle made after the freeze
        ref = weakref.ref(a)
        del a, b
        gc.collect()
        assert ref() is None
    finally:
        gc.unfreeze()
