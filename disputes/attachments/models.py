"""An uploaded file's metadata; the bytes live in storage under `storage_key`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantMixin, utcnow


class Attachment(TenantMixin, Base):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: the uploaded name, sanitised for display and download; never a filesystem path
    filename: Mapped[str] = mapped_column(String(255))
    #: server-chosen random key in the attachment storage
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: bytes
    size: Mapped[int] = mapped_column(BigInteger)
    #: sniffed from the content (disputes.attachments.sniff), not the client's claim
    content_type: Mapped[str] = mapped_column(String(100))
    #: hex digest of the content
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the comment it is attached to (threads add the foreign key); None until attached
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL"), index=True
    )
