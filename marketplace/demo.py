"""`flask demo seed`'s marketplace: agency track records, live listings and work in progress.

Runs last (hooks run in feature order: ledger, disputes, agencies, marketplace). Every case
goes through the real services (create → publish → bid → accept or take → activity →
cost → recovery → close → review), so recoveries are booked in the ledger as payments and
every balance and statistic agrees. Cases only take invoices that are overdue, unpaid,
undisputed, of one non-consumer debtor in one currency and on no other case.

- History: 5-10 closed cases per agency on the demo creditors' older overdue invoices
  (fully unpaid ones, so the recoveries are their only payments), with bids, activities,
  costs, recoveries, every closing outcome and most with a review. The services stamp
  "now"; the award is moved into the past (up to 18 months) right after it, so activities
  and recoveries are dated after it as the services require, and once the case is closed
  the remaining timestamps (creation, publication, bids, events, close, review, row
  creation times) are moved with bulk UPDATEs to match. The audit log keeps the real
  seeding time. Notifications about that past are marked done without being sent.
- Now: `LISTED` listed cases with 1-4 live bids each (some with instant terms, two by
  invitation only) and `ACTIVE` cases awarded to the demo agency with a shared thread, an
  activity, a partial recovery and an expense waiting for the creditor's approval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import click
from flask import Flask
from sqlalchemy import bindparam, func, select, text, update

from agencies.demo import FAIRWAY
from core import hooks
from core.auth.models import Organization, OrgKind, Role, User
from core.db import utcnow
from core.extensions import db
from core.jobs.outbox import OutboxMessage
from core.money import Money
from ledger import clock
from ledger.models import Debtor, DebtorType, Invoice, Payment
from marketplace import closing, reviews
from marketplace.models import Bid, Case, CaseEvent, CaseInvoice
from marketplace.services import award, bidding, cases
from marketplace.states import CaseOutcome, CaseStatus
from marketplace.workspace import activities, comments, costs, recoveries
from marketplace.workspace.models import CaseCost, RecoveryAllocation

SEED = 4040
#: closed cases per agency (the demo agency gets the most)
HISTORY = (5, 9)
HISTORY_FAIRWAY = 10
#: how far back an award may lie, and how long after falling due an invoice goes to collection
HISTORY_DAYS = 540
OVERDUE_BEFORE_CASE = 30
LISTED = 10
INVITATION_ONLY = (3, 7)
ACTIVE = 5
TERMS = {"fee_models": ["contingency", "fixed", "hybrid"], "max_percent": 3000}
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
ACTIVITY_NOTES = (
    ("call", "Reached the accounts payable department; payment promised for next week."),
    ("letter", "First demand letter sent with a statement of the open invoices."),
    ("formal_notice", "Formal notice sent: payment within 14 days or legal steps follow."),
    ("call", "Debtor's finance manager disputes nothing, cites cash-flow problems."),
    ("visit", "Visited the debtor's premises; the managing director asked for a plan."),
    ("other", "Checked the commercial register and the debtor's recent filings."),
)
BID_MESSAGES = (
    "We know this sector well and start with a call within 48 hours.",
    "Amicable phase first; legal action only after your approval.",
    "Local team in the debtor's country, fluent in the language.",
    None,
)


def init_app(app: Flask) -> None:
    """Seed the marketplace after the ledger, disputes and agencies demo seeds."""
    hooks.register("demo_seed", seed_marketplace)


@dataclass
class _Agency:
    org: Organization
    owner: User
    collector: User


@dataclass
class _Group:
    """Candidate invoices (oldest due first) of one debtor in one currency."""

    creditor: Organization
    debtor_id: int
    currency: str
    invoices: list[tuple[int, date]] = field(default_factory=list)


@dataclass
class _Seed:
    rng: random.Random
    now: datetime
    today: date
    agencies: list[_Agency]
    fairway: _Agency
    managers: dict[int, User]
    used_debtors: set[int] = field(default_factory=set)


def seed_marketplace() -> list[str]:
    """Cases for the demo creditors and agencies; does nothing once any case exists."""
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return []
    seed = _setup()
    if seed is None:
        return []
    first_job = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    due_before = seed.today - timedelta(days=2 * OVERDUE_BEFORE_CASE)
    groups = _groups(seed, due_before=due_before, never_paid=True)
    wanted = {
        agency.org.id: HISTORY_FAIRWAY if agency is seed.fairway else seed.rng.randint(*HISTORY)
        for agency in seed.agencies
    }
    # round robin, so a small ledger still gives every agency a few cases
    slots = [
        agency
        for n in range(max(wanted.values()))
        for agency in seed.agencies
        if n < wanted[agency.org.id]
    ]
    for agency, group in zip(slots, groups, strict=False):
        _closed_case(seed, agency, group)
    closed = min(len(slots), len(groups))
    # the past is past: its notifications are marked done, never sent
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > first_job, OutboxMessage.done_at.is_(None))
        .values(done_at=seed.now)
    )
    seed.used_debtors.clear()  # a debtor with a closed case may be listed again
    listed, bids = _listings(seed)
    active = _in_progress(seed)
    for table in ("cases", "case_invoices", "bids", "case_events", "agency_reviews"):
        db.session.execute(text(f"ANALYZE {table}"))
    line = (
        f"  Marketplace: {closed} closed cases for {len(seed.agencies)} agencies, "
        f"{listed} listed with {bids} live bids, {active} in progress for {FAIRWAY}"
    )
    click.echo(line)
    return [line]


def _setup() -> _Seed | None:
    """The agencies (with an owner and a collector each) and each creditor's manager."""
    agencies = []
    for org in db.session.scalars(
        select(Organization).where(Organization.kind == OrgKind.AGENCY).order_by(Organization.id)
    ):
        owner, collector = _user(org, Role.OWNER), _user(org, Role.COLLECTOR, Role.OWNER)
        if owner and collector:
            agencies.append(_Agency(org, owner, collector))
    fairway = next((a for a in agencies if a.org.name == FAIRWAY), None)
    managers = {}
    for org in db.session.scalars(
        select(Organization).where(Organization.kind == OrgKind.CREDITOR).order_by(Organization.id)
    ):
        manager = _user(org, Role.CREDIT, Role.OWNER)
        if manager is not None:
            managers[org.id] = manager
    if fairway is None or not managers:
        return None
    now = utcnow()
    return _Seed(random.Random(SEED), now, clock.today(), agencies, fairway, managers)


