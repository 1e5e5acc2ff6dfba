"""Organisations, users, invitations and API tokens (SPEC §1)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, MinorUnits, TenantMixin, TimestampMixin, utcnow, value_enum
from core.money import Money


class OrgKind(enum.StrEnum):
    CREDITOR = "creditor"
    AGENCY = "agency"


class Role(enum.StrEnum):
    OWNER = "owner"  # both kinds
    CREDIT = "credit"  # creditor: collections staff
    SALES = "sales"  # creditor: sales rep, own debtors only
    VIEWER = "viewer"  # creditor: read-only
    COLLECTOR = "collector"  # agency: works awarded cases


#: which roles exist in which kind of organisation
ROLES_BY_KIND: dict[OrgKind, tuple[Role, ...]] = {
    OrgKind.CREDITOR: (Role.OWNER, Role.CREDIT, Role.SALES, Role.VIEWER),
    OrgKind.AGENCY: (Role.OWNER, Role.COLLECTOR),
}


class Organization(TimestampMixin, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(
            "target_dso_days IS NULL OR target_dso_days BETWEEN 1 AND 365", name="target_dso_range"
        ),
        CheckConstraint("expense_approval_threshold_minor >= 0", name="threshold_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrgKind] = mapped_column(value_enum(OrgKind, "org_kind"))
    #: ISO 4217 code used for organisation-level amounts (thresholds, reports' default)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    #: creditor setting: the DSO the credit manager aims for
    target_dso_days: Mapped[int | None]
    #: creditor setting: sales reps see every debtor, not only their own
    sales_see_all: Mapped[bool] = mapped_column(default=False)
    #: agency expenses above this (minor units of `currency`) need the creditor's approval
    expense_approval_threshold_minor: Mapped[MinorUnits] = mapped_column(default=0)

    users: Mapped[list[User]] = relationship(back_populates="organization", lazy="raise")

    @property
    def expense_approval_threshold(self) -> Money:
        return Money(self.expense_approval_threshold_minor, self.currency)


class User(UserMixin, TenantMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; unique across the platform (a user belongs to one organisation)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    #: bumped on logout, password change and deactivation: every older session dies
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="users", lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """Flask-Login's alternative id: a session is valid for one session_version only."""
        return f"{self.id}:{self.session_version}"

    @property
    def kind(self) -> OrgKind:
        return self.organization.kind


class Invitation(TenantMixin, Base):
    """A single-use, expiring link that lets someone join an organisation with a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[Role] = mapped_column(value_enum(Role, "invitation_role"))
    #: SHA-256 of the secret in the link; the secret itself is only ever e-mailed
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= utcnow() else "pending"


class ApiToken(TenantMixin, Base):
    """A bearer token for one user; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    #: first characters of the secret, to recognise a token in the list
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")
