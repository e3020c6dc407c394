"""The one small interface every channel outside the app implements.

A channel sends one `Notification` row. It returns normally when the message was accepted,
raises `TemporaryFailure` when it may work later (the row is retried with exponential backoff;
other channels are not held up) or `PermanentFailure` when the target no longer exists (a push
subscription answering 404/410, a bot blocked by the person): the channel removes that target
itself before raising, and the row ends DEAD. Channels never see the database transaction of the
sender: they are called with no transaction open.

A channel outside the app must not carry a secret (R/SR) letter's subject: use
`notification.outside_title()` / `outside_body()`, never `title` / `body`.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


def among(model, field: str, ids):
    """A filter "model.field is one of ids", for a list of thousands: on PostgreSQL one array
    parameter (= ANY(%s)) instead of one placeholder per id, which costs more to build and
    parse than the query takes to run."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())


class TemporaryFailure(Exception):
    """The channel's service is down or refused for now: try again later."""


class PermanentFailure(Exception):
    """The target is gone for good (and was removed by the channel): never try again."""


class Channel:
    """A way to reach a person. `name` is a `Notification.Channel` value."""

    name: str = ""

    def reachable(self, user_ids: list[int]) -> set[int]:
        """The users among `user_ids` this channel can reach at all (an e-mail address, a
        linked chat, a push subscription): rows are made only for them. One query, please."""
        return set(user_ids)

    def send(self, notification) -> None:
        raise NotImplementedError
