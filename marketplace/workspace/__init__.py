"""The case workspace (SPEC §4): shared thread, agency activities, recoveries, costs and
the money summary of an awarded case."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from core.jobs import PeriodicJob


def init_app(app: Flask) -> None:
    """Register the workspace API and make case threads known to the thread code."""
    from core import hooks
    from core.extensions import register_api
    from marketplace.workspace import api, api_more, comments

    comments.register()
    register_api(app, api.blp)
    register_api(app, api_more.blp)
    hooks.register("periodic_jobs", schedule)


def schedule() -> list[PeriodicJob]:
    """The workspace's periodic jobs: promises to pay are settled daily."""
    from marketplace.workspace.promises import settle_promises

    return [PeriodicJob(settle_promises, interval=timedelta(hours=24))]
