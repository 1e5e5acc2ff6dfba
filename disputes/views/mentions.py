"""@mention suggestions for the comment editor: colleagues who may see the dispute."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select

from core.auth.models import OrgKind, User
from core.auth.permissions import require_kind
from core.extensions import db
from core.tenancy import current_org
from disputes import permissions
from disputes.loaders import load_dispute
from disputes.views import bp

#: suggestions shown at most; members scanned at most before the visibility check
LIMIT = 8
SCAN = 100


def mention_token(user: User) -> str:
    """The `@[Name](user:ID)` token disputes.threads.mentions resolves (name made safe for it)."""
    name = " ".join(user.name.replace("[", " ").replace("]", " ").split())[:200] or "user"
    return f"@[{name}](user:{user.id})"


@bp.get("/disputes/<int:dispute_id>/mentions")
@login_required
@require_kind(OrgKind.CREDITOR, *permissions.WRITERS)
def mention_candidates(dispute_id: int) -> ResponseReturnValue:
    """`{"users": [{id, name, role, token}]}`: colleagues matching `q` who see the dispute."""
    dispute = load_dispute(dispute_id)
    needle = " ".join((request.args.get("q") or "").split()).lower()[:100]
    query = select(User).where(
        User.org_id == current_org.id, User.active.is_(True), User.id != current_user.id
    )
    if needle:
        query = query.where(
            or_(
                func.lower(User.name).contains(needle, autoescape=True),
                func.lower(User.email).startswith(needle, autoescape=True),
            )
        )
    members = db.session.scalars(query.order_by(User.name, User.id).limit(SCAN))
    found = [u for u in members if permissions.can_see(u, dispute)][:LIMIT]
    return jsonify(
        {
            "users": [
                {"id": u.id, "name": u.name, "role": u.role.value, "token": mention_token(u)}
                for u in found
            ]
        }
    )
