"""Role gates (decorators) and pure predicates about users and organisations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user

from core.auth.models import OrgKind, Role, User
from core.tenancy import deny

F = TypeVar("F", bound=Callable[..., Any])


def can_manage_members(user: User) -> bool:
    return user.role is Role.OWNER


def can_see_members(user: User) -> bool:
    return user.role in {Role.OWNER, Role.CREDIT}


def can_edit_organization(user: User) -> bool:
    return user.role is Role.OWNER


def _gate(check: Callable[[User], bool]) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                abort(401)
            if not check(current_user):
                deny("endpoint", request.endpoint, status=403)  # audited by the error handler
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require_login(view: F) -> F:
    """401 for anonymous callers (API); HTML views use flask_login.login_required."""
    return _gate(lambda _user: True)(view)


def require_role(*roles: Role) -> Callable[[F], F]:
    """403 unless the caller holds one of `roles` (401 when anonymous)."""
    return _gate(lambda user: user.role in roles)


def require_kind(kind: OrgKind, *roles: Role) -> Callable[[F], F]:
    """403 unless the caller's organisation is of `kind` (and holds one of `roles`, if given)."""
    return _gate(lambda user: user.kind is kind and (not roles or user.role in roles))
