"""Decide what an import would do, reading the ledger but writing nothing (dry run = this)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from core import hooks
from core.auth.models import Organization, User
from core.extensions import db
from core.text import key
from ledger.imports.parsing import DisputeHistory, InvoiceRecord, Location, ParseResult, RowError
from ledger.models import CreditNote, Debtor, Invoice

CHUNK = 1_000
#: PostgreSQL: numbers per `= ANY(array)` lookup (one bind parameter, not one per number)
PG_CHUNK = 50_000
#: payment terms of a debtor the import creates (an invoice without a due date uses them)
DEFAULT_TERMS = 30
_EXISTING = (
    Invoice.id, Invoice.number, Invoice.currency, Invoice.amount_minor,
    Invoice.outstanding_minor, Invoice.disputed_minor, Invoice.issue_date, Invoice.due_date,
    Invoice.po_number, Invoice.cancelled_on, Invoice.written_off_on, Invoice.paid_on,
    Invoice.sales_rep_id,
)  # fmt: skip


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class NewDebtor:
    """A debtor the import will create; `ref` is its name key until it has an id."""

    name: str
    name_key: str
    vat_id: str | None
    country: str
    emails: list[str]
    currency: str


@dataclass(slots=True)
class ImportedDispute:
    """A row's dispute history and what its invoice will hold once the import is written.

    Handed to the `imported_disputes` hook: first to check (plan, dry run included), then,
    with `invoice_id` filled for new invoices, to write in the import's transaction.
    """

    history: DisputeHistory
    location: Location
    number: str
    currency: str
    #: the invoice's amount, outstanding and held (disputed) minor units after the import
    amount_minor: int
    outstanding_minor: int
    held_minor: int
    #: cancelled or written off: nothing can be held on it any more
    closed: bool
    sales_rep_id: int | None
    #: None for an invoice this import creates, until it is written
    invoice_id: int | None


@dataclass
class Plan:
    """Rows to insert or update, counts, and every error or warning found."""

    today: date
    new_debtors: dict[str, NewDebtor] = field(default_factory=dict)
    #: (record, debtor ref: an id, or the name key of a NewDebtor), due date, sales rep id
    creates: list[tuple[InvoiceRecord, int | str, date, int | None]] = field(default_factory=list)
    #: column values by invoice id, plus "paid_minor": payment to book at the import date
    updates: list[dict[str, Any]] = field(default_factory=list)
    credit_notes: list[tuple[InvoiceRecord, int | str]] = field(default_factory=list)
    #: dispute history of the rows (the optional dispute_* CSV columns)
    disputes: list[ImportedDispute] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    )
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def error(self, rec: InvoiceRecord, field_: str | None, code: str, message: str) -> None:
        where = rec.location
        self.errors.append(RowError(where.file, where.row, field_, code, message).to_dict())


class Debtors:
    """The organisation's debtors by VAT id and by name key, plus the ones to create."""

    def __init__(self, org: Organization, plan: Plan) -> None:
        self.org, self.plan = org, plan
        rows = db.session.execute(
            select(Debtor.id, Debtor.vat_id, Debtor.name_key, Debtor.payment_terms_days).where(
                Debtor.org_id == org.id
            )
        ).all()
        self.by_vat = {_vat(r.vat_id): r.id for r in rows if r.vat_id}
        self.by_name = {r.name_key: r.id for r in rows}
        self.terms = {r.id: r.payment_terms_days for r in rows}
        self.new_by_vat: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # debtor name -> key(name): one per debtor, not per row

    def resolve(self, rec: InvoiceRecord) -> int | str | None:
        """Match by VAT id, then by normalised name; else plan a new debtor (None: error)."""
        party, vat = rec.debtor, _vat(rec.debtor.vat_id)
        name_key = self.keys.get(party.name)
        if name_key is None:
            name_key = self.keys[party.name] = key(party.name)
        if vat and vat in self.by_vat:
            return self.by_vat[vat]
        if name_key in self.by_name:
            return self.by_name[name_key]
        if vat and vat in self.new_by_vat:
            return self.new_by_vat[vat]
        if name_key in self.plan.new_debtors:
            return name_key
        country = party.country or _vat_country(vat) or (rec.seller and rec.seller.country)
        if not country:
            self.plan.error(
                rec,
                "debtor_country",
                "missing_country",
                f"New debtor {party.name!r} has no country: add a debtor_country column "
                "(ISO code such as DE) or a VAT id.",
            )
            return None
        self.plan.new_debtors[name_key] = NewDebtor(
            name=party.name,
            name_key=name_key,
            vat_id=party.vat_id,
            country=country,
            emails=[party.email] if party.email else [],
            currency=rec.currency,
        )
        if vat:
            self.new_by_vat[vat] = name_key
        return name_key

    def terms_of(self, ref: int | str) -> int:
        return self.terms.get(ref, DEFAULT_TERMS) if isinstance(ref, int) else DEFAULT_TERMS


