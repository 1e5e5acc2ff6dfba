"""Carry out a plan with bulk Core statements (executemany), never one ORM object per row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from core import hooks
from core.auth.models import Organization, User
from core.db import utcnow
from core.errors import ValidationFailed
from core.extensions import db
from ledger.imports.parsing import InvoiceRecord
from ledger.imports.plan import Plan, chunks
from ledger.models import Allocation, CreditNote, Debtor, DebtorType, Invoice, Payment, Source

WRITE_CHUNK = 5_000
#: parser source -> the invoice's `source` column (e-invoices of any syntax are "ubl")
SOURCES = {"csv": Source.CSV, "ubl": Source.UBL, "cii": Source.UBL, "facturx": Source.UBL,
           "xero_json": Source.API}  # fmt: skip

Progress = Callable[[float], None]


class RowsRefused(ValidationFailed):
    """Rows refused while writing (a dispute that no longer fits): the caller rolls back."""

    code = "import_refused"

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(
            f"The file was refused: {len(errors)} error(s), nothing was imported.",
            details={"errors": errors},
        )
        self.errors = errors


def apply_plan(
    plan: Plan,
    org: Organization,
    *,
    reference: str,
    progress: Progress,
    actor: User | None = None,
) -> None:
    """Write the plan in the current transaction (the caller commits, or rolls back)."""
    ids = _insert_debtors(plan, org)
    total = max(1, len(plan.creates) + len(plan.updates))
    done = 0
    for part in _insert_invoices(plan, org, ids):
        done += part
        progress(done / total)
    for part in chunks(plan.updates, WRITE_CHUNK):
        _update_invoices(part)
        done += len(part)
        progress(done / total)
    _book_payments(plan, org, reference)
    for rec, ref in plan.credit_notes:
        _book_credit_note(plan, org, rec, ids.get(ref, ref) if isinstance(ref, str) else ref)
    db.session.flush()
    if plan.disputes:
        _write_disputes(plan, org, actor)


def _write_disputes(plan: Plan, org: Organization, actor: User | None) -> None:
    """Hand the rows' dispute history to the `imported_disputes` hook, in this transaction.

    A handler's row errors (e.g. a credit note in the same file lowered what can be held)
    raise RowsRefused, so the caller rolls the whole import back.
    """
    numbers = [d.number for d in plan.disputes if d.invoice_id is None]
    found: dict[str, int] = {}
    for part in chunks(numbers):
        rows = db.session.execute(
            select(Invoice.number, Invoice.id).where(
                Invoice.org_id == org.id, Invoice.number.in_(part)
            )
        )
        found.update({r.number: r.id for r in rows})
    for item in plan.disputes:
        if item.invoice_id is None:
            item.invoice_id = found[item.number]
    errors = [
        error
        for refused in hooks.collect("imported_disputes", org, plan.disputes, actor, apply=True)
        for error in refused
    ]
    if errors:
        raise RowsRefused(errors)


#: the columns `_invoice_row` fills, in its order
INVOICE_COLUMNS = (
    "org_id", "number", "debtor_id", "issue_date", "due_date", "currency", "amount_minor",
    "outstanding_minor", "disputed_minor", "po_number", "sales_rep_id", "source", "paid_on",
    "version", "created_at", "updated_at",
)  # fmt: skip


def _insert_invoices(plan: Plan, org: Organization, ids: dict[str, int]) -> Iterator[int]:
    """Insert `plan.creates`, yielding the count written after each chunk.

    PostgreSQL: one COPY on the session's own connection (same transaction, so still all or
    nothing), rows produced while the server stores the previous ones; elsewhere a Core
    executemany insert per chunk.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for part in chunks(plan.creates, WRITE_CHUNK):
            now = utcnow()
            rows = [_invoice_row(plan, org, ids, now, *c) for c in part]
            db.session.execute(insert(Invoice.__table__), _dicts(rows))
            yield len(part)
        return
    if not plan.creates:
        return
    driver = connection.connection.driver_connection
    source = INVOICE_COLUMNS.index("source")
    with (
        driver.cursor() as cur,
        cur.copy(f"COPY invoices ({', '.join(INVOICE_COLUMNS)}) FROM STDIN") as copy,
    ):
        write, now = copy.write_row, utcnow()
        for part in chunks(plan.creates, WRITE_CHUNK):
            for create in part:
                row = _invoice_row(plan, org, ids, now, *create)
                write((*row[:source], row[source].value, *row[source + 1 :]))
            yield len(part)


def _dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    return [dict(zip(INVOICE_COLUMNS, row, strict=True)) for row in rows]


