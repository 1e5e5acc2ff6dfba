"""Dispute page: the dispute, its thread, transitions, edits and the resolution form.

Every write is load (tenant gate) → permission → form → service → one commit; a refused
write rolls back and shows the page again with the reasons next to the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import disputes.views.mentions  # noqa: F401  (the editor's suggestions route registers on bp)
from core.auth.models import OrgKind, User
from core.auth.permissions import require_kind
from core.errors import DomainError, IllegalTransition
from core.extensions import db
from core.money import Money
from core.tenancy import current_org
from disputes import permissions, services, states
from disputes.api import commit_once
from disputes.loaders import load_dispute, require
from disputes.models import Dispute, DisputeEvent, DisputeSource
from disputes.states import DisputeStatus, Outcome
from disputes.threads.models import Comment
from disputes.threads.render import render
from disputes.views import bp, readers
from disputes.views.detail_forms import (
    OUTCOME_LABELS,
    CommentForm,
    EditDisputeForm,
    OpenDisputeForm,
    ResolveForm,
    TransitionForm,
    owner_choices,
)
from ledger.clock import today
from ledger.forms import money_of
from ledger.loaders import load_invoice
from ledger.models import Invoice

F = TypeVar("F", bound=Callable[..., Any])

#: button label per target status (resolving has its own form)
MOVE_LABELS = {
    DisputeStatus.IN_REVIEW.value: "Start review",
    DisputeStatus.AWAITING_CUSTOMER.value: "Wait for the customer",
}
#: request header thread.js sends: answer with an HTML fragment instead of a redirect
FRAGMENT_HEADER = "X-Requested-With"
#: response header telling thread.js which fragment it got ("comment" or "errors")
FRAGMENT_KIND = "X-Thread-Fragment"
#: the service's field name → the form's field, where they differ
COMMENT_ALIASES = {"file": "attachment", "attachment_ids": "attachment"}


def writers(view: F) -> F:
    """Signed in and a creditor member who opens and changes disputes (viewers: 403)."""
    gate = require_kind(OrgKind.CREDITOR, *permissions.WRITERS)
    return login_required(gate(view))  # type: ignore[return-value]


def disputable(invoice: Invoice) -> Money:
    """What of the invoice's outstanding no open dispute holds yet."""
    return Money(max(invoice.outstanding_minor - invoice.disputed_minor, 0), invoice.currency)


def place_errors(form: FlaskForm, error: DomainError, aliases: dict[str, str]) -> bool:
    """Put a service's field messages next to the form's fields; False if none fitted."""
    placed = False
    for name, messages in error.details.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and isinstance(messages, list):
            field.errors = [*field.errors, *messages]
            placed = True
    return placed


def refusal(error: DomainError) -> str:
    """The service's message, with the legal moves for an illegal transition."""
    if isinstance(error, IllegalTransition):
        allowed = ", ".join(m.replace("_", " ") for m in error.details["allowed"]) or "none"
        return f"{error.message} Possible now: {allowed}."
    return error.message


def comment_html(comment: Comment) -> Markup:
    """The comment's Markdown as HTML, sanitised by disputes.threads.render (T18)."""
    return Markup(render(comment.body))  # noqa: S704  (nh3-sanitised allowlist HTML)


# --- open a dispute ----------------------------------------------------------------------


def _render_open(form: OpenDisputeForm, invoice: Invoice, status: int = 200) -> ResponseReturnValue:
    closed = bool(invoice.cancelled_on or invoice.written_off_on)
    page = render_template(
        "disputes/open.html", form=form, invoice=invoice, free=disputable(invoice), closed=closed
    )
    return page, status


