"""The audit log is append-only: the ORM refuses edits (and PostgreSQL has a trigger)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core import audit
from core.extensions import db


def test_events_cannot_be_edited_or_deleted_through_the_orm(tenants):
    event = audit.record("test.event", actor=tenants.a.owner)
    db.session.commit()
    event.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.postgres_only
def test_postgresql_refuses_raw_updates_and_deletes(tenants):
    audit.record("test.event", actor=tenants.a.owner)
    db.session.commit()
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement))
