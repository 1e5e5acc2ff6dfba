"""Creditor pages: the case list, the create-case flow, the case page and its actions.

The case page also serves the awarded agency (debtor and invoices in full, no bids).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import exists, select
from sqlalchemy.orm import raiseload
from wtforms.fields.choices import SelectChoice

from core import audit
from core.auth.models import Organization, OrgKind
from core.errors import DomainError
from core.extensions import db
from core.pagination import paginate
from core.tenancy import current_org
from ledger.clock import today
from ledger.loaders import load_debtor
from ledger.models import Debtor, Invoice
from ledger.views import ledger_money
from marketplace import expected, loaders, permissions
from marketplace.models import Bid, Case, CaseInvoice
from marketplace.services import award, cases
from marketplace.states import BidStatus, CaseStatus
from marketplace.views import (
    bp,
    commit,
    creditor_readers,
    managers,
    page_args,
    pages,
    place_errors,
)
from marketplace.views.forms import CaseForm
from marketplace.workspace import summary

#: service detail keys → form field prefixes ("instant_terms.percent" → instant_percent)
CASE_PREFIXES = {"terms": "", "instant_terms": "instant_", "invited_agency_ids": "invited"}
#: statuses whose case page shows the workspace's money summary
WORKED = (CaseStatus.AWARDED, CaseStatus.ACTIVE, CaseStatus.CLOSED)
#: bids of a case, live first, then the lowest fee first (before the expected net sort)
BID_ORDER = (
    (Bid.status != BidStatus.LIVE),
    Bid.fee_model,
    Bid.percent_bp,
    Bid.fixed_minor,
    Bid.upfront_minor,
    Bid.id,
)


@bp.get("/cases", endpoint="cases")
@creditor_readers
def cases_list() -> ResponseReturnValue:
    """The organisation's cases (those of debtors the caller sees), newest first."""
    page, size = page_args()
    status = request.args.get("status") or ""
    query = (
        select(Case)
        .join(Debtor, Debtor.id == Case.debtor_id)
        .where(Case.org_id == current_org.id, permissions.visible_cases(current_user))
        .options(raiseload(Case.case_invoices), raiseload(Case.invitations))
    )
    if status:
        if status not in CaseStatus.__members__.values():
            status = ""
        else:
            query = query.where(Case.status == CaseStatus(status))
    found = paginate(query.order_by(Case.created_at.desc(), Case.id.desc()), page, size)
    return render_template(
        "marketplace/cases.html",
        page=found,
        pages=pages(found),
        status=status,
        statuses=list(CaseStatus),
        can_manage=current_user.role in permissions.MANAGERS,
    )


def _candidates(debtor: Debtor) -> list[Invoice]:
    """The debtor's overdue, unpaid invoices that no active case holds (the service re-checks)."""
    on_case = exists().where(CaseInvoice.invoice_id == Invoice.id, CaseInvoice.active.is_(True))
    return list(
        db.session.scalars(
            select(Invoice)
            .where(
                Invoice.org_id == debtor.org_id,
                Invoice.debtor_id == debtor.id,
                Invoice.outstanding_minor > 0,
                Invoice.due_date < today(),
                Invoice.cancelled_on.is_(None),
                Invoice.written_off_on.is_(None),
                Invoice.case_id.is_(None),
                ~on_case,
            )
            .order_by(Invoice.due_date, Invoice.id)
            .limit(cases.MAX_INVOICES)
        )
    )


