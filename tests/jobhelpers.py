"""Running background jobs in tests: the queue backend (the embedded SQLite queue, or
Redis when PROCURE_TEST_REDIS_URL is set, with a queue name of its own on the shared
server), a worker in threads of the test process, and waiting for a job to finish."""

import os
import re
import time
import uuid

import pytest

from procure.extensions import db
from procure.jobs.models import Job
from procure.jobs.queue import huey_for, start_consumer

REDIS_URL = os.environ.get("PROCURE_TEST_REDIS_URL")


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, app):
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("needs PROCURE_TEST_REDIS_URL")
        app.config.update(JOBS_REDIS_URL=REDIS_URL, JOBS_QUEUE_NAME=f"procure-test-{uuid.uuid4()}")
    yield request.param
    huey_for(app).storage.flush_all()


def wait_until_finished(job_id: int, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job.finished:
            return job
        assert time.monotonic() < deadline, f"job {job_id} at {job.position}/{job.total}"
        time.sleep(0.1)


def run_worker(app, job_id: int) -> Job:
    consumer = start_consumer(app)
    try:
        return wait_until_finished(job_id)
    finally:
        consumer.stop(graceful=True)


def job_id_of(response) -> int:
    """The job a form queued: it redirects to the job's progress page."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/taken/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))
