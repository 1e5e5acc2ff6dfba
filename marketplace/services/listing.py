"""The anonymised listing agencies see before award (SPEC §4, staged disclosure).

At publish the case keeps the few facts a listing may show (country, sector, debtor
type, claim, invoice count, oldest due date, document kinds); listing queries read only
those columns and never the debtor or invoice rows. The dispute summary is counted live,
for a whole page in one grouped query.

A listing page reads only `LISTING_COLUMNS` (plain rows, no ORM entities); `to_listing`
builds a `Listing` from such a row or from a `Case`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import raiseload

from core.db import utcnow
from core.extensions import db
from core.money import Money, exponent
from disputes.attachments.models import Attachment
from disputes.models import Dispute
from disputes.states import DisputeStatus
from disputes.threads.models import Comment
from ledger.clock import today
from ledger.models import Invoice, Source
from marketplace.models import Case, CaseInvitation, CaseInvoice
from marketplace.states import CaseStatus
from marketplace.terms import FeeTerms, ListingTerms

#: claim size bands, in major units of the claim's currency: (upper bound, label)
SIZE_BANDS: tuple[tuple[int | None, str], ...] = (
    (1_000, "under_1k"),
    (5_000, "1k_5k"),
    (25_000, "5k_25k"),
    (100_000, "25k_100k"),
    (None, "100k_plus"),
)
#: days-overdue buckets of the oldest invoice, as in the aging report
AGE_BUCKETS: tuple[tuple[int | None, str], ...] = (
    (0, "not_due"),
    (30, "d1_30"),
    (60, "d31_60"),
    (90, "d61_90"),
    (120, "d91_120"),
    (None, "d120_plus"),
)


#: loader options for listings: the debtor and invoice rows are never loaded (or touched)
ANONYMOUS = (
    raiseload(Case.debtor),
    raiseload(Case.case_invoices),
    raiseload(Case.invitations),
    raiseload(Case.awarded_agency),
)


@dataclass(frozen=True)
class Listing:
    """Everything an agency may see of a case before award, and nothing else."""

    id: int
    sector: str | None
    country: str | None
    size_band: str
    debtor_type: str | None
    claimed: Money
    days_overdue_bucket: str
    invoice_count: int
    dispute_summary: dict[str, Any]
    document_kinds: list[str]
    terms: ListingTerms
    instant_terms: FeeTerms | None
    bidding_deadline: datetime
    published_at: datetime | None
    by_invitation: bool
    required_countries: list[str]
    required_specialties: list[str]
    #: no dunning automation runs yet: always empty
    dunning_steps: list[str] = field(default_factory=list)


def take_snapshot(case: Case, invoices: Sequence[Invoice]) -> None:
    """Copy the listing facts onto the case (at publish)."""
    debtor = case.debtor
    case.listing_country = debtor.country
    case.listing_sector = debtor.sector
    case.listing_debtor_type = debtor.debtor_type
    case.invoice_count = len(invoices)
    case.claimed_minor = sum(i.outstanding_minor for i in invoices)
    case.oldest_due_date = min(i.due_date for i in invoices)
    case.document_kinds = document_kinds(invoices)


def document_kinds(invoices: Sequence[Invoice]) -> list[str]:
    """Which kinds of documents the case file holds (never the documents themselves)."""
    kinds = {"invoices"}
    if any(i.source is Source.UBL for i in invoices):
        kinds.add("e_invoices")
    comments, attachments = db.session.execute(
        select(func.count(func.distinct(Comment.id)), func.count(Attachment.id))
        .select_from(Dispute)
        .join(Comment, Comment.thread_id == Dispute.thread_id)
        .outerjoin(Attachment, Attachment.comment_id == Comment.id)
        .where(
            Dispute.invoice_id.in_([i.id for i in invoices]),
            Comment.visibility == "shared",
            Comment.deleted_at.is_(None),
        )
    ).one()
    if comments:
        kinds.add("dispute_correspondence")
    if attachments:
        kinds.add("dispute_attachments")
    return sorted(kinds)


def size_band(claimed: Money) -> str:
    major = claimed.minor // 10 ** exponent(claimed.currency)
    return next(label for bound, label in SIZE_BANDS if bound is None or major < bound)


def age_bucket(oldest_due: date | None, on: date) -> str:
    days = 0 if oldest_due is None else (on - oldest_due).days
    return next(label for bound, label in AGE_BUCKETS if bound is None or days <= bound)


def visible_to(agency_org_id: int, now: datetime | None = None) -> ColumnElement[bool]:
    """SQL condition: a listed case, before its deadline, open to all or to this agency."""
    invited = exists().where(
        CaseInvitation.case_id == Case.id, CaseInvitation.agency_org_id == agency_org_id
    )
    return and_(
        Case.status == CaseStatus.LISTED,
        Case.bidding_deadline > (now or utcnow()),
        or_(Case.open_to_all.is_(True), invited),
    )


#: the case columns a listing is built from (and the only ones a listing page reads)
LISTING_COLUMNS = (
    Case.id,
    Case.listing_sector,
    Case.listing_country,
    Case.listing_debtor_type,
    Case.currency,
    Case.claimed_minor,
    Case.oldest_due_date,
    Case.invoice_count,
    Case.document_kinds,
    Case.fee_models,
    Case.max_percent_bp,
    Case.max_fixed_minor,
    Case.instant_fee_model,
    Case.instant_percent_bp,
    Case.instant_fixed_minor,
    Case.instant_upfront_minor,
    Case.bidding_deadline,
    Case.published_at,
    Case.open_to_all,
    Case.required_countries,
    Case.required_specialties,
)


def listings_query(agency_org_id: int, filters: dict[str, Any]) -> Select[Any]:
    """The listings an agency may see, filtered, newest first: rows of `LISTING_COLUMNS`
    (no debtor, no invoices; `to_listings` turns them into listings)."""
    query = select(*LISTING_COLUMNS).where(visible_to(agency_org_id))
    if "country" in filters:
        query = query.where(Case.listing_country == filters["country"])
    if "currency" in filters:
        query = query.where(Case.currency == filters["currency"])
    if "min_amount" in filters:
        query = query.where(Case.claimed_minor >= filters["min_amount"])
    if "max_amount" in filters:
        query = query.where(Case.claimed_minor <= filters["max_amount"])
    if "min_days_overdue" in filters:
        latest_due = today() - timedelta(days=filters["min_days_overdue"])
        query = query.where(Case.oldest_due_date <= latest_due)
    if "sector" in filters:
        query = query.where(func.lower(Case.listing_sector) == filters["sector"].lower())
    return query.order_by(Case.published_at.desc(), Case.id.desc())


def listing_page(
    agency_org_id: int, filters: dict[str, Any], page: int, page_size: int
) -> dict[str, Any]:
    """One page of listings in the `{items, page, page_size, total}` envelope: a count, the
    page's rows (listing columns only) and their dispute summaries, three statements.

    (`count(*) OVER ()` on the page query would save a statement but makes PostgreSQL walk
    every match through the index instead of stopping at the page: several times slower.)
    """
    query = listings_query(agency_org_id, filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": to_listings(rows), "page": page, "page_size": page_size, "total": total or 0}


def _among(column: ColumnElement[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL one array parameter (`= ANY`) instead of one per id,
    which SQLAlchemy and psycopg would otherwise bind and parse per request."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)


def dispute_summaries(case_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Per case: dispute count, how many are still open, and counts by reason (one query)."""
    summaries = {cid: {"count": 0, "open_count": 0, "by_reason": {}} for cid in case_ids}
    if not case_ids:
        return summaries
    still_open = case((Dispute.status != DisputeStatus.RESOLVED, 1), else_=0)
    rows = db.session.execute(
        select(
            CaseInvoice.case_id,
            Dispute.reason_team,
            Dispute.reason_code,
            func.count(Dispute.id),
            func.sum(still_open),
        )
        .join(Dispute, Dispute.invoice_id == CaseInvoice.invoice_id)
        .where(_among(CaseInvoice.case_id, case_ids))
        .group_by(CaseInvoice.case_id, Dispute.reason_team, Dispute.reason_code)
    )
    for case_id, team, code, count, open_count in rows:
        summary = summaries[case_id]
        summary["count"] += int(count)
        summary["open_count"] += int(open_count or 0)
        summary["by_reason"][f"{team}.{code}"] = int(count)
    return summaries


