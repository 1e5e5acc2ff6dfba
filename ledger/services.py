"""Ledger workflows: debtors, invoices, payments, credit notes. Flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pycountry
from sqlalchemy import select, update

from core import audit
from core.auth.models import Organization, Role, User
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.money import Money
from core.text import clean, key
from ledger.models import Allocation, CreditNote, Debtor, DebtorType, Invoice, Payment, Source

DEBTOR_FIELDS = (
    "name",
    "debtor_type",
    "vat_id",
    "legal_id",
    "country",
    "sector",
    "emails",
    "phone",
    "address",
    "sales_rep_id",
    "payment_terms_days",
    "credit_limit",
    "notes",
    "on_hold",
)


def _country(code: str) -> str:
    code = (code or "").strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValidationFailed(
            "Unknown country.", details={"country": ["Use an ISO 3166 code such as DE."]}
        )
    return code


def _sales_rep(org: Organization, user_id: int | None, field: str = "sales_rep_id") -> int | None:
    """A sales rep must be a member of the same organisation (else 422, never a foreign id)."""
    if user_id is None:
        return None
    user = db.session.scalar(select(User).where(User.id == user_id, User.org_id == org.id))
    if user is None or not user.active:
        raise ValidationFailed(
            "Unknown sales rep.", details={field: ["Not a member of your organisation."]}
        )
    if user.role not in (Role.SALES, Role.CREDIT, Role.OWNER):
        raise ValidationFailed(
            "Not a sales rep.", details={field: ["Choose a sales or credit member."]}
        )
    return user.id


def _apply_debtor_fields(debtor: Debtor, org: Organization, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "name":
            cleaned = clean(value)
            if not cleaned:
                raise ValidationFailed("Name required.", details={"name": ["Required."]})
            debtor.name, debtor.name_key = cleaned, key(cleaned)
        elif name == "country":
            debtor.country = _country(value)
        elif name == "sales_rep_id":
            debtor.sales_rep_id = _sales_rep(org, value)
        elif name == "credit_limit":
            if value is not None and value.currency != (debtor.currency or org.currency):
                raise ValidationFailed(
                    "Credit limit currency mismatch.",
                    details={"credit_limit": [f"Use {debtor.currency or org.currency}."]},
                )
            debtor.credit_limit_minor = None if value is None else value.minor
        elif name == "debtor_type":
            debtor.debtor_type = DebtorType(value)
        elif name in ("vat_id", "legal_id", "sector", "phone", "address", "notes"):
            setattr(debtor, name, clean(value))
        else:
            setattr(debtor, name, value)


def _duplicate_debtor(org: Organization, name_key: str, exclude: int | None = None) -> None:
    query = select(Debtor.id).where(Debtor.org_id == org.id, Debtor.name_key == name_key)
    if exclude is not None:
        query = query.where(Debtor.id != exclude)
    if db.session.scalar(query) is not None:
        raise Conflict("A debtor with this name exists already.", code="duplicate")


def create_debtor(org: Organization, *, actor: User | None, **fields: Any) -> Debtor:
    """Create a debtor of `org`."""
    debtor = Debtor(
        org_id=org.id,
        currency=fields.pop("currency", None) or org.currency,
        debtor_type=DebtorType.COMPANY,
        emails=[],
    )
    _apply_debtor_fields(debtor, org, fields)
    _duplicate_debtor(org, debtor.name_key)
    db.session.add(debtor)
    db.session.flush()
    audit.record(
        "debtor.created",
        actor=actor,
        org=org,
        object_type="debtor",
        object_id=debtor.id,
        after={"name": debtor.name},
    )
    return debtor


def update_debtor(debtor: Debtor, *, actor: User | None, **fields: Any) -> Debtor:
    """Change a debtor's master data (name stays unique per creditor)."""
    org = db.session.get(Organization, debtor.org_id)
    before = {k: getattr(debtor, k, None) for k in fields if k != "credit_limit"}
    _apply_debtor_fields(debtor, org, fields)
    if "name" in fields:
        _duplicate_debtor(org, debtor.name_key, exclude=debtor.id)
    db.session.flush()
    audit.record(
        "debtor.updated",
        actor=actor,
        org=org,
        object_type="debtor",
        object_id=debtor.id,
        before=_jsonable(before),
        after=_jsonable({k: getattr(debtor, k, None) for k in before}),
    )
    return debtor


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}


