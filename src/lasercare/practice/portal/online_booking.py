"""Online booking in the portal: where the practice turns it on, a patient books their next session from the free
times their plan allows, and moves or cancels a session up to the practice's notice before it.

The times offered are scheduling's free slots (the plan's intervals and waiting periods, the safety gates, a
qualified practitioner, a room and device in service, opening and working hours, the patient free). Booking one goes
through scheduling's own service as an `OnlinePatient`: the same checks and the same database guard against double
booking as at the front desk, and none of staff's exceptions (never earlier than the plan allows, never outside
hours). Each change is put on the practice's worklist of appointment changes for the front desk to note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.portal.models import ChangeRequest, PatientAccount, RequestStatus
from lasercare.practice.portal.services import PortalRefused, audit, portal_actor
from lasercare.practice.scheduling import services as scheduling
from lasercare.practice.scheduling.availability import FreeSlot, next_free_slots
from lasercare.practice.scheduling.models import Booking, BookingStatus

# How many times a patient is offered at once: a screenful on a phone.
OFFERED = 6


@dataclass(frozen=True)
class Offer:
    """The free times for one session of one of the patient's plans; `times` empty when none can be booked online."""

    plan: TreatmentPlan
    session: int | None
    sessions: int
    times: tuple[FreeSlot, ...]

    def choice(self, slot: FreeSlot) -> str:
        return choice_value(slot)


def choice_value(slot: FreeSlot) -> str:
    """What a time's button posts: its start and who, where and on what (ids the service checks again)."""
    start = timezone.localtime(slot.starts_at).strftime("%Y-%m-%dT%H:%M")
    return f"{start}/{slot.practitioner_id}/{slot.room_id}/{slot.device_id}"


@dataclass(frozen=True)
class _Choice:
    starts_at: datetime
    practitioner_id: int
    room_id: int
    device_id: int


def _read_choice(text: str) -> _Choice:
    parts = text.split("/")
    starts = parse_datetime(parts[0]) if len(parts) == 4 else None
    if starts is None or not all(part.isdigit() and len(part) < 12 for part in parts[1:]):
        raise PortalRefused(_("That time could not be read. Choose one of the times shown."))
    return _Choice(timezone.make_aware(starts), int(parts[1]), int(parts[2]), int(parts[3]))


def enabled(practice: Practice) -> bool:
    return practice.online_booking


def earliest(practice: Practice) -> datetime:
    """The first moment a patient may book, move or cancel online: now plus the practice's notice."""
    return timezone.now() + timedelta(hours=practice.online_notice_hours)


def changeable(booking: Booking) -> bool:
    """Whether the patient may still move or cancel this session online (else they ask the practice)."""
    return (
        enabled(booking.practice)
        and booking.status == BookingStatus.BOOKED
        and booking.plan_id is not None
        and booking.starts_at >= earliest(booking.practice)
    )


def _times(practice: Practice, found: tuple[FreeSlot, ...]) -> tuple[FreeSlot, ...]:
    first = earliest(practice)
    return tuple(slot for slot in found if slot.starts_at >= first)[:OFFERED]


def _search(
    plan: TreatmentPlan, practice: Practice, *, session: int | None = None, excluding: Booking | None = None
) -> tuple[int | None, tuple[FreeSlot, ...]]:
    first = earliest(practice)
    found = next_free_slots(
        plan,
        session_number=session,
        from_day=timezone.localdate(first),
        limit=OFFERED + 3,  # the first day's times before the notice are dropped
        excluding=excluding,
    )
    return found.session, _times(practice, found.slots)


def _next_session(plan: TreatmentPlan) -> tuple[int | None, int]:
    """The course's first session not booked (None when every one is), and the course's length."""
    try:
        sessions = scheduling.course(plan).sessions
    except scheduling.BookingRefused:
        return None, 0
    taken = {booked.session for booked in scheduling.booked_sessions(plan)}
    return next((n for n in range(1, sessions + 1) if n not in taken), None), sessions


def to_book(account: PatientAccount) -> list[tuple[TreatmentPlan, int, int]]:
    """The patient's accepted plans with a session still to book, with that session and the course's length: what
    the appointments page offers to book online (no search: the times are on the booking page)."""
    if not enabled(account.practice):
        return []
    plans = TreatmentPlan.objects.filter(patient_id=account.patient_id, status=PlanStatus.ACCEPTED).order_by("pk")
    found = []
    for plan in plans:
        session, sessions = _next_session(plan)
        if session is not None:
            found.append((plan, session, sessions))
    return found


def offer(account: PatientAccount, plan: TreatmentPlan) -> Offer | None:
    """The free times for the plan's next session, or None when every session is booked or booking is off."""
    if not enabled(account.practice) or plan.patient_id != account.patient_id or plan.status != PlanStatus.ACCEPTED:
        return None
    session, sessions = _next_session(plan)
    if session is None:
        return None
    return Offer(plan, session, sessions, _search(plan, account.practice, session=session)[1])


