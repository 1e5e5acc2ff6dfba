"""Read-side aggregates for the ledger pages: one grouped SQL query each, never one per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, union_all

from core.auth.models import User
from core.extensions import db
from core.money import Money
from ledger.models import Allocation, CreditNote, Debtor, Invoice, Payment
from ledger.permissions import visible_debtors

#: SPEC §2 aging buckets: (label, lowest days past due, highest days past due or None)
BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("Not due", None, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-120", 91, 120),
    ("120+", 121, None),
)


def is_open() -> ColumnElement[bool]:
    """Invoices that still count as receivables (something owed, not closed)."""
    return and_(
        Invoice.outstanding_minor > 0,
        Invoice.cancelled_on.is_(None),
        Invoice.written_off_on.is_(None),
    )


def _sum_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, Invoice.outstanding_minor), else_=0)), 0)


@dataclass(frozen=True)
class Balance:
    """Outstanding and overdue of one debtor (or organisation) in one currency."""

    currency: str
    outstanding_minor: int
    overdue_minor: int

    @property
    def outstanding(self) -> Money:
        return Money(self.outstanding_minor, self.currency)

    @property
    def overdue(self) -> Money:
        return Money(self.overdue_minor, self.currency)

    @property
    def overdue_share(self) -> int:
        """Overdue as a whole percentage of the outstanding."""
        if not self.outstanding_minor:
            return 0
        return round(100 * self.overdue_minor / self.outstanding_minor)


def balances_by_debtor(org_id: int, debtor_ids: list[int], today: date) -> dict[int, list[Balance]]:
    """Outstanding and overdue per debtor and currency for `debtor_ids` (one grouped query)."""
    if not debtor_ids:
        return {}
    rows = db.session.execute(
        select(
            Invoice.debtor_id,
            Invoice.currency,
            func.sum(Invoice.outstanding_minor),
            _sum_if(Invoice.due_date < today),
        )
        .where(Invoice.org_id == org_id, Invoice.debtor_id.in_(debtor_ids), is_open())
        .group_by(Invoice.debtor_id, Invoice.currency)
        .order_by(Invoice.debtor_id, Invoice.currency)
    )
    found: dict[int, list[Balance]] = defaultdict(list)
    for debtor_id, currency, outstanding, overdue in rows:
        found[debtor_id].append(Balance(currency, int(outstanding), int(overdue)))
    return found


def aging(org_id: int, today: date, *, debtor_id: int | None = None) -> list[dict[str, Any]]:
    """Six SPEC §2 buckets per currency as of `today`, summed in SQL (one grouped query)."""
    columns = []
    for _label, low, high in BUCKETS:
        # days past due = today - due_date; compare due dates, so the index can help
        conditions = []
        if low is None:
            conditions.append(Invoice.due_date >= today - timedelta(days=high or 0))
        else:
            conditions.append(Invoice.due_date <= today - timedelta(days=low))
            if high is not None:
                conditions.append(Invoice.due_date >= today - timedelta(days=high))
        columns.append(_sum_if(and_(*conditions)))
    query = select(Invoice.currency, *columns).where(Invoice.org_id == org_id, is_open())
    if debtor_id is not None:
        query = query.where(Invoice.debtor_id == debtor_id)
    result = []
    for currency, *sums in db.session.execute(query.group_by(Invoice.currency)):
        total = sum(int(s) for s in sums)
        result.append(
            {
                "currency": currency,
                "buckets": [
                    (label, Money(int(s), currency), round(100 * int(s) / total) if total else 0)
                    for (label, _lo, _hi), s in zip(BUCKETS, sums, strict=True)
                ],
                "total": Money(total, currency),
            }
        )
    return sorted(result, key=lambda r: r["currency"])


def unapplied_credit(org_id: int, debtor_id: int) -> list[Money]:
    """The debtor's unapplied credit (payments and credit notes) per currency."""
    parts = union_all(
        select(Payment.currency.label("currency"), Payment.unapplied_minor.label("minor")).where(
            Payment.org_id == org_id, Payment.debtor_id == debtor_id, Payment.unapplied_minor > 0
        ),
        select(CreditNote.currency, CreditNote.unapplied_minor).where(
            CreditNote.org_id == org_id,
            CreditNote.debtor_id == debtor_id,
            CreditNote.unapplied_minor > 0,
        ),
    ).subquery()
    rows = db.session.execute(
        select(parts.c.currency, func.sum(parts.c.minor))
        .group_by(parts.c.currency)
        .order_by(parts.c.currency)
    )
    return [Money(int(minor), currency) for currency, minor in rows]