def create_invoice(
    org: Organization,
    *,
    actor: User | None,
    number: str,
    debtor: Debtor,
    issue_date: date,
    due_date: date,
    amount: Money,
    po_number: str | None = None,
    sales_rep_id: int | None = None,
    source: Source = Source.MANUAL,
) -> Invoice:
    """Book an invoice; its number is unique per creditor (409 otherwise)."""
    number_clean = clean(number)
    if not number_clean:
        raise ValidationFailed("Invoice number required.", details={"number": ["Required."]})
    if amount.minor <= 0:
        raise ValidationFailed(
            "Amount must be positive.", details={"amount": ["Must be greater than zero."]}
        )
    if due_date < issue_date:
        raise ValidationFailed(
            "Due date before issue date.", details={"due_date": ["Must not be before issue_date."]}
        )
    if db.session.scalar(
        select(Invoice.id).where(Invoice.org_id == org.id, Invoice.number == number_clean)
    ):
        raise Conflict(
            f"Invoice {number_clean} exists already.",
            code="duplicate",
            details={"number": number_clean},
        )
    invoice = Invoice(
        org_id=org.id,
        number=number_clean,
        debtor_id=debtor.id,
        debtor=debtor,
        issue_date=issue_date,
        due_date=due_date,
        currency=amount.currency,
        amount_minor=amount.minor,
        outstanding_minor=amount.minor,
        po_number=clean(po_number),
        sales_rep_id=_sales_rep(org, sales_rep_id) if sales_rep_id else debtor.sales_rep_id,
        source=source,
    )
    db.session.add(invoice)
    db.session.flush()
    audit.record(
        "invoice.created",
        actor=actor,
        org=org,
        object_type="invoice",
        object_id=invoice.id,
        after={"number": invoice.number, "amount": amount.to_dict()},
    )
    return invoice


def update_invoice(invoice: Invoice, *, actor: User | None, **fields: Any) -> Invoice:
    """Change the invoice's due date, PO number or sales rep."""
    org = db.session.get(Organization, invoice.org_id)
    before = {k: str(getattr(invoice, k)) for k in fields}
    if "due_date" in fields and fields["due_date"] < invoice.issue_date:
        raise ValidationFailed(
            "Due date before issue date.", details={"due_date": ["Must not be before issue_date."]}
        )
    for name, value in fields.items():
        if name == "sales_rep_id":
            value = _sales_rep(org, value)
        elif name == "po_number":
            value = clean(value)
        setattr(invoice, name, value)
    db.session.flush()
    audit.record(
        "invoice.updated",
        actor=actor,
        org=org,
        object_type="invoice",
        object_id=invoice.id,
        before=before,
        after={k: str(getattr(invoice, k)) for k in fields},
    )
    return invoice


def _check_currency(invoice: Invoice, amount: Money, field: str = "amount") -> None:
    if amount.currency != invoice.currency:
        raise ValidationFailed(
            "Currency mismatch.",
            details={
                field: [f"The invoice is in {invoice.currency}; nothing converts currencies."]
            },
        )
    if amount.minor <= 0:
        raise ValidationFailed(
            "Amount must be positive.", details={field: ["Must be greater than zero."]}
        )


def _settle(invoice: Invoice, applied: int, on: date) -> None:
    invoice.outstanding_minor -= applied
    invoice.disputed_minor = min(invoice.disputed_minor, invoice.outstanding_minor)
    if invoice.outstanding_minor == 0:
        invoice.paid_on = on


def _refuse_closed(invoice: Invoice) -> None:
    if invoice.cancelled_on or invoice.written_off_on:
        raise Conflict("The invoice is closed (cancelled or written off).", code="invoice_closed")


