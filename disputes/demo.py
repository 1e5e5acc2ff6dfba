"""`flask demo seed`'s disputes: a realistic history on every demo creditor's seeded ledger.

Per creditor (one dispute per ten invoices at most, `DISPUTES` on the full demo):
- resolved disputes over the whole history with every outcome and resolution times from a
  day to months (analytics has data): corrected_invoice, rejected and withdrawn ones, and
  credit_note ones tied to the credit notes the ledger demo booked;
- live disputes (`open`, `in_review`, `awaiting_customer`) holding part or all of open
  invoices, a few past their SLA, some invoices with two;
- a few opened and resolved with a credit note through `disputes.services` (booked today);
- short comment threads, shared and internal, with an @mention, through the threads service.
Bulk rows go in with Core statements; the holds agree with the open disputes' amounts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import Flask
from sqlalchemy import bindparam, func, insert, select, text, update

from core import hooks
from core.auth.models import Organization, OrgKind, Role, User
from core.db import utcnow
from core.extensions import db
from core.money import Money
from disputes import services
from disputes.models import Dispute, DisputeEvent, DisputeSource
from disputes.reasons import REASONS
from disputes.states import DisputeStatus, Outcome
from disputes.threads import services as threads
from ledger import clock
from ledger.demo.debtors import at
from ledger.models import CreditNote, Invoice

SEED = 3030
#: disputes per creditor on the full demo (20k invoices)
DISPUTES = 300
#: at most one dispute per this many invoices (small ledgers get fewer)
INVOICES_PER_DISPUTE = 10
#: share of disputes still live today, and of those, past their SLA due date
LIVE_SHARE = 0.28
BREACHED_SHARE = 0.12
#: share of disputes resolved by one of the ledger demo's credit notes
LINKED_SHARE = 0.1
#: disputes opened and resolved with a credit note through disputes.services
SERVICE_CREDITS = 5
#: live disputes given a short comment thread
THREADS = 8
SLA_DAYS = services.DEFAULT_SLA_DAYS

Row = dict[str, Any]
TEAM_WEIGHTS = {"invoicing": 35, "delivery": 30, "quality": 15, "contract": 10, "payment": 10}
#: the ledger demo's credit note reasons → the dispute they settled
NOTE_REASONS = {
    "Damaged goods": "delivery.damaged",
    "Short delivery": "delivery.partial",
    "Price correction": "invoicing.price",
    "Returned items": "quality.defect",
}
HISTORY_OUTCOMES = (
    (Outcome.CORRECTED_INVOICE, 35),
    (Outcome.REJECTED, 40),
    (Outcome.WITHDRAWN, 25),
)
LIVE_STATUSES = (
    (DisputeStatus.OPEN, 40),
    (DisputeStatus.IN_REVIEW, 35),
    (DisputeStatus.AWAITING_CUSTOMER, 25),
)
SOURCES = ((DisputeSource.MANUAL, 75), (DisputeSource.PORTAL, 15), (DisputeSource.IMPORT, 10))
DESCRIPTIONS = {
    "price": "Unit price differs from the agreed price list.",
    "discount_missing": "The agreed volume discount is missing.",
    "quantity_billed": "More units billed than were ordered.",
    "tax": "VAT charged although the reverse charge applies.",
    "duplicate": "The customer says this invoice duplicates an earlier one.",
    "po_missing": "The invoice does not quote the customer's purchase order.",
    "wrong_entity": "Addressed to the wrong company of the customer's group.",
    "credit_note_pending": "A promised credit note has not been issued yet.",
    "terms_mismatch": "Payment terms differ from the framework contract.",
    "not_received": "The customer says the goods never arrived.",
    "partial": "Only part of the order was delivered.",
    "late": "Delivered after the agreed date; the customer claims a reduction.",
    "damaged": "Goods arrived damaged; photos were sent by the customer.",
    "wrong_item": "A different article was delivered.",
    "pod_missing": "The customer asks for a proof of delivery.",
    "defect": "Parts are defective and were returned.",
    "service_not_performed": "The service visit did not take place.",
    "unsatisfactory_work": "The customer is not satisfied with the work done.",
    "never_agreed": "The customer disputes having ordered this.",
    "clause": "The customer invokes a contract clause against the charge.",
    "cancelled_order": "The order was cancelled before delivery.",
    "penalty_claim": "The customer deducts a contractual penalty.",
    "already_paid": "The customer says this was paid already.",
    "wrong_account": "Payment was sent to an old bank account.",
    "set_off": "The customer sets off a counterclaim.",
}
NOTES = {
    Outcome.CREDIT_NOTE: "Credit note issued for the agreed part.",
    Outcome.CORRECTED_INVOICE: "Corrected invoice sent to the customer.",
    Outcome.REJECTED: "Claim rejected with evidence; the full amount is due.",
    Outcome.WITHDRAWN: "The customer withdrew the dispute.",
}
#: (author role, visibility, body); {other} is an @mention of the other user, {number} the invoice
CONVERSATIONS = (
    (
        ("credit", "shared", "Thank you, we received your dispute on invoice {number} and are "
                             "checking it with our team."),
        ("sales", "internal", "{other} the delivery note is signed without remarks. I suggest "
                              "we ask for photos before deciding."),
        ("credit", "internal", "Agreed, I will ask for them and keep the rest of the account "
                               "in the normal reminder cycle."),
    ),
    (
        ("sales", "shared", "Could you send us the purchase order number for invoice {number}? "
                            "We will reissue it straight away."),
        ("credit", "internal", "{other} please confirm the price list that applied for this "
                               "customer in that quarter."),
    ),
    (
        ("credit", "internal", "{other} the customer says the discount was agreed by phone. "
                               "Do you have anything in writing?"),
        ("sales", "internal", "Yes, it is in the **framework agreement**, section 4."),
        ("credit", "shared", "We have checked your claim and will confirm the outcome this "
                             "week."),
    ),
    (
        ("sales", "internal", "Customer called again about invoice {number}; {other} can we "
                              "settle this before the month end?"),
        ("credit", "shared", "We are waiting for the return of the defective parts before we "
                             "can issue a credit note."),
    ),
)  # fmt: skip


def init_app(app: Flask) -> None:
    """Seed disputes after the ledger demo (hooks run in feature order: ledger first)."""
    hooks.register("demo_seed", seed_disputes)


def seed_disputes(today: date | None = None) -> list[str]:
    """Disputes for every creditor with invoices and no disputes yet; print a line each."""
    day = today or clock.today()
    creditors = db.session.scalars(
        select(Organization).where(Organization.kind == OrgKind.CREDITOR).order_by(Organization.id)
    ).all()
    lines = []
    for n, org in enumerate(creditors):
        if db.session.scalar(select(Dispute.id).where(Dispute.org_id == org.id).limit(1)):
            continue
        if not db.session.scalar(select(Invoice.id).where(Invoice.org_id == org.id).limit(1)):
            continue
        seed_creditor(org, rng=random.Random(SEED + n), today=day)
        lines.append(summary(org))
        click.echo(lines[-1])
    if lines:
        for table in (Dispute.__tablename__, DisputeEvent.__tablename__):
            db.session.execute(text(f"ANALYZE {table}"))
    return lines


@dataclass
class _People:
    """The creditor's first active user of each role."""

    users: dict[Role, User]

    def id(self, *roles: Role) -> int | None:
        user = self.user(*roles)
        return user.id if user else None

    def user(self, *roles: Role) -> User | None:
        for role in roles:
            if role in self.users:
                return self.users[role]
        return None


