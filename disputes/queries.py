"""The one dispute query behind the API list and the pages: tenant, visibility, filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from core.auth.models import User
from disputes import permissions
from disputes.models import Dispute
from disputes.states import DisputeStatus
from ledger.models import Debtor, Invoice


def sla_breached(now: date) -> ColumnElement[bool]:
    """Not resolved and past its SLA due date."""
    return (Dispute.status != DisputeStatus.RESOLVED) & (Dispute.due_date < now)


def filtered_disputes(user: User, filters: dict[str, Any], now: date) -> Select[Any]:
    """Disputes of `user`'s organisation that `user` may see, filtered; the caller orders.

    `filters`: status, reason_team, reason ("<team>.<code>"), owner_id, invoice_id, debtor_id,
    sla_breached (True/False); absent keys do not filter.
    """
    query = (
        select(Dispute)
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .join(Debtor, Debtor.id == Invoice.debtor_id)
        .where(Dispute.org_id == user.org_id, permissions.visible_disputes(user))
    )
    if "status" in filters:
        query = query.where(Dispute.status == DisputeStatus(filters["status"]))
    if "reason_team" in filters:
        query = query.where(Dispute.reason_team == filters["reason_team"])
    if "reason" in filters:
        team, code = filters["reason"].split(".", 1)
        query = query.where(Dispute.reason_team == team, Dispute.reason_code == code)
    if "owner_id" in filters:
        query = query.where(Dispute.owner_id == filters["owner_id"])
    if "invoice_id" in filters:
        query = query.where(Dispute.invoice_id == filters["invoice_id"])
    if "debtor_id" in filters:
        query = query.where(Invoice.debtor_id == filters["debtor_id"])
    if "sla_breached" in filters:
        breached = sla_breached(now)
        if filters["sla_breached"]:
            query = query.where(breached)
        else:
            query = query.where(
                or_(
                    Dispute.status == DisputeStatus.RESOLVED,
                    Dispute.due_date.is_(None),
                    Dispute.due_date >= now,
                )
            )
    return query
