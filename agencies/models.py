"""An agency's public profile and the creditors' reviews of it (SPEC §4 "Agency profile")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantMixin, TimestampMixin, utcnow

#: longest free text kept (characters, after core.text.clean)
DESCRIPTION_MAX = 5000
LICENCE_MAX = 100
WEBSITE_MAX = 300
COMMENT_MAX = 2000


class AgencyProfile(TenantMixin, TimestampMixin, Base):
    """What an agency says about itself; at most one per agency organisation (`org_id`).

    Statistics are not here: they are computed from platform events (agencies.statistics).
    """

    __tablename__ = "agency_profiles"
    __table_args__ = (UniqueConstraint("org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166-1 alpha-2 codes, upper case, sorted, no duplicates (validated by the service)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: codes from agencies.specialties.SPECIALTIES, sorted, no duplicates
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    licence_number: Mapped[str | None] = mapped_column(String(LICENCE_MAX))
    #: plain text (never rendered as HTML), cleaned by core.text.clean
    description: Mapped[str | None] = mapped_column(Text)
    #: an absolute http(s) URL without credentials
    website: Mapped[str | None] = mapped_column(String(WEBSITE_MAX))


class Review(Base):
    """A creditor's 1-5 rating of the agency that worked one of its cases, after close.

    One per case. `case_id` is a plain integer: cases live in marketplace, a higher layer,
    whose table may not exist when this one is created.
    """

    __tablename__ = "agency_reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        UniqueConstraint("case_id"),
        Index("ix_agency_reviews_agency_org_id_created_at", "agency_org_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the agency reviewed
    agency_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    #: the creditor who wrote it; never shown to other users (data minimisation)
    creditor_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: marketplace case id (cases.id), not a foreign key: see the class docstring
    case_id: Mapped[int]
    rating: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