def _people(org: Organization) -> _People:
    users = db.session.scalars(
        select(User).where(User.org_id == org.id, User.active.is_(True)).order_by(User.id)
    ).all()
    first: dict[Role, User] = {}
    for user in users:
        first.setdefault(user.role, user)
    return _People(first)


@dataclass
class _Batch:
    """One creditor's dispute rows and their events (no dispute ids yet), holds to add."""

    rng: random.Random
    org: Organization
    people: _People
    today: date
    #: the latest moment a generated row may carry (never in the future)
    now: datetime
    disputes: list[Row] = field(default_factory=list)
    events: list[list[Row]] = field(default_factory=list)
    holds: Counter[int] = field(default_factory=Counter)


def seed_creditor(org: Organization, *, rng: random.Random, today: date) -> None:
    """One creditor's disputes: bulk history and live ones, service credits, threads."""
    invoices = db.session.execute(
        select(
            Invoice.id, Invoice.number, Invoice.currency, Invoice.amount_minor,
            Invoice.outstanding_minor, Invoice.issue_date, Invoice.paid_on,
            Invoice.written_off_on, Invoice.cancelled_on, Invoice.case_id,
        )
        .where(Invoice.org_id == org.id, Invoice.issue_date < today)
        .order_by(Invoice.id)
    ).all()  # fmt: skip
    total = min(DISPUTES, len(invoices) // INVOICES_PER_DISPUTE)
    if total == 0:
        return
    now = min(utcnow(), at(today) + timedelta(hours=8))
    batch = _Batch(rng, org, _people(org), today, now)
    by_id = {inv.id: inv for inv in invoices}
    notes = db.session.execute(
        select(CreditNote.id, CreditNote.invoice_id, CreditNote.amount_minor,
               CreditNote.issued_on, CreditNote.reason)
        .where(CreditNote.org_id == org.id, CreditNote.invoice_id.is_not(None))
        .order_by(CreditNote.id)
    ).all()  # fmt: skip
    notes = [n for n in notes if n.invoice_id in by_id and n.issued_on < today]
    linked = rng.sample(notes, min(len(notes), round(total * LINKED_SHARE)))
    live_n = max(1, round(total * LIVE_SHARE))
    service_n = min(SERVICE_CREDITS, max(1, total // 20))
    history_n = max(0, total - live_n - service_n - len(linked))
    open_ones = [
        inv
        for inv in invoices
        if inv.outstanding_minor > 1
        and inv.written_off_on is None
        and inv.cancelled_on is None
        and inv.case_id is None
    ]
    rng.shuffle(open_ones)
    breached = max(1, round(live_n * BREACHED_SHARE))
    for n, inv in enumerate(open_ones[:live_n]):
        _live(batch, inv, breached=n < breached)
    for note in linked:
        _linked(batch, by_id[note.invoice_id], note)
    settled = [inv for inv in invoices if inv.cancelled_on is None]
    for inv in rng.sample(settled, min(len(settled), history_n)):
        _history(batch, inv)
    _insert(batch)
    _hold(batch.holds)
    _service_credits(batch, open_ones[live_n : live_n + service_n])
    _threads(batch)


def _reason(rng: random.Random) -> tuple[str, str]:
    team = rng.choices(list(TEAM_WEIGHTS), weights=list(TEAM_WEIGHTS.values()))[0]
    return team, rng.choice(REASONS[team])


def _pick(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _owner(people: _People, team: str) -> int | None:
    """Sales owns what the field must fix (delivery, quality, contract); credit the rest."""
    if team in {"delivery", "quality", "contract"}:
        return people.id(Role.SALES, Role.CREDIT, Role.OWNER)
    return people.id(Role.CREDIT, Role.SALES, Role.OWNER)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment strictly inside (start, end), in whole minutes."""
    span = max(2, int((end - start).total_seconds() // 60))
    return start + timedelta(minutes=rng.randint(1, span - 1))


def _add(
    batch: _Batch,
    inv: Any,
    *,
    reason: tuple[str, str],
    amount: int,
    status: DisputeStatus,
    opened: datetime,
    outcome: Outcome | None = None,
    resolved: datetime | None = None,
    credit_note_id: int | None = None,
) -> None:
    """One dispute row and the events of its way to `status` (resolved ones via in_review)."""
    rng, team, code = batch.rng, *reason
    owner = _owner(batch.people, team)
    source = _pick(rng, SOURCES)
    raised_by = owner if source is DisputeSource.MANUAL else None
    end = resolved or batch.now
    batch.disputes.append(
        {
            "org_id": batch.org.id, "invoice_id": inv.id, "reason_team": team,
            "reason_code": code, "currency": inv.currency, "amount_minor": amount,
            "description": DESCRIPTIONS[code], "owner_id": owner,
            "due_date": opened.date() + timedelta(days=SLA_DAYS), "raised_by_id": raised_by,
            "source": source, "status": status, "outcome": outcome,
            "credit_note_id": credit_note_id,
            "resolution_note": NOTES[outcome] if outcome else None, "resolved_at": resolved,
            "version": 1, "thread_id": None, "created_at": opened, "updated_at": end,
        }
    )  # fmt: skip
    opened_details = {
        "reason": f"{team}.{code}",
        "amount": Money(amount, inv.currency).to_dict(),
        "invoice_id": inv.id,
    }
    steps: list[tuple[str, DisputeStatus | None, DisputeStatus, datetime, dict[str, Any]]] = [
        ("opened", None, DisputeStatus.OPEN, opened, opened_details)
    ]
    review = _between(rng, opened, end)
    if status is not DisputeStatus.OPEN:
        steps.append(("transitioned", DisputeStatus.OPEN, DisputeStatus.IN_REVIEW, review, {}))
    waited = status is DisputeStatus.AWAITING_CUSTOMER or (resolved and rng.random() < 0.3)
    if waited:
        steps.append(
            ("transitioned", DisputeStatus.IN_REVIEW, DisputeStatus.AWAITING_CUSTOMER,
             _between(rng, review, end), {})
        )  # fmt: skip
    if outcome is not None and resolved is not None:
        before = DisputeStatus.AWAITING_CUSTOMER if waited else DisputeStatus.IN_REVIEW
        details: dict[str, Any] = {"outcome": outcome.value}
        if credit_note_id is not None:
            details["credit_note_id"] = credit_note_id
        steps.append(("resolved", before, DisputeStatus.RESOLVED, resolved, details))
    batch.events.append(
        [
            {
                "org_id": batch.org.id, "actor_id": raised_by if kind == "opened" else owner,
                "kind": kind, "from_status": before.value if before else None,
                "to_status": after.value, "created_at": moment, "details": details,
            }
            for kind, before, after, moment, details in steps
        ]
    )  # fmt: skip


def _opened(batch: _Batch, day: date, issue: date, minutes: int) -> datetime:
    """`minutes` after 9:00 on `day`, but after the invoice's issue day began and not future."""
    moment = at(day) + timedelta(minutes=minutes)
    earliest = at(issue) - timedelta(hours=9)
    return max(earliest, min(moment, batch.now - timedelta(hours=1)))


def _live(batch: _Batch, inv: Any, *, breached: bool) -> None:
    """A live dispute (sometimes two) on an open invoice, holding its amount."""
    rng = batch.rng
    back = rng.randint(SLA_DAYS + 1, SLA_DAYS + 40) if breached else rng.randint(0, SLA_DAYS - 1)
    day = max(inv.issue_date, batch.today - timedelta(days=back))
    free = inv.outstanding_minor
    reasons = [_reason(rng)]
    if rng.random() < 0.12:
        reasons.append(_reason(rng))
    for n, reason in enumerate(reasons):
        whole = n == len(reasons) - 1 and rng.random() < 0.55
        amount = free if whole else min(free, max(1, round(free * rng.uniform(0.15, 0.8))))
        if amount <= 0:
            return
        free -= amount
        batch.holds[inv.id] += amount
        opened = _opened(batch, day, inv.issue_date, rng.randint(0, 480) + 60 * n)
        _add(batch, inv, reason=reason, amount=amount, status=_pick(rng, LIVE_STATUSES),
             opened=opened)  # fmt: skip


def _resolved_at(batch: _Batch, opened: datetime, days: int) -> datetime:
    """About `days` after `opened`: always after it, never in the future."""
    moment = at(opened.date() + timedelta(days=days))
    moment += timedelta(minutes=batch.rng.randint(0, 480))
    moment = min(moment, batch.now)
    return moment if moment > opened else opened + (batch.now - opened) / 2


def _linked(batch: _Batch, inv: Any, note: Any) -> None:
    """The dispute a ledger demo credit note settled (outcome credit_note, that note)."""
    rng = batch.rng
    day = max(inv.issue_date, note.issued_on - timedelta(days=rng.randint(2, 25)))
    opened = _opened(batch, day, inv.issue_date, 0)
    resolved = _resolved_at(batch, opened, (note.issued_on - day).days)
    amount = min(inv.amount_minor, round(note.amount_minor * rng.uniform(1.0, 1.4)))
    team, _, code = NOTE_REASONS.get(note.reason, "invoicing.price").partition(".")
    _add(batch, inv, reason=(team, code), amount=amount, status=DisputeStatus.RESOLVED,
         opened=opened, outcome=Outcome.CREDIT_NOTE, resolved=resolved,
         credit_note_id=note.id)  # fmt: skip


def _history(batch: _Batch, inv: Any) -> None:
    """A settled dispute: opened after issue, resolved a day to months later."""
    rng = batch.rng
    latest = min(batch.today - timedelta(days=1), inv.paid_on or batch.today)
    day = max(inv.issue_date, min(inv.issue_date + timedelta(days=rng.randint(1, 40)), latest))
    opened = _opened(batch, day, inv.issue_date, rng.randint(-120, 480))
    days = min(240, max(1, round(rng.lognormvariate(math.log(16), 0.9))))
    whole = rng.random() < 0.6
    amount = inv.amount_minor if whole else max(1, round(inv.amount_minor * rng.uniform(0.1, 0.6)))
    _add(batch, inv, reason=_reason(rng), amount=amount, status=DisputeStatus.RESOLVED,
         opened=opened, outcome=_pick(rng, HISTORY_OUTCOMES),
         resolved=_resolved_at(batch, opened, days))  # fmt: skip


def _insert(batch: _Batch) -> None:
    """Dispute rows (ids back in order), then their events; Core executemany, no ORM rows."""
    if not batch.disputes:
        return
    table = Dispute.__table__
    ids = db.session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), batch.disputes
    ).scalars()
    events = [
        event | {"dispute_id": dispute_id}
        for dispute_id, steps in zip(ids, batch.events, strict=True)
        for event in steps
    ]
    db.session.execute(insert(DisputeEvent.__table__), events)


def _hold(holds: Counter[int]) -> None:
    """Add the live disputes' amounts to their invoices' holds (one executemany)."""
    if not holds:
        return
    table = Invoice.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            disputed_minor=table.c.disputed_minor + bindparam("b_held"),
            version=table.c.version + 1,
        ),
        [{"b_id": invoice_id, "b_held": held} for invoice_id, held in holds.items()],
    )


