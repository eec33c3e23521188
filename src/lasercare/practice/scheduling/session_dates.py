"""The day each session of a course is given to the patient: held on, booked for, or not before.

One reckoning for every page and document that dates a patient's sessions (the portal's plan, preparation and
aftercare pages, the handout and its PDF): a session held says the day it was held, a session booked its day, and a
session not booked yet the earliest day it can now be. That day counts from the sessions before it (held, booked or
themselves not booked yet) by the plan's minimum interval, from the plan's own dates and waiting periods, and from
today: never before a session already given or booked, never in the past.

The plan's schedule counts from the consultation day, as if every session were booked at the earliest; once the
course is under way those days lie behind it (session 6 "not before" October while session 5 is booked for
December), so they are only ever a lower bound here.

No Django here: the course is scheduling/rules.py's frozen `Course`, the sessions held and booked are days by
session number, and the answer is a tuple of frozen values in session order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from lasercare.practice.scheduling import rules

SessionState = Literal["held", "booked", "not_booked"]


@dataclass(frozen=True)
class SessionDate:
    """One session of the course and its day.

    `on` is the day it was held or is booked for; for a session not booked yet, the earliest day it can now be,
    or None when it no longer fits before a later session already booked (the practice decides what becomes of
    it: the booking rules would refuse any day)."""

    session: int
    state: SessionState
    on: date | None


def session_dates(
    course: rules.Course, *, held: Mapping[int, date], booked: Mapping[int, date], today: date
) -> tuple[SessionDate, ...]:
    """Every session of the course, 1 to `course.sessions`, with its day. `held`: the sessions given (charted or
    completed); `booked`: those booked and not yet held; a session in both counts as held."""
    taken = {**booked, **held}
    # The staff's course page proposes the same days (rules.plan_sessions): the patient reads what the front desk sees.
    proposals = rules.plan_sessions(course, [rules.Booked(number, day) for number, day in taken.items()], today)
    dates: list[SessionDate] = []
    for plan in proposals:
        number = plan.session
        if number in held:
            dates.append(SessionDate(number, "held", held[number]))
        elif number in booked:
            dates.append(SessionDate(number, "booked", booked[number]))
        else:
            day = plan.proposed_on
            latest = plan.window.latest  # the interval before a later session already booked
            if day is not None and latest is not None and day > latest:
                day = None
            dates.append(SessionDate(number, "not_booked", day))
    return tuple(dates)


def first_session_on(dates: tuple[SessionDate, ...]) -> date | None:
    """The day of the course's first session: held, booked, or the earliest it can now be."""
    return dates[0].on if dates else None
