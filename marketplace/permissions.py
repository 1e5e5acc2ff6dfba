"""Who may see and act on cases, listings and bids: role tuples and pure predicates.

Creditor: owner and credit run the marketplace (create, publish, withdraw, accept);
viewer reads; sales read the cases of the debtors they see but cannot list cases or
accept bids (SPEC §1). Agency: owner bids, withdraws and takes; owner and collector
read listings and the cases awarded to their agency (while awarded or active).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from core.auth.models import OrgKind, Role, User
from ledger.models import Debtor
from ledger.permissions import can_see_debtor, sees_only_own_debtors
from marketplace.models import Case
from marketplace.states import AWARDED_STATES

CREDITOR_READERS = (Role.OWNER, Role.CREDIT, Role.SALES, Role.VIEWER)
MANAGERS = (Role.OWNER, Role.CREDIT)
AGENCY_READERS = (Role.OWNER, Role.COLLECTOR)
BIDDERS = (Role.OWNER,)


def visible_cases(user: User) -> ColumnElement[Any]:
    """SQL condition on Case joined to Debtor for a creditor user (tenant filter apart)."""
    if sees_only_own_debtors(user):
        return Debtor.sales_rep_id == user.id
    return true()


def creditor_sees(user: User, case: Case) -> bool:
    return (
        user.kind is OrgKind.CREDITOR
        and case.org_id == user.org_id
        and can_see_debtor(user, case.debtor)
    )


def agency_works_on(user: User, case: Case) -> bool:
    """The awarded agency, while the case is awarded or active (not after it closes)."""
    return (
        user.kind is OrgKind.AGENCY
        and case.awarded_agency_org_id == user.org_id
        and case.status in AWARDED_STATES
    )


def can_see_case(user: User, case: Case) -> bool:
    return creditor_sees(user, case) or agency_works_on(user, case)


def can_manage(user: User, case: Case) -> bool:
    """Edit, publish, withdraw, accept bids: the creditor's owner and credit users."""
    return creditor_sees(user, case) and user.role in MANAGERS