def move_offer(account: PatientAccount, booking: Booking) -> tuple[FreeSlot, ...]:
    """Free times the patient may move this session to (none when it is too close to change online)."""
    if booking.patient_id != account.patient_id or not changeable(booking) or booking.plan is None:
        return ()
    _, times = _search(booking.plan, account.practice, session=booking.session_number, excluding=booking)
    return times


def _resources(practice: Practice, choice: _Choice) -> tuple[StaffUser, Room, Device]:
    try:
        return (
            StaffUser.objects.get(pk=choice.practitioner_id, practice=practice),
            Room.objects.get(pk=choice.room_id, practice=practice),
            Device.objects.get(pk=choice.device_id, practice=practice),
        )
    except (StaffUser.DoesNotExist, Room.DoesNotExist, Device.DoesNotExist):
        raise PortalRefused(_("That time cannot be booked any more. Choose another time.")) from None


def _refused() -> PortalRefused:
    """What the patient reads whatever scheduling's reason (written for staff): someone took the time first, or
    the time was not one offered."""
    return PortalRefused(_("That time cannot be booked any more. Choose another time."))


def _tell_practice(request: HttpRequest, account: PatientAccount, booking: Booking, wish: str) -> None:
    """The front desk's worklist of appointment changes: open until someone notes it as handled."""
    notice = ChangeRequest.objects.create(
        practice_id=account.practice_id,
        patient_id=account.patient_id,
        booking=booking,
        wish=wish,
        status=RequestStatus.OPEN,
    )
    audit(request, account, AuditAction.CREATE, "change_request", notice.public_id, f"{wish} online")


def _check_open(account: PatientAccount, choice: _Choice) -> None:
    if not enabled(account.practice):
        raise PortalRefused(_("The practice does not take bookings online. Call them to book."))
    if choice.starts_at < earliest(account.practice):
        raise PortalRefused(
            _("Online, you can book up to %(hours)d hours before a session. Call the practice for a sooner time.")
            % {"hours": account.practice.online_notice_hours}
        )


@transaction.atomic
def book(request: HttpRequest, account: PatientAccount, plan_public_id: str, chosen: str) -> Booking:
    """Book the plan's next session at the chosen free time."""
    choice = _read_choice(chosen)
    _check_open(account, choice)
    plan = TreatmentPlan.objects.filter(
        patient_id=account.patient_id, public_id=plan_public_id, status=PlanStatus.ACCEPTED
    ).first()
    if plan is None:
        raise PortalRefused(_("This plan cannot be booked online. Call the practice."))
    session, _sessions = _next_session(plan)
    if session is None:
        raise PortalRefused(_("Every session of this course is booked."))
    practitioner, room, device = _resources(account.practice, choice)
    try:
        booking = scheduling.book(
            request,
            scheduling.OnlinePatient(account.practice_id, portal_actor(account)),
            plan,
            session_number=session,
            practitioner=practitioner,
            room=room,
            device=device,
            starts_at=choice.starts_at,
        )
    except scheduling.BookingRefused:
        raise _refused() from None
    _tell_practice(request, account, booking, ChangeRequest.Wish.BOOKED_ONLINE)
    return booking


def _own_changeable(account: PatientAccount, booking: Booking) -> None:
    if booking.patient_id != account.patient_id:
        raise PortalRefused(_("This appointment is not yours."))
    if not enabled(account.practice):
        raise PortalRefused(_("The practice does not take changes online. Call them."))
    if not changeable(booking):
        raise PortalRefused(
            _("Online, you can change a session up to %(hours)d hours before it. Call the practice.")
            % {"hours": account.practice.online_notice_hours}
        )


@transaction.atomic
def move(request: HttpRequest, account: PatientAccount, booking: Booking, chosen: str) -> Booking:
    """Move the session to the chosen free time: a new booking linked to the old, as at the front desk."""
    _own_changeable(account, booking)
    choice = _read_choice(chosen)
    _check_open(account, choice)
    practitioner, room, device = _resources(account.practice, choice)
    try:
        moved = scheduling.reschedule(
            request,
            scheduling.OnlinePatient(account.practice_id, portal_actor(account)),
            booking,
            starts_at=choice.starts_at,
            reason="Moved by the patient online",
            minutes=int((booking.ends_at - booking.starts_at).total_seconds() // 60),
            practitioner=practitioner,
            room=room,
            device=device,
        )
    except scheduling.BookingRefused:
        raise _refused() from None
    _tell_practice(request, account, moved, ChangeRequest.Wish.MOVED_ONLINE)
    return moved


@transaction.atomic
def cancel(request: HttpRequest, account: PatientAccount, booking: Booking) -> Booking:
    _own_changeable(account, booking)
    try:
        cancelled = scheduling.cancel(
            request,
            scheduling.OnlinePatient(account.practice_id, portal_actor(account)),
            booking,
            "Cancelled by the patient online",
        )
    except scheduling.BookingRefused:
        raise PortalRefused(_("This appointment cannot be cancelled online any more. Call the practice.")) from None
    _tell_practice(request, account, cancelled, ChangeRequest.Wish.CANCELLED_ONLINE)
    return cancelled
