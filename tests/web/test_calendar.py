"""The calendars (day and week, per practitioner and per room) and the practitioners' iCalendar feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.scheduling import services
from lasercare.practice.scheduling.models import CalendarFeed
from tests.web.booking_helpers import Setup, accepted_plan, at, setup
from tests.web.conftest import make_patient

__all__ = ["setup"]
SignIn = Callable[[StaffUser], Client]


def two_patients_booked(s: Setup, practice: Practice) -> None:
    """Jane Doe with the clinician in room 1 at 10:00; Ann Other with the nurse in room 2 at 10:00 (same day)."""
    s.book(s.nurse, 1, at(s.day(1), 10))
    other = accepted_plan(
        make_patient(practice, given_names="Ann", family_name="Other"), s.clinician, s.plan.consultation.held_on
    )
    services.book(
        None,
        s.nurse,
        other,
        session_number=1,
        practitioner=s.nurse,
        room=s.other_room,
        device=s.other_device,
        starts_at=at(s.day(1), 10),
    )


def test_the_week_of_a_practitioner_shows_their_bookings_only(
    signed_in: SignIn, setup: Setup, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    two_patients_booked(setup, practice)
    text = (
        signed_in(staff[Role.FRONT_DESK])
        .get(f"/calendar/?practitioner={setup.clinician.public_id}&view=week&date={setup.day(1)}")
        .content.decode()
    )
    assert "Jane Doe" in text
    assert "Ann Other" not in text
    assert "session 1 of 4" in text
    assert "Room 1 · Laser A" in text
    assert f"/patients/{setup.plan.patient.public_id}/" in text


def test_the_day_of_a_room_shows_its_bookings_only(signed_in: SignIn, setup: Setup, practice: Practice) -> None:
    two_patients_booked(setup, practice)
    client = signed_in(setup.clinician)
    text = client.get(f"/calendar/?room={setup.other_room.public_id}&view=day&date={setup.day(1)}").content.decode()
    assert "Ann Other" in text
    assert "Jane Doe" not in text
    next_day = client.get(
        f"/calendar/?room={setup.other_room.public_id}&view=day&date={setup.day(1) + timedelta(days=1)}"
    ).content.decode()
    assert "Ann Other" not in next_day


def test_the_calendar_opens_on_the_whole_clinics_day_with_a_link_to_the_practitioners_own_week(
    signed_in: SignIn, setup: Setup
) -> None:
    setup.book(setup.nurse, 1, at(timezone.localdate(), 10))
    text = signed_in(setup.clinician).get("/calendar/").content.decode()
    assert "Calendar: whole clinic" in text
    assert "Jane Doe" in text
    assert "(today)" in text
    assert f"?practitioner={setup.clinician.public_id}&amp;view=week" in text  # "Your week"


def test_the_week_of_a_device_shows_its_bookings_with_practitioner_and_room(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    text = (
        signed_in(setup.clinician)
        .get(f"/calendar/?device={setup.other_device.public_id}&date={setup.day(1)}")
        .content.decode()
    )
    assert "Calendar: Laser B" in text
    assert "Ann Other" in text
    assert "Jane Doe" not in text
    assert "Nurse of Riverside Skin Clinic · Room 2" in text


def test_cancelled_bookings_are_left_out_and_no_shows_marked(signed_in: SignIn, setup: Setup) -> None:
    first = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    services.mark_no_show(None, setup.nurse, first)
    second = setup.book(setup.nurse, 2, at(setup.day(1) + timedelta(weeks=3), 10))
    services.cancel(None, setup.nurse, second, "unwell")
    client = signed_in(setup.clinician)
    week = client.get(f"/calendar/?practitioner={setup.clinician.public_id}&date={setup.day(1)}").content.decode()
    assert "did not attend" in week
    later = client.get(
        f"/calendar/?practitioner={setup.clinician.public_id}&date={setup.day(1) + timedelta(weeks=3)}"
    ).content.decode()
    assert "Jane Doe" not in later


def test_previous_and_next_links_keep_the_practitioner_and_view(signed_in: SignIn, setup: Setup) -> None:
    text = signed_in(setup.clinician).get(f"/calendar/?room={setup.room.public_id}&view=day&date=2026-12-03").content
    page = text.decode().replace("&amp;", "&")
    assert f"?room={setup.room.public_id}&view=day&date=2026-12-02" in page
    assert f"?room={setup.room.public_id}&view=day&date=2026-12-04" in page


def test_another_practices_room_or_practitioner_is_not_found(
    signed_in: SignIn, setup: Setup, other_practice: Practice
) -> None:
    from tests.web.conftest import make_staff

    client = signed_in(make_staff(other_practice, Role.CLINICIAN))
    assert client.get(f"/calendar/?room={setup.room.public_id}").status_code == 404
    assert client.get(f"/calendar/?practitioner={setup.clinician.public_id}").status_code == 404
    assert client.get(f"/calendar/?device={setup.device.public_id}").status_code == 404
    assert client.get("/calendar/?practitioner=not-an-id").status_code == 404


def test_the_calendar_is_audited_without_patient_data(signed_in: SignIn, setup: Setup) -> None:
    setup.book(setup.nurse, 1, at(setup.day(1), 10))
    signed_in(setup.clinician).get(f"/calendar/?practitioner={setup.clinician.public_id}&date={setup.day(1)}")
    entry = AuditEntry.objects.get(action="list", record_type="booking")
    assert entry.detail == "calendar practitioner week, 1 shown"


def _new_feed(client: Client) -> str:
    page = client.post("/calendar/feed/").content.decode()
    start = page.index("/calendar/feed/", page.index('id="feed-url"'))
    return page[start : page.index(".ics", start) + 4]


def test_the_feed_gives_the_practitioners_events_without_patient_identifiers(
    client: Client, signed_in: SignIn, setup: Setup
) -> None:
    booking = setup.book(setup.nurse, 1, at(timezone.localdate() - timedelta(days=20), 10))
    cancelled = setup.book(setup.nurse, 2, at(timezone.localdate() + timedelta(days=20), 10))
    services.cancel(None, setup.nurse, cancelled, "unwell")
    path = _new_feed(signed_in(setup.clinician))
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    patient = setup.plan.patient
    for identifier in (patient.family_name, patient.given_names, str(patient.public_id), patient.phone):
        assert identifier not in body
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert set(events) == {str(booking.public_id), str(cancelled.public_id)}
    event = events[str(booking.public_id)]
    assert str(event["SUMMARY"]) == "Session 1 of 4 · Room 1"
    assert event.decoded("DTSTART") == booking.starts_at
    assert "DTSTART:" in body and "Z\r\n" in body  # in UTC
    assert f"/bookings/{booking.public_id}/" in str(event["DESCRIPTION"])
    assert str(events[str(cancelled.public_id)]["STATUS"]) == "CANCELLED"
    assert AuditEntry.objects.filter(detail="calendar feed", actor=setup.clinician).count() == 1


def test_a_wrong_feed_token_is_not_found(client: Client, setup: Setup) -> None:
    services.new_feed_token(None, setup.clinician)
    assert client.get("/calendar/feed/not-the-token.ics").status_code == 404


def test_a_new_feed_address_revokes_the_old(client: Client, setup: Setup) -> None:
    old = services.new_feed_token(None, setup.clinician)
    new = services.new_feed_token(None, setup.clinician)
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200
    assert CalendarFeed.objects.get().token_sha256 == services.token_digest(new)  # only the hash is kept


def test_revoking_the_feed_closes_it(signed_in: SignIn, client: Client, setup: Setup) -> None:
    token = services.new_feed_token(None, setup.clinician)
    signed_in(setup.clinician).post("/calendar/feed/", {"revoke": "1"})
    assert not CalendarFeed.objects.exists()
    client.logout()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_front_desk_has_no_feed_of_their_own(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).post("/calendar/feed/")
    assert "Only clinicians and nurses" in response.content.decode()
    assert not CalendarFeed.objects.exists()
