"""The front desk's "Ready to book" list: accepted plans with sessions still to book, earliest allowed day first,
on the dashboard (its head) and on a page of its own (all of it, page by page), each line a link to the booking form
of the plan's next session."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lasercare.practice.clinic import views
from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.scheduling import ready, services
from lasercare.practice.scheduling.models import ReadyToBook
from tests.web.booking_helpers import accepted_plan, add_device, answer_safety_questions, at
from tests.web.conftest import basic_intake, make_patient, make_staff
from tests.web.test_front_desk_content import treatment_names

SignIn = Callable[[StaffUser], Client]
TODAY = timezone.localdate()


def weekday_after(days: int) -> date:
    """A Tuesday to Thursday at least `days` ahead: a day any clinic is open."""
    day = TODAY + timedelta(days=days)
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return day


def accepted(practice: Practice, clinician: StaffUser, family: str, held_days_ago: int) -> TreatmentPlan:
    return accepted_plan(make_patient(practice, family_name=family), clinician, TODAY - timedelta(days=held_days_ago))


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def book_first(plan: TreatmentPlan, by: StaffUser, day: date) -> None:
    clinician = TreatmentPlan.objects.get(pk=plan.pk).decided_by
    assert clinician is not None
    answer_safety_questions(plan, clinician)
    course = services.course(plan)
    room = Room.objects.get_or_create(practice_id=plan.practice_id, name="Room 1")[0]
    device = add_device(plan.practice, course.modality, f"Laser {plan.pk}")
    services.book(
        None, by, plan, session_number=1, practitioner=clinician, room=room, device=device, starts_at=at(day, 10)
    )


def test_an_accepted_plan_is_listed_with_its_first_session_and_a_link_to_book_it(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    plan = accepted(practice, staff[Role.CLINICIAN], "Ashworth", 10)
    page = signed_in(staff[Role.FRONT_DESK]).get("/sessions/ready-to-book/").content.decode()
    earliest = services.course(plan).schedule[1]
    assert f'href="/plans/{plan.public_id}/course/?session=1#book">Ashworth, Jane</a>' in page
    assert "session 1 of 4" in page
    assert earliest <= TODAY and "open since" in page


def test_the_list_runs_from_the_earliest_allowed_day(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    clinician = staff[Role.CLINICIAN]
    # Recorded in this order; allowed from the consultation's day onwards, so the oldest consultation comes first.
    accepted(practice, clinician, "Middle", 20)
    accepted(practice, clinician, "Latest", 5)
    accepted(practice, clinician, "Earliest", 40)
    page = signed_in(staff[Role.FRONT_DESK]).get("/sessions/ready-to-book/").content.decode()
    assert page.index("Earliest, Jane") < page.index("Middle, Jane") < page.index("Latest, Jane")


def test_booking_the_first_session_moves_the_plan_to_its_second_sessions_earliest_day(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    clinician = staff[Role.CLINICIAN]
    booked = accepted(practice, clinician, "Booked", 40)
    accepted(practice, clinician, "Waiting", 5)
    book_first(booked, staff[Role.FRONT_DESK], weekday_after(1))
    page = signed_in(staff[Role.FRONT_DESK]).get("/sessions/ready-to-book/").content.decode()
    second = weekday_after(1) + timedelta(weeks=services.course(booked).interval_weeks)
    assert page.index("Waiting, Jane") < page.index("Booked, Jane")
    assert f"/plans/{booked.public_id}/course/?session=2#book" in page
    assert f"not before {ready.weekday_text(second)}" in page


def test_cancelling_a_booking_puts_its_session_back_on_the_list(
    practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    plan = accepted(practice, staff[Role.CLINICIAN], "Ashworth", 10)
    book_first(plan, staff[Role.FRONT_DESK], weekday_after(2))
    assert ReadyToBook.objects.get(plan=plan).session == 2
    services.cancel(None, staff[Role.FRONT_DESK], plan.bookings.get(), "The patient is travelling.")
    assert ReadyToBook.objects.get(plan=plan).session == 1


def test_plans_not_accepted_or_with_every_session_booked_are_not_listed(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    clinician, desk = staff[Role.CLINICIAN], staff[Role.FRONT_DESK]
    consultations.record_consultation(
        None, clinician, make_patient(practice, family_name="Draft"), held_on=TODAY, intake=basic_intake()
    )
    declined = consultations.record_consultation(
        None, clinician, make_patient(practice, family_name="Declined"), held_on=TODAY, intake=basic_intake()
    )
    consultations.decide_plan(None, clinician, declined, accepted=False)
    superseded = accepted(practice, clinician, "Superseded", 30)
    consultations.record_consultation(None, clinician, superseded.patient, held_on=TODAY, intake=basic_intake())
    full = accepted(practice, clinician, "Full", 10)
    answer_safety_questions(full, clinician)
    course = services.course(full)
    room = Room.objects.create(practice=practice, name="Room 9")
    device = add_device(practice, course.modality, "Laser full")
    for session in range(1, course.sessions + 1):
        day = weekday_after(1) + timedelta(weeks=course.interval_weeks * (session - 1))
        services.book(
            None,
            desk,
            full,
            session_number=session,
            practitioner=clinician,
            room=room,
            device=device,
            starts_at=at(day, 11),
        )
    accepted(practice, clinician, "Listed", 10)
    page = visible(signed_in(desk).get("/sessions/ready-to-book/").content.decode())
    assert "Listed, Jane" in page
    assert [name for name in ("Draft", "Declined", "Superseded", "Full") if name in page] == []


def test_another_practices_plans_are_not_listed(
    signed_in: SignIn, practice: Practice, other_practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    accepted(other_practice, make_staff(other_practice, Role.CLINICIAN, username="dr-other"), "Elsewhere", 10)
    accepted(practice, staff[Role.CLINICIAN], "Ours", 10)
    client = signed_in(staff[Role.FRONT_DESK])
    for path in ("/", "/sessions/ready-to-book/"):
        page = client.get(path).content.decode()
        assert "Ours, Jane" in page and "Elsewhere" not in page


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.NURSE, Role.CLINICIAN], ids=lambda r: r.value)
def test_the_list_names_no_treatment(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser], role: Role
) -> None:
    accepted(practice, staff[Role.CLINICIAN], "Ashworth", 10)
    client = signed_in(staff[role])
    for path in ("/", "/sessions/ready-to-book/"):
        text = visible(client.get(path).content.decode())
        assert "Ashworth, Jane" in text
        assert [name for name in treatment_names() if name in text] == [], path


def test_the_practice_admin_has_no_list_to_book_from(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    accepted(practice, staff[Role.CLINICIAN], "Ashworth", 10)
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert "Ready to book" not in client.get("/").content.decode()
    assert client.get("/sessions/ready-to-book/").status_code == 403


def test_the_dashboard_shows_the_head_of_the_list_and_links_to_all_of_it(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "DASHBOARD_LINES", 2)
    for n in range(3):
        accepted(practice, staff[Role.CLINICIAN], f"Patient{n:03d}", 30 - n)
    page = signed_in(staff[Role.FRONT_DESK]).get("/").content.decode()
    section = page[page.index('id="ready-heading"') :]
    assert "Patient000, Jane" in section and "Patient001, Jane" in section and "Patient002" not in section
    assert '<a href="/sessions/ready-to-book/">All plans ready to book</a>' in section


def test_the_lists_page_goes_page_by_page(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "WORKLIST_PAGE_LINES", 2)
    for n in range(3):
        accepted(practice, staff[Role.CLINICIAN], f"Patient{n:03d}", 30 - n)
    client = signed_in(staff[Role.FRONT_DESK])
    first = client.get("/sessions/ready-to-book/").content.decode()
    second = client.get("/sessions/ready-to-book/?page=2").content.decode()
    assert "Patient001, Jane" in first and "Patient002" not in first
    assert "Patient002, Jane" in second and "Patient000" not in second
    assert "Page 1 of 2" in first


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_dashboard_and_the_list_read_as_many_queries_for_twelve_plans_as_for_one(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    client = signed_in(staff[Role.FRONT_DESK])
    accepted(practice, staff[Role.CLINICIAN], "Patient000", 30)
    one = {path: _queries(client, path) for path in ("/", "/sessions/ready-to-book/")}
    for n in range(1, 12):
        accepted(practice, staff[Role.CLINICIAN], f"Patient{n:03d}", 30 - n)
    twelve = {path: _queries(client, path) for path in ("/", "/sessions/ready-to-book/")}
    assert twelve == one
    # The dashboard's head is one query: no plan document, no query per line.
    assert one["/sessions/ready-to-book/"] <= 8


def test_the_rows_kept_on_each_save_are_the_rows_a_rebuild_finds(
    practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    clinician = staff[Role.CLINICIAN]
    accepted(practice, clinician, "One", 30)
    booked = accepted(practice, clinician, "Two", 20)
    book_first(booked, staff[Role.FRONT_DESK], weekday_after(3))
    kept = sorted(ReadyToBook.objects.values_list("plan_id", "session", "sessions", "earliest_on"))
    assert ready.rebuild() == 2
    assert sorted(ReadyToBook.objects.values_list("plan_id", "session", "sessions", "earliest_on")) == kept
