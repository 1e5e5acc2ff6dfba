"""Who may see and change what in the ledger; row visibility for sales reps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, true

from core.auth.models import OrgKind, Role, User
from ledger.models import Debtor

#: roles that change the ledger (payments, credit notes, debtors, imports)
WRITERS = (Role.OWNER, Role.CREDIT)
#: creditor roles that read it
READERS = (Role.OWNER, Role.CREDIT, Role.SALES, Role.VIEWER)


def is_creditor(user: User) -> bool:
    return user.kind is OrgKind.CREDITOR


def can_write_ledger(user: User) -> bool:
    return is_creditor(user) and user.role in WRITERS


def sees_only_own_debtors(user: User) -> bool:
    """Sales reps see their own debtors unless the organisation lets them see all."""
    return user.role is Role.SALES and not user.organization.sales_see_all


def visible_debtors(user: User) -> ColumnElement[Any]:
    """SQL condition on Debtor for the rows `user` may see (tenant filter not included)."""
    if sees_only_own_debtors(user):
        return Debtor.sales_rep_id == user.id
    return true()


def can_see_debtor(user: User, debtor: Debtor) -> bool:
    return not sees_only_own_debtors(user) or debtor.sales_rep_id == user.id
