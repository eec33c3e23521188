"""The dashboard: today's patients, plans awaiting sign-off, follow-ups due; a long list says that it goes on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.views import LIST_LINES
from lasercare.practice.consultations import services
from tests.web.conftest import basic_intake, make_patient

SignIn = Callable[[StaffUser], Client]


def see(
    practice: Practice,
    clinician: StaffUser,
    patients: int,
    held_on: date | None = None,
    follow_up_on: date | None = None,
) -> None:
    for n in range(patients):
        patient = make_patient(practice, family_name=f"Patient{n:03d}")
        services.record_consultation(
            None,
            clinician,
            patient,
            held_on=held_on or timezone.localdate(),
            intake=basic_intake(),
            follow_up_on=follow_up_on,
        )


def dashboard(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_todays_patients_are_listed_with_who_saw_them(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    see(practice, clinician, 2)
    page = dashboard(signed_in(clinician))
    assert "Patient000, Jane" in page and "Patient001, Jane" in page
    assert f"seen by {clinician.display_name}" in page
    assert "more patients were seen today" not in page


def test_a_busy_day_says_that_more_patients_were_seen_than_listed(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    see(practice, clinician, LIST_LINES + 1)
    page = dashboard(signed_in(clinician))
    assert page.count("seen by ") == LIST_LINES
    assert f"The first {LIST_LINES} in the order they were recorded; more patients were seen today." in page
    # Each consultation left a draft plan: the awaiting list says how many wait in all.
    assert f"The {LIST_LINES} waiting longest of {LIST_LINES + 1}." in page


def test_an_overdue_follow_up_is_marked_and_one_due_this_week_is_not(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    today = timezone.localdate()
    see(practice, clinician, 1, held_on=today - timedelta(days=40), follow_up_on=today - timedelta(days=3))
    see(practice, clinician, 1, held_on=today - timedelta(days=40), follow_up_on=today + timedelta(days=3))
    page = dashboard(signed_in(clinician))
    assert page.count("(overdue)") == 1
    assert "more follow-ups are due" not in page
