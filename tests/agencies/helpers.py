"""Agency test helpers: profiles and reviews written through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from agencies import services
from agencies.models import AgencyProfile, Review
from core.auth.models import Organization, User
from core.extensions import db

#: case ids for reviews (cases are the marketplace's; reviews keep a plain integer)
_case_ids = itertools.count(900_001)


def make_profile(agency: Organization, **fields: Any) -> AgencyProfile:
    fields.setdefault("countries", ["DE"])
    fields.setdefault("specialties", ["b2b_commercial"])
    profile = services.update_profile(agency, actor=None, **fields)
    db.session.commit()
    return profile


def make_review(
    agency: Organization, author: User, rating: int = 4, comment: str | None = None
) -> Review:
    review = services.add_review(
        agency, case_id=next(_case_ids), rating=rating, comment=comment, actor=author
    )
    db.session.commit()
    return review


def next_case_id() -> int:
    return next(_case_ids)
