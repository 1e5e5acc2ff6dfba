"""Jobs without Redis: the outbox row commits with the caller and runs right after commit."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.jobs import OutboxMessage, enqueue_after_commit, execute, relay_pending
from core.jobs.registry import job_name
from tests.core.jobs import sample_jobs
from tests.core.jobs.sample_jobs import CALLS, FAIL_NEXT, fail_once, record_run, runs


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()
    FAIL_NEXT.clear()


def outbox_row(fn_name: str, *args: object) -> OutboxMessage:
    """Commit an outbox row directly (no after-commit dispatch), as a relay would find it."""
    row = OutboxMessage(job=fn_name, queue="default", args=list(args), kwargs={})
    db.session.add(row)
    db.session.commit()
    return row


def rows_for(tag: str) -> list[OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [r for r in rows if r.args and r.args[0] == tag]


def test_job_runs_after_commit_and_not_before() -> None:
    enqueue_after_commit(record_run, "after-commit")
    db.session.flush()
    assert CALLS == []

    db.session.commit()

    assert CALLS == ["after-commit"]
    assert runs("after-commit") == 1
    [row] = rows_for("after-commit")
    assert row.done_at is not None


def test_job_never_runs_when_the_transaction_rolls_back() -> None:
    enqueue_after_commit(record_run, "rolled-back")
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later commit must not find a leftover job

    assert CALLS == []
    assert rows_for("rolled-back") == []


def test_savepoint_release_does_not_run_the_job_before_the_real_commit() -> None:
    with db.session.begin_nested():
        enqueue_after_commit(record_run, "in-savepoint")
    assert CALLS == []

    db.session.commit()
    assert CALLS == ["in-savepoint"]


def test_savepoint_rollback_keeps_the_jobs_of_the_enclosing_transaction() -> None:
    enqueue_after_commit(record_run, "kept")
    nested = db.session.begin_nested()
    enqueue_after_commit(record_run, "dropped")
    db.session.flush()
    nested.rollback()

    db.session.commit()

    assert CALLS == ["kept"]
    assert rows_for("dropped") == []


def test_failed_inline_job_stays_pending_and_the_relay_runs_it_later() -> None:
    FAIL_NEXT.add("flaky-inline")
    enqueue_after_commit(fail_once, "flaky-inline")
    db.session.commit()  # the request still succeeds

    [row] = rows_for("flaky-inline")
    assert row.done_at is None
    assert runs("flaky-inline") == 0  # the failed run was rolled back with its done mark

    assert relay_pending(min_age=timedelta(0)) == 1

    db.session.refresh(row)
    assert row.done_at is not None
    assert runs("flaky-inline") == 1
    assert CALLS == ["flaky-inline", "flaky-inline"]


def test_executing_the_same_row_twice_runs_the_job_once() -> None:
    row = outbox_row(job_name(record_run), "twice")

    assert execute(row.id) is True
    assert execute(row.id) is False

    assert runs("twice") == 1
    assert CALLS == ["twice"]


@pytest.mark.parametrize(
    "name",
    [
        "tests.core.jobs.sample_jobs:not_a_job",  # right shape, never declared
        "core.audit:record",  # a real function of ours
        "os:system",  # anything importable
        "tests.core.jobs.sample_jobs:missing",
        "no_such_module:fn",
    ],
)
def test_row_naming_an_undeclared_function_is_refused_and_nothing_runs(name: str) -> None:
    row = outbox_row(name, "tampered")

    with pytest.raises(LookupError):
        execute(row.id)

    assert CALLS == []
    assert runs("tampered") == 0
    db.session.refresh(row)
    assert row.done_at is None  # refused, not silently marked done


def test_tampered_row_name_does_not_import_its_module() -> None:
    module = "tests.core.jobs.import_side_effect"
    sys.modules.pop(module, None)
    row = outbox_row(f"{module}:anything", "tampered")

    with pytest.raises(LookupError):
        execute(row.id)

    assert module not in sys.modules


def test_relay_skips_a_tampered_row_and_still_runs_the_others() -> None:
    outbox_row("tests.core.jobs.sample_jobs:not_a_job", "tampered")
    good = outbox_row(job_name(record_run), "good")

    relay_pending(min_age=timedelta(0))

    assert CALLS == ["good"]
    db.session.refresh(good)
    assert good.done_at is not None
    assert [r.done_at for r in rows_for("tampered")] == [None]


def test_only_declared_jobs_can_be_enqueued() -> None:
    with pytest.raises(ValueError, match="not declared with @job"):
        enqueue_after_commit(sample_jobs.not_a_job, "x")


def test_features_add_periodic_jobs_through_the_hook():
    from datetime import timedelta

    from core import hooks
    from core.jobs import PeriodicJob, periodic_jobs
    from core.jobs.outbox import purge_done

    names = [p.name for p in periodic_jobs()]
    assert names[0] == "core.jobs.outbox:purge_done"

    def schedule():
        return [PeriodicJob(purge_done, interval=timedelta(days=1))]

    hooks.register("periodic_jobs", schedule)
    try:
        assert len(periodic_jobs()) == len(names) + 1
    finally:
        hooks._registry["periodic_jobs"].remove(schedule)