@bp.route("/invoices/<int:invoice_id>/disputes/new", methods=["GET", "POST"])
@writers
def open_dispute(invoice_id: int) -> ResponseReturnValue:
    """Open a dispute on (part of) an invoice the caller may see."""
    invoice = load_invoice(invoice_id)
    form = OpenDisputeForm()
    form.owner_id.choices = owner_choices(current_org.id)
    form.amount.label.text = f"Disputed amount ({invoice.currency})"
    if request.method == "GET":
        free = disputable(invoice)
        form.amount.data = free.amount if free.minor else ""
        form.owner_id.data = current_user.id
        form.due_date.data = today() + timedelta(days=services.DEFAULT_SLA_DAYS)
        return _render_open(form, invoice)
    amount = money_of(form, "amount", invoice.currency) if form.validate_on_submit() else None
    if amount is None:
        return _render_open(form, invoice, 422)
    try:
        dispute = commit_once(
            lambda: services.open_dispute(
                invoice,
                actor=current_user,
                reason=form.reason.data or "",
                amount=amount,
                description=form.description.data or "",
                owner_id=form.owner_id.data,
                due_date=form.due_date.data,
            )
        )
    except DomainError as exc:
        db.session.rollback()
        if not place_errors(form, exc, {}):
            flash(exc.message, "error")
        return _render_open(form, load_invoice(invoice_id), exc.status)
    flash(f"Dispute #{dispute.id} opened on invoice {invoice.number}.", "success")
    return redirect(url_for("disputes.dispute", dispute_id=dispute.id))


# --- the dispute page --------------------------------------------------------------------


def visible_comments(dispute: Dispute) -> list[Comment]:
    """The thread, oldest first: threads.permissions.can_see_comment's rule as one query."""
    if dispute.thread_id is None:
        return []
    query = (
        select(Comment)
        .where(
            Comment.thread_id == dispute.thread_id,
            (Comment.visibility == "shared") | (Comment.org_id == current_user.org_id),
        )
        .options(
            selectinload(Comment.attachments),
            selectinload(Comment.author),
            selectinload(Comment.deleted_by),
        )
        .order_by(Comment.created_at, Comment.id)
    )
    return list(db.session.scalars(query))


def _people(dispute: Dispute, events: Iterable[DisputeEvent]) -> dict[int, str]:
    """Names of the caller's colleagues the page mentions (owner, raiser, actors)."""
    ids = {dispute.owner_id, dispute.raised_by_id}
    for event in events:
        ids.add(event.actor_id)
        owner_change = (event.details or {}).get("owner_id")
        if isinstance(owner_change, dict):
            ids.update(v for v in owner_change.values() if isinstance(v, int))
    ids.discard(None)
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.name).where(User.id.in_(ids), User.org_id == current_org.id)
    )
    return {row.id: row.name for row in rows}


