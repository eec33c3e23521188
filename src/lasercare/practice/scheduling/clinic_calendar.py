"""The whole clinic's calendar: every practitioner (or every room) as a column of one day, or as a row of a week,
and the day sheet the front desk prints.

The bookings are read in one query whatever their number, with the names of their practitioner, room and device
in the same rows, so neither a booking nor a column costs a query of its own (tests/web/test_clinic_calendar.py
counts them). The grids are built from those plain rows: nothing here touches a model instance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from django.db.models import QuerySet
from django.utils import timezone

from lasercare.practice.clinic.models import Room, StaffUser, display_name
from lasercare.practice.scheduling.models import Booking, BookingStatus
from lasercare.site.routes import paths_of

By = Literal["practitioner", "room"]
BY_CHOICES: tuple[tuple[By, str], ...] = (("practitioner", "Practitioners"), ("room", "Rooms"))
NO_ROOM = "no-room"  # the column of bookings made without a room

# The hours a day grid always shows, so a quiet morning still reads as a clinic's day; bookings outside them
# widen it. A convention of the page, not the practice's opening hours.
FIRST_HOUR, LAST_HOUR = 8, 18


@dataclass(frozen=True)
class Entry:
    """One booking as the whole-clinic calendar and the day sheet show it."""

    day: date
    hour: int
    href: str
    times: str
    patient: str
    session: str
    status: str
    practitioner_key: str
    practitioner: str
    room_key: str
    room: str
    device: str

    def key(self, by: By) -> str:
        return self.practitioner_key if by == "practitioner" else self.room_key

    @property
    def done(self) -> bool:
        return self.status == BookingStatus.COMPLETED

    @property
    def no_show(self) -> bool:
        return self.status == BookingStatus.NO_SHOW


@dataclass(frozen=True)
class Column:
    """A practitioner or a room: its public id (the key of its bookings) and its name."""

    key: str
    name: str


@dataclass(frozen=True)
class Row:
    """A row of a grid: its header (an hour, or a practitioner or room) and one cell of bookings per column."""

    key: str
    label: str
    cells: tuple[tuple[Entry, ...], ...]


@dataclass(frozen=True)
class Grid:
    corner: str  # the header cell above the rows' headers
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    count: int


@dataclass(frozen=True)
class SheetPart:
    """One practitioner's bookings on the day sheet."""

    practitioner: str
    entries: tuple[Entry, ...]


_COLUMNS = (
    "public_id",
    "starts_at",
    "ends_at",
    "status",
    "session_number",
    "course_sessions",
    "patient__given_names",
    "patient__family_name",
    "practitioner__public_id",
    "practitioner__username",
    "practitioner__first_name",
    "practitioner__last_name",
    "room__public_id",
    "room__name",
    "device__name",
)


def entries(practice_id: int, first: date, after: date, *, location_id: int | None = None) -> list[Entry]:
    """The practice's bookings from the first day up to (not including) `after`, cancelled ones left out; with a
    location, only those in its rooms. One query."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(after, time.min))
    found: QuerySet[Booking] = Booking.objects.filter(
        practice_id=practice_id, starts_at__gte=start, starts_at__lt=end
    ).exclude(status=BookingStatus.CANCELLED)
    if location_id is not None:
        found = found.filter(room__location_id=location_id)
    zone = timezone.get_current_timezone()
    booking_path = paths_of("booking")
    result = []
    rows = found.order_by("starts_at", "practitioner__last_name").values_list(*_COLUMNS)
    for row in rows:
        public_id, starts, ends, status, number, of, given, family, who_id, *who, room_id, room, device = row
        starts, ends = starts.astimezone(zone), ends.astimezone(zone)
        session = f"session {number}" + (f" of {of}" if of else "") if number else ""
        result.append(
            Entry(
                day=starts.date(),
                hour=starts.hour,
                href=booking_path(public_id),
                times=f"{starts:%H:%M}–{ends:%H:%M}",
                patient=f"{given} {family}",
                session=session,
                status=status,
                practitioner_key=str(who_id),
                practitioner=display_name(*who),
                room_key=str(room_id) if room_id else NO_ROOM,
                room=room or "No room",
                device=device or "",
            )
        )
    return result


def columns(
    by: By, people: Iterable[StaffUser], rooms: Iterable[Room], found: Sequence[Entry], *, rooms_only: bool = False
) -> tuple[Column, ...]:
    """The practice's practitioners (or rooms) in their order, then any that bookings name but the lists do not
    (a member of staff who has left, a room taken out of use), so no booking is ever left off the page."""
    if by == "practitioner":
        listed = [Column(str(p.public_id), p.display_name) for p in people]
    else:
        listed = [Column(str(r.public_id), r.name) for r in rooms]
    known = {column.key for column in listed}
    for entry in found:
        key = entry.key(by)
        if key not in known:
            known.add(key)
            listed.append(Column(key, entry.practitioner if by == "practitioner" else entry.room))
    return tuple(listed)


def day_grid(by: By, shown: Sequence[Column], found: Sequence[Entry]) -> Grid:
    """One day: a row per hour (at least FIRST_HOUR to LAST_HOUR), a column per practitioner or room, each booking
    in the cell of the hour it starts in."""
    cells: dict[tuple[int, str], list[Entry]] = defaultdict(list)
    for entry in found:
        cells[entry.hour, entry.key(by)].append(entry)
    hours = [entry.hour for entry in found]
    first, last = min([FIRST_HOUR, *hours]), max([LAST_HOUR, *hours])
    rows = tuple(
        Row(f"{hour:02d}", f"{hour:02d}:00", tuple(tuple(cells.get((hour, c.key), ())) for c in shown))
        for hour in range(first, last + 1)
    )
    return Grid("Time", tuple(shown), rows, len(found))


def week_grid(by: By, resources: Sequence[Column], days: Sequence[date], found: Sequence[Entry]) -> Grid:
    """A week: a row per practitioner or room, a column per day."""
    cells: dict[tuple[str, date], list[Entry]] = defaultdict(list)
    for entry in found:
        cells[entry.key(by), entry.day].append(entry)
    day_columns = tuple(Column(day.isoformat(), f"{day:%a} {day.day} {day:%b}") for day in days)
    rows = tuple(Row(r.key, r.name, tuple(tuple(cells.get((r.key, d), ())) for d in days)) for r in resources)
    return Grid(dict(BY_CHOICES)[by][:-1], day_columns, rows, len(found))


def day_sheet(found: Sequence[Entry]) -> list[SheetPart]:
    """The day's bookings per practitioner (in the order of their first booking), each in time order."""
    parts: dict[str, list[Entry]] = {}
    for entry in found:
        parts.setdefault(entry.practitioner_key, []).append(entry)
    return [SheetPart(group[0].practitioner, tuple(group)) for group in parts.values()]
