"""Planning the reminders of a booking, and cancelling them when the booking ends.

Called by the booking services (scheduling/services.py) inside their transaction: a session booked has its
reminders planned in the same commit, a session moved or cancelled has its pending ones cancelled in the same commit,
so no reminder ever outlives its booking's change.

One e-mail per day, not per step: the steps of a session that fall on the same day (three aftercare steps the day
after, say) arrive together. The days come from documents/care_dates.py, the one reckoning of the plan's care days
that the portal and the patient's calendar use too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from lasercare.documents.care_dates import DatedStep, aftercare_for, preparation_for, protocol_for
from lasercare.engine.patient_voice import patient_document
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.reminders.models import Reminder, ReminderKind, ReminderStatus
from lasercare.practice.scheduling.models import Booking

# Practice policy, not a clinical figure: the appointment reminder comes the day before the session.
APPOINTMENT_DAYS_BEFORE = 1


@dataclass(frozen=True)
class Planned:
    kind: ReminderKind
    step_key: str
    due_at: datetime
    steps: tuple[DatedStep, ...] = ()


def send_hour() -> int:
    """The hour of the morning a reminder's day starts with, in the practice's time zone (LASERCARE_REMINDER_HOUR)."""
    return int(getattr(settings, "LASERCARE_REMINDER_HOUR", 8))


def _morning(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(send_hour())))


def care_steps(booking: Booking) -> dict[tuple[ReminderKind, date], list[DatedStep]]:
    """The plan's dated preparation and aftercare steps around this booking's session, by kind and day."""
    plan = booking.plan
    if plan is None or booking.session_number is None:
        return {}
    protocol = protocol_for(patient_document(plan.document), chosen_modality(plan))
    consulted = plan.document.get("consultation_on")
    session_on = timezone.localdate(booking.starts_at)
    found: dict[tuple[ReminderKind, date], list[DatedStep]] = defaultdict(list)
    for step in preparation_for(
        protocol.get("preparation", []),
        booking.session_number,
        session_on,
        not_before=date.fromisoformat(consulted) if consulted else None,
    ):
        found[(ReminderKind.PREPARATION, step.on)].append(step)
    for step in aftercare_for(protocol.get("aftercare", []), booking.session_number, session_on):
        found[(ReminderKind.AFTERCARE, step.on)].append(step)
    return dict(found)


def step_key(kind: ReminderKind, day: date | None = None) -> str:
    return str(kind) if day is None else f"{kind} {day.isoformat()}"


def planned_for(booking: Booking) -> list[Planned]:
    """What this booking's reminders are: one per day with steps, and the appointment's."""
    session_on = timezone.localdate(booking.starts_at)
    planned = [
        Planned(ReminderKind.APPOINTMENT, step_key(ReminderKind.APPOINTMENT), _morning(session_on - timedelta(days=1)))
    ]
    for (kind, day), steps in sorted(care_steps(booking).items()):
        # Aftercare "right after the session" comes when it ends, not on the morning before it.
        due = booking.ends_at if kind == ReminderKind.AFTERCARE and day == session_on else _morning(day)
        planned.append(Planned(kind, step_key(kind, day), due, tuple(steps)))
    return planned


def plan_for(booking: Booking) -> list[Reminder]:
    """Plan the booking's reminders. Planning twice plans nothing more (the unique constraint and
    ignore_conflicts)."""
    if booking.plan_id is None or booking.session_number is None:
        return []
    today = timezone.localdate()
    rows = []
    for planned in planned_for(booking):
        # A step whose day has already gone by when the session is booked is not sent late: an e-mail on the 5th
        # saying "from the 3rd, pause retinol" asks for what can no longer be done, and the patient hears the
        # preparation in person when booking inside its lead time (the handout and the portal show it as late).
        # The row is kept, marked, so the staff see why no e-mail went.
        passed = timezone.localdate(planned.due_at) < today
        rows.append(
            Reminder(
                practice_id=booking.practice_id,
                patient_id=booking.patient_id,
                booking=booking,
                kind=planned.kind,
                step_key=planned.step_key,
                due_at=planned.due_at,
                next_attempt_at=planned.due_at,
                status=ReminderStatus.SKIPPED if passed else ReminderStatus.PENDING,
                note="its day had passed when the session was booked" if passed else "",
            )
        )
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def cancel_for(booking: Booking, why: str) -> int:
    """Cancel the booking's reminders not yet sent. A reminder being sent at this instant holds its row's lock;
    this waits for it and then finds it sent, so it is never both sent and cancelled."""
    return Reminder.objects.filter(booking=booking, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.CANCELLED, note=why[:200]
    )
