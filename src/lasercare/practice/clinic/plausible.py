"""The plausible range of every date and number staff type: one place, so that a form and the service behind it
(which other callers, a future API among them, go through) refuse the same values with the same words.

Why each bound is what it is:

- BOOKING_AHEAD_DAYS (two years): practice policy, not a clinical figure. No course in the knowledge runs near two
  years, and a booking further ahead is a typing slip (9999 for 2026), never a plan.
- BOOKING_BEHIND_DAYS (two years): practice policy. A past day may be booked (a session that took place, to be
  charted; the demo's history), as before; but none from before the practice's records, and never year 1.
- CHART_SLACK (one day): a chart records a session that took place: its time lies within a day of the booking it
  was held under (a session started late in the evening, a time-zone slip), never weeks later and never weeks
  earlier. A session held on another day was moved, and its booking is moved first: charting session 2 a month
  before its booked day would also slip past the course's minimum interval, which the booking enforces.
- An outcome is assessed on or after the session it follows (or the plan's day when it follows none): an
  assessment cannot precede what it assesses.
- A consultation's day: today or up to two years back (BOOKING_BEHIND_DAYS, the records' reach), never ahead.
- FOLLOW_UP_AHEAD_YEARS (five years): practice policy. A follow-up is a day to come (not before the consultation's
  day: today for one held today), and a clinic's recall lists look no further ahead.
- The event to be ready for: from the consultation's day to five years ahead (the follow-up's policy bound).
- A day of the patient's history (a medicine stopped, a procedure, a tan): on or after their birth.
- most_sessions(): the knowledge's largest course (engine/knowledge/modalities.toml, sessions.max of every
  modality and indication): a patient asking for more sessions than any treatment has is asking for no limit.
- MOST_DOWNTIME_DAYS (a year): practice policy. The downtime a patient accepts, in days; any treatment's downtime
  in the knowledge is far shorter, so a year already means "it does not matter".
- A day of the audit log's filter: from 1 January 2000 (practice policy: before any practice used lasercare) to a
  year ahead (the clock of whoever reads may be off; nothing is logged ahead of today).
- Dates are refused before any arithmetic on them (a day plus weeks near year 9999 is not a date).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from lasercare.engine.knowledge_base import load_knowledge

BOOKING_AHEAD_DAYS = 2 * 365  # practice policy: see the module's docstring
BOOKING_BEHIND_DAYS = 2 * 365  # practice policy: see the module's docstring
CHART_SLACK = timedelta(days=1)
FOLLOW_UP_AHEAD_YEARS = 5  # practice policy: see the module's docstring
MOST_DOWNTIME_DAYS = 365  # practice policy: see the module's docstring


class Implausible(ValueError):  # noqa: N818 - a refusal staff read, not a fault
    """A value outside its plausible range; the message names the range, for staff to read as it is."""


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def booking_day(day: date, today: date) -> None:
    """A booking's day: within two years either side of today. A past day is allowed, as it always was: a session
    that took place is booked to be charted (the scheduling rules, not this, say which days a course allows)."""
    first = today - timedelta(days=BOOKING_BEHIND_DAYS)
    last = today + timedelta(days=BOOKING_AHEAD_DAYS)
    if day < first:
        raise Implausible(
            f"A booking's day is from {day_text(first)} (two years back, practice policy); {day_text(day)} is earlier."
        )
    if day > last:
        raise Implausible(
            f"A session is booked at most two years ahead, up to {day_text(last)} (practice policy); "
            f"{day_text(day)} is later."
        )


def chart_time(performed_at: datetime, now: datetime, booked_at: datetime | None) -> None:
    """A session's time: within a day of its booking, and within the practice's records (two years back). That it
    is not still to come is the charting service's own, stricter rule (minutes of clock slack)."""
    if performed_at < now - timedelta(days=BOOKING_BEHIND_DAYS):
        raise Implausible("A session charted here took place within the last two years (practice policy).")
    if booked_at is not None and abs(performed_at - booked_at) > CHART_SLACK:
        raise Implausible(
            "The session's time is within a day of its booking "
            f"(booked for {day_text(booked_at.date())} at {booked_at:%H:%M}). "
            "If the session was held on another day, move its booking to that day first."
        )


def assessment_day(assessed_on: date, today: date, earliest: date) -> None:
    """An outcome's day: from the session it follows (or the plan's day) to today."""
    if assessed_on > today:
        raise Implausible("The assessment date cannot be in the future.")
    if assessed_on < earliest:
        raise Implausible(f"An outcome is assessed on or after what it follows: from {day_text(earliest)} to today.")


def consultation_day(day: date, today: date) -> None:
    """A consultation's day: today or within the practice's records (two years back); never ahead."""
    first = today - timedelta(days=BOOKING_BEHIND_DAYS)
    if day > today:
        raise Implausible("A consultation is recorded once it is held: this day is still to come.")
    if day < first:
        raise Implausible(f"A consultation recorded here was held from {day_text(first)} (practice policy) to today.")


def follow_up_day(day: date, today: date, held_on: date | None = None) -> None:
    """A follow-up: from the consultation's day (today, for one held today) to five years ahead of today. A
    consultation recorded days after it was held may set a follow-up that has passed: it is overdue, as the
    dashboard's follow-up list shows, not implausible."""
    first = min(held_on or today, today)
    last = _years_after(today, FOLLOW_UP_AHEAD_YEARS)
    if day < first:
        raise Implausible(f"A follow-up is on or after the consultation's day, {day_text(first)}.")
    if day > last:
        raise Implausible(f"A follow-up is within five years, up to {day_text(last)} (practice policy).")


def event_day(day: date, held_on: date, today: date) -> None:
    """The event a patient wants to be ready for: from the consultation's day to five years ahead of today."""
    last = _years_after(today, FOLLOW_UP_AHEAD_YEARS)
    if not min(held_on, today) <= day <= last:
        raise Implausible(
            f"The event to be ready for is from the consultation's day to five years ahead, up to {day_text(last)}."
        )


AUDIT_EARLIEST = date(2000, 1, 1)  # practice policy: see the module's docstring


def audit_day(day: date, today: date) -> None:
    """A day the audit log is filtered by: within the years a log can hold."""
    last = _years_after(today, 1)
    if not AUDIT_EARLIEST <= day <= last:
        raise Implausible(
            f"The log holds days from {day_text(AUDIT_EARLIEST)} to today; {day_text(day)} is outside them."
        )


def in_lifetime(day: date, born: date) -> None:
    """A day of the patient's history (a medicine stopped, a procedure, a tan): not before their birth."""
    if day < born:
        raise Implausible(f"This day is before the patient's birth ({day_text(born)}).")


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@lru_cache(maxsize=1)
def most_sessions() -> int:
    """The largest course the knowledge knows, over every treatment and indication."""
    knowledge = load_knowledge()
    found = [modality.sessions.range.max for modality in knowledge.modalities.values()]
    for modality in knowledge.modalities.values():
        found += [i.sessions.range.max for i in modality.indications.values() if i.sessions is not None]
    return int(max(found))


def sessions_limit(count: int) -> None:
    most = most_sessions()
    if not 1 <= count <= most:
        raise Implausible(f"The most sessions acceptable is from 1 to {most}, the longest course any treatment has.")


def downtime_limit(days: int) -> None:
    if not 0 <= days <= MOST_DOWNTIME_DAYS:
        raise Implausible(f"The most downtime acceptable is from 0 to {MOST_DOWNTIME_DAYS} days (practice policy).")
