"""The photo analysis job: in-process in the embedded default, on the workers in production (settings TASKS)."""

from __future__ import annotations

from django_tasks import task

from lasercare.practice.photos.services import run_analysis


@task()
def analyse_skin_photo(photo_id: int) -> None:
    """Analyse one stored photo; success or the reason for a failure is recorded on the photo itself."""
    run_analysis(photo_id)
