"""Store an upload: check size and type, write the file, then the row (never one alone)."""

from __future__ import annotations

import hashlib
import logging
import os
import unicodedata
from typing import TYPE_CHECKING

from flask import current_app

from core.errors import DomainError, ValidationFailed
from core.extensions import db
from disputes.attachments import sniff
from disputes.attachments.models import Attachment
from disputes.attachments.storage import get_storage

if TYPE_CHECKING:
    from core.auth.models import Organization, User

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: characters that are unsafe or confusing in a download name on some system
UNSAFE = set("<>:\"/\\|?*;%'`")
MAX_NAME = 150


class AttachmentTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"


def max_bytes() -> int:
    """The upload limit: config `ATTACHMENT_MAX_BYTES`, 10 MB by default."""
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def safe_download_name(name: str) -> str:
    """A display/download name: no path, no control or bidi characters, no leading dot."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        "_" if ch in UNSAFE else ch
        for ch in name
        if not unicodedata.category(ch).startswith(("C", "Z")) or ch == " "
    )
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[: MAX_NAME - len(ext)].rstrip(" .") + ext
    return name or "attachment"


def display_name(filename: str, content_type: str) -> str:
    """The safe name, carrying an extension of the sniffed type (422 on a known mismatch)."""
    name = safe_download_name(filename)
    ext = os.path.splitext(name)[1].lower()
    allowed = sniff.EXTENSIONS[content_type]
    if ext in allowed:
        return name
    if any(ext in exts for exts in sniff.EXTENSIONS.values()):
        raise ValidationFailed(
            f"The file's content does not match its {ext} name.",
            code="type_mismatch",
            details={"file": [f"content is {content_type}, not {ext}"]},
        )
    # unknown or dangerous extension (.html, .svg, .exe, none): append the real one
    return name + allowed[0]


def store_attachment(
    org: Organization, *, uploader: User, filename: str, data: bytes
) -> Attachment:
    """Check and store an upload for `org`; flushes the row, never commits."""
    limit = max_bytes()
    if len(data) > limit:
        raise AttachmentTooLarge(
            "The file is too large.", details={"max_bytes": limit, "size": len(data)}
        )
    content_type = sniff.sniff(data)
    if content_type is None:
        raise ValidationFailed(
            "This type of file is not allowed.",
            code="type_not_allowed",
            details={"file": ["allowed: PDF, PNG, JPEG, GIF, WebP, text/CSV, e-mail, DOCX, XLSX"]},
        )
    name = display_name(filename, content_type)
    storage = get_storage()
    try:
        key = storage.save(data)
    except OSError:
        log.exception("attachment storage write failed")
        raise StorageUnavailable("The file could not be stored; try again later.") from None
    attachment = Attachment(
        org_id=org.id,
        uploader_id=uploader.id,
        filename=name,
        storage_key=key,
        size=len(data),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(attachment)
    try:
        db.session.flush()
    except Exception:
        discard_file(attachment)
        raise
    return attachment


def discard_file(attachment: Attachment) -> None:
    """Remove the stored bytes of a row that will not be committed (no orphan files)."""
    try:
        get_storage().delete(attachment.storage_key)
    except OSError:
        log.exception("could not delete orphan attachment file %s", attachment.storage_key)


def read_attachment(attachment: Attachment) -> bytes:
    """The stored bytes (503 if the store cannot be read)."""
    try:
        return get_storage().open(attachment.storage_key)
    except OSError:
        log.exception("attachment %s could not be read", attachment.id)
        raise StorageUnavailable("The file is not available right now.") from None
