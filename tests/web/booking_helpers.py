"""Fixtures for the scheduling tests: an accepted plan held some months ago, rooms, devices and practitioners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import safety_questions, safety_services
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import SafetyAnswer, TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import rules, services
from lasercare.practice.scheduling.models import Booking
from tests.web.conftest import basic_intake, make_staff


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def accepted_plan(
    patient: Patient, clinician: StaffUser, held_on: date, intake: dict[str, Any] | None = None
) -> TreatmentPlan:
    plan = consultations.record_consultation(
        None, clinician, patient, held_on=held_on, intake=intake if intake is not None else basic_intake()
    )
    return consultations.decide_plan(None, clinician, plan, accepted=True)


# Notes a clinician writes when settling each kind of safety question before booking.
SAFETY_NOTES = {
    safety_questions.MEDICATION: "Checked with the patient's GP: a topical product, no retinoid or photosensitiser.",
    safety_questions.PHOTOTYPE: "Examined in clinic: Fitzpatrick type confirmed as the photo estimate suggests.",
    safety_questions.FINDING: "Discussed with the patient; test spot first and conservative settings, as planned.",
}


def answer_safety_questions(plan: TreatmentPlan, clinician: StaffUser) -> list[SafetyAnswer]:
    """Settle every open safety question of the plan a note settles, through the service, as a clinician would
    before the course is booked (an adverse event's question is settled by its review instead)."""
    return [
        safety_services.answer_question(None, clinician, plan, key=q.key, note=SAFETY_NOTES[q.kind])
        for q in safety_services.open_questions(plan)
        if q.kind != safety_questions.ADVERSE_EVENT
    ]


def add_device(practice: Practice, modality: str, name: str) -> Device:
    return Device.objects.create(
        practice=practice, name=name, model="Model", serial_number=name, modality=modality, wavelengths_nm="1550"
    )


@dataclass
class Setup:
    plan: TreatmentPlan
    course: rules.Course
    clinician: StaffUser
    nurse: StaffUser
    room: Room
    other_room: Room
    device: Device
    other_device: Device

    def day(self, session: int) -> date:
        """The engine's earliest day for a session of this course (or the floor for the first)."""
        return self.course.schedule.get(session) or rules.window(self.course, 1, []).earliest

    def book(self, by: StaffUser, session: int, starts_at: datetime, **changes: object) -> Booking:
        values: dict[str, object] = {
            "session_number": session,
            "practitioner": self.clinician,
            "room": self.room,
            "device": self.device,
            "starts_at": starts_at,
            "minutes": 45,
        }
        values.update(changes)
        return services.book(None, by, self.plan, **values)  # type: ignore[arg-type]


# Held four months ago: the course's first sessions are in the past (no-shows) and its later ones ahead.
HELD_DAYS_AGO = 120


@pytest.fixture
def setup(practice: Practice, patient: Patient, staff: dict[Role, StaffUser]) -> Setup:
    clinician = staff[Role.CLINICIAN]
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=HELD_DAYS_AGO))
    course = services.course(plan)
    return Setup(
        plan=plan,
        course=course,
        clinician=clinician,
        nurse=staff[Role.NURSE],
        room=Room.objects.create(practice=practice, name="Room 1"),
        other_room=Room.objects.create(practice=practice, name="Room 2"),
        device=add_device(practice, course.modality, "Laser A"),
        other_device=add_device(practice, course.modality, "Laser B"),
    )


def second_clinician(practice: Practice) -> StaffUser:
    return make_staff(practice, Role.CLINICIAN, username="dr-second")
