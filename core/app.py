"""The application factory: the only module that knows every feature."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from flask import Flask

from core import config as config_module
from core import errors, extensions, security
from core.config import ROOT, Config

#: feature packages, lowest layer first; each exposes init_app(app)
FEATURES = (
    "core.auth",
    "core.notifications",
    "core.web",
    "ledger",
    "disputes",
    "agencies",
    "marketplace",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides the environment (tests pass their settings here)."""
    app = Flask(__name__, static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    app.config.from_mapping(Config.from_env().as_flask())
    app.config.from_mapping(config_module.STATIC_SETTINGS)
    if config:
        app.config.update(config)
    config_module.finalise(app.config)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    extensions.init_app(app)
    from core import cli, jobs  # noqa: F401 - models and commands register on import

    for name in FEATURES:
        import_module(name).init_app(app)
    cli.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    return app
