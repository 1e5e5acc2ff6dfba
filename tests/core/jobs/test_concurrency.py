"""Two runners racing for the same row on PostgreSQL: the row lock lets exactly one win."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from core.extensions import db
from core.jobs import OutboxMessage, execute
from core.jobs.registry import job_name
from core.mail import OutgoingEmail, deliver_email
from tests.core.jobs.conftest import SmtpSink
from tests.core.jobs.sample_jobs import CALLS, record_run, runs

pytestmark = [pytest.mark.postgres_only, pytest.mark.committed]
ROUNDS = 50


def race(app: Flask, outbox_ids: list[int]) -> list[Any]:
    """Run `execute` for each id in its own thread and app context, released together."""
    barrier = threading.Barrier(len(outbox_ids))
    results: list[Any] = []
    lock = threading.Lock()

    def runner(outbox_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcome: Any = execute(outbox_id)
            except Exception as exc:
                outcome = exc
            finally:
                db.session.remove()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=runner, args=(i,)) for i in outbox_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a runner is stuck"
    return results


def add_rows(fn: Callable[..., Any], *args: Any, copies: int = 1) -> list[int]:
    rows = [
        OutboxMessage(job=job_name(fn), queue="default", args=list(args), kwargs={})
        for _ in range(copies)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def test_two_runners_of_one_outbox_row_run_the_job_once(app: Flask) -> None:
    CALLS.clear()
    for n in range(ROUNDS):
        [outbox_id] = add_rows(record_run, f"race-{n}")

        results = race(app, [outbox_id, outbox_id])

        assert sorted(results) == [False, True], results
        assert runs(f"race-{n}") == 1
    assert len(CALLS) == ROUNDS  # the loser never entered the job body


def test_two_jobs_delivering_one_email_at_once_send_it_once(make_app, smtp: SmtpSink) -> None:
    variant = make_app(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        for n in range(ROUNDS // 5):
            email = OutgoingEmail(
                key=f"race:{n}", to=f"race{n}@example.com", subject="Race", body_text="Hello"
            )
            db.session.add(email)
            db.session.commit()
            # two outbox rows for one e-mail: each runner wins its own row
            outbox_ids = add_rows(deliver_email, email.id, copies=2)

            results = race(variant, outbox_ids)

            assert results == [True, True], results
            assert len(smtp.to(f"race{n}@example.com")) == 1
