"""Counting SQL statements per request (QUALITY P6): one helper for every page test."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import event

from core.extensions import db


def count_statements(client: FlaskClient, path: str) -> int:
    """SQL statements one GET of `path` runs (asserting a 200)."""
    count = 0

    def bump(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = db.engines[None]
    engine = getattr(engine, "engine", engine)
    event.listen(engine, "before_cursor_execute", bump)
    try:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", bump)
    return count
