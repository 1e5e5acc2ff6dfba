"""A real RQ worker (`flask worker` subprocess) on a redis-server of the test's own."""

from __future__ import annotations

import signal
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from core.auth.models import Invitation
from core.extensions import db
from core.jobs import OutboxMessage, enqueue_after_commit, relay_pending
from core.mail import OutgoingEmail
from tests.core.jobs import sample_jobs
from tests.core.jobs.conftest import FLASK, ROOT, RedisServer, SmtpSink, make_owner, wait_until

TEST_JOBS_APP = "tests.core.jobs.worker_app"


def email_rows(address: str) -> tuple[OutgoingEmail, OutboxMessage]:
    """The e-mail to `address` and its delivery row in the outbox."""
    db.session.expire_all()
    email = db.session.scalar(select(OutgoingEmail).where(OutgoingEmail.to == address))
    assert email is not None
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.job == "core.mail:deliver_email")
    ).all()
    [row] = [r for r in rows if r.args == [email.id]]
    return email, row


def job_row(tag: str) -> OutboxMessage:
    """The outbox row of the test job run for `tag`, read afresh."""
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage)).all()
    [row] = [r for r in rows if r.args[:1] == [tag]]
    return row


def is_done(tag: str) -> bool:
    """Whether `tag`'s row is done; ends the read so SQLite lets the worker write meanwhile."""
    done = job_row(tag).done_at is not None
    db.session.rollback()
    return done


@pytest.mark.committed
def test_worker_delivers_the_invitation_email_queued_in_redis(
    make_app, redis_server: RedisServer, smtp: SmtpSink, run_worker
) -> None:
    variant = make_app(REDIS_URL=redis_server.url, MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        owner = make_owner()
        assert owner.invite(variant.test_client(), "queued@example.com").status_code == 201

        email, row = email_rows("queued@example.com")
        assert row.enqueued_at is not None and row.done_at is None
        assert Queue("emails", connection=redis_server.client()).job_ids == [f"outbox-{row.id}"]
        assert smtp.messages == []  # nothing is sent in the request

        run_worker(redis_server.url)

        assert len(smtp.to("queued@example.com")) == 1
        email, row = email_rows("queued@example.com")
        assert row.done_at is not None and email.sent_at is not None


@pytest.mark.committed
def test_redis_outage_commits_the_invitation_and_the_relay_sends_one_email_later(
    make_app, redis_server: RedisServer, smtp: SmtpSink, run_worker
) -> None:
    variant = make_app(REDIS_URL=redis_server.url, MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    with variant.app_context():
        owner = make_owner()
        redis_server.stop()

        resp = owner.invite(variant.test_client(), "outage@example.com")

        assert resp.status_code == 201
        db.session.remove()
        assert db.session.get(Invitation, resp.json["id"]) is not None
        email, row = email_rows("outage@example.com")
        assert row.enqueued_at is None and row.done_at is None and email.sent_at is None

        redis_server.start()  # same port, empty: Redis keeps nothing on disk here
        run_worker(redis_server.url)  # --burst beats first: the relay queues the row

        assert len(smtp.to("outage@example.com")) == 1
        email, row = email_rows("outage@example.com")
        assert row.done_at is not None and email.sent_at is not None

        run_worker(redis_server.url)
        assert len(smtp.to("outage@example.com")) == 1


def test_relay_requeues_a_job_redis_lost_but_never_queues_one_twice(
    make_app, redis_server: RedisServer
) -> None:
    variant = make_app(REDIS_URL=redis_server.url)
    queue = Queue("default", connection=redis_server.client())
    with variant.app_context():
        enqueue_after_commit(sample_jobs.record_run, "lost")
        db.session.commit()
        row = job_row("lost")
        assert queue.job_ids == [f"outbox-{row.id}"]

        relay_pending(min_age=timedelta(0), stale_after=timedelta(0))
        assert queue.job_ids == [f"outbox-{row.id}"]  # still queued: not pushed again

        redis_server.client().flushall()  # a restart without persistence
        assert relay_pending(min_age=timedelta(0), stale_after=timedelta(0)) == 1
        assert queue.job_ids == [f"outbox-{row.id}"]


@pytest.mark.committed
def test_job_failing_every_time_stays_failed_and_the_relay_does_not_revive_it(
    make_app, redis_server: RedisServer, run_worker
) -> None:
    variant = make_app(REDIS_URL=redis_server.url)
    with variant.app_context():
        enqueue_after_commit(sample_jobs.always_fails, "doomed")
        db.session.commit()
        row = job_row("doomed")

        run_worker(redis_server.url, app_module=TEST_JOBS_APP)

        conn = redis_server.client()
        assert f"outbox-{row.id}" in FailedJobRegistry("default", connection=conn).get_job_ids()
        assert job_row("doomed").done_at is None  # its transaction rolled back
        assert relay_pending(min_age=timedelta(0), stale_after=timedelta(0)) == 0
        assert Queue("default", connection=conn).job_ids == []


@pytest.mark.committed
def test_job_failing_once_is_retried_by_the_worker_and_its_scheduler(
    make_app, redis_server: RedisServer, worker_env, tmp_path: Path
) -> None:
    marker = tmp_path / "flaky-attempted"
    variant = make_app(REDIS_URL=redis_server.url)
    with variant.app_context():
        enqueue_after_commit(sample_jobs.flaky, "flaky", str(marker))
        db.session.commit()
        db.session.remove()

        worker = subprocess.Popen(
            [*FLASK, "--app", TEST_JOBS_APP, "worker"],
            env=worker_env(redis_server.url),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_until(lambda: is_done("flaky"), timeout=30, what="the retried job")
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                output, _ = worker.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                output, _ = worker.communicate()
        print(output)
        assert marker.exists(), output  # the first attempt ran and failed
        assert sample_jobs.runs("flaky") == 1, output


def test_worker_without_redis_url_exits_with_a_clear_message(worker_env) -> None:
    done = subprocess.run(
        [*FLASK, "--app", "wsgi", "worker", "--burst"],
        env=worker_env(None),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "REDIS_URL is not set" in done.stderr


def test_worker_refuses_an_unknown_queue(make_app, redis_server: RedisServer) -> None:
    variant = make_app(REDIS_URL=redis_server.url)

    result = variant.test_cli_runner().invoke(args=["worker", "--burst", "emails", "nope"])

    assert result.exit_code != 0
    assert "nope" in result.output
    assert redis_server.client().keys("rq:worker*") == []  # refused before starting
