"""What the patient reads and does in the portal: their plan, consent, preparation, appointments, aftercare and
side-effect reports; and the practice receiving what they send."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

import time_machine
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from lasercare.documents.care_dates import protocol_for
from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Location, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent.models import ConsentStatus
from lasercare.practice.consultations.models import PlanStatus
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.photos.models import SkinPhoto
from lasercare.practice.portal.models import ChangeRequest, ChecklistTick, SideEffectReport
from lasercare.practice.reminders.preferences import preference_for
from lasercare.practice.scheduling.models import BookingStatus
from lasercare.web.public import public_address
from tests.web.portal_helpers import PatientWithCourse, jane, john, portal_client

__all__ = ["jane", "john"]

SIGNATURE = "M10 10 L40 30 L80 20 M100 50 L150 60"


def test_home_shows_the_next_appointment_and_the_consent_to_sign(jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_home")).content.decode()
    assert str(jane.first_day.year) in page and "10:00" in page
    assert reverse("portal_consent", args=[jane.consent.public_id]) in page


def test_the_plan_reads_in_plain_words_with_risks_rates_and_sources(jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_plan", args=[jane.plan.public_id])).content.decode()
    option = next(o for o in jane.plan.document["options"] if o["modality"] == chosen_modality(jane.plan))
    assert option["patient_name"] in page
    assert "Possible side effects and how often they happen" in page
    for risk in option["risks"]:
        assert risk["patient"]["how_often"].replace("'", "&#39;") in page
        assert risk["rate"].replace("<", "&lt;").replace(">", "&gt;") not in page
    assert "<h2>Sources</h2>" in page


def test_the_plans_sources_are_only_confirmed_ones(jane: PatientWithCourse) -> None:
    document = jane.plan.document
    option = next(o for o in document["options"] if o["modality"] == chosen_modality(jane.plan))
    cited = list(dict.fromkeys([s for risk in option["risks"] for s in risk["sources"]] + option["sources"]))
    assert len(cited) >= 2, "the chosen option and its risks cite at least two sources"
    for source, status in zip(cited, ("mirror", "confirmed"), strict=False):
        entry = next(e for e in document["bibliography"] if e["id"] == source)
        entry.update(citation=f"Citation-{status}-marker", kind="primary", status=status)
        entry["for_patients"] = status == "confirmed"
    jane.plan.save(update_fields=["document"])
    page = portal_client(jane.account).get(reverse("portal_plan", args=[jane.plan.public_id])).content.decode()
    assert "Citation-confirmed-marker" in page
    assert "Citation-mirror-marker" not in page
    pdf = portal_client(jane.account).get(reverse("portal_handout", args=[jane.plan.public_id])).content
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Citation-confirmed-marker" in " ".join(text.split())
    assert "Citation-mirror-marker" not in " ".join(text.split())


def test_a_plan_not_yet_put_to_the_patient_is_not_shown(jane: PatientWithCourse) -> None:
    jane.plan.status = PlanStatus.DRAFT
    jane.plan.save(update_fields=["status"])
    client = portal_client(jane.account)
    assert client.get(reverse("portal_plan", args=[jane.plan.public_id])).status_code == 404
    assert str(jane.plan.public_id) not in client.get(reverse("portal_home")).content.decode()


def test_the_handout_downloads_as_a_pdf_and_is_audited(jane: PatientWithCourse) -> None:
    response = portal_client(jane.account).get(reverse("portal_handout", args=[jane.plan.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert "Jane" not in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Your treatment plan" in text and "Jane Doe" in text
    assert AuditEntry.objects.filter(action="print", record_id=str(jane.plan.public_id)).exists()


def test_the_consent_page_has_the_signature_pad_and_says_what_to_do_without_javascript(
    jane: PatientWithCourse,
) -> None:
    text = portal_client(jane.account).get(reverse("portal_consent", args=[jane.consent.public_id])).content.decode()
    assert "<canvas" in text and "data-signature-clear" in text
    assert "drawing it needs JavaScript: please turn it on, or sign at the practice." in text  # in <noscript>


def test_the_patient_signs_their_consent_at_home_without_a_witness(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    url = reverse("portal_consent", args=[jane.consent.public_id])
    assert "I consent: sign" in client.get(url).content.decode()
    response = client.post(url, {"typed_name": "Jane Doe", "signature": SIGNATURE})
    assert response.status_code == 302
    jane.consent.refresh_from_db()
    assert jane.consent.status == ConsentStatus.SIGNED
    assert jane.consent.signed_in_portal and jane.consent.witness is None
    entry = AuditEntry.objects.get(record_id=str(jane.consent.public_id), action="update")
    assert entry.actor_label.startswith("patient portal") and entry.practice_id == jane.patient.practice_id
    assert "Signed in your patient portal" in client.get(url).content.decode()


def test_a_consent_without_a_drawn_signature_is_not_signed_and_the_name_is_kept(jane: PatientWithCourse) -> None:
    url = reverse("portal_consent", args=[jane.consent.public_id])
    response = portal_client(jane.account).post(url, {"typed_name": "Jane Doe", "signature": ""})
    assert response.status_code == 400
    assert 'value="Jane Doe"' in response.content.decode()
    jane.consent.refresh_from_db()
    assert jane.consent.status == ConsentStatus.DRAFT


def test_a_signed_consent_is_not_signed_again(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    url = reverse("portal_consent", args=[jane.consent.public_id])
    client.post(url, {"typed_name": "Jane Doe", "signature": SIGNATURE})
    response = client.post(url, {"typed_name": "Someone Else", "signature": SIGNATURE}, follow=True)
    assert "signed already" in response.content.decode()
    jane.consent.refresh_from_db()
    assert jane.consent.signed_name == "Jane Doe"


def _dated_preparation(of: PatientWithCourse) -> list[dict[str, object]]:
    protocol = protocol_for(of.plan.document, chosen_modality(of.plan))
    return [s for s in protocol.get("preparation", []) if s.get("days_before") is not None]


def test_the_checklist_dates_each_step_from_the_booked_first_session(jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_preparation")).content.decode()
    assert "Booked for" in page
    consultation_on = datetime.fromisoformat(jane.plan.document["consultation_on"]).date()
    steps = _dated_preparation(jane)
    assert steps, "the plan of these tests has preparation steps with days"
    for step in steps:
        on = max(jane.first_day - timedelta(days=int(str(step["days_before"]))), consultation_on)
        assert f"From {on:%a} {on.day} {on:%b}" in page


def test_the_checklist_follows_the_session_when_it_moves(jane: PatientWithCourse, staff: dict[Role, StaffUser]) -> None:
    from lasercare.practice.scheduling import services as scheduling

    later = jane.first.starts_at + timedelta(days=7)
    scheduling.reschedule(None, staff[Role.FRONT_DESK], jane.first, starts_at=later, reason="patient asked")
    page = portal_client(jane.account).get(reverse("portal_preparation")).content.decode()
    moved = timezone.localtime(later).date()
    assert f"Booked for {moved:%A} {moved.day} {moved:%B} {moved.year}" in page


def test_ticking_a_step_marks_it_done_and_unticking_undoes_it(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    page = client.get(reverse("portal_preparation")).content.decode()
    key = re.search(r'name="step" value="([0-9a-f]+)"', page)
    assert key is not None
    form = {"plan": str(jane.plan.public_id), "step": key.group(1), "done": "1"}
    assert client.post(reverse("portal_preparation"), form).status_code == 302
    assert ChecklistTick.objects.filter(account=jane.account, step_key=key.group(1)).exists()
    assert 'aria-pressed="true"' in client.get(reverse("portal_preparation")).content.decode()
    client.post(reverse("portal_preparation"), {**form, "done": "0"})
    assert not ChecklistTick.objects.exists()


def test_a_tick_for_a_step_not_on_the_list_is_refused_with_a_message(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    form = {"plan": str(jane.plan.public_id), "step": "0" * 32, "done": "1"}
    response = client.post(reverse("portal_preparation"), form, follow=True)
    assert "no longer on your checklist" in response.content.decode()
    assert not ChecklistTick.objects.exists()


def test_the_patient_asks_to_move_an_appointment_and_the_front_desk_sees_it(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    patient_browser = portal_client(jane.account)
    response = patient_browser.post(
        reverse("portal_change", args=[jane.first.public_id]),
        {"wish": "move", "preferred_times": "Weekday mornings", "message": ""},
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.booking == jane.first and change.preferred_times == "Weekday mornings"
    assert (
        "You asked to change this appointment" in patient_browser.get(reverse("portal_appointments")).content.decode()
    )
    client.force_login(staff[Role.FRONT_DESK])
    assert reverse("change_request", args=[change.public_id]) in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("change_request_handled", args=[change.public_id]), {"note": "Moved to Tuesday"})
    change.refresh_from_db()
    assert change.status == "handled" and change.handled_by == staff[Role.FRONT_DESK]


def test_one_open_request_per_appointment(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    url = reverse("portal_change", args=[jane.first.public_id])
    client.post(url, {"wish": "move"})
    response = client.post(url, {"wish": "cancel"})
    assert response.status_code == 400
    assert "already" in response.content.decode()
    assert ChangeRequest.objects.count() == 1


def test_a_past_appointment_cannot_be_changed_here(jane: PatientWithCourse) -> None:
    with time_machine.travel(jane.first.starts_at + timedelta(days=1)):
        response = portal_client(jane.account).post(
            reverse("portal_change", args=[jane.first.public_id]), {"wish": "move"}
        )
    assert response.status_code == 400
    assert "call the practice" in response.content.decode()


def test_aftercare_counts_the_days_since_the_session(jane: PatientWithCourse) -> None:
    jane.first.status = BookingStatus.COMPLETED
    jane.first.save(update_fields=["status"])
    protocol = protocol_for(jane.plan.document, chosen_modality(jane.plan))
    dated = [s for s in protocol.get("aftercare", []) if s.get("days_after") is not None]
    assert dated, "the plan of these tests has aftercare steps with days"
    step = max(dated, key=lambda s: int(s["days_after"]))
    day = int(step["days_after"])
    with time_machine.travel(timezone.make_aware(datetime.combine(jane.first_day + timedelta(days=day), time(9)))):
        page = portal_client(jane.account).get(reverse("portal_aftercare")).content.decode()
    assert f"Today is day {day} after this session." in page
    assert str(step["patient_text"]).replace("'", "&#39;") in page


def test_an_aftercare_step_lasting_days_is_read_on_each_of_them(jane: PatientWithCourse) -> None:
    """The reported fault: "no retinoids ... for 7 days" sat under day 7, and days 1 to 6 carried no warning."""
    jane.first.status = BookingStatus.COMPLETED
    jane.first.save(update_fields=["status"])
    protocol = protocol_for(jane.plan.document, chosen_modality(jane.plan))
    lasting = next(s for s in protocol.get("aftercare", []) if s.get("for_days"))
    last = int(lasting["days_after"]) + int(lasting["for_days"]) - 1
    with time_machine.travel(timezone.make_aware(datetime.combine(jane.first_day + timedelta(days=3), time(9)))):
        page = portal_client(jane.account).get(reverse("portal_aftercare")).content.decode()
    # Each day of the list is an <li class="...">; its steps are <li> without a class.
    (today,) = [day for day in page.split('<li class="')[1:] if day.startswith('today"')]
    assert f"Days 1 to {last} (" in today
    assert str(lasting["patient_text"]).replace("'", "&#39;") in today


def test_before_the_session_aftercare_is_there_to_read_ahead(jane: PatientWithCourse) -> None:
    page = portal_client(jane.account).get(reverse("portal_aftercare")).content.decode()
    assert "still to come: read ahead" in page


def test_an_urgent_symptom_tells_the_patient_to_call_and_goes_first_on_the_clinicians_list(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    Location.objects.filter(practice=jane.patient.practice).update(phone="+44 20 7946 0000")
    browser = portal_client(jane.account)
    form = browser.get(reverse("portal_report")).content.decode()
    assert "Call the practice now if you have" in form and "tel:+442079460000" in form
    today = timezone.localdate().isoformat()
    browser.post(reverse("portal_report"), {"symptoms": ["redness_swelling"], "started_on": today})
    response = browser.post(
        reverse("portal_report"), {"symptoms": ["blistering", "redness_swelling"], "started_on": today}
    )
    assert 'role="alert"' in response.content.decode()
    urgent = SideEffectReport.objects.get(urgent=True)
    client.force_login(staff[Role.CLINICIAN])
    listing = client.get(reverse("side_effect_reports")).content.decode()
    assert listing.index(reverse("side_effect_report", args=[urgent.public_id])) < listing.index(
        reverse("side_effect_report", args=[SideEffectReport.objects.get(urgent=False).public_id])
    )


def test_a_side_effect_report_needs_a_symptom_and_a_day_not_in_the_future(jane: PatientWithCourse) -> None:
    browser = portal_client(jane.account)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = browser.post(reverse("portal_report"), {"started_on": tomorrow, "description": "itchy"})
    assert response.status_code == 400
    assert "Choose at least one symptom" in response.content.decode()
    assert "itchy" in response.content.decode()
    response = browser.post(reverse("portal_report"), {"symptoms": ["crusting"], "started_on": tomorrow})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not SideEffectReport.objects.exists()


def test_a_clinician_marks_a_report_reviewed(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    portal_client(jane.account).post(
        reverse("portal_report"), {"symptoms": ["crusting"], "started_on": timezone.localdate().isoformat()}
    )
    report = SideEffectReport.objects.get()
    client.force_login(staff[Role.CLINICIAN])
    assert "Crusting or flaking" in client.get(reverse("side_effect_report", args=[report.public_id])).content.decode()
    client.post(reverse("side_effect_reviewed", args=[report.public_id]), {"note": "Expected; reassured"})
    report.refresh_from_db()
    assert report.status == "handled" and report.reviewed_by == staff[Role.CLINICIAN]


def test_a_report_reviewed_already_keeps_the_first_reviewers_name_and_note(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    portal_client(jane.account).post(
        reverse("portal_report"), {"symptoms": ["crusting"], "started_on": timezone.localdate().isoformat()}
    )
    report = SideEffectReport.objects.get()
    client.force_login(staff[Role.CLINICIAN])
    client.post(reverse("side_effect_reviewed", args=[report.public_id]), {"note": "Expected; reassured"}, follow=True)
    client.force_login(staff[Role.NURSE])
    page = client.post(reverse("side_effect_reviewed", args=[report.public_id]), {"note": "Seen"}, follow=True)
    assert "Marked as reviewed." not in page.content.decode()
    report.refresh_from_db()
    assert (report.reviewed_by, report.review_note) == (staff[Role.CLINICIAN], "Expected; reassured")


def _patient_pages() -> list[str]:
    """Every portal page of the resolver without a record in its address that a visitor is sent to sign in for."""
    from lasercare.practice.portal import urls

    names = [p.name for p in urls.urlpatterns if isinstance(p, URLPattern) and p.name and not p.pattern.converters]
    anonymous = Client()
    return [
        name
        for name in names
        if (answer := anonymous.get(reverse(name))).status_code == 302 and "/portal/sign-in/" in answer["Location"]
    ]


def test_every_portal_page_read_is_audited_as_the_patient(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    pages = _patient_pages()
    assert {"portal_home", "portal_report", "portal_photos", "portal_aftercare"} <= set(pages)
    for name in pages:
        before = AuditEntry.objects.count()
        assert client.get(reverse(name)).status_code == 200, name
        entry = AuditEntry.objects.order_by("-pk").first()
        assert AuditEntry.objects.count() == before + 1, f"{name} was read without an audit entry"
        assert entry is not None and entry.actor_label.startswith("patient portal")
        assert entry.patient_ref == str(jane.patient.public_id)


def test_a_reported_side_effect_is_on_the_patients_timeline(
    jane: PatientWithCourse, client: Client, staff: dict[Role, StaffUser]
) -> None:
    portal_client(jane.account).post(
        reverse("portal_report"), {"symptoms": ["fever"], "started_on": timezone.localdate().isoformat()}
    )
    report = SideEffectReport.objects.get()
    client.force_login(staff[Role.NURSE])
    page = client.get(reverse("patient", args=[jane.patient.public_id])).content.decode()
    assert reverse("side_effect_report", args=[report.public_id]) in page
    assert "Urgent symptom" in page


def test_the_portal_speaks_the_patients_recorded_language_when_it_has_it(
    jane: PatientWithCourse, settings: Any
) -> None:
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    jane.patient.preferred_language = "fr-CA"
    jane.patient.save()
    page = portal_client(jane.account).get(reverse("portal_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    jane.patient.preferred_language = "tlh"
    jane.patient.save()
    page = portal_client(jane.account).get(reverse("portal_home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page


def test_the_patient_sees_their_own_analysed_photos_and_each_read_is_audited(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    page = client.get(reverse("portal_photos")).content.decode()
    assert reverse("portal_photo", args=[jane.photo.public_id]) in page
    response = client.get(reverse("portal_photo", args=[jane.photo.public_id]))
    assert response["Content-Type"] == "image/jpeg" and response.content[:2] == b"\xff\xd8"
    assert AuditEntry.objects.filter(record_type="skin_photo", record_id=str(jane.photo.public_id)).exists()


def test_a_photo_still_being_analysed_is_not_shown(jane: PatientWithCourse) -> None:
    SkinPhoto.objects.filter(pk=jane.photo.pk).update(status="queued")
    client = portal_client(jane.account)
    assert (
        reverse("portal_photo", args=[jane.photo.public_id])
        not in client.get(reverse("portal_photos")).content.decode()
    )
    assert client.get(reverse("portal_photo", args=[jane.photo.public_id])).status_code == 404


def test_the_calendar_file_holds_the_patients_own_appointments(
    jane: PatientWithCourse, john: PatientWithCourse
) -> None:
    response = portal_client(jane.account).get(reverse("portal_calendar_file"))
    assert response["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    starts = {event.decoded("DTSTART") for event in events}
    assert jane.first.starts_at in starts
    assert john.first.starts_at not in starts


def test_a_calendar_address_is_shown_once_works_and_stops_when_asked(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    page = client.post(reverse("portal_calendar"), {"action": "new"}).content.decode()
    found = re.search(r'value="(https?://[^"]+/calendar/patient/[^"]+\.ics)"', page)
    assert found is not None
    assert found.group(1).startswith(public_address())  # from the public address, never the request's host
    path = urlsplit(found.group(1)).path
    assert Client().get(path).status_code == 200
    assert found.group(1) not in client.get(reverse("portal_calendar")).content.decode()
    client.post(reverse("portal_calendar"), {"action": "stop"})
    assert Client().get(path).status_code == 404


def test_the_patient_opts_out_of_reminders_in_the_portal(jane: PatientWithCourse) -> None:
    client = portal_client(jane.account)
    response = client.post(reverse("portal_reminders"), {"receive": "no"})
    assert response.status_code == 302
    assert preference_for(jane.patient).opted_out_at is not None
    entry = AuditEntry.objects.filter(record_type="reminder_preference").order_by("-pk").first()
    assert entry is not None and entry.actor_label.startswith("patient portal")
