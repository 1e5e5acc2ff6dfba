"""What disputes add to other pages: the menu entry and the "Disputes" sections of the ledger.

Registered in disputes.views.init_app as the `nav_items`, `invoice_sections` and
`debtor_sections` hooks; each section runs a fixed number of statements.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import case, func, select

from core.auth.models import OrgKind, User
from core.extensions import db
from disputes import permissions
from disputes.models import Dispute
from disputes.states import DisputeStatus
from ledger.clock import today
from ledger.models import Debtor, Invoice
from ledger.permissions import can_see_debtor

#: the debtor page lists at most this many unresolved disputes (the list page has them all)
DEBTOR_SECTION_LIMIT = 50


def reads_disputes(user: User) -> bool:
    """Creditor members who may open the dispute pages (the same test as the pages' gate)."""
    return (
        user.is_authenticated and user.kind is OrgKind.CREDITOR and user.role in permissions.READERS
    )


def nav_items(user: User) -> list[dict[str, Any]]:
    """ "Disputes" in the main menu of creditor users."""
    if not reads_disputes(user):
        return []
    return [{"label": "Disputes", "url": url_for("disputes.index"), "endpoint": "disputes.index"}]


def _with_owner_names() -> Any:
    """Disputes with their owner's name (None when unassigned), in one statement."""
    return select(Dispute, User.name).outerjoin(User, User.id == Dispute.owner_id)


def can_open_on(user: User, invoice: Invoice) -> bool:
    """Writers, on an invoice that is not closed and has something left to dispute."""
    return (
        user.role in permissions.WRITERS
        and not (invoice.cancelled_on or invoice.written_off_on)
        and invoice.outstanding_minor - invoice.disputed_minor > 0
    )


def invoice_section(invoice: Invoice, user: User) -> Markup | None:
    """The invoice's disputes (unresolved first) and, for writers, "Open a dispute"."""
    if not reads_disputes(user) or invoice.org_id != user.org_id:
        return None
    if not can_see_debtor(user, invoice.debtor):
        return None
    rows = db.session.execute(
        _with_owner_names()
        .where(Dispute.org_id == invoice.org_id, Dispute.invoice_id == invoice.id)
        .order_by(case((Dispute.status == DisputeStatus.RESOLVED, 1), else_=0), Dispute.id)
    ).all()
    # render_template autoescapes every value; Markup only stops the ledger escaping it again
    return Markup(  # noqa: S704
        render_template(
            "disputes/_section_invoice.html",
            invoice=invoice,
            rows=rows,
            today=today(),
            writer=user.role in permissions.WRITERS,
            can_open=can_open_on(user, invoice),
        )
    )


def debtor_section(debtor: Debtor, user: User) -> Markup | None:
    """The debtor's unresolved disputes, most urgent first, and how many were resolved."""
    if not reads_disputes(user) or debtor.org_id != user.org_id:
        return None
    if not can_see_debtor(user, debtor):
        return None
    of_debtor = (Dispute.org_id == debtor.org_id, Invoice.debtor_id == debtor.id)
    rows = db.session.execute(
        _with_owner_names()
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(*of_debtor, Dispute.status != DisputeStatus.RESOLVED)
        .order_by(case((Dispute.due_date.is_(None), 1), else_=0), Dispute.due_date, Dispute.id)
        .limit(DEBTOR_SECTION_LIMIT)
    ).all()
    resolved = Dispute.status == DisputeStatus.RESOLVED
    counts = db.session.execute(
        select(
            func.count(Dispute.id),
            func.coalesce(func.sum(case((resolved, 1), else_=0)), 0),
        )
        .join(Invoice, Invoice.id == Dispute.invoice_id)
        .where(*of_debtor)
    ).one()
    total, resolved_count = int(counts[0]), int(counts[1])
    return Markup(  # noqa: S704
        render_template(
            "disputes/_section_debtor.html",
            debtor=debtor,
            rows=rows,
            today=today(),
            unresolved_count=total - resolved_count,
            resolved_count=resolved_count,
        )
    )
