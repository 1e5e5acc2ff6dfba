"""Agency profile edits and creditor reviews. Flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from agencies.countries import is_country
from agencies.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    LICENCE_MAX,
    WEBSITE_MAX,
    AgencyProfile,
    Review,
)
from agencies.specialties import SPECIALTIES
from core import audit
from core.auth.models import Organization, OrgKind, User
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.text import clean

PROFILE_FIELDS = ("countries", "specialties", "licence_number", "description", "website")


def find_profile(org_id: int) -> AgencyProfile | None:
    """The profile of agency `org_id`, if it has written one."""
    return db.session.scalar(select(AgencyProfile).where(AgencyProfile.org_id == org_id))


def update_profile(agency: Organization, *, actor: User | None, **changes: Any) -> AgencyProfile:
    """Change the fields in `changes` (see PROFILE_FIELDS); the profile is created on first use."""
    if agency.kind is not OrgKind.AGENCY:
        raise ValueError("only agencies have a profile")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            "Unknown fields.", details={name: ["Unknown field."] for name in sorted(unknown)}
        )
    values = _validated(changes)
    profile = find_profile(agency.id) or _create_profile(agency)
    before = {name: getattr(profile, name) for name in values}
    for name, value in values.items():
        setattr(profile, name, value)
    db.session.flush()
    changed = {name for name in values if before[name] != values[name]}
    if changed:
        audit.record(
            "agency_profile.updated",
            actor=actor,
            org=agency,
            object_type="agency_profile",
            object_id=profile.id,
            before={name: before[name] for name in sorted(changed)},
            after={name: values[name] for name in sorted(changed)},
        )
    return profile


def _create_profile(agency: Organization) -> AgencyProfile:
    """A new empty profile; a concurrent first edit that won the race is reused instead."""
    profile = AgencyProfile(org_id=agency.id, countries=[], specialties=[])
    try:
        with db.session.begin_nested():
            db.session.add(profile)
    except IntegrityError:
        existing = find_profile(agency.id)
        if existing is None:
            raise
        return existing
    return profile


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    """Normalised values, or one 422 naming every field that is wrong."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, raw in changes.items():
        try:
            values[name] = _CHECKS[name](raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed("The profile did not validate.", details=errors)
    return values


def _countries(raw: Iterable[str] | None) -> list[str]:
    if isinstance(raw, str):
        raise ValueError('A list of codes, e.g. ["DE", "FR"].')
    codes = {str(code).strip().upper() for code in raw or ()}
    wrong = sorted(code for code in codes if not is_country(code))
    if wrong:
        raise ValueError(f"Not ISO 3166-1 alpha-2 codes: {', '.join(wrong)}.")
    return sorted(codes)


def _specialties(raw: Iterable[str] | None) -> list[str]:
    if isinstance(raw, str):
        raise ValueError("A list of specialty codes.")
    codes = {str(code).strip() for code in raw or ()}
    wrong = sorted(code for code in codes if code not in SPECIALTIES)
    if wrong:
        raise ValueError(f"Unknown specialties: {', '.join(wrong)}.")
    return sorted(codes)


def _text(limit: int) -> Any:
    def check(raw: str | None) -> str | None:
        text = clean(raw)
        if text is not None and len(text) > limit:
            raise ValueError(f"At most {limit} characters.")
        return text

    return check


def _website(raw: str | None) -> str | None:
    url = clean(raw)
    if url is None:
        return None
    if len(url) > WEBSITE_MAX:
        raise ValueError(f"At most {WEBSITE_MAX} characters.")
    parts = urlsplit(url)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or any(ch.isspace() or ord(ch) < 32 or ch in _NOT_IN_URLS for ch in url)
    ):
        raise ValueError("Use an http:// or https:// address, e.g. https://example.com.")
    return url


#: characters RFC 3986 never allows unescaped; quotes and brackets only serve injections
_NOT_IN_URLS = frozenset('<>"`\\{}|^')

_CHECKS = {
    "countries": _countries,
    "specialties": _specialties,
    "licence_number": _text(LICENCE_MAX),
    "description": _text(DESCRIPTION_MAX),
    "website": _website,
}


def add_review(
    agency: Organization,
    *,
    case_id: int,
    rating: int,
    comment: str | None = None,
    actor: User,
) -> Review:
    """Record the creditor's review of `agency` for closed case `case_id` (one per case).

    The caller (the marketplace) has checked that `actor` is the case's creditor, that the
    case is closed and that `agency` worked it. Bad rating or comment: 422; second review
    of the case: 409.
    """
    if agency.kind is not OrgKind.AGENCY or actor.kind is not OrgKind.CREDITOR:
        raise ValueError("a creditor reviews an agency")
    errors: dict[str, list[str]] = {}
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = ["A whole number from 1 to 5."]
    text = clean(comment)
    if text is not None and len(text) > COMMENT_MAX:
        errors["comment"] = [f"At most {COMMENT_MAX} characters."]
    if errors:
        raise ValidationFailed("The review did not validate.", details=errors)
    if db.session.scalar(select(Review.id).where(Review.case_id == case_id)) is not None:
        raise _already_reviewed(case_id)
    review = Review(
        agency_org_id=agency.id,
        creditor_org_id=actor.org_id,
        case_id=case_id,
        rating=rating,
        comment=text,
        author_id=actor.id,
    )
    try:
        with db.session.begin_nested():  # a concurrent review of the same case loses here
            db.session.add(review)
    except IntegrityError:
        raise _already_reviewed(case_id) from None
    audit.record(
        "agency_review.created",
        actor=actor,
        object_type="agency_review",
        object_id=review.id,
        after={"agency_org_id": agency.id, "case_id": case_id, "rating": rating},
    )
    return review


def _already_reviewed(case_id: int) -> Conflict:
    return Conflict(
        "This case has been reviewed already.",
        code="already_reviewed",
        details={"case_id": case_id},
    )
