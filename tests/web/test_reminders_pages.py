"""The reminders' pages: a patient's reminders and preferences for the staff, and the unsubscribe link."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from django.core import mail
from django.test import Client

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.reminders.models import ReminderStatus
from lasercare.practice.reminders.preferences import ReminderPreferenceForm, preference_for
from tests.web.reminder_helpers import Course, booked, dispatch, moment

__all__ = ["booked"]
SignIn = Callable[[StaffUser], Client]


def _page(client: Client, course: Course) -> str:
    response = client.get(f"/patients/{course.patient.public_id}/reminders/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_patient_page_links_to_the_reminders_for_the_front_desk(signed_in: SignIn, booked: Course) -> None:
    page = signed_in(booked.front_desk).get(f"/patients/{booked.patient.public_id}/").content.decode()
    assert f'href="/patients/{booked.patient.public_id}/reminders/"' in page


def test_the_reminders_page_lists_planned_sent_and_failed_reminders(signed_in: SignIn, booked: Course) -> None:
    dispatch()
    failed = booked.reminders()["preparation 2026-12-03"]
    failed.status, failed.note, failed.last_error, failed.attempts = "failed", "gave up after 5 attempts", "OSError", 5
    failed.save()
    page = _page(signed_in(booked.front_desk), booked)
    assert page.count("<tr>") == 1 + 6  # the booking's six reminders (tests/web/test_reminders.py), a header row
    assert "Sent" in page
    assert "Failed" in page
    assert "gave up after 5 attempts; last attempt: OSError (5 attempts)" in page
    assert "Planned" in page
    assert "Aftercare check-in" in page


def test_viewing_the_reminders_page_is_audited(signed_in: SignIn, booked: Course) -> None:
    _page(signed_in(booked.front_desk), booked)
    entry = AuditEntry.objects.get(record_type="reminder", actor=booked.front_desk)
    assert (entry.action, entry.patient_ref, entry.detail) == (
        "view",
        str(booked.patient.public_id),
        "patient's reminders, 6 shown",
    )


def test_the_front_desk_opts_a_patient_out_and_the_change_is_audited(signed_in: SignIn, booked: Course) -> None:
    client = signed_in(booked.front_desk)
    response = client.post(f"/patients/{booked.patient.public_id}/reminders/", {"receive": "no"})
    assert response.status_code == 302
    assert preference_for(booked.patient).opted_out_at == moment(date(2026, 11, 26), 12)
    entry = AuditEntry.objects.get(record_type="reminder_preference")
    assert (entry.actor_id, entry.detail) == (booked.front_desk.pk, "opted out")
    assert "Opted out of every reminder on 26 Nov 2026, 12:00" in _page(client, booked)


def test_preferences_saved_by_a_nurse_are_those_the_sending_follows(signed_in: SignIn, booked: Course) -> None:
    signed_in(booked.clinician).post(
        f"/patients/{booked.patient.public_id}/reminders/", {"receive": "yes", "appointments": "on"}
    )
    preference = preference_for(booked.patient)
    assert (preference.preparation, preference.aftercare, preference.appointments) == (False, False, True)
    booked.move_to(moment(date(2026, 12, 9), 9))
    dispatch()
    assert [m.subject.split(" on ")[0] for m in mail.outbox] == ["Your appointment"]


def test_an_unanswered_preference_form_is_refused_with_its_errors_and_nothing_changed(
    signed_in: SignIn, booked: Course
) -> None:
    response = signed_in(booked.front_desk).post(f"/patients/{booked.patient.public_id}/reminders/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert preference_for(booked.patient).pk is None


def test_the_preference_form_starts_from_what_the_patient_chose(booked: Course) -> None:
    form = ReminderPreferenceForm.for_patient(booked.patient)
    assert form.initial == {"receive": "yes", "preparation": True, "aftercare": True, "appointments": True}


def test_a_practice_admin_may_not_open_the_reminders(
    signed_in: SignIn, booked: Course, staff: dict[Role, StaffUser]
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).get(f"/patients/{booked.patient.public_id}/reminders/")
    assert response.status_code == 403


# --- Unsubscribing --------------------------------------------------------------------------------------------


def _unsubscribe_path(course: Course) -> str:
    course.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    found = re.search(r"http://127\.0\.0\.1:8000(/reminders/unsubscribe/[^/\s]+/)", str(mail.outbox[-1].body))
    assert found is not None
    return found.group(1)


def test_following_the_unsubscribe_link_asks_to_confirm_and_changes_nothing(client: Client, booked: Course) -> None:
    page = client.get(_unsubscribe_path(booked))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stop all e-mail reminders" in text
    assert "Riverside Skin Clinic" in text
    assert "Doe" not in text
    assert preference_for(booked.patient).opted_out_at is None


def test_confirming_the_unsubscribe_link_opts_the_patient_out_of_every_reminder(client: Client, booked: Course) -> None:
    path = _unsubscribe_path(booked)
    page = client.post(path)
    assert page.status_code == 200
    assert "You will receive no more e-mail reminders from Riverside Skin Clinic." in page.content.decode()
    assert preference_for(booked.patient).opted_out_at is not None
    entry = AuditEntry.objects.get(record_type="reminder_preference")
    assert (entry.actor_label, entry.detail, entry.practice_id) == (
        "unsubscribe link",
        "opted out",
        booked.patient.practice_id,
    )
    booked.move_to(moment(date(2026, 12, 9), 9))
    mail.outbox.clear()
    dispatch()
    assert mail.outbox == []
    assert booked.reminders()["appointment"].status == ReminderStatus.SKIPPED


def test_an_unknown_unsubscribe_link_is_not_found(client: Client, booked: Course) -> None:
    assert client.get("/reminders/unsubscribe/not-a-link/").status_code == 404
    assert client.post("/reminders/unsubscribe/not-a-link/").status_code == 404


def test_only_the_unsubscribe_secrets_digest_is_stored(booked: Course) -> None:
    secret = _unsubscribe_path(booked).rstrip("/").rsplit("/", 1)[1]
    reminder = booked.reminders()["preparation 2026-12-03"]
    assert reminder.unsubscribe_sha256 is not None
    assert secret not in reminder.unsubscribe_sha256
    assert len(reminder.unsubscribe_sha256) == 64