def _user(org: Organization, *roles: Role) -> User | None:
    for role in roles:
        user = db.session.scalar(
            select(User)
            .where(User.org_id == org.id, User.role == role, User.active.is_(True))
            .order_by(User.id)
        )
        if user is not None:
            return user
    return None


def _groups(seed: _Seed, *, due_before: date, never_paid: bool) -> list[_Group]:
    """Invoices a case may take, by debtor and currency, shuffled; used debtors left out."""
    taken = select(CaseInvoice.invoice_id).where(CaseInvoice.active.is_(True))
    query = (
        select(Invoice.org_id, Invoice.debtor_id, Invoice.currency, Invoice.id, Invoice.due_date)
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(
            Invoice.org_id.in_(list(seed.managers)),
            Debtor.debtor_type != DebtorType.CONSUMER,
            Invoice.due_date < due_before,
            Invoice.outstanding_minor > 0,
            Invoice.disputed_minor == 0,
            Invoice.case_id.is_(None),
            Invoice.cancelled_on.is_(None),
            Invoice.written_off_on.is_(None),
            Invoice.id.not_in(taken),
        )
        .order_by(Invoice.debtor_id, Invoice.currency, Invoice.due_date, Invoice.id)
    )
    if never_paid:
        query = query.where(Invoice.outstanding_minor == Invoice.amount_minor)
    creditors = {org_id: db.session.get(Organization, org_id) for org_id in seed.managers}
    groups: dict[tuple[int, str], _Group] = {}
    for org_id, debtor_id, currency, invoice_id, due in db.session.execute(query):
        if debtor_id in seed.used_debtors:
            continue
        group = groups.setdefault(
            (debtor_id, currency), _Group(creditors[org_id], debtor_id, currency)
        )
        group.invoices.append((invoice_id, due))
    found = list(groups.values())
    seed.rng.shuffle(found)
    return found


def _moment(day: date, rng: random.Random, now: datetime) -> datetime:
    """Office hours on `day`, never after `now`."""
    at = datetime.combine(day, time(8), tzinfo=now.tzinfo)
    return min(at + timedelta(minutes=rng.randint(0, 540)), now - timedelta(minutes=5))


