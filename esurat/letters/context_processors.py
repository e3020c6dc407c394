from esurat.letters.selectors import counters as letter_counters


def counters(request):
    """Counters for the navigation; computed lazily so pages that do not show them pay nothing."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    cache = {}

    def get():
        if not cache:
            cache.update(letter_counters(user))
        return cache

    class Lazy:
        def __getitem__(self, key):
            return get()[key]

        def __getattr__(self, key):
            return get()[key]

    return {"counters": Lazy()}
