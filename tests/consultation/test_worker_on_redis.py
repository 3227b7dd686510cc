"""The production path of a periodic job: a real Celery worker process on the Redis broker closes an
idle consultation in the shared PostgreSQL database. Every other test runs tasks eagerly."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from terpadu.config.celery import app as celery_app
from terpadu.consultation import services, tasks
from terpadu.consultation.models import Consultation

from .conftest import open_consultation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL: a worker process shares neither SQLite "
        "test transactions nor the in-memory broker",
    ),
]


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": settings.REDIS_URL}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "terpadu",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_on_redis_closes_an_idle_consultation(worker, unit_a, standard_a, public_user, consultant_a):
    answered_at = timezone.now() - dt.timedelta(days=8)
    consultation = open_consultation(unit_a, public_user, now=answered_at - dt.timedelta(hours=1))
    services.message_post(consultation=consultation, actor=consultant_a, body="Tabel 3.", now=answered_at)

    celery_app.conf.task_always_eager = False
    try:
        tasks.close_idle_consultations.delay()
    finally:
        celery_app.conf.task_always_eager = True

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and worker.poll() is None:
        consultation.refresh_from_db()
        if consultation.status == Consultation.Status.CLOSED:
            break
        time.sleep(0.3)
    if worker.poll() is not None:
        pytest.fail(f"the worker exited: {worker.stdout.read().decode(errors='replace')[-2000:]}")
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.close_reason == Consultation.CloseReason.NO_RESPONSE