def _insert_debtors(plan: Plan, org: Organization) -> dict[str, int]:
    rows = [
        {
            "org_id": org.id, "name": d.name, "name_key": d.name_key, "vat_id": d.vat_id,
            "country": d.country, "emails": d.emails, "currency": d.currency,
            "debtor_type": DebtorType.COMPANY, "payment_terms_days": 30, "on_hold": False,
        }
        for d in plan.new_debtors.values()
    ]  # fmt: skip
    ids: dict[str, int] = {}
    for part in chunks(rows):
        db.session.execute(insert(Debtor.__table__), part)
        found = db.session.execute(
            select(Debtor.id, Debtor.name_key).where(
                Debtor.org_id == org.id, Debtor.name_key.in_([r["name_key"] for r in part])
            )
        )
        ids.update({r.name_key: r.id for r in found})
    return ids


def _invoice_row(
    plan: Plan,
    org: Organization,
    ids: dict[str, int],
    now: Any,
    rec: InvoiceRecord,
    ref: int | str,
    due: Any,
    rep: int | None,
) -> tuple[Any, ...]:
    """One invoice's values in INVOICE_COLUMNS order (a tuple: 100k rows, no dict each)."""
    amount = rec.amount.minor
    outstanding = amount if rec.outstanding is None else rec.outstanding.minor
    return (
        org.id,
        rec.number,
        ids[ref] if isinstance(ref, str) else ref,
        rec.issue_date,
        due,
        rec.currency,
        amount,
        outstanding,
        0,  # disputed_minor
        rec.po_number,
        rep,
        SOURCES.get(rec.source, Source.CSV),
        # paid_on: the file says it is paid but not when; the import date is the best we know
        plan.today if outstanding == 0 else None,
        1,  # version
        now,
        now,
    )


def _update_invoices(rows: list[dict[str, Any]]) -> None:
    table = Invoice.__table__
    columns = ("amount_minor", "outstanding_minor", "disputed_minor", "issue_date", "due_date",
               "po_number", "paid_on")  # fmt: skip
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            {c: bindparam(f"b_{c}") for c in columns}
            | {"version": table.c.version + 1, "updated_at": utcnow()}
        )
    )
    params = [{f"b_{c}": row[c] for c in columns} | {"b_id": row["id"]} for row in rows]
    db.session.execute(stmt, params)


def _book_payments(plan: Plan, org: Organization, reference: str) -> None:
    """An outstanding lower than booked: a payment received on the import date, allocated."""
    paid = [u for u in plan.updates if u["paid_minor"] > 0]
    if not paid:
        return
    debtor_of = dict(
        db.session.execute(
            select(Invoice.id, Invoice.debtor_id).where(Invoice.id.in_([u["id"] for u in paid]))
        ).all()
    )
    payments = []
    for row in paid:
        payment = Payment(
            org_id=org.id,
            debtor_id=debtor_of[row["id"]],
            currency=row["currency"],
            amount_minor=row["paid_minor"],
            unapplied_minor=0,
            received_on=plan.today,
            reference=reference,
        )
        payments.append((payment, row))
    db.session.add_all([p for p, _ in payments])
    db.session.flush()
    db.session.add_all(
        Allocation(
            org_id=org.id,
            invoice_id=row["id"],
            payment_id=payment.id,
            amount_minor=row["paid_minor"],
            applied_on=plan.today,
        )
        for payment, row in payments
    )


def _book_credit_note(plan: Plan, org: Organization, rec: InvoiceRecord, debtor_id: int) -> None:
    """Apply to the debtor's oldest open invoice in the currency; the rest stays unapplied."""
    target = db.session.scalar(
        select(Invoice)
        .where(
            Invoice.org_id == org.id,
            Invoice.debtor_id == debtor_id,
            Invoice.currency == rec.currency,
            Invoice.cancelled_on.is_(None),
            Invoice.written_off_on.is_(None),
        )
        .order_by((Invoice.outstanding_minor > 0).desc(), Invoice.due_date, Invoice.id)
        .limit(1)
    )
    if target is None:
        plan.warnings.append(
            {"file": rec.location.file, "row": rec.location.row, "field": "invoice_number",
             "code": "credit_note_without_invoice", "severity": "warning",
             "message": f"Credit note {rec.number}: the debtor has no {rec.currency} invoice "
             "to apply it to; it was not booked."}
        )  # fmt: skip
        plan.counts["created"] -= 1
        plan.counts["rejected"] += 1
        return
    applied = min(rec.amount.minor, target.outstanding_minor)
    note = CreditNote(
        org_id=org.id,
        invoice_id=target.id,
        debtor_id=debtor_id,
        number=rec.number,
        currency=rec.currency,
        amount_minor=rec.amount.minor,
        unapplied_minor=rec.amount.minor - applied,
        issued_on=rec.issue_date,
        reason=f"Imported credit note {rec.number}"[:500],
    )
    db.session.add(note)
    db.session.flush()
    if applied:
        db.session.add(
            Allocation(
                org_id=org.id,
                invoice_id=target.id,
                credit_note_id=note.id,
                amount_minor=applied,
                applied_on=rec.issue_date,
            )
        )
        target.outstanding_minor -= applied
        target.disputed_minor = min(target.disputed_minor, target.outstanding_minor)
        if target.outstanding_minor == 0:
            target.paid_on = rec.issue_date
