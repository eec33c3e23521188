"""Fixtures for the patient portal's tests: a patient with an accepted plan, session 1 booked ahead, a consent
awaiting their signature, and a portal account; a second patient of the same practice with the same, to check that
neither sees the other's records."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent import services as consent_services
from lasercare.practice.consent.models import FAMILIES, Consent
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.photos import storage
from lasercare.practice.photos.models import AnalysisStatus, SkinPhoto
from lasercare.practice.portal.auth import SESSION_HASH_KEY, SESSION_KEY, SESSION_SEEN_KEY, _digest
from lasercare.practice.portal.models import PatientAccount
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.models import Booking
from tests.web.booking_helpers import accepted_plan
from tests.web.conftest import make_patient
from tests.web.photo_helpers import ANALYSIS, jpeg, photo_of, plain_image

# The consultation was a few days ago: session 1 is still ahead, its preparation under way.
HELD_DAYS_AGO = 3


@dataclass
class PatientWithCourse:
    patient: Patient
    account: PatientAccount
    plan: TreatmentPlan
    first: Booking
    consent: Consent
    photo: SkinPhoto

    @property
    def first_day(self) -> date:
        return timezone.localtime(self.first.starts_at).date()


def with_course(practice: Practice, clinician: StaffUser, given: str, email: str) -> PatientWithCourse:
    patient = make_patient(practice, given_names=given, email=email)
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=HELD_DAYS_AGO))
    course = scheduling.course(plan)
    first_day = course.schedule.get(1) or rules.window(course, 1, []).earliest
    device, _ = Device.objects.get_or_create(
        practice=practice,
        name=f"{course.modality} unit",
        defaults={"model": "M", "serial_number": course.modality, "modality": course.modality, "wavelengths_nm": "1"},
    )
    room, _ = Room.objects.get_or_create(practice=practice, name="Room 1")
    first = scheduling.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=clinician,
        room=room,
        device=device,
        starts_at=timezone.make_aware(datetime.combine(first_day, time(10 if given == "Jane" else 14))),
    )
    for family, _name in FAMILIES:
        if not consent_services.latest_template(practice.pk, family):
            admin = StaffUser.objects.get(practice=practice, role=Role.PRACTICE_ADMIN)
            consent_services.save_template_version(None, admin, practice, family, "Consent", "The practice's words.")
    consent = consent_services.prepare_consent(None, clinician, plan)
    account = PatientAccount.objects.create(
        practice=practice, patient=patient, email=email, activated_at=timezone.now()
    )
    # A photo of the consultation, marked analysed with a stored analysis: these tests are about who sees it.
    photo = photo_of(plan.consultation, clinician, jpeg(plain_image()), analyse=False)
    overlay = io.BytesIO()
    plain_image().save(overlay, format="PNG")
    overlay_name = storage.save_file(f"overlays/{photo.public_id}.png", overlay.getvalue())
    SkinPhoto.objects.filter(pk=photo.pk).update(
        status=AnalysisStatus.DONE, analysis=ANALYSIS, overlay_name=overlay_name
    )
    photo.refresh_from_db()
    return PatientWithCourse(patient, account, plan, first, consent, photo)


@pytest.fixture
def jane(practice: Practice, staff: dict[Role, StaffUser], photo_storage: Path) -> PatientWithCourse:
    return with_course(practice, staff[Role.CLINICIAN], "Jane", "jane@example.org")


@pytest.fixture
def john(practice: Practice, staff: dict[Role, StaffUser], photo_storage: Path) -> PatientWithCourse:
    return with_course(practice, staff[Role.CLINICIAN], "John", "john@example.org")


def portal_client(account: PatientAccount) -> Client:
    """A browser signed in to the portal as this account, as `force_login` is for staff (no slow password hash)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = account.pk
    session[SESSION_HASH_KEY] = _digest(account)
    session[SESSION_SEEN_KEY] = int(timezone.now().timestamp())
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = str(session.session_key)
    return client
