"""The demo agencies' track records: closed cases moved into the past."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from core.auth.models import User
from core.extensions import db
from core.money import Money
from ledger.models import Payment
from marketplace import closing, reviews
from marketplace.demo.common import (
    ACTIVITY_NOTES,
    OVERDUE_BEFORE_CASE,
    _Agency,
    _bid,
    _Group,
    _moment,
    _open_case,
    _Seed,
    _Stamps,
)
from marketplace.models import Bid, Case
from marketplace.services import award, cases
from marketplace.states import CaseOutcome, CaseStatus
from marketplace.workspace import activities, costs, recoveries
from marketplace.workspace.models import CaseCost, RecoveryAllocation

#: how far back an award may lie, and how long after falling due an invoice goes to collection
HISTORY_DAYS = 540
OUTCOMES = (
    (CaseOutcome.RECOVERED_FULL, 45),
    (CaseOutcome.RECOVERED_PARTIAL, 28),
    (CaseOutcome.UNRECOVERABLE, 15),
    (CaseOutcome.RETURNED_BY_AGENCY, 6),
    (CaseOutcome.WITHDRAWN_BY_CREDITOR, 6),
)
RATINGS = {
    CaseOutcome.RECOVERED_FULL: (4, 5, 5),
    CaseOutcome.RECOVERED_PARTIAL: (3, 4, 4),
    CaseOutcome.UNRECOVERABLE: (2, 3, 3),
    CaseOutcome.RETURNED_BY_AGENCY: (1, 2, 3),
    CaseOutcome.WITHDRAWN_BY_CREDITOR: (3, 4),
}
REVIEWS = {
    5: "Fast, polite and effective: the debtor paid in full without court action.",
    4: "Good communication and regular updates on the file.",
    3: "Recovered part of the claim; reporting could have been more frequent.",
    2: "Slow to make first contact with the debtor.",
    1: "Little visible work before the case was handed back.",
}


def _closed_case(seed: _Seed, agency: _Agency, group: _Group) -> None:
    rng, today, now = seed.rng, seed.today, seed.now
    count = rng.randint(1, 3)
    newest_due = max(due for _, due in group.invoices[:count])
    latest = min(HISTORY_DAYS, (today - newest_due).days - OVERDUE_BEFORE_CASE)
    ago = rng.randint(max(25, latest // 3), max(25, latest))
    award_day = today - timedelta(days=ago)
    awarded = _moment(award_day, rng, now)
    created = awarded - timedelta(days=rng.randint(3, 12), hours=rng.randint(1, 6))
    published = created + timedelta(hours=rng.randint(1, 5))
    take = rng.random() < 0.15
    case = _open_case(seed, group, count, deadline=now + timedelta(days=14), instant=take)
    stamps = _Stamps(case)
    stamps.mark(created)
    manager = seed.managers[group.creditor.id]
    cases.publish_case(case, actor=manager)
    stamps.mark(published)
    others = [a for a in seed.agencies if a is not agency]
    bidders = rng.sample(others, rng.randint(0, min(2, len(others))))
    if not take:
        bidders.append(agency)
    winner = None
    for n, bidder in enumerate(bidders, start=1):
        bid = _bid(seed, case, bidder)
        winner = bid if bidder is agency else winner
        stamps.mark(published + (awarded - published) * n / (len(bidders) + 1))
    if winner is None:
        award.take_case(case, actor=agency.owner)
    else:
        award.accept_bid(winner, actor=manager)
    stamps.mark(awarded)
    db.session.refresh(case)  # the award's conditional UPDATE ran in SQL
    case.awarded_at = awarded
    db.session.flush()

    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    span = max(1, min(ago - 1, 150))
    days = sorted(rng.sample(range(0, span + 1), min(3, span + 1)))
    last = award_day
    if outcome is not CaseOutcome.WITHDRAWN_BY_CREDITOR or rng.random() < 0.5:
        for offset in days[: rng.randint(1, 3)]:
            kind, note = rng.choice(ACTIVITY_NOTES)
            day = award_day + timedelta(days=offset // 3)
            activity = activities.log_activity(
                case, actor=agency.collector, kind=kind, occurred_on=day, note=note
            )
            activity.created_at = stamps.mark(_moment(day, rng, now))
            last = max(last, day)
    if rng.random() < 0.4 and outcome is not CaseOutcome.WITHDRAWN_BY_CREDITOR:
        last = _history_cost(seed, case, agency, manager, stamps, last)
    if outcome in (CaseOutcome.RECOVERED_FULL, CaseOutcome.RECOVERED_PARTIAL):
        last = _history_recoveries(seed, case, agency, stamps, outcome, award_day, days[-1], last)
    close_day = min(today, last + timedelta(days=rng.randint(2, 14)))
    closer = agency.owner if outcome is CaseOutcome.RETURNED_BY_AGENCY else manager
    closing.close_case(case, actor=closer, outcome=outcome)
    closed = stamps.mark(_moment(close_day, rng, now))
    if rng.random() < 0.85:
        rating = rng.choice(RATINGS[outcome])
        review = reviews.review_case(case, actor=manager, rating=rating, comment=REVIEWS[rating])
        review.created_at = min(closed + timedelta(days=rng.randint(0, 3), hours=2), now)
    _restamp(case, stamps, created=created, published=published, closed=closed)


def _history_cost(
    seed: _Seed, case: Case, agency: _Agency, manager: User, stamps: _Stamps, last: date
) -> date:
    """An expense the agency posts and the creditor approves (the debtor owes it back)."""
    rng = seed.rng
    day = min(seed.today, last + timedelta(days=rng.randint(1, 10)))
    cost = costs.add_cost(
        case,
        actor=agency.owner,
        kind="expense",
        amount=Money(rng.choice((2_500, 4_000, 7_500, 12_000)), case.currency),
        description=rng.choice(("Court fee for the payment order", "Address and solvency check")),
        borne_by="debtor",
    )
    moment = stamps.mark(_moment(day, rng, seed.now))
    if cost.status.value == "pending":
        costs.decide_cost(cost, actor=manager, approve=True)
        stamps.mark(moment + timedelta(hours=3))
        cost.decided_at = moment + timedelta(hours=3)
    cost.created_at = cost.updated_at = moment
    return day


def _history_recoveries(
    seed: _Seed,
    case: Case,
    agency: _Agency,
    stamps: _Stamps,
    outcome: CaseOutcome,
    award_day: date,
    until: int,
    last: date,
) -> date:
    """All that is owed (in one or two payments) or a part of it, dated after the award."""
    rng = seed.rng
    owed = recoveries.legal_costs_open(case) + sum(
        i.outstanding_minor for i in recoveries.open_invoices(case)
    )
    if outcome is CaseOutcome.RECOVERED_FULL:
        first = owed if rng.random() < 0.6 else max(1, owed // rng.randint(2, 4))
        parts = [first, owed - first]
    else:
        parts = [max(1, round(owed * rng.uniform(0.2, 0.75)))]
    offsets = sorted(rng.randint(max(1, until // 3), max(1, until)) for _ in parts)
    for amount, offset in zip(parts, offsets, strict=True):
        if amount <= 0:
            continue
        day = min(seed.today, award_day + timedelta(days=offset))
        recovery, _ = recoveries.record_recovery(
            case,
            actor=agency.collector,
            amount=Money(amount, case.currency),
            received_on=day,
            note="Bank transfer from the debtor.",
        )
        recovery.created_at = stamps.mark(_moment(day, rng, seed.now))
        payments = select(RecoveryAllocation.payment_id).where(
            RecoveryAllocation.recovery_id == recovery.id
        )
        db.session.execute(
            update(Payment)
            .where(Payment.id.in_(payments))
            .values(created_at=recovery.created_at)
            .execution_options(synchronize_session=False)
        )
        last = max(last, day)
    return last


def _restamp(
    case: Case, stamps: _Stamps, *, created: datetime, published: datetime, closed: datetime
) -> None:
    """Date the case, its bids, success fees and events as the steps happened."""
    stamps.apply()
    db.session.execute(
        update(Bid)
        .where(Bid.case_id == case.id)
        .values(
            created_at=published + (case.awarded_at - published) / 2, updated_at=case.awarded_at
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CaseCost)
        .where(CaseCost.case_id == case.id, CaseCost.recovery_id.is_not(None))
        .values(created_at=closed, updated_at=closed)
        .execution_options(synchronize_session=False)
    )
    case.created_at, case.published_at = created, published
    if case.status is CaseStatus.CLOSED:
        case.closed_at = closed
    case.bidding_deadline = case.awarded_at + timedelta(days=7)
    case.updated_at = closed
    db.session.flush()
