"""Extension objects, bare at import time; `init_app` wires them in the factory."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Blueprint
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from core.api import Api
from core.config import ROOT
from core.db import Base, configure_sqlite

db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    """Bind every extension to `app` (no connection is opened here)."""
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_sqlite(engine)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    # flask-smorest's Api serves one app (its spec lives on the object), so each app gets its own.
    rest_api = Api()
    rest_api.init_app(app)
    app.extensions["duebridge.api"] = rest_api


def register_api(app: Flask, blueprint: Blueprint) -> None:
    """Register a feature's flask-smorest blueprint on `app`'s API (and its OpenAPI doc)."""
    app.extensions["duebridge.api"].register_blueprint(blueprint)
