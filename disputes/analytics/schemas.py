"""`GET /api/v1/reports/disputes`: figures per currency, team and reason; never mixed currencies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from core.money import MoneyField
from disputes.analytics.queries import OUTCOMES

OutcomesSchema = ma.Schema.from_dict(
    {name: fields.Int() for name in OUTCOMES}, name="DisputeOutcomeCounts"
)


class DisputeCountsSchema(ma.Schema):
    """Counts that may span currencies."""

    opened = fields.Int(metadata={"description": "disputes opened in the period"})
    open_now = fields.Int(
        metadata={"description": "still unresolved today, of those opened by the period's end"}
    )
    resolved = fields.Int(metadata={"description": "disputes resolved in the period"})
    outcomes = fields.Nested(OutcomesSchema, metadata={"description": "of those resolved"})
    median_days_to_resolve = fields.Float(
        allow_none=True,
        metadata={"description": "over disputes resolved in the period (null: none resolved)"},
    )


class DisputeTeamCountsSchema(DisputeCountsSchema):
    team = fields.Str(metadata={"example": "delivery"})
    label = fields.Str(metadata={"example": "Delivery"})


class DisputeAmountsSchema(DisputeCountsSchema):
    """Counts plus amounts, all in one currency."""

    disputed = MoneyField(metadata={"description": "amount of the disputes opened in the period"})
    open_amount = MoneyField(metadata={"description": "amount of the disputes open now"})
    cash_blocked = MoneyField(
        metadata={
            "description": "currency-days: amount x days held within the period "
            '(100.00 EUR held 12 days = {"amount": "1200.00", "currency": "EUR"})'
        }
    )


class DisputeTeamAmountsSchema(DisputeAmountsSchema):
    team = fields.Str(metadata={"example": "delivery"})
    label = fields.Str(metadata={"example": "Delivery"})


class DisputeTopDebtorSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class DisputeReasonAmountsSchema(DisputeAmountsSchema):
    reason = fields.Str(metadata={"example": "delivery.damaged"})
    reason_team = fields.Str(metadata={"example": "delivery"})
    label = fields.Str(metadata={"example": "Damaged"})
    top_debtor = fields.Nested(
        DisputeTopDebtorSchema,
        allow_none=True,
        metadata={"description": "the debtor with the most cash blocked (null: none blocked)"},
    )


class DisputeCurrencyAnalyticsSchema(ma.Schema):
    currency = fields.Str()
    totals = fields.Nested(DisputeAmountsSchema)
    teams = fields.List(
        fields.Nested(DisputeTeamAmountsSchema), metadata={"description": "every team"}
    )
    reasons = fields.List(
        fields.Nested(DisputeReasonAmountsSchema), metadata={"description": "reasons with disputes"}
    )


class DisputeAnalyticsSchema(ma.Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    overall = fields.Nested(DisputeCountsSchema, metadata={"description": "every currency"})
    teams = fields.List(
        fields.Nested(DisputeTeamCountsSchema),
        metadata={"description": "per responsible team, every currency, every team"},
    )
    currencies = fields.List(
        fields.Nested(DisputeCurrencyAnalyticsSchema),
        metadata={"description": "one entry per currency with disputes; amounts never mixed"},
    )
