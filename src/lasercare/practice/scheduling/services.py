"""Booking the course of an accepted plan: book, reschedule, cancel, mark a no-show.

Each operation runs in one transaction, checks what it may do, writes its audit entry, and refuses with a
`BookingRefused` whose message the front desk reads as it is. The rules of dates are in rules.py; double booking is
refused by the database itself (the unique slots of models.py), even for two bookings committed at the same instant.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.models import Device, Room, StaffUser
from lasercare.practice.clinic.roles import Action, Role
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.reminders import planning as reminders
from lasercare.practice.scheduling import availability, rules
from lasercare.practice.scheduling.models import (
    ACTIVE_STATUSES,
    SLOT_MINUTES,
    Booking,
    BookingSlot,
    BookingStatus,
    CalendarFeed,
    Resource,
)

PRACTITIONER_ROLES = (Role.CLINICIAN, Role.NURSE)
# Practice policy, not a published figure: how long a session is booked for unless the booker says otherwise.
DEFAULT_MINUTES = 45


class BookingRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    pass


@dataclass(frozen=True)
class OnlinePatient:
    """The patient, booking, moving or cancelling their own session in the portal. The same rules and the same
    database guard as a member of staff, with none of staff's exceptions: never earlier than the plan allows and
    never outside hours. The audit names them as the portal does, by role and opaque id."""

    practice_id: int
    actor_label: str

    def may(self, action: Action) -> bool:
        return False


Booker = StaffUser | OnlinePatient


class _Actor(TypedDict, total=False):
    actor: StaffUser
    practice_id: int
    actor_label: str


def _actor(user: Booker) -> _Actor:
    """The audit entry's actor: the member of staff, or the practice and the portal's label for the patient."""
    if isinstance(user, OnlinePatient):
        return {"practice_id": user.practice_id, "actor_label": user.actor_label}
    return {"actor": user}


def _staff(user: Booker) -> StaffUser | None:
    return user if isinstance(user, StaffUser) else None


def course(plan: TreatmentPlan) -> rules.Course:
    """The course the patient accepted: the plan's chosen option, as rules.py reads it."""
    modality = chosen_modality(plan)
    if modality is None:
        raise BookingRefused("The plan has no suitable option to book.")
    try:
        return rules.course_of(plan.document, modality)
    except rules.NotBookable as error:
        raise BookingRefused(str(error)) from None


def booked_sessions(plan: TreatmentPlan, *, excluding: Booking | None = None) -> list[rules.Booked]:
    """The plan's active bookings as the rules see them: session number and local day."""
    found = Booking.objects.filter(plan=plan, status__in=ACTIVE_STATUSES, session_number__isnull=False)
    if excluding is not None:
        found = found.exclude(pk=excluding.pk)
    return [
        rules.Booked(number, timezone.localdate(starts_at))
        for number, starts_at in found.values_list("session_number", "starts_at")
        if number is not None
    ]


@dataclass(frozen=True)
class _Slot:
    resource: Resource
    resource_id: int
    starts_at: datetime


def _slots(
    patient_id: int, practitioner: StaffUser, room: Room, device: Device, starts_at: datetime, ends_at: datetime
) -> list[_Slot]:
    slots: list[_Slot] = []
    at = starts_at
    while at < ends_at:
        # The patient too: one person cannot be in two treatment rooms at once (two plans, two practitioners).
        slots.append(_Slot(Resource.PATIENT, patient_id, at))
        slots.append(_Slot(Resource.PRACTITIONER, practitioner.pk, at))
        slots.append(_Slot(Resource.ROOM, room.pk, at))
        slots.append(_Slot(Resource.DEVICE, device.pk, at))
        at += timedelta(minutes=SLOT_MINUTES)
    return slots


def _short(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M}"


def _holder_name(slot: _Slot, practitioner: StaffUser, room: Room, device: Device) -> str:
    if slot.resource == Resource.PATIENT:
        return "The patient"
    if slot.resource == Resource.PRACTITIONER:
        return practitioner.display_name
    if slot.resource == Resource.ROOM:
        return f"Room {room.name}" if not room.name.lower().startswith("room") else room.name
    return f"The device {device.name}"


def _conflict(slots: list[_Slot], practitioner: StaffUser, room: Room, device: Device) -> str:
    """Which resource is taken, by which booking, in words: the unique constraint only says that one is."""
    for slot in slots:
        holder = (
            BookingSlot.objects.filter(resource=slot.resource, resource_id=slot.resource_id, starts_at=slot.starts_at)
            .select_related("booking")
            .first()
        )
        if holder is not None:
            taken = holder.booking
            day = rules.day_text(timezone.localdate(taken.starts_at))
            return (
                f"{_holder_name(slot, practitioner, room, device)} is already booked "
                f"{_short(taken.starts_at)}-{_short(taken.ends_at)} on {day}."
            )
    return "The patient, practitioner, room or device was booked at that time by someone else a moment ago; try again."


