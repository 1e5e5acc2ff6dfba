"""A creditor's workspace settings: its allocation order and its expense approval threshold.

The allocation order lives in `marketplace_settings` (default: allocation.DEFAULT_ORDER
until the creditor saves one). The approval threshold is the organisation's
`expense_approval_threshold` (API.md `/api/v1/organization`), kept in the organisation's
currency: nothing converts currencies, so in a case of another currency every agency
expense waits for approval.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from core import audit
from core.auth.models import Organization, User
from core.extensions import db
from marketplace.workspace import allocation
from marketplace.workspace.models import MarketplaceSettings


def allocation_order(org_id: int) -> tuple[str, ...]:
    """The creditor's bucket order for recoveries (the default until it saves one)."""
    saved = db.session.scalar(
        select(MarketplaceSettings.allocation_order).where(MarketplaceSettings.org_id == org_id)
    )
    return tuple(saved) if saved else allocation.DEFAULT_ORDER


def set_allocation_order(org: Organization, order: Sequence[str], *, actor: User | None) -> None:
    """Save the creditor's order (422 unless it names every bucket once)."""
    checked = list(allocation.check_order(order))
    row = db.session.scalar(select(MarketplaceSettings).where(MarketplaceSettings.org_id == org.id))
    before = list(row.allocation_order) if row else list(allocation.DEFAULT_ORDER)
    if row is None:
        row = MarketplaceSettings(org_id=org.id, allocation_order=checked)
        db.session.add(row)
    else:
        row.allocation_order = checked
    db.session.flush()
    audit.record(
        "marketplace_settings.updated",
        actor=actor,
        org=org,
        object_type="marketplace_settings",
        object_id=org.id,
        before={"allocation_order": before},
        after={"allocation_order": checked},
    )


def approval_threshold_minor(creditor: Organization, currency: str) -> int:
    """Agency expenses above this (minor units of `currency`) wait for approval.

    0 (every expense waits) when the creditor's threshold is in another currency.
    """
    if creditor.currency != currency:
        return 0
    return creditor.expense_approval_threshold_minor
