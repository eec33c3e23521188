"""The care steps of a plan put on the calendar: which preparation starts on which day, which aftercare applies
on which day, for each session of the course.

One reckoning for every place that dates a step: the patient portal's checklist and aftercare pages, the e-mail
reminders and the patient's calendar alarms. No Django here: it takes the stored plan document (a dict) and the
session days, and returns frozen values.

The plan's protocol (preparation, day of, aftercare) was written for the engine's course; when the clinician chose
another treatment, no step of it is dated (`protocol_for` returns none), as the handout does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

StepKind = Literal["preparation", "aftercare"]


def _shifted(day: date, days: int) -> date:
    """`day` moved by `days`, held at the calendar's ends: the services refuse implausible days long before
    (clinic/plausible.py); this keeps a day that slipped past them from failing every page that dates care."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


@dataclass(frozen=True)
class DatedStep:
    """One step of care on one day. `on` is the day it starts (preparation) or applies (aftercare); `ideal` is the
    day the protocol asks for, earlier than `on` when that day had already passed at the consultation."""

    kind: StepKind
    session: int
    session_on: date
    on: date
    ideal: date
    days: int  # days before (preparation) or after (aftercare) the session
    text: str
    sources: tuple[str, ...]
    last_day: int | None = None  # aftercare lasting days ("for 7 days"): the last day after the session it applies

    @property
    def late(self) -> bool:
        return self.on > self.ideal

    @property
    def until(self) -> date:
        """The last day the step applies on: `on` itself, unless it lasts days."""
        if self.last_day is None:
            return self.on
        return _shifted(self.session_on, self.last_day)

    @property
    def lasts_days(self) -> bool:
        return self.until > self.on

    def applies_on(self, day: date) -> bool:
        return self.on <= day <= self.until


def protocol_for(document: Mapping[str, Any], chosen: str | None) -> Mapping[str, Any]:
    """The plan's protocol when it was written for the chosen treatment; else an empty one."""
    course = document.get("course") or {}
    if chosen is None or course.get("modality") != chosen:
        return {}
    protocol = document.get("protocol") or {}
    return protocol if isinstance(protocol, Mapping) else {}


def preparation_for(
    steps: Iterable[Mapping[str, Any]], session: int, session_on: date, *, not_before: date | None = None
) -> list[DatedStep]:
    """The dated preparation steps of one session: each `days_before` it, never before `not_before` (the
    consultation: a step due earlier starts at once). Steps with no number of days are not dated."""
    dated = []
    for step in steps:
        before = step.get("days_before")
        if before is None:
            continue
        ideal = _shifted(session_on, -int(before))
        on = max(ideal, not_before) if not_before is not None else ideal
        dated.append(
            DatedStep(
                "preparation",
                session,
                session_on,
                on,
                ideal,
                int(before),
                str(step["text"]),
                tuple(step.get("sources", ())),
            )
        )
    return dated


def aftercare_for(steps: Iterable[Mapping[str, Any]], session: int, session_on: date) -> list[DatedStep]:
    """The dated aftercare steps of one session: each from `days_after` it (0: the day itself), and a step that
    lasts days (`for_days`, "for 7 days") on every one of them, to its last day."""
    dated = []
    for step in steps:
        after = step.get("days_after")
        if after is None:
            continue
        on = _shifted(session_on, int(after))
        lasts = step.get("for_days")
        dated.append(
            DatedStep(
                "aftercare",
                session,
                session_on,
                on,
                on,
                int(after),
                str(step["text"]),
                tuple(step.get("sources", ())),
                int(after) + int(lasts) - 1 if lasts else None,
            )
        )
    return dated


def care_calendar(
    protocol: Mapping[str, Any], sessions: Mapping[int, date], *, consultation_on: date | None = None
) -> list[DatedStep]:
    """Every dated step of the course, in day order: preparation and aftercare around each session given."""
    steps: list[DatedStep] = []
    for session, session_on in sorted(sessions.items()):
        steps += preparation_for(protocol.get("preparation", []), session, session_on, not_before=consultation_on)
        steps += aftercare_for(protocol.get("aftercare", []), session, session_on)
    return sorted(steps, key=lambda step: (step.on, step.session, step.kind != "preparation", step.days))
