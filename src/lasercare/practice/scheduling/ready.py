"""Which accepted plans have sessions still to book, which session is next and from which day: the rows behind the
front desk's "Ready to book" list.

A plan's row is worked out again whenever the plan is saved (accepted, declined, superseded, another option chosen)
or one of its bookings is (booked, moved, cancelled, not attended), inside the same transaction, so the list never
reads a plan document. The signals are connected in apps.py: the consultations app that accepts plans sits below
scheduling and may not call it, and every way of booking (the front desk, the portal) saves a Booking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.scheduling import rules
from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking, ReadyToBook


def weekday_text(day: date) -> str:
    """ "Mon 4 Jan 2027": the day the front desk may book from."""
    return f"{('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')[day.weekday()]} {rules.day_text(day)}"


@dataclass(frozen=True)
class NextSession:
    session: int
    sessions: int
    earliest_on: date


def next_session(course: rules.Course, booked: Iterable[rules.Booked]) -> NextSession | None:
    """The first session of the course not booked and the earliest day it may take place; None when every session
    is booked or done."""
    booked_list = list(booked)
    taken = {b.session for b in booked_list}
    for number in range(1, course.sessions + 1):
        if number not in taken:
            return NextSession(number, course.sessions, rules.window(course, number, booked_list).earliest)
    return None


def refresh(plan: TreatmentPlan) -> None:
    """Work out the plan's row again: written while the accepted plan has a session to book, removed otherwise."""
    active = Booking.objects.filter(plan_id=plan.pk, status__in=ACTIVE_STATUSES, session_number__isnull=False)
    row = _row(plan, list(active.values_list("session_number", "starts_at")))
    if row is None:
        ReadyToBook.objects.filter(plan_id=plan.pk).delete()
        return
    values = {f: getattr(row, f) for f in ("practice_id", "patient_id", "session", "sessions", "earliest_on")}
    ReadyToBook.objects.update_or_create(plan_id=plan.pk, defaults=values)


def _row(plan: TreatmentPlan, active: Iterable[tuple[Any, ...]]) -> ReadyToBook | None:
    """The plan's row, unsaved, from its active bookings (session, start); None when it has nothing to
    book."""
    modality = chosen_modality(plan) if plan.status == PlanStatus.ACCEPTED else None
    if modality is None:
        return None
    try:
        course = rules.course_of(plan.document, modality)
    except rules.NotBookable:
        return None
    booked = [rules.Booked(number, timezone.localdate(starts_at)) for number, starts_at in active]
    following = next_session(course, booked)
    if following is None:
        return None
    return ReadyToBook(
        plan_id=plan.pk,
        practice_id=plan.practice_id,
        patient_id=plan.patient_id,
        session=following.session,
        sessions=following.sessions,
        earliest_on=following.earliest_on,
    )


def rebuild(practice_id: int | None = None) -> int:
    """Every accepted plan's row worked out again, after a bulk load that saved no model one by one (the
    benchmark's), in a few queries whatever the number of plans; returns how many plans have sessions to book."""
    plans = TreatmentPlan.objects.filter(status=PlanStatus.ACCEPTED)
    if practice_id is not None:
        plans = plans.filter(practice_id=practice_id)
    active: dict[int, list[tuple[Any, ...]]] = {}
    for plan_id, *values in Booking.objects.filter(
        plan__in=plans, status__in=ACTIVE_STATUSES, session_number__isnull=False
    ).values_list("plan_id", "session_number", "starts_at"):
        active.setdefault(plan_id, []).append(tuple(values))
    ReadyToBook.objects.filter(plan__in=plans).delete()
    written, batch = 0, []
    for plan in plans.iterator(chunk_size=200):
        row = _row(plan, active.get(plan.pk, []))
        if row is not None:
            batch.append(row)
        if len(batch) >= 1000:
            written += len(ReadyToBook.objects.bulk_create(batch))
            batch = []
    return written + len(ReadyToBook.objects.bulk_create(batch))


def plan_saved(sender: Any, instance: TreatmentPlan, **kwargs: Any) -> None:
    if instance.status != PlanStatus.ACCEPTED:
        ReadyToBook.objects.filter(plan_id=instance.pk).delete()
        return
    if "document" in instance.get_deferred_fields():
        instance = TreatmentPlan.objects.get(pk=instance.pk)
    refresh(instance)


def booking_saved(sender: Any, instance: Booking, **kwargs: Any) -> None:
    if instance.plan_id is None:
        return
    plan = TreatmentPlan.objects.filter(pk=instance.plan_id).first()
    if plan is not None:
        refresh(plan)
