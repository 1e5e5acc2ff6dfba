"""Invoice pages: the filtered list, the invoice page, payment and credit-note forms."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from core import hooks
from core.errors import DomainError
from core.extensions import db
from core.pagination import paginate
from core.tenancy import current_org
from ledger import interest, services
from ledger.api import invoice_query
from ledger.clock import today
from ledger.forms import CreditNoteForm, PaymentForm, money_of
from ledger.loaders import load_invoice
from ledger.models import DebtorType, Invoice, InvoiceStatus
from ledger.schemas import INVOICE_SORTS, STATUSES, InvoiceFilterSchema
from ledger.views import bp, queries, readers, show_errors, writers

#: T44: the HTML list shows at most this many rows per page, whatever is asked
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
#: debtor country → statutory-interest jurisdiction (ledger.interest data); others: EU minimum
INTEREST_JURISDICTIONS = {"FR": "FR", "DE": "DE", "GB": "UK"}
EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


def invoice_filters(args: MultiDict[str, str]) -> dict[str, Any]:
    """The API's invoice filters from a query string; 400 outside the allowlists."""
    given = {k: v.strip() for k, v in args.items() if k in InvoiceFilterSchema().fields}
    try:
        return InvoiceFilterSchema().load({k: v for k, v in given.items() if v})
    except ma.ValidationError as exc:
        fields = ", ".join(sorted(exc.messages))  # type: ignore[arg-type]
        abort(400, description=f"Invalid filter: {fields}.")


def _page_args(args: MultiDict[str, str]) -> tuple[int, int]:
    page = args.get("page", type=int) or 1
    size = args.get("page_size", type=int) or DEFAULT_PAGE_SIZE
    if not 1 <= page <= 10**9 or size < 1:
        abort(400, description="Invalid page.")
    return page, min(size, MAX_PAGE_SIZE)


