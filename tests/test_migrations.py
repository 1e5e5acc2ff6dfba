"""Migrations: one head, and `upgrade head` on an empty database builds exactly the models.

Each test gets an empty database of the run's kind (a temporary SQLite file, or a new
PostgreSQL database `duebridge_migr_<pid>` next to the suite's own) and an app of its own
on it, so the shared test database is never touched. Alembic runs through Flask-Migrate,
as `flask db upgrade` does in production.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from pprint import pformat

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from core.app import create_app
from core.extensions import db
from tests.conftest import PG_ADMIN_URL, app_config, service_missing

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: STYLE.md §3.14: 20261122_1843_<rev>_<slug>.py, and the slug (message) is never empty
FILE_NAME = re.compile(r"^\d{8}_\d{4}_[0-9a-f]+_[a-z0-9_]+\.py$")


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Override conftest's per-test transaction: these tests never use the shared database."""
    yield


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """migrations/env.py calls logging.config.fileConfig, which disables every existing
    logger (and replaces the root handlers); put them back so later tests still log."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    loggers = [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    disabled = {lg.name: lg.disabled for lg in loggers}
    yield
    root.handlers[:], root.level = handlers, level
    for lg in logging.Logger.manager.loggerDict.values():
        if isinstance(lg, logging.Logger):
            lg.disabled = disabled.get(lg.name, False)


@pytest.fixture
def empty_database_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, of the kind this run uses."""
    if db_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"duebridge_migr_{os.getpid()}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        service_missing("PostgreSQL", exc)
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def empty_app(empty_database_url: str, keep_logging: None) -> Iterator[Flask]:
    """An app (and app context) bound to the empty database."""
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_diff() -> list[object]:
    """What autogenerate would still emit: empty when the database matches the models."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def table_names() -> set[str]:
    with db.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_migrations_have_a_single_head_and_named_files() -> None:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    heads = scripts.get_heads()
    assert len(heads) == 1, f"expected one Alembic head, found {heads}: merge them"
    for rev in scripts.walk_revisions():
        name = Path(rev.path).name
        assert FILE_NAME.match(name), f"{name}: use alembic.ini's file_template and -m MESSAGE"
        assert (rev.doc or "").strip(), f"{name}: the migration has no message"


def test_upgrade_from_empty_database_gives_the_models_schema(empty_app: Flask) -> None:
    assert table_names() == set()
    flask_migrate.upgrade(directory=str(MIGRATIONS))
    diff = schema_diff()
    assert not diff, (
        "the migrations do not build the models' schema; run `flask --app wsgi db migrate "
        '-m "..."` and review the file. Differences:\n' + pformat(diff)
    )


def test_downgrade_to_base_and_upgrade_again(empty_app: Flask) -> None:
    flask_migrate.upgrade(directory=str(MIGRATIONS))
    flask_migrate.downgrade(directory=str(MIGRATIONS), revision="base")
    assert table_names() <= {"alembic_version"}, "downgrade base left tables behind"
    flask_migrate.upgrade(directory=str(MIGRATIONS))
    assert schema_diff() == []
