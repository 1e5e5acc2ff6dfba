"""An app with the attachments API registered, for this package's tests only.

Until `disputes.init_app` calls `disputes.attachments.init_app`, the suite's app has no
attachment routes, so this package overrides `app` with its own (package scope: it is
gone when the package is done). Every test stores files in its own temporary directory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.app import create_app
from core.extensions import db
from disputes import attachments
from tests.conftest import FreshContextClient, app_config

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(scope="package")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    store = tmp_path_factory.mktemp("attachments")
    app = create_app(app_config(database_url, ATTACHMENTS_DIR=str(store)))
    attachments.init_app(app)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's storage directory (created by the first save)."""
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path


def upload(client: FlaskClient, headers: dict[str, str], name: str, data: bytes) -> Any:
    """POST /api/v1/attachments with `data` as the `file` part named `name`."""
    return client.post(
        "/api/v1/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def stored_files(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir()) if store.exists() else []