def _service_credits(batch: _Batch, candidates: list[Any]) -> None:
    """Open, review and resolve with a credit note through the real services (booked today)."""
    rng, people = batch.rng, batch.people
    credit = people.user(Role.CREDIT, Role.OWNER)
    if credit is None:
        return
    for inv in candidates:
        invoice = db.session.get(Invoice, inv.id)
        assert invoice is not None
        team, code = _reason(rng)
        disputed = max(2, round(invoice.outstanding_minor * rng.uniform(0.2, 0.6)))
        disputed = min(disputed, invoice.outstanding_minor)
        dispute = services.open_dispute(
            invoice,
            actor=credit,
            reason=f"{team}.{code}",
            amount=Money(disputed, invoice.currency),
            description=DESCRIPTIONS[code],
            owner_id=_owner(people, team),
        )
        services.transition_dispute(dispute, actor=credit, to=DisputeStatus.IN_REVIEW)
        services.resolve_dispute(
            dispute,
            actor=credit,
            outcome=Outcome.CREDIT_NOTE,
            credit_amount=Money(max(1, disputed // 2), invoice.currency),
            note="Half of the claim accepted as a goodwill gesture.",
        )


def _threads(batch: _Batch) -> None:
    """Short conversations on a few live disputes, mentions included (they notify)."""
    rng, org, people = batch.rng, batch.org, batch.people
    sales, credit = people.user(Role.SALES, Role.OWNER), people.user(Role.CREDIT, Role.OWNER)
    if sales is None or credit is None:
        return
    live = db.session.scalars(
        select(Dispute)
        .where(Dispute.org_id == org.id, Dispute.status != DisputeStatus.RESOLVED)
        .order_by(Dispute.id)
    ).all()
    authors = {"sales": (sales, credit), "credit": (credit, sales)}
    for n, dispute in enumerate(rng.sample(live, min(THREADS, len(live)))):
        for role, visibility, body in CONVERSATIONS[n % len(CONVERSATIONS)]:
            author, other = authors[role]
            mention = f"@[{other.name}](user:{other.id})"
            threads.add_comment(
                dispute,
                actor=author,
                body=body.format(other=mention, number=dispute.invoice.number),
                visibility=visibility,
            )


def summary(org: Organization) -> str:
    """`Name: N disputes (open 3, in_review 2, ...)` from SQL counts."""
    counts = dict(
        db.session.execute(
            select(Dispute.status, func.count())
            .where(Dispute.org_id == org.id)
            .group_by(Dispute.status)
        ).all()
    )
    total = sum(counts.values())
    parts = ", ".join(f"{s.value} {counts[s]:,}" for s in DisputeStatus if s in counts)
    return f"  {org.name}: {total:,} disputes ({parts})"