def _hold(booking: Booking, practitioner: StaffUser, room: Room, device: Device) -> None:
    """Take the booking's slots, or refuse naming what holds one. In a savepoint: the refusal leaves the outer
    transaction usable to find the holder."""
    slots = _slots(booking.patient_id, practitioner, room, device, booking.starts_at, booking.ends_at)
    try:
        with transaction.atomic():
            BookingSlot.objects.bulk_create(
                BookingSlot(booking=booking, resource=s.resource, resource_id=s.resource_id, starts_at=s.starts_at)
                for s in slots
            )
    except IntegrityError:
        raise BookingRefused(_conflict(slots, practitioner, room, device)) from None


def _check_resources(practice_id: int, modality: str, practitioner: StaffUser, room: Room, device: Device) -> None:
    if practitioner.practice_id != practice_id or practitioner.role not in PRACTITIONER_ROLES:
        raise BookingRefused(f"{practitioner.display_name} is not a clinician or nurse of this practice.")
    if not practitioner.is_active:
        raise BookingRefused(f"{practitioner.display_name} no longer works here (the account is inactive).")
    if room.practice_id != practice_id:
        raise BookingRefused("That room is not one of this practice's.")
    if not room.active:
        raise BookingRefused(f"Room {room.name} is not in use any more.")
    if device.practice_id != practice_id:
        raise BookingRefused("That device is not one of this practice's.")
    if not device.active:
        raise BookingRefused(f"The device {device.name} is not in use any more.")
    if device.modality != modality:
        raise BookingRefused(f"The device {device.name} does not deliver the treatment of this plan.")


def _check_time(starts_at: datetime, minutes: int) -> datetime:
    if timezone.is_naive(starts_at):
        raise BookingRefused("The start time needs a time zone.")
    try:
        local = timezone.localtime(starts_at)
    except OverflowError:
        raise BookingRefused("A booking's day is within two years of today (practice policy).") from None
    # Before any arithmetic on the day: a start near the calendar's end has no end time, nor reminders.
    try:
        plausible.booking_day(local.date(), timezone.localdate())
    except plausible.Implausible as error:
        raise BookingRefused(str(error)) from None
    if local.minute % SLOT_MINUTES or local.second or local.microsecond:
        raise BookingRefused("Bookings start on the quarter hour (for example 10:00, 10:15, 10:30 or 10:45).")
    if minutes <= 0:
        raise BookingRefused("A booking must end after it starts.")
    if minutes % SLOT_MINUTES:
        raise BookingRefused("Bookings last a whole number of quarter hours (15, 30, 45, 60 minutes...).")
    if minutes > 8 * 60:
        raise BookingRefused("A session cannot be booked for more than 8 hours.")
    return starts_at + timedelta(minutes=minutes)


def _check_dates(
    user: Booker, the_course: rules.Course, session_number: int, day: date, booked: list[rules.Booked], reason: str
) -> str:
    """The early reason to store: empty when the day is allowed; refused when it is not and may not be overridden."""
    problems = rules.window(the_course, session_number, booked).problems(day)
    if not problems:
        return ""
    text = " ".join(problems)
    if not user.may(Action.BOOK_EARLY):
        raise BookingRefused(f"{text} Only a clinician can book it earlier, giving the reason.")
    if not reason.strip():
        raise BookingRefused(f"{text} To book it anyway, give the clinical reason for booking early.")
    return reason.strip()


