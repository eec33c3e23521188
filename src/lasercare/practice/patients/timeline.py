"""A patient's timeline: everything that happened (and the sessions booked ahead), newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lasercare.practice.charting.models import AdverseEvent, Outcome, SessionChart
from lasercare.practice.consent.models import Consent
from lasercare.practice.consultations.models import Consultation, TreatmentPlan
from lasercare.practice.photos.models import SkinPhoto
from lasercare.practice.portal.models import SideEffectReport
from lasercare.practice.scheduling.models import Booking, BookingStatus

# Where records made in the same instant go: a plan above its consultation, a chart above its booking.
_ORDER = {
    "consultation": 0,
    "plan": 1,
    "consent": 2,
    "booking": 3,
    "chart": 4,
    "adverse_event": 5,
    "outcome": 6,
    "side_effect_report": 7,
    "photo": 8,
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a key of _ORDER
    record: Any


def timeline(
    consultations: Sequence[Consultation],
    plans: Sequence[TreatmentPlan],
    *,
    consents: Sequence[Consent] = (),
    bookings: Sequence[Booking] = (),
    charts: Sequence[SessionChart] = (),
    events: Sequence[AdverseEvent] = (),
    outcomes: Sequence[Outcome] = (),
    reports: Sequence[SideEffectReport] = (),
    photos: Sequence[SkinPhoto] = (),
) -> list[TimelineEvent]:
    found = [TimelineEvent(c.created_at, "consultation", c) for c in consultations]
    found += [TimelineEvent(p.created_at, "plan", p) for p in plans]
    found += [TimelineEvent(c.signed_at or c.prepared_at, "consent", c) for c in consents]
    # A booking stands at its appointment, so the ones to come head the timeline; a completed one is shown by its
    # chart instead.
    found += [TimelineEvent(b.starts_at, "booking", b) for b in bookings if b.status != BookingStatus.COMPLETED]
    found += [TimelineEvent(c.performed_at, "chart", c) for c in charts]
    found += [TimelineEvent(e.recorded_at, "adverse_event", e) for e in events]
    found += [TimelineEvent(o.recorded_at, "outcome", o) for o in outcomes]
    found += [TimelineEvent(r.created_at, "side_effect_report", r) for r in reports]
    found += [TimelineEvent(p.taken_at, "photo", p) for p in photos]
    return sorted(found, key=lambda e: (e.at, _ORDER[e.kind]), reverse=True)