def _agencies() -> list[Organization]:
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.kind == OrgKind.AGENCY)
            .order_by(Organization.name, Organization.id)
            .limit(200)
        )
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@managers
def new_case() -> ResponseReturnValue:
    """Create a draft case from a debtor's overdue invoices (owner and credit)."""
    debtor_id = request.args.get("debtor_id", type=int)
    if debtor_id is None:
        return render_template("marketplace/new_case.html", debtor=None, form=None)
    debtor = load_debtor(debtor_id)
    invoices = _candidates(debtor)
    form = CaseForm()
    now = today()
    form.invoice_ids.choices = [
        SelectChoice(
            i.id,
            f"{i.number} · due {i.due_date.isoformat()} ({i.days_overdue(now)} days overdue)"
            f" · {ledger_money(i.outstanding)} outstanding",
        )
        for i in invoices
    ]
    form.invited.choices = [SelectChoice(a.id, a.name) for a in _agencies()]

    def render(status: int = 200) -> ResponseReturnValue:
        return render_template(
            "marketplace/new_case.html", debtor=debtor, form=form, invoices=invoices
        ), status

    if request.method == "GET":
        return render()
    if not form.validate_on_submit():
        return render(422)
    by_id = {i.id: i for i in invoices}
    currencies = [by_id[i].currency for i in form.invoice_ids.data if i in by_id]
    fields = form.service_fields(currencies[0] if currencies else debtor.currency)
    if fields is None:
        return render(422)
    org = current_user.organization
    made, error = commit(
        lambda: cases.create_case(org, actor=current_user, debtor=debtor, **fields)
    )
    if error is not None or made is None:
        place_errors(form, error, CASE_PREFIXES)
        return render(error.status if error else 500)
    flash("Draft case created. Publish it to list it on the marketplace.", "success")
    return redirect(url_for("marketplace.case", case_id=made.id))


def _bid_rows(case: Case) -> list[tuple[Bid, expected.Expectation | None]]:
    """Live and accepted bids best expected net recovery first (SPEC §4), then the others."""
    bids = list(db.session.scalars(select(Bid).where(Bid.case_id == case.id).order_by(*BID_ORDER)))
    compared = [b for b in bids if b.status in expected.COMPARED]
    rows: list[tuple[Bid, expected.Expectation | None]] = [
        (e.bid, e) for e in (expected.expectations(case, compared) if compared else [])
    ]
    return rows + [(b, None) for b in bids if b.status not in expected.COMPARED]


def _render_case(case: Case, status: int = 200) -> ResponseReturnValue:
    creditor = current_user.kind is OrgKind.CREDITOR
    return render_template(
        "marketplace/case.html",
        case=case,
        creditor=creditor,
        bid_rows=_bid_rows(case) if creditor else [],
        # the workspace's money at a glance, once an agency works the case (read-only)
        money=summary.summarize(case) if case.status in WORKED else None,
        can_manage=creditor and permissions.can_manage(current_user, case),
        awardable=case.status is CaseStatus.LISTED,
        today=today(),
    ), status


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> ResponseReturnValue:
    """The case: its creditor sees everything and the bids; the awarded agency the file."""
    found = loaders.load_case(case_id)
    if current_user.kind is OrgKind.AGENCY:
        # every look at a case file by an agency is logged for the creditor (SPEC §4)
        audit.record(
            "case.viewed",
            actor=current_user,
            org=db.session.get(Organization, found.org_id),
            object_type="case",
            object_id=found.id,
        )
        db.session.commit()
    return _render_case(found)


def _after(case_id: int, error: DomainError | None, done: str) -> ResponseReturnValue:
    """Back to the case page: flashed success, or the page again with the refusal."""
    if error is None:
        flash(done, "success")
        return redirect(url_for("marketplace.case", case_id=case_id))
    place_errors(_NoFields(), error, {})
    return _render_case(loaders.load_case(case_id), error.status)


class _NoFields:
    """A form without fields: every message of a refusal is flashed."""


@bp.post("/cases/<int:case_id>/publish")
@managers
def publish_case(case_id: int) -> ResponseReturnValue:
    found = loaders.load_own_case(case_id)
    _done, error = commit(lambda: cases.publish_case(found, actor=current_user))
    return _after(case_id, error, "The case is listed on the marketplace.")


@bp.post("/cases/<int:case_id>/withdraw")
@managers
def withdraw_case(case_id: int) -> ResponseReturnValue:
    found = loaders.load_own_case(case_id)
    _done, error = commit(lambda: cases.withdraw_case(found, actor=current_user))
    return _after(case_id, error, "The case is withdrawn; its invoices are free again.")


@bp.post("/cases/bids/<int:bid_id>/accept")
@managers
def accept_bid(bid_id: int) -> ResponseReturnValue:
    bid = loaders.load_bid_for_creditor(bid_id)
    case_id = bid.case_id
    _done, error = commit(lambda: award.accept_bid(bid, actor=current_user))
    return _after(case_id, error, "Bid accepted: the case is awarded.")
