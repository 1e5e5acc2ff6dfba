"""Portable SQL pieces for date arithmetic (PostgreSQL and SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import GenericFunction


class days_between(GenericFunction[int]):
    """`later - earlier` in whole days."""

    type = Integer()
    inherit_cache = True

    def __init__(self, later: ColumnElement[Any] | Any, earlier: ColumnElement[Any] | Any):
        super().__init__(later, earlier)


@compiles(days_between, "postgresql")
def _days_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    later_sql, earlier_sql = compiler.process(later, **kw), compiler.process(earlier, **kw)
    return f"(CAST({later_sql} AS DATE) - CAST({earlier_sql} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
    )
