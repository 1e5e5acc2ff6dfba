"""In-app notifications and per-user e-mail preferences (SPEC §3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TenantMixin, utcnow

#: kinds the preferences page offers; `notify` accepts any lower_snake kind
KINDS: tuple[str, ...] = (
    "mention",
    "assignment",
    "status_change",
    "sla_breach",
    "bid",
    "award",
)


class Notification(TenantMixin, Base):
    """One message for one user; `key` makes a repeated notify a no-op."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # the badge COUNT and the "unread" filter: user's rows with read_at IS NULL
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    #: plain text, escaped wherever it is shown
    body: Mapped[str] = mapped_column(Text, default="")
    #: a local path ("/disputes/12#comment-3"), never an absolute URL
    url: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """Whether `user` wants e-mail for `kind`; no row means yes."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    email: Mapped[bool] = mapped_column(default=True)
