"""When each session of a course may take place: the plan's intervals and waiting periods, as plain date arithmetic.

No Django here: the plan document is a dict, bookings are (session, day) pairs, and every answer is a frozen
dataclass, so the rules are tested directly. The services enforce them; the pages show them.

Dates are the practice's local calendar days. A waiting period's date (a finding's `wait_until`, a hold's `until`)
is the first day treatment may take place, as the engine's course starts on it (`first_on` equals the last hold).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """ "24 Dec 2026": how the refusals name a day."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Floor:
    """A day before which no session of the course may take place, and why."""

    on: date
    reason: str


@dataclass(frozen=True)
class Course:
    """What the rules need of an accepted plan for the modality the patient accepted."""

    modality: str
    name: str
    sessions: int
    interval_weeks: int
    floors: tuple[Floor, ...]  # the consultation day, waiting periods and holds: they bound every session
    schedule: Mapping[int, date]  # the engine's earliest day per session, when the course is of this modality

    @property
    def interval(self) -> timedelta:
        return timedelta(weeks=self.interval_weeks)


class NotBookable(ValueError):  # noqa: N818 - a refusal the user reads, not a fault
    """The plan has no course to book for this modality (no such option in the plan)."""


def course_of(document: Mapping[str, Any], modality: str) -> Course:
    """The course of `modality` in the plan document.

    The engine's `course` and `schedule` describe its first suitable option; when the clinician chose another,
    the number of sessions is that option's most and the dates come from its interval alone.
    """
    option = next((o for o in document.get("options", []) if o.get("modality") == modality), None)
    if option is None:
        raise NotBookable(f"The plan has no option {modality}.")
    engine_course: Mapping[str, Any] = document.get("course") or {}
    is_engine_course = engine_course.get("modality") == modality
    sessions = int(engine_course["sessions"]) if is_engine_course else int(option["sessions"]["max"])
    floors: list[Floor] = []
    if document.get("consultation_on"):
        floors.append(Floor(date.fromisoformat(document["consultation_on"]), "the day of the consultation"))
    if is_engine_course and engine_course.get("first_on"):
        floors.append(Floor(date.fromisoformat(engine_course["first_on"]), "the first day the plan's course allows"))
    # The holds are the patient's preparation (a retinoid pause, a recent procedure): they hold back any laser.
    for hold in engine_course.get("held_back_by") or []:
        floors.append(Floor(date.fromisoformat(hold["until"]), _hold_words(str(hold["reason"]))))
    for finding in document.get("findings", []):
        applies = finding.get("applies_to") or []
        if finding.get("wait_until") and ("all" in applies or modality in applies):
            name = finding.get("name") or finding.get("code", "a finding")
            floors.append(Floor(date.fromisoformat(finding["wait_until"]), f"waiting period: {name}"))
    schedule: dict[int, date] = {}
    if is_engine_course:
        for entry in document.get("schedule") or []:
            schedule[int(entry["session"])] = date.fromisoformat(entry["earliest_on"])
    return Course(
        modality=modality,
        name=str(option.get("name") or modality),
        sessions=sessions,
        interval_weeks=int(option["interval_weeks"]["min"]),
        floors=tuple(floors),
        schedule=schedule,
    )


@dataclass(frozen=True)
class Booked:
    """A session of the course already booked (active: booked or completed), on a day."""

    session: int
    on: date


@dataclass(frozen=True)
class Window:
    """The days session `session` may take place on: from `earliest` (inclusive) to `latest` (inclusive, or
    unbounded), each with the reasons that set it."""

    session: int
    earliest: date
    earliest_because: tuple[str, ...]
    latest: date | None = None
    latest_because: str = ""

    def problems(self, day: date) -> tuple[str, ...]:
        """Why `day` is outside the window, in words a receptionist reads; empty when it is inside."""
        found: list[str] = []
        if day < self.earliest:
            found.append(
                f"Session {self.session} cannot be before {day_text(self.earliest)}: "
                + "; ".join(self.earliest_because)
                + "."
            )
        if self.latest is not None and day > self.latest:
            found.append(f"Session {self.session} cannot be after {day_text(self.latest)}: {self.latest_because}.")
        return tuple(found)


def _hold_words(reason: str) -> str:
    """The engine words a hold "waiting period: NAME" or "preparation: STEP": said once, not prefixed again."""
    kind, _, what = reason.partition(": ")
    if kind == "preparation":
        return f"waiting period: the preparation ({what})"
    return reason


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def window(course: Course, session: int, booked: Iterable[Booked]) -> Window:
    """The window of `session`, given the course's other active bookings (the session's own excluded)."""
    others = [b for b in booked if b.session != session]
    candidates: list[tuple[date, str]] = [(floor.on, floor.reason) for floor in course.floors]
    before = max((b for b in others if b.session < session), key=lambda b: b.session, default=None)
    # The front desk reads these reasons: the treatment's name is not theirs to see (docs/security.md).
    interval_words = "the treatment's minimum interval"
    if before is not None:
        gap = session - before.session
        weeks = course.interval_weeks * gap
        between = "" if gap == 1 else f", {gap} intervals of {_weeks(course.interval_weeks)}"
        candidates.append(
            (
                before.on + timedelta(weeks=weeks),
                f"at least {_weeks(weeks)} after session {before.session} on {day_text(before.on)} "
                f"({interval_words}{between})",
            )
        )
    earliest = max(day for day, _ in candidates) if candidates else date.min
    because = tuple(reason for day, reason in candidates if day == earliest)
    after = min((b for b in others if b.session > session), key=lambda b: b.session, default=None)
    if after is None:
        return Window(session, earliest, because)
    gap = after.session - session
    weeks = course.interval_weeks * gap
    between = "" if gap == 1 else f", {gap} intervals of {_weeks(course.interval_weeks)}"
    return Window(
        session,
        earliest,
        because,
        after.on - timedelta(weeks=weeks),
        f"at least {_weeks(weeks)} before session {after.session} on {day_text(after.on)} ({interval_words}{between})",
    )


@dataclass(frozen=True)
class SessionPlan:
    """One session of the course as the course page shows it."""

    session: int
    window: Window
    booked_on: date | None  # the day it is booked for, when it is
    proposed_on: date | None  # for a session not booked yet


def plan_sessions(course: Course, booked: Iterable[Booked], today: date) -> tuple[SessionPlan, ...]:
    """Every session of the course with its window, and a proposed day for each one not booked.

    A proposal is the engine's day for the session (or, for another modality, the interval after the session
    before), moved later when a session before it is booked or proposed later, and never before today.
    """
    booked_list = list(booked)
    by_session = {b.session: b.on for b in booked_list}
    sessions: list[SessionPlan] = []
    previous: date | None = None
    for number in range(1, course.sessions + 1):
        win = window(course, number, booked_list)
        if number in by_session:
            previous = by_session[number]
            sessions.append(SessionPlan(number, win, previous, None))
            continue
        day = max(win.earliest, today)
        if number in course.schedule:
            day = max(day, course.schedule[number])
        if previous is not None:
            day = max(day, previous + course.interval)
        previous = day
        sessions.append(SessionPlan(number, win, None, day))
    return tuple(sessions)