def to_listing(case: Any, dispute_summary: dict[str, Any], *, on: date | None = None) -> Listing:
    """The anonymised view of a listed case (a `Case` or a row of `LISTING_COLUMNS`)."""
    currency = case.currency
    claimed = Money(case.claimed_minor, currency)
    instant_model = case.instant_fee_model
    return Listing(
        id=case.id,
        sector=case.listing_sector,
        country=case.listing_country,
        size_band=size_band(claimed),
        debtor_type=case.listing_debtor_type.value if case.listing_debtor_type else None,
        claimed=claimed,
        days_overdue_bucket=age_bucket(case.oldest_due_date, on or today()),
        invoice_count=case.invoice_count,
        dispute_summary=dispute_summary,
        document_kinds=list(case.document_kinds),
        terms=ListingTerms(
            tuple(case.fee_models), currency, case.max_percent_bp, case.max_fixed_minor
        ),
        instant_terms=None
        if instant_model is None
        else FeeTerms(
            instant_model,
            currency,
            case.instant_percent_bp,
            case.instant_fixed_minor,
            case.instant_upfront_minor,
        ),
        bidding_deadline=case.bidding_deadline,
        published_at=case.published_at,
        by_invitation=not case.open_to_all,
        required_countries=list(case.required_countries),
        required_specialties=list(case.required_specialties),
    )


def to_listings(cases: Sequence[Any]) -> list[Listing]:
    """A page of listings (`Case`s or rows of `LISTING_COLUMNS`) with their dispute
    summaries (one extra query for the page)."""
    summaries = dispute_summaries([c.id for c in cases])
    on = today()
    return [to_listing(c, summaries[c.id], on=on) for c in cases]
