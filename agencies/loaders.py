"""Load an agency by id for the public profile routes: any id that is not an agency is 404."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Organization, OrgKind
from core.extensions import db
from core.tenancy import deny


def load_agency(agency_id: int) -> Organization:
    """The agency organisation `agency_id` (profiles are public); a creditor's id is 404 too."""
    org = db.session.scalar(
        select(Organization).where(
            Organization.id == agency_id, Organization.kind == OrgKind.AGENCY
        )
    )
    if org is None:
        deny("organizations", agency_id)
    return org  # type: ignore[return-value]
