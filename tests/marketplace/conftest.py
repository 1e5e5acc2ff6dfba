"""Real parts the marketplace tests share with the job tests: a Redis of their own, app variants."""

from tests.core.jobs.conftest import make_app, redis_server  # noqa: F401 - fixtures