class _Stamps:
    """Moments of a case's steps, to date its events once it is done (events are append-only
    for the ORM; a Core UPDATE re-dates them)."""

    def __init__(self, case: Case) -> None:
        self.case_id = case.id
        self.marks: list[tuple[int, datetime]] = []

    def mark(self, moment: datetime) -> datetime:
        """Events recorded since the previous mark happened at `moment`."""
        last = db.session.scalar(
            select(func.max(CaseEvent.id)).where(CaseEvent.case_id == self.case_id)
        )
        self.marks.append((last or 0, moment))
        return moment

    def apply(self) -> None:
        ids = db.session.scalars(
            select(CaseEvent.id).where(CaseEvent.case_id == self.case_id).order_by(CaseEvent.id)
        ).all()
        rows, n = [], 0
        for event_id in ids:
            while n < len(self.marks) - 1 and self.marks[n][0] < event_id:
                n += 1
            rows.append({"b_id": event_id, "b_at": self.marks[n][1]})
        table = CaseEvent.__table__
        if rows:
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(created_at=bindparam("b_at")),
                rows,
            )


def _bid_terms(rng: random.Random, claimed: int, currency: str) -> dict[str, object]:
    model = rng.choice(("contingency", "contingency", "fixed", "hybrid"))
    if model == "contingency":
        return {"fee_model": model, "percent": rng.choice((1000, 1250, 1500, 1800, 2000, 2500))}
    if model == "fixed":
        fixed = max(5_000, round(claimed * rng.uniform(0.08, 0.2), -2))
        return {"fee_model": model, "fixed": Money(int(fixed), currency)}
    upfront = rng.choice((5_000, 10_000, 15_000, 25_000))
    return {"fee_model": model, "percent": rng.choice((800, 1000, 1200)),
            "upfront": Money(upfront, currency)}  # fmt: skip


def _bid(seed: _Seed, case: Case, agency: _Agency) -> Bid:
    rng = seed.rng
    return bidding.place_bid(
        case,
        actor=agency.owner,
        duration_days=rng.choice((60, 90, 120, 180)),
        legal_action=rng.random() < 0.4,
        message=rng.choice(BID_MESSAGES),
        **_bid_terms(rng, case.claimed_minor, case.currency),  # type: ignore[arg-type]
    )


def _open_case(
    seed: _Seed,
    group: _Group,
    count: int,
    *,
    deadline: datetime,
    instant: bool = False,
    invited: list[int] | None = None,
) -> Case:
    """Create and publish a case on up to `count` of the group's oldest invoices."""
    seed.used_debtors.add(group.debtor_id)
    manager = seed.managers[group.creditor.id]
    debtor = db.session.get(Debtor, group.debtor_id)
    assert debtor is not None
    case = cases.create_case(
        group.creditor,
        actor=manager,
        debtor=debtor,
        invoice_ids=[invoice_id for invoice_id, _ in group.invoices[:count]],
        bidding_deadline=deadline,
        terms=dict(TERMS),
        instant_terms={"fee_model": "contingency", "percent": 2000} if instant else None,
        invited_agency_ids=invited,
    )
    return case


# -- history ----------------------------------------------------------------------------------


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


# -- now --------------------------------------------------------------------------------------


def _listings(seed: _Seed) -> tuple[int, int]:
    """Listed cases with live bids from different agencies; returns (cases, bids)."""
    rng, now = seed.rng, seed.now
    groups = _groups(
        seed, due_before=seed.today - timedelta(days=OVERDUE_BEFORE_CASE), never_paid=False
    )
    listed = bids = 0
    for n, group in enumerate(groups[:LISTED]):
        invited = None
        pool = list(seed.agencies)
        if n in INVITATION_ONLY:
            pool = rng.sample(seed.agencies, min(3, len(seed.agencies)))
            if n == INVITATION_ONLY[0] and seed.fairway not in pool:
                pool[0] = seed.fairway
            invited = [a.org.id for a in pool]
        elif n % 3 == 1:
            pool.remove(seed.fairway)  # left for the demo agency to bid on
        deadline = now + timedelta(days=rng.randint(4, 21), hours=rng.randint(0, 8))
        case = _open_case(
            seed, group, rng.randint(1, 4), deadline=deadline, instant=n % 3 == 0, invited=invited
        )
        stamps = _Stamps(case)
        created = stamps.mark(now - timedelta(days=rng.randint(1, 8), hours=rng.randint(0, 8)))
        cases.publish_case(case, actor=seed.managers[group.creditor.id])
        published = stamps.mark(created + timedelta(hours=rng.randint(1, 4)))
        bidders = rng.sample(pool, rng.randint(1, min(4, len(pool))))
        for k, bidder in enumerate(bidders, start=1):
            bid = _bid(seed, case, bidder)
            bid.created_at = bid.updated_at = stamps.mark(
                published + (now - published) * k / (len(bidders) + 1)
            )
        stamps.apply()
        case.created_at, case.published_at = created, published
        db.session.flush()
        listed, bids = listed + 1, bids + len(bidders)
    return listed, bids


