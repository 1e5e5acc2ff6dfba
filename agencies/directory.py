"""Reading agencies for the directory and the profile page: constant statements per page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, func, select

from agencies.models import AgencyProfile, Review
from agencies.statistics import AgencyStatistics, statistics_for
from core.auth.models import Organization, OrgKind
from core.extensions import db

RECENT_REVIEWS = 10


@dataclass(frozen=True)
class AgencyEntry:
    """One agency as the directory and its profile show it: organisation, profile, figures."""

    organization: Organization
    profile: AgencyProfile | None
    statistics: AgencyStatistics
    #: filled in for the profile page and GET /agencies/{id} only
    recent_reviews: list[Review] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.organization.id

    @property
    def name(self) -> str:
        return self.organization.name

    def _profile(self, name: str, empty: Any = None) -> Any:
        return getattr(self.profile, name) if self.profile is not None else empty

    @property
    def countries(self) -> list[str]:
        return list(self._profile("countries", []) or [])

    @property
    def specialties(self) -> list[str]:
        return list(self._profile("specialties", []) or [])

    @property
    def licence_number(self) -> str | None:
        return self._profile("licence_number")

    @property
    def description(self) -> str | None:
        return self._profile("description")

    @property
    def website(self) -> str | None:
        """The stored address, and only if it is http(s) (pages link to it)."""
        url = self._profile("website")
        return url if url and url.lower().startswith(("http://", "https://")) else None

    @property
    def updated_at(self) -> Any:
        return self._profile("updated_at")


def _listed(column: Any, code: str) -> ColumnElement[bool]:
    """`code` is in the JSON list `column`, on SQLite and PostgreSQL alike.

    The lists hold validated codes only ([A-Z]{2} or [a-z_]+), serialised as '["DE", "FR"]',
    so the quoted code matches one whole element; autoescape keeps `_` literal.
    """
    return cast(column, Text).contains(f'"{code}"', autoescape=True)


def directory_query(
    *, country: str | None = None, specialty: str | None = None, q: str | None = None
) -> Select[Any]:
    """Agencies with their profile (None if never written), by name; filters are validated codes."""
    query = (
        select(Organization, AgencyProfile)
        .outerjoin(AgencyProfile, AgencyProfile.org_id == Organization.id)
        .where(Organization.kind == OrgKind.AGENCY)
    )
    if country:
        query = query.where(_listed(AgencyProfile.countries, country))
    if specialty:
        query = query.where(_listed(AgencyProfile.specialties, specialty))
    if q:
        query = query.where(Organization.name.icontains(q, autoescape=True))
    return query.order_by(Organization.name, Organization.id)


def directory_page(page: int, page_size: int, **filters: Any) -> dict[str, Any]:
    """One page of `{items: [AgencyEntry], page, page_size, total}`: 3 statements + providers."""
    query = directory_query(**filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    stats = statistics_for([org.id for org, _profile in rows])
    items = [AgencyEntry(org, profile, stats[org.id]) for org, profile in rows]
    return {"items": items, "page": page, "page_size": page_size, "total": total or 0}


def agency_entry(agency: Organization, *, reviews: bool = True) -> AgencyEntry:
    """One (already loaded) agency with its profile, statistics and latest reviews."""
    profile = db.session.scalar(select(AgencyProfile).where(AgencyProfile.org_id == agency.id))
    stats = statistics_for([agency.id])[agency.id]
    return AgencyEntry(agency, profile, stats, recent_reviews(agency.id) if reviews else [])


def recent_reviews(agency_id: int, limit: int = RECENT_REVIEWS) -> list[Review]:
    """The agency's latest reviews, newest first."""
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.agency_org_id == agency_id)
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(limit)
        )
    )
