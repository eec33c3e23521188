"""A patient can always reach the practice: its number (a telephone link on screen) and its out-of-hours advice on
every portal page, e-mail and the plan; a question before signing a consent goes to the practice; an urgent
side-effect report is marked urgent and e-mailed at once to the practice's clinical address."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.contact import contact_for, tel_link
from lasercare.practice.clinic.models import Location, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent.models import ConsentStatus
from lasercare.practice.portal.models import ChangeRequest, SideEffectReport
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client, with_course
from tests.web.reminder_helpers import Course, booked, dispatch, moment

__all__ = ["booked", "jane"]

PHONE = "+44 20 7946 0000"
OUT_OF_HOURS = "+44 20 7946 0999"
ADVICE = "When we are closed, call our out-of-hours line. In an emergency, call 999."
CLINICAL = "clinical@riverside.example.org"

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def reachable(practice: Practice) -> Practice:
    """The practice with its number, out-of-hours line and advice, and clinical address set, as its admin sets them."""
    practice.phone = PHONE
    practice.out_of_hours_phone = OUT_OF_HOURS
    practice.out_of_hours_advice = ADVICE
    practice.clinical_email = CLINICAL
    practice.save()
    return practice


def _report(client: Client, *symptoms: str) -> Any:
    return client.post(
        reverse("portal_report"), {"symptoms": list(symptoms), "started_on": timezone.localdate().isoformat()}
    )


# The practice's number, everywhere a patient reads


def test_a_telephone_number_becomes_a_link_a_phone_dials() -> None:
    assert tel_link("+44 (0)20 7946-0000") == "tel:+4402079460000"
    assert tel_link("ext. only") == ""


def test_a_practice_without_its_own_number_is_reached_on_its_first_locations(practice: Practice) -> None:
    Location.objects.filter(practice=practice).update(phone="+44 20 7946 0001")
    assert contact_for(practice).phone == "+44 20 7946 0001"


@pytest.mark.parametrize(
    "route", ["portal_home", "portal_preparation", "portal_appointments", "portal_aftercare", "portal_report"]
)
def test_every_portal_page_links_the_practices_number_and_its_out_of_hours_line(
    reachable: Practice, jane: PatientWithCourse, route: str
) -> None:
    page = portal_client(jane.account).get(reverse(route)).content.decode()
    assert 'href="tel:+442079460000"' in page
    assert 'href="tel:+442079460999"' in page and ADVICE in page


def test_the_plan_says_whom_to_call_with_questions_or_worries(reachable: Practice, jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_plan", args=[jane.plan.public_id])).content.decode()
    worries = page[page.index("Questions or worries") :]
    assert 'href="tel:+442079460000"' in worries and ADVICE in worries


def test_the_pdf_handout_gives_the_practices_number_and_out_of_hours_advice(
    reachable: Practice, jane: PatientWithCourse
) -> None:
    response = portal_client(jane.account).get(reverse("portal_handout", args=[jane.plan.public_id]))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
    assert PHONE in text and OUT_OF_HOURS in text and ADVICE in text


def test_the_invitation_email_gives_the_practices_number_and_out_of_hours_advice(
    reachable: Practice, client: Client, staff: dict[Role, StaffUser], jane: PatientWithCourse
) -> None:
    client.force_login(staff[Role.FRONT_DESK])
    client.post(reverse("portal_invite", args=[jane.patient.public_id]))
    body = str(mail.outbox[-1].body)
    assert PHONE in body and OUT_OF_HOURS in body and ADVICE in body
    assert "&amp;" not in body


def test_a_reminder_email_gives_the_practices_number_and_out_of_hours_advice(
    reachable: Practice, booked: Course
) -> None:
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    body = str(mail.outbox[0].body)
    assert PHONE in body and OUT_OF_HOURS in body and ADVICE in body


def test_the_practice_admin_sets_the_numbers_with_the_practices_details(
    reachable: Practice, client: Client, staff: dict[Role, StaffUser]
) -> None:
    client.force_login(staff[Role.PRACTICE_ADMIN])
    page = client.get(f"/admin/clinic/practice/{reachable.pk}/change/").content.decode()
    for field in ("phone", "out_of_hours_phone", "out_of_hours_advice", "clinical_email"):
        assert f'name="{field}"' in page


# A question before signing


def test_a_question_before_signing_reaches_the_practice_and_leaves_the_consent_unsigned(
    jane: PatientWithCourse,
) -> None:
    browser = portal_client(jane.account)
    url = reverse("portal_consent_question", args=[jane.consent.public_id])
    response = browser.post(url, {"question": "Can I wear make-up the day after?"}, follow=True)
    assert "Your question is with the practice." in response.content.decode()
    asked = ChangeRequest.objects.get(consent=jane.consent)
    assert asked.wish == ChangeRequest.Wish.QUESTION and asked.message == "Can I wear make-up the day after?"
    jane.consent.refresh_from_db()
    assert jane.consent.status == ConsentStatus.DRAFT


def test_the_consent_page_offers_a_question_before_signing(jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_consent", args=[jane.consent.public_id])).content.decode()
    assert reverse("portal_consent_question", args=[jane.consent.public_id]) in page
    assert "I have a question before signing" in page


def test_a_question_is_audited_without_its_words(jane: PatientWithCourse) -> None:
    url = reverse("portal_consent_question", args=[jane.consent.public_id])
    portal_client(jane.account).post(url, {"question": "Does isotretinoin matter?"})
    asked = ChangeRequest.objects.get(consent=jane.consent)
    entry = AuditEntry.objects.get(record_type="change_request", record_id=str(asked.public_id))
    assert entry.detail == "question about a consent" and "isotretinoin" not in entry.detail


def test_a_question_waits_on_the_front_desks_worklist(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    url = reverse("portal_consent_question", args=[jane.consent.public_id])
    portal_client(jane.account).post(url, {"question": "How long is the redness?"})
    asked = ChangeRequest.objects.get(consent=jane.consent)
    client.force_login(staff[Role.FRONT_DESK])
    listing = client.get(reverse("change_requests")).content.decode()
    assert reverse("change_request", args=[asked.public_id]) in listing
    assert "question before signing a consent" in listing
    detail = client.get(reverse("change_request", args=[asked.public_id])).content.decode()
    assert "How long is the redness?" in detail


def test_a_signed_consent_takes_no_question(jane: PatientWithCourse) -> None:
    type(jane.consent).objects.filter(pk=jane.consent.pk).update(status=ConsentStatus.SIGNED)
    url = reverse("portal_consent_question", args=[jane.consent.public_id])
    response = portal_client(jane.account).post(url, {"question": "Too late?"})
    assert response.status_code == 302
    assert not ChangeRequest.objects.filter(consent=jane.consent).exists()


def test_another_patients_consent_takes_no_question_from_this_patient(
    jane: PatientWithCourse, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    john = with_course(practice, staff[Role.CLINICIAN], "John", "john@example.org")
    url = reverse("portal_consent_question", args=[john.consent.public_id])
    assert portal_client(jane.account).post(url, {"question": "Whose is this?"}).status_code == 404
    assert not ChangeRequest.objects.exists()


# Urgent side-effect reports


def test_an_urgent_report_is_marked_urgent_on_the_clinicians_list_not_overdue(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    _report(portal_client(jane.account), "blistering")
    client.force_login(staff[Role.CLINICIAN])
    listing = client.get(reverse("side_effect_reports")).content.decode()
    assert "urgent symptom" in listing and "(overdue)" not in listing


def test_an_urgent_report_emails_the_clinical_address_a_link_and_no_clinical_detail(
    reachable: Practice, jane: PatientWithCourse, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report(portal_client(jane.account), "blistering")
    report = SideEffectReport.objects.get()
    [alert] = [message for message in mail.outbox if message.to == [CLINICAL]]
    assert reverse("side_effect_report", args=[report.public_id]) in alert.body
    for detail in (jane.patient.family_name, jane.patient.given_names, "blister", "Blister"):
        assert detail not in alert.body and detail not in alert.subject


def test_the_alert_is_sent_by_a_background_job_once_the_report_is_stored(
    reachable: Practice, jane: PatientWithCourse, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _report(portal_client(jane.account), "blistering")
    assert not mail.outbox, "nothing is sent before the report's transaction commits"
    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [[CLINICAL]]


def test_a_routine_report_emails_nobody(
    reachable: Practice, jane: PatientWithCourse, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report(portal_client(jane.account), "redness_swelling")
    assert not mail.outbox


def test_without_a_clinical_address_the_alert_is_not_sent_and_the_audit_says_so(
    jane: PatientWithCourse, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report(portal_client(jane.account), "blistering")
    assert not mail.outbox
    entry = AuditEntry.objects.get(record_type="urgent_report_alert")
    assert entry.detail == "not e-mailed: no clinical address set"


def test_the_urgent_reports_confirmation_repeats_the_out_of_hours_advice(
    reachable: Practice, jane: PatientWithCourse
) -> None:
    page = _report(portal_client(jane.account), "blistering").content.decode()
    alert = page[page.index('role="alert"') :]
    alert = alert[: alert.index("</div>")]
    assert "If the practice is closed" in alert and ADVICE in alert
    assert re.search(r'href="tel:\+442079460999"', alert)
