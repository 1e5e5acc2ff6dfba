"""Tiny registries that let a lower layer call up without importing it (STYLE §2c)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

#: name → callables registered by features in their init_app
_registry: dict[str, list[Callable[..., Any]]] = defaultdict(list)

#: hook names in use; a typo in a name fails loudly instead of silently doing nothing
KNOWN = frozenset(
    {
        "dashboard_panels",
        "nav_items",
        "today_items",
        "stripe_event",
        "demo_seed",
        "periodic_jobs",
        "invoice_disputes",
        "invoice_sections",
        "debtor_sections",
        "imported_disputes",
        "agency_statistics",
    }
)


def register(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register `fn` under `name` (idempotent, so factories in tests can run twice)."""
    if name not in KNOWN:
        raise KeyError(f"unknown hook {name!r}")
    if fn not in _registry[name]:
        _registry[name].append(fn)
    return fn


def unregister(name: str, fn: Callable[..., Any]) -> None:
    """Remove `fn` from `name` if it is there (tests that add a hook for one test)."""
    if name not in KNOWN:
        raise KeyError(f"unknown hook {name!r}")
    if fn in _registry[name]:
        _registry[name].remove(fn)


def collect(name: str, *args: Any, **kw: Any) -> list[Any]:
    """Call every function registered under `name`; return their results in order."""
    if name not in KNOWN:
        raise KeyError(f"unknown hook {name!r}")
    return [fn(*args, **kw) for fn in _registry[name]]
