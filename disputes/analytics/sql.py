"""Portable SQL for timestamps (PostgreSQL and SQLite): UTC day numbers and elapsed days."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import GenericFunction

EPOCH = date(1970, 1, 1)
#: SQLite's julianday() of 1970-01-01T00:00Z
JULIAN_EPOCH = 2440587.5


def day_number(day: date) -> int:
    """`day` as whole days since 1970-01-01, the unit analytics_utc_day returns."""
    return (day - EPOCH).days


class analytics_utc_day(GenericFunction[int]):
    """Whole days since 1970-01-01 of a UTC timestamp (the UTC calendar day it falls on)."""

    type = Integer()
    inherit_cache = True

    def __init__(self, timestamp: ColumnElement[Any] | Any):
        super().__init__(timestamp)


class analytics_elapsed_days(GenericFunction[float]):
    """`later - earlier` (timestamps) in days, with the fraction."""

    type = Float()
    inherit_cache = True

    def __init__(self, later: ColumnElement[Any] | Any, earlier: ColumnElement[Any] | Any):
        super().__init__(later, earlier)


# EXTRACT(EPOCH ...) reads the absolute instant, so the session's TimeZone setting (which a
# cast to DATE would use) cannot move a dispute to another day.
@compiles(analytics_utc_day, "postgresql")
def _utc_day_pg(element: analytics_utc_day, compiler: Any, **kw: Any) -> str:
    (ts,) = list(element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(ts, **kw)}) / 86400) AS INTEGER)"


# SQLite keeps UTC text; CAST truncates, which is FLOOR for every day after 1970.
@compiles(analytics_utc_day, "sqlite")
def _utc_day_sqlite(element: analytics_utc_day, compiler: Any, **kw: Any) -> str:
    (ts,) = list(element.clauses)
    return f"CAST(julianday({compiler.process(ts, **kw)}) - {JULIAN_EPOCH} AS INTEGER)"


@compiles(analytics_elapsed_days, "postgresql")
def _elapsed_pg(element: analytics_elapsed_days, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM {later} - {earlier}) / 86400 AS DOUBLE PRECISION)"


@compiles(analytics_elapsed_days, "sqlite")
def _elapsed_sqlite(element: analytics_elapsed_days, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"
