"""What the marketplace adds to other pages: menu entries and the debtor page's "Cases".

Registered in marketplace.views.init_app as the `nav_items` and `debtor_sections` hooks.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import raiseload

from core.auth.models import OrgKind, Role, User
from core.extensions import db
from ledger.models import Debtor, DebtorType
from ledger.permissions import can_see_debtor
from marketplace import permissions
from marketplace.models import Case

#: the debtor page lists at most this many of the debtor's cases (newest first)
DEBTOR_SECTION_LIMIT = 20
#: creditor roles with "Cases" in their menu
CASE_MENU_ROLES = (Role.OWNER, Role.CREDIT, Role.VIEWER)


def _item(label: str, endpoint: str) -> dict[str, Any]:
    return {"label": label, "url": url_for(endpoint), "endpoint": endpoint}


def nav_items(user: User) -> list[dict[str, Any]]:
    """ "Cases" for creditors; "Marketplace", "My bids" and "My cases" for agencies."""
    if not user.is_authenticated:
        return []
    if user.kind is OrgKind.CREDITOR and user.role in CASE_MENU_ROLES:
        return [_item("Cases", "marketplace.cases")]
    if user.kind is OrgKind.AGENCY and user.role in permissions.AGENCY_READERS:
        return [
            _item("Marketplace", "marketplace.listings"),
            _item("My bids", "marketplace.my_bids"),
            _item("My cases", "marketplace.my_cases"),
        ]
    return []


def debtor_section(debtor: Debtor, user: User) -> Markup | None:
    """The debtor's cases and, for owner and credit, "List for collection"."""
    if not user.is_authenticated or user.kind is not OrgKind.CREDITOR:
        return None
    if user.role not in permissions.CREDITOR_READERS or debtor.org_id != user.org_id:
        return None
    if not can_see_debtor(user, debtor):
        return None
    rows = db.session.scalars(
        select(Case)
        .where(Case.org_id == debtor.org_id, Case.debtor_id == debtor.id)
        .options(raiseload(Case.debtor), raiseload(Case.case_invoices), raiseload(Case.invitations))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(DEBTOR_SECTION_LIMIT)
    ).all()
    # render_template autoescapes every value; Markup only stops the ledger escaping it again
    return Markup(  # noqa: S704
        render_template(
            "marketplace/_section_debtor.html",
            debtor=debtor,
            rows=rows,
            can_list=user.role in permissions.MANAGERS,
            consumer=debtor.debtor_type is DebtorType.CONSUMER,
        )
    )
