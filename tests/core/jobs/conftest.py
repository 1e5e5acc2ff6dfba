"""Real parts for the job tests: an SMTP server, a Redis server of the test's own, a worker.

App variants (`make_app`) share the test's connection unless the test is `committed`, so
the savepoint-per-test isolation covers them too; committed tests use a real engine and
the tables are emptied afterwards.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from redis.exceptions import RedisError

from core.app import create_app
from core.auth.models import User
from core.extensions import db
from tests import factories
from tests.conftest import SECRET, app_config, service_missing

ROOT = Path(__file__).resolve().parents[3]
_FLASK_SCRIPT = Path(sys.executable).with_name("flask")  # .venv/bin/flask
#: the `flask` command of this virtualenv
FLASK = [str(_FLASK_SCRIPT)] if _FLASK_SCRIPT.exists() else [sys.executable, "-m", "flask"]


def free_port() -> int:
    """A TCP port nothing listens on right now (bind, read, release)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], Any], timeout: float = 20, what: str = "condition") -> Any:
    """Poll `check` until it returns something truthy, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


# --- SMTP ----------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """An aiosmtpd server on loopback that keeps every message it accepts."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages addressed to `address`."""
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture(scope="package")
def smtp_server() -> Iterator[SmtpSink]:
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp(smtp_server: SmtpSink) -> SmtpSink:
    """The SMTP sink, emptied for this test."""
    smtp_server.messages.clear()
    return smtp_server


# --- Redis ---------------------------------------------------------------------------


class RedisServer:
    """A redis-server subprocess of the test's own; `stop()`/`start()` keep the port."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def client(self) -> Redis:
        return Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=5)

    def start(self) -> None:
        log = (self.workdir / "redis.log").open("ab")
        command = [
            "redis-server",
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
        ]
        self.proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            pytest.fail(f"redis-server exited: {(self.workdir / 'redis.log').read_text()}")
        try:
            return bool(self.client().ping())
        except RedisError:  # not listening yet
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server", "not on PATH")
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


# --- App variants ----------------------------------------------------------------------


@pytest.fixture
def make_app(
    request: pytest.FixtureRequest, app: Flask, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra settings; `with variant.app_context():` to use it."""
    committed = request.node.get_closest_marker("committed") is not None
    test_connection = db.engines[None]  # the savepoint-isolated connection (non-committed)
    built: list[Flask] = []

    def build(**extra: Any) -> Flask:
        variant = create_app(app_config(database_url, CHEAP_PASSWORD_HASHING=True, **extra))
        if not committed:
            with variant.app_context():
                monkeypatch.setitem(db.engines, None, test_connection)
        built.append(variant)
        return variant

    yield build
    for variant in built:
        with variant.app_context():
            db.session.remove()
            if committed:
                for engine in db.engines.values():
                    engine.dispose()


@dataclass
class Owner:
    """An organisation owner with an API token, made inside the current app context."""

    user: User
    headers: dict[str, str]

    def invite(self, client: FlaskClient, address: str, role: str = "credit") -> Any:
        """POST /api/v1/invitations as this owner."""
        return client.post(
            "/api/v1/invitations", json={"email": address, "role": role}, headers=self.headers
        )


def make_owner() -> Owner:
    """A creditor organisation with its owner (cheap: one user, not the twelve of tenants)."""
    org = factories.make_org("creditor")
    user = factories.make_user(org, "owner")
    return Owner(user, factories.bearer_headers(user))


# --- The real worker ------------------------------------------------------------------------


@pytest.fixture
def worker_env(database_url: str, smtp: SmtpSink) -> Callable[[str | None], dict[str, str]]:
    """Environment for a `flask worker` subprocess against the test database and `redis_url`."""

    def env(redis_url: str | None) -> dict[str, str]:
        values = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "DUEBRIDGE_MODE": "development",
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": str(smtp.port),
            "RATELIMIT_STORAGE_URI": "memory://",
            "PUBLIC_URL": "http://localhost",
            "PYTHONPATH": str(ROOT),
        }
        values.pop("REDIS_URL", None)
        if redis_url:
            values["REDIS_URL"] = redis_url
        return values

    return env


@pytest.fixture
def run_worker(worker_env: Callable[[str | None], dict[str, str]]) -> Callable[..., Any]:
    """Run `flask worker --burst` to completion; the test's own session is closed first."""

    def run(
        redis_url: str | None, *args: str, app_module: str = "wsgi", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        db.session.remove()  # SQLite: an open read transaction would block the worker's writes
        done = subprocess.run(
            [*FLASK, "--app", app_module, "worker", "--burst", *args],
            env=worker_env(redis_url),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        print(f"--- flask worker (exit {done.returncode}) ---\n{done.stdout}{done.stderr}")
        if check:
            assert done.returncode == 0, f"worker failed:\n{done.stdout}\n{done.stderr}"
        return done

    return run
