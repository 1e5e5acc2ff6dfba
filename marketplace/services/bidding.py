"""Agencies bid on listed cases and withdraw their bids. Flush, never commit."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.auth.models import User
from core.db import utcnow
from core.errors import Conflict, IllegalTransition
from core.extensions import db
from core.jobs import enqueue_after_commit
from core.money import Money
from core.text import clean
from marketplace import notifications, states
from marketplace.models import Bid, Case
from marketplace.services.events import record
from marketplace.services.requirements import check_qualifies
from marketplace.states import BidStatus, CaseStatus
from marketplace.terms import FeeTerms


def place_bid(
    case: Case,
    *,
    actor: User,
    fee_model: str,
    duration_days: int,
    legal_action: bool,
    percent: int | None = None,
    fixed: Money | None = None,
    upfront: Money | None = None,
    message: str | None = None,
) -> Bid:
    """Bid for the actor's agency on a listed case; its live bid, if any, is replaced.

    The case row is read FOR SHARE, so an award committing meanwhile waits for this bid
    (which it then rejects) or makes this bid a 409; it never misses it.
    """
    terms = FeeTerms.build(fee_model, case.currency, percent=percent, fixed=fixed, upfront=upfront)
    terms.check_within(case.terms)
    _check_open(case)
    agency_id = actor.org_id
    check_qualifies(case, agency_id)
    replaced = db.session.scalars(
        update(Bid)
        .where(Bid.case_id == case.id, Bid.agency_org_id == agency_id, Bid.status == BidStatus.LIVE)
        .values(status=BidStatus.REPLACED, updated_at=utcnow())
        .returning(Bid.id),
        execution_options={"synchronize_session": False},
    ).all()
    bid = Bid(
        case_id=case.id,
        agency_org_id=agency_id,
        fee_model=terms.fee_model,
        currency=case.currency,
        percent_bp=terms.percent_bp,
        fixed_minor=terms.fixed_minor,
        upfront_minor=terms.upfront_minor,
        duration_days=duration_days,
        legal_action=legal_action,
        message=clean(message),
        status=BidStatus.LIVE,
        created_by_id=actor.id,
    )
    db.session.add(bid)
    try:
        db.session.flush()
    except IntegrityError:
        # a concurrent bid of the same agency won the one-live-bid index
        raise Conflict(
            "Your agency placed another bid at the same moment; reload and try again.",
            code="concurrent_bid",
        ) from None
    record(
        case,
        "bid_placed",
        actor=actor,
        from_status=case.status,
        details={
            "bid_id": bid.id,
            "replaced_bid_ids": list(replaced),
            "fee_model": terms.fee_model.value,
        },
        object_type="bid",
        object_id=bid.id,
    )
    enqueue_after_commit(notifications.notify_new_bid, bid.id)
    return bid


def withdraw_bid(bid: Bid, *, actor: User) -> Bid:
    """Withdraw a live bid (until award); a bid accepted meanwhile makes this a 409."""
    states.check_bid_transition(bid.status, BidStatus.WITHDRAWN)
    moved = db.session.execute(
        update(Bid)
        .where(Bid.id == bid.id, Bid.status == BidStatus.LIVE)
        .values(status=BidStatus.WITHDRAWN, updated_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(bid)  # accepted or rejected meanwhile
        raise IllegalTransition(bid.status.value, BidStatus.WITHDRAWN.value, allowed=[])
    case = bid.case
    record(
        case,
        "bid_withdrawn",
        actor=actor,
        from_status=case.status,
        details={"bid_id": bid.id},
        object_type="bid",
        object_id=bid.id,
    )
    return bid


def _check_open(case: Case) -> None:
    """Lock the case row for share and check it still takes bids (409 otherwise)."""
    status, deadline = db.session.execute(
        select(Case.status, Case.bidding_deadline)
        .where(Case.id == case.id)
        .with_for_update(read=True)
    ).one()
    if status is not CaseStatus.LISTED:
        raise Conflict(
            "The case no longer takes bids.",
            code="case_not_listed",
            details={"status": status.value},
        )
    if deadline <= utcnow():
        raise Conflict("The bidding deadline has passed.", code="deadline_passed")
