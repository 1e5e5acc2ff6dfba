"""Ledger: see SPEC.md. Registers its blueprints, hooks and jobs in init_app."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to register yet; the feature issue fills this package in."""