def render_dispute(
    dispute: Dispute,
    *,
    comment_form: CommentForm | None = None,
    resolve_form: ResolveForm | None = None,
    edit_form: EditDisputeForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user, resolved = current_user, dispute.status is DisputeStatus.RESOLVED
    events = list(
        db.session.scalars(
            select(DisputeEvent)
            .where(DisputeEvent.dispute_id == dispute.id, DisputeEvent.org_id == dispute.org_id)
            .order_by(DisputeEvent.created_at, DisputeEvent.id)
        )
    )
    can_act = permissions.can_act(user, dispute) and not resolved
    can_edit = permissions.can_edit(user, dispute) and not resolved
    if edit_form is None:
        edit_form = EditDisputeForm(
            formdata=None,
            prefix="edit",
            owner_id=dispute.owner_id or 0,
            due_date=dispute.due_date,
            description=dispute.description,
        )
    edit_form.owner_id.choices = owner_choices(dispute.org_id, blank=True, current=dispute.owner_id)
    if resolve_form is None:
        resolve_form = ResolveForm(
            formdata=None, prefix="resolve", credit_amount=dispute.amount.amount
        )
    resolve_form.credit_amount.label.text = f"Credit amount ({dispute.currency})"
    page = render_template(
        "disputes/dispute.html",
        dispute=dispute,
        invoice=dispute.invoice,
        events=events,
        people=_people(dispute, events),
        comments=visible_comments(dispute),
        comment_html=comment_html,
        breached=dispute.sla_breached(today()),
        raised_by=_raised_by(dispute),
        can_act=can_act,
        can_edit=can_edit,
        can_comment=user.role in permissions.WRITERS,
        moves=[(m, MOVE_LABELS.get(m, m)) for m in states.allowed_moves(dispute.status)],
        resolvable="resolved" in states.allowed_moves(dispute.status, resolving=True),
        outcome_labels={o.value: label for o, label in OUTCOME_LABELS.items()},
        comment_form=comment_form or CommentForm(formdata=None, prefix="comment"),
        resolve_form=resolve_form,
        edit_form=edit_form,
    )
    return page, status


def _raised_by(dispute: Dispute) -> str | None:
    """Who raised it when no colleague did: the debtor (portal), an import, or the system."""
    if dispute.raised_by_id is not None:
        return None
    return {
        DisputeSource.PORTAL: "the debtor (portal)",
        DisputeSource.IMPORT: "an import",
    }.get(dispute.source, "the system")


@bp.route("/disputes/<int:dispute_id>")
@readers
def dispute(dispute_id: int) -> ResponseReturnValue:
    """One dispute: facts, actions the caller may take, the thread and the history."""
    return render_dispute(load_dispute(dispute_id))


def _refused(dispute_id: int, error: DomainError, **forms: Any) -> ResponseReturnValue:
    """Nothing written: roll back, reload, and show why (next to the fields, else flashed)."""
    db.session.rollback()
    if not any(place_errors(form, error, {}) for form in forms.values()):
        flash(refusal(error), "error")
    return render_dispute(load_dispute(dispute_id), status=error.status, **forms)


def back_to(dispute: Dispute, anchor: str | None = None) -> ResponseReturnValue:
    return redirect(url_for("disputes.dispute", dispute_id=dispute.id, _anchor=anchor))


@bp.post("/disputes/<int:dispute_id>/transition")
@writers
def transition(dispute_id: int) -> ResponseReturnValue:
    """Move the dispute along its lifecycle (owner, credit, the dispute's owner)."""
    dispute = load_dispute(dispute_id)
    require(permissions.can_act(current_user, dispute), dispute)
    form = TransitionForm()
    if not form.validate():
        flash("Choose a status to move to.", "error")
        return render_dispute(dispute, status=422)
    target = DisputeStatus(form.to.data)
    try:
        commit_once(lambda: services.transition_dispute(dispute, actor=current_user, to=target))
    except DomainError as exc:
        return _refused(dispute_id, exc)
    flash(f"Dispute moved to {target.value.replace('_', ' ')}.", "success")
    return back_to(dispute)


@bp.post("/disputes/<int:dispute_id>/resolve")
@writers
def resolve(dispute_id: int) -> ResponseReturnValue:
    """Resolve with an outcome; a credit-note outcome books the credit note on the invoice."""
    dispute = load_dispute(dispute_id)
    require(permissions.can_act(current_user, dispute), dispute)
    form = ResolveForm(prefix="resolve")
    valid = form.validate()
    credit = money_of(form, "credit_amount", dispute.currency) if valid else None
    if not valid or form.credit_amount.errors:
        return render_dispute(dispute, resolve_form=form, status=422)
    outcome = Outcome(form.outcome.data)
    try:
        commit_once(
            lambda: services.resolve_dispute(
                dispute,
                actor=current_user,
                outcome=outcome,
                credit_amount=credit,
                note=form.note.data,
            )
        )
    except DomainError as exc:
        return _refused(dispute_id, exc, resolve_form=form)
    message = f"Dispute resolved: {outcome.value.replace('_', ' ')}."
    if credit is not None:
        message += f" A credit note of {credit} was booked on invoice {dispute.invoice.number}."
    flash(message, "success")
    return back_to(dispute)


@bp.post("/disputes/<int:dispute_id>/edit")
@writers
def edit(dispute_id: int) -> ResponseReturnValue:
    """Change the owner, the SLA due date or the description."""
    dispute = load_dispute(dispute_id)
    require(permissions.can_edit(current_user, dispute), dispute)
    form = EditDisputeForm(prefix="edit")
    form.owner_id.choices = owner_choices(dispute.org_id, blank=True, current=dispute.owner_id)
    if not form.validate():
        return render_dispute(dispute, edit_form=form, status=422)
    try:
        commit_once(
            lambda: services.update_dispute(
                dispute,
                actor=current_user,
                owner_id=form.owner_id.data or None,
                due_date=form.due_date.data,
                description=form.description.data,
            )
        )
    except DomainError as exc:
        return _refused(dispute_id, exc, edit_form=form)
    flash("Dispute saved.", "success")
    return back_to(dispute)
