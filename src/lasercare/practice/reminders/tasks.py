"""The reminders' background job (django-tasks): in-process in the embedded default, on workers in production."""

from __future__ import annotations

from django_tasks import task

from lasercare.practice.reminders import sending


@task()
def send_reminder(reminder_id: int) -> str:
    """Send one reminder if it is still due to be sent (sending.send says what became of it)."""
    return sending.send(reminder_id)
