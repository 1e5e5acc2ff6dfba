"""The tenant gate: every tenant row is loaded for the caller's organisation or answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.local import LocalProxy

from core.extensions import db

if TYPE_CHECKING:
    from core.auth.models import Organization

T = TypeVar("T")


def _current_org() -> Organization | None:
    if not current_user or not current_user.is_authenticated:
        return None
    return cast("Organization", current_user.organization)


#: the signed-in user's organisation (None when anonymous)
current_org: Organization = cast("Organization", LocalProxy(_current_org))


def deny(obj_type: str, obj_id: Any, status: int = 404) -> None:
    """Abort with `status` (404 across tenants) and have the error handler audit it."""
    g.authz_denied = {
        "actor": current_user if current_user and current_user.is_authenticated else None,
        "object_type": obj_type,
        "object_id": obj_id,
        "details": {"route": request.path, "method": request.method, "status": status},
    }
    abort(status)


def load_for_org_or_404(model: type[T], obj_id: int, org: Organization | None = None) -> T:
    """Load `model` #obj_id if it belongs to `org` (default: the caller's); else 404."""
    org = org or _current_org()
    if org is None:
        abort(401)
    m = cast(Any, model)
    obj = db.session.scalar(select(m).where(m.id == obj_id, m.org_id == org.id))
    if obj is None:
        deny(m.__tablename__, obj_id)
    return cast(T, obj)
