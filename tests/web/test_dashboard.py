"""The dashboard: the head of each worklist (today's patients, plans awaiting sign-off, follow-ups due), and each
worklist's own page with all of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.clinic import views
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.views import DASHBOARD_LINES
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


def test_a_busy_day_shows_the_first_lines_and_links_to_all_of_them(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    see(practice, clinician, DASHBOARD_LINES + 1)
    page = dashboard(signed_in(clinician))
    assert page.count("seen by ") == DASHBOARD_LINES
    assert f"The first {DASHBOARD_LINES} in the order they were recorded." in page
    assert '<a href="/today/">All of today\'s patients</a>' in page
    # Each consultation left a draft plan: the awaiting list says how many wait in all.
    assert f"The {DASHBOARD_LINES} waiting longest of {DASHBOARD_LINES + 1}." in page
    assert '<a href="/plans/awaiting/">All plans awaiting sign-off</a>' in page


def test_todays_patients_page_lists_every_one_page_by_page(
    signed_in: SignIn, practice: Practice, clinician: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "WORKLIST_PAGE_LINES", 3)
    see(practice, clinician, 4)
    client = signed_in(clinician)
    first = client.get("/today/").content.decode()
    second = client.get("/today/?page=2").content.decode()
    assert [f"Patient{n:03d}" in first for n in range(4)] == [True, True, True, False]
    assert "Patient003, Jane" in second and "Patient000" not in second
    assert "Page 1 of 2" in first and '<a href="?page=2">Next</a>' in first


def test_a_worklist_page_number_out_of_range_shows_the_last_page(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    see(practice, clinician, 1)
    response = signed_in(clinician).get("/today/?page=99")
    assert response.status_code == 200
    assert "Patient000, Jane" in response.content.decode()


def test_plans_awaiting_sign_off_page_links_each_plan_oldest_first(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    see(practice, clinician, 2)
    page = signed_in(clinician).get("/plans/awaiting/").content.decode()
    assert page.index("Patient000, Jane") < page.index("Patient001, Jane")
    assert page.count('href="/plans/') == 2


def test_an_overdue_follow_up_is_marked_and_one_due_this_week_is_not(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    today = timezone.localdate()
    see(practice, clinician, 1, held_on=today - timedelta(days=40), follow_up_on=today - timedelta(days=3))
    see(practice, clinician, 1, held_on=today - timedelta(days=40), follow_up_on=today + timedelta(days=3))
    page = dashboard(signed_in(clinician))
    assert page.count("(overdue)") == 1
    assert "more follow-ups are due" not in page


def test_follow_ups_page_marks_the_overdue_ones(signed_in: SignIn, practice: Practice, clinician: StaffUser) -> None:
    today = timezone.localdate()
    see(practice, clinician, 1, held_on=today - timedelta(days=40), follow_up_on=today - timedelta(days=3))
    page = signed_in(clinician).get("/follow-ups/").content.decode()
    assert "Patient000, Jane" in page and "(overdue)" in page


def test_an_empty_worklist_page_says_so(signed_in: SignIn, clinician: StaffUser) -> None:
    page = signed_in(clinician).get("/follow-ups/").content.decode()
    assert "No follow-ups due this week." in page


def test_a_backlog_of_plans_is_counted_up_to_a_limit_and_then_said_to_be_more(
    signed_in: SignIn, practice: Practice, clinician: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "AWAITING_COUNTED_UP_TO", 2)
    see(practice, clinician, 3)
    page = dashboard(signed_in(clinician))
    assert '<span class="count">more than 2</span>' in page
    # The awaiting page counts them all.
    assert '<span class="count">3</span>' in signed_in(clinician).get("/plans/awaiting/").content.decode()
