"""A patient whose language is Spanish reads the portal, e-mails, handout and calendar in Spanish; a switch on every
patient page overrides it; consent is in Spanish only once a clinician has reviewed the Spanish clinical text, and
the consent records the language it was signed in."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from markupsafe import escape
from pypdf import PdfReader

from lasercare.engine.patient_voice import patient_document
from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic import translation_review
from lasercare.practice.clinic.models import StaffUser, TranslationReview
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent.models import ConsentStatus
from lasercare.practice.reminders.patient_calendar import patient_calendar
from lasercare.practice.selfassessment.knowledge_text import care_text
from lasercare.web.dates import show_date
from tests.web.portal_helpers import PatientWithCourse, jane, portal_client
from tests.web.reminder_helpers import Course, booked, dispatch, moment

__all__ = ["booked", "jane"]

SIGNATURE = "M10 10 L40 30 L80 20 M100 50 L150 60"


def es(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


@pytest.fixture
def ana(jane: PatientWithCourse) -> PatientWithCourse:
    """Jane's course, for a patient whose recorded language is Mexican Spanish."""
    jane.patient.preferred_language = "es-MX"
    jane.patient.save()
    return jane


def _review(by: StaffUser, sha256: str | None = None) -> TranslationReview:
    assert by.practice_id is not None
    return TranslationReview.objects.create(
        practice_id=by.practice_id,
        language="es",
        catalogue_sha256=sha256 or translation_review.catalogue_sha256("es"),
        reviewed_by=by,
        reviewed_on=timezone.localdate(),
    )


def _consent_url(of: PatientWithCourse) -> str:
    return reverse("portal_consent", args=[of.consent.public_id])


def test_a_spanish_patients_portal_pages_are_in_spanish(ana: PatientWithCourse) -> None:
    client = portal_client(ana.account)
    for route in ("portal_home", "portal_preparation", "portal_appointments", "portal_aftercare", "portal_report"):
        page = client.get(reverse(route)).content.decode()
        assert '<html lang="es">' in page, route
        assert es("Your pages") in page and es("Aftercare") in page, route
    plan = client.get(reverse("portal_plan", args=[ana.plan.public_id])).content.decode()
    assert es("Your treatment") in plan and "Your treatment<" not in plan


def test_the_portals_dates_are_written_the_spanish_way(ana: PatientWithCourse) -> None:
    page = portal_client(ana.account).get(reverse("portal_appointments")).content.decode()
    with translation.override("es"):
        written = show_date(ana.first.starts_at, "l j F Y, H:i")
    assert written in page
    assert re.fullmatch(r"[a-zéá]+ \d{1,2} de [a-z]+ de \d{4}, \d\d:\d\d", written), written


def test_spanish_dates_read_weekday_day_month_year_in_lower_case() -> None:
    with translation.override("es"):
        assert show_date(date(2026, 12, 7), "D j M Y") == "lun 7 dic 2026"
        assert show_date(date(2026, 12, 7), "l j F Y") == "lunes 7 de diciembre de 2026"
    with translation.override("en"):
        assert show_date(date(2026, 12, 7), "D j M Y") == "Mon 7 Dec 2026"


def test_the_switch_overrides_the_patients_recorded_language(ana: PatientWithCourse) -> None:
    client = portal_client(ana.account)
    home = reverse("portal_home")
    response = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302 and response["Location"] == home
    page = client.get(home).content.decode()
    assert '<html lang="en">' in page and "Your pages" in page
    client.post(reverse("set_language"), {"language": "es", "next": home})
    assert '<html lang="es">' in client.get(home).content.decode()


def test_public_pages_follow_the_browser_and_carry_the_switch(db: None) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").get(reverse("learn")).content.decode()
    assert '<html lang="es">' in page
    assert 'name="language"' in page and 'lang="es"' in page and "Español" in page


def test_the_sign_in_link_email_is_in_the_patients_language(ana: PatientWithCourse) -> None:
    Client().post(reverse("portal_send_link"), {"link-email": ana.account.email})
    assert mail.outbox[-1].subject == es("Your sign-in link for %(practice)s") % {"practice": "Riverside Skin Clinic"}


