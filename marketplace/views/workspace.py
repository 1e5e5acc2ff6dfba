"""The case workspace page for both parties: thread, activities, recoveries, costs, money.

Every write loads the case through the workspace gate (not a party: 404; a party whose
role may not: 403), calls the workspace service and commits once. The thread's form is
posted by static/js/thread.js without a reload, as on the dispute page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from core.auth.models import OrgKind
from core.errors import DomainError
from core.extensions import db
from core.tenancy import current_org
from disputes.attachments import service as attachments
from disputes.attachments.models import Attachment
from disputes.threads.services import MAX_BODY
from disputes.views.detail import COMMENT_ALIASES, FRAGMENT_KIND, comment_html
from disputes.views.thread import wants_fragment
from ledger.clock import today
from ledger.forms import money_of
from marketplace import loaders
from marketplace.models import Case
from marketplace.states import AWARDED_STATES, CaseStatus
from marketplace.views import bp, commit
from marketplace.workspace import activities, comments, costs, permissions, recoveries
from marketplace.workspace.loaders import load_case_for, load_cost, log_agency_view
from marketplace.workspace.models import (
    ActivityKind,
    CaseActivity,
    CaseCost,
    CostBearer,
    CostStatus,
    Recovery,
)
from marketplace.workspace.summary import summarize

T = TypeVar("T")

#: statuses that have a workspace (the agency sees it only while awarded or active)
WORKED = (CaseStatus.AWARDED, CaseStatus.ACTIVE, CaseStatus.CLOSED)
#: at most this many activities, recoveries and costs on the page (newest first)
LIST_LIMIT = 100
#: the service's field name → the cost form's field, where they differ
COST_ALIASES = {"receipt_attachment_id": "receipt", "file": "receipt"}
AMOUNT_HELP = "In the case's currency, e.g. 250.00."
FILE_HELP = "Optional: PDF, image, text/CSV, DOCX, XLSX."


class CaseCommentForm(FlaskForm):
    body = TextAreaField(
        "Comment", validators=[DataRequired(), Length(max=MAX_BODY)], description="Markdown."
    )
    visibility = SelectField(
        "Visible to",
        choices=[
            SelectChoice("shared", "Shared (creditor and agency)"),
            SelectChoice("internal", "Internal (my organisation only)"),
        ],
        default="shared",
    )
    attachment = FileField("Attachment", description=FILE_HELP)


class ActivityForm(FlaskForm):
    kind = SelectField(
        "Activity",
        choices=[
            SelectChoice(k.value, k.value.replace("_", " ").capitalize()) for k in ActivityKind
        ],
    )
    occurred_on = DateField("Date", validators=[DataRequired()], default=today)
    note = TextAreaField("Note", validators=[DataRequired(), Length(max=activities.MAX_NOTE)])


class RecoveryForm(FlaskForm):
    amount = StringField(
        "Amount received", validators=[DataRequired(), Length(max=30)], description=AMOUNT_HELP
    )
    received_on = DateField("Received on", validators=[DataRequired()], default=today)
    note = TextAreaField("Note", validators=[Optional(), Length(max=recoveries.MAX_NOTE)])
    #: one key per rendered form: a double submission books the recovery once
    key = HiddenField(default=lambda: uuid.uuid4().hex, validators=[Length(max=100)])


class CostForm(FlaskForm):
    amount = StringField(
        "Amount", validators=[DataRequired(), Length(max=30)], description=AMOUNT_HELP
    )
    description = StringField(
        "Description",
        validators=[DataRequired(), Length(max=costs.MAX_DESCRIPTION)],
        description="Court fee, bailiff, travel…",
    )
    borne_by = SelectField(
        "Borne by", choices=[SelectChoice(b.value, b.value.capitalize()) for b in CostBearer]
    )
    recoverable = BooleanField("Recoverable from the debtor")
    receipt = FileField("Receipt", description=FILE_HELP)


def _worked(case: Case) -> Case:
    if case.status not in WORKED:
        abort(404)
    return case


def _forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    made: dict[str, FlaskForm] = {
        "comment_form": CaseCommentForm(prefix="comment", formdata=None),
        "activity_form": ActivityForm(prefix="activity", formdata=None),
        "recovery_form": RecoveryForm(prefix="recovery", formdata=None),
        "cost_form": CostForm(prefix="cost", formdata=None),
    }
    made.update(given)
    return made


def render_workspace(case: Case, status: int = 200, **forms: FlaskForm) -> ResponseReturnValue:
    """The page as the caller sees it, with `forms` (carrying errors) in place of blank ones."""
    user = current_user
    running = case.status in AWARDED_STATES
    items = db.session.scalars(comments.visible_comments_query(case, user, whole_thread=True))
    return render_template(
        "marketplace/workspace.html",
        case=case,
        creditor=user.kind is OrgKind.CREDITOR,
        money=summarize(case),
        comments=list(items),
        activities=_latest(CaseActivity, CaseActivity.occurred_on, case),
        recoveries=_latest(Recovery, Recovery.received_on, case),
        costs=_latest(CaseCost, CaseCost.created_at, case),
        can_comment=running and permissions.can_comment(user, case),
        can_log=running and permissions.can_log_activity(user, case),
        can_recover=running and permissions.can_record_recovery(user, case),
        can_cost=running and permissions.can_add_cost(user, case),
        can_decide=running and permissions.can_decide_cost(user, case),
        pending=CostStatus.PENDING,
        comment_html=comment_html,
        **_forms(**forms),
    ), status


def _latest(model: Any, day: Any, case: Case) -> list[Any]:
    query = select(model).where(model.case_id == case.id).order_by(day.desc(), model.id.desc())
    return list(db.session.scalars(query.limit(LIST_LIMIT)))


def _place(form: FlaskForm, error: DomainError, aliases: dict[str, str]) -> None:
    """The service's field messages next to the form's fields; the message is flashed."""
    for name, messages in error.details.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and isinstance(messages, list) and hasattr(field, "errors"):
            field.errors = [*field.errors, *(str(m) for m in messages)]
    flash(error.message, "error")


def _back(case_id: int, done: str, anchor: str) -> ResponseReturnValue:
    flash(done, "success")
    return redirect(url_for("marketplace.workspace", case_id=case_id, _anchor=anchor))


def _store(field: FileField) -> Attachment | None:
    """The chosen file, checked and stored (flushed); None without a file."""
    upload = field.data
    if not upload:
        return None
    return attachments.store_attachment(
        current_org,
        uploader=current_user,
        filename=upload.filename or "",
        data=upload.stream.read(attachments.max_bytes() + 1),
    )


def _with_upload(
    field: FileField, work: Callable[[int | None], T]
) -> tuple[T | None, DomainError | None]:
    """Store the upload and run `work` with its id in one commit; no orphan file on failure."""
    stored: list[Attachment] = []

    def run() -> T:
        attachment = _store(field)
        if attachment is not None:
            stored.append(attachment)
        return work(attachment.id if attachment is not None else None)

    try:
        result, error = commit(run)
    except BaseException:
        for attachment in stored:
            attachments.discard_file(attachment)
        raise
    if error is not None:
        for attachment in stored:
            attachments.discard_file(attachment)
    return result, error


@bp.get("/cases/<int:case_id>/workspace")
@login_required
def workspace(case_id: int) -> ResponseReturnValue:
    """The shared thread, the agency's work, recoveries, costs and the money summary."""
    case = _worked(loaders.load_case(case_id))
    if log_agency_view(case, "workspace"):
        db.session.commit()
    return render_workspace(case)


