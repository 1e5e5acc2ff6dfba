"""The workspace's gate: a case of which the caller is a party, then the role check.

Not a party (another tenant, a losing bidder, an agency before award or after close):
404, audited. A party whose role may not do this: 403, audited.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_login import current_user

from core import audit
from core.auth.models import Organization, OrgKind, User
from core.extensions import db
from core.tenancy import deny
from marketplace.loaders import load_case
from marketplace.models import Case
from marketplace.permissions import can_see_case
from marketplace.workspace.models import CaseCost


def load_case_for(check: Callable[[User, Case], bool], case_id: int) -> Case:
    """The case if the caller is a party (else 404) allowed by `check` (else 403)."""
    case = load_case(case_id)
    if not check(current_user, case):
        deny("cases", case_id, status=403)
    return case


def load_cost(cost_id: int) -> CaseCost:
    """A cost on a case the caller is a party to."""
    cost = db.session.get(CaseCost, cost_id)
    case = db.session.get(Case, cost.case_id) if cost is not None else None
    if cost is None or case is None or not can_see_case(current_user, case):
        deny("case_costs", cost_id)
    return cost


def log_agency_view(case: Case, section: str) -> bool:
    """Every look at a case file by an agency is logged for the creditor (SPEC §4).

    True when a row was added (the caller commits it).
    """
    if current_user.kind is not OrgKind.AGENCY:
        return False
    audit.record(
        "case.viewed",
        actor=current_user,
        org=db.session.get(Organization, case.org_id),
        object_type="case",
        object_id=case.id,
        details={"section": section},
    )
    return True
