"""What each kind of organisation sees first: real figures, no placeholders."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from core import hooks
from core.auth.models import Invitation, Role, User
from core.db import utcnow
from core.extensions import db


def for_user(user: User) -> dict[str, Any]:
    """Dashboard figures for `user`'s organisation (members, invitations, feature panels)."""
    org = user.organization
    members = db.session.execute(
        select(User.role, func.count(User.id))
        .where(User.org_id == org.id, User.active.is_(True))
        .group_by(User.role)
    ).all()
    pending = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.org_id == org.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.expires_at)
        .limit(20)
    ).all()
    return {
        "org": org,
        "members_by_role": {role.value: count for role, count in members},
        "member_count": sum(count for _role, count in members),
        "pending_invitations": pending,
        "panels": [p for p in hooks.collect("dashboard_panels", user) if p],
    }


def nav_items(user: User) -> list[dict[str, str]]:
    """Menu entries for `user`: dashboard, team pages for owners, then features' items."""
    if not user or not user.is_authenticated:
        return []
    items = [{"label": "Dashboard", "url": url_for("web.index"), "endpoint": "web.index"}]
    if user.role in (Role.OWNER, Role.CREDIT):
        items.append({"label": "Team", "url": url_for("auth.members"), "endpoint": "auth.members"})
    items.append({"label": "API tokens", "url": url_for("auth.tokens"), "endpoint": "auth.tokens"})
    for extra in hooks.collect("nav_items", user):
        items.extend(extra or [])
    items.append({"label": "API reference", "url": "/api/docs", "endpoint": "api-docs"})
    return items
