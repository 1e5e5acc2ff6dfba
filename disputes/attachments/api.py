"""JSON API of API.md "Disputes and threads": upload an attachment, download it."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from core.auth.permissions import require_login
from core.extensions import db
from core.tenancy import current_org, deny
from disputes.attachments import permissions, service
from disputes.attachments.models import Attachment
from disputes.attachments.schemas import AttachmentSchema, AttachmentUploadSchema

blp = Blueprint("attachments_api", __name__, url_prefix="/api/v1", description="Attachments")

#: room for the multipart envelope around a file of the maximum size
MULTIPART_OVERHEAD = 64 * 1024


@blp.before_request
def limit_upload_body() -> None:
    """Refuse an oversized upload from its Content-Length, before the body is read."""
    if request.method == "POST":
        request.max_content_length = service.max_bytes() + MULTIPART_OVERHEAD


@blp.route("/attachments")
class Attachments(MethodView):
    @blp.arguments(AttachmentUploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    @blp.alt_response(413, description="The file is too large")
    @blp.alt_response(422, description="The file's type is not allowed (checked by content)")
    @blp.alt_response(503, description="The file could not be stored; nothing was saved")
    @require_login
    def post(self, args: dict[str, Any]) -> Any:
        """Upload a file (multipart `file`); only you can download it until it is attached."""
        file: FileStorage = args["file"]
        attachment = service.store_attachment(
            current_org,
            uploader=current_user,
            filename=file.filename or "attachment",
            data=file.stream.read(service.max_bytes() + 1),
        )
        try:
            db.session.commit()
        except Exception:
            service.discard_file(attachment)
            raise
        return attachment


@blp.route("/attachments/<int:attachment_id>")
class AttachmentResource(MethodView):
    @blp.response(200, description="The file, always as a download")
    @require_login
    def get(self, attachment_id: int) -> Response:
        """Download an attachment (its uploader, or users who may see its comment)."""
        # not load_for_org_or_404: a file on a shared case comment is the other party's row;
        # can_download is the whole gate (the uploader, or who may see the comment)
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None or not permissions.can_download(current_user, attachment):
            deny("attachments", attachment_id)
        data = service.read_attachment(attachment)
        response = send_file(
            io.BytesIO(data),
            mimetype=attachment.content_type,
            as_attachment=True,
            download_name=attachment.filename,
            etag=attachment.sha256,
            max_age=0,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response.headers["Cache-Control"] = "private, no-store"
        return response
