"""Booking a plan's course: the server enforces the plan's dates, the practice's resources and no double booking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.scheduling import services
from lasercare.practice.scheduling.models import Booking, BookingSlot, BookingStatus, Resource
from tests.web.booking_helpers import Setup, accepted_plan, add_device, at, second_clinician, setup
from tests.web.conftest import make_patient, make_staff

__all__ = ["setup"]
SignIn = Callable[[StaffUser], Client]


def form(s: Setup, session: int, day: object, start: str = "10:00", **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "session_number": session,
        "day": str(day),
        "start": start,
        "minutes": 45,
        "practitioner": s.clinician.pk,
        "room": s.room.pk,
        "device": s.device.pk,
        "early_reason": "",
    }
    data.update(changes)
    return data


def book_url(s: Setup) -> str:
    return f"/plans/{s.plan.public_id}/course/book/"


def test_a_session_is_booked_through_the_course_form(signed_in: SignIn, setup: Setup) -> None:
    response = signed_in(setup.nurse).post(book_url(setup), form(setup, 1, setup.day(1)))
    assert response.status_code == 302
    booking = Booking.objects.get(plan=setup.plan)
    assert (booking.session_number, booking.course_sessions, booking.status) == (1, 4, BookingStatus.BOOKED)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=45)
    # Four resources (patient, practitioner, room, device) x three quarter hours.
    assert booking.slots.count() == 12


def test_the_minimum_interval_is_enforced_on_the_server(signed_in: SignIn, setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    too_soon = setup.day(1) + timedelta(weeks=1)
    response = signed_in(setup.nurse).post(book_url(setup), form(setup, 2, too_soon))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Session 2 cannot be before" in text
    assert "at least 3 weeks after session 1" in text
    assert str(too_soon) in text  # what was typed is kept
    assert not Booking.objects.filter(plan=setup.plan, session_number=2).exists()


def test_a_waiting_period_is_enforced_on_the_server(signed_in: SignIn, setup: Setup) -> None:
    response = signed_in(setup.nurse).post(book_url(setup), form(setup, 1, setup.day(1) - timedelta(days=1)))
    assert response.status_code == 400
    assert "waiting period: the preparation (retinoid pause)" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_clinician_books_early_with_a_reason_which_is_stored_and_shown(signed_in: SignIn, setup: Setup) -> None:
    client = signed_in(setup.clinician)
    early = setup.day(1) - timedelta(days=2)
    response = client.post(book_url(setup), form(setup, 1, early, early_reason="Retinoid stopped 3 weeks ago"))
    assert response.status_code == 302
    booking = Booking.objects.get(plan=setup.plan)
    assert booking.early_reason == "Retinoid stopped 3 weeks ago"
    assert "Retinoid stopped 3 weeks ago" in client.get(f"/bookings/{booking.public_id}/").content.decode()
    entry = AuditEntry.objects.get(action="create", record_type="booking")
    assert entry.detail == "session 1, early with a reason"


def test_a_clinician_cannot_book_early_without_a_reason(signed_in: SignIn, setup: Setup) -> None:
    response = signed_in(setup.clinician).post(book_url(setup), form(setup, 1, setup.day(1) - timedelta(days=2)))
    assert response.status_code == 400
    assert "give the clinical reason for booking early" in response.content.decode()
    assert not Booking.objects.exists()


def test_front_desk_cannot_book_early_even_with_a_reason(
    signed_in: SignIn, setup: Setup, staff: dict[Role, StaffUser]
) -> None:
    data = form(setup, 1, setup.day(1) - timedelta(days=2), early_reason="The patient is in a hurry")
    response = signed_in(staff[Role.FRONT_DESK]).post(book_url(setup), data)
    assert response.status_code == 400
    assert "Only a clinician can book it earlier" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_reason_given_when_none_is_needed_is_not_stored(setup: Setup) -> None:
    booking = setup.book(setup.clinician, 1, at(setup.day(1), 10), early_reason="just in case")
    assert booking.early_reason == ""


@pytest.mark.parametrize(
    ("resource", "changes", "named"),
    [
        ("practitioner", {"room": "other_room", "device": "other_device"}, "Clinician of Riverside Skin Clinic"),
        ("room", {"practitioner": "nurse", "device": "other_device"}, "Room 1"),
        ("device", {"practitioner": "nurse", "room": "other_room"}, "The device Laser A"),
    ],
)
def test_double_booking_a_resource_is_refused_naming_it(
    signed_in: SignIn, setup: Setup, practice: Practice, resource: str, changes: dict[str, str], named: str
) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    # Another patient's plan wants the same resource at 10:30, overlapping 10:00-10:45.
    other = accepted_plan(make_patient(practice, family_name="Other"), setup.clinician, setup.plan.consultation.held_on)
    values = {
        "practitioner": setup.clinician,
        "room": setup.room,
        "device": setup.device,
        **{name: getattr(setup, attribute) for name, attribute in changes.items()},
    }
    with pytest.raises(services.BookingRefused) as refused:
        services.book(None, setup.nurse, other, session_number=1, starts_at=at(setup.day(1), 10, 30), **values)
    day = setup.day(1)
    assert str(refused.value) == f"{named} is already booked 10:00-10:45 on {day.day} {day:%b} {day.year}."
    assert not Booking.objects.filter(plan=other).exists()
    assert not BookingSlot.objects.filter(booking__plan=other).exists()


def test_a_double_booking_through_the_form_answers_400_with_the_message(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    other = accepted_plan(make_patient(practice, family_name="Other"), setup.clinician, setup.plan.consultation.held_on)
    response = signed_in(setup.nurse).post(
        f"/plans/{other.public_id}/course/book/", form(setup, 1, setup.day(1), start="10:15")
    )
    assert response.status_code == 400
    assert "is already booked 10:00-10:45" in response.content.decode()


def test_the_patient_is_not_booked_in_two_places_at_once(setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    # A new plan (the earlier one is superseded, its booking kept) booked at 10:15 elsewhere, with someone else.
    newer = accepted_plan(setup.plan.patient, setup.clinician, setup.plan.consultation.held_on)
    with pytest.raises(services.BookingRefused, match="The patient is already booked 10:00-10:45"):
        services.book(
            None,
            setup.nurse,
            newer,
            session_number=1,
            practitioner=setup.nurse,
            room=setup.other_room,
            device=setup.other_device,
            starts_at=at(setup.day(1), 10, 15),
        )


def test_back_to_back_bookings_do_not_conflict(setup: Setup, practice: Practice) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    other = accepted_plan(make_patient(practice, family_name="Other"), setup.clinician, setup.plan.consultation.held_on)
    services.book(
        None,
        setup.nurse,
        other,
        session_number=1,
        practitioner=setup.clinician,
        room=setup.room,
        device=setup.device,
        starts_at=at(setup.day(1), 10, 45),
    )


def test_the_database_refuses_a_second_holder_of_a_slot(setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingSlot.objects.create(
            booking=booking, resource=Resource.ROOM, resource_id=setup.room.pk, starts_at=at(setup.day(1), 10)
        )


def test_a_session_already_booked_is_not_booked_again(setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    with pytest.raises(services.BookingRefused, match="Session 1 is already booked"):
        setup.book(setup.nurse, 1, at(setup.day(1), 14), room=setup.other_room, device=setup.other_device)


def test_only_an_accepted_plan_is_booked(setup: Setup, plan: TreatmentPlan) -> None:
    with pytest.raises(services.BookingRefused, match="Only an accepted plan"):
        services.book(
            None,
            setup.nurse,
            plan,
            session_number=1,
            practitioner=setup.clinician,
            room=setup.room,
            device=setup.device,
            starts_at=at(setup.day(1), 10),
        )


def test_a_device_must_deliver_the_plans_treatment(setup: Setup, practice: Practice) -> None:
    wrong = add_device(practice, "co2_full", "CO2 unit")
    with pytest.raises(services.BookingRefused, match="does not deliver the treatment"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), device=wrong)


def test_resources_of_another_practice_or_role_are_refused(
    setup: Setup, other_practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    with pytest.raises(services.BookingRefused, match="not a clinician or nurse"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), practitioner=staff[Role.FRONT_DESK])
    with pytest.raises(services.BookingRefused, match="not a clinician or nurse"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), practitioner=make_staff(other_practice, Role.CLINICIAN))
    elsewhere = Room.objects.create(practice=other_practice, name="Their room")
    with pytest.raises(services.BookingRefused, match="not one of this practice's"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), room=elsewhere)
    setup.room.active = False
    setup.room.save()
    with pytest.raises(services.BookingRefused, match="not in use any more"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10))


def test_bookings_keep_to_the_quarter_hour(setup: Setup) -> None:
    with pytest.raises(services.BookingRefused, match="quarter hour"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10, 5))
    with pytest.raises(services.BookingRefused, match="quarter hours"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), minutes=40)
    with pytest.raises(services.BookingRefused, match="end after it starts"):
        setup.book(setup.nurse, 1, at(setup.day(1), 10), minutes=0)


def test_a_session_number_outside_the_course_is_refused(setup: Setup) -> None:
    with pytest.raises(services.BookingRefused, match="The course has 4 sessions"):
        setup.book(setup.nurse, 5, at(setup.day(4) + timedelta(weeks=6), 10))


def test_rescheduling_moves_the_booking_and_frees_the_old_time(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    old = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    response = signed_in(setup.nurse).post(
        f"/bookings/{old.public_id}/reschedule/",
        {**form(setup, 1, setup.day(1) + timedelta(days=1), start="11:00"), "reason": "patient asked"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = Booking.objects.get(rescheduled_from=old)
    assert response.headers["Location"] == f"/bookings/{new.public_id}/"
    assert (old.status, old.ended_reason) == (BookingStatus.CANCELLED, "Rescheduled: patient asked")
    assert not old.slots.exists()
    assert timezone.localtime(new.starts_at).hour == 11
    # The old time is free for someone else.
    other = accepted_plan(make_patient(practice, family_name="Other"), setup.clinician, setup.plan.consultation.held_on)
    services.book(
        None,
        setup.nurse,
        other,
        session_number=1,
        practitioner=setup.clinician,
        room=setup.room,
        device=setup.device,
        starts_at=at(setup.day(1), 10),
    )
    assert AuditEntry.objects.filter(record_type="booking", record_id=str(old.public_id), action="update").exists()


def test_rescheduling_checks_the_new_time_like_a_booking(signed_in: SignIn, setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    second = setup.book(setup.nurse, 2, at(setup.day(2), 10))
    response = signed_in(setup.nurse).post(
        f"/bookings/{second.public_id}/reschedule/",
        {**form(setup, 2, setup.day(1) + timedelta(days=7)), "reason": "sooner please"},
    )
    assert response.status_code == 400
    assert "Session 2 cannot be before" in response.content.decode()
    second.refresh_from_db()
    assert second.status == BookingStatus.BOOKED
    assert second.slots.count() == 12


def test_rescheduling_needs_a_reason(signed_in: SignIn, setup: Setup) -> None:
    old = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    response = signed_in(setup.nurse).post(
        f"/bookings/{old.public_id}/reschedule/", form(setup, 1, setup.day(1), start="11:00")
    )
    assert response.status_code == 400
    assert Booking.objects.count() == 1


def test_cancelling_needs_a_reason_and_frees_the_slots(signed_in: SignIn, setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    client = signed_in(setup.nurse)
    refused = client.post(f"/bookings/{booking.public_id}/cancel/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason for cancelling." in refused.content.decode()
    assert client.post(f"/bookings/{booking.public_id}/cancel/", {"reason": "unwell"}).status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.ended_reason, booking.ended_by) == (BookingStatus.CANCELLED, "unwell", setup.nurse)
    assert not booking.slots.exists()


def test_a_cancelled_booking_cannot_be_cancelled_again(signed_in: SignIn, setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    services.cancel(None, setup.nurse, booking, "unwell")
    client = signed_in(setup.nurse)
    response = client.post(f"/bookings/{booking.public_id}/cancel/", {"reason": "again"}, follow=True)
    assert "cancelled already" in response.content.decode()


def test_a_past_booking_is_marked_as_not_attended(signed_in: SignIn, setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    assert signed_in(setup.nurse).post(f"/bookings/{booking.public_id}/no-show/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    assert not booking.slots.exists()
    # The session may be booked again.
    setup.book(setup.nurse, 1, at(setup.day(1) + timedelta(days=7), 10))


def test_a_future_booking_cannot_be_marked_as_not_attended(signed_in: SignIn, setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(timezone.localdate() + timedelta(days=3), 10))
    response = signed_in(setup.nurse).post(f"/bookings/{booking.public_id}/no-show/", follow=True)
    assert "only once its time has come" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_another_practices_booking_is_not_found(signed_in: SignIn, setup: Setup, other_practice: Practice) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    client = signed_in(make_staff(other_practice, Role.CLINICIAN))
    assert client.get(f"/bookings/{booking.public_id}/").status_code == 404
    assert client.post(f"/bookings/{booking.public_id}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"/plans/{setup.plan.public_id}/course/").status_code == 404


def test_every_booking_write_and_read_is_audited(signed_in: SignIn, setup: Setup) -> None:
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    signed_in(setup.nurse).get(f"/bookings/{booking.public_id}/")
    services.cancel(None, setup.nurse, booking, "unwell")
    entries = AuditEntry.objects.filter(record_type="booking", record_id=str(booking.public_id)).order_by("id")
    assert [(e.action, e.detail) for e in entries] == [
        ("create", "session 1"),
        ("view", ""),
        ("update", "cancelled"),
    ]
    assert all(e.patient_ref == str(setup.plan.patient.public_id) for e in entries)


def test_the_course_page_proposes_dates_and_prefills_the_form(signed_in: SignIn, setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    text = signed_in(setup.nurse).get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert "1 of 4 sessions booked" in text
    assert "at least 3 weeks after session 1" in text
    assert "practice&#39;s policy" in text or "practice's policy" in text
    assert 'name="session_number"' in text
    assert "Intense pulsed light" in text  # a nurse may see clinical content


def test_front_desk_sees_the_course_without_the_treatments_name(
    signed_in: SignIn, setup: Setup, staff: dict[Role, StaffUser]
) -> None:
    text = signed_in(staff[Role.FRONT_DESK]).get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert 'name="session_number"' in text
    assert "Course of treatment" in text
    assert f'/plans/{setup.plan.public_id}/"' not in text


def test_a_practice_admin_sees_the_course_but_no_booking_form(
    signed_in: SignIn, setup: Setup, staff: dict[Role, StaffUser]
) -> None:
    text = signed_in(staff[Role.PRACTICE_ADMIN]).get(f"/plans/{setup.plan.public_id}/course/").content.decode()
    assert "Course of treatment" in text
    assert 'name="session_number"' not in text


def test_a_second_clinician_is_a_practitioner_to_book(setup: Setup, practice: Practice) -> None:
    doctor = second_clinician(practice)
    booking = setup.book(setup.nurse, 1, at(setup.day(1), 10), practitioner=doctor)
    assert booking.practitioner == doctor
