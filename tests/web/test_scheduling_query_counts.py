"""Query-count guard: a calendar week, the whole clinic's day and the day sheet cost the same number of queries for
1 booking as for 20, whatever the number of practitioners and rooms they spread over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.scheduling import services
from tests.web.booking_helpers import Setup, accepted_plan, add_device, at, setup
from tests.web.conftest import make_patient, make_staff

__all__ = ["setup"]
SignIn = Callable[[StaffUser], Client]


def week_queries(client: Client, url: str) -> int:
    client.get("/health/")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("view", ["practitioner", "room"])
def test_a_calendar_week_costs_the_same_for_1_and_20_bookings(
    signed_in: SignIn, setup: Setup, practice: Practice, view: str
) -> None:
    client = signed_in(setup.clinician)
    monday = setup.day(1) + timedelta(days=7 - setup.day(1).weekday())  # after the waiting periods
    whose = f"practitioner={setup.clinician.public_id}" if view == "practitioner" else f"room={setup.room.public_id}"
    url = f"/calendar/?{whose}&view=week&date={monday}"
    setup.book(setup.nurse, 1, at(monday, 8))
    one = week_queries(client, url)
    for n in range(19):
        plan = accepted_plan(
            make_patient(practice, family_name=f"Patient{n}"), setup.clinician, setup.plan.consultation.held_on
        )
        day = monday + timedelta(days=n % 5)
        services.book(
            None,
            setup.nurse,
            plan,
            session_number=1,
            practitioner=setup.clinician,
            room=setup.room,
            device=setup.device,
            starts_at=at(day, 9 + n // 5 * 2),
        )
    assert week_queries(client, url) == one
    assert one <= 7  # session and user, practitioners, rooms, devices, bookings, audit entry


@pytest.mark.parametrize(
    "url", ["/calendar/?date={day}", "/calendar/?by=room&date={day}", "/calendar/day-sheet/?date={day}"]
)
def test_the_whole_clinics_day_costs_the_same_for_1_and_20_bookings_over_many_columns(
    signed_in: SignIn, setup: Setup, practice: Practice, url: str
) -> None:
    client = signed_in(setup.clinician)
    monday = setup.day(1) + timedelta(days=7 - setup.day(1).weekday())
    page = url.format(day=monday)
    setup.book(setup.nurse, 1, at(monday, 8))
    one = week_queries(client, page)
    for n in range(19):
        plan = accepted_plan(
            make_patient(practice, family_name=f"Patient{n}"), setup.clinician, setup.plan.consultation.held_on
        )
        # A practitioner, a room and a device of their own each: a column more for every booking.
        practitioner = make_staff(practice, Role.NURSE, username=f"extra-nurse-{n}")
        room = Room.objects.create(practice=practice, name=f"Room {n + 3}")
        device = add_device(practice, setup.course.modality, f"Laser {n}")
        services.book(
            None,
            setup.nurse,
            plan,
            session_number=1,
            practitioner=practitioner,
            room=room,
            device=device,
            starts_at=at(monday, 9 + n % 9),
        )
    assert week_queries(client, page) == one
    assert one <= 7  # session and user, practitioners, rooms, devices, bookings, audit entry
