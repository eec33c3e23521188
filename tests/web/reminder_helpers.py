"""Fixtures for the reminders and the patient's calendar: a course booked on a clock the tests move.

The consultation is held on CONSULTATION_DAY (Thu 26 Nov 2026) and the clock stands at noon that day; session 1 of
the plan's course (intense pulsed light, 4 sessions) is booked a week after the earliest day the plan allows:
Thu 10 Dec 2026, 10:00-10:45. The plan's protocol then dates preparation on 26 Nov (sun avoidance, from the
consultation), 3 Dec (retinoid pause) and 9 Dec (antiviral), and aftercare on 10, 11 and 17 Dec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import TestCase

from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.reminders import sending
from lasercare.practice.reminders.models import Reminder
from lasercare.practice.scheduling import rules, services
from lasercare.practice.scheduling.models import Booking
from tests.web.booking_helpers import accepted_plan, add_device, at
from tests.web.conftest import CONSULTATION_DAY

LONDON = ZoneInfo("Europe/London")
EMAIL = "jane.doe@example.org"


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@dataclass
class Course:
    plan: TreatmentPlan
    course: rules.Course
    booking: Booking
    clinician: StaffUser
    front_desk: StaffUser
    room: Room
    device: Device
    clock: time_machine.TimeMachineFixture

    @property
    def patient(self) -> Patient:
        return self.plan.patient

    def move_to(self, when: datetime) -> None:
        self.clock.move_to(when, tick=False)

    def reminders(self, booking: Booking | None = None) -> dict[str, Reminder]:
        return {r.step_key: r for r in Reminder.objects.filter(booking=booking or self.booking)}

    def book(self, session: int, starts_at: datetime) -> Booking:
        return services.book(
            None,
            self.front_desk,
            self.plan,
            session_number=session,
            practitioner=self.clinician,
            room=self.room,
            device=self.device,
            starts_at=starts_at,
        )


SESSION_DAY = date(2026, 12, 10)


def dispatch(now: datetime | None = None) -> int:
    """Run the dispatcher as `lasercare reminders run --once` does: its jobs are queued when its work commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return sending.dispatch_due(now)


@pytest.fixture
def booked(
    practice: Practice, patient: Patient, staff: dict[Role, StaffUser], time_machine: time_machine.TimeMachineFixture
) -> Course:
    time_machine.move_to(moment(CONSULTATION_DAY, 12), tick=False)
    patient.email = EMAIL
    patient.save()
    clinician = staff[Role.CLINICIAN]
    plan = accepted_plan(patient, clinician, CONSULTATION_DAY)
    course = services.course(plan)
    assert course.schedule[1] + timedelta(days=7) == SESSION_DAY
    room = Room.objects.create(practice=practice, name="Room 1")
    device = add_device(practice, course.modality, "Laser A")
    result = Course(plan, course, None, clinician, staff[Role.FRONT_DESK], room, device, time_machine)  # type: ignore[arg-type]
    result.booking = result.book(1, at(SESSION_DAY, 10))
    return result


Dispatch = Callable[..., int]
__all__: list[Any] = ["booked", "dispatch"]
