"""The practice's availability read from its rows into slots.py's frozen values, and the search for a plan's next
free slots.

`next_free_slots` is the public entry (the staff booking page and the portal's online booking use it): it reads the
plan's window (interval, waiting periods), its safety hold, the practice's hours, people, rooms and devices, and the
times already held, in a handful of queries, and asks the pure finder. Its signature is kept stable
(/work/notes/slots-api.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from lasercare.practice.clinic import plausible
from lasercare.practice.clinic.availability import (
    Absence,
    Closure,
    DeviceOutage,
    OpeningHours,
    Qualification,
    RoomOutage,
    WorkingHours,
)
from lasercare.practice.clinic.models import Device, Location, Room, StaffUser, display_name
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import safety_services
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.scheduling import rules, slots
from lasercare.practice.scheduling.models import ACTIVE_STATUSES, Booking
from lasercare.web import compiled_reads

PRACTITIONER_ROLES = (Role.CLINICIAN, Role.NURSE)  # as services.PRACTITIONER_ROLES
SEARCH_DAYS = 92  # three months ahead of the first allowed day
# The first look covers two weeks: most searches end there, and a busy practice's three months of bookings are
# read only when the first weeks hold too few free slots.
_FIRST_LOOK_DAYS = 14


def local(moment: datetime) -> datetime:
    """The practice's wall clock, naive, as slots.py reckons."""
    return timezone.localtime(moment).replace(tzinfo=None)


def aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)


def _away(rows: list[tuple[int, datetime, datetime, str]]) -> dict[int, tuple[slots.Away, ...]]:
    found: dict[int, list[slots.Away]] = defaultdict(list)
    for owner, starts, ends, reason in rows:
        found[owner].append(slots.Away(local(starts), local(ends), reason))
    return {key: tuple(value) for key, value in found.items()}


def _ids(ids: list[int] | None) -> tuple[int, ...] | None:
    return None if ids is None else tuple(ids)


def clinic(
    practice_id: int,
    starts: datetime,
    ends: datetime,
    *,
    modality: str | None = None,
    people: list[int] | None = None,
    rooms: list[int] | None = None,
    devices: list[int] | None = None,
) -> slots.Clinic:
    """The practice's availability over [starts, ends) (aware): its locations' hours and closures, its active
    practitioners' hours, absences and qualifications, its active rooms and devices (of `modality` when given)
    with their outages. `people`, `rooms` and `devices` narrow it to those ids, for checking one booking."""
    # The practice's standing arrangements (locations, hours, people, rooms, devices) are read by statements compiled
    # once per process (web/compiled_reads.py): compiling them was a quarter of a three-month search's time.
    location_rows = compiled_reads.rows(
        ("slots", "locations", practice_id),
        lambda: Location.objects.filter(practice_id=practice_id).values_list("pk", "name"),
    )
    sole_location = location_rows[0][0] if len(location_rows) == 1 else None
    hours: dict[int, list[slots.Opening]] = defaultdict(list)
    for location_id, weekday, opens, closes in compiled_reads.rows(
        ("slots", "opening", practice_id),
        lambda: OpeningHours.objects.filter(location__practice_id=practice_id).values_list(
            "location_id", "weekday", "opens", "closes"
        ),
    ):
        hours[location_id].append(slots.Opening(weekday, opens, closes))
    closures: dict[int, list[slots.Closed]] = defaultdict(list)
    for location_id, first, last, reason in Closure.objects.filter(
        location__practice_id=practice_id, last_day__gte=timezone.localdate(starts), first_day__lte=ends.date()
    ).values_list("location_id", "first_day", "last_day", "reason"):
        closures[location_id].append(slots.Closed(first, last, reason))
    places = tuple(
        slots.Place(pk, name, tuple(hours.get(pk, ())), tuple(closures.get(pk, ()))) for pk, name in location_rows
    )

    def staff() -> QuerySet[Any, tuple[Any, ...]]:
        found = StaffUser.objects.filter(practice_id=practice_id, role__in=PRACTITIONER_ROLES, is_active=True)
        if people is not None:
            found = found.filter(pk__in=people)
        return found.order_by("first_name", "last_name", "pk").values_list("pk", "username", "first_name", "last_name")

    staff_rows = compiled_reads.rows(("slots", "staff", practice_id, _ids(people)), staff)
    ids = [row[0] for row in staff_rows]
    working: dict[int, list[slots.Opening]] = defaultdict(list)
    for staff_id, weekday, begins, finishes, location_id in compiled_reads.rows(
        ("slots", "working", tuple(ids)),
        lambda: WorkingHours.objects.filter(staff_id__in=ids).values_list(
            "staff_id", "weekday", "starts", "ends", "location_id"
        ),
    ):
        working[staff_id].append(slots.Opening(weekday, begins, finishes, location_id))
    absences = _away(
        list(
            Absence.objects.filter(staff_id__in=ids, starts_at__lt=ends, ends_at__gt=starts).values_list(
                "staff_id", "starts_at", "ends_at", "reason"
            )
        )
    )
    # A practice that records no qualification restricts nobody (clinic/availability.py).
    recorded = bool(
        compiled_reads.rows(
            ("slots", "qualifications recorded", practice_id),
            lambda: Qualification.objects.filter(staff__practice_id=practice_id).values_list("pk")[:1],
        )
    )
    qualified: dict[int, set[str]] = defaultdict(set)
    if recorded:
        for staff_id, code in compiled_reads.rows(
            ("slots", "qualifications", tuple(ids)),
            lambda: Qualification.objects.filter(staff_id__in=ids).values_list("staff_id", "modality"),
        ):
            qualified[staff_id].add(code)
    persons = tuple(
        slots.Person(
            pk,
            display_name(username, first, last),
            tuple(working.get(pk, ())),
            absences.get(pk, ()),
            frozenset(qualified.get(pk, ())) if recorded else None,
        )
        for pk, username, first, last in staff_rows
    )

    def room_rows() -> QuerySet[Any, tuple[Any, ...]]:
        found = Room.objects.filter(practice_id=practice_id, active=True)
        if rooms is not None:
            found = found.filter(pk__in=rooms)
        return found.order_by("name").values_list("pk", "name", "location_id")

    room_list = compiled_reads.rows(("slots", "rooms", practice_id, _ids(rooms)), room_rows)
    room_out = _away(
        list(
            RoomOutage.objects.filter(
                room_id__in=[r[0] for r in room_list], starts_at__lt=ends, ends_at__gt=starts
            ).values_list("room_id", "starts_at", "ends_at", "reason")
        )
    )
    spaces = tuple(
        slots.Space(pk, name, location_id if location_id is not None else sole_location, room_out.get(pk, ()))
        for pk, name, location_id in room_list
    )

    def device_rows() -> QuerySet[Any, tuple[Any, ...]]:
        found = Device.objects.filter(practice_id=practice_id, active=True)
        if modality is not None:
            found = found.filter(modality=modality)
        if devices is not None:
            found = found.filter(pk__in=devices)
        return found.order_by("name").values_list("pk", "name", "modality")

    device_list = compiled_reads.rows(("slots", "devices", practice_id, modality, _ids(devices)), device_rows)
    device_out = _away(
        list(
            DeviceOutage.objects.filter(
                device_id__in=[d[0] for d in device_list], starts_at__lt=ends, ends_at__gt=starts
            ).values_list("device_id", "starts_at", "ends_at", "reason")
        )
    )
    machines = tuple(slots.Machine(pk, name, code, device_out.get(pk, ())) for pk, name, code in device_list)
    return slots.Clinic(places, persons, spaces, machines)


