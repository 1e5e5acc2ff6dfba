"""`flask worker`: an RQ worker inside the app, with a beat that relays the outbox."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq import Worker

from core.extensions import db
from core.jobs.outbox import enqueue_after_commit, execute, relay_pending
from core.jobs.queues import queue, redis_connection
from core.jobs.registry import QUEUES, get_job_logger, periodic_jobs

log = get_job_logger(__name__)

#: seconds between beats (outbox relay, periodic jobs); also the idle dequeue timeout
BEAT_SECONDS = 5


def run_outbox_message(outbox_id: int) -> bool:
    """RQ entry point for every job: run outbox row `outbox_id` exactly once."""
    ran = execute(outbox_id)
    if not ran:
        log.info("outbox row %s already done; duplicate delivery ignored", outbox_id)
    return ran


class AppWorker(Worker):
    """An RQ worker whose jobs run in an app context, and whose idle loop beats."""

    app: Flask
    _next_beat = 0.0
    _parent_pid = 0

    @property
    def dequeue_timeout(self) -> int:  # type: ignore[override]
        return BEAT_SECONDS

    def perform_job(self, job: Any, queue: Any, *args: Any, **kw: Any) -> bool:
        with self.app.app_context():
            if os.getpid() != self._parent_pid:
                # A forked work horse must not share the parent's pooled connections.
                for engine in db.engines.values():
                    engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, *args, **kw)
            finally:
                db.session.remove()

    def heartbeat(self, *args: Any, **kw: Any) -> None:
        super().heartbeat(*args, **kw)
        if os.getpid() == self._parent_pid and time.monotonic() >= self._next_beat:
            self.beat()

    def beat(self, min_age: timedelta = timedelta(seconds=5)) -> None:
        """Relay outbox rows that missed their dispatch and start due periodic jobs."""
        self._next_beat = time.monotonic() + BEAT_SECONDS
        with self.app.app_context():
            try:
                relayed = relay_pending(min_age=min_age)
                if relayed:
                    logging.getLogger(__name__).info("relayed %d outbox job(s)", relayed)
                enqueue_due_periodic()
            except Exception:
                logging.getLogger(__name__).exception("beat failed; will try again")
            finally:
                db.session.remove()


def enqueue_due_periodic() -> list[str]:
    """Enqueue each periodic job whose interval has passed (one worker wins per slot)."""
    conn = redis_connection()
    started = []
    for periodic in periodic_jobs():
        seconds = max(1, int(periodic.interval.total_seconds()))
        key = f"duebridge:periodic:{periodic.name}"
        if conn.set(key, datetime.now(UTC).isoformat(), nx=True, ex=seconds):
            enqueue_after_commit(periodic.func)
            started.append(periodic.name)
    db.session.commit()
    return started


def build_worker(app: Flask, queue_names: tuple[str, ...]) -> AppWorker:
    """An AppWorker for `queue_names` (all queues when empty) on the app's Redis."""
    names = queue_names or QUEUES
    unknown = [n for n in names if n not in QUEUES]
    if unknown:
        raise click.BadParameter(f"unknown queue(s) {', '.join(unknown)}; choose from {QUEUES}")
    worker = AppWorker([queue(n) for n in names], connection=redis_connection())
    worker.app = app
    worker._parent_pid = os.getpid()
    return worker


@click.command("worker")
@click.argument("queues", nargs=-1, type=click.Choice(QUEUES))
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--no-scheduler", is_flag=True, help="Do not run RQ's scheduler (retries, delays).")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool, no_scheduler: bool) -> None:
    """Run an RQ worker for the app's queues (all of them by default)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set: jobs run in-process, no worker is needed."
        )
    worker = build_worker(app, queues)
    if burst:
        # Relay everything that waited in the outbox (however young) before draining.
        worker.beat(min_age=timedelta(0))
    click.echo(f"worker {worker.name} listening on {', '.join(worker.queue_names())}")
    worker.work(burst=burst, with_scheduler=not no_scheduler, logging_level="INFO")


@click.group("outbox")
def outbox_cli() -> None:
    """Inspect and relay the job outbox."""


@outbox_cli.command("relay")
@with_appcontext
def relay_command() -> None:
    """Hand every pending outbox row to the queue (or run it, without Redis)."""
    count = relay_pending(min_age=timedelta(0))
    click.echo(f"relayed {count} job(s)")
