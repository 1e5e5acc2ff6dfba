"""The imports queue's job: run one queued import by id (safe to run twice)."""

from __future__ import annotations

from core.extensions import db
from core.jobs import get_job_logger, job
from ledger.imports.models import ACTIVE, ImportBatch, ImportStatus
from ledger.imports.service import execute_batch, progress_writer

log = get_job_logger(__name__)


@job("imports", retries=2, timeout=1800)
def run_import(batch_id: int) -> None:
    """Parse and upsert import `batch_id`; its rows commit with the outbox row, all or nothing."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status.value not in ACTIVE:
        return  # gone, or finished by an earlier delivery
    progress = progress_writer(batch_id)
    # The side connection must not wait on a row lock we hold: touch the batch row only there
    # until the end, when the same transaction writes status, counts and the invoices.
    progress(0.05, status=ImportStatus.RUNNING.value)
    execute_batch(batch, progress=progress)
    log.info("import %s %s: %s", batch_id, batch.status.value, batch.counts)
