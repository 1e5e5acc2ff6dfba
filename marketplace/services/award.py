"""The award: a creditor accepts a bid, or an agency takes the case at instant terms.

Exactly one award per case, whatever the concurrency (QUALITY T19/T20). Every path
starts with the same conditional UPDATE of the case row (`status = 'listed' AND no
agency yet AND before the deadline`): on PostgreSQL the losers block on its row lock,
then re-check the condition and update nothing, so they get a 409. A partial unique
index allows one accepted bid per case as the backstop. Taking the case row first on
every path also keeps the lock order the same, so two awards never deadlock.
"""

from __future__ import annotations

from sqlalchemy import case as sql_case
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.auth.models import User
from core.db import utcnow
from core.errors import Conflict, IllegalTransition
from core.extensions import db
from core.jobs import enqueue_after_commit
from ledger import services as ledger
from marketplace import notifications, states
from marketplace.models import Bid, Case
from marketplace.services.events import record
from marketplace.services.requirements import check_qualifies
from marketplace.states import BidStatus, CaseStatus
from marketplace.terms import FeeTerms

#: what a losing racer re-reads to explain its 409
AWARD_COLUMNS = ["status", "bidding_deadline", "awarded_agency_org_id", "version"]


def accept_bid(bid: Bid, *, actor: User) -> Case:
    """Award the case to `bid`; the other live bids are rejected; everyone is notified."""
    case = bid.case
    check_awardable(case)
    states.check_bid_transition(bid.status, BidStatus.ACCEPTED)
    _claim_award(
        case,
        bid.terms,
        agency_id=bid.agency_org_id,
        bid_id=bid.id,
        duration_days=bid.duration_days,
        legal_action=bid.legal_action,
    )
    moved = db.session.execute(
        update(Bid)
        .where(Bid.id == bid.id, Bid.status == BidStatus.LIVE)
        .values(status=BidStatus.ACCEPTED, updated_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        # the agency withdrew it meanwhile: the caller's rollback undoes the award too
        db.session.refresh(bid)
        raise IllegalTransition(bid.status.value, BidStatus.ACCEPTED.value, allowed=[])
    rejected = _close_other_bids(case.id)
    _finish(case, actor, kind="awarded", bid_id=bid.id, rejected=rejected)
    return case


def take_case(case: Case, *, actor: User) -> Case:
    """Award the case to the actor's agency at the case's instant terms."""
    terms = case.instant_terms
    if terms is None:
        raise Conflict(
            "This case cannot be taken: it has no instant terms.", code="no_instant_terms"
        )
    check_awardable(case)
    agency_id = actor.org_id
    check_qualifies(case, agency_id)
    _claim_award(case, terms, agency_id=agency_id, bid_id=None)
    rejected = _close_other_bids(case.id, taker=agency_id)
    bid = Bid(
        case_id=case.id,
        agency_org_id=agency_id,
        fee_model=terms.fee_model,
        currency=case.currency,
        percent_bp=terms.percent_bp,
        fixed_minor=terms.fixed_minor,
        upfront_minor=terms.upfront_minor,
        duration_days=None,
        legal_action=False,
        status=BidStatus.ACCEPTED,
        taken=True,
        created_by_id=actor.id,
    )
    db.session.add(bid)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("The case has been awarded already.", code="already_awarded") from None
    case.awarded_bid_id = bid.id
    db.session.flush()
    _finish(case, actor, kind="taken", bid_id=bid.id, rejected=rejected)
    return case


def check_awardable(case: Case) -> None:
    """409 unless the case is listed and its bidding deadline has not passed."""
    states.check_transition(case.status, CaseStatus.AWARDED)
    if case.bidding_deadline <= utcnow():
        raise Conflict("The bidding deadline has passed.", code="deadline_passed")


def _claim_award(
    case: Case,
    terms: FeeTerms,
    *,
    agency_id: int,
    bid_id: int | None,
    duration_days: int | None = None,
    legal_action: bool | None = None,
) -> None:
    """The conditional UPDATE that only one award per case can win (409 for the others)."""
    now = utcnow()
    won = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.status == CaseStatus.LISTED,
            Case.awarded_agency_org_id.is_(None),
            Case.bidding_deadline > now,
        )
        .values(
            status=CaseStatus.AWARDED,
            awarded_agency_org_id=agency_id,
            awarded_bid_id=bid_id,
            awarded_at=now,
            accepted_fee_model=terms.fee_model,
            accepted_percent_bp=terms.percent_bp,
            accepted_fixed_minor=terms.fixed_minor,
            accepted_upfront_minor=terms.upfront_minor,
            accepted_duration_days=duration_days,
            accepted_legal_action=legal_action,
            version=Case.version + 1,
            updated_at=now,
        ),
        execution_options={"synchronize_session": "evaluate"},
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(case, AWARD_COLUMNS)  # what the winner committed
        check_awardable(case)
        raise Conflict("The case has been awarded already.", code="already_awarded")
    # "evaluate" cannot match every in-memory criterion (the deadline, the version
    # expression), so read the awarded row back rather than trust the session's copy
    db.session.refresh(case)


def _close_other_bids(case_id: int, *, taker: int | None = None) -> list[int]:
    """Live bids lose (`rejected`); a taker's own live bid is `replaced` by its take."""
    status = BidStatus.REJECTED
    if taker is not None:
        status = sql_case(
            (Bid.agency_org_id == taker, BidStatus.REPLACED.value),
            else_=BidStatus.REJECTED.value,
        )
    closed = db.session.execute(
        update(Bid)
        .where(Bid.case_id == case_id, Bid.status == BidStatus.LIVE)
        .values(status=status, updated_at=utcnow())
        .returning(Bid.id, Bid.agency_org_id),
        execution_options={"synchronize_session": False},
    ).all()
    return [bid_id for bid_id, agency_id in closed if agency_id != taker]


def _finish(case: Case, actor: User, *, kind: str, bid_id: int, rejected: list[int]) -> None:
    """Mark the invoices in collection, write the history, queue the notifications."""
    invoice_ids = [ci.invoice_id for ci in case.case_invoices if ci.active]
    ledger.assign_to_case(case.org_id, invoice_ids, case.id)
    record(
        case,
        kind,
        actor=actor,
        from_status=CaseStatus.LISTED,
        details={
            "bid_id": bid_id,
            "agency_org_id": case.awarded_agency_org_id,
            "rejected_bid_ids": rejected,
            "terms": _terms_json(case.accepted_terms),
        },
    )
    enqueue_after_commit(notifications.notify_case_event, case.id, kind)


def _terms_json(terms: FeeTerms | None) -> dict[str, object]:
    if terms is None:
        return {}
    return {
        "fee_model": terms.fee_model.value,
        "percent_bp": terms.percent_bp,
        "fixed_minor": terms.fixed_minor,
        "upfront_minor": terms.upfront_minor,
    }
