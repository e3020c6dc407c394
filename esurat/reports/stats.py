"""Portable statistics in SQL: whole seconds between two timestamps, and percentiles.

PostgreSQL computes a percentile with `percentile_cont` in one aggregate query. SQLite has no
percentile function; there the value is read with the same definition (linear interpolation
between the two nearest ranks, position p × (n − 1)) from at most two rows of the ordered
query, so both databases give the same answer and neither loads the column into Python.
"""

import math

from django.db.models import Aggregate, Count, FloatField, Func


class Seconds(Func):
    """Whole seconds from `start` to `end` (both truncated to the second, as SQLite stores
    them to the microsecond but `unixepoch` reads whole seconds)."""

    arity = 2
    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):
        (end, end_params), (start, start_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        if connection.vendor == "postgresql":
            sql = (
                f"(EXTRACT(EPOCH FROM date_trunc('second', {end}))"
                f" - EXTRACT(EPOCH FROM date_trunc('second', {start})))"
            )
        else:
            sql = f"(unixepoch({end}) - unixepoch({start}))"
        return sql, (*end_params, *start_params)


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(p) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "percentile_cont(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentiles(queryset, expression, fractions=(0.5, 0.9)) -> tuple[int, list[float | None]]:
    """How many rows `queryset` has where `expression` is not null, and the requested
    percentiles of `expression` over them (None when there is no row)."""
    qs = queryset.annotate(_value=expression).filter(_value__isnull=False).order_by()
    if _vendor(qs) == "postgresql":
        names = {f"p{i}": PercentileCont("_value", f) for i, f in enumerate(fractions)}
        row = qs.aggregate(n=Count("pk"), **names)
        return row["n"], [row[f"p{i}"] for i in range(len(fractions))]
    n = qs.count()
    if n == 0:
        return 0, [None for _ in fractions]
    ordered = qs.order_by("_value").values_list("_value", flat=True)
    out = []
    for fraction in fractions:
        position = fraction * (n - 1)
        low = math.floor(position)
        values = list(ordered[low : low + 2])
        high = values[1] if len(values) > 1 else values[0]
        out.append(values[0] + (high - values[0]) * (position - low))
    return n, out


def _vendor(queryset) -> str:
    from django.db import connections

    return connections[queryset.db].vendor