@bp.post("/cases/<int:case_id>/workspace/comments")
@login_required
def workspace_comment(case_id: int) -> ResponseReturnValue:
    """Comment on the case (shared or internal) with an optional file."""
    case = load_case_for(permissions.can_comment, case_id)
    form = CaseCommentForm(prefix="comment")
    error: DomainError | None = None
    comment = None
    if form.validate():
        comment, error = _with_upload(
            form.attachment,
            lambda file_id: comments.add_case_comment(
                case,
                actor=current_user,
                body=form.body.data or "",
                visibility=form.visibility.data or "",
                attachment_ids=[file_id] if file_id is not None else [],
            ),
        )
    if comment is not None:
        if wants_fragment():
            html = render_template(
                "disputes/_comment.html", comment=comment, comment_html=comment_html
            )
            return html, 201, {FRAGMENT_KIND: "comment"}
        return _back(case_id, "Comment posted.", f"comment-{comment.id}")
    status = error.status if error is not None else 422
    if error is not None:
        _place(form, error, COMMENT_ALIASES)
    if wants_fragment():
        message = error.message if error is not None else "The comment was not posted."
        errors = {form[name].label.text: msgs for name, msgs in form.errors.items() if msgs}
        html = render_template("disputes/_comment_errors.html", message=message, errors=errors)
        return html, status, {FRAGMENT_KIND: "errors"}
    return render_workspace(loaders.load_case(case_id), status, comment_form=form)


