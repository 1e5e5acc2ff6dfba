"""Fixtures for the agency tests: a case-statistics provider registered for one test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core import hooks


@pytest.fixture
def provide_case_figures() -> Iterator[Callable[[Callable[[list[int]], Any]], None]]:
    """Register `agency_statistics` providers (as the marketplace will); removed afterwards."""
    added: list[Callable[..., Any]] = []

    def register(provider: Callable[[list[int]], Any]) -> None:
        hooks.register("agency_statistics", provider)
        added.append(provider)

    yield register
    for provider in added:
        hooks.unregister("agency_statistics", provider)


@pytest.fixture
def no_case_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `agency_statistics` provider at all, whatever features registered (restored after)."""
    monkeypatch.setitem(hooks._registry, "agency_statistics", [])
