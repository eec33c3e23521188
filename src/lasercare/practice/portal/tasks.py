"""The portal's background job (django-tasks): in-process in the embedded default, on workers in production."""

from __future__ import annotations

from django_tasks import task

from lasercare.practice.portal import urgent_alert


@task()
def tell_practice_of_urgent_report(report_id: int) -> str:
    """E-mail the practice's clinical address about an urgent side-effect report (urgent_alert.send)."""
    return urgent_alert.send(report_id)
