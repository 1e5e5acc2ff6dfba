"""Cases, the invoices they bundle, invitations, bids and the case's event history (SPEC §4)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.auth.models import Organization
from core.db import Base, MinorUnits, TenantMixin, TimestampMixin, utcnow, value_enum
from core.money import Money
from disputes.threads.models import Thread
from ledger.models import Debtor, DebtorType, Invoice
from marketplace.states import BidStatus, CaseOutcome, CaseStatus
from marketplace.terms import AcceptedTerms, FeeModel, FeeTerms, ListingTerms

_PERCENT_OK = "{0} IS NULL OR {0} BETWEEN 1 AND 10000"
_POSITIVE = "{0} IS NULL OR {0} > 0"


class CaseStage(enum.StrEnum):
    """Optional stage of an active case (SPEC §4); None: ordinary collection."""

    PAYMENT_PLAN = "payment_plan"
    LEGAL = "legal"


class Case(TenantMixin, TimestampMixin, Base):
    """A creditor's claim on one debtor in one currency, listed for agencies to bid on.

    `org_id` is the creditor. The `listing_*` columns, `invoice_count` and
    `oldest_due_date` are the anonymised facts agencies see before award, taken when the
    case is published (staged disclosure: the listing never reads the debtor row).
    """

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("claimed_minor >= 0", name="claimed_not_negative"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)", name="outcome_iff_closed"),
        CheckConstraint(
            "(awarded_agency_org_id IS NOT NULL) = (status IN ('awarded', 'active', 'closed'))",
            name="awarded_iff_past_award",
        ),
        CheckConstraint(_PERCENT_OK.format("max_percent_bp"), name="max_percent_range"),
        CheckConstraint(_POSITIVE.format("max_fixed_minor"), name="max_fixed_positive"),
        CheckConstraint(_PERCENT_OK.format("instant_percent_bp"), name="instant_percent_range"),
        CheckConstraint(_PERCENT_OK.format("accepted_percent_bp"), name="accepted_percent_range"),
        Index("ix_cases_org_id_status", "org_id", "status"),
        Index("ix_cases_org_id_debtor_id", "org_id", "debtor_id"),
        # the marketplace: listed cases by deadline (listing pages, the expiry job)
        Index("ix_cases_status_bidding_deadline", "status", "bidding_deadline"),
        # the marketplace page, newest listings first: a (backward) index scan that stops at
        # the page instead of sorting every listed case
        Index(
            "ix_cases_listed_published_at",
            "published_at",
            "id",
            sqlite_where=text("status = 'listed'"),
            postgresql_where=text("status = 'listed'"),
        ),
        Index("ix_cases_awarded_agency_org_id_status", "awarded_agency_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("debtors.id", ondelete="RESTRICT"))
    #: ISO 4217 code of every invoice on the case; amounts below are its minor units
    currency: Mapped[str] = mapped_column(String(3))
    #: the invoices' outstanding when the case was listed (at creation for a draft)
    claimed_minor: Mapped[MinorUnits] = mapped_column(default=0)
    status: Mapped[CaseStatus] = mapped_column(
        value_enum(CaseStatus, "case_status"), default=CaseStatus.DRAFT
    )
    outcome: Mapped[CaseOutcome | None] = mapped_column(
        Enum(
            CaseOutcome,
            name="case_outcome",
            native_enum=False,
            create_constraint=True,
            length=30,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    # -- listing terms -------------------------------------------------------------------
    #: accepted fee models, e.g. ["contingency", "hybrid"]
    fee_models: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: cap on a bid's percent (basis points: 1500 = 15 %)
    max_percent_bp: Mapped[int | None]
    #: cap on a fixed fee and on a hybrid's upfront amount
    max_fixed_minor: Mapped[MinorUnits | None]
    #: instant-take terms: any agency the listing is open to may take the case at these
    instant_fee_model: Mapped[FeeModel | None] = mapped_column(value_enum(FeeModel, "fee_model"))
    instant_percent_bp: Mapped[int | None]
    instant_fixed_minor: Mapped[MinorUnits | None]
    instant_upfront_minor: Mapped[MinorUnits | None]
    bidding_deadline: Mapped[datetime]
    #: ISO 3166 codes / specialty codes a bidding agency must all cover (services.requirements)
    required_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: False: only the agencies in case_invitations see the listing
    open_to_all: Mapped[bool] = mapped_column(default=True)
    # -- award -----------------------------------------------------------------------------
    awarded_agency_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    #: the accepted bid (bids.id; no foreign key: bids already point at cases)
    awarded_bid_id: Mapped[int | None]
    #: the winning terms, copied from the accepted bid at award
    accepted_fee_model: Mapped[FeeModel | None] = mapped_column(
        value_enum(FeeModel, "accepted_fee_model")
    )
    accepted_percent_bp: Mapped[int | None]
    accepted_fixed_minor: Mapped[MinorUnits | None]
    accepted_upfront_minor: Mapped[MinorUnits | None]
    accepted_duration_days: Mapped[int | None]
    accepted_legal_action: Mapped[bool | None]
    # -- anonymised listing facts (taken at publish) -----------------------------------------
    listing_country: Mapped[str | None] = mapped_column(String(2))
    listing_sector: Mapped[str | None] = mapped_column(String(100))
    listing_debtor_type: Mapped[DebtorType | None] = mapped_column(
        value_enum(DebtorType, "listing_debtor_type")
    )
    invoice_count: Mapped[int] = mapped_column(default=0)
    oldest_due_date: Mapped[date | None] = mapped_column(Date)
    #: which kinds of documents exist (e.g. "invoices", "dispute_attachments")
    document_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # -- workspace and timestamps ------------------------------------------------------------
    #: the case's shared comment thread (workspace), created on the first comment
    thread_id: Mapped[int | None] = mapped_column(ForeignKey(Thread.id, ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    awarded_at: Mapped[datetime | None]
    #: when it left the marketplace for good: closed, withdrawn or expired
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    #: optional stage while active: payment_plan or legal (services.stages)
    stage: Mapped[CaseStage | None] = mapped_column(value_enum(CaseStage, "case_stage"))

    debtor: Mapped[Debtor] = relationship(lazy="joined", innerjoin=True)
    awarded_agency: Mapped[Organization | None] = relationship(
        lazy="joined", foreign_keys=[awarded_agency_org_id]
    )
    # loaded when used (one SELECT each): most moves never touch them
    case_invoices: Mapped[list[CaseInvoice]] = relationship(
        order_by="CaseInvoice.id", back_populates="case"
    )
    invitations: Mapped[list[CaseInvitation]] = relationship(
        order_by="CaseInvitation.agency_org_id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def claimed(self) -> Money:
        return Money(self.claimed_minor, self.currency)

    @property
    def terms(self) -> ListingTerms:
        return ListingTerms(
            tuple(self.fee_models), self.currency, self.max_percent_bp, self.max_fixed_minor
        )

    @property
    def instant_terms(self) -> FeeTerms | None:
        if self.instant_fee_model is None:
            return None
        return FeeTerms(
            self.instant_fee_model,
            self.currency,
            self.instant_percent_bp,
            self.instant_fixed_minor,
            self.instant_upfront_minor,
        )

    @property
    def accepted_terms(self) -> AcceptedTerms | None:
        if self.accepted_fee_model is None:
            return None
        return AcceptedTerms(
            self.accepted_fee_model,
            self.currency,
            self.accepted_percent_bp,
            self.accepted_fixed_minor,
            self.accepted_upfront_minor,
            self.accepted_duration_days,
            self.accepted_legal_action,
        )

    @property
    def invited_agency_ids(self) -> list[int]:
        return [i.agency_org_id for i in self.invitations]

    @property
    def invoices(self) -> list[Invoice]:
        return [ci.invoice for ci in self.case_invoices]


class CaseInvoice(TenantMixin, Base):
    """An invoice on a case. `active` rows reserve the invoice: one active case per invoice."""

    __tablename__ = "case_invoices"
    __table_args__ = (
        UniqueConstraint("case_id", "invoice_id"),
        CheckConstraint("outstanding_minor >= 0", name="outstanding_not_negative"),
        # the database itself refuses a second active case for the same invoice
        Index(
            "uq_case_invoices_invoice_id_active",
            "invoice_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"))
    #: the invoice's outstanding when the case was listed (at creation for a draft)
    outstanding_minor: Mapped[MinorUnits]
    #: False once the case is withdrawn, expired or closed (the invoice is free again)
    active: Mapped[bool] = mapped_column(default=True)

    case: Mapped[Case] = relationship(back_populates="case_invoices")
    invoice: Mapped[Invoice] = relationship(lazy="joined", innerjoin=True)

    @property
    def outstanding_at_listing(self) -> Money:
        return Money(self.outstanding_minor, self.invoice.currency)


class CaseInvitation(TenantMixin, Base):
    """An agency invited to a case that is not open to all (`org_id`: the creditor)."""

    __tablename__ = "case_invitations"
    __table_args__ = (
        UniqueConstraint("case_id", "agency_org_id"),
        Index("ix_case_invitations_agency_org_id_case_id", "agency_org_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))


class Bid(TimestampMixin, Base):
    """An agency's offer on a listed case; at most one live bid per agency and case."""

    __tablename__ = "bids"
    __table_args__ = (
        CheckConstraint(_PERCENT_OK.format("percent_bp"), name="percent_range"),
        CheckConstraint(_POSITIVE.format("fixed_minor"), name="fixed_positive"),
        CheckConstraint(_POSITIVE.format("upfront_minor"), name="upfront_positive"),
        CheckConstraint(
            "duration_days IS NULL OR duration_days BETWEEN 1 AND 3650", name="duration_range"
        ),
        CheckConstraint(
            "(fee_model = 'contingency' AND percent_bp IS NOT NULL"
            " AND fixed_minor IS NULL AND upfront_minor IS NULL)"
            " OR (fee_model = 'fixed' AND fixed_minor IS NOT NULL"
            " AND percent_bp IS NULL AND upfront_minor IS NULL)"
            " OR (fee_model = 'hybrid' AND percent_bp IS NOT NULL"
            " AND upfront_minor IS NOT NULL AND fixed_minor IS NULL)",
            name="amounts_match_fee_model",
        ),
        # one live bid per agency and case: a new bid replaces the live one
        Index(
            "uq_bids_case_id_agency_org_id_live",
            "case_id",
            "agency_org_id",
            unique=True,
            sqlite_where=text("status = 'live'"),
            postgresql_where=text("status = 'live'"),
        ),
        # exactly one award per case, whatever the concurrency (QUALITY T19)
        Index(
            "uq_bids_case_id_accepted",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index("ix_bids_case_id_status", "case_id", "status"),
        Index("ix_bids_agency_org_id_status", "agency_org_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    #: the bidding agency (the bid's owner; the case belongs to the creditor)
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    fee_model: Mapped[FeeModel] = mapped_column(value_enum(FeeModel, "bid_fee_model"))
    #: the case's currency
    currency: Mapped[str] = mapped_column(String(3))
    percent_bp: Mapped[int | None]
    fixed_minor: Mapped[MinorUnits | None]
    upfront_minor: Mapped[MinorUnits | None]
    #: expected duration; None for a take at instant terms
    duration_days: Mapped[int | None]
    legal_action: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[BidStatus] = mapped_column(
        value_enum(BidStatus, "bid_status"), default=BidStatus.LIVE
    )
    #: True: the agency took the case at its instant terms (born accepted)
    taken: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    case: Mapped[Case] = relationship()
    agency: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)

    @property
    def terms(self) -> FeeTerms:
        return FeeTerms(
            self.fee_model, self.currency, self.percent_bp, self.fixed_minor, self.upfront_minor
        )


class CaseEvent(TenantMixin, Base):
    """One step in a case's life (created, listed, bid placed, awarded...); never edited.

    `org_id` is the creditor. Feeds the case timeline.
    """

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the organisation acting (the creditor, or an agency for bids and takes)
    actor_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    #: created, updated, listed, withdrawn, expired, bid_placed, bid_withdrawn, awarded, taken
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(Session, "before_flush")
def _refuse_event_changes(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, CaseEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("case events are append-only")
