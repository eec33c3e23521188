"""Online booking in the portal: where the practice turns it on, the patient books their next session from the free
times the plan allows, and moves or cancels a session up to the practice's notice before it. The practice is told of
each change on its worklist, and every change is audited as the patient's."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.portal.models import ChangeRequest, RequestStatus
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.models import Booking, BookingStatus
from tests.web.portal_helpers import PatientWithCourse, jane, john, portal_client

__all__ = ["jane", "john"]

TIME = re.compile(r'name="time" value="([^"]+)"')


def _online(practice: Practice, notice_hours: int = 48) -> None:
    practice.online_booking = True
    practice.online_notice_hours = notice_hours
    practice.save(update_fields=["online_booking", "online_notice_hours"])


def _times(page: str) -> list[str]:
    return TIME.findall(page)


def _book_page(jane: PatientWithCourse) -> str:
    return f"/portal/plans/{jane.plan.public_id}/book/"


def test_with_online_booking_off_the_portal_offers_none_and_refuses_a_post(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    assert "Book session" not in client.get("/portal/appointments/").content.decode()
    page = client.get(_book_page(jane)).content.decode()
    assert "does not take bookings online" in page
    assert _times(page) == []
    tomorrow = (timezone.localdate() + timedelta(days=30)).isoformat()
    refused = client.post(_book_page(jane), {"time": f"{tomorrow}T10:00/1/1/1"})
    assert refused.status_code == 400
    assert Booking.objects.filter(plan=jane.plan).count() == 1


def test_the_appointments_page_offers_the_next_session_to_book(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice)
    page = portal_client(jane.account).get("/portal/appointments/").content.decode()
    assert f"Book session 2 of {jane.first.course_sessions}" in page
    assert _book_page(jane) in page


def test_a_patient_books_the_next_session_at_an_offered_time(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice)
    client = portal_client(jane.account)
    offered = _times(client.get(_book_page(jane)).content.decode())
    assert offered, "no free time offered"
    answer = client.post(_book_page(jane), {"time": offered[0]})
    assert answer.status_code == 302
    booked = Booking.objects.get(plan=jane.plan, session_number=2)
    assert booked.booked_online and booked.booked_by is None
    assert timezone.localtime(booked.starts_at).strftime("%Y-%m-%dT%H:%M") == offered[0].split("/")[0]
    entry = AuditEntry.objects.get(record_type="booking", record_id=str(booked.public_id))
    assert entry.actor is None and entry.actor_label.startswith("patient portal ")
    told = ChangeRequest.objects.get(booking=booked)
    assert (told.wish, told.status) == ("booked", RequestStatus.OPEN)


def test_every_time_offered_keeps_the_courses_interval_and_the_notice(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice, notice_hours=72)
    offered = _times(portal_client(jane.account).get(_book_page(jane)).content.decode())
    course = scheduling.course(jane.plan)
    earliest_day = rules.window(course, 2, scheduling.booked_sessions(jane.plan)).earliest
    first_moment = timezone.now() + timedelta(hours=72)
    for value in offered:
        at = timezone.make_aware(datetime.fromisoformat(value.split("/")[0]))
        assert at.date() >= earliest_day
        assert at >= first_moment


def test_a_time_inside_the_notice_is_refused_with_the_notice(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice, notice_hours=24 * 28)
    offered = _times(portal_client(jane.account).get(_book_page(jane)).content.decode())
    soon = (timezone.localdate() + timedelta(days=2)).isoformat()
    practitioner = jane.first.practitioner_id
    value = f"{soon}T10:00/{practitioner}/{jane.first.room_id}/{jane.first.device_id}"
    assert value not in offered
    answer = portal_client(jane.account).post(_book_page(jane), {"time": value})
    assert answer.status_code == 400
    assert "672 hours before a session" in answer.content.decode()
    assert not Booking.objects.filter(plan=jane.plan, session_number=2).exists()


def test_a_time_that_is_not_free_is_refused_in_the_patients_words(jane: PatientWithCourse) -> None:
    """A time someone else took between the page and the click (here: the clinician's own booking of session 1,
    posted as if it were free) is refused plainly; the staff reason is not shown to the patient."""
    _online(jane.patient.practice, notice_hours=0)
    start = timezone.localtime(jane.first.starts_at).strftime("%Y-%m-%dT%H:%M")
    value = f"{start}/{jane.first.practitioner_id}/{jane.first.room_id}/{jane.first.device_id}"
    answer = portal_client(jane.account).post(_book_page(jane), {"time": value})
    assert answer.status_code == 400
    assert "That time cannot be booked any more. Choose another time." in answer.content.decode()
    assert not Booking.objects.filter(plan=jane.plan, session_number=2).exists()


def test_an_unreadable_time_is_refused_plainly(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice)
    for value in ("", "tomorrow", "9999-12-31T23:45/1/1/1", "2027-01-04T10:00/x/1/1", "2027-01-04T10:00/1/1"):
        answer = portal_client(jane.account).post(_book_page(jane), {"time": value})
        assert answer.status_code == 400, value
    assert not Booking.objects.filter(plan=jane.plan, session_number=2).exists()


def test_another_patients_plan_cannot_be_booked(jane: PatientWithCourse, john: PatientWithCourse) -> None:
    _online(jane.patient.practice)
    client = portal_client(john.account)
    assert client.get(_book_page(jane)).status_code == 404
    assert client.post(_book_page(jane), {"time": "2027-01-04T10:00/1/1/1"}).status_code == 404
    assert client.post(f"/portal/appointments/{jane.first.public_id}/cancel/").status_code == 404
    assert Booking.objects.get(pk=jane.first.pk).status == BookingStatus.BOOKED


def test_a_session_beyond_the_notice_is_moved_online_to_an_offered_time(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice, notice_hours=0)
    client = portal_client(jane.account)
    change_page = client.get(f"/portal/appointments/{jane.first.public_id}/change/").content.decode()
    offered = _times(change_page)
    assert offered and "Cancel this appointment" in change_page
    answer = client.post(f"/portal/appointments/{jane.first.public_id}/move/", {"time": offered[-1]})
    assert answer.status_code == 302
    old = Booking.objects.get(pk=jane.first.pk)
    assert old.status == BookingStatus.CANCELLED and old.ended_by is None
    moved = Booking.objects.get(rescheduled_from=old)
    assert moved.booked_online and moved.session_number == 1
    assert ChangeRequest.objects.get(booking=moved).wish == "moved"


def test_a_session_beyond_the_notice_is_cancelled_online(jane: PatientWithCourse) -> None:
    _online(jane.patient.practice, notice_hours=0)
    answer = portal_client(jane.account).post(f"/portal/appointments/{jane.first.public_id}/cancel/")
    assert answer.status_code == 302
    cancelled = Booking.objects.get(pk=jane.first.pk)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.ended_reason == "Cancelled by the patient online"
    assert not cancelled.slots.exists()
    assert ChangeRequest.objects.get(booking=cancelled).wish == "cancelled"


def test_a_session_inside_the_notice_is_not_changed_online_and_the_patient_is_told_to_ask(
    jane: PatientWithCourse,
) -> None:
    _online(jane.patient.practice, notice_hours=24 * 28)
    client = portal_client(jane.account)
    page = client.get(f"/portal/appointments/{jane.first.public_id}/change/").content.decode()
    assert "Cancel this appointment" not in page and _times(page) == []
    answer = client.post(f"/portal/appointments/{jane.first.public_id}/cancel/", follow=True)
    assert "672 hours before it" in answer.content.decode()
    assert Booking.objects.get(pk=jane.first.pk).status == BookingStatus.BOOKED


def test_the_front_desk_sees_an_online_booking_on_the_dashboard_and_marks_it_handled(
    jane: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    _online(jane.patient.practice)
    patient = portal_client(jane.account)
    patient.post(_book_page(jane), {"time": _times(patient.get(_book_page(jane)).content.decode())[0]})
    desk = Client()
    desk.force_login(staff[Role.FRONT_DESK])
    dashboard = desk.get("/").content.decode()
    assert "booked online: the appointment of" in dashboard
    told = ChangeRequest.objects.get(wish="booked")
    page = desk.get(f"/change-requests/{told.public_id}/").content.decode()
    assert "did this online" in page
    desk.post(f"/change-requests/{told.public_id}/handled/", {"note": ""})
    assert ChangeRequest.objects.get(pk=told.pk).status == RequestStatus.HANDLED


@pytest.mark.parametrize("hours", [-1, 24 * 28 + 1])
def test_the_notice_is_within_four_weeks(hours: int, practice: Practice) -> None:
    from django.core.exceptions import ValidationError

    practice.online_notice_hours = hours
    with pytest.raises(ValidationError):
        practice.full_clean()


def test_a_booking_made_online_is_never_early_or_outside_hours(jane: PatientWithCourse) -> None:
    """The service refuses the patient what it lets a clinician do with a reason."""
    course = scheduling.course(jane.plan)
    too_early = rules.window(course, 2, scheduling.booked_sessions(jane.plan)).earliest - timedelta(days=1)
    with pytest.raises(scheduling.BookingRefused, match="Only a clinician can book it earlier"):
        scheduling.book(
            None,
            scheduling.OnlinePatient(jane.patient.practice_id, "patient portal test"),
            jane.plan,
            session_number=2,
            practitioner=jane.first.practitioner,
            room=jane.first.room,  # type: ignore[arg-type]
            device=jane.first.device,  # type: ignore[arg-type]
            starts_at=timezone.make_aware(datetime.combine(too_early, time(10))),
            early_reason="I would like it sooner",
        )
