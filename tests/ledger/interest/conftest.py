"""The interest library is pure: no app, no database (overrides the suite's `_isolation`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _isolation() -> Iterator[None]:
    """Pure functions need no app context or transaction."""
    yield
