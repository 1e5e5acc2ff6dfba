"""Debtors, invoices, payments and credit notes (SPEC §2). Money is integer minor units."""

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
    case,
    literal,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.db import Base, MinorUnits, TenantMixin, TimestampMixin, utcnow, value_enum
from core.money import Money


class DebtorType(enum.StrEnum):
    COMPANY = "company"
    SOLE_TRADER = "sole_trader"
    CONSUMER = "consumer"  # kept in the ledger, never listed on the marketplace


class InvoiceStatus(enum.StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    DISPUTED = "disputed"
    IN_COLLECTION = "in_collection"
    WRITTEN_OFF = "written_off"
    CANCELLED = "cancelled"


class Source(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"
    UBL = "ubl"
    API = "api"


class Debtor(TenantMixin, TimestampMixin, Base):
    """A customer who owes the creditor money."""

    __tablename__ = "debtors"
    __table_args__ = (
        UniqueConstraint("org_id", "name_key"),
        CheckConstraint("payment_terms_days BETWEEN 0 AND 365", name="terms_range"),
        CheckConstraint(
            "credit_limit_minor IS NULL OR credit_limit_minor >= 0",
            name="credit_limit_not_negative",
        ),
        Index("ix_debtors_org_id_vat_id", "org_id", "vat_id"),
        Index("ix_debtors_org_id_sales_rep_id", "org_id", "sales_rep_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: casefolded NFC name: "ACME GmbH" and "acme gmbh" are one debtor
    name_key: Mapped[str] = mapped_column(String(200))
    debtor_type: Mapped[DebtorType] = mapped_column(value_enum(DebtorType, "debtor_type"))
    vat_id: Mapped[str | None] = mapped_column(String(40))
    legal_id: Mapped[str | None] = mapped_column(String(60))
    #: ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(String(2))
    sector: Mapped[str | None] = mapped_column(String(100))
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    sales_rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    #: in `currency`; None = no limit
    credit_limit_minor: Mapped[MinorUnits | None]
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    #: credit hold: new orders should be blocked (set by policy or by hand)
    on_hold: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    sales_rep: Mapped[User | None] = relationship(lazy="raise")

    #: the payer score, attached by the API for one response (not a column)
    score = None

    @property
    def credit_limit(self) -> Money | None:
        if self.credit_limit_minor is None:
            return None
        return Money(self.credit_limit_minor, self.currency)


class Invoice(TenantMixin, TimestampMixin, Base):
    """An invoice to a debtor. Status is derived from the columns, never typed in."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("org_id", "number"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("outstanding_minor >= 0", name="outstanding_not_negative"),
        CheckConstraint("outstanding_minor <= amount_minor", name="outstanding_within_amount"),
        CheckConstraint(
            "disputed_minor >= 0 AND disputed_minor <= outstanding_minor",
            name="disputed_within_outstanding",
        ),
        CheckConstraint("due_date >= issue_date", name="due_after_issue"),
        Index("ix_invoices_org_id_debtor_id", "org_id", "debtor_id"),
        Index("ix_invoices_org_id_due_date", "org_id", "due_date"),
        Index("ix_invoices_org_id_currency_outstanding", "org_id", "currency", "outstanding_minor"),
        Index("ix_invoices_org_id_issue_date", "org_id", "issue_date"),
        Index(
            "ix_invoices_org_id_closed",
            "org_id",
            "currency",
            postgresql_where="cancelled_on IS NOT NULL OR written_off_on IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: NFC-normalised, invisible characters stripped: uniqueness is on what people see
    number: Mapped[str] = mapped_column(String(100))
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id", ondelete="RESTRICT"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    outstanding_minor: Mapped[MinorUnits]
    #: part of `outstanding` held out of dunning by open disputes (written by disputes)
    disputed_minor: Mapped[MinorUnits] = mapped_column(default=0)
    po_number: Mapped[str | None] = mapped_column(String(100))
    sales_rep_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[Source] = mapped_column(
        value_enum(Source, "invoice_source"), default=Source.MANUAL
    )
    #: the active marketplace case holding this invoice (written by marketplace)
    case_id: Mapped[int | None]
    #: day the outstanding reached zero (DSO, payer score)
    paid_on: Mapped[date | None] = mapped_column(Date)
    written_off_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    debtor: Mapped[Debtor] = relationship(lazy="joined", innerjoin=True)

    #: disputes summarised for one API response by the disputes feature (not a column)
    dispute_refs = ()

    __mapper_args__ = {"version_id_col": version}

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def outstanding(self) -> Money:
        return Money(self.outstanding_minor, self.currency)

    @property
    def disputed(self) -> Money:
        return Money(self.disputed_minor, self.currency)

    @hybrid_method
    def status_on(self, today: date) -> InvoiceStatus:
        """The status as of `today` (first matching rule wins)."""
        if self.cancelled_on is not None:
            return InvoiceStatus.CANCELLED
        if self.written_off_on is not None:
            return InvoiceStatus.WRITTEN_OFF
        if self.outstanding_minor == 0:
            return InvoiceStatus.PAID
        if self.case_id is not None:
            return InvoiceStatus.IN_COLLECTION
        if self.disputed_minor > 0:
            return InvoiceStatus.DISPUTED
        if self.due_date < today:
            return InvoiceStatus.OVERDUE
        if self.outstanding_minor < self.amount_minor:
            return InvoiceStatus.PARTIALLY_PAID
        return InvoiceStatus.OPEN

    @status_on.expression
    def status_on(cls, today: date):
        return case(
            (cls.cancelled_on.is_not(None), literal(InvoiceStatus.CANCELLED.value)),
            (cls.written_off_on.is_not(None), literal(InvoiceStatus.WRITTEN_OFF.value)),
            (cls.outstanding_minor == 0, literal(InvoiceStatus.PAID.value)),
            (cls.case_id.is_not(None), literal(InvoiceStatus.IN_COLLECTION.value)),
            (cls.disputed_minor > 0, literal(InvoiceStatus.DISPUTED.value)),
            (cls.due_date < today, literal(InvoiceStatus.OVERDUE.value)),
            (cls.outstanding_minor < cls.amount_minor, literal(InvoiceStatus.PARTIALLY_PAID.value)),
            else_=literal(InvoiceStatus.OPEN.value),
        )

    def days_overdue(self, today: date) -> int:
        """Days past the due date while something is owed (0 when not due or settled)."""
        if self.outstanding_minor == 0 or self.due_date >= today:
            return 0
        return (today - self.due_date).days


class Payment(TenantMixin, Base):
    """Money received from a debtor; allocated explicitly, the rest is unapplied credit."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "unapplied_minor >= 0 AND unapplied_minor <= amount_minor",
            name="unapplied_within_amount",
        ),
        Index("ix_payments_org_id_debtor_id", "org_id", "debtor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id", ondelete="RESTRICT"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    #: what no invoice took: the debtor's unapplied credit
    unapplied_minor: Mapped[MinorUnits] = mapped_column(default=0)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(140))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def unapplied(self) -> Money:
        return Money(self.unapplied_minor, self.currency)


class Allocation(TenantMixin, Base):
    """Part of a payment or credit note applied to one invoice."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("(payment_id IS NULL) <> (credit_note_id IS NULL)", name="one_source"),
        Index("ix_allocations_org_id_invoice_id", "org_id", "invoice_id"),
        Index("ix_allocations_org_id_applied_on", "org_id", "applied_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), index=True
    )
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="CASCADE"), index=True
    )
    amount_minor: Mapped[MinorUnits]
    #: the day the money or credit counted against the invoice
    applied_on: Mapped[date] = mapped_column(Date)


class CreditNote(TenantMixin, Base):
    """A credit the creditor grants on an invoice (dispute outcome, correction)."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "unapplied_minor >= 0 AND unapplied_minor <= amount_minor",
            name="unapplied_within_amount",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id", ondelete="RESTRICT"))
    number: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    unapplied_minor: Mapped[MinorUnits] = mapped_column(default=0)
    issued_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)


class PromiseStatus(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    EXPIRED = "expired"


class PromiseToPay(TenantMixin, Base):
    """A debtor's promise to pay `amount` on `promised_on` (shown apart in aging)."""

    __tablename__ = "promises_to_pay"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        Index("ix_promises_to_pay_org_id_status", "org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[MinorUnits]
    promised_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PromiseStatus] = mapped_column(
        value_enum(PromiseStatus, "promise_status"), default=PromiseStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)
