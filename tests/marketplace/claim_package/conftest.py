"""Claim-package tests: uploads go to a temporary directory of each test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def store(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store"
    monkeypatch.setitem(app.config, "ATTACHMENTS_DIR", str(path))
    return path
