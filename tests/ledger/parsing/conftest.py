"""The parsing library is pure: no app, no database (overrides the suite's `_isolation`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

#: the read-only sample files: <repo root>/../shared/samples (CI clones shared/ beside the repo)
SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Pure functions need no app context or transaction."""
    yield


@pytest.fixture(scope="session")
def samples() -> Path:
    """Directory of the shared sample invoices; fails (never skips) when missing."""
    assert SAMPLES.is_dir(), f"sample files not found at {SAMPLES.resolve()}"
    return SAMPLES
