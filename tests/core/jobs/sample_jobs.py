"""Test-only jobs; each run leaves an audit row `test.job_ran` (object_id = the tag)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select

from core import audit
from core.audit import AuditEvent
from core.extensions import db
from core.jobs import job

RAN = "test.job_ran"
#: tags whose next `fail_once` run raises (inline tests; this process only)
FAIL_NEXT: set[str] = set()
#: every call of a job body in this process, committed or not
CALLS: list[str] = []
_calls_lock = threading.Lock()


def _record(tag: str) -> None:
    with _calls_lock:
        CALLS.append(tag)
    audit.record(RAN, object_type="test", object_id=tag)


@job("default", retries=0)
def record_run(tag: str) -> None:
    """Leave one audit row for `tag`."""
    _record(tag)


@job("default", retries=0)
def fail_once(tag: str) -> None:
    """Record, then raise if `tag` was marked to fail (the rollback drops the record)."""
    _record(tag)
    if tag in FAIL_NEXT:
        FAIL_NEXT.discard(tag)
        raise RuntimeError(f"{tag}: failing as asked")


@job("default", retries=2, intervals=(1, 1))
def flaky(tag: str, marker: str) -> None:
    """Fail the first attempt (a marker file remembers it across processes), then record."""
    path = Path(marker)
    if not path.exists():
        path.write_text("first attempt failed\n", encoding="utf-8")
        raise RuntimeError(f"{tag}: first attempt fails")
    _record(tag)


@job("default", retries=0)
def always_fails(tag: str) -> None:
    """Raise every time."""
    raise RuntimeError(f"{tag}: always fails")


def not_a_job(tag: str) -> None:
    """A plain function with the right shape that was never declared with @job."""
    _record(tag)


def runs(tag: str) -> int:
    """Committed runs of a job for `tag`."""
    return int(
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == RAN, AuditEvent.object_id == tag
            )
        )
        or 0
    )
