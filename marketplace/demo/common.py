"""The demo marketplace's shared pieces: set-up, candidate invoices, bids, cases, work."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select, update

from agencies.demo import FAIRWAY
from core.auth.models import Organization, OrgKind, Role, User
from core.db import utcnow
from core.extensions import db
from core.money import Money
from ledger import clock
from ledger.models import Debtor, DebtorType, Invoice
from marketplace.models import Bid, Case, CaseEvent, CaseInvoice
from marketplace.services import bidding, cases
from marketplace.workspace import activities, comments, costs, recoveries

SEED = 4040
OVERDUE_BEFORE_CASE = 30
TERMS = {"fee_models": ["contingency", "fixed", "hybrid"], "max_percent": 3000}
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
