"""Disputes on invoices and their append-only event history (SPEC §3)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.db import Base, MinorUnits, TenantMixin, TimestampMixin, utcnow, value_enum
from core.money import Money
from disputes.reasons import format_reason
from disputes.states import DisputeStatus, Outcome
from disputes.threads.models import Thread
from ledger.models import Invoice


class DisputeSource(enum.StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    PORTAL = "portal"


class Dispute(TenantMixin, TimestampMixin, Base):
    """A reason-coded dispute over part or all of one invoice's outstanding."""

    __tablename__ = "disputes"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "(status = 'resolved') = (outcome IS NOT NULL)", name="outcome_iff_resolved"
        ),
        Index("ix_disputes_org_id_status", "org_id", "status"),
        Index("ix_disputes_org_id_invoice_id", "org_id", "invoice_id"),
        Index("ix_disputes_org_id_owner_id", "org_id", "owner_id"),
        # dispute summaries by invoice across tenants (marketplace listings)
        Index("ix_disputes_invoice_id", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    #: first level of the reason: the team that must fix it (disputes.reasons.REASONS)
    reason_team: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str] = mapped_column(String(40))
    #: ISO 4217 code of the invoice; amount in its minor units
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    description: Mapped[str] = mapped_column(Text)
    #: the sales or credit user responsible for settling it
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: SLA: the day it should be resolved by
    due_date: Mapped[date | None] = mapped_column(Date)
    #: the user who raised it (None: the debtor through the portal, or an import)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[DisputeSource] = mapped_column(
        value_enum(DisputeSource, "dispute_source"), default=DisputeSource.MANUAL
    )
    status: Mapped[DisputeStatus] = mapped_column(
        value_enum(DisputeStatus, "dispute_status"), default=DisputeStatus.OPEN
    )
    outcome: Mapped[Outcome | None] = mapped_column(value_enum(Outcome, "dispute_outcome"))
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="SET NULL")
    )
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    #: the dispute's comment thread, created on the first comment
    thread_id: Mapped[int | None] = mapped_column(ForeignKey(Thread.id, ondelete="SET NULL"))

    invoice: Mapped[Invoice] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def reason(self) -> str:
        return format_reason(self.reason_team, self.reason_code)

    def sla_breached(self, today: date) -> bool:
        return self.status is not DisputeStatus.RESOLVED and (
            self.due_date is not None and self.due_date < today
        )


class DisputeEvent(TenantMixin, Base):
    """One step in a dispute's life (opened, changed, moved, resolved); never edited."""

    __tablename__ = "dispute_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispute_id: Mapped[int] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: opened, updated, transitioned, resolved
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(Session, "before_flush")
def _refuse_event_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, DisputeEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("dispute events are append-only")
