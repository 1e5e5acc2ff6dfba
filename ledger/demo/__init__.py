"""`flask demo seed`'s ledger: debtors, invoices and payment histories for every demo creditor."""

from __future__ import annotations

import random
import re
from datetime import date
from decimal import Decimal
from typing import Any

import click
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import InstrumentedAttribute

from core.auth.models import Organization, OrgKind, Role, User
from core.extensions import db
from core.money import exponent
from ledger import clock
from ledger.demo.debtors import Row
from ledger.demo.history import Ledger, build
from ledger.models import Allocation, CreditNote, Debtor, Invoice, Payment, PromiseToPay

SEED = 2026
DEBTORS = 300
INVOICES = 20_000
CHUNK = 5_000
#: the few debtors billed in another currency than the creditor's
SECOND_CURRENCY = "USD"
_TEMPORARY = ("debtor", "invoice", "payment", "credit_note")


def seed_ledger(
    debtors: int | None = None, invoices: int | None = None, today: date | None = None
) -> list[str]:
    """Fill every creditor without debtors (default DEBTORS, INVOICES); print a line each."""
    creditors = db.session.scalars(
        select(Organization).where(Organization.kind == OrgKind.CREDITOR).order_by(Organization.id)
    ).all()
    lines = []
    for n, org in enumerate(creditors):
        if db.session.scalar(select(Debtor.id).where(Debtor.org_id == org.id).limit(1)):
            continue
        seed_creditor(
            org,
            seed=SEED + n,
            debtors=debtors or DEBTORS,
            invoices=invoices or INVOICES,
            today=today,
        )
        lines.append(summary(org))
        click.echo(lines[-1])
    if lines:
        _analyze()
    return lines


def _analyze() -> None:
    """Refresh planner statistics after the bulk load (without them SQLite picks slow plans)."""
    for model in (Debtor, Invoice, Payment, CreditNote, Allocation, PromiseToPay):
        db.session.execute(text(f"ANALYZE {model.__table__.name}"))


def _first_user(org: Organization, *roles: Role) -> int | None:
    """The first member holding the first of `roles` that anybody holds."""
    for role in roles:
        user_id = db.session.scalar(
            select(User.id).where(User.org_id == org.id, User.role == role).order_by(User.id)
        )
        if user_id is not None:
            return user_id
    return None


def seed_creditor(
    org: Organization,
    *,
    seed: int | str = SEED,
    debtors: int = DEBTORS,
    invoices: int = INVOICES,
    today: date | None = None,
) -> Ledger:
    """Generate and bulk-insert one creditor's ledger (same seed and day → same rows)."""
    prefix = (re.sub(r"[^A-Za-z0-9]", "", org.name.split()[0])[:3] or "INV").upper()
    ledger = build(
        random.Random(seed),
        org_id=org.id,
        prefix=prefix,
        currency=org.currency,
        second_currency=SECOND_CURRENCY if org.currency != SECOND_CURRENCY else "EUR",
        debtors=debtors,
        invoices=invoices,
        today=today or clock.today(),
        sales_rep_id=_first_user(org, Role.SALES, Role.CREDIT, Role.OWNER),
        credit_user_id=_first_user(org, Role.CREDIT, Role.OWNER),
    )
    _insert_ledger(org.id, ledger)
    return ledger


def _insert(model: type[Any], rows: list[Row]) -> None:
    """Core bulk INSERT in chunks (executemany; never one ORM object per row)."""
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model.__table__), rows[start : start + CHUNK])


def _ids(
    org_id: int, key: InstrumentedAttribute[Any], ident: InstrumentedAttribute[int]
) -> dict[Any, int]:
    """Natural key → id of the rows just inserted for `org_id`."""
    model = ident.class_
    return dict(db.session.execute(select(key, ident).where(model.org_id == org_id)).all())


def _clean(row: Row, **ids: int | None) -> Row:
    """The row without its generator-only keys, with the real foreign keys."""
    return {k: v for k, v in row.items() if k not in _TEMPORARY} | ids


def _insert_ledger(org_id: int, ledger: Ledger) -> None:
    """Insert parents first, mapping natural keys (name, number, reference) to new ids."""
    _insert(Debtor, [d.row for d in ledger.debtors])
    by_key = _ids(org_id, Debtor.name_key, Debtor.id)
    debtor_ids = [by_key[d.row["name_key"]] for d in ledger.debtors]
    _insert(Invoice, [_clean(r, debtor_id=debtor_ids[r["debtor"]]) for r in ledger.invoices])
    invoice_ids = _ids(org_id, Invoice.number, Invoice.id)
    _insert(Payment, [_clean(r, debtor_id=debtor_ids[r["debtor"]]) for r in ledger.payments])
    payment_ids = _ids(org_id, Payment.reference, Payment.id)
    _insert(
        CreditNote,
        [
            _clean(r, debtor_id=debtor_ids[r["debtor"]], invoice_id=invoice_ids[r["invoice"]])
            for r in ledger.credit_notes
        ],
    )
    note_ids = _ids(org_id, CreditNote.number, CreditNote.id)
    _insert(
        Allocation,
        [
            _clean(
                r,
                invoice_id=invoice_ids[r["invoice"]],
                payment_id=payment_ids.get(r.get("payment", "")),
                credit_note_id=note_ids.get(r.get("credit_note", "")),
            )
            for r in ledger.allocations
        ],
    )
    _insert(
        PromiseToPay, [_clean(r, invoice_id=invoice_ids[r["invoice"]]) for r in ledger.promises]
    )


def _amount(minor: int, currency: str) -> str:
    """`EUR 1,234.56` from minor units, exact."""
    return f"{currency} {Decimal(minor).scaleb(-exponent(currency)):,}"


def summary(org: Organization) -> str:
    """`Name: N debtors, N invoices, open receivables EUR 1,234.56 + USD ...` (SQL totals)."""
    debtors = db.session.scalar(select(func.count(Debtor.id)).where(Debtor.org_id == org.id))
    invoices = db.session.scalar(select(func.count(Invoice.id)).where(Invoice.org_id == org.id))
    open_rows = db.session.execute(
        select(Invoice.currency, func.sum(Invoice.outstanding_minor))
        .where(
            Invoice.org_id == org.id,
            Invoice.outstanding_minor > 0,
            Invoice.written_off_on.is_(None),
            Invoice.cancelled_on.is_(None),
        )
        .group_by(Invoice.currency)
        .order_by(Invoice.currency != org.currency, Invoice.currency)
    )
    totals = " + ".join(_amount(int(total), cur) for cur, total in open_rows) or "none"
    return f"  {org.name}: {debtors:,} debtors, {invoices:,} invoices, open receivables {totals}"
