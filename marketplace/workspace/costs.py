"""Costs on a case: fees and expenses posted by the parties, and the creditor's approval.

An agency's expense above the creditor's approval threshold, and any fee an agency
bills, start `pending` until the creditor's owner or credit user approves or rejects
them; everything else counts at once. Success fees are written by recoveries.py.
Flush, never commit.
"""

from __future__ import annotations

from sqlalchemy import update

from core.auth.models import Organization, OrgKind, User
from core.db import utcnow
from core.errors import IllegalTransition, ValidationFailed
from core.extensions import db
from core.jobs import enqueue_after_commit
from core.money import Money
from marketplace.models import Case
from marketplace.services.events import record
from marketplace.workspace import notifications, settings
from marketplace.workspace.comments import add_case_comment
from marketplace.workspace.models import CaseCost, CostBearer, CostKind, CostStatus
from marketplace.workspace.work import clean_text, require_running

#: what the parties post; success fees, platform fees and credit notes are computed
POSTABLE = (CostKind.EXPENSE, CostKind.FEE)
MAX_DESCRIPTION = 500


def add_cost(
    case: Case,
    *,
    actor: User,
    kind: str,
    amount: Money,
    description: str,
    borne_by: str,
    recoverable: bool | None = None,
    receipt_attachment_id: int | None = None,
) -> CaseCost:
    """Post a fee or an expense; `recoverable` defaults to whether the debtor bears it."""
    require_running(case)
    cost_kind, bearer = CostKind(kind), CostBearer(borne_by)
    recoverable = bearer is CostBearer.DEBTOR if recoverable is None else recoverable
    _check(case, cost_kind, amount, bearer, recoverable)
    text = clean_text(description, field="description", limit=MAX_DESCRIPTION)
    cost = CaseCost(
        org_id=case.org_id,
        case_id=case.id,
        kind=cost_kind,
        currency=case.currency,
        amount_minor=amount.minor,
        description=text,
        borne_by=bearer,
        recoverable=recoverable,
        status=_initial_status(case, actor, cost_kind, amount),
        author_id=actor.id,
        author_org_id=actor.org_id,
    )
    db.session.add(cost)
    db.session.flush()
    if receipt_attachment_id is not None:
        _attach_receipt(case, cost, actor, receipt_attachment_id)
    record(
        case,
        "cost_added",
        actor=actor,
        from_status=None,
        details={
            "cost_id": cost.id,
            "kind": cost.kind.value,
            "amount": cost.amount.to_dict(),
            "status": cost.status.value,
        },
    )
    if cost.status is CostStatus.PENDING:
        enqueue_after_commit(notifications.notify_cost, cost.id, "pending")
    return cost


def _check(
    case: Case, kind: CostKind, amount: Money, bearer: CostBearer, recoverable: bool
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in POSTABLE:
        errors["kind"] = ["Post an expense or a fee; success fees appear by themselves."]
    if amount.currency != case.currency:
        errors["amount"] = [f"The case is in {case.currency}; nothing converts currencies."]
    elif amount.minor <= 0:
        errors["amount"] = ["Must be greater than zero."]
    if kind is CostKind.FEE and bearer is CostBearer.AGENCY:
        errors["borne_by"] = ["An agency does not bear its own fee."]
    if bearer is CostBearer.DEBTOR and not recoverable:
        errors["recoverable"] = ["A cost the debtor bears is recoverable from the debtor."]
    if errors:
        raise ValidationFailed("The cost is not valid.", details=errors)


def _initial_status(case: Case, actor: User, kind: CostKind, amount: Money) -> CostStatus:
    """The creditor's own entries count at once; the agency's wait when they must."""
    if actor.kind is not OrgKind.AGENCY:
        return CostStatus.APPROVED
    if kind is CostKind.FEE:
        return CostStatus.PENDING
    creditor = db.session.get(Organization, case.org_id)
    assert creditor is not None
    threshold = settings.approval_threshold_minor(creditor, case.currency)
    return CostStatus.PENDING if amount.minor > threshold else CostStatus.APPROVED


def _attach_receipt(case: Case, cost: CaseCost, actor: User, attachment_id: int) -> None:
    """Attach the receipt to a workspace comment, so the parties who see it can download it.

    An agency's receipt is shared (the creditor approves on it); a creditor's stays internal.
    """
    visibility = "shared" if actor.kind is OrgKind.AGENCY else "internal"
    try:
        add_case_comment(
            case,
            actor=actor,
            body=f"Receipt for {cost.kind.value} #{cost.id}: {cost.description} ({cost.amount})",
            visibility=visibility,
            attachment_ids=[attachment_id],
        )
    except ValidationFailed as exc:
        if "attachment_ids" not in exc.details:
            raise
        raise ValidationFailed(
            "Unknown receipt.",
            details={"receipt_attachment_id": ["Attach only your own new upload."]},
        ) from None
    cost.receipt_attachment_id = attachment_id
    db.session.flush()


def decide_cost(cost: CaseCost, *, actor: User, approve: bool) -> CaseCost:
    """Approve or reject a pending cost; anything but a pending cost is a 409."""
    target = CostStatus.APPROVED if approve else CostStatus.REJECTED
    # conditional: two managers deciding at once cannot both win
    moved = db.session.execute(
        update(CaseCost)
        .where(CaseCost.id == cost.id, CaseCost.status == CostStatus.PENDING)
        .values(status=target, decided_by_id=actor.id, decided_at=utcnow(), updated_at=utcnow()),
        execution_options={"synchronize_session": "evaluate"},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(cost)
        raise IllegalTransition(cost.status.value, target.value, allowed=[])
    db.session.refresh(cost)  # who decided, as the response shows it
    case = db.session.get(Case, cost.case_id)
    assert case is not None
    record(
        case,
        f"cost_{target.value}",
        actor=actor,
        from_status=None,
        details={"cost_id": cost.id, "amount": cost.amount.to_dict()},
    )
    enqueue_after_commit(notifications.notify_cost, cost.id, target.value)
    return cost
