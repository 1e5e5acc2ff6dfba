"""Shared fixtures: one app per run, on SQLite or a fresh PostgreSQL database.

    pytest                       # SQLite file database, jobs inline
    pytest --db=postgresql       # a new database duebridge_test_<pid> on 127.0.0.1, dropped after

Each test runs inside a transaction rolled back at the end (savepoints let app code
commit), so `enqueue_after_commit` hooks really fire. Tests marked `committed` (a real
worker in another process must see the rows) commit for real and the tables are
emptied afterwards.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text

from core.app import create_app
from core.extensions import db, limiter
from tests import factories

PG_ADMIN_URL = os.environ.get(
    "DUEBRIDGE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SECRET = "test-secret-key-that-is-long-enough-for-production-checks"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("DUEBRIDGE_TEST_DB", "sqlite"),
        help="database the suite runs against",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "committed: the test commits for real (other processes read it)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (row locks, races) are deselected, not skipped, on SQLite."""
    if config.getoption("--db") == "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def service_missing(what: str, why: object) -> None:
    """On CI a missing service fails the run; on a laptop the dependent tests skip."""
    message = f"{what} is not reachable: {why}"
    if ON_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    import sqlalchemy as sa

    name = f"duebridge_test_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        service_missing("PostgreSQL", exc)
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


#: uploads made by tests land here, never in the repository's instance/ folder
ATTACHMENTS_DIR = tempfile.mkdtemp(prefix="duebridge-test-attachments-")


def app_config(database_url: str, **extra: Any) -> dict[str, Any]:
    """Test settings; `extra` overrides (e.g. REDIS_URL for worker tests)."""
    return {
        "ATTACHMENTS_DIR": ATTACHMENTS_DIR,
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_SERVER": None,
        "SESSION_COOKIE_SECURE": False,
        "PUBLIC_URL": "http://localhost",
        "CHEAP_PASSWORD_HASHING": True,
        **extra,
    }


class FreshContextClient(FlaskClient):
    """A test client whose every request gets its own app context (g, DB session).

    Flask reuses an active app context of the same app for a request, so without this
    a request would share the test body's `g` (Flask-Login caches the user there) and
    its identity map: a revoked token would still "work" within one test.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.expire_all()  # the test body sees what the request wrote


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(app_config(database_url))
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row (committed tests); TRUNCATE on PostgreSQL skips row triggers."""
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _isolation(
    request: pytest.FixtureRequest, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Roll every test back (savepoints let app code commit) unless it is `committed`."""
    limiter.reset()
    ctx = app.app_context()  # a fresh g and DB session for every test
    ctx.push()
    try:
        if request.node.get_closest_marker("committed"):
            yield
            empty_all_tables()
            return
        yield from _rolled_back(monkeypatch)
    finally:
        ctx.pop()


def _rolled_back(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    conn = db.engine.connect()
    trans = conn.begin()
    # Flask-SQLAlchemy 3.x binds sessions from db.engines, not Session(bind=...)
    # (pallets-eco/flask-sqlalchemy#1167): swap the engine for this connection.
    monkeypatch.setitem(db.engines, None, conn)
    db.session.remove()
    db.session.configure(join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        monkeypatch.undo()
        trans.rollback()
        conn.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_org() -> Callable[..., Any]:
    return factories.make_org


@pytest.fixture
def make_user() -> Callable[..., Any]:
    return factories.make_user


@pytest.fixture
def tenants() -> factories.Tenants:
    """Creditors A and B, agencies X and Y, each with a user of every role."""
    return factories.make_tenants()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[Any], FlaskClient]:
    """Put `user` in the test client's session (as a real login would)."""

    def login(user: Any) -> FlaskClient:
        with client.session_transaction() as sess:
            sess.clear()
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return client

    return login


@pytest.fixture
def bearer() -> Callable[[Any], dict[str, str]]:
    """Headers carrying a new API token for `user`."""
    return factories.bearer_headers


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@pytest.fixture
def csrf_token(client: FlaskClient) -> Callable[[str], str]:
    """The CSRF token a page hands to this client (GET `path` and read the form)."""

    def read(path: str = "/login") -> str:
        html = client.get(path).get_data(as_text=True)
        match = _CSRF.search(html)
        assert match, f"no csrf_token field on {path}"
        return match.group(1) or match.group(2)

    return read
