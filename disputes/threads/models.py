"""Threads of comments (SPEC §3). A Dispute or Case row holds `thread_id`; a Thread holds no
pointer back to its owner (STYLE §2c)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.models import User
from core.db import Base, TenantMixin, utcnow
from disputes.attachments.models import Attachment

VISIBILITIES = ("internal", "shared")


class Thread(TenantMixin, Base):
    """A conversation; its owner (dispute, later case) points here, never the reverse."""

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(TenantMixin, Base):
    """One comment; `org_id` is the author's organisation. Deletes are soft."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("visibility IN ('internal', 'shared')", name="visibility_known"),
        Index("ix_comments_thread_id_created_at", "thread_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Markdown source (NFC, no NUL or bidi controls); rendered and sanitised on output
    body: Mapped[str] = mapped_column(Text)
    #: internal: the author's organisation only; shared: every party to the dispute/case
    visibility: Mapped[str] = mapped_column(String(10))
    #: ids of users of the author's organisation mentioned in the body
    mentions: Mapped[list[int]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    attachments: Mapped[list[Attachment]] = relationship(
        Attachment,
        primaryjoin="Comment.id == foreign(Attachment.comment_id)",
        viewonly=True,
        order_by=Attachment.id,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class CommentRevision(TenantMixin, Base):
    """The text a comment had at `version`, kept when it was edited (or deleted)."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
