"""When a session can be booked: the availability rules of one booking, and the search for the next free slots.

No Django here. The practice's hours, people, rooms and devices come in as frozen values (`Clinic`), the times
already held as plain intervals (`Busy`), and the answers are frozen values; the service that reads the rows is
scheduling/availability.py. Every time is the practice's wall clock (naive local datetimes): opening hours are.

A day is 96 quarter hours; each resource's free quarters of a day are one integer used as a bit set, so a
three-month search is a few thousand integer operations (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

QUARTER = 15
DAY_QUARTERS = 24 * 60 // QUARTER
_ALL_DAY = (1 << DAY_QUARTERS) - 1
# Where no opening hours are on record, the search offers the booking form's times (starts 07:00-20:45) ending by
# 21:00: the day most clinics keep. A booking by hand is not bound by them.
UNRECORDED_DAY = (time(7), time(21))
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Opening:
    """Open (a location) or working (a practitioner) from `starts` to `ends` on a weekday (0 is Monday).
    A practitioner's hours may name the location they hold at; None is any."""

    weekday: int
    starts: time
    ends: time
    location_id: int | None = None


@dataclass(frozen=True)
class Closed:
    """Whole days a location is closed, first to last inclusive."""

    first: date
    last: date
    reason: str


@dataclass(frozen=True)
class Away:
    """A practitioner's absence, or a room or device out of service."""

    starts: datetime
    ends: datetime
    reason: str


@dataclass(frozen=True)
class Place:
    """A location. No hours on record: not bound by any."""

    id: int
    name: str
    hours: tuple[Opening, ...] = ()
    closures: tuple[Closed, ...] = ()


@dataclass(frozen=True)
class Person:
    """A practitioner. No hours: works whenever the location is open. `modalities` None: no qualification is
    recorded in the practice, so nobody is restricted."""

    id: int
    name: str
    hours: tuple[Opening, ...] = ()
    absences: tuple[Away, ...] = ()
    modalities: frozenset[str] | None = None


@dataclass(frozen=True)
class Space:
    """A treatment room, at a location (None: bound by no opening hours)."""

    id: int
    name: str
    location_id: int | None = None
    outages: tuple[Away, ...] = ()


@dataclass(frozen=True)
class Machine:
    """A device."""

    id: int
    name: str
    modality: str
    outages: tuple[Away, ...] = ()


@dataclass(frozen=True)
class Clinic:
    places: tuple[Place, ...] = ()
    people: tuple[Person, ...] = ()
    rooms: tuple[Space, ...] = ()
    devices: tuple[Machine, ...] = ()

    def place(self, location_id: int | None) -> Place | None:
        return next((p for p in self.places if p.id == location_id), None)


