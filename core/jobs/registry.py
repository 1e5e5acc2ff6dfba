"""The job decorator, the fixed queue list and the periodic schedule."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any, ParamSpec, TypeVar

#: a short fixed list, as in Redash; workers listen to all of them by default
QUEUES = ("default", "emails", "imports", "payments")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class JobSpec:
    """How a job is queued: its queue, retries (with back-off) and time limit."""

    name: str
    queue: str
    retries: int
    intervals: tuple[int, ...]
    timeout: int


_jobs: dict[str, JobSpec] = {}


def job_name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def job(
    queue: str = "default",
    *,
    retries: int = 3,
    intervals: tuple[int, ...] = (10, 30, 60),
    timeout: int = 180,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a job: a top-level function taking ids, safe to run twice."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; use one of {QUEUES}")

    def register(fn: Callable[P, R]) -> Callable[P, R]:
        if "." in fn.__qualname__:
            raise ValueError(f"{fn.__qualname__}: a job must be a module-level function")
        name = job_name(fn)
        _jobs[name] = JobSpec(name, queue, retries, intervals, timeout)
        return fn

    return register


def spec_for(fn: Callable[..., Any]) -> JobSpec:
    name = job_name(fn)
    if name not in _jobs:
        raise ValueError(f"{name} is not declared with @job")
    return _jobs[name]


def resolve(name: str) -> tuple[Callable[..., Any], JobSpec]:
    """Find a declared job by name; refuse anything not declared (a tampered row).

    A row's text is data: only modules of our own packages are imported to find a job
    that is not registered yet, so a tampered name cannot import arbitrary code.
    """
    module, _, attr = name.partition(":")
    if name not in _jobs and module.split(".")[0] in _job_packages():
        with suppress(ImportError):
            import_module(module)
    spec = _jobs.get(name)
    fn = getattr(sys.modules.get(module), attr, None) if spec else None
    if spec is None or fn is None or job_name(fn) != name:
        raise LookupError(f"no job named {name!r}")
    return fn, spec


def _job_packages() -> frozenset[str]:
    """Top-level packages that may declare jobs: core and the features."""
    from core.app import FEATURES

    return frozenset(feature.split(".")[0] for feature in FEATURES) | {"core"}


class _JobIdAdapter(logging.LoggerAdapter):  # type: ignore[type-arg]
    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        from rq import get_current_job

        current = get_current_job()
        return (f"[job={current.id}] {msg}" if current else msg), kwargs


def get_job_logger(name: str) -> logging.LoggerAdapter:  # type: ignore[type-arg]
    """A logger that tags each line with the RQ job id (Redash's job logger)."""
    return _JobIdAdapter(logging.getLogger(name), {})


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker's beat enqueues every `interval`."""

    func: Callable[[], Any]
    interval: timedelta

    @property
    def name(self) -> str:
        return job_name(self.func)


def periodic_jobs() -> list[PeriodicJob]:
    """The whole schedule: core's own, then what features register under "periodic_jobs".

    Features register a function returning their PeriodicJob list in their init_app, so
    core never imports a feature (STYLE §2c).
    """
    from core import hooks
    from core.jobs import outbox

    schedule = [PeriodicJob(outbox.purge_done, interval=timedelta(hours=6))]
    for entries in hooks.collect("periodic_jobs"):
        schedule.extend(entries)
    return schedule
