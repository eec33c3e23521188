"""The patient's calendar: appointments and preparation days with alarms, as a file and as a private feed."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from icalendar import Calendar, Event

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.reminders.models import PatientCalendarFeed
from lasercare.practice.reminders.patient_calendar import feed_patient, issue_feed, patient_calendar, revoke_feed
from lasercare.practice.scheduling import services
from tests.web.booking_helpers import at
from tests.web.reminder_helpers import SESSION_DAY, Course, booked, moment

__all__ = ["booked"]


def _events(body: bytes) -> list[Event]:
    return [event for event in Calendar.from_ical(body).walk("VEVENT") if isinstance(event, Event)]


def _appointments(body: bytes) -> list[Event]:
    return [e for e in _events(body) if str(e["summary"]).startswith("Appointment")]


def _preparations(body: bytes) -> list[Event]:
    return [e for e in _events(body) if str(e["summary"]).startswith("Preparation")]


def test_the_calendar_has_the_appointment_with_its_place_length_and_an_alarm_the_day_before(booked: Course) -> None:
    (event,) = _appointments(patient_calendar(booked.patient))
    assert str(event["summary"]) == "Appointment at Riverside Skin Clinic"
    assert event.decoded("dtstart") == moment(SESSION_DAY, 10)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert str(event["location"]) == "Riverside"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-1)


def test_each_preparation_step_is_an_all_day_event_on_its_day_with_a_morning_alarm(booked: Course) -> None:
    steps = {e.decoded("dtstart"): e for e in _preparations(patient_calendar(booked.patient))}
    assert sorted(steps) == [date(2026, 11, 26), date(2026, 12, 3), date(2026, 12, 9)]
    retinoid = steps[date(2026, 12, 3)]
    assert str(retinoid["summary"]).startswith("Preparation: Stop using retinol or retinoid skin products")
    assert "For your appointment on Thursday 10 December 2026, 10:00" in str(retinoid["description"])
    (alarm,) = retinoid.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=8)


def test_an_aftercare_step_lasting_days_is_one_event_over_every_day_it_applies(booked: Course) -> None:
    """The reported fault: "no retinoids ... for 7 days" was dated day 7 only; days 1 to 6 carried no warning."""
    (event,) = [e for e in _events(patient_calendar(booked.patient)) if str(e["summary"]).startswith("Aftercare")]
    assert event.decoded("dtstart") == SESSION_DAY + timedelta(days=1)
    assert event.decoded("dtend") == SESSION_DAY + timedelta(days=8)  # the day after the 7th: an all-day end
    assert str(event["summary"]).startswith("Aftercare until Thursday 17 December 2026: For 7 days, do not put")


def test_the_calendar_names_no_patient_and_no_treatment(booked: Course) -> None:
    text = patient_calendar(booked.patient).decode()
    for private in ("Jane", "Doe", "1974", "Intense pulsed", "IPL", "Laser A", "sun spots"):
        assert private not in text, private


def test_a_cancelled_session_leaves_the_calendar(booked: Course) -> None:
    services.cancel(None, booked.front_desk, booked.booking, "Patient unwell")
    assert _events(patient_calendar(booked.patient)) == []


def test_a_moved_session_is_on_its_new_day_with_its_preparation_counted_from_it(booked: Course) -> None:
    services.reschedule(None, booked.front_desk, booked.booking, starts_at=at(date(2026, 12, 17), 14), reason="Asked")
    body = patient_calendar(booked.patient)
    (event,) = _appointments(body)
    assert event.decoded("dtstart") == moment(date(2026, 12, 17), 14)
    assert date(2026, 12, 10) in {
        e.decoded("dtstart") for e in _preparations(body)
    }  # the retinoid pause, 7 days before


# --- The private feed -----------------------------------------------------------------------------------------


def test_the_feed_address_gives_the_patients_calendar_without_a_log_in(client: Client, booked: Course) -> None:
    token = issue_feed(None, booked.patient, actor=booked.front_desk)
    response = client.get(f"/calendar/patient/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert len(_appointments(response.content)) == 1


def test_fetching_the_feed_is_audited_under_the_patient(client: Client, booked: Course) -> None:
    token = issue_feed(None, booked.patient, actor_label="patient portal")
    client.get(f"/calendar/patient/{token}.ics")
    entry = AuditEntry.objects.get(detail="patient calendar feed")
    assert (entry.actor_label, entry.patient_ref, entry.practice_id) == (
        "patient calendar feed",
        str(booked.patient.public_id),
        booked.patient.practice_id,
    )
    made = AuditEntry.objects.get(record_type="patient_calendar_feed")
    assert (made.actor_label, made.detail) == ("patient portal", "new calendar feed address")


def test_the_feed_follows_a_cancellation(client: Client, booked: Course) -> None:
    token = issue_feed(None, booked.patient, actor=booked.front_desk)
    services.cancel(None, booked.front_desk, booked.booking, "Patient unwell")
    assert _events(client.get(f"/calendar/patient/{token}.ics").content) == []


def test_an_unknown_feed_address_is_not_found(client: Client, booked: Course) -> None:
    issue_feed(None, booked.patient, actor=booked.front_desk)
    assert client.get("/calendar/patient/not-the-secret.ics").status_code == 404


def test_a_new_feed_address_revokes_the_previous_one(client: Client, booked: Course) -> None:
    old = issue_feed(None, booked.patient, actor=booked.front_desk)
    new = issue_feed(None, booked.patient, actor=booked.front_desk)
    assert client.get(f"/calendar/patient/{old}.ics").status_code == 404
    assert client.get(f"/calendar/patient/{new}.ics").status_code == 200


def test_a_revoked_feed_is_not_found_and_kept_with_its_time(client: Client, booked: Course) -> None:
    token = issue_feed(None, booked.patient, actor=booked.front_desk)
    assert revoke_feed(None, booked.patient, actor=booked.front_desk)
    assert client.get(f"/calendar/patient/{token}.ics").status_code == 404
    assert feed_patient(token) is None
    assert PatientCalendarFeed.objects.get().revoked_at == moment(date(2026, 11, 26), 12)


def test_only_the_feed_secrets_digest_is_stored(booked: Course) -> None:
    token = issue_feed(None, booked.patient, actor=booked.front_desk)
    stored = PatientCalendarFeed.objects.get()
    assert token not in stored.token_sha256
    assert len(stored.token_sha256) == 64