def test_the_invitation_email_is_in_spanish_with_a_spanish_date(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    ana.account.delete()
    client = Client()
    client.force_login(staff[Role.FRONT_DESK])
    client.post(reverse("portal_invite", args=[ana.patient.public_id]))
    message = mail.outbox[-1]
    assert message.subject == es("Your patient portal at %(practice)s") % {"practice": "Riverside Skin Clinic"}
    expires = timezone.localdate() + timedelta(days=settings.PORTAL_INVITATION_DAYS)
    with translation.override("es"):
        assert show_date(expires, "j M Y") in str(message.body)


def test_the_handout_pdf_is_in_spanish(ana: PatientWithCourse) -> None:
    response = portal_client(ana.account).get(reverse("portal_handout", args=[ana.plan.public_id]))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
    assert es("Your treatment plan") in text and "Your treatment plan" not in text
    assert es("Possible side effects and how often they happen") in text


def test_the_staff_download_of_the_handout_is_in_the_patients_language(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    client = Client()
    client.force_login(staff[Role.CLINICIAN])
    response = client.get(f"/plans/{ana.plan.public_id}/handout.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages).split())
    assert es("Your treatment plan") in text


def test_the_patients_calendar_is_in_spanish(ana: PatientWithCourse) -> None:
    calendar = patient_calendar(ana.patient).decode()
    with translation.override("es"):
        assert show_date(ana.first_day, "l j F Y") in " ".join(calendar.replace("\r\n ", "").split())


def test_unreviewed_consent_is_presented_in_english_with_a_spanish_sentence_saying_why(ana: PatientWithCourse) -> None:
    page = portal_client(ana.account).get(_consent_url(ana)).content.decode()
    assert "<h2>Your treatment</h2>" in page
    notice = es(
        "This consent is in English because the practice has not yet checked its translation into your "
        "language. If anything is not clear, ask the practice before you sign: they will go through it with "
        "you, with an interpreter if you need one."
    )
    assert notice.startswith("Este consentimiento") and notice in page


def test_consent_signed_before_review_records_english(ana: PatientWithCourse) -> None:
    portal_client(ana.account).post(_consent_url(ana), {"typed_name": "Jane Doe", "signature": SIGNATURE})
    ana.consent.refresh_from_db()
    assert (ana.consent.status, ana.consent.signed_language) == (ConsentStatus.SIGNED, "en")


def test_reviewed_consent_is_presented_and_signed_in_spanish(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    _review(staff[Role.CLINICIAN])
    client = portal_client(ana.account)
    page = client.get(_consent_url(ana)).content.decode()
    assert f"<h2>{es('Your treatment')}</h2>" in page and "Este consentimiento" not in page
    client.post(_consent_url(ana), {"typed_name": "Jane Doe", "signature": SIGNATURE})
    ana.consent.refresh_from_db()
    assert ana.consent.signed_language == "es"
    staff_client = Client()
    staff_client.force_login(staff[Role.CLINICIAN])
    staff_page = staff_client.get(reverse("consent", args=[ana.consent.public_id])).content.decode()
    assert "Español (es)" in staff_page and f"<h2>{es('Your treatment')}</h2>" in staff_page
    printed = staff_client.get(reverse("consent_print", args=[ana.consent.public_id])).content.decode()
    assert "Español (es)" in printed


def test_a_review_of_an_earlier_translation_no_longer_holds(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    _review(staff[Role.CLINICIAN], sha256="0" * 64)
    status = translation_review.review_status(ana.patient.practice_id, "es")
    assert status is not None and status.lapsed
    assert "<h2>Your treatment</h2>" in portal_client(ana.account).get(_consent_url(ana)).content.decode()


def test_a_clinician_records_the_review_and_it_is_audited(staff: dict[Role, StaffUser]) -> None:
    client = Client()
    client.force_login(staff[Role.CLINICIAN])
    today = timezone.localdate().isoformat()
    response = client.post(reverse("translation_reviews"), {"language": "es", "reviewed_on": today, "confirm": "on"})
    assert response.status_code == 302
    review = TranslationReview.objects.get()
    assert review.reviewed_by == staff[Role.CLINICIAN] and review.language == "es"
    assert AuditEntry.objects.filter(record_type="translation_review", action="create").exists()
    assert "Reviewed by" in client.get(reverse("translation_reviews")).content.decode()


def test_a_review_needs_the_clinicians_confirmation(staff: dict[Role, StaffUser]) -> None:
    client = Client()
    client.force_login(staff[Role.CLINICIAN])
    today = timezone.localdate().isoformat()
    assert client.post(reverse("translation_reviews"), {"language": "es", "reviewed_on": today}).status_code == 400
    assert not TranslationReview.objects.exists()


def test_staff_see_the_patients_language_with_its_review_status(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    client = Client()
    client.force_login(staff[Role.FRONT_DESK])
    page = client.get(reverse("patient", args=[ana.patient.public_id])).content.decode()
    assert "es-MX (served in Español)" in page and "clinical text not reviewed" in page
    _review(staff[Role.CLINICIAN])
    assert "clinical text reviewed by" in client.get(reverse("patient", args=[ana.patient.public_id])).content.decode()


def test_the_preparation_steps_read_in_spanish_with_the_plans_own_figures(ana: PatientWithCourse) -> None:
    page = portal_client(ana.account).get(reverse("portal_preparation")).content.decode()
    steps = [str(step["text"]) for step in patient_document(ana.plan.document)["protocol"]["preparation"]]
    assert steps
    with translation.override("es"):
        spanish = [care_text(text) for text in steps]
    for english, text in zip(steps, spanish, strict=True):
        assert text != english
        assert escape(text) in page


def test_the_consent_says_the_day_it_was_prepared_in_the_readers_way(
    ana: PatientWithCourse, staff: dict[Role, StaffUser]
) -> None:
    _review(staff[Role.CLINICIAN])
    page = portal_client(ana.account).get(_consent_url(ana)).content.decode()
    prepared = date.fromisoformat(ana.consent.document["prepared_on"])
    with translation.override("es"):
        assert show_date(prepared, "j M Y") in page
    assert ana.consent.document["prepared_on"] not in page


def test_a_reminder_email_is_in_spanish_with_its_steps_and_dates_in_spanish(booked: Course) -> None:
    booked.patient.preferred_language = "es"
    booked.patient.save()
    booked.move_to(moment(date(2026, 12, 3), 9))
    dispatch()
    body = str(mail.outbox[0].body)
    with translation.override("es"):
        assert show_date(date(2026, 12, 3), "l j F Y") in body  # "jueves 3 de diciembre de 2026"
        assert translation.gettext("Hello,") in body
    steps = [line[2:] for line in body.splitlines() if line.startswith("- ")]
    assert steps
    english = [str(s["text"]) for s in patient_document(booked.plan.document)["protocol"]["preparation"]]
    assert not set(steps) & set(english)
