"""The demo practice's portal patient: a plan agreed at a consultation today, the consent waiting for her
signature in the portal, session 1 booked ahead (so her preparation checklist has dates), and a portal account
with a password shown once, as the staff's are."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser
from lasercare.practice.consent import services as consent
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal.models import PatientAccount
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling import services as scheduling

EMAIL = "maya.patel@example.org"

INTAKE = {
    "patient": {"age": 46, "sex": "female"},
    "phototype": {"fitzpatrick": "III"},
    "concerns": [{"code": "sun_spots", "severity": 2}, {"code": "uneven_tone", "severity": 2}],
    "history": {"medications": [{"name": "tretinoin 0.025% cream"}], "conditions": ["hsv"]},
    "goals": {"max_downtime_days": 5},
}


def create_portal_patient(practice: Practice, location: Location, clinician: StaffUser) -> tuple[str, str]:
    """Returns the patient's sign-in address and password."""
    today = timezone.localdate()
    patient = Patient.objects.create(
        practice=practice,
        given_names="Maya",
        family_name="Patel",
        date_of_birth=date(today.year - 46, 5, 14),
        sex="female",
        phone="+44 7700 900461",
        email=EMAIL,
    )
    plan = consultations.record_consultation(None, clinician, patient, held_on=today, intake=INTAKE, location=location)
    plan = consultations.decide_plan(None, clinician, plan, accepted=True)
    # Her intake asks no safety question today; should a change to it or to the knowledge ask one, her clinician
    # settles it before booking, as the plan page does.
    for question in safety_services.open_questions(plan):
        if question.kind != "adverse_event":
            note = "Reviewed with the patient at her consultation; nothing changes the plan."
            safety_services.answer_question(None, clinician, plan, key=question.key, note=note)
    modality = chosen_modality(plan)
    course = scheduling.course(plan)
    device = Device.objects.filter(practice=practice, modality=modality).first()
    room = Room.objects.filter(practice=practice).order_by("name").first()
    if device is not None and room is not None:
        # From tomorrow at the earliest: booked today, her "next appointment" would be gone by the afternoon.
        first = max(course.schedule.get(1) or rules.window(course, 1, []).earliest, today + timedelta(days=1))
        while first.weekday() >= 5:
            first += timedelta(days=1)
        for hour in (11, 12, 15, 16):
            try:
                scheduling.book(
                    None,
                    clinician,
                    plan,
                    session_number=1,
                    practitioner=clinician,
                    room=room,
                    device=device,
                    starts_at=timezone.make_aware(datetime.combine(first, time(hour))),
                    minutes=45,
                )
                break
            except scheduling.BookingRefused:
                continue
        consent.prepare_consent(None, clinician, plan)
    password = secrets.token_urlsafe(12)
    account = PatientAccount(practice=practice, patient=patient, email=EMAIL, activated_at=timezone.now())
    account.set_password(password)
    account.save()
    return EMAIL, password
