"""The creditor's review of the agency that worked a closed case (SPEC §4). Flush only."""

from __future__ import annotations

from agencies import services as agencies
from agencies.models import Review
from core.auth.models import Organization, User
from core.errors import Conflict
from core.extensions import db
from marketplace.models import Case
from marketplace.states import CaseStatus


def review_case(case: Case, *, actor: User, rating: int, comment: str | None = None) -> Review:
    """One review per closed, awarded case; 409 before close or the second time.

    The caller checked that `actor` manages the case (creditor owner or credit).
    """
    if case.status is not CaseStatus.CLOSED:
        raise Conflict(
            "A case can be reviewed once it is closed.",
            code="not_closed",
            details={"status": case.status.value},
        )
    if case.awarded_agency_org_id is None:
        raise Conflict("No agency worked this case.", code="not_awarded")
    agency = db.session.get(Organization, case.awarded_agency_org_id)
    return agencies.add_review(agency, case_id=case.id, rating=rating, comment=comment, actor=actor)
