"""E-mail reminders: planned with the booking, sent on their day exactly once, moved and cancelled with it,
respecting the patient's preferences; the clock is moved, never waited for."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta

import pytest
from django.core import mail
from pytest_django.fixtures import Settings as SettingsWrapper

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.reminders import sending
from lasercare.practice.reminders.models import Reminder, ReminderStatus
from lasercare.practice.reminders.preferences import set_preferences
from lasercare.practice.scheduling import services
from lasercare.practice.scheduling.models import Booking
from tests.web.booking_helpers import at
from tests.web.reminder_helpers import EMAIL, SESSION_DAY, Course, booked, dispatch, moment

__all__ = ["booked"]

PREP_RETINOID = "preparation 2026-12-03"
PREP_ANTIVIRAL = "preparation 2026-12-09"


def _sent_subjects() -> list[str]:
    return [str(message.subject) for message in mail.outbox]


def test_booking_a_session_plans_a_reminder_for_each_care_day_and_the_appointment(booked: Course) -> None:
    planned = {key: (r.kind, r.due_at, r.status) for key, r in booked.reminders().items()}
    pending = ReminderStatus.PENDING
    assert planned == {
        "preparation 2026-11-26": ("preparation", moment(date(2026, 11, 26), 8), pending),
        PREP_RETINOID: ("preparation", moment(date(2026, 12, 3), 8), pending),
        PREP_ANTIVIRAL: ("preparation", moment(date(2026, 12, 9), 8), pending),
        "appointment": ("appointment", moment(date(2026, 12, 9), 8), pending),
        # Right after the session (it ends at 10:45), then on the mornings of the days that follow.
        "aftercare 2026-12-10": ("aftercare", moment(SESSION_DAY, 10, 45), pending),
        "aftercare 2026-12-11": ("aftercare", moment(date(2026, 12, 11), 8), pending),
    }


def test_an_aftercare_step_lasting_days_comes_on_its_first_day_and_says_its_last(booked: Course) -> None:
    """The reported fault: "no retinoids ... for 7 days" came on day 7, and days 1 to 6 had no warning."""
    booked.move_to(moment(date(2026, 12, 11), 9))
    dispatch()
    body = mail.outbox[-1].body
    assert "Until Thursday 17 December 2026: For 7 days, do not put retinoids" in body


def test_planning_the_same_booking_twice_plans_nothing_more(booked: Course) -> None:
    from lasercare.practice.reminders.planning import plan_for

    before = Reminder.objects.count()
    plan_for(booked.booking)
    assert Reminder.objects.count() == before


def test_nothing_is_sent_before_its_morning(booked: Course) -> None:
    dispatch()  # today's: the sun avoidance that starts at the consultation
    mail.outbox.clear()
    booked.move_to(moment(date(2026, 12, 3), 7, 59))
    assert dispatch() == 0
    assert mail.outbox == []


def test_the_preparation_email_is_sent_on_its_day_once_however_often_the_dispatcher_runs(booked: Course) -> None:
    dispatch()
    mail.outbox.clear()
    booked.move_to(moment(date(2026, 12, 3), 8, 0))
    dispatch()
    dispatch()
    booked.move_to(moment(date(2026, 12, 3), 15, 0))
    dispatch()
    assert _sent_subjects() == ["Preparing for your appointment on Thursday 10 December 2026 · Riverside Skin Clinic"]
    body = mail.outbox[0].body
    assert "From Thursday 3 December 2026:" in body
    assert "Stop using retinol or retinoid skin products you bought yourself" in body
    assert mail.outbox[0].to == [EMAIL]
    reminder = booked.reminders()[PREP_RETINOID]
    assert (reminder.status, reminder.attempts, reminder.sent_at) == ("sent", 1, moment(date(2026, 12, 3), 8))


def test_the_send_job_run_twice_for_one_reminder_sends_one_email(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 3), 9))
    reminder = booked.reminders()[PREP_RETINOID]
    assert sending.send(reminder.pk) == "sent"
    assert sending.send(reminder.pk) == "not pending"
    assert len(mail.outbox) == 1


def test_each_day_brings_its_own_emails_and_the_session_day_the_aftercare(booked: Course) -> None:
    for day, hour in ((date(2026, 11, 26), 12), (date(2026, 12, 3), 8), (date(2026, 12, 9), 8), (SESSION_DAY, 11)):
        booked.move_to(moment(day, hour))
        dispatch()
    preparing = "Preparing for your appointment on Thursday 10 December 2026 · Riverside Skin Clinic"
    assert sorted(_sent_subjects()) == [
        "Aftercare after your appointment on Thursday 10 December 2026 · Riverside Skin Clinic",
        preparing,
        preparing,
        preparing,
        "Your appointment on Thursday 10 December 2026 at 10:00 · Riverside Skin Clinic",
    ]
    assert "Today, after your session:" in mail.outbox[-1].body


def test_a_step_whose_day_had_passed_when_the_session_was_booked_is_marked_not_sent(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 5), 9))
    moved = services.reschedule(
        None, booked.front_desk, booked.booking, starts_at=at(date(2026, 12, 11), 10), reason="Patient asked"
    )
    reminders = booked.reminders(moved)
    assert reminders["preparation 2026-12-04"].status == ReminderStatus.SKIPPED
    assert reminders["preparation 2026-12-04"].note == "its day had passed when the session was booked"
    assert reminders[PREP_ANTIVIRAL.replace("09", "10")].status == ReminderStatus.PENDING


def test_a_reminder_left_unsent_past_its_day_is_not_sent_late(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 4), 9))  # the dispatcher was not running on the 3rd
    dispatch()
    reminder = booked.reminders()[PREP_RETINOID]
    assert reminder.status == ReminderStatus.SKIPPED
    assert reminder.note == "its day passed before it could be sent"
    assert all("Preparing" not in subject for subject in _sent_subjects())


def test_rescheduling_cancels_the_pending_reminders_and_plans_those_of_the_new_day(booked: Course) -> None:
    booked.move_to(moment(date(2026, 11, 30), 9))
    moved = services.reschedule(
        None, booked.front_desk, booked.booking, starts_at=at(date(2026, 12, 17), 14), reason="Patient asked"
    )
    old = booked.reminders()
    assert {r.status for key, r in old.items() if key != "preparation 2026-11-26"} == {ReminderStatus.CANCELLED}
    assert old["appointment"].note == "the session was moved"
    new = booked.reminders(moved)
    assert new["appointment"].due_at == moment(date(2026, 12, 16), 8)
    assert new["preparation 2026-12-10"].status == ReminderStatus.PENDING
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    assert not any("Preparing" in subject for subject in _sent_subjects()[1:])


def test_cancelling_the_session_cancels_its_reminders_and_keeps_those_sent(booked: Course) -> None:
    dispatch()
    services.cancel(None, booked.front_desk, booked.booking, "Patient unwell")
    reminders = booked.reminders()
    assert reminders["preparation 2026-11-26"].status == ReminderStatus.SENT
    others = {r.status for key, r in reminders.items() if key != "preparation 2026-11-26"}
    assert others == {ReminderStatus.CANCELLED}
    booked.move_to(moment(date(2026, 12, 9), 9))
    mail.outbox.clear()
    dispatch()
    assert mail.outbox == []


def test_a_no_show_cancels_the_aftercare_check_ins(booked: Course) -> None:
    booked.move_to(moment(SESSION_DAY, 10, 30))
    services.mark_no_show(None, booked.front_desk, booked.booking)
    reminders = booked.reminders()
    assert reminders["aftercare 2026-12-11"].status == ReminderStatus.CANCELLED
    assert reminders["aftercare 2026-12-11"].note == "the patient did not attend"


def test_an_opted_out_patient_gets_no_email(booked: Course) -> None:
    set_preferences(None, booked.patient, preparation=True, aftercare=True, appointments=True, opted_out=True)
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    assert mail.outbox == []
    reminder = booked.reminders()[PREP_RETINOID]
    assert (reminder.status, reminder.note) == (ReminderStatus.SKIPPED, "the patient opted out of reminders")


def test_a_patient_who_wants_no_preparation_emails_still_gets_the_appointment_reminder(booked: Course) -> None:
    set_preferences(None, booked.patient, preparation=False, aftercare=True, appointments=True, opted_out=False)
    booked.move_to(moment(date(2026, 12, 9), 9))
    dispatch()
    assert _sent_subjects() == ["Your appointment on Thursday 10 December 2026 at 10:00 · Riverside Skin Clinic"]
    assert booked.reminders()[PREP_ANTIVIRAL].note == "the patient does not want this kind of reminder"


def test_a_patient_without_an_email_address_is_skipped_with_the_reason(booked: Course) -> None:
    booked.patient.email = ""
    booked.patient.save()
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    assert booked.reminders()[PREP_RETINOID].note == "the patient has no e-mail address"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe is closed


@pytest.fixture
def unreachable_mail_server(settings: SettingsWrapper) -> None:
    """Django's SMTP backend, for real, pointed at a port where no server listens."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.mark.usefixtures("unreachable_mail_server")
