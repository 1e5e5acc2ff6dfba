"""JSON API of API.md "Ledger": debtors, invoices, payments and credit notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import Select, func, or_, select

from core import hooks
from core.auth.models import OrgKind
from core.auth.permissions import require_kind
from core.extensions import db
from core.pagination import PageArgs, page_of, paginate
from core.tenancy import current_org
from ledger import permissions, scores, services
from ledger.clock import today
from ledger.loaders import load_debtor, load_invoice
from ledger.models import Debtor, Invoice
from ledger.schemas import (
    CreditNoteCreateSchema,
    CreditNoteSchema,
    DebtorCreateSchema,
    DebtorDetailSchema,
    DebtorSchema,
    DebtorUpdateSchema,
    InvoiceCreateSchema,
    InvoiceFilterSchema,
    InvoiceSchema,
    InvoiceUpdateSchema,
    PaymentCreateSchema,
    PaymentSchema,
)

blp = Blueprint("ledger_api", __name__, url_prefix="/api/v1", description="Receivables ledger")

readers = require_kind(OrgKind.CREDITOR, *permissions.READERS)
writers = require_kind(OrgKind.CREDITOR, *permissions.WRITERS)


class PageAndFilter(InvoiceFilterSchema, PageArgs):
    """Invoice filters plus page arguments in one query string."""


@blp.route("/debtors")
class Debtors(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(DebtorSchema))
    @readers
    def get(self, page: dict[str, int]) -> dict[str, Any]:
        """Debtors the caller may see (sales reps: their own), by name."""
        query = (
            select(Debtor)
            .where(Debtor.org_id == current_org.id, permissions.visible_debtors(current_user))
            .order_by(Debtor.name_key, Debtor.id)
        )
        return paginate(query, **page)

    @blp.arguments(DebtorCreateSchema)
    @blp.response(201, DebtorDetailSchema)
    @writers
    def post(self, args: dict[str, Any]) -> Any:
        """Create a debtor."""
        debtor = services.create_debtor(current_org, actor=current_user, **args)
        db.session.commit()
        return _with_score(debtor)


@blp.route("/debtors/<int:debtor_id>")
class DebtorResource(MethodView):
    @blp.response(200, DebtorDetailSchema)
    @readers
    def get(self, debtor_id: int) -> Any:
        """One debtor with its payer score and credit hold flag."""
        return _with_score(load_debtor(debtor_id))

    @blp.arguments(DebtorUpdateSchema)
    @blp.response(200, DebtorDetailSchema)
    @writers
    def patch(self, args: dict[str, Any], debtor_id: int) -> Any:
        """Change a debtor."""
        debtor = load_debtor(debtor_id)
        services.update_debtor(debtor, actor=current_user, **args)
        db.session.commit()
        return _with_score(debtor)


def with_disputes(invoices: list[Invoice]) -> list[Invoice]:
    """Attach the disputes of `invoices` from whatever feature registered them (one query)."""
    refs: dict[int, list[dict[str, Any]]] = {}
    for found in hooks.collect("invoice_disputes", [inv.id for inv in invoices]):
        for invoice_id, items in found.items():
            refs.setdefault(invoice_id, []).extend(items)
    for invoice in invoices:
        invoice.dispute_refs = refs.get(invoice.id, [])
    return invoices


def _with_score(debtor: Debtor) -> Debtor:
    debtor.score = scores.score_for(debtor.id, today())
    return debtor


def escape_like(text: str) -> str:
    """Make `%`, `_` and `\\` literal inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def invoice_query(args: dict[str, Any]) -> Select[Any]:
    """Invoices visible to the caller, filtered and sorted from an allowlist."""
    now = today()
    query = (
        select(Invoice)
        .join(Invoice.debtor)
        .where(Invoice.org_id == current_org.id, permissions.visible_debtors(current_user))
    )
    if "status" in args:
        query = query.where(Invoice.status_on(now) == args["status"])
    if "debtor_id" in args:
        query = query.where(Invoice.debtor_id == args["debtor_id"])
    if "currency" in args:
        query = query.where(Invoice.currency == args["currency"].upper())
    if args.get("min_days_overdue"):
        query = query.where(
            Invoice.outstanding_minor > 0,
            Invoice.due_date <= now - timedelta(days=args["min_days_overdue"]),
        )
    if args.get("q"):
        like = f"%{escape_like(args['q'].strip().lower())}%"
        query = query.where(
            or_(
                func.lower(Invoice.number).like(like, escape="\\"),
                Debtor.name_key.like(like, escape="\\"),
                func.lower(Invoice.po_number).like(like, escape="\\"),
            )
        )
    sort = args.get("sort", "-due_date")
    column = {
        "number": Invoice.number,
        "issue_date": Invoice.issue_date,
        "due_date": Invoice.due_date,
        "amount": Invoice.amount_minor,
        "outstanding": Invoice.outstanding_minor,
        "debtor": Debtor.name_key,
    }[sort.lstrip("-")]
    return query.order_by(column.desc() if sort.startswith("-") else column.asc(), Invoice.id)


