"""The patient's page follows the course: sessions done, booked and left, the consent in force, flagged adverse
events, and every record of the course on the timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from lasercare.practice.charting import services as charting
from lasercare.practice.clinic.models import Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import services as scheduling
from tests.web.booking_helpers import at
from tests.web.charting_helpers import accept, chart, consent, device

SignIn = Callable[[StaffUser], Client]


def page(client: Client, patient: Patient) -> str:
    response = client.get(f"/patients/{patient.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_accepted_plan_shows_its_course_with_nothing_done_and_no_consent(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser
) -> None:
    accept(plan, clinician)
    text = page(signed_in(clinician), plan.patient)
    assert "Course of treatment" in text
    assert "0 of 4 sessions done" in text
    assert "4 left to book" in text
    assert "not signed" in text


def test_a_signed_chart_a_booking_ahead_and_the_consent_are_counted(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser]
) -> None:
    accept(plan, clinician)
    signed = consent(plan, clinician, sessions=4)
    laser = device(plan.practice)
    chart(plan, clinician, laser, sign=True)
    ahead = timezone.localdate() + timedelta(weeks=8)
    scheduling.book(
        None,
        clinician,
        plan,
        session_number=2,
        practitioner=staff[Role.NURSE],
        room=Room.objects.create(practice=plan.practice, name="Room 1"),
        device=laser,
        starts_at=at(ahead, 10),
    )
    text = page(signed_in(clinician), plan.patient)
    assert "1 of 4 sessions done" in text
    assert "1 booked ahead" in text
    assert "2 left to book" in text
    assert f"/consents/{signed.public_id}/" in text
    assert "sessions 1 to 4" in text


def test_an_adverse_event_awaiting_review_is_flagged_on_the_course(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser
) -> None:
    accept(plan, clinician)
    event = charting.record_adverse_event(
        None, clinician, plan, kind="purpura", severity="mild", onset_on=timezone.localdate()
    )
    text = page(signed_in(clinician), plan.patient)
    assert "1 adverse event awaiting a clinician" in text
    assert f"/adverse-events/{event.public_id}/" in text
    charting.review_adverse_event(None, clinician, event, "Expected purpura at these settings; settled.")
    assert "awaiting a clinician" not in page(signed_in(clinician), plan.patient)


def test_the_timeline_links_the_course_records(signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser) -> None:
    accept(plan, clinician)
    signed = consent(plan, clinician, sessions=4)
    done = chart(plan, clinician, device(plan.practice), sign=True)
    text = page(signed_in(clinician), plan.patient)
    assert f'<a href="/charts/{done.public_id}/">Session 1 charted</a>' in text
    assert f'<a href="/consents/{signed.public_id}/">Consent</a>' in text


def test_front_desk_sees_neither_course_nor_timeline(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser]
) -> None:
    accept(plan, clinician)
    text = page(signed_in(staff[Role.FRONT_DESK]), plan.patient)
    assert "Course of treatment" not in text
    assert "Timeline" not in text


def test_the_plan_page_flags_an_adverse_event_awaiting_review(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser
) -> None:
    accept(plan, clinician)
    client = signed_in(clinician)
    assert "awaiting a clinician" not in client.get(f"/plans/{plan.public_id}/").content.decode()
    charting.record_adverse_event(None, clinician, plan, kind="hsv", severity="moderate", onset_on=timezone.localdate())
    text = client.get(f"/plans/{plan.public_id}/").content.decode()
    assert "1 adverse event awaiting a clinician" in text
