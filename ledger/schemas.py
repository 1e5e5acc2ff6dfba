"""Ledger API schemas: whitelists per audience; money as {"amount", "currency"}."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.money import MoneyField
from ledger.clock import today
from ledger.models import DebtorType, InvoiceStatus

DEBTOR_TYPES = [t.value for t in DebtorType]
STATUSES = [s.value for s in InvoiceStatus]
#: sortable invoice columns (T44: an allowlist; "-" prefix sorts descending)
INVOICE_SORTS = ["number", "issue_date", "due_date", "amount", "outstanding", "debtor"]


class DebtorCreateSchema(ma.Schema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    debtor_type = fields.Str(required=True, validate=validate.OneOf(DEBTOR_TYPES))
    vat_id = fields.Str(allow_none=True, validate=validate.Length(max=40))
    legal_id = fields.Str(allow_none=True, validate=validate.Length(max=60))
    country = fields.Str(required=True, validate=validate.Length(equal=2))
    sector = fields.Str(allow_none=True, validate=validate.Length(max=100))
    emails = fields.List(fields.Email(), validate=validate.Length(max=20))
    phone = fields.Str(allow_none=True, validate=validate.Length(max=40))
    address = fields.Str(allow_none=True, validate=validate.Length(max=1000))
    sales_rep_id = fields.Int(allow_none=True)
    payment_terms_days = fields.Int(validate=validate.Range(min=0, max=365))
    credit_limit = MoneyField(allow_none=True)
    notes = fields.Str(allow_none=True, validate=validate.Length(max=5000))


class DebtorUpdateSchema(DebtorCreateSchema):
    """Every field optional; `on_hold` can be set by hand."""

    name = fields.Str(validate=validate.Length(min=1, max=200))
    debtor_type = fields.Str(validate=validate.OneOf(DEBTOR_TYPES))
    country = fields.Str(validate=validate.Length(equal=2))
    on_hold = fields.Bool()


class ScoreSchema(ma.Schema):
    grade = fields.Str(
        allow_none=True, metadata={"description": "A (best) to E; null without history"}
    )
    avg_days_beyond_terms = fields.Float(allow_none=True)
    trend = fields.Str(metadata={"description": "improving, stable, deteriorating or unknown"})
    paid_invoices = fields.Int()


class DebtorSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()
    debtor_type = fields.Function(lambda d: d.debtor_type.value)
    vat_id = fields.Str()
    legal_id = fields.Str()
    country = fields.Str()
    sector = fields.Str()
    emails = fields.List(fields.Str())
    phone = fields.Str()
    address = fields.Str()
    sales_rep_id = fields.Int()
    payment_terms_days = fields.Int()
    credit_limit = MoneyField()
    currency = fields.Str()
    on_hold = fields.Bool()
    notes = fields.Str()
    created_at = fields.AwareDateTime()


class DebtorDetailSchema(DebtorSchema):
    score = fields.Nested(ScoreSchema)


class DebtorRefSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class DisputeRefSchema(ma.Schema):
    id = fields.Int()
    status = fields.Str()
    reason = fields.Str()
    amount = MoneyField()


class InvoiceCreateSchema(ma.Schema):
    number = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    debtor_id = fields.Int(required=True)
    issue_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    amount = MoneyField(required=True, allow_zero=False)
    po_number = fields.Str(allow_none=True, validate=validate.Length(max=100))
    sales_rep_id = fields.Int(allow_none=True)


class InvoiceUpdateSchema(ma.Schema):
    due_date = fields.Date()
    po_number = fields.Str(allow_none=True, validate=validate.Length(max=100))
    sales_rep_id = fields.Int(allow_none=True)


class InvoiceSchema(ma.Schema):
    id = fields.Int()
    number = fields.Str()
    debtor = fields.Nested(DebtorRefSchema)
    issue_date = fields.Date()
    due_date = fields.Date()
    amount = MoneyField()
    outstanding = MoneyField()
    disputed = MoneyField()
    status = fields.Function(lambda inv: inv.status_on(today()).value)
    days_overdue = fields.Function(lambda inv: inv.days_overdue(today()))
    po_number = fields.Str()
    sales_rep_id = fields.Int()
    source = fields.Function(lambda inv: inv.source.value)
    case_id = fields.Int()
    disputes = fields.Method("_disputes")

    def _disputes(self, invoice: object) -> list[dict[str, object]]:
        return list(getattr(invoice, "dispute_refs", []))


class InvoiceFilterSchema(ma.Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    debtor_id = fields.Int()
    currency = fields.Str(validate=validate.Length(equal=3))
    min_days_overdue = fields.Int(validate=validate.Range(min=0, max=100_000))
    q = fields.Str(validate=validate.Length(max=100))
    sort = fields.Str(
        load_default="-due_date",
        validate=validate.OneOf(INVOICE_SORTS + [f"-{s}" for s in INVOICE_SORTS]),
    )


class PaymentCreateSchema(ma.Schema):
    amount = MoneyField(required=True, allow_zero=False)
    date = fields.Date(required=True)
    reference = fields.Str(allow_none=True, validate=validate.Length(max=140))


class PaymentSchema(ma.Schema):
    id = fields.Int()
    amount = MoneyField()
    unapplied = MoneyField(metadata={"description": "kept as the debtor's unapplied credit"})
    received_on = fields.Date()
    reference = fields.Str()


class CreditNoteCreateSchema(ma.Schema):
    amount = MoneyField(required=True, allow_zero=False)
    date = fields.Date(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=500))
    number = fields.Str(allow_none=True, validate=validate.Length(max=100))


class CreditNoteSchema(ma.Schema):
    id = fields.Int()
    invoice_id = fields.Int()
    number = fields.Str()
    amount = MoneyField()
    issued_on = fields.Date()
    reason = fields.Str()