def _in_progress(seed: _Seed) -> int:
    """Cases awarded to the demo agency and being worked; returns how many."""
    rng, now, fairway = seed.rng, seed.now, seed.fairway
    groups = _groups(
        seed, due_before=seed.today - timedelta(days=OVERDUE_BEFORE_CASE), never_paid=False
    )
    others = [a for a in seed.agencies if a is not fairway]
    done = 0
    for n, group in enumerate(groups[:ACTIVE]):
        manager = seed.managers[group.creditor.id]
        ago = rng.randint(5, 40)
        award_day = seed.today - timedelta(days=ago)
        awarded = _moment(award_day, rng, now)
        created = awarded - timedelta(days=rng.randint(2, 6))
        published = created + timedelta(hours=2)
        case = _open_case(
            seed, group, rng.randint(1, 3), deadline=now + timedelta(days=10), instant=n == 0
        )
        stamps = _Stamps(case)
        stamps.mark(created)
        cases.publish_case(case, actor=manager)
        stamps.mark(published)
        for bidder in rng.sample(others, min(len(others), rng.randint(1, 2))):
            _bid(seed, case, bidder)
        if n == 0:
            award.take_case(case, actor=fairway.owner)
        else:
            award.accept_bid(_bid(seed, case, fairway), actor=manager)
        stamps.mark(awarded)
        db.session.refresh(case)  # the award's conditional UPDATE ran in SQL
        case.awarded_at = awarded
        db.session.flush()
        _work(seed, case, manager, stamps, award_day, worked=n < ACTIVE - 1)
        stamps.apply()
        db.session.execute(
            update(Bid)
            .where(Bid.case_id == case.id)
            .values(created_at=published + timedelta(hours=6))
            .execution_options(synchronize_session=False)
        )
        case.created_at, case.published_at = created, published
        case.bidding_deadline = awarded + timedelta(days=10)
        db.session.flush()
        done += 1
    return done


def _work(
    seed: _Seed, case: Case, manager: User, stamps: _Stamps, award_day: date, *, worked: bool
) -> None:
    """A shared thread; if `worked`, an activity, a partial recovery and a pending expense."""
    rng, fairway = seed.rng, seed.fairway
    comments.add_case_comment(
        case,
        actor=manager,
        body="Welcome on board. The debtor's accounts department prefers e-mail; the "
        "purchase orders are in the case file.",
        visibility="shared",
    )
    comments.add_case_comment(
        case,
        actor=fairway.collector,
        body="Thank you, we will contact them this week and report back here.",
        visibility="shared",
    )
    if not worked:
        return
    day = min(seed.today, award_day + timedelta(days=rng.randint(1, 3)))
    kind, note = ACTIVITY_NOTES[0]
    activity = activities.log_activity(
        case, actor=fairway.collector, kind=kind, occurred_on=day, note=note
    )
    activity.created_at = stamps.mark(_moment(day, rng, seed.now))
    owed = sum(i.outstanding_minor for i in recoveries.open_invoices(case))
    paid_on = min(seed.today, day + timedelta(days=rng.randint(2, 10)))
    recovery, _ = recoveries.record_recovery(
        case,
        actor=fairway.collector,
        amount=Money(max(1, round(owed * rng.uniform(0.2, 0.5))), case.currency),
        received_on=paid_on,
        note="First instalment of the agreed payment plan.",
    )
    recovery.created_at = stamps.mark(_moment(paid_on, rng, seed.now))
    creditor = db.session.get(Organization, case.org_id)
    assert creditor is not None
    threshold = creditor.expense_approval_threshold_minor
    costs.add_cost(
        case,
        actor=fairway.owner,
        kind="expense",
        amount=Money(threshold + rng.choice((4_500, 9_000, 15_000)), case.currency),
        description="Court fee for the payment order (awaiting your approval)",
        borne_by="debtor",
    )
    stamps.mark(seed.now - timedelta(hours=rng.randint(1, 20)))
