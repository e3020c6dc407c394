from esurat.letters.access import clerk_agency_ids
from esurat.letters.selectors import counters as letter_counters
from esurat.organisations.access import seats_of


class _LazyCounters:
    """The navigation counters, counted on first use: pages that do not show them pay nothing."""

    def __init__(self, user):
        self._user = user
        self._values = None

    def _get(self) -> dict:
        if self._values is None:
            self._values = letter_counters(self._user)
        return self._values

    def __getitem__(self, key):
        return self._get()[key]

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._get()[key]
        except KeyError as exc:
            raise AttributeError(key) from exc


def _is_clerk(user) -> bool:
    """Whether the user is a registry clerk somewhere; the session's user carries the answer
    (read with it by accounts.backends), others ask the roles."""
    flag = getattr(user, "has_clerk_role", None)
    return bool(clerk_agency_ids(user)) if flag is None else flag


def _reads_reports(user) -> bool:
    """Whether to link the evaluation (esurat/reports): read with the session's user."""
    flag = getattr(user, "has_report_role", None)
    if flag is None:
        from esurat.reports.access import evaluation_scope

        return evaluation_scope(user) is not None
    return flag


def counters(request):
    """`counters` (unread, to_review, to_sign, action), `my_seats` and `is_clerk` for the navigation.

    Both are lazy; the seats are cached on the user for the request, so the views that also need
    them pay once.
    """
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "counters": _LazyCounters(user),
        "my_seats": lambda: seats_of(user),
        "is_clerk": lambda: _is_clerk(user),
        "reads_reports": lambda: _reads_reports(user),
    }
