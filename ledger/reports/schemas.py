"""Report arguments and results: money as {"amount", "currency"}, never mixed currencies."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from core.money import MoneyField, is_currency
from ledger.clock import today
from ledger.reports.aging import BUCKETS
from ledger.reports.payers import KINDS
from ledger.schemas import ScoreSchema


class ReportArgs(ma.Schema):
    """`?as_of=YYYY-MM-DD` (default today, UTC) and `?currency=` (default the organisation's)."""

    as_of = fields.Date(load_default=today)
    currency = fields.Str(metadata={"description": "ISO 4217 code; default: the organisation's"})

    @ma.validates("currency")
    def _known(self, value: str, **_kw: Any) -> None:
        if not is_currency(value.strip().upper()):
            raise ma.ValidationError("Unknown currency: use an ISO 4217 code such as EUR.")

    @ma.post_load
    def _upper(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        if "currency" in data:
            data["currency"] = data["currency"].strip().upper()
        return data


class AgingArgs(ReportArgs):
    limit = fields.Int(load_default=20, validate=validate.Range(min=1, max=200))


class DsoArgs(ReportArgs):
    period_days = fields.Int(load_default=90, validate=validate.Range(min=1, max=365))


class PayerArgs(ma.Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    as_of = fields.Date(load_default=today)
    min_paid_invoices = fields.Int(load_default=3, validate=validate.Range(min=1, max=1000))
    limit = fields.Int(load_default=50, validate=validate.Range(min=1, max=200))


BucketsSchema = ma.Schema.from_dict({name: MoneyField() for name in BUCKETS}, name="AgingBuckets")


class AgingTotalsSchema(ma.Schema):
    total = MoneyField()
    overdue = MoneyField()
    disputed = MoneyField(metadata={"description": "part of total held by open disputes"})
    promised = MoneyField(metadata={"description": "part of total under open promises to pay"})
    invoice_count = fields.Int()


class AgingDebtorSchema(AgingTotalsSchema):
    buckets = fields.Nested(BucketsSchema)
    debtor_id = fields.Int()
    name = fields.Str()


class AgingSchema(ma.Schema):
    as_of = fields.Date()
    currency = fields.Str()
    buckets = fields.Nested(BucketsSchema)
    totals = fields.Nested(AgingTotalsSchema, metadata={"description": "all buckets together"})
    by_debtor = fields.List(fields.Nested(AgingDebtorSchema))
    debtor_count = fields.Int(metadata={"description": "debtors owing money (by_debtor is capped)"})
    currencies = fields.List(
        fields.Str(), metadata={"description": "other currencies with money owed, never added in"}
    )


class TrendPointSchema(ma.Schema):
    month = fields.Str(metadata={"example": "2026-01"})
    dso = fields.Float(allow_none=True)


class DsoSchema(ma.Schema):
    as_of = fields.Date()
    currency = fields.Str()
    period_days = fields.Int()
    standard = fields.Float(allow_none=True)
    countback = fields.Float(allow_none=True)
    best_possible = fields.Float(allow_none=True)
    average_days_delinquent = fields.Float(allow_none=True)
    target_dso_days = fields.Int(allow_none=True)
    receivables = MoneyField()
    current_receivables = MoneyField()
    sales = MoneyField(metadata={"description": "credit sales issued in the period"})
    trend = fields.List(fields.Nested(TrendPointSchema))
    currencies = fields.List(fields.Str())


class PayerDebtorSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class PayerSchema(ma.Schema):
    debtor = fields.Nested(PayerDebtorSchema)
    score = fields.Nested(ScoreSchema)


class PayerListSchema(ma.Schema):
    kind = fields.Str()
    as_of = fields.Date()
    total = fields.Int()
    items = fields.List(fields.Nested(PayerSchema))


class ReasonSchema(ma.Schema):
    code = fields.Str(metadata={"description": "on_hold, overdue or over_credit_limit"})
    message = fields.Str()


class CreditStatusSchema(ma.Schema):
    block_new_orders = fields.Bool()
    reasons = fields.List(fields.Nested(ReasonSchema))
    exposure = MoneyField(metadata={"description": "outstanding in the debtor's currency"})
    credit_limit = MoneyField(allow_none=True)
    overdue = MoneyField()
    max_days_overdue = fields.Int()
    on_hold = fields.Bool()
