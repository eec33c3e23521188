"""The front desk's view of a patient: contact details, each accepted course's progress and next session to book,
and the appointments with their day, time, practitioner, room and device, but no clinical detail."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import ready, services
from lasercare.practice.scheduling.models import Booking, BookingStatus
from tests.web.booking_helpers import accepted_plan, add_device, answer_safety_questions, at
from tests.web.test_front_desk_content import treatment_names
from tests.web.test_ready_to_book import weekday_after

SignIn = Callable[[StaffUser], Client]


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def course_under_way(patient: Patient, staff: dict[Role, StaffUser]) -> TreatmentPlan:
    """An accepted plan held long ago: session 1 took place, session 2 is booked ahead, 3 and 4 are to book."""
    clinician = staff[Role.CLINICIAN]
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=200))
    answer_safety_questions(plan, clinician)
    course = services.course(plan)
    room = Room.objects.create(practice=patient.practice, name="Room 3")
    device = add_device(patient.practice, course.modality, "Device 2")
    first = services.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=clinician,
        room=room,
        device=device,
        starts_at=at(timezone.localdate() - timedelta(days=150), 10),
    )
    Booking.objects.filter(pk=first.pk).update(status=BookingStatus.COMPLETED)  # as signing its chart does
    services.book(
        None,
        staff[Role.FRONT_DESK],
        plan,
        session_number=2,
        practitioner=clinician,
        room=room,
        device=device,
        starts_at=at(weekday_after(3), 14, 30),
    )
    return plan


def test_the_front_desk_sees_the_course_progress_and_the_next_session_to_book(
    signed_in: SignIn, staff: dict[Role, StaffUser], course_under_way: TreatmentPlan
) -> None:
    page = signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{course_under_way.patient.public_id}/").content.decode()
    text = visible(page)
    third = weekday_after(3) + timedelta(weeks=services.course(course_under_way).interval_weeks)
    assert "1 of 4 sessions held" in text
    assert "1 booked ahead" in text
    assert f"next to book: session 3, not before {ready.weekday_text(third)}" in text
    assert f'href="/plans/{course_under_way.public_id}/course/?session=3#book">Book session 3</a>' in page


def test_the_front_desk_sees_each_appointment_with_its_practitioner_room_and_device(
    signed_in: SignIn, staff: dict[Role, StaffUser], course_under_way: TreatmentPlan
) -> None:
    page = signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{course_under_way.patient.public_id}/").content.decode()
    text = visible(page)
    ahead = weekday_after(3)
    row = (
        f"{ahead:%a} {ahead.day} {ahead:%b %Y} 14:30-15:15 2 of 4 {staff[Role.CLINICIAN].display_name} Room 3 Device 2"
    )
    assert row in text
    assert "Past, cancelled and missed appointments (1)" in text


def test_the_front_desks_patient_page_names_no_treatment_and_links_no_plan(
    signed_in: SignIn, staff: dict[Role, StaffUser], course_under_way: TreatmentPlan
) -> None:
    page = signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{course_under_way.patient.public_id}/").content.decode()
    assert [name for name in treatment_names() if name in visible(page)] == []
    assert f'href="/plans/{course_under_way.public_id}/"' not in page
    assert "/consultations/" not in page and "Timeline" not in page


def test_the_practice_admin_sees_the_appointments_but_is_offered_no_booking(
    signed_in: SignIn, staff: dict[Role, StaffUser], course_under_way: TreatmentPlan
) -> None:
    page = signed_in(staff[Role.PRACTICE_ADMIN]).get(f"/patients/{course_under_way.patient.public_id}/")
    text = visible(page.content.decode())
    assert "1 of 4 sessions held" in text and "Room 3" in text
    assert "Book session" not in text and "/sessions/ready-to-book/" not in page.content.decode()


def test_a_clinician_is_offered_the_next_session_to_book_on_the_course(
    signed_in: SignIn, staff: dict[Role, StaffUser], course_under_way: TreatmentPlan
) -> None:
    page = signed_in(staff[Role.CLINICIAN]).get(f"/patients/{course_under_way.patient.public_id}/").content.decode()
    assert f'href="/plans/{course_under_way.public_id}/course/?session=3#book">Book session 3</a>' in page


def test_a_patient_without_an_accepted_plan_shows_no_course_to_the_front_desk(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice, patient: Patient
) -> None:
    text = visible(signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{patient.public_id}/").content.decode())
    assert "No accepted course of treatment." in text
    assert "No appointment ahead." in text