@dataclass(frozen=True)
class Busy:
    """Times already held, by resource: the patient's, and each practitioner's, room's and device's by id."""

    patient: Sequence[Interval] = ()
    people: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    rooms: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    devices: Mapping[int, Sequence[Interval]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Why a booking falls outside availability. Hours may be overridden by a clinician with a note; an absence,
    an outage or a missing qualification never."""

    text: str
    outside_hours: bool


# --- One booking -----------------------------------------------------------------------------------------------


def _day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _moment(at: datetime) -> str:
    return f"{_day(at.date())} {at:%H:%M}"


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covers(hours: Iterable[Opening], starts: datetime, ends: datetime) -> bool:
    """Whether the hours of `starts`'s weekday hold the whole of [starts, ends) (on one day)."""
    if ends.date() != starts.date() and ends != datetime.combine(starts.date() + timedelta(days=1), time()):
        return False
    begin = _minutes(starts.time())
    end = (ends - datetime.combine(starts.date(), time())).total_seconds() // 60
    spans = _merged((_minutes(h.starts), _minutes(h.ends)) for h in hours if h.weekday == starts.weekday())
    return any(low <= begin and end <= high for low, high in spans)


def _hours_text(hours: Iterable[Opening], weekday: int) -> str:
    spans = sorted((h.starts, h.ends) for h in hours if h.weekday == weekday)
    return ", ".join(f"{low:%H:%M}-{high:%H:%M}" for low, high in spans)


def _overlapping(aways: Iterable[Away], starts: datetime, ends: datetime) -> Away | None:
    return next((a for a in aways if a.starts < ends and starts < a.ends), None)


def problems(
    clinic: Clinic,
    *,
    practitioner_id: int,
    room_id: int,
    device_id: int,
    modality: str,
    starts: datetime,
    ends: datetime,
) -> tuple[Problem, ...]:
    """Every availability rule [starts, ends) breaks with this practitioner, room and device, in words the front
    desk reads; empty when none. Clashes with other bookings are not here: the database refuses those."""
    found: list[Problem] = []
    person = next((p for p in clinic.people if p.id == practitioner_id), None)
    room = next((r for r in clinic.rooms if r.id == room_id), None)
    device = next((d for d in clinic.devices if d.id == device_id), None)
    place = clinic.place(room.location_id) if room is not None else None
    if place is not None:
        last_day = (ends - timedelta(microseconds=1)).date()
        closed = next((c for c in place.closures if c.first <= last_day and starts.date() <= c.last), None)
        if closed is not None:
            found.append(
                Problem(f"{place.name} is closed on {_day(max(closed.first, starts.date()))} ({closed.reason}).", True)
            )
        elif place.hours and not _covers(place.hours, starts, ends):
            open_text = _hours_text(place.hours, starts.weekday())
            weekday = _WEEKDAYS[starts.weekday()]
            found.append(
                Problem(
                    f"{place.name} is open {open_text} on {weekday}: {starts:%H:%M}-{ends:%H:%M} is outside its hours."
                    if open_text
                    else f"{place.name} is closed on {weekday}.",
                    True,
                )
            )
    if person is not None:
        if person.modalities is not None and modality not in person.modalities:
            found.append(Problem(f"{person.name} is not recorded as qualified for this treatment.", False))
        away = _overlapping(person.absences, starts, ends)
        if away is not None:
            found.append(
                Problem(f"{person.name} is away {_moment(away.starts)} to {_moment(away.ends)} ({away.reason}).", False)
            )
        location = room.location_id if room is not None else None
        hours = [h for h in person.hours if h.location_id in (None, location)]
        if person.hours and not _covers(hours, starts, ends):
            weekday = _WEEKDAYS[starts.weekday()]
            work_text = _hours_text(hours, starts.weekday())
            where = f" at {place.name}" if place is not None else ""
            found.append(
                Problem(
                    f"{person.name} works {work_text} on {weekday}{where}: {starts:%H:%M}-{ends:%H:%M} is outside them."
                    if work_text
                    else f"{person.name} does not work on {weekday}{where}.",
                    True,
                )
            )
    if room is not None:
        out = _overlapping(room.outages, starts, ends)
        if out is not None:
            found.append(
                Problem(
                    f"Room {room.name} is out of service {_moment(out.starts)} to {_moment(out.ends)} ({out.reason}).",
                    False,
                )
            )
    if device is not None:
        out = _overlapping(device.outages, starts, ends)
        if out is not None:
            found.append(
                Problem(
                    f"The device {device.name} is out of service {_moment(out.starts)} to {_moment(out.ends)} "
                    f"({out.reason}).",
                    False,
                )
            )
    return tuple(found)


# --- The search ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Want:
    """What to search for: a session of `minutes` for `modality`, on days `first_day` to `last_day`, starting no
    sooner than `not_before`. At most `limit` slots, at most `per_day` a day, spaced a session apart. The preferred
    practitioner, room and device are chosen first when free; `only_*` restricts the search to one of them."""

    modality: str
    minutes: int
    first_day: date
    last_day: date
    not_before: datetime
    limit: int = 8
    per_day: int = 3
    prefer_practitioner: int | None = None
    prefer_room: int | None = None
    prefer_device: int | None = None
    only_practitioner: int | None = None


@dataclass(frozen=True)
class Slot:
    """A free time with the practitioner, room and device that can take it."""

    starts: datetime
    ends: datetime
    practitioner_id: int
    room_id: int
    device_id: int


def _span_mask(day: date, starts: datetime, ends: datetime) -> int:
    """The quarters of `day` that [starts, ends) touches."""
    midnight = datetime.combine(day, time())
    low = max(0, int((starts - midnight).total_seconds() // 60) // QUARTER)
    high = min(DAY_QUARTERS, -(-int((ends - midnight).total_seconds() // 60) // QUARTER))
    return ((1 << (high - low)) - 1) << low if high > low else 0


def _taken(day: date, intervals: Iterable[Interval]) -> int:
    midnight = datetime.combine(day, time())
    after = midnight + timedelta(days=1)
    mask = 0
    for starts, ends in intervals:
        if starts < after and midnight < ends:
            mask |= _span_mask(day, starts, ends)
    return mask


def _hours_mask(hours: Iterable[Opening], weekday: int) -> int:
    """The quarters wholly inside the hours of that weekday."""
    mask = 0
    for low, high in _merged((_minutes(h.starts), _minutes(h.ends)) for h in hours if h.weekday == weekday):
        first, last = -(-low // QUARTER), high // QUARTER
        if last > first:
            mask |= ((1 << (last - first)) - 1) << first
    return mask


_UNRECORDED = _hours_mask([Opening(d, *UNRECORDED_DAY) for d in range(7)], 0)


def _runs(mask: int, quarters: int) -> int:
    """Bit q set when quarters q to q + quarters - 1 are all free."""
    run = mask
    for shift in range(1, quarters):
        run &= mask >> shift
    return run


class _Days:
    """Busy intervals sorted into per-day masks once, for the whole search."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        self.masks: dict[date, int] = {}
        masks = self.masks
        for starts, ends in intervals:
            day = starts.date()
            if ends.date() == day:  # nearly every booking: integer arithmetic only
                low = (starts.hour * 60 + starts.minute) // QUARTER
                high = -(-(ends.hour * 60 + ends.minute + (1 if ends.second or ends.microsecond else 0)) // QUARTER)
                if high > low:
                    masks[day] = masks.get(day, 0) | (((1 << (high - low)) - 1) << low)
                continue
            while datetime.combine(day, time()) < ends:
                self.masks[day] = self.masks.get(day, 0) | _span_mask(day, starts, ends)
                day += timedelta(days=1)

    def free(self, day: date) -> int:
        return _ALL_DAY & ~self.masks.get(day, 0)


def _preferred(items: Sequence[object], prefer: int | None) -> list[object]:
    return sorted(items, key=lambda item: getattr(item, "id") != prefer)  # noqa: B009 - one key for three kinds


def find(clinic: Clinic, busy: Busy, want: Want) -> tuple[Slot, ...]:
    """The earliest free slots, in time order: the patient free, a practitioner qualified, working, present and
    free, a room open, in service and free, a device of the treatment in service and free, all for the whole
    session. Bookings never cross midnight here."""
    quarters = -(-want.minutes // QUARTER)
    people = [
        p
        for p in clinic.people
        if (p.modalities is None or want.modality in p.modalities)
        and (want.only_practitioner is None or p.id == want.only_practitioner)
    ]
    people = _preferred(people, want.prefer_practitioner)  # type: ignore[assignment]
    rooms: list[Space] = _preferred(clinic.rooms, want.prefer_room)  # type: ignore[assignment]
    devices: list[Machine] = _preferred([d for d in clinic.devices if d.modality == want.modality], want.prefer_device)  # type: ignore[assignment]
    if not people or not rooms or not devices or quarters > DAY_QUARTERS:
        return ()
    places = {p.id: p for p in clinic.places}
    patient = _Days(busy.patient)
    people_busy = {p.id: _Days(busy.people.get(p.id, ())) for p in people}
    rooms_busy = {r.id: _Days(busy.rooms.get(r.id, ())) for r in rooms}
    devices_busy = {d.id: _Days(busy.devices.get(d.id, ())) for d in devices}
    locations = {r.location_id for r in rooms}
    masks: dict[tuple[object, ...], int] = {}

    def weekly(key: tuple[object, ...], hours: Sequence[Opening], weekday: int, location: object = None) -> int:
        """A weekday's hours as quarters, worked out once per search (a location's, or a person's at one)."""
        if key not in masks:
            if key[0] == "person":
                hours = [h for h in hours if h.location_id in (None, location)]
            masks[key] = _hours_mask(hours, weekday)
        return masks[key]

    found: list[Slot] = []
    day = want.first_day
    while day <= want.last_day and len(found) < want.limit:
        weekday = day.weekday()
        earliest = _ALL_DAY
        if day == want.not_before.date():
            minute = want.not_before.hour * 60 + want.not_before.minute + (1 if want.not_before.second else 0)
            earliest = _ALL_DAY & ~((1 << -(-minute // QUARTER)) - 1)
        elif day < want.not_before.date():
            day += timedelta(days=1)
            continue
        patient_free = patient.free(day) & earliest
        if not patient_free:
            day += timedelta(days=1)
            continue
        open_at: dict[int | None, int] = {}
        for location in locations:
            place = places.get(location) if location is not None else None
            if place is None or not place.hours:
                open_at[location] = _UNRECORDED
            elif any(c.first <= day <= c.last for c in place.closures):
                open_at[location] = 0
            else:
                open_at[location] = weekly(("place", location, weekday), place.hours, weekday)
        room_runs = [
            (r, _runs(open_at[r.location_id] & rooms_busy[r.id].free(day) & ~_out(day, r.outages), quarters))
            for r in rooms
        ]
        device_runs = [(d, _runs(devices_busy[d.id].free(day) & ~_out(day, d.outages), quarters)) for d in devices]
        any_device = 0
        for _, run in device_runs:
            any_device |= run
        person_runs: list[tuple[Person, dict[int | None, int]]] = []
        for p in people:
            base = people_busy[p.id].free(day) & ~_out(day, p.absences) & patient_free
            by_location = {}
            for location in locations:
                working = (
                    weekly(("person", p.id, location, weekday), p.hours, weekday, location) if p.hours else _ALL_DAY
                )
                by_location[location] = _runs(base & working, quarters)
            person_runs.append((p, by_location))
        candidates = 0
        for _, by_location in person_runs:
            for room, run in room_runs:
                candidates |= run & by_location[room.location_id]
        candidates &= any_device & _runs(patient_free, quarters)
        picked = 0
        blocked_until = -1
        midnight = datetime.combine(day, time())
        while candidates and picked < want.per_day and len(found) < want.limit:
            q = (candidates & -candidates).bit_length() - 1
            candidates &= candidates - 1
            if q < blocked_until:
                continue
            bit = 1 << q
            slot = _choose(q, bit, midnight, want.minutes, person_runs, room_runs, device_runs)
            if slot is not None:
                found.append(slot)
                picked += 1
                blocked_until = q + quarters
        day += timedelta(days=1)
    return tuple(found)


def _out(day: date, aways: Sequence[Away]) -> int:
    """The quarters of `day` an absence or outage takes (most resources have none)."""
    return _taken(day, [(a.starts, a.ends) for a in aways]) if aways else 0


def _choose(
    q: int,
    bit: int,
    midnight: datetime,
    minutes: int,
    person_runs: list[tuple[Person, dict[int | None, int]]],
    room_runs: list[tuple[Space, int]],
    device_runs: list[tuple[Machine, int]],
) -> Slot | None:
    device = next((d for d, run in device_runs if run & bit), None)
    if device is None:
        return None
    for person, by_location in person_runs:
        for room, run in room_runs:
            if run & by_location[room.location_id] & bit:
                starts = midnight + timedelta(minutes=q * QUARTER)
                return Slot(starts, starts + timedelta(minutes=minutes), person.id, room.id, device.id)
    return None