@blp.route("/invoices")
class Invoices(MethodView):
    @blp.arguments(PageAndFilter, location="query")
    @blp.response(200, page_of(InvoiceSchema))
    @readers
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Invoices, filtered by status, debtor, currency, days overdue or text."""
        page, page_size = args.pop("page"), args.pop("page_size")
        result = paginate(invoice_query(args), page, page_size)
        with_disputes(list(result["items"]))
        return result

    @blp.arguments(InvoiceCreateSchema)
    @blp.response(201, InvoiceSchema)
    @blp.alt_response(409, description="An invoice with this number exists")
    @writers
    def post(self, args: dict[str, Any]) -> Invoice:
        """Book an invoice."""
        debtor = load_debtor(args.pop("debtor_id"), field="debtor_id")
        invoice = services.create_invoice(current_org, actor=current_user, debtor=debtor, **args)
        db.session.commit()
        return invoice


@blp.route("/invoices/<int:invoice_id>")
class InvoiceResource(MethodView):
    @blp.response(200, InvoiceSchema)
    @readers
    def get(self, invoice_id: int) -> Invoice:
        """One invoice with its status, days overdue and disputes."""
        return with_disputes([load_invoice(invoice_id)])[0]

    @blp.arguments(InvoiceUpdateSchema)
    @blp.response(200, InvoiceSchema)
    @writers
    def patch(self, args: dict[str, Any], invoice_id: int) -> Invoice:
        """Change the due date, PO number or sales rep."""
        invoice = load_invoice(invoice_id)
        services.update_invoice(invoice, actor=current_user, **args)
        db.session.commit()
        return invoice


@blp.route("/invoices/<int:invoice_id>/payments")
class InvoicePayments(MethodView):
    @blp.arguments(PaymentCreateSchema)
    @blp.response(201, PaymentSchema)
    @writers
    def post(self, args: dict[str, Any], invoice_id: int) -> Any:
        """Record a payment; beyond the outstanding it becomes unapplied credit."""
        invoice = load_invoice(invoice_id)
        payment = services.record_payment(
            invoice,
            amount=args["amount"],
            received_on=args["date"],
            reference=args.get("reference"),
            actor=current_user,
        )
        db.session.commit()
        return payment


@blp.route("/invoices/<int:invoice_id>/credit-notes")
class InvoiceCreditNotes(MethodView):
    @blp.arguments(CreditNoteCreateSchema)
    @blp.response(201, CreditNoteSchema)
    @writers
    def post(self, args: dict[str, Any], invoice_id: int) -> Any:
        """Issue a credit note on an invoice."""
        invoice = load_invoice(invoice_id)
        note = services.issue_credit_note(
            invoice,
            amount=args["amount"],
            issued_on=args["date"],
            reason=args["reason"],
            number=args.get("number"),
            actor=current_user,
        )
        db.session.commit()
        return note
