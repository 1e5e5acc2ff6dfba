"""`flask --app tests.core.jobs.worker_app worker`: the real app plus the test-only jobs."""

from core.app import create_app
from tests.core.jobs import sample_jobs  # noqa: F401 - registers the test jobs

app = create_app()
