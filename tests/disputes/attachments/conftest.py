"""Attachment test helpers: every test stores files in its own temporary directory."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


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