def test_a_mail_server_that_refuses_is_tried_again_later_then_the_reminder_is_marked_failed(booked: Course) -> None:
    start = moment(date(2026, 12, 3), 8)
    booked.move_to(start)
    dispatch()
    reminder = booked.reminders()[PREP_RETINOID]
    assert (reminder.status, reminder.attempts) == (ReminderStatus.PENDING, 1)
    assert reminder.last_error == "ConnectionRefusedError"
    assert reminder.next_attempt_at == start + timedelta(minutes=5)
    waits = []
    now = start
    while reminder.status == ReminderStatus.PENDING:
        waits.append(int((reminder.next_attempt_at - now).total_seconds() // 60))
        now = reminder.next_attempt_at
        booked.move_to(now)
        dispatch()
        reminder.refresh_from_db()
    assert waits == [5, 10, 20, 40]
    assert (reminder.status, reminder.attempts) == (ReminderStatus.FAILED, sending.MAX_ATTEMPTS)
    assert reminder.note == "gave up after 5 attempts"
    assert EMAIL not in reminder.last_error


def test_a_reminder_is_sent_once_the_mail_server_is_back(booked: Course, settings: SettingsWrapper) -> None:
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    booked.move_to(moment(date(2026, 12, 3), 8))
    dispatch()
    settings.EMAIL_BACKEND = backend
    booked.move_to(moment(date(2026, 12, 3), 8, 5))
    dispatch()
    dispatch()
    reminder = booked.reminders()[PREP_RETINOID]
    assert (reminder.status, reminder.attempts, reminder.last_error) == (ReminderStatus.SENT, 2, "")
    assert len([s for s in _sent_subjects() if s.startswith("Preparing")]) == 1


def test_the_email_names_no_patient_treatment_or_finding_and_its_links_are_absolute(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 9), 9))
    dispatch()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = str(message.subject) + str(message.body)
        for private in ("Jane", "Doe", "1974", "900123", "Intense pulsed", "IPL", "sun spots", "sun_spots", "hsv"):
            assert private not in text, private
        links = re.findall(r"\S+://\S+", str(message.body))
        assert links == ["http://127.0.0.1:8000/portal/", links[1]]
        assert links[1].startswith("http://127.0.0.1:8000/reminders/unsubscribe/")
        assert message.extra_headers["List-Unsubscribe"] == f"<{links[1]}>"


def test_the_links_use_the_configured_site_address(booked: Course, settings: SettingsWrapper) -> None:
    settings.LASERCARE_SITE_URL = "https://care.example.org/"
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    assert "https://care.example.org/portal/" in mail.outbox[0].body


def test_each_email_sent_is_audited_under_reminders(booked: Course) -> None:
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    reminder = booked.reminders()[PREP_RETINOID]
    entry = AuditEntry.objects.get(record_type="reminder", record_id=str(reminder.public_id))
    assert (entry.actor_label, entry.actor_id, entry.action, entry.detail) == (
        "reminders",
        None,
        "create",
        "preparation e-mail sent",
    )
    assert entry.patient_ref == str(booked.patient.public_id)
    assert entry.practice_id == booked.patient.practice_id


def test_a_booking_outside_a_plans_course_has_no_reminders(booked: Course) -> None:
    assert all(b.reminders.exists() for b in Booking.objects.filter(plan__isnull=False))


def test_the_email_is_in_the_patients_language_when_the_app_has_it_else_in_english(booked: Course) -> None:
    booked.patient.preferred_language = "pl"  # no Polish catalogue: English throughout, dates too
    booked.patient.save()
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    assert "From Thursday 3 December 2026:" in str(mail.outbox[0].body)