def recent_payments(org_id: int, debtor_id: int, limit: int = 10) -> list[Payment]:
    """The debtor's latest payments."""
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.org_id == org_id, Payment.debtor_id == debtor_id)
            .order_by(Payment.received_on.desc(), Payment.id.desc())
            .limit(limit)
        )
    )


def recent_credit_notes(org_id: int, debtor_id: int, limit: int = 10) -> list[CreditNote]:
    """The debtor's latest credit notes."""
    return list(
        db.session.scalars(
            select(CreditNote)
            .where(CreditNote.org_id == org_id, CreditNote.debtor_id == debtor_id)
            .order_by(CreditNote.issued_on.desc(), CreditNote.id.desc())
            .limit(limit)
        )
    )


def open_invoices(org_id: int, debtor_id: int, limit: int = 100) -> list[Invoice]:
    """The debtor's open invoices, oldest due date first."""
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.org_id == org_id, Invoice.debtor_id == debtor_id, is_open())
            .order_by(Invoice.due_date, Invoice.id)
            .limit(limit)
        )
    )


def allocations(org_id: int, invoice_id: int) -> list[dict[str, Any]]:
    """What reduced the invoice: payments and credit notes, oldest first (one query)."""
    rows = db.session.execute(
        select(Allocation, Payment, CreditNote)
        .outerjoin(Payment, Payment.id == Allocation.payment_id)
        .outerjoin(CreditNote, CreditNote.id == Allocation.credit_note_id)
        .where(Allocation.org_id == org_id, Allocation.invoice_id == invoice_id)
        .order_by(Allocation.applied_on, Allocation.id)
    )
    found = []
    for alloc, payment, note in rows:
        source = payment if payment is not None else note
        found.append(
            {
                "kind": "payment" if payment is not None else "credit_note",
                "on": alloc.applied_on,
                "applied": Money(alloc.amount_minor, source.currency),
                "unapplied": Money(source.unapplied_minor, source.currency),
                "source": source,
            }
        )
    return found


def org_balances(user: User, today: date) -> list[Balance]:
    """Receivables and overdue per currency of the debtors `user` may see."""
    rows = db.session.execute(
        select(
            Invoice.currency, func.sum(Invoice.outstanding_minor), _sum_if(Invoice.due_date < today)
        )
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(Invoice.org_id == user.org_id, is_open(), visible_debtors(user))
        .group_by(Invoice.currency)
        .order_by(Invoice.currency)
    )
    return [Balance(c, int(o), int(d)) for c, o, d in rows]


def top_overdue_debtors(user: User, today: date, limit: int = 5) -> list[dict[str, Any]]:
    """The `limit` debtors owing most overdue in each currency (currencies never compared)."""
    overdue = func.sum(Invoice.outstanding_minor)
    ranked = (
        select(
            Debtor.id.label("id"),
            Debtor.name.label("name"),
            Invoice.currency.label("currency"),
            overdue.label("overdue"),
            func.count(Invoice.id).label("invoices"),
            func.row_number()
            .over(partition_by=Invoice.currency, order_by=(overdue.desc(), Debtor.id))
            .label("rank"),
        )
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(
            Invoice.org_id == user.org_id,
            is_open(),
            Invoice.due_date < today,
            visible_debtors(user),
        )
        .group_by(Debtor.id, Debtor.name, Invoice.currency)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.currency, ranked.c.rank)
    )
    return [
        {
            "id": r.id,
            "name": r.name,
            "overdue": Money(int(r.overdue), r.currency),
            "invoices": int(r.invoices),
        }
        for r in rows
    ]
