"""Who may do what in a case workspace: pure predicates on top of marketplace.permissions.

Parties of a case (marketplace.permissions.can_see_case): its creditor's users (sales
only for debtors they see) and, while the case is awarded or active, the awarded
agency's users. Everybody else gets a 404 from the loaders before these are asked.
"""

from __future__ import annotations

from core.auth.models import OrgKind, Role, User
from marketplace.models import Case
from marketplace.permissions import AGENCY_READERS, agency_works_on, can_manage, creditor_sees

#: creditor roles that write in the shared thread (viewers read)
CREDITOR_COMMENTERS = (Role.OWNER, Role.CREDIT, Role.SALES)
#: agency roles that work an awarded case: comments, activities, recoveries, costs
AGENCY_WORKERS = AGENCY_READERS


def works_on(user: User, case: Case) -> bool:
    """A user of the awarded agency with a working role, while the case runs."""
    return agency_works_on(user, case) and user.role in AGENCY_WORKERS


def can_comment(user: User, case: Case) -> bool:
    if user.kind is OrgKind.AGENCY:
        return works_on(user, case)
    return creditor_sees(user, case) and user.role in CREDITOR_COMMENTERS


def can_log_activity(user: User, case: Case) -> bool:
    """Activities are the agency's work log."""
    return works_on(user, case)


def can_record_recovery(user: User, case: Case) -> bool:
    """The agency, or the creditor's owner/credit for a payment the debtor made directly."""
    return works_on(user, case) or can_manage(user, case)


def can_add_cost(user: User, case: Case) -> bool:
    return works_on(user, case) or can_manage(user, case)


def can_decide_cost(user: User, case: Case) -> bool:
    """Approve or reject an expense: the creditor's owner and credit users."""
    return can_manage(user, case)
