"""Scheduling pages: a plan's course and its booking form, a booking with its changes, the calendars, the feed.

Each view checks the action, finds records in the user's practice only, calls a service and renders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, practice_id, requires, staff_user
from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser, display_name
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.scheduling import availability, calendar, clinic_calendar, feed, rules, services
from lasercare.practice.scheduling.forms import BookingForm, CancelForm, RescheduleForm, practitioners
from lasercare.practice.scheduling.models import Booking, BookingStatus, CalendarFeed
from lasercare.site.routes import paths_of
from lasercare.web.public import public_link

# --- A plan's course -------------------------------------------------------------------------------------------


def _plan(request: HttpRequest, public_id: UUID) -> TreatmentPlan:
    return in_practice(request, TreatmentPlan.objects.select_related("patient"), public_id)


def _course_context(
    request: HttpRequest, plan: TreatmentPlan, form: BookingForm | None = None, session: int | None = None
) -> dict[str, Any]:
    user = staff_user(request)
    context: dict[str, Any] = {"plan": plan, "patient": plan.patient, "form": None, "refused": "", "hold": None}
    bookings = list(
        Booking.objects.filter(plan=plan)
        .select_related("practitioner", "room", "device")
        .order_by("session_number", "starts_at")
    )
    context["bookings"] = bookings
    context["ended"] = [b for b in bookings if not b.is_active]
    if plan.status != PlanStatus.ACCEPTED:
        context["refused"] = "This plan is not accepted, so its course cannot be booked."
        return context
    try:
        course = services.course(plan)
    except services.BookingRefused as refusal:
        context["refused"] = str(refusal)
        return context
    # Shown before the booking form, so nobody fills it in to be refused: the service refuses it all the same.
    context["hold"] = safety_services.hold(plan) or None
    active = {b.session_number: b for b in bookings if b.is_active}
    booked = [rules.Booked(n, timezone.localdate(b.starts_at)) for n, b in active.items() if n is not None]
    sessions = rules.plan_sessions(course, booked, timezone.localdate())
    open_sessions = [s.session for s in sessions if s.booked_on is None]
    context.update(
        course=course,
        sessions=sessions,
        active=active,
        done=sum(1 for b in active.values() if b.status == BookingStatus.COMPLETED),
        booked_count=len(active),
        day_text=rules.day_text,
    )
    if form is None and open_sessions and user.may(Action.BOOK_SESSIONS):
        chosen = session if session in open_sessions else open_sessions[0]
        proposal = next(s for s in sessions if s.session == chosen)
        assert plan.practice_id is not None
        form = BookingForm(
            initial={
                "session_number": chosen,
                "day": proposal.proposed_on,
                "start": "09:00",
                "practitioner": user.pk if user.role in services.PRACTITIONER_ROLES else None,
            },
            practice_id=plan.practice_id,
            modality=course.modality,
            sessions=open_sessions,
        )
        # The course goes on where it was: the room and device of its latest session, or the only device there is.
        latest = max(active.values(), key=lambda b: b.starts_at, default=None)
        if latest is not None:
            form.initial.update(room=latest.room_id, device=latest.device_id)
        else:
            devices = list(form.fields["device"].queryset.values_list("pk", flat=True)[:2])  # type: ignore[attr-defined]
            if len(devices) == 1:
                form.initial["device"] = devices[0]
    context["form"] = form
    if form is not None:
        context.update(_free_slots(plan, form, user))
    return context


def _free_slots(plan: TreatmentPlan, form: BookingForm, user: StaffUser) -> dict[str, Any]:
    """The next free slots for the form's session, offered as one-click bookings, and what of the practice's
    availability is not on record (so not checked)."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}

    def chosen(name: str) -> Any:
        value = data.get(name) or form.initial.get(name)
        return getattr(value, "pk", value)

    session = chosen("session_number")
    minutes = chosen("minutes") or services.DEFAULT_MINUTES
    search = availability.next_free_slots(
        plan,
        session_number=int(session) if session else None,
        minutes=int(minutes),
        practitioner_id=chosen("practitioner"),
        room_id=chosen("room"),
        device_id=chosen("device"),
    )
    assert plan.practice_id is not None
    return {"free": search, "unrecorded": availability.unrecorded(plan.practice_id)}