def _vat(value: str | None) -> str | None:
    return "".join(value.split()).upper() if value else None


def _vat_country(vat: str | None) -> str | None:
    prefix = (vat or "")[:2]
    if not prefix.isalpha():
        return None
    return {"EL": "GR", "XI": "GB"}.get(prefix, prefix)


def _number_chunks(column: Any, numbers: list[str]) -> Iterator[Any]:
    """`column IN part` conditions; on PostgreSQL `column = ANY(:array)`, few and large."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield from (column.in_(part) for part in chunks(numbers))
        return
    for part in chunks(numbers, PG_CHUNK):
        yield column == any_(bindparam("numbers", part, type_=ARRAY(String)))


def _has_any(model: Any, org: Organization) -> bool:
    """Whether the organisation has any row of `model` (a first import has none to match)."""
    query = select(model.id).where(model.org_id == org.id).limit(1)
    return db.session.scalar(query) is not None


def _existing(org: Organization, numbers: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if not numbers or not _has_any(Invoice, org):
        return found
    for cond in _number_chunks(Invoice.number, numbers):
        rows = db.session.execute(select(*_EXISTING).where(Invoice.org_id == org.id, cond)).all()
        found.update({r.number: r for r in rows})
    return found


def _existing_credit_notes(org: Organization, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    if not numbers or not _has_any(CreditNote, org):
        return found
    for cond in _number_chunks(CreditNote.number, numbers):
        found.update(
            db.session.scalars(select(CreditNote.number).where(CreditNote.org_id == org.id, cond))
        )
    return found


def _sales_reps(org: Organization) -> dict[str, int]:
    rows = db.session.execute(select(User.id, User.email).where(User.org_id == org.id)).all()
    return {r.email.lower(): r.id for r in rows}


def build_plan(org: Organization, result: ParseResult, today: date) -> Plan:
    """Match every record against the ledger: what to create, update, leave, or refuse."""
    plan = Plan(today=today)
    plan.errors.extend(e.to_dict() for e in result.errors)
    plan.warnings.extend({**e.to_dict(), "severity": "warning"} for e in result.skipped)
    _seller_warnings(org, result.records, plan)
    invoices = [r for r in result.records if r.kind == "invoice"]
    notes = [r for r in result.records if r.kind == "credit_note"]
    existing = _existing(org, [r.number for r in invoices])
    booked_notes = _existing_credit_notes(org, [r.number for r in notes])
    debtors, reps = Debtors(org, plan), _sales_reps(org)
    for rec in invoices:
        row = existing.get(rec.number)
        if row is not None:
            after = _plan_update(plan, rec, row)
            if after is not None and rec.dispute is not None:
                closed = bool(row.cancelled_on or row.written_off_on)
                plan.disputes.append(
                    _imported(rec, *after, closed=closed, rep=row.sales_rep_id, invoice_id=row.id)
                )
            continue
        ref = debtors.resolve(rec)
        if ref is None:
            continue
        due = rec.due_date or rec.issue_date + timedelta(days=debtors.terms_of(ref))
        rep = reps.get(rec.sales_rep_email.lower()) if rec.sales_rep_email else None
        plan.creates.append((rec, ref, due, rep))
        plan.counts["created"] += 1
        if rec.dispute is not None:
            amount = rec.amount.minor
            owed = amount if rec.outstanding is None else rec.outstanding.minor
            plan.disputes.append(
                _imported(rec, amount, owed, 0, closed=False, rep=rep, invoice_id=None)
            )
    for rec in notes:
        if rec.dispute is not None:
            plan.error(rec, "dispute_reason", "dispute_on_credit_note",
                       f"Credit note {rec.number} cannot carry a dispute: put the dispute on "
                       "the invoice's row.")  # fmt: skip
            continue
        if rec.number in booked_notes:
            plan.counts["unchanged"] += 1
            continue
        ref = debtors.resolve(rec)
        if ref is not None:
            plan.credit_notes.append((rec, ref))
            plan.counts["created"] += 1
    if plan.disputes:
        check_disputes(org, plan)
    if plan.errors:
        plan.counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        plan.counts["rejected"] = len({(e["file"], e["row"]) for e in plan.errors})
    else:
        plan.counts["rejected"] = len(result.skipped)
    return plan


def _imported(
    rec: InvoiceRecord,
    amount: int,
    outstanding: int,
    held: int,
    *,
    closed: bool,
    rep: int | None,
    invoice_id: int | None,
) -> ImportedDispute:
    assert rec.dispute is not None
    return ImportedDispute(
        history=rec.dispute,
        location=rec.location,
        number=rec.number,
        currency=rec.currency,
        amount_minor=amount,
        outstanding_minor=outstanding,
        held_minor=held,
        closed=closed,
        sales_rep_id=rep,
        invoice_id=invoice_id,
    )


def check_disputes(org: Organization, plan: Plan) -> None:
    """Let the disputes feature refuse dispute rows (e.g. more than can be held); no writes."""
    found = [
        error
        for errors in hooks.collect("imported_disputes", org, plan.disputes, None, apply=False)
        for error in errors
    ]
    if found:
        plan.errors.extend(found)
        plan.errors.sort(key=lambda e: (e["file"], e["row"] or 0))


def _plan_update(plan: Plan, rec: InvoiceRecord, row: Any) -> tuple[int, int, int] | None:
    """Compare a record with its booked invoice; what was paid meanwhile is never undone.

    Returns the invoice's (amount, outstanding, disputed) minor units after the import, or
    None when the record is refused.
    """
    if rec.currency != row.currency:
        plan.error(rec, "currency", "currency_mismatch",
                   f"Invoice {rec.number} is booked in {row.currency}, not {rec.currency}; "
                   "nothing converts currencies.")  # fmt: skip
        return None
    paid_old = row.amount_minor - row.outstanding_minor
    amount = rec.amount.minor
    outstanding = amount - paid_old if rec.outstanding is None else rec.outstanding.minor
    due = rec.due_date or row.due_date
    if outstanding < 0:
        plan.error(rec, "amount", "amount_below_paid",
                   f"Invoice {rec.number}: {rec.amount.amount} is less than what was already "
                   "paid on it.")  # fmt: skip
        return None
    if amount - outstanding < paid_old:
        shown = rec.outstanding.amount if rec.outstanding else ""
        plan.error(rec, "outstanding", "outstanding_increased",
                   f"Invoice {rec.number}: outstanding {shown} is more than booked after "
                   "payments; reverse the payment in Duebridge first.")  # fmt: skip
        return None
    if due < rec.issue_date:
        plan.error(rec, "due_date", "due_before_issue", f"Due date {due} is before the issue date.")
        return None
    values = {
        "amount_minor": amount,
        "outstanding_minor": outstanding,
        "issue_date": rec.issue_date,
        "due_date": due,
        "po_number": rec.po_number or row.po_number,
    }
    if all(getattr(row, k) == v for k, v in values.items()):
        plan.counts["unchanged"] += 1
        return amount, outstanding, row.disputed_minor
    if row.cancelled_on or row.written_off_on:
        plan.error(rec, None, "invoice_closed",
                   f"Invoice {rec.number} is cancelled or written off: it is final.")  # fmt: skip
        return None
    values.update(
        id=row.id,
        disputed_minor=min(row.disputed_minor, outstanding),
        paid_on=(row.paid_on or plan.today) if outstanding == 0 else None,
        paid_minor=(amount - outstanding) - paid_old,
        currency=row.currency,
    )
    plan.updates.append(values)
    plan.counts["updated"] += 1
    return amount, outstanding, values["disputed_minor"]


def _seller_warnings(org: Organization, records: Iterable[InvoiceRecord], plan: Plan) -> None:
    """A file whose seller is another company: warn once per seller name, never refuse."""
    seen: set[str] = set()
    for rec in records:
        if rec.seller is None or key(rec.seller.name) == key(org.name) or rec.seller.name in seen:
            continue
        seen.add(rec.seller.name)
        plan.warnings.append(
            {
                "file": rec.location.file,
                "row": rec.location.row,
                "field": "seller",
                "code": "seller_mismatch",
                "message": f"The file's seller is {rec.seller.name!r}, not {org.name!r}: "
                "check that these are your invoices.",
                "severity": "warning",
            }
        )
