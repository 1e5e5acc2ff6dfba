"""Append-only audit log: who did what to which object, from where, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request
from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, utcnow
from core.extensions import db

if TYPE_CHECKING:
    from core.auth.models import Organization, User


class AuditEvent(Base):
    """One fact, never edited or deleted (the ORM refuses; PostgreSQL has a trigger too)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject_action_at", "subject", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the organisation whose data was touched (None for anonymous/failed logins)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: dotted verb, e.g. auth.login, auth.login_failed, authz_denied, invitation.created
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: lower-cased e-mail for auth events, so throttling can count failures per account
    subject: Mapped[str | None] = mapped_column(String(320))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))


#: PostgreSQL enforces append-only for every client, not only the ORM (same SQL as the migration)
APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""
for _ddl in (APPEND_ONLY_FUNCTION, APPEND_ONLY_TRIGGER):
    event.listen(AuditEvent.__table__, "after_create", DDL(_ddl).execute_if(dialect="postgresql"))
event.listen(
    AuditEvent.__table__,
    "after_drop",
    DDL("DROP FUNCTION IF EXISTS audit_events_append_only()").execute_if(dialect="postgresql"),
)


def record(
    action: str,
    *,
    actor: User | None = None,
    org: Organization | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    subject: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit row to the current transaction (it commits or rolls back with it)."""
    org_id = org.id if org is not None else (actor.org_id if actor is not None else None)
    event_row = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        org_id=org_id,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        subject=subject,
        before=before,
        after=after,
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event_row)
    return event_row


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("audit events are append-only")