def _book_credit(
    invoice: Invoice, row: Payment | CreditNote, *, on: date, action: str, actor: User | None
) -> None:
    """Add `row` (a payment or credit note), apply what the invoice can take, audit it.

    `row.unapplied_minor` must already hold what exceeds the outstanding.
    """
    applied = row.amount_minor - row.unapplied_minor
    db.session.add(row)
    db.session.flush()
    if applied:
        source = {"payment_id": row.id} if isinstance(row, Payment) else {"credit_note_id": row.id}
        db.session.add(
            Allocation(
                org_id=invoice.org_id,
                invoice_id=invoice.id,
                amount_minor=applied,
                applied_on=on,
                **source,
            )
        )
        _settle(invoice, applied, on)
    db.session.flush()
    audit.record(
        action,
        actor=actor,
        object_type="invoice",
        object_id=invoice.id,
        org=db.session.get(Organization, invoice.org_id),
        after={
            f"{row.__tablename__[:-1]}_id": row.id,
            "amount": row.amount.to_dict(),
            "applied_minor": applied,
        },
    )


def record_payment(
    invoice: Invoice,
    *,
    amount: Money,
    received_on: date,
    actor: User | None,
    reference: str | None = None,
) -> Payment:
    """Apply a payment to `invoice`; what exceeds the outstanding stays as unapplied credit."""
    _check_currency(invoice, amount)
    _refuse_closed(invoice)
    payment = Payment(
        org_id=invoice.org_id,
        debtor_id=invoice.debtor_id,
        currency=amount.currency,
        amount_minor=amount.minor,
        unapplied_minor=amount.minor - min(amount.minor, invoice.outstanding_minor),
        received_on=received_on,
        reference=clean(reference),
        recorded_by_id=actor.id if actor else None,
    )
    _book_credit(invoice, payment, on=received_on, action="payment.recorded", actor=actor)
    return payment


def issue_credit_note(
    invoice: Invoice,
    *,
    amount: Money,
    issued_on: date,
    reason: str,
    actor: User | None,
    number: str | None = None,
) -> CreditNote:
    """Credit `invoice`; credit beyond the outstanding becomes unapplied credit."""
    _check_currency(invoice, amount)
    _refuse_closed(invoice)
    reason_clean = clean(reason)
    if not reason_clean:
        raise ValidationFailed("Reason required.", details={"reason": ["Required."]})
    note = CreditNote(
        org_id=invoice.org_id,
        invoice_id=invoice.id,
        debtor_id=invoice.debtor_id,
        number=clean(number),
        currency=amount.currency,
        amount_minor=amount.minor,
        unapplied_minor=amount.minor - min(amount.minor, invoice.outstanding_minor),
        issued_on=issued_on,
        reason=reason_clean[:500],
        recorded_by_id=actor.id if actor else None,
    )
    _book_credit(invoice, note, on=issued_on, action="credit_note.issued", actor=actor)
    return note


def hold_amount(invoice: Invoice, amount: Money) -> None:
    """Hold part of the outstanding out of dunning (an open dispute); written by disputes."""
    _check_currency(invoice, amount)
    if invoice.disputed_minor + amount.minor > invoice.outstanding_minor:
        raise ValidationFailed(
            "Disputed amount exceeds the outstanding.",
            details={"amount": [f"At most {invoice.outstanding.amount} can be disputed."]},
        )
    invoice.disputed_minor += amount.minor


def release_hold(invoice: Invoice, amount: Money) -> None:
    """Return a held amount to dunning (a dispute resolved)."""
    invoice.disputed_minor = max(0, invoice.disputed_minor - amount.minor)


def assign_to_case(org_id: int, invoice_ids: list[int], case_id: int) -> None:
    """Put invoices on an awarded marketplace case (status `in_collection`); by marketplace.

    One set-based UPDATE; the version bump makes a concurrent edit of these invoices a 409.
    An invoice of another organisation or already on a case is a 409 (roll back the rest).
    """
    if not invoice_ids:
        return
    result = db.session.execute(
        update(Invoice)
        .where(Invoice.org_id == org_id, Invoice.id.in_(invoice_ids), Invoice.case_id.is_(None))
        .values(case_id=case_id, version=Invoice.version + 1),
        execution_options={"synchronize_session": "evaluate"},
    )
    if result.rowcount != len(set(invoice_ids)):  # type: ignore[attr-defined]
        raise Conflict("An invoice is already on another case.", code="invoice_on_case")


def release_from_case(org_id: int, case_id: int) -> int:
    """Take every invoice off case `case_id` (closed or returned); returns how many."""
    result = db.session.execute(
        update(Invoice)
        .where(Invoice.org_id == org_id, Invoice.case_id == case_id)
        .values(case_id=None, version=Invoice.version + 1),
        execution_options={"synchronize_session": "evaluate"},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
