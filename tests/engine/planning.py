"""Small helpers that make engine tests read like the consultation they describe."""

from __future__ import annotations

from datetime import date
from typing import Any

from lasercare.engine import Knowledge, TreatmentPlan, make_plan, read_intake
from lasercare.engine.plan import Finding, TreatmentOption

ON = date(2026, 12, 1)


def intake(
    phototype: str = "II",
    concerns: tuple[str, ...] | list[dict[str, Any]] = ("sun_spots",),
    **parts: Any,
) -> dict[str, Any]:
    """An intake document: a 45-year-old woman of `phototype` with `concerns`, plus any other parts."""
    listed = [{"code": c, "severity": 2} for c in concerns] if isinstance(concerns, tuple) else concerns
    doc: dict[str, Any] = {
        "patient": {"age": 45, "sex": "female"},
        "phototype": {"fitzpatrick": phototype},
        "concerns": listed,
    }
    doc.update(parts)
    return doc


def plan_for(doc: dict[str, Any], knowledge: Knowledge, on: date = ON) -> TreatmentPlan:
    return make_plan(read_intake(doc, on), on, knowledge)


def option(plan: TreatmentPlan, modality: str) -> TreatmentOption:
    return next(o for o in plan.options if o.modality == modality)


def findings(plan: TreatmentPlan, code: str) -> list[Finding]:
    return [f for f in plan.findings if f.code == code]


def step_ids(plan: TreatmentPlan) -> set[str]:
    protocol = plan.protocol
    return {s.id for s in protocol.preparation + protocol.day_of + protocol.aftercare}
