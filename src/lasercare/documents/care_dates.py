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

    @property
    def late(self) -> bool:
        return self.on > self.ideal


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
        ideal = session_on - timedelta(days=int(before))
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
    """The dated aftercare steps of one session: each `days_after` it (0: the day itself)."""
    dated = []
    for step in steps:
        after = step.get("days_after")
        if after is None:
            continue
        on = session_on + timedelta(days=int(after))
        dated.append(
            DatedStep(
                "aftercare", session, session_on, on, on, int(after), str(step["text"]), tuple(step.get("sources", ()))
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
