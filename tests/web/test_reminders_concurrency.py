"""Dispatchers and send jobs racing for the same reminders: each e-mail leaves once.

Each thread has its own database connection and the threads are released together by a barrier, so on PostgreSQL
they race for real; the claim (an UPDATE only one can win) and the row lock decide, not the timing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.core import mail
from django.db import connection

from lasercare.practice.reminders import sending
from lasercare.practice.reminders.models import Reminder, ReminderStatus
from tests.web.reminder_helpers import Course, booked, moment

__all__ = ["booked"]
THREADS = 8

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="concurrent connections race for real on PostgreSQL (SQLite's writers queue one by one)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _race(work: Callable[[], object]) -> None:
    barrier = threading.Barrier(THREADS)

    def run() -> None:
        try:
            barrier.wait()
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_dispatchers_running_at_once_send_each_due_reminder_once(booked: Course) -> None:
    assert connection.vendor == "postgresql"
    booked.move_to(moment(date(2026, 12, 9), 9))  # the appointment and the antiviral are due, the rest is late
    _race(sending.dispatch_due)
    assert sorted(str(m.subject).split(" on ")[0] for m in mail.outbox) == [
        "Preparing for your appointment",
        "Your appointment",
    ]
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 2


def test_send_jobs_for_one_reminder_running_at_once_send_one_email(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 3), 9))
    reminder = booked.reminders()["preparation 2026-12-03"]
    outcomes: list[str] = []
    _race(lambda: outcomes.append(sending.send(reminder.pk)))
    assert len(mail.outbox) == 1
    assert sorted(outcomes) == ["not pending"] * (THREADS - 1) + ["sent"]
