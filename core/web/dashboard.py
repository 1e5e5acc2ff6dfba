"""What each kind of organisation sees first: real figures, no placeholders."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from core import hooks
from core.auth.models import ROLES_BY_KIND, Invitation, OrgKind, Role, User
from core.auth.permissions import can_manage_members, can_see_members
from core.db import utcnow
from core.extensions import db

#: one line on each role's dashboard saying what it may do (SPEC §1)
ROLE_HELP = {
    (OrgKind.CREDITOR, Role.OWNER): "everything, including users, settings and billing",
    (OrgKind.CREDITOR, Role.CREDIT): "ledger, disputes, cases and bids",
    (OrgKind.CREDITOR, Role.SALES): "your debtors and the disputes assigned to you",
    (OrgKind.CREDITOR, Role.VIEWER): "read-only access",
    (OrgKind.AGENCY, Role.OWNER): "agency profile, bids, team and payouts",
    (OrgKind.AGENCY, Role.COLLECTOR): "works the cases awarded to your agency",
}


def for_user(user: User) -> dict[str, Any]:
    """Dashboard figures for `user`'s organisation (members, invitations, feature panels)."""
    org = user.organization
    counted: dict[Role, int] = {}
    deactivated = 0
    rows = db.session.execute(
        select(User.role, User.active, func.count(User.id))
        .where(User.org_id == org.id)
        .group_by(User.role, User.active)
    )
    for role, active, count in rows:
        if active:
            counted[role] = count
        else:
            deactivated += count
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
        # every role of the organisation's kind, zero included, in the canonical order
        "members_by_role": [(role, counted.get(role, 0)) for role in ROLES_BY_KIND[org.kind]],
        "member_count": sum(counted.values()),
        "deactivated_count": deactivated,
        "role_help": ROLE_HELP.get((org.kind, user.role), ""),
        "pending_invitations": pending,
        "can_see_members": can_see_members(user),
        "can_manage_members": can_manage_members(user),
        "panels": [p for p in hooks.collect("dashboard_panels", user) if p],
    }


def _item(label: str, endpoint: str, **values: Any) -> dict[str, str]:
    return {"label": label, "url": url_for(endpoint, **values), "endpoint": endpoint}


def nav_items(user: User) -> list[dict[str, str]]:
    """Main menu for `user`: dashboard, features' items, then Team for owners and credit."""
    if not user or not user.is_authenticated:
        return []
    items = [_item("Dashboard", "web.index")]
    for extra in hooks.collect("nav_items", user):
        items.extend(extra or [])
    if can_see_members(user):  # the same predicate guards the page itself
        items.append(_item("Team", "auth.members"))
    return items


def account_items(user: User) -> list[dict[str, str]]:
    """The user menu: own account, API tokens, the API reference."""
    if not user or not user.is_authenticated:
        return []
    return [
        _item("Account & password", "auth.account"),
        _item("API tokens", "auth.tokens"),
        {"label": "API reference", "url": "/api/docs", "endpoint": "api-docs"},
    ]
