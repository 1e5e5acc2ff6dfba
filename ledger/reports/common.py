"""Pieces the reports share: the caller's invoice filter and portable SQL helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, select, true

from core.auth.models import User
from ledger import permissions
from ledger.models import Debtor, Invoice


def visible_invoices(user: User | None, org_id: int) -> ColumnElement[Any]:
    """SQL condition on Invoice: rows whose debtor `user` may see (None: every row)."""
    if user is None or not permissions.sees_only_own_debtors(user):
        return true()
    own = select(Debtor.id).where(Debtor.org_id == org_id, permissions.visible_debtors(user))
    return Invoice.debtor_id.in_(own)


def smaller(a: Any, b: Any) -> ColumnElement[Any]:
    """LEAST(a, b) on both PostgreSQL and SQLite."""
    return case((a < b, a), else_=b)


def larger(a: Any, b: Any) -> ColumnElement[Any]:
    """GREATEST(a, b) on both PostgreSQL and SQLite."""
    return case((a > b, a), else_=b)
