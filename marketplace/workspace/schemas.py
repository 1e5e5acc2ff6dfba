"""Workspace API schemas: whitelisted input (unknown fields: 422) and one output per row.

Notes and descriptions go out as the raw text that was stored: escaping is the job of
whatever renders them (QUALITY T18), never of the JSON.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.money import MoneyField
from disputes.threads.schemas import PersonSchema
from marketplace.workspace.allocation import BUCKETS
from marketplace.workspace.models import ActivityKind, CostBearer, CostKind

ACTIVITY_KINDS = [k.value for k in ActivityKind]
POSTED_COST_KINDS = [CostKind.EXPENSE.value, CostKind.FEE.value]
BEARERS = [b.value for b in CostBearer]
#: printable ASCII, as clients generate keys (UUIDs, "form-123:2")
IDEMPOTENCY_KEY = validate.Regexp(r"^[\x21-\x7e]{1,100}$", error="1-100 printable characters.")


def _enum(attr: str) -> fields.Function:
    return fields.Function(lambda obj: getattr(obj, attr).value)


# -- activities --------------------------------------------------------------------------------


class ActivityCreateSchema(ma.Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    occurred_on = fields.Date(required=True, metadata={"description": "not in the future"})
    note = fields.Str(required=True, validate=validate.Length(min=1, max=20_000))


class ActivitySchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    agency_org_id = fields.Int()
    kind = _enum("kind")
    occurred_on = fields.Date()
    note = fields.Str(metadata={"description": "plain text, as typed"})
    author = fields.Nested(PersonSchema, allow_none=True)
    created_at = fields.AwareDateTime()


# -- recoveries --------------------------------------------------------------------------------


class RecoveryCreateSchema(ma.Schema):
    amount = MoneyField(required=True, allow_zero=False)
    received_on = fields.Date(required=True, metadata={"description": "not in the future"})
    note = fields.Str(allow_none=True, validate=validate.Length(max=20_000))
    idempotency_key = fields.Str(
        validate=IDEMPOTENCY_KEY,
        metadata={
            "description": "resubmitting with the same key returns the first recovery "
            "(the Idempotency-Key header works too)"
        },
    )


class RecoverySplitSchema(ma.Schema):
    legal_costs = MoneyField()
    statutory_interest = MoneyField()
    compensation = MoneyField()
    principal = MoneyField()


class RecoveryAllocationSchema(ma.Schema):
    invoice_id = fields.Int()
    invoice_number = fields.Str(attribute="invoice.number")
    amount = MoneyField()
    payment_id = fields.Int()


class RecoverySchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    amount = MoneyField()
    received_on = fields.Date()
    note = fields.Str(allow_none=True)
    source = _enum("source")
    idempotency_key = fields.Str(allow_none=True)
    split = fields.Nested(
        RecoverySplitSchema, metadata={"description": "what it repaid, in allocation order"}
    )
    agency_fee = MoneyField(metadata={"description": "the success fee taken on it"})
    creditor_share = MoneyField(metadata={"description": "amount - agency_fee"})
    allocations = fields.List(fields.Nested(RecoveryAllocationSchema))
    recorded_by = fields.Nested(PersonSchema, allow_none=True)
    created_at = fields.AwareDateTime()


# -- costs -------------------------------------------------------------------------------------


class CostCreateSchema(ma.Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(POSTED_COST_KINDS))
    amount = MoneyField(required=True, allow_zero=False)
    description = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    borne_by = fields.Str(required=True, validate=validate.OneOf(BEARERS))
    recoverable = fields.Bool(
        allow_none=True,
        metadata={"description": "claimed back from the debtor; default: borne_by == debtor"},
    )
    receipt_attachment_id = fields.Int(
        strict=True, allow_none=True, metadata={"description": "your own new upload"}
    )


class CostSchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    kind = _enum("kind")
    amount = MoneyField()
    description = fields.Str(metadata={"description": "plain text, as typed"})
    borne_by = _enum("borne_by")
    recoverable = fields.Bool()
    status = _enum("status")
    receipt_attachment_id = fields.Int(allow_none=True)
    recovery_id = fields.Int(allow_none=True)
    author = fields.Nested(PersonSchema, allow_none=True)
    author_org_id = fields.Int(allow_none=True)
    decided_by = fields.Nested(PersonSchema, allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


# -- summary and settings ----------------------------------------------------------------------


class WorkspaceSummarySchema(ma.Schema):
    claimed = MoneyField()
    recovered = MoneyField()
    costs = MoneyField(
        metadata={"description": "approved costs borne by the creditor or the debtor"}
    )
    net_recovery = MoneyField(metadata={"description": "recovered - costs"})
    success_fees = MoneyField()
    pending_costs = MoneyField()
    outstanding = MoneyField(metadata={"description": "what the case's invoices still owe"})


class WorkspaceSettingsSchema(ma.Schema):
    allocation_order = fields.List(
        fields.Str(validate=validate.OneOf(BUCKETS)),
        required=True,
        metadata={"description": "every bucket once; a recovery repays them in this order"},
    )