@bp.get("/invoices")
@readers
def invoices() -> ResponseReturnValue:
    """Invoices the caller may see: the API's filters, allowlisted sort, pages."""
    filters = invoice_filters(request.args)
    page, size = _page_args(request.args)
    result = paginate(invoice_query(filters), page, size)
    return render_template(
        "ledger/invoices.html",
        page=result,
        filters=filters,
        page_size=size,
        pages=max(1, -(-result["total"] // size)),
        statuses=STATUSES,
        sorts=INVOICE_SORTS,
        today=today(),
    )


def _render_invoice(
    invoice: Invoice,
    payment_form: PaymentForm | None = None,
    credit_form: CreditNoteForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    now = today()
    allocs = queries.allocations(current_org.id, invoice.id)
    payment_form = payment_form or PaymentForm(
        formdata=None, prefix="payment", currency=invoice.currency, received_on=now
    )
    credit_form = credit_form or CreditNoteForm(
        formdata=None, prefix="credit", currency=invoice.currency, issued_on=now
    )
    page = render_template(
        "ledger/invoice.html",
        invoice=invoice,
        status=invoice.status_on(now),
        days_overdue=invoice.days_overdue(now),
        allocations=allocs,
        interest=statutory_interest(invoice, allocs, now),
        payment_form=payment_form,
        credit_form=credit_form,
        closed=bool(invoice.cancelled_on or invoice.written_off_on),
        # sections other features add (disputes); each is Markup or None
        sections=[s for s in hooks.collect("invoice_sections", invoice, current_user) if s],
    )
    return page, status


@bp.get("/invoices/<int:invoice_id>")
@readers
def invoice(invoice_id: int) -> ResponseReturnValue:
    """One invoice: amounts, status, allocations, statutory interest, and the write forms."""
    return _render_invoice(load_invoice(invoice_id))


def _refused(
    invoice_id: int, exc: DomainError, payment: PaymentForm | None, credit: CreditNoteForm | None
) -> ResponseReturnValue:
    """Nothing written: roll back, reload the invoice and show why next to the fields."""
    db.session.rollback()
    form = payment or credit
    assert form is not None
    show_errors(form, exc, {"date": "received_on" if payment else "issued_on"})
    return _render_invoice(load_invoice(invoice_id), payment, credit, exc.status)


@bp.post("/invoices/<int:invoice_id>/payments")
@writers
def record_payment(invoice_id: int) -> ResponseReturnValue:
    """Record a payment; what exceeds the outstanding stays as the debtor's unapplied credit."""
    invoice = load_invoice(invoice_id)
    form = PaymentForm(prefix="payment")
    amount = money_of(form, "amount", form.currency.data or "") if form.validate() else None
    if amount is None:
        return _render_invoice(invoice, form, None, 422)
    try:
        payment = services.record_payment(
            invoice,
            amount=amount,
            received_on=form.received_on.data,
            reference=form.reference.data,
            actor=current_user,
        )
    except DomainError as exc:
        return _refused(invoice_id, exc, form, None)
    db.session.commit()
    message = f"Payment of {payment.amount} recorded."
    if payment.unapplied_minor:
        message += f" {payment.unapplied} exceeded the outstanding: kept as unapplied credit."
    flash(message, "success")
    return redirect(url_for("ledger.invoice", invoice_id=invoice.id))


@bp.post("/invoices/<int:invoice_id>/credit-notes")
@writers
def issue_credit_note(invoice_id: int) -> ResponseReturnValue:
    """Credit the invoice; credit beyond the outstanding becomes unapplied credit."""
    invoice = load_invoice(invoice_id)
    form = CreditNoteForm(prefix="credit")
    amount = money_of(form, "amount", form.currency.data or "") if form.validate() else None
    if amount is None:
        return _render_invoice(invoice, None, form, 422)
    try:
        note = services.issue_credit_note(
            invoice,
            amount=amount,
            issued_on=form.issued_on.data,
            reason=form.reason.data or "",
            number=form.number.data,
            actor=current_user,
        )
    except DomainError as exc:
        return _refused(invoice_id, exc, None, form)
    db.session.commit()
    flash(f"Credit note of {note.amount} issued.", "success")
    return redirect(url_for("ledger.invoice", invoice_id=invoice.id))


def jurisdiction_for(invoice: Invoice) -> str | None:
    """The statutory-interest rules for the debtor's country; None for consumers or abroad."""
    debtor = invoice.debtor
    if debtor.debtor_type is DebtorType.CONSUMER:
        return None  # Directive 2011/7/EU covers commercial transactions only
    if debtor.country in INTEREST_JURISDICTIONS:
        return INTEREST_JURISDICTIONS[debtor.country]
    return "EU" if debtor.country in EU_COUNTRIES else None


def statutory_interest(
    invoice: Invoice, allocs: list[dict[str, Any]], now: date
) -> dict[str, Any] | None:
    """Interest and fixed compensation on a late invoice, or None when the law does not apply."""
    status = invoice.status_on(now)
    if status in (InvoiceStatus.CANCELLED, InvoiceStatus.WRITTEN_OFF) or invoice.due_date >= now:
        return None
    code = jurisdiction_for(invoice)
    if code is None:
        return None
    events = [interest.PrincipalEvent.invoice(invoice.issue_date, invoice.amount)]
    for alloc in allocs:
        make = (
            interest.PrincipalEvent.payment
            if alloc["kind"] == "payment"
            else interest.PrincipalEvent.credit_note
        )
        events.append(make(alloc["on"], alloc["applied"]))
    try:
        # the page shows what is owed up to the last confirmed reference rate and says what is
        # left out (result.gap); a formal notice uses the strict calculation instead
        result = interest.compute_interest(
            events,
            due_date=invoice.due_date,
            as_of=invoice.paid_on or now,
            jurisdiction=code,
            currency=invoice.currency,
            until_rates_run_out=True,
        )
    except interest.InterestError as exc:
        return {"jurisdiction": interest.get_jurisdiction(code), "error": str(exc)}
    if not result.lines and result.complete:
        return None  # paid on time after all
    return {
        "jurisdiction": interest.get_jurisdiction(code),
        "result": result,
        "compensation": interest.fixed_compensation(result.principal_at_due, jurisdiction=code),
    }