def _check_availability(
    user: Booker,
    practice_id: int,
    modality: str,
    practitioner: StaffUser,
    room: Room,
    device: Device,
    starts_at: datetime,
    ends_at: datetime,
    note: str,
) -> str:
    """The out-of-hours note to store: empty when the booking is within hours. An absence, an outage or a missing
    qualification is refused for everyone; hours (closed days, closures, opening and working hours) only unless a
    clinician gives a note."""
    problems = availability.problems(
        practice_id,
        practitioner=practitioner,
        room=room,
        device=device,
        modality=modality,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if not problems:
        return ""
    text = " ".join(p.text for p in problems)
    if any(not p.outside_hours for p in problems):
        raise BookingRefused(text)
    if not user.may(Action.BOOK_OUTSIDE_HOURS):
        raise BookingRefused(f"{text} Only a clinician can book outside hours, with a note.")
    if not note.strip():
        raise BookingRefused(f"{text} To book it anyway, give a note saying why it is outside hours.")
    return note.strip()


def _plan_for_update(user: Booker, plan: TreatmentPlan) -> TreatmentPlan:
    """The plan, its row locked and free of safety holds: two bookings of the same plan queue here, so a session is
    never booked twice for the patient. The lock reads the plan's status, not its 40 KB document again: a plan's
    document never changes once made (a re-plan is a new plan), so the one the caller read is the plan's."""
    locked = (
        TreatmentPlan.objects.select_for_update(of=("self",))
        .only("status", "practice_id", "patient_id")
        .get(pk=plan.pk)
    )
    if locked.practice_id != user.practice_id:
        raise BookingRefused("This plan is not one of this practice's.")
    if locked.status != PlanStatus.ACCEPTED:
        raise BookingRefused("Only an accepted plan can be booked; this one is not accepted.")
    plan.status = locked.status
    # Bookings wait for safety, whoever books: an open safety question holds the course until a clinician settles
    # it (consultations/safety_questions.py). Read under the plan's lock, which answering and flagging take too.
    held = safety_services.hold(plan)
    if held:
        raise BookingRefused(held.text)
    return plan


def _create(
    request: HttpRequest | None,
    user: Booker,
    plan: TreatmentPlan,
    *,
    session_number: int,
    practitioner: StaffUser,
    room: Room,
    device: Device,
    starts_at: datetime,
    minutes: int,
    early_reason: str,
    replacing: Booking | None,
    outside_hours_note: str = "",
) -> Booking:
    the_course = course(plan)
    if not 1 <= session_number <= the_course.sessions:
        raise BookingRefused(f"The course has {the_course.sessions} sessions; there is no session {session_number}.")
    booked = booked_sessions(plan, excluding=replacing)
    if any(b.session == session_number for b in booked):
        raise BookingRefused(f"Session {session_number} is already booked; reschedule that booking instead.")
    assert plan.practice_id is not None
    _check_resources(plan.practice_id, the_course.modality, practitioner, room, device)
    ends_at = _check_time(starts_at, minutes)
    stored_reason = _check_dates(user, the_course, session_number, timezone.localdate(starts_at), booked, early_reason)
    stored_note = _check_availability(
        user, plan.practice_id, the_course.modality, practitioner, room, device, starts_at, ends_at, outside_hours_note
    )
    booking = Booking.objects.create(
        practice_id=plan.practice_id,
        patient=plan.patient,
        plan=plan,
        session_number=session_number,
        course_sessions=the_course.sessions,
        practitioner=practitioner,
        room=room,
        device=device,
        starts_at=starts_at,
        ends_at=ends_at,
        early_reason=stored_reason,
        outside_hours_note=stored_note,
        booked_by=_staff(user),
        booked_online=isinstance(user, OnlinePatient),
        rescheduled_from=replacing,
    )
    _hold(booking, practitioner, room, device)
    reminders.plan_for(booking)
    return booking


@transaction.atomic
def book(
    request: HttpRequest | None,
    user: Booker,
    plan: TreatmentPlan,
    *,
    session_number: int,
    practitioner: StaffUser,
    room: Room,
    device: Device,
    starts_at: datetime,
    minutes: int = DEFAULT_MINUTES,
    early_reason: str = "",
    outside_hours_note: str = "",
) -> Booking:
    """Book one session of an accepted plan's course, or refuse saying why."""
    plan = _plan_for_update(user, plan)
    booking = _create(
        request,
        user,
        plan,
        session_number=session_number,
        practitioner=practitioner,
        room=room,
        device=device,
        starts_at=starts_at,
        minutes=minutes,
        early_reason=early_reason,
        replacing=None,
        outside_hours_note=outside_hours_note,
    )
    record(
        request,
        AuditAction.CREATE,
        "booking",
        booking.public_id,
        patient_ref=plan.patient.public_id,
        **_actor(user),
        detail=f"session {session_number}" + _exceptions(booking),
    )
    return booking


def _exceptions(booking: Booking) -> str:
    """What the audit entry says of a booking made against the rules (the reason and note stay on the booking)."""
    return (", early with a reason" if booking.early_reason else "") + (
        ", outside hours with a note" if booking.outside_hours_note else ""
    )


def _lock_active(user: Booker, booking: Booking) -> Booking:
    locked = Booking.objects.select_for_update(of=("self",)).select_related("patient").get(pk=booking.pk)
    if locked.practice_id != user.practice_id:
        raise BookingRefused("This booking is not one of this practice's.")
    if locked.status != BookingStatus.BOOKED:
        raise BookingRefused(f"This booking is {locked.get_status_display().lower()} already; nothing was changed.")
    return locked


def _end(booking: Booking, user: Booker, status: BookingStatus, reason: str) -> None:
    booking.status = status
    booking.ended_reason = reason
    booking.ended_by = _staff(user)
    booking.ended_at = timezone.now()
    booking.save(update_fields=["status", "ended_reason", "ended_by", "ended_at"])
    booking.slots.all().delete()


@transaction.atomic
def reschedule(
    request: HttpRequest | None,
    user: Booker,
    booking: Booking,
    *,
    starts_at: datetime,
    reason: str,
    minutes: int | None = None,
    practitioner: StaffUser | None = None,
    room: Room | None = None,
    device: Device | None = None,
    early_reason: str = "",
    outside_hours_note: str = "",
) -> Booking:
    """Move a booking: a new booking linked to the old, which is cancelled with the reason and frees its slots.
    The new time is checked as a new booking is (the old one's slots and session are not in its way)."""
    if not reason.strip():
        raise BookingRefused("Give the reason for rescheduling.")
    old = _lock_active(user, booking)
    if old.plan_id is None or old.session_number is None:
        raise BookingRefused("Only a session of a plan's course can be rescheduled here.")
    plan = _plan_for_update(user, old.plan)  # type: ignore[arg-type]
    old_minutes = int((old.ends_at - old.starts_at).total_seconds() // 60)
    _end(old, user, BookingStatus.CANCELLED, f"Rescheduled: {reason.strip()}")
    reminders.cancel_for(old, "the session was moved")
    new = _create(
        request,
        user,
        plan,
        session_number=old.session_number,
        practitioner=practitioner or old.practitioner,
        room=room or old.room,  # type: ignore[arg-type]
        device=device or old.device,  # type: ignore[arg-type]
        starts_at=starts_at,
        minutes=minutes if minutes is not None else old_minutes,
        early_reason=early_reason,
        replacing=old,
        outside_hours_note=outside_hours_note,
    )
    record(
        request,
        AuditAction.UPDATE,
        "booking",
        old.public_id,
        patient_ref=plan.patient.public_id,
        **_actor(user),
        detail=f"rescheduled to {new.public_id}",
    )
    record(
        request,
        AuditAction.CREATE,
        "booking",
        new.public_id,
        patient_ref=plan.patient.public_id,
        **_actor(user),
        detail=f"session {new.session_number}, rescheduled" + _exceptions(new),
    )
    return new


@transaction.atomic
def cancel(request: HttpRequest | None, user: Booker, booking: Booking, reason: str) -> Booking:
    """Cancel with the reason; the practitioner, room and device are free again at that time."""
    if not reason.strip():
        raise BookingRefused("Give the reason for cancelling.")
    locked = _lock_active(user, booking)
    _end(locked, user, BookingStatus.CANCELLED, reason.strip())
    reminders.cancel_for(locked, "the session was cancelled")
    _audit_ended(request, user, locked, "cancelled")
    return locked


@transaction.atomic
def mark_no_show(request: HttpRequest | None, user: StaffUser, booking: Booking) -> Booking:
    """The patient did not come. The time is past, so its slots are freed; the session is to be booked again."""
    locked = _lock_active(user, booking)
    if locked.starts_at > timezone.now():
        raise BookingRefused("A booking can be marked as not attended only once its time has come.")
    _end(locked, user, BookingStatus.NO_SHOW, "")
    reminders.cancel_for(locked, "the patient did not attend")
    _audit_ended(request, user, locked, "did not attend")
    return locked


def _audit_ended(request: HttpRequest | None, user: Booker, booking: Booking, detail: str) -> None:
    record(
        request,
        AuditAction.UPDATE,
        "booking",
        booking.public_id,
        patient_ref=booking.patient.public_id,
        **_actor(user),
        detail=detail,
    )


# The iCalendar feed's secret: only its SHA-256 is kept, so the database alone never opens a feed.


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_feed_token(request: HttpRequest | None, user: StaffUser) -> str:
    """A new secret for the practitioner's feed, shown once; the previous one stops working."""
    if user.role not in PRACTITIONER_ROLES or user.practice_id is None:
        raise BookingRefused("Only clinicians and nurses have a calendar of their own to export.")
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(practitioner=user, defaults={"token_sha256": token_digest(token)})
    record(request, AuditAction.UPDATE, "calendar_feed", user.public_id, actor=user, detail="new feed address")
    return token


@transaction.atomic
def revoke_feed(request: HttpRequest | None, user: StaffUser) -> bool:
    deleted, _ = CalendarFeed.objects.filter(practitioner=user).delete()
    if deleted:
        record(request, AuditAction.UPDATE, "calendar_feed", user.public_id, actor=user, detail="feed revoked")
    return bool(deleted)


def feed_owner(token: str) -> StaffUser | None:
    """The practitioner whose feed `token` opens, if it still does."""
    feed = CalendarFeed.objects.filter(token_sha256=token_digest(token)).select_related("practitioner").first()
    if feed is None or not feed.practitioner.is_active or feed.practitioner.practice_id is None:
        return None
    return feed.practitioner
