"""A patient's timeline: everything that happened, newest first (sessions and photos join it later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lasercare.practice.consultations.models import Consultation, TreatmentPlan


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # "consultation" or "plan"
    record: Any


def timeline(consultations: list[Consultation], plans: list[TreatmentPlan]) -> list[TimelineEvent]:
    events = [TimelineEvent(c.created_at, "consultation", c) for c in consultations]
    events += [TimelineEvent(p.created_at, "plan", p) for p in plans]
    # A plan is made in the same instant as its consultation: show the plan above it.
    return sorted(events, key=lambda e: (e.at, e.kind == "plan"), reverse=True)
