"""Whole seconds between two timestamps (the same in SQL on PostgreSQL and SQLite), and
PostgreSQL's percentile_cont."""

from django.db.models import Aggregate, FloatField, Func


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
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "percentile_cont(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)
