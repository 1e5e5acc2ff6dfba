"""Dispute API schemas: whitelists; reasons as "<team>.<code>", money as {"amount", "currency"}."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.money import MoneyField
from disputes.reasons import REASON_CODES, TEAMS
from disputes.states import DisputeStatus, Outcome
from ledger.clock import today

STATUSES = [s.value for s in DisputeStatus]
OUTCOMES = [o.value for o in Outcome]


class DisputeCreateSchema(ma.Schema):
    invoice_id = fields.Int(required=True)
    reason = fields.Str(
        required=True,
        validate=validate.OneOf(REASON_CODES),
        metadata={"description": '"<team>.<code>" from SPEC §3, e.g. "delivery.damaged"'},
    )
    amount = MoneyField(required=True, allow_zero=False)
    description = fields.Str(required=True, validate=validate.Length(min=1, max=5000))
    owner_id = fields.Int(allow_none=True)
    due_date = fields.Date(allow_none=True, metadata={"description": "SLA; default in 14 days"})


class DisputeUpdateSchema(ma.Schema):
    owner_id = fields.Int(allow_none=True)
    due_date = fields.Date(allow_none=True)
    description = fields.Str(validate=validate.Length(min=1, max=5000))
    version = fields.Int(
        strict=True,
        metadata={"description": "the version read; if it changed since: 409, current values"},
    )


class DisputeTransitionSchema(ma.Schema):
    to = fields.Str(required=True, validate=validate.OneOf(STATUSES))


class DisputeResolveSchema(ma.Schema):
    outcome = fields.Str(required=True, validate=validate.OneOf(OUTCOMES))
    credit_amount = MoneyField(
        allow_zero=False, metadata={"description": "required for credit_note; ≤ the disputed"}
    )
    note = fields.Str(allow_none=True, validate=validate.Length(max=2000))


class DisputeFilterSchema(ma.Schema):
    status = fields.Str(validate=validate.OneOf(STATUSES))
    reason_team = fields.Str(validate=validate.OneOf(TEAMS))
    reason = fields.Str(validate=validate.OneOf(REASON_CODES))
    owner_id = fields.Int()
    invoice_id = fields.Int()


class InvoiceRefSchema(ma.Schema):
    id = fields.Int()
    number = fields.Str()
    debtor_id = fields.Int()
    outstanding = MoneyField()
    disputed = MoneyField()


class DisputeSchema(ma.Schema):
    id = fields.Int()
    invoice_id = fields.Int()
    invoice = fields.Nested(InvoiceRefSchema)
    reason = fields.Str()
    reason_team = fields.Str()
    amount = MoneyField()
    description = fields.Str()
    owner_id = fields.Int()
    due_date = fields.Date()
    sla_breached = fields.Function(lambda d: d.sla_breached(today()))
    raised_by_id = fields.Int()
    source = fields.Function(lambda d: d.source.value)
    status = fields.Function(lambda d: d.status.value)
    outcome = fields.Function(lambda d: d.outcome.value if d.outcome else None)
    credit_note_id = fields.Int()
    resolution_note = fields.Str()
    resolved_at = fields.AwareDateTime()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    version = fields.Int(metadata={"description": "send it back with a PATCH (optimistic lock)"})