@bp.post("/cases/<int:case_id>/workspace/activities")
@login_required
def workspace_activity(case_id: int) -> ResponseReturnValue:
    """Log a call, letter, formal notice... (the awarded agency)."""
    case = load_case_for(permissions.can_log_activity, case_id)
    form = ActivityForm(prefix="activity")
    if not form.validate():
        return render_workspace(case, 422, activity_form=form)
    _done, error = commit(
        lambda: activities.log_activity(
            case,
            actor=current_user,
            kind=form.kind.data,
            occurred_on=form.occurred_on.data,
            note=form.note.data or "",
        )
    )
    if error is not None:
        _place(form, error, {})
        return render_workspace(loaders.load_case(case_id), error.status, activity_form=form)
    return _back(case_id, "Activity logged.", "activities")


@bp.post("/cases/<int:case_id>/workspace/recoveries")
@login_required
def workspace_recovery(case_id: int) -> ResponseReturnValue:
    """Record money collected (the agency) or paid directly to the creditor."""
    case = load_case_for(permissions.can_record_recovery, case_id)
    form = RecoveryForm(prefix="recovery")
    valid = form.validate()
    amount = money_of(form, "amount", case.currency)
    if not valid or amount is None:
        return render_workspace(case, 422, recovery_form=form)
    found, error = commit(
        lambda: recoveries.record_recovery(
            case,
            actor=current_user,
            amount=amount,
            received_on=form.received_on.data,
            note=form.note.data or None,
            idempotency_key=form.key.data or None,
        )
    )
    if error is not None or found is None:
        if error is not None:
            _place(form, error, {"idempotency_key": "amount"})
        status = error.status if error is not None else 500
        return render_workspace(loaders.load_case(case_id), status, recovery_form=form)
    recovery, created = found
    done = f"Recovery of {recovery.amount} recorded." if created else "Already recorded."
    return _back(case_id, done, "recoveries")


@bp.post("/cases/<int:case_id>/workspace/costs")
@login_required
def workspace_cost(case_id: int) -> ResponseReturnValue:
    """Post an expense, with an optional receipt."""
    case = load_case_for(permissions.can_add_cost, case_id)
    form = CostForm(prefix="cost")
    valid = form.validate()
    amount = money_of(form, "amount", case.currency)
    if not valid or amount is None:
        return render_workspace(case, 422, cost_form=form)
    cost, error = _with_upload(
        form.receipt,
        lambda file_id: costs.add_cost(
            case,
            actor=current_user,
            kind="expense",
            amount=amount,
            description=form.description.data or "",
            borne_by=form.borne_by.data,
            recoverable=bool(form.recoverable.data),
            receipt_attachment_id=file_id,
        ),
    )
    if error is not None or cost is None:
        if error is not None:
            _place(form, error, COST_ALIASES)
        status = error.status if error is not None else 500
        return render_workspace(loaders.load_case(case_id), status, cost_form=form)
    waits = " It waits for the creditor's approval." if cost.status is CostStatus.PENDING else ""
    return _back(case_id, f"Expense of {cost.amount} added.{waits}", "costs")


@bp.post("/cases/<int:case_id>/workspace/costs/<int:cost_id>/<any(approve, reject):decision>")
@login_required
def workspace_decide_cost(case_id: int, cost_id: int, decision: str) -> ResponseReturnValue:
    """Approve or reject a pending cost (the creditor's owner and credit users)."""
    case = load_case_for(permissions.can_decide_cost, case_id)
    cost = load_cost(cost_id)
    if cost.case_id != case.id:
        abort(404)
    _done, error = commit(
        lambda: costs.decide_cost(cost, actor=current_user, approve=decision == "approve")
    )
    if error is not None:
        flash(error.message, "error")
        return render_workspace(loaders.load_case(case_id), error.status)
    return _back(case_id, f"Cost {decision}d.", "costs")
