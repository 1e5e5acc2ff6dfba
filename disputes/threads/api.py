"""JSON API of API.md "Disputes and threads": the comment rows."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from core.auth.models import OrgKind
from core.auth.permissions import require_kind, require_login
from core.errors import Conflict
from core.extensions import db
from core.pagination import PageArgs, page_of, paginate
from core.tenancy import deny, load_for_org_or_404
from disputes import permissions as dispute_permissions
from disputes.loaders import load_dispute
from disputes.threads import services
from disputes.threads.models import Comment
from disputes.threads.permissions import can_see_comment
from disputes.threads.schemas import CommentCreateSchema, CommentSchema, CommentUpdateSchema

blp = Blueprint("threads_api", __name__, url_prefix="/api/v1", description="Comments")

readers = require_kind(OrgKind.CREDITOR, *dispute_permissions.READERS)
writers = require_kind(OrgKind.CREDITOR, *dispute_permissions.WRITERS)


def load_comment(comment_id: int) -> Comment:
    """A comment the caller may see (other tenants and hidden comments: 404)."""
    comment = load_for_org_or_404(Comment, comment_id)
    if not can_see_comment(current_user, comment):
        deny("comments", comment_id)
    return comment


@blp.route("/disputes/<int:dispute_id>/comments")
class DisputeComments(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_of(CommentSchema))
    @readers
    def get(self, args: dict[str, Any], dispute_id: int) -> dict[str, Any]:
        """The dispute's thread, oldest first: comments the caller may see, deleted as traces."""
        dispute = load_dispute(dispute_id)
        query = select(Comment).where(Comment.thread_id == (dispute.thread_id or -1))
        query = query.where(
            (Comment.visibility == "shared") | (Comment.org_id == current_user.org_id)
        ).options(selectinload(Comment.attachments))
        return paginate(
            query.order_by(Comment.created_at, Comment.id), args["page"], args["page_size"]
        )

    @blp.arguments(CommentCreateSchema)
    @blp.response(201, CommentSchema)
    @blp.alt_response(422, description="Empty/too long body, or an attachment id not yours")
    @writers
    def post(self, args: dict[str, Any], dispute_id: int) -> Comment:
        """Comment on the dispute (Markdown); attach your own uploads by id."""
        dispute = load_dispute(dispute_id)
        try:
            comment = services.add_comment(dispute, actor=current_user, **args)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise Conflict("The dispute changed meanwhile; try again.", code="stale") from None
        return comment


@blp.route("/comments/<int:comment_id>")
class CommentResource(MethodView):
    @blp.arguments(CommentUpdateSchema)
    @blp.response(200, CommentSchema)
    @blp.alt_response(403, description="Not the author")
    @blp.alt_response(409, description="Stale version; `details.current` has the current text")
    @require_login
    def patch(self, args: dict[str, Any], comment_id: int) -> Comment:
        """Edit your comment; send the `version` you read (the old text is kept as a revision)."""
        comment = load_comment(comment_id)
        try:
            services.edit_comment(
                comment, actor=current_user, body=args["body"], expected_version=args["version"]
            )
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise services.stale(load_comment(comment_id)) from None
        return comment

    @blp.response(204)
    @blp.alt_response(403, description="Not the author")
    @require_login
    def delete(self, comment_id: int) -> None:
        """Delete your comment; a trace (who, when) stays in the thread."""
        comment = load_comment(comment_id)
        try:
            services.delete_comment(comment, actor=current_user)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            raise services.stale(load_comment(comment_id)) from None