def problems(
    practice_id: int,
    *,
    practitioner: StaffUser,
    room: Room,
    device: Device,
    modality: str,
    starts_at: datetime,
    ends_at: datetime,
) -> tuple[slots.Problem, ...]:
    """What of availability a booking breaks (scheduling/services.py refuses it, or lets a clinician override
    the hours with a note)."""
    found = clinic(practice_id, starts_at, ends_at, people=[practitioner.pk], rooms=[room.pk], devices=[device.pk])
    return slots.problems(
        found,
        practitioner_id=practitioner.pk,
        room_id=room.pk,
        device_id=device.pk,
        modality=modality,
        starts=local(starts_at),
        ends=local(ends_at),
    )


def busy(
    practice_id: int, patient_id: int, starts: datetime, ends: datetime, *, excluding: int | None = None
) -> slots.Busy:
    """Every active booking's time in [starts, ends) by resource, in one query (the (practice, starts_at) index),
    and the patient's in another: the patient may be booked at another practice's location too."""
    rows = Booking.objects.filter(
        practice_id=practice_id, status__in=ACTIVE_STATUSES, starts_at__lt=ends, ends_at__gt=starts
    )
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    people: dict[int, list[slots.Interval]] = defaultdict(list)
    rooms: dict[int, list[slots.Interval]] = defaultdict(list)
    devices: dict[int, list[slots.Interval]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    # PostgreSQL's text is the wall clock already (_WallText); SQLite's is UTC.
    wall: Callable[[str], datetime] = (
        datetime.fromisoformat if connections[rows.db].vendor == "postgresql" else _Wall(zone)
    )
    for begins, finishes, person, room, device in _raw(
        rows.annotate(begins=_WallText("starts_at", zone), finishes=_WallText("ends_at", zone)).values_list(
            "begins", "finishes", "practitioner_id", "room_id", "device_id"
        )
    ):
        span = (wall(begins), wall(finishes))
        people[person].append(span)
        if room is not None:
            rooms[room].append(span)
        if device is not None:
            devices[device].append(span)
    mine = Booking.objects.filter(
        Q(patient_id=patient_id), status__in=ACTIVE_STATUSES, starts_at__lt=ends, ends_at__gt=starts
    )
    if excluding is not None:
        mine = mine.exclude(pk=excluding)
    times = mine.annotate(begins=_WallText("starts_at", zone), finishes=_WallText("ends_at", zone)).values_list(
        "begins", "finishes"
    )
    patient = [(wall(b), wall(e)) for b, e in _raw(times)]
    return slots.Busy(patient, people, rooms, devices)


class _WallText(Func):
    """A time as text the parser reads in C (`datetime.fromisoformat`). PostgreSQL turns it to the practice's wall
    clock itself ("2026-12-08 09:00:00"), so no time is converted in Python; SQLite, which knows no time zones,
    gives its UTC text and `_Wall` converts it. psycopg's loader for timestamptz parses each value in Python, and
    the conversion to the wall clock in Python cost as much again: 0.6 and 0.8 of the 1.9 and 4.1 s that 30 and 60
    three-month searches on PostgreSQL spent (bench/slot_search.py --profile)."""

    template = "CAST(%(expressions)s AS text)"
    arg_joiner = " AT TIME ZONE "  # PostgreSQL: CAST(starts_at AT TIME ZONE 'Europe/London' AS text)
    output_field = CharField()

    def __init__(self, field: str, zone: tzinfo) -> None:
        super().__init__(F(field), Value(str(zone)))

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        clone = self.copy()
        clone.set_source_expressions(self.get_source_expressions()[:1])
        return clone.as_sql(compiler, connection, **extra)


def _raw(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows without Django's per-value converters: a three-month search reads thousands of times, and
    SQLite's converter (a regular expression and a time zone per value) cost more than the search itself
    (docs/performance.md)."""
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


class _Wall:
    """UTC times from the database to the practice's wall clock. A day's offset is looked up once: thousands of
    times are converted per search, and a zone lookup each was most of its cost. A day the clocks change on is
    converted time by time."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.offsets: dict[date, timedelta | None] = {}

    def __call__(self, text: str) -> datetime:
        value = datetime.fromisoformat(text)
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        day = value.date()
        if day not in self.offsets:
            midnight = datetime.combine(day, time(), UTC)
            before = midnight.astimezone(self.zone).utcoffset()
            after = (midnight + timedelta(days=1)).astimezone(self.zone).utcoffset()
            self.offsets[day] = before if before == after else None
        offset = self.offsets[day]
        if offset is None:
            return value.replace(tzinfo=UTC).astimezone(self.zone).replace(tzinfo=None)
        return value + offset


@dataclass(frozen=True)
class FreeSlot:
    """A free time for the session, with who and where can take it: book it as it is."""

    starts_at: datetime  # aware
    ends_at: datetime
    minutes: int
    practitioner_id: int
    practitioner_name: str
    room_id: int
    room_name: str
    device_id: int
    device_name: str

    @property
    def day_value(self) -> str:
        """The booking form's day field: 2026-12-08."""
        return timezone.localdate(self.starts_at).isoformat()

    @property
    def start_value(self) -> str:
        """The booking form's start field: 09:00."""
        return f"{timezone.localtime(self.starts_at):%H:%M}"

    @property
    def start_text(self) -> str:
        """ "Tue 8 Dec 2026, 09:00" """
        at = timezone.localtime(self.starts_at)
        return f"{at:%a} {rules.day_text(at.date())}, {at:%H:%M}"


@dataclass(frozen=True)
class SlotSearch:
    """The answer: the session searched for, the free slots in time order, and, when there are none, why."""

    session: int | None
    slots: tuple[FreeSlot, ...]
    message: str
    first_day: date | None = None
    last_day: date | None = None


def next_free_slots(
    plan: TreatmentPlan,
    *,
    session_number: int | None = None,
    minutes: int = 45,
    limit: int = 8,
    per_day: int = 3,
    days: int = SEARCH_DAYS,
    from_day: date | None = None,
    practitioner_id: int | None = None,
    room_id: int | None = None,
    device_id: int | None = None,
    only_practitioner_id: int | None = None,
    excluding: Booking | None = None,
) -> SlotSearch:
    """The earliest free slots for a session of an accepted plan's course (the next one not booked, unless
    `session_number` says which), within `days` of its first allowed day (or of `from_day`, if later).

    A slot satisfies the plan's interval and waiting periods, the safety gates, a qualified practitioner, a room
    and device in service, the patient free, and the opening hours, working hours and absences; booking it
    through scheduling/services.py succeeds unless someone takes it first. The preferred practitioner, room and
    device ids are chosen first when free; `excluding` is a booking being moved (its time counts as free)."""
    # Imported here: services imports this module to check each booking.
    from lasercare.practice.scheduling import services

    if plan.status != PlanStatus.ACCEPTED:
        return SlotSearch(session_number, (), "Only an accepted plan can be booked; this one is not accepted.")
    try:
        course = services.course(plan)
    except services.BookingRefused as refusal:
        return SlotSearch(session_number, (), str(refusal))
    held = safety_services.hold(plan)
    if held:
        return SlotSearch(session_number, (), held.text)
    booked = services.booked_sessions(plan, excluding=excluding)
    taken = {b.session for b in booked}
    if session_number is None:
        session_number = next((n for n in range(1, course.sessions + 1) if n not in taken), None)
        if session_number is None:
            return SlotSearch(None, (), "Every session of the course is booked.")
    elif session_number in taken:
        return SlotSearch(session_number, (), f"Session {session_number} is already booked.")
    window = rules.window(course, session_number, booked)
    now = timezone.now()
    today = timezone.localdate(now)
    first = max(window.earliest, today, from_day or today)
    last = first + timedelta(days=days - 1)
    last = min(last, today + timedelta(days=plausible.BOOKING_AHEAD_DAYS))
    if window.latest is not None:
        last = min(last, window.latest)
    if last < first:
        reason = " ".join(window.problems(first)) or "No day is left in the plan's window."
        return SlotSearch(session_number, (), reason, first, last)
    assert plan.practice_id is not None
    starts = aware(datetime.combine(first, time()))
    ends = aware(datetime.combine(last + timedelta(days=1), time()))
    found = clinic(plan.practice_id, starts, ends, modality=course.modality)
    if not any(p.modalities is None or course.modality in p.modalities for p in found.people):
        return SlotSearch(
            session_number, (), "No practitioner is recorded as qualified for this treatment.", first, last
        )
    if not found.devices:
        return SlotSearch(session_number, (), "The practice has no device in use for this treatment.", first, last)
    if not found.rooms:
        return SlotSearch(session_number, (), "The practice has no room in use.", first, last)
    want = slots.Want(
        modality=course.modality,
        minutes=minutes,
        first_day=first,
        last_day=last,
        not_before=local(now),
        limit=limit,
        per_day=per_day,
        prefer_practitioner=practitioner_id,
        prefer_room=room_id,
        prefer_device=device_id,
        only_practitioner=only_practitioner_id,
    )
    excluded = excluding.pk if excluding is not None else None
    # The first weeks first; the rest of the range only when they hold too few.
    middle = min(last, first + timedelta(days=_FIRST_LOOK_DAYS - 1))
    middle_at = aware(datetime.combine(middle + timedelta(days=1), time()))
    chosen = slots.find(
        found,
        busy(plan.practice_id, plan.patient_id, starts, middle_at, excluding=excluded),
        _within(want, first, middle),
    )
    if len(chosen) < limit and middle < last:
        more = slots.find(
            found,
            busy(plan.practice_id, plan.patient_id, middle_at, ends, excluding=excluded),
            _within(replace(want, limit=limit - len(chosen)), middle + timedelta(days=1), last),
        )
        chosen = chosen + more
    names = {p.id: p.name for p in found.people}
    room_names = {r.id: r.name for r in found.rooms}
    device_names = {d.id: d.name for d in found.devices}
    # As timezone.make_aware does for a zoneinfo zone, without its checks for each of hundreds of slots.
    zone = timezone.get_current_timezone()
    free = tuple(
        FreeSlot(
            s.starts.replace(tzinfo=zone),
            s.ends.replace(tzinfo=zone),
            minutes,
            s.practitioner_id,
            names[s.practitioner_id],
            s.room_id,
            room_names[s.room_id],
            s.device_id,
            device_names[s.device_id],
        )
        for s in chosen
    )
    message = (
        ""
        if free
        else f"No free time for session {session_number} from {rules.day_text(first)} to {rules.day_text(last)}: "
        "the opening hours, the practitioners' hours and absences, the rooms and devices, and the bookings "
        "already made leave none. Try a shorter session or another practitioner, or book a later day by hand."
    )
    return SlotSearch(session_number, free, message, first, last)


def _within(want: slots.Want, first: date, last: date) -> slots.Want:
    return replace(want, first_day=first, last_day=last)


def unrecorded(practice_id: int) -> tuple[str, ...]:
    """What of the practice's availability is not on record, so bookings are not bound by it: said on the
    booking page, so nobody takes silence for a rule."""
    found = [
        f"No opening hours are on record for {name}: bookings there are not bound by any."
        for name in Location.objects.filter(practice_id=practice_id, opening_hours__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    ]
    if not Qualification.objects.filter(staff__practice_id=practice_id).exists():
        found.append("No qualifications are on record: any clinician or nurse may be booked for any treatment.")
    return tuple(found)
