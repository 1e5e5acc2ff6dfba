"""Posting to a dispute's thread from its page: with a file, with or without a reload."""

from __future__ import annotations

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from core.errors import DomainError
from core.extensions import db
from core.tenancy import current_org
from disputes.api import commit_once
from disputes.attachments import service as attachments
from disputes.attachments.models import Attachment
from disputes.loaders import load_dispute
from disputes.threads import services as threads
from disputes.views import bp
from disputes.views.detail import (
    COMMENT_ALIASES,
    FRAGMENT_HEADER,
    FRAGMENT_KIND,
    back_to,
    comment_html,
    place_errors,
    render_dispute,
    writers,
)
from disputes.views.detail_forms import CommentForm


def wants_fragment() -> bool:
    """thread.js posts with this header and inserts the answer without reloading."""
    return request.headers.get(FRAGMENT_HEADER) == "fetch"


def _store_upload(form: CommentForm) -> Attachment | None:
    """The chosen file, checked and stored (flushed, not committed); None without a file."""
    upload = form.attachment.data  # Flask-WTF drops the empty part of an unused file input
    if not upload:
        return None
    return attachments.store_attachment(
        current_org,
        uploader=current_user,
        filename=upload.filename or "",
        data=upload.stream.read(attachments.max_bytes() + 1),
    )


def _comment_refused(
    dispute_id: int, form: CommentForm, error: DomainError | None, status: int
) -> ResponseReturnValue:
    db.session.rollback()
    placed = error is not None and place_errors(form, error, COMMENT_ALIASES)
    if wants_fragment():
        message = error.message if error is not None else "The comment was not posted."
        errors = {form[name].label.text: msgs for name, msgs in form.errors.items() if msgs}
        page = render_template("disputes/_comment_errors.html", message=message, errors=errors)
        return page, status, {FRAGMENT_KIND: "errors"}
    if error is not None and not placed:
        flash(error.message, "error")
    return render_dispute(load_dispute(dispute_id), comment_form=form, status=status)


@bp.post("/disputes/<int:dispute_id>/comments")
@writers
def post_comment(dispute_id: int) -> ResponseReturnValue:
    """Comment with an optional file; the file and the comment are saved together or not at all."""
    dispute = load_dispute(dispute_id)
    form = CommentForm(prefix="comment")
    if not form.validate():
        return _comment_refused(dispute_id, form, None, 422)
    attachment = None
    try:
        attachment = _store_upload(form)
        ids = [attachment.id] if attachment is not None else []
        comment = commit_once(
            lambda: threads.add_comment(
                dispute,
                actor=current_user,
                body=form.body.data or "",
                visibility=form.visibility.data or "",
                attachment_ids=ids,
            )
        )
    except DomainError as exc:
        if attachment is not None:
            attachments.discard_file(attachment)
        return _comment_refused(dispute_id, form, exc, exc.status)
    except BaseException:
        if attachment is not None:
            attachments.discard_file(attachment)  # no orphan file on an unexpected failure
        raise
    if wants_fragment():
        page = render_template("disputes/_comment.html", comment=comment, comment_html=comment_html)
        return page, 201, {FRAGMENT_KIND: "comment"}
    flash("Comment posted.", "success")
    return back_to(dispute, anchor=f"comment-{comment.id}")
