"""The production path of background jobs: reminders queued in Redis and sent by RQ workers (django-tasks-rq).

Needs the Redis server on 127.0.0.1:6379 (database 15, emptied before and after); skipped without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from pytest_django.fixtures import Settings
from rq import Queue
from time_machine import escape_hatch

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.reminders import sending
from lasercare.practice.reminders.models import Reminder, ReminderStatus
from tests.web.reminder_helpers import Course, booked, moment

__all__ = ["booked"]
REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # no server, no package: the test cannot run here
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379 and django-tasks-rq")


@pytest.fixture
def rq_backend(settings: Settings) -> Iterator[Queue]:
    """django-tasks' default backend set to RQ, its queue in an emptied Redis database."""
    import django_rq

    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue: Queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def test_a_due_reminder_is_queued_in_redis_and_sent_by_an_rq_worker(booked: Course, rq_backend: Queue) -> None:
    from django_tasks_rq import Job
    from rq import SimpleWorker

    booked.move_to(moment(date(2026, 12, 3), 9))
    with TestCase.captureOnCommitCallbacks(execute=True):
        sending.dispatch_due()
    reminder = booked.reminders()["preparation 2026-12-03"]
    assert reminder.status == ReminderStatus.PENDING  # queued, not yet sent: the worker sends it
    assert mail.outbox == []
    assert rq_backend.count == 2  # with the sun avoidance's, which is late by now
    worker = SimpleWorker([rq_backend], connection=rq_backend.connection, job_class=Job)
    worker.work(burst=True)
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert [str(m.subject).split(" on ")[0] for m in mail.outbox] == ["Preparing for your appointment"]


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a worker process of its own reads the test database: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_an_rq_worker_process_sends_the_reminder_and_audits_it(
    booked: Course, rq_backend: Queue, tmp_path: Path
) -> None:
    now = escape_hatch.datetime.datetime.now(tz=moment(date(2026, 12, 3), 9).tzinfo)
    reminder = booked.reminders()["preparation 2026-12-03"]
    Reminder.objects.exclude(pk=reminder.pk).update(status=ReminderStatus.CANCELLED)
    # Due now on the real clock, which the worker process keeps.
    Reminder.objects.filter(pk=reminder.pk).update(due_at=now, next_attempt_at=now)
    assert sending.dispatch_due(now) == 1
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    subprocess.run(
        [sys.executable, "-m", "lasercare.site.manage", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job"],
        env={**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "LASERCARE_VAR_DIR": str(tmp_path)},
        check=True,
        timeout=120,
        capture_output=True,
    )
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    (sent,) = (tmp_path / "mail").iterdir()
    assert "retinoid skin products you bought yourself" in sent.read_text()
    assert AuditEntry.objects.filter(record_type="reminder", actor_label="reminders").count() == 1
