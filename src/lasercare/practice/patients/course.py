"""Where each accepted plan's course stands: sessions planned, done, booked and left, consent, flags.

Read for the patient's page from rows already loaded there (one query per kind of record, whatever the course's
length), so the page costs the same for a course of 1 session or of 6.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from lasercare.practice.charting.models import AdverseEvent, ChartStatus, SessionChart
from lasercare.practice.consent.models import Consent, ConsentStatus
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.scheduling.models import Booking, BookingStatus, ReadyToBook
from lasercare.practice.scheduling.ready import weekday_text
from lasercare.practice.scheduling.rules import NotBookable, course_of


@dataclass(frozen=True)
class CourseProgress:
    plan: TreatmentPlan
    treatment: str
    planned: int
    done: int  # sessions charted and signed
    booked: int  # sessions booked and still to come
    next_booking: Booking | None
    consent: Consent | None  # the signed consent in force, if any
    flagged: int  # adverse events awaiting a clinician's review
    held: int = 0  # safety questions holding the booking (consultations/safety_questions.py)

    @property
    def left_to_book(self) -> int:
        return max(0, self.planned - self.done - self.booked)


def courses(
    plans: Sequence[TreatmentPlan],
    bookings: Sequence[Booking],
    charts: Sequence[SessionChart],
    consents: Sequence[Consent],
    events: Sequence[AdverseEvent],
    now: datetime,
    holds: Mapping[int, int] | None = None,
) -> list[CourseProgress]:
    """The course of every accepted plan among `plans`, newest plan first; `holds`: the open safety questions of
    each plan, by its id (safety_services.open_counts)."""
    found = []
    for plan in plans:
        modality = chosen_modality(plan)
        if plan.status != PlanStatus.ACCEPTED or modality is None:
            continue
        try:
            course = course_of(plan.document, modality)
        except NotBookable:
            continue
        upcoming = sorted(
            (b for b in bookings if b.plan_id == plan.pk and b.status == BookingStatus.BOOKED and b.starts_at >= now),
            key=lambda b: b.starts_at,
        )
        in_force = [
            c for c in consents if c.plan_id == plan.pk and c.status == ConsentStatus.SIGNED and not c.withdrawn
        ]
        found.append(
            CourseProgress(
                plan=plan,
                treatment=course.name,
                planned=course.sessions,
                done=sum(1 for c in charts if c.plan_id == plan.pk and c.status == ChartStatus.SIGNED),
                booked=len(upcoming),
                next_booking=upcoming[0] if upcoming else None,
                consent=max(in_force, key=lambda c: c.signed_at or now, default=None),
                flagged=sum(1 for e in events if e.plan_id == plan.pk and e.reviewed_at is None),
                held=(holds or {}).get(plan.pk, 0),
            )
        )
    return found


@dataclass(frozen=True)
class CourseBookings:
    """An accepted plan's course as the front desk reads it: how many sessions were held and are booked, and the
    next to book with its earliest day. No treatment is named (docs/security.md, "What each role sees")."""

    plan_id: UUID
    sessions: int | None  # the course's length; None for a course with nothing booked nor to book
    held: int
    booked_ahead: int
    to_book: ReadyToBook | None  # the next session to book, when one is left

    @property
    def earliest_text(self) -> str:
        return weekday_text(self.to_book.earliest_on) if self.to_book else ""


def booking_courses(
    plans: Sequence[tuple[int, UUID]], bookings: Sequence[Booking], ready: Sequence[ReadyToBook], now: datetime
) -> list[CourseBookings]:
    """The courses of the accepted `plans` (id, public id), newest first, from rows that read no plan document: the
    "Ready to book" rows (scheduling/ready.py) and the bookings, which keep their course's length."""
    to_book = {row.plan_id: row for row in ready}
    found = []
    for pk, public_id in plans:
        own = [b for b in bookings if b.plan_id == pk]
        row = to_book.get(pk)
        lengths = [b.course_sessions for b in own if b.course_sessions]
        found.append(
            CourseBookings(
                plan_id=public_id,
                sessions=row.sessions if row else max(lengths, default=None),
                held=sum(1 for b in own if b.status == BookingStatus.COMPLETED),
                booked_ahead=sum(1 for b in own if b.status == BookingStatus.BOOKED and b.starts_at >= now),
                to_book=row,
            )
        )
    return found
