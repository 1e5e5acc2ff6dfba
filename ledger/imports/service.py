"""Start an import and run it: parse, refuse on any error, else upsert by invoice number.

Services flush and never commit (STYLE §3.4): the API view, the CLI or the job's outbox
transaction commits once, so a refused or failed import leaves no invoice behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core import audit
from core.auth.models import Organization, User
from core.db import utcnow
from core.errors import Conflict, DomainError, ValidationFailed
from core.extensions import db
from core.jobs import enqueue_after_commit
from ledger.clock import today
from ledger.imports.models import ACTIVE, ImportBatch, ImportStatus
from ledger.imports.parsing import PRESETS, detect_kind, parse_file
from ledger.imports.plan import build_plan
from ledger.imports.write import RowsRefused, apply_plan

#: the largest file accepted (the request limit, MAX_CONTENT_LENGTH, is a little higher)
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: files up to this size and CSV row count run inside the request; larger ones are queued
SYNC_MAX_BYTES = 1024 * 1024
SYNC_MAX_ROWS = 2_000


class ImportTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class ImportInProgress(Conflict):
    """The same file is being imported already (T24): point at that import."""

    code = "import_in_progress"


class ImportRefused(ValidationFailed):
    """A file with any bad row is refused whole; the batch row stays for GET to show."""

    code = "import_refused"

    def __init__(self, batch: ImportBatch) -> None:
        errors = [e for e in batch.errors if e.get("severity") != "warning"]
        super().__init__(
            f"The file was refused: {len(errors)} error(s), nothing was imported.",
            details={"import_id": batch.id, "errors": errors},
        )


def start_import(
    org: Organization,
    *,
    actor: User | None,
    filename: str,
    data: bytes,
    dry_run: bool = False,
    preset: str | None = None,
    inline: bool | None = None,
) -> ImportBatch:
    """Record an upload; run it now when small (or `inline`), else queue `run_import`."""
    if preset is not None and preset not in PRESETS:
        raise ValidationFailed(
            "Unknown preset.", details={"preset": [f"Use one of {', '.join(sorted(PRESETS))}."]}
        )
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportTooLarge(
            "The file is too large to import.", details={"max_bytes": MAX_IMPORT_BYTES}
        )
    if inline is None:
        inline = runs_inline(filename, data)
    batch = ImportBatch(
        org_id=org.id,
        created_by_id=actor.id if actor else None,
        filename=(filename or "upload")[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content=data,
        preset=preset,
        dry_run=dry_run,
        status=ImportStatus.RUNNING if inline else ImportStatus.QUEUED,
        progress=0.0,
        counts={},
        errors=[],
    )
    try:
        # The unique partial index on active (org, sha256, dry_run) settles races (T24).
        with db.session.begin_nested():
            db.session.add(batch)
            db.session.flush()
    except IntegrityError:
        _raise_in_progress(org, batch.sha256, dry_run)
    if inline:
        return execute_batch(batch)
    enqueue_after_commit(_job(), batch.id)
    return batch


def runs_inline(filename: str, data: bytes) -> bool:
    """Small files are imported within the request; big ones go to the imports queue."""
    if len(data) > SYNC_MAX_BYTES:
        return False
    kind, _why = detect_kind(filename, data)
    return kind != "csv" or data.count(b"\n") <= SYNC_MAX_ROWS


def _raise_in_progress(org: Organization, sha256: str, dry_run: bool) -> None:
    other = db.session.scalar(
        select(ImportBatch.id).where(
            ImportBatch.org_id == org.id,
            ImportBatch.sha256 == sha256,
            ImportBatch.dry_run == dry_run,
            ImportBatch.status.in_(ACTIVE),
        )
    )
    raise ImportInProgress("This file is being imported already.", details={"import_id": other})


def _job() -> Callable[[int], None]:
    from ledger.imports.jobs import run_import

    return run_import


def run_batch(
    batch: ImportBatch, *, progress: Callable[[float], None] | None = None
) -> ImportBatch:
    """Parse and upsert `batch` in the current transaction; any error refuses the whole file."""
    report = progress or (lambda _p: None)
    org = db.session.get(Organization, batch.org_id)
    assert org is not None
    result = parse_file(
        batch.filename, batch.content, preset=batch.preset, default_currency=org.currency
    )
    report(0.4)
    plan = build_plan(org, result, today())
    report(0.5)
    actor = db.session.get(User, batch.created_by_id) if batch.created_by_id else None
    if not plan.errors and not batch.dry_run:
        apply_plan(
            plan,
            org,
            reference=f"Import #{batch.id} ({batch.filename})"[:140],
            progress=lambda p: report(0.5 + 0.45 * p),
            actor=actor,
        )
    batch.status = ImportStatus.FAILED if plan.errors else ImportStatus.SUCCEEDED
    batch.counts = plan.counts
    batch.errors = plan.errors + plan.warnings
    batch.progress = 1.0
    batch.finished_at = utcnow()
    audit.record(
        "import.refused" if plan.errors else "import.completed",
        actor=actor,
        org=org,
        object_type="import",
        object_id=batch.id,
        after={"filename": batch.filename, "dry_run": batch.dry_run, **plan.counts},
    )
    db.session.flush()
    return batch


def _no_progress(_value: float, **_values: Any) -> None:
    """Progress nobody else can see (SQLite, tests): skip the write."""


def progress_writer(batch_id: int) -> Callable[..., None]:
    """Write `progress` on its own short connection, so the import's rows stay uncommitted.

    Only on a PostgreSQL engine: SQLite allows one writer at a time (the import holds it),
    and a test connection shared with the job cannot commit separately.
    """
    bind = db.session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return _no_progress
    engine = bind

    def write(value: float, **values: Any) -> None:
        with engine.begin() as conn:
            conn.execute(
                update(ImportBatch.__table__)
                .where(ImportBatch.__table__.c.id == batch_id)
                .values(progress=round(value, 3), **values)
            )

    return write


def execute_batch(
    batch: ImportBatch, *, progress: Callable[[float], None] | None = None
) -> ImportBatch:
    """`run_batch` in a savepoint: a row the ledger refuses fails the import, writes nothing."""
    try:
        with db.session.begin_nested():
            run_batch(batch, progress=progress)
    except RowsRefused as exc:
        _fail(batch, exc.message, errors=exc.errors)
    except DomainError as exc:
        _fail(batch, exc.message)
    except IntegrityError as exc:
        _fail(batch, f"The ledger refused a row: {exc.orig}")
    return batch


def _fail(batch: ImportBatch, message: str, *, errors: list[dict[str, Any]] | None = None) -> None:
    """Mark the batch failed; `errors` are row errors found while writing (else one message)."""
    batch.status = ImportStatus.FAILED
    batch.progress = 1.0
    batch.finished_at = utcnow()
    rejected = len({(e["file"], e["row"]) for e in errors}) if errors else 0
    batch.counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": rejected}
    batch.errors = errors or [
        {"file": batch.filename, "row": None, "field": None, "code": "import_failed",
         "message": message}
    ]  # fmt: skip
    db.session.flush()
