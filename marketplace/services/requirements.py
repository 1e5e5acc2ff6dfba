"""A case's required countries and specialties (SPEC §4 listing terms): who may bid or take.

An agency qualifies only when its profile covers every required country and every
required specialty (all, not any: the creditor *requires* them). An agency without a
profile covers nothing. Not qualifying is a 403 `requirements_not_met` whose `details`
name what is missing: the request is well formed, the agency is not eligible.
"""

from __future__ import annotations

from sqlalchemy import select

from agencies.models import AgencyProfile
from core.errors import DomainError
from core.extensions import db
from marketplace.models import Case


class RequirementsNotMet(DomainError):
    """The agency's profile does not cover the case's required countries/specialties."""

    status = 403
    code = "requirements_not_met"


def missing_for(case: Case, agency_id: int) -> dict[str, list[str]]:
    """What the agency's profile lacks: {"countries": [...], "specialties": [...]}, or {}."""
    countries, specialties = set(case.required_countries), set(case.required_specialties)
    if not countries and not specialties:
        return {}
    row = db.session.execute(
        select(AgencyProfile.countries, AgencyProfile.specialties).where(
            AgencyProfile.org_id == agency_id
        )
    ).one_or_none()
    has_countries, has_specialties = (
        (set(row[0] or []), set(row[1] or [])) if row else (set(), set())
    )
    missing = {
        "countries": sorted(countries - has_countries),
        "specialties": sorted(specialties - has_specialties),
    }
    return {key: codes for key, codes in missing.items() if codes}


def check_qualifies(case: Case, agency_id: int) -> None:
    """403 unless the agency covers every required country and specialty of the case."""
    missing = missing_for(case, agency_id)
    if missing:
        named = "; ".join(f"{key}: {', '.join(codes)}" for key, codes in missing.items())
        raise RequirementsNotMet(
            f"Your agency profile does not cover this case's requirements ({named}).",
            details={f"missing_{key}": codes for key, codes in missing.items()},
        )
