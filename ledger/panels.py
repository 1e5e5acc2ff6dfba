"""The ledger's contributions to the shell: menu entries and the creditor dashboard panel."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup

from core.auth.models import OrgKind, User
from ledger.clock import today
from ledger.permissions import READERS


def reads_ledger(user: User) -> bool:
    """Creditor members who may open the ledger pages (the same test as the pages' gate)."""
    return user.kind is OrgKind.CREDITOR and user.role in READERS


def nav_items(user: User) -> list[dict[str, Any]]:
    """ "Debtors" and "Invoices" in the main menu of creditor users."""
    if not reads_ledger(user):
        return []
    return [
        {"label": "Debtors", "url": url_for("ledger.debtors"), "endpoint": "ledger.debtors"},
        {"label": "Invoices", "url": url_for("ledger.invoices"), "endpoint": "ledger.invoices"},
    ]


def receivables_panel(user: User) -> Markup | None:
    """Receivables per currency, overdue share and top overdue debtors (creditors only)."""
    if not reads_ledger(user):
        return None
    from ledger.views import queries

    now = today()
    # render_template autoescapes every value; Markup only stops the shell escaping it again
    return Markup(  # noqa: S704
        render_template(
            "ledger/_dashboard_panel.html",
            balances=queries.org_balances(user, now),
            top=queries.top_overdue_debtors(user, now),
        )
    )
