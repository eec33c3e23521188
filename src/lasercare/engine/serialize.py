"""The plan as a JSON document satisfying ../shared/contracts/plan.schema.json, with more fields besides."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .knowledge_model import Range, SideEffect, Source
from .plan import Finding, ProtocolStepPlan, TreatmentOption, TreatmentPlan

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _range(value: Range) -> dict[str, int | float]:
    return {"min": _number(value.min), "max": _number(value.max)}


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "applies_to": list(finding.applies_to),
        "rationale": finding.rationale,
        "sources": list(finding.sources),
        "evidence": finding.evidence,
        "because": finding.because,
    }
    if finding.adjustments:
        out["adjustments"] = list(finding.adjustments)
    if finding.wait_until is not None:
        out["wait_until"] = finding.wait_until.isoformat()
    if finding.patient_name:
        out["patient"] = {
            "name": finding.patient_name,
            "rationale": finding.patient_rationale,
            "adjustments": list(finding.patient_adjustments),
        }
    return out


def _risk(risk: SideEffect) -> dict[str, Any]:
    out: dict[str, Any] = {
        "effect": risk.effect,
        "rate": risk.rate,
        "evidence": risk.evidence.level,
        "sources": list(risk.evidence.sources),
    }
    if risk.patient is not None:
        out["patient"] = {
            "name": risk.patient.name,
            "how_often": risk.patient.how_often,
            "lasts": risk.patient.lasts,
            "what_to_do": risk.patient.what_to_do,
        }
    return out


def _option(option: TreatmentOption) -> dict[str, Any]:
    out: dict[str, Any] = {
        "modality": option.modality,
        "name": option.name,
        "suitability": option.suitability,
        "concerns": list(option.concerns),
        "coverage": [
            {"concern": c.concern, "benefit": c.benefit, "role": c.role, "evidence": c.evidence}
            for c in option.coverage
        ],
        "sessions": _range(option.sessions),
        "interval_weeks": _range(option.interval_weeks),
        "downtime_days": _range(option.downtime_days),
        "rationale": option.rationale,
        "decided_by": list(option.decided_by),
        "sources": list(option.sources),
        "risks": [_risk(r) for r in option.risks],
        "family": option.family,
        "wavelengths_nm": list(option.wavelengths_nm),
        "eyewear_nm": list(option.eyewear_nm),
        "score": option.score,
    }
    if option.patient_name:
        out["patient_name"] = option.patient_name
    if option.cost is not None:
        out["cost"] = {
            "min": _number(option.cost.min),
            "max": _number(option.cost.max),
            "currency": option.cost.currency,
            "within_budget": option.cost.within_budget,
        }
    return out


def _step(step: ProtocolStepPlan) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id, "text": step.text, "evidence": step.evidence, "sources": list(step.sources)}
    if step.patient_text:
        out["patient_text"] = step.patient_text
    if step.days_before is not None:
        out["days_before"] = step.days_before
    if step.days_after is not None:
        out["days_after"] = step.days_after
    if step.for_days is not None:
        out["for_days"] = step.for_days
    if step.on is not None:
        out["on"] = step.on.isoformat()
    return out


def plan_to_dict(plan: TreatmentPlan) -> dict[str, Any]:
    """The plan document: every field of contracts/plan.schema.json, and the others docs/cli.md lists."""
    document = _without_bibliography(plan)
    document["bibliography"] = [_bibliography_entry(s) for s in plan.sources]
    return document


def _without_bibliography(plan: TreatmentPlan) -> dict[str, Any]:
    phototype = plan.phototype
    photo: dict[str, Any] = {"fitzpatrick": phototype.fitzpatrick, "basis": phototype.basis, "label": phototype.label}
    if phototype.questionnaire_score is not None:
        photo["questionnaire_score"] = phototype.questionnaire_score
        photo["questionnaire_type"] = phototype.questionnaire_type
    if phototype.ita_deg is not None:
        photo["ita_deg"] = phototype.ita_deg
        photo["ita_category"] = phototype.ita_category
        photo["photo_estimate"] = phototype.photo_estimate
    if phototype.disagreement is not None:
        photo["disagreement"] = phototype.disagreement
    if phototype.note:
        photo["note"] = phototype.note
    if phototype.sources:
        photo["sources"] = list(phototype.sources)

    course = None
    if plan.course is not None:
        c = plan.course
        course = {
            "modality": c.modality,
            "sessions": c.sessions,
            "first_on": c.first_on.isoformat(),
            "last_on": c.last_on.isoformat(),
            "recovered_by": c.recovered_by.isoformat(),
            "held_back_by": [{"reason": h.reason, "until": h.until.isoformat()} for h in c.held_back_by],
            "ready_by": c.ready_by.isoformat() if c.ready_by else None,
            "in_time": c.in_time,
            "summary": c.summary,
        }
    return {
        "knowledge_version": plan.knowledge_version,
        "policy_version": plan.policy_version,
        "consultation_on": plan.consultation_on.isoformat(),
        "phototype": photo,
        "findings": [_finding(f) for f in plan.findings],
        "eligible": plan.eligible,
        "why_not_eligible": list(plan.why_not_eligible),
        "options": [_option(o) for o in plan.options],
        "protocol": {
            "preparation": [_step(s) for s in plan.protocol.preparation],
            "day_of": [_step(s) for s in plan.protocol.day_of],
            "aftercare": [_step(s) for s in plan.protocol.aftercare],
        },
        "schedule": [{"session": s.session, "earliest_on": s.earliest_on.isoformat()} for s in plan.schedule],
        "course": course,
        "medications": [
            {
                "name": m.name,
                "recognised_as": m.matched,
                "status": m.status,
                **({"suggestion": m.suggestion} if m.suggestion else {}),
                "classes": list(m.classes),
                "route": m.route,
                "current": m.current,
                **({"stopped_on": m.stopped_on.isoformat()} if m.stopped_on else {}),
            }
            for m in plan.medications
        ],
        "allergies": [
            {
                "name": a.name,
                "recognised_as": a.matched,
                "status": a.status,
                **({"suggestion": a.suggestion} if a.suggestion else {}),
                "allergy_classes": list(a.allergy_classes),
            }
            for a in plan.allergies
        ],
        "notes": list(plan.notes),
        "patient_notes": list(plan.patient_notes),
    }


def _bibliography_entry(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "citation": source.citation,
        "kind": source.kind,
        "link": source.link,
        "status": source.status,
        "for_patients": source.for_patients,
    }


def shown_to_patients(entry: Mapping[str, Any], sources: Mapping[str, Source]) -> bool:
    """Whether a stored plan's bibliography entry may be shown to a patient.

    A plan made since sources carry a status says so in `for_patients`. A plan stored before has no such key, and
    neither its `kind` nor the absence of its old `unverified` flag can tell a copy on a document-sharing site from
    the publisher's page: such an entry is shown only when it was not flagged `unverified` and the knowledge base in
    use (`sources`) still has a source of that id that may be shown (an id always names the same work). An id the
    knowledge base no longer has is not shown.
    """
    if "for_patients" in entry:
        return entry["for_patients"] is True
    if entry.get("unverified"):
        return False
    current = sources.get(str(entry.get("id", "")))
    return current is not None and current.for_patients


def patient_bibliography(
    bibliography: Iterable[Mapping[str, Any]], sources: Mapping[str, Source] | None = None
) -> list[Mapping[str, Any]]:
    """The entries of a stored plan's bibliography that a patient may see (`shown_to_patients`), in order.

    `sources` is the bibliography of the knowledge base in use; when not given and some entry predates
    `for_patients`, the default knowledge base is loaded to decide it.
    """
    entries = list(bibliography)
    if sources is None and any("for_patients" not in entry for entry in entries):
        from .knowledge_base import load_knowledge

        sources = load_knowledge().sources
    return [entry for entry in entries if shown_to_patients(entry, sources or {})]


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=1024)
def _encoded_entry(source: Source) -> str:
    return _compact(_bibliography_entry(source))


def plan_to_json(plan: TreatmentPlan) -> str:
    """The plan document as one line of compact JSON: `plan_to_dict` encoded, faster.

    The bibliography is most of a plan's bytes and the same few hundred sources recur in every plan, so each
    entry is encoded once and reused (this is the `lasercare plan --jsonl` path).
    """
    document = _without_bibliography(plan)
    entries = ",".join(_encoded_entry(source) for source in plan.sources)
    return f'{_compact(document)[:-1]},"bibliography":[{entries}]}}'