@requires(Action.VIEW_SCHEDULE)
@require_safe
def plan_course(request: HttpRequest, public_id: UUID) -> HttpResponse:
    plan = _plan(request, public_id)
    session = request.GET.get("session", "")
    context = _course_context(request, plan, session=int(session) if session.isdigit() else None)
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="course")
    return render(request, "scheduling/course.html", context)


@requires(Action.BOOK_SESSIONS)
@require_POST
def plan_course_book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = staff_user(request)
    plan = _plan(request, public_id)
    assert plan.practice_id is not None
    try:
        course = services.course(plan)
    except services.BookingRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("plan_course", public_id=plan.public_id)
    # Any session of the course may be asked for: the service refuses one already booked, under the plan's lock.
    every_session = list(range(1, course.sessions + 1))
    form = BookingForm(request.POST, practice_id=plan.practice_id, modality=course.modality, sessions=every_session)
    if form.is_valid():
        data = form.cleaned_data
        try:
            booking = services.book(
                request,
                user,
                plan,
                session_number=data["session_number"],
                practitioner=data["practitioner"],
                room=data["room"],
                device=data["device"],
                starts_at=form.starts_at(),
                minutes=data["minutes"],
                early_reason=data.get("early_reason") or "",
                outside_hours_note=data.get("outside_hours_note") or "",
            )
        except services.BookingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Session {booking.session_number} booked: {_when(booking)}.")
            return redirect("plan_course", public_id=plan.public_id)
    context = _course_context(request, plan, form=form)
    record(request, AuditAction.VIEW, "plan", plan.public_id, patient_ref=plan.patient.public_id, detail="course")
    return render(request, "scheduling/course.html", context, status=400)


def _when(booking: Booking) -> str:
    start, end = timezone.localtime(booking.starts_at), timezone.localtime(booking.ends_at)
    return f"{rules.day_text(start.date())}, {start:%H:%M}-{end:%H:%M}, with {booking.practitioner.display_name}"


# --- One booking -----------------------------------------------------------------------------------------------


def _booking(request: HttpRequest, public_id: UUID) -> Booking:
    return in_practice(
        request,
        Booking.objects.select_related(
            "patient", "practitioner", "room", "device", "plan", "booked_by", "ended_by"
        ).defer("plan__document"),
        public_id,
    )


