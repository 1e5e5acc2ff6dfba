"""An uploaded import: its file, its progress, and what it created or refused."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from core.db import Base, TenantMixin, utcnow


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


#: statuses of an import still in flight (one per file and organisation at a time)
ACTIVE = (ImportStatus.QUEUED.value, ImportStatus.RUNNING.value)


class ImportBatch(TenantMixin, Base):
    """One uploaded file and its outcome; the file is kept so a worker anywhere can run it."""

    __tablename__ = "import_batches"
    __table_args__ = (
        # The same file twice at once: the second upload finds the first (T24).
        Index(
            "uq_import_batches_active_file",
            "org_id",
            "sha256",
            "dry_run",
            unique=True,
            postgresql_where=text("status IN ('queued', 'running')"),
            sqlite_where=text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255))
    #: hex SHA-256 of `content`
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    preset: Mapped[str | None] = mapped_column(String(40))
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ImportStatus] = mapped_column(
        Enum(
            ImportStatus,
            name="import_status",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ImportStatus.QUEUED,
    )
    #: 0.0 .. 1.0, written by the job as it goes
    progress: Mapped[float] = mapped_column(default=0.0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    #: [{file, row, field, code, message}], every problem of a refused file
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
