"""The case workspace's rows: agency activities, recoveries and their allocations, costs,
and the creditor's marketplace settings (SPEC §4 "Case workspace", "Costs").

Every row's `org_id` is the case's creditor (the case's tenant); the organisation that
wrote it is kept beside it (`agency_org_id`, `recorded_by_org_id`, `author_org_id`).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.db import Base, MinorUnits, TenantMixin, TimestampMixin, utcnow, value_enum
from core.money import Money
from ledger.models import Invoice


class ActivityKind(enum.StrEnum):
    CALL = "call"
    LETTER = "letter"
    FORMAL_NOTICE = "formal_notice"
    VISIT = "visit"
    COURT_FILING = "court_filing"
    OTHER = "other"


class RecoverySource(enum.StrEnum):
    AGENCY = "agency"  # collected by the awarded agency
    DIRECT = "direct"  # the debtor paid the creditor directly while the case ran


class CostKind(enum.StrEnum):
    FEE = "fee"  # upfront or fixed fee
    SUCCESS_FEE = "success_fee"  # computed from a recovery and the accepted terms
    EXPENSE = "expense"  # court, bailiff, travel... with a receipt
    PLATFORM_FEE = "platform_fee"
    CREDIT_NOTE = "credit_note"  # from a dispute resolved with a credit note


class CostBearer(enum.StrEnum):
    CREDITOR = "creditor"
    AGENCY = "agency"
    DEBTOR = "debtor"  # advanced by the creditor, claimed back from the debtor


class CostStatus(enum.StrEnum):
    PENDING = "pending"  # an expense or fee waiting for the creditor's approval
    APPROVED = "approved"
    REJECTED = "rejected"


class CaseActivity(TenantMixin, Base):
    """Something the agency did on the case (call, letter, formal notice...)."""

    __tablename__ = "case_activities"
    __table_args__ = (Index("ix_case_activities_case_id_occurred_on", "case_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(value_enum(ActivityKind, "case_activity_kind"))
    #: the day it happened (never in the future)
    occurred_on: Mapped[date] = mapped_column(Date)
    #: plain text (NFC, no control characters); escaped by whoever renders it
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class Recovery(TenantMixin, Base):
    """Money collected on a case, split over the allocation buckets and the agency's fee.

    `legal_costs + interest + compensation + principal = amount`; the principal part was
    booked as ledger payments on the case's invoices (RecoveryAllocation rows).
    """

    __tablename__ = "case_recoveries"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "legal_costs_minor >= 0 AND interest_minor >= 0 AND compensation_minor >= 0"
            " AND principal_minor >= 0",
            name="parts_not_negative",
        ),
        CheckConstraint(
            "legal_costs_minor + interest_minor + compensation_minor + principal_minor"
            " = amount_minor",
            name="parts_add_up",
        ),
        CheckConstraint("fee_minor >= 0 AND fee_minor <= amount_minor", name="fee_within_amount"),
        # exactly once: a double-submitted recovery finds the first one (NULL keys never clash)
        UniqueConstraint("case_id", "idempotency_key"),
        Index("ix_case_recoveries_case_id_received_on", "case_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: the case's currency; amounts below are its minor units
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[RecoverySource] = mapped_column(value_enum(RecoverySource, "recovery_source"))
    #: the caller's key for this submission (body field or Idempotency-Key header)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # -- the allocation (creditor's order) ---------------------------------------------------
    #: repays recoverable costs borne by the debtor
    legal_costs_minor: Mapped[MinorUnits] = mapped_column(default=0)
    #: statutory interest and fixed compensation: not claimed per case yet, always 0 today
    interest_minor: Mapped[MinorUnits] = mapped_column(default=0)
    compensation_minor: Mapped[MinorUnits] = mapped_column(default=0)
    #: booked on the invoices, oldest first
    principal_minor: Mapped[MinorUnits] = mapped_column(default=0)
    #: the agency's success fee on this recovery (also a `success_fee` CaseCost)
    fee_minor: Mapped[MinorUnits] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    allocations: Mapped[list[RecoveryAllocation]] = relationship(
        lazy="selectin", order_by="RecoveryAllocation.id", back_populates="recovery"
    )

    def _money(self, minor: int) -> Money:
        return Money(minor, self.currency)

    @property
    def amount(self) -> Money:
        return self._money(self.amount_minor)

    @property
    def split(self) -> dict[str, Money]:
        return {
            "legal_costs": self._money(self.legal_costs_minor),
            "statutory_interest": self._money(self.interest_minor),
            "compensation": self._money(self.compensation_minor),
            "principal": self._money(self.principal_minor),
        }

    @property
    def agency_fee(self) -> Money:
        return self._money(self.fee_minor)

    @property
    def creditor_share(self) -> Money:
        return self._money(self.amount_minor - self.fee_minor)


class RecoveryAllocation(TenantMixin, Base):
    """The part of a recovery booked on one invoice, through one ledger payment."""

    __tablename__ = "case_recovery_allocations"
    __table_args__ = (
        UniqueConstraint("recovery_id", "invoice_id"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recovery_id: Mapped[int] = mapped_column(ForeignKey("case_recoveries.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"))
    amount_minor: Mapped[MinorUnits]

    recovery: Mapped[Recovery] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(lazy="joined", innerjoin=True)

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.invoice.currency)


class CaseCost(TenantMixin, TimestampMixin, Base):
    """A cost on a case: who bears it, whether the debtor owes it back, and its approval."""

    __tablename__ = "case_costs"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("borne_by <> 'debtor' OR recoverable", name="debtor_costs_recoverable"),
        # success fees come from recoveries, and only from them (one per recovery)
        CheckConstraint(
            "(kind = 'success_fee') = (recovery_id IS NOT NULL)", name="success_fee_iff_recovery"
        ),
        UniqueConstraint("recovery_id"),
        Index("ix_case_costs_case_id_created_at", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[CostKind] = mapped_column(value_enum(CostKind, "case_cost_kind"))
    #: the case's currency
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    description: Mapped[str] = mapped_column(String(500))
    borne_by: Mapped[CostBearer] = mapped_column(value_enum(CostBearer, "case_cost_bearer"))
    #: claimed back from the debtor: recoveries repay it first (allocation bucket legal_costs)
    recoverable: Mapped[bool] = mapped_column(default=False)
    status: Mapped[CostStatus] = mapped_column(
        value_enum(CostStatus, "case_cost_status"), default=CostStatus.APPROVED
    )
    #: the receipt, attached to a workspace comment so the case's parties can download it
    receipt_attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL")
    )
    #: the recovery a success fee was computed from
    recovery_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_recoveries.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[decided_by_id])

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class MarketplaceSettings(TenantMixin, Base):
    """A creditor's marketplace settings (one row per organisation, created on first save)."""

    __tablename__ = "marketplace_settings"
    __table_args__ = (UniqueConstraint("org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: buckets a recovery repays in this order (marketplace.workspace.allocation.BUCKETS)
    allocation_order: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# -- promises to pay and payment plans (SPEC §2 "Promises to pay", §4 "Case workspace") ------


class PromiseState(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"  # recoveries since it was made, received by due_on, cover the amount
    BROKEN = "broken"  # due_on passed without that
    EXPIRED = "expired"  # the case stopped running while the promise was still open


class CasePromise(TenantMixin, Base):
    """The debtor's promise to pay `amount` on a case by `due_on` (case-level, not per
    invoice: ledger.PromiseToPay is per invoice and is left to the ledger's own screens)."""

    __tablename__ = "case_promises"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("due_on >= made_on", name="due_after_made"),
        Index("ix_case_promises_case_id_due_on", "case_id", "due_on"),
        Index("ix_case_promises_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    #: the day it was made: recoveries received from this day on count towards it
    made_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    #: the settled state, written by the daily job (reads derive `kept` before it runs)
    status: Mapped[PromiseState] = mapped_column(
        value_enum(PromiseState, "case_promise_status"), default=PromiseState.OPEN
    )
    settled_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class PaymentPlan(TenantMixin, Base):
    """An instalment schedule agreed on a case; a new plan replaces the current one."""

    __tablename__ = "case_payment_plans"
    __table_args__ = (
        CheckConstraint("total_minor > 0", name="total_positive"),
        # one current plan per case; replaced plans stay as history
        Index(
            "uq_case_payment_plans_case_id_current",
            "case_id",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
        Index("ix_case_payment_plans_case_id_created_at", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    currency: Mapped[str] = mapped_column(String(3))
    #: the sum of the instalments (at most the case's outstanding when agreed)
    total_minor: Mapped[MinorUnits]
    #: the day it was agreed: recoveries received from this day on pay its instalments
    agreed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    replaced_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="joined")
    instalments: Mapped[list[PlanInstalment]] = relationship(
        lazy="selectin", order_by="PlanInstalment.due_on", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.currency)


class PlanInstalment(TenantMixin, Base):
    """One dated amount of a payment plan."""

    __tablename__ = "case_plan_instalments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        UniqueConstraint("plan_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("case_payment_plans.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    amount_minor: Mapped[MinorUnits]
