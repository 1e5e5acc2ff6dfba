"""Who may see and act on disputes: role gates plus pure object predicates.

Creditor owner and credit: everything. Sales: disputes on their debtors and disputes they
own (all, when the organisation lets sales see everything). Viewer: read. Agencies: not yet.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, true

from core.auth.models import OrgKind, Role, User
from disputes.models import Dispute
from ledger.models import Debtor
from ledger.permissions import can_see_debtor, sees_only_own_debtors

READERS = (Role.OWNER, Role.CREDIT, Role.SALES, Role.VIEWER)
#: roles that open disputes and change them (sales within what they see)
WRITERS = (Role.OWNER, Role.CREDIT, Role.SALES)
MANAGERS = (Role.OWNER, Role.CREDIT)


def visible_disputes(user: User) -> ColumnElement[Any]:
    """SQL condition on Dispute joined to Debtor (tenant filter not included)."""
    if sees_only_own_debtors(user):
        return or_(Debtor.sales_rep_id == user.id, Dispute.owner_id == user.id)
    return true()


def can_see(user: User, dispute: Dispute) -> bool:
    if user.kind is not OrgKind.CREDITOR or user.org_id != dispute.org_id:
        return False
    return dispute.owner_id == user.id or can_see_debtor(user, dispute.invoice.debtor)


def can_edit(user: User, dispute: Dispute) -> bool:
    """Change owner, SLA date or description: managers, and sales on disputes they see."""
    return user.role in WRITERS and can_see(user, dispute)


def can_act(user: User, dispute: Dispute) -> bool:
    """Move or resolve: owner, credit, and the dispute's own owner."""
    if not can_see(user, dispute):
        return False
    return user.role in MANAGERS or (user.role is Role.SALES and dispute.owner_id == user.id)
