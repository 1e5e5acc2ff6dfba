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


# -- promises, payment plans, timeline, access log ----------------------------------------------


class PromiseCreateSchema(ma.Schema):
    amount = MoneyField(required=True, allow_zero=False)
    due_on = fields.Date(required=True, metadata={"description": "today or later"})
    note = fields.Str(allow_none=True, validate=validate.Length(max=20_000))


class PromiseSchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    amount = MoneyField()
    made_on = fields.Date(metadata={"description": "recoveries from this day on count"})
    due_on = fields.Date()
    note = fields.Str(allow_none=True, metadata={"description": "plain text, as typed"})
    status = fields.Function(
        lambda obj: obj.state.value, metadata={"description": "open, kept, broken, expired"}
    )
    covered = MoneyField(metadata={"description": "recovered between made_on and due_on"})
    settled_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.Nested(PersonSchema, allow_none=True)
    created_by_org_id = fields.Int(allow_none=True)
    created_at = fields.AwareDateTime()


class InstalmentInSchema(ma.Schema):
    due_on = fields.Date(required=True)
    amount = MoneyField(required=True, allow_zero=False)


class PaymentPlanCreateSchema(ma.Schema):
    instalments = fields.List(
        fields.Nested(InstalmentInSchema),
        required=True,
        metadata={
            "description": "dates strictly increasing, none in the past; the total at most "
            "what the case still owes"
        },
    )
    note = fields.Str(allow_none=True, validate=validate.Length(max=20_000))


class InstalmentSchema(ma.Schema):
    id = fields.Int()
    due_on = fields.Date()
    amount = MoneyField()
    paid = MoneyField(metadata={"description": "recoveries applied to it, in date order"})
    status = fields.Str(metadata={"description": "paid, partly_paid, due, overdue"})


class PaymentPlanSchema(ma.Schema):
    id = fields.Int()
    case_id = fields.Int()
    total = MoneyField()
    received = MoneyField(metadata={"description": "recoveries received since agreed_on"})
    agreed_on = fields.Date()
    note = fields.Str(allow_none=True)
    replaced_at = fields.AwareDateTime(allow_none=True)
    instalments = fields.List(fields.Nested(InstalmentSchema), attribute="schedule")
    created_by = fields.Nested(PersonSchema, allow_none=True)
    created_by_org_id = fields.Int(allow_none=True)
    created_at = fields.AwareDateTime()


class PaymentPlansSchema(ma.Schema):
    current = fields.Nested(PaymentPlanSchema, allow_none=True)
    history = fields.List(
        fields.Nested(PaymentPlanSchema), metadata={"description": "replaced plans, newest first"}
    )


class OrgRefSchema(ma.Schema):
    id = fields.Int()
    name = fields.Str()


class TimelineActorSchema(ma.Schema):
    id = fields.Int(allow_none=True)
    name = fields.Str(allow_none=True)
    org = fields.Nested(OrgRefSchema, allow_none=True)


class TimelineRefSchema(ma.Schema):
    type = fields.Str()
    id = fields.Int()


class TimelineItemSchema(ma.Schema):
    at = fields.AwareDateTime()
    kind = fields.Str()
    actor = fields.Nested(TimelineActorSchema, allow_none=True)
    summary = fields.Str(metadata={"description": "plain text, never HTML"})
    ref = fields.Nested(TimelineRefSchema)
    visibility = fields.Str(metadata={"description": "comments only: shared or internal"})


class AccessOrgSchema(OrgRefSchema):
    kind = fields.Str()


class AccessLogItemSchema(ma.Schema):
    at = fields.AwareDateTime()
    action = fields.Str(metadata={"description": "viewed or claim_package_exported"})
    section = fields.Str(allow_none=True, metadata={"description": "what was read"})
    user = fields.Nested(PersonSchema, allow_none=True)
    organisation = fields.Nested(AccessOrgSchema, allow_none=True)