def _booking_page(
    request: HttpRequest,
    booking: Booking,
    *,
    reschedule: RescheduleForm | None = None,
    cancel: CancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = staff_user(request)
    context: dict[str, Any] = {
        "booking": booking,
        "patient": booking.patient,
        "when": _when(booking),
        "rescheduled_to": Booking.objects.filter(rescheduled_from=booking).only("public_id").first()
        if booking.status == BookingStatus.CANCELLED
        else None,
        "can_change": booking.status == BookingStatus.BOOKED and user.may(Action.BOOK_SESSIONS),
        "is_due": booking.starts_at <= timezone.now(),
    }
    if context["can_change"] and booking.device is not None:
        local = timezone.localtime(booking.starts_at)
        assert booking.practice_id is not None
        context["reschedule"] = reschedule or RescheduleForm(
            initial={
                "day": local.date(),
                "start": f"{local:%H:%M}",
                "minutes": int((booking.ends_at - booking.starts_at).total_seconds() // 60),
                "practitioner": booking.practitioner_id,
                "room": booking.room_id,
                "device": booking.device_id,
            },
            practice_id=booking.practice_id,
            modality=booking.device.modality,
        )
        context["cancel"] = cancel or CancelForm()
    record(request, AuditAction.VIEW, "booking", booking.public_id, patient_ref=booking.patient.public_id)
    return render(request, "scheduling/booking.html", context, status=status)


@requires(Action.VIEW_SCHEDULE)
@require_safe
def booking_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _booking_page(request, _booking(request, public_id))


@requires(Action.BOOK_SESSIONS)
@require_POST
def booking_reschedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = staff_user(request)
    booking = _booking(request, public_id)
    if booking.status != BookingStatus.BOOKED or booking.device is None:
        messages.error(request, f"This booking is {booking.get_status_display().lower()}: it cannot be moved.")
        return redirect("booking", public_id=booking.public_id)
    assert booking.practice_id is not None
    form = RescheduleForm(request.POST, practice_id=booking.practice_id, modality=booking.device.modality)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.reschedule(
                request,
                user,
                booking,
                starts_at=form.starts_at(),
                minutes=data["minutes"],
                practitioner=data["practitioner"],
                room=data["room"],
                device=data["device"],
                reason=data["reason"],
                early_reason=data.get("early_reason") or "",
                outside_hours_note=data.get("outside_hours_note") or "",
            )
        except services.BookingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Rescheduled: {_when(new)}.")
            return redirect("booking", public_id=new.public_id)
    return _booking_page(request, booking, reschedule=form, status=400)


@requires(Action.BOOK_SESSIONS)
@require_POST
def booking_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = staff_user(request)
    booking = _booking(request, public_id)
    if booking.status != BookingStatus.BOOKED:
        messages.error(request, f"This booking is {booking.get_status_display().lower()} already: nothing changed.")
        return redirect("booking", public_id=booking.public_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel(request, user, booking, form.cleaned_data["reason"])
        except services.BookingRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Booking cancelled; the time is free again.")
        return redirect("booking", public_id=booking.public_id)
    return _booking_page(request, booking, cancel=form, status=400)


@requires(Action.BOOK_SESSIONS)
@require_POST
def booking_no_show(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = staff_user(request)
    booking = _booking(request, public_id)
    try:
        services.mark_no_show(request, user, booking)
    except services.BookingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Marked as not attended. Book the session again from the plan's course.")
    return redirect("booking", public_id=booking.public_id)


# --- Calendars -------------------------------------------------------------------------------------------------


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        raise Http404 from None


@dataclass(frozen=True)
class CalendarLine:
    """One booking as a calendar shows it, from a plain row: a week of 40 bookings built as models and formatted
    by the template's date filter cost half the page's CPU (docs/performance.md)."""

    day: date
    href: str
    times: str
    patient_href: str
    patient: str
    session: str
    where: str
    status: str


_CALENDAR_COLUMNS = (
    "public_id",
    "starts_at",
    "ends_at",
    "status",
    "session_number",
    "course_sessions",
    "patient__public_id",
    "patient__given_names",
    "patient__family_name",
    "room__name",
    "device__name",
    "practitioner__username",
    "practitioner__first_name",
    "practitioner__last_name",
)


def _calendar_lines(found: QuerySet[Booking], *, by: str) -> list[CalendarLine]:
    """The bookings of one practitioner, room or device; each line names the other resources."""
    zone = timezone.get_current_timezone()
    booking_path, patient_path = paths_of("booking"), paths_of("patient")
    lines = []
    for row in found.values_list(*_CALENDAR_COLUMNS):
        public_id, starts, ends, status, number, of, patient_id, given, family, room, device, *who = row
        starts, ends = starts.astimezone(zone), ends.astimezone(zone)
        session = f"session {number}" + (f" of {of}" if of else "") if number else ""
        if status == BookingStatus.COMPLETED:
            session += " · done"
        person = display_name(*who)
        where = {"room": person, "device": f"{person} · {room or '—'}"}.get(by, room or "—")
        lines.append(
            CalendarLine(
                day=starts.date(),
                href=booking_path(public_id),
                times=f"{starts:%H:%M}–{ends:%H:%M}",
                patient_href=patient_path(patient_id),
                patient=f"{given} {family}",
                session=session,
                where=f"{where} · {device}" if device and by != "device" else where,
                status=status,
            )
        )
    return lines


def _location(request: HttpRequest, practice: int, rooms: list[Room]) -> tuple[int, str] | None:
    """The location asked for (its id and name), known from the rooms in it; one of another practice is not found."""
    text = request.GET.get("location", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    wanted = int(text)
    known = {r.location_id: r.location.name for r in rooms if r.location is not None}
    if wanted in known:
        return wanted, known[wanted]
    # A location with no room in use: nothing is booked there, but it is the practice's own.
    location = Location.objects.filter(practice_id=practice, pk=wanted).values_list("name", flat=True).first()
    if location is None:
        raise Http404
    return wanted, location


@requires(Action.VIEW_SCHEDULE)
@require_safe
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The whole clinic's day (a column per practitioner or room) or week, or one practitioner's, room's or
    device's day or week. The bookings are read in one query whatever their number; the choosers are three more."""
    user = staff_user(request)
    practice = practice_id(request)
    today = timezone.localdate()
    people = list(practitioners(practice).only("public_id", "username", "first_name", "last_name", "role"))
    rooms = list(
        Room.objects.filter(practice_id=practice, active=True)
        .select_related("location")
        .only("public_id", "name", "location__name")
        .order_by("name")
    )
    devices = list(Device.objects.filter(practice_id=practice, active=True).only("public_id", "name").order_by("name"))
    room_id, person_id = _uuid(request.GET.get("room")), _uuid(request.GET.get("practitioner"))
    device_id = _uuid(request.GET.get("device"))
    room: Room | None = None
    person: StaffUser | None = None
    device: Device | None = None
    if room_id is not None:
        room = next((r for r in rooms if r.public_id == room_id), None) or in_practice(
            request, Room.objects.all(), room_id
        )
    elif person_id is not None:
        person = next((p for p in people if p.public_id == person_id), None)
        if person is None:
            raise Http404
    elif device_id is not None:
        device = next((d for d in devices if d.public_id == device_id), None) or in_practice(
            request, Device.objects.all(), device_id
        )
    whole_clinic = room is None and person is None and device is None
    # The whole clinic opens on its day, which fits a screen; one practitioner, room or device on its week.
    asked = calendar.read_day(request.GET.get("date"), today)
    shown = calendar.period(request.GET.get("view", "day" if whole_clinic else "week"), asked)
    common: dict[str, Any] = {
        "shown": shown,
        "people": people,
        "rooms": rooms,
        "devices": devices,
        "room": room,
        "person": person,
        "device": device,
        "today": today,
        "day_text": rules.day_text,
        "mine": user.public_id if user.role in services.PRACTITIONER_ROLES else None,
        "by": "practitioner",
        "by_choices": clinic_calendar.BY_CHOICES,
        "location": None,
        "locations": [],
    }
    if whole_clinic:
        return _whole_clinic(request, practice, common)
    start = timezone.make_aware(datetime.combine(shown.first, time.min))
    end = timezone.make_aware(datetime.combine(shown.after, time.min))
    found = Booking.objects.filter(starts_at__gte=start, starts_at__lt=end, practice_id=practice).exclude(
        status=BookingStatus.CANCELLED
    )
    if room is not None:
        found, kind, whose = found.filter(room=room), "room", {"room": room.public_id}
    elif device is not None:
        found, kind, whose = found.filter(device=device), "device", {"device": device.public_id}
    else:
        assert person is not None
        found, kind, whose = found.filter(practitioner=person), "practitioner", {"practitioner": person.public_id}
    lines = _calendar_lines(found.order_by("starts_at"), by=kind)
    by_day: dict[Any, list[CalendarLine]] = defaultdict(list)
    for line in lines:
        by_day[line.day].append(line)

    def link(**changes: Any) -> str:
        return _calendar_link({**whose, "view": shown.view, "date": shown.first.isoformat(), **changes})

    record(request, AuditAction.LIST, "booking", detail=f"calendar {kind} {shown.view}, {len(lines)} shown")
    return render(
        request,
        "scheduling/calendar.html",
        {
            **common,
            "kind": kind,
            "days": [(day, by_day.get(day, [])) for day in shown.each_day()],
            "links": {
                "previous": link(date=shown.previous.isoformat()),
                "next": link(date=shown.next.isoformat()),
                "today": link(date=today.isoformat()),
                "day": link(view="day"),
                "week": link(view="week"),
                "clinic": _calendar_link({"view": "day", "date": shown.first.isoformat()}),
            },
            "timedelta": timedelta,
        },
    )


def _calendar_link(params: dict[str, Any]) -> str:
    return reverse("calendar") + "?" + urlencode(params)


def _whole_clinic(request: HttpRequest, practice: int, common: dict[str, Any]) -> HttpResponse:
    shown: calendar.Period = common["shown"]
    by: clinic_calendar.By = "room" if request.GET.get("by") == "room" else "practitioner"
    location = _location(request, practice, common["rooms"])
    found = clinic_calendar.entries(practice, shown.first, shown.after, location_id=location[0] if location else None)
    rooms = [r for r in common["rooms"] if location is None or r.location_id == location[0]]
    columns = clinic_calendar.columns(by, common["people"], rooms, found)
    if shown.view == "day":
        grid = clinic_calendar.day_grid(by, columns, found)
    else:
        grid = clinic_calendar.week_grid(by, columns, shown.each_day(), found)
    where = {"by": by, **({"location": location[0]} if location else {})}

    def link(**changes: Any) -> str:
        return _calendar_link({**where, "view": shown.view, "date": shown.first.isoformat(), **changes})

    locations = sorted({(r.location_id, r.location.name) for r in common["rooms"] if r.location is not None})
    record(request, AuditAction.LIST, "booking", detail=f"calendar clinic {by} {shown.view}, {grid.count} shown")
    return render(
        request,
        "scheduling/clinic_calendar.html",
        {
            **common,
            "by": by,
            "location": location,
            "locations": locations,
            "grid": grid,
            # A column's or row's own calendar: that practitioner's or room's week (no room has none).
            "resource_links": {
                c.key: _calendar_link({by: c.key, "view": "week", "date": shown.first.isoformat()})
                for c in columns
                if c.key != clinic_calendar.NO_ROOM
            },
            "day_links": {day.isoformat(): link(view="day", date=day.isoformat()) for day in shown.each_day()},
            "links": {
                "previous": link(date=shown.previous.isoformat()),
                "next": link(date=shown.next.isoformat()),
                "today": link(date=common["today"].isoformat()),
                "day": link(view="day"),
                "week": link(view="week"),
                "sheet": reverse("calendar_day_sheet")
                + "?"
                + urlencode({"date": shown.first.isoformat(), **({"location": location[0]} if location else {})}),
            },
        },
    )


@requires(Action.VIEW_SCHEDULE)
@require_safe
def calendar_day_sheet(request: HttpRequest) -> HttpResponse:
    """The day's bookings per practitioner on one A4 page to print: time, patient, room and device."""
    practice = practice_id(request)
    day = calendar.read_day(request.GET.get("date"), timezone.localdate())
    rooms = list(Room.objects.filter(practice_id=practice).select_related("location").only("location__name"))
    location = _location(request, practice, rooms)
    found = clinic_calendar.entries(
        practice, day, day + timedelta(days=1), location_id=location[0] if location else None
    )
    record(request, AuditAction.PRINT, "booking", detail=f"day sheet, {len(found)} shown")
    return render(
        request,
        "scheduling/day_sheet.html",
        {
            "day": day,
            "location": location,
            "parts": clinic_calendar.day_sheet(found),
            "total": len(found),
            "practice": Practice.objects.only("name").get(pk=practice),
            "back": _calendar_link(
                {"view": "day", "date": day.isoformat(), **({"location": location[0]} if location else {})}
            ),
        },
    )


# --- The iCalendar feed ----------------------------------------------------------------------------------------


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A practitioner's bookings for a calendar app. No log-in: the secret in the address is the credential, and
    the events name no patient (docs/_drafts/scheduling.md says why)."""
    practitioner = services.feed_owner(token)
    if practitioner is None:
        raise Http404
    # The links in the feed are followed from a calendar app, away from this request: the public address.
    body = feed.ics(practitioner, public_link("/"))
    record(None, AuditAction.LIST, "booking", detail="calendar feed", actor=practitioner)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Action.VIEW_SCHEDULE)
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_feed_manage(request: HttpRequest) -> HttpResponse:
    """Whether the signed-in practitioner has a feed; POST makes a new address (shown once) or revokes it."""
    user = staff_user(request)
    new_url = ""
    refused = ""
    if request.method == "POST":
        if request.POST.get("revoke"):
            if services.revoke_feed(request, user):
                messages.success(request, "The calendar feed is revoked: its address no longer works.")
        else:
            try:
                token = services.new_feed_token(request, user)
            except services.BookingRefused as refusal:
                refused = str(refusal)
            else:
                new_url = public_link(reverse("calendar_feed", kwargs={"token": token}))
    is_practitioner = user.role in services.PRACTITIONER_ROLES
    if not is_practitioner and request.method == "GET":
        refused = "Only clinicians and nurses have a calendar of their own to export."
    return render(
        request,
        "scheduling/feed.html",
        {
            "feed": CalendarFeed.objects.filter(practitioner=user).first(),
            "new_url": new_url,
            "refused": refused,
            "is_practitioner": is_practitioner,
        },
    )
