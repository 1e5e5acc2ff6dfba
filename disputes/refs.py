"""What the ledger shows of an invoice's disputes (registered as the `invoice_disputes` hook)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.extensions import db
from disputes.models import Dispute


def dispute_refs(invoice_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Summaries of the disputes on `invoice_ids`, oldest first, in one query."""
    if not invoice_ids:
        return {}
    refs: dict[int, list[dict[str, Any]]] = {}
    rows = db.session.scalars(
        select(Dispute).where(Dispute.invoice_id.in_(invoice_ids)).order_by(Dispute.id)
    )
    for dispute in rows:
        refs.setdefault(dispute.invoice_id, []).append(
            {
                "id": dispute.id,
                "status": dispute.status.value,
                "reason": dispute.reason,
                "reason_team": dispute.reason_team,
                "amount": dispute.amount.to_dict(),
            }
        )
    return refs
