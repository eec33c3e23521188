"""Screening: which contraindications and precautions an intake raises, and what they do to each modality.

Findings come from the knowledge base's triggers; dates matter (isotretinoin stopped five months ago still
counts, a tan ten days ago holds treatment back until its waiting period ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from .codes import phototype_index
from .intake import Intake
from .knowledge_model import FindingDefinition, FindingRule, Knowledge, Trigger, months_before
from .plan import Finding, PhototypeAssessment, RecognisedMedication
from .values import Value


class ModalityEffect(Value):
    """One finding's effect on one modality."""

    finding: str
    severity: str
    cap: str
    waits_until: date | None


class Screening(Value):
    findings: tuple[Finding, ...]
    effects: Mapping[str, tuple[ModalityEffect, ...]]  # modality -> effects of the findings on it
    codes: frozenset[str]


class _Hit(Value):
    because: str
    wait_until: date | None = None


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _medication_hit(trigger: Trigger, medications: tuple[RecognisedMedication, ...], on: date) -> _Hit | None:
    reasons: list[str] = []
    for medication in medications:
        if not set(medication.classes) & set(trigger.values):
            continue
        if medication.current:
            reasons.append(f"{medication.name} (taken now)")
        elif trigger.ever:
            when = f"stopped {medication.stopped_on.isoformat()}" if medication.stopped_on else "taken in the past"
            reasons.append(f"{medication.name} ({when}; counts however long ago)")
        elif trigger.within_months is not None:
            if medication.stopped_on is None:
                reasons.append(
                    f"{medication.name} (stopped, date not given: assumed within {trigger.within_months} months)"
                )
            elif medication.stopped_on > months_before(on, trigger.within_months):
                reasons.append(
                    f"{medication.name} (stopped {medication.stopped_on.isoformat()}, within "
                    f"{trigger.within_months} months of the consultation)"
                )
    return _Hit("; ".join(reasons)) if reasons else None


def _trigger_hit(
    trigger: Trigger,
    intake: Intake,
    on: date,
    phototype: PhototypeAssessment,
    medications: tuple[RecognisedMedication, ...],
    knowledge: Knowledge,
) -> _Hit | None:
    history = intake.history
    kind = trigger.kind
    if kind == "patient_flag":
        flags = [f for f in trigger.values if getattr(intake.patient, f, False)]
        return _Hit(" and ".join(flags)) if flags else None
    if kind == "condition":
        present = [c for c in trigger.values if c in history.conditions]
        return _Hit("history of " + ", ".join(present)) if present else None
    if kind == "medication_class":
        return _medication_hit(trigger, medications, on)
    if kind == "unknown_medication":
        unknown = [m.name for m in medications if m.matched is None]
        return _Hit("not recognised: " + ", ".join(unknown)) if unknown else None
    if kind == "phototype_at_least":
        if phototype_index(phototype.fitzpatrick) >= phototype_index(trigger.values[0]):
            return _Hit(f"phototype {phototype.label}")
        return None
    if kind == "concern":
        present = [c.code for c in intake.concerns if c.code in trigger.values]
        return _Hit("concern: " + ", ".join(present)) if present else None
    if kind == "sun_exposure_within":
        last = history.last_sun_exposure_on
        assert trigger.policy_key is not None
        window = knowledge.policy.days(trigger.policy_key)
        if last is None or (on - last).days >= window:
            return None
        return _Hit(
            f"last tan, sunburn or self-tanner on {last.isoformat()} "
            f"({_days((on - last).days)} before the consultation)",
            wait_until=last + timedelta(days=window),
        )
    if kind == "procedure_within":
        reasons: list[str] = []
        until: date | None = None
        for procedure in history.procedures:
            if trigger.values and procedure.kind not in trigger.values:
                continue
            wait = knowledge.policy.procedure_wait_days(procedure.kind)
            ends = procedure.on + timedelta(days=wait)
            if ends > on:
                reasons.append(
                    f"{procedure.kind.replace('_', ' ')} on {procedure.on.isoformat()} (the clinic waits {_days(wait)})"
                )
                until = ends if until is None else max(until, ends)
        return _Hit("; ".join(reasons), wait_until=until) if reasons else None
    if kind == "procedure_ever":
        done = [p for p in history.procedures if p.kind in trigger.values]
        if done:
            return _Hit("; ".join(f"{p.kind.replace('_', ' ')} on {p.on.isoformat()}" for p in done))
        return None
    return None  # unmet_goals is decided after the options are ranked


def finding_from_rule(
    definition: FindingDefinition, rule: FindingRule, hit_because: str, wait_until: date | None
) -> Finding:
    rationale = definition.rationale if not rule.rationale else f"{definition.rationale} {rule.rationale}"
    sources = tuple(dict.fromkeys(rule.evidence.sources + definition.evidence.sources))
    return Finding(
        code=definition.code,
        name=definition.name,
        severity=rule.severity,
        applies_to=("all",) if rule.applies_to_all else rule.modalities,
        rationale=rationale,
        sources=sources,
        evidence=rule.evidence.level,
        adjustments=rule.adjustments,
        because=hit_because,
        wait_until=wait_until if rule.waits else None,
    )


def _possible_triggers(intake: Intake) -> frozenset[str]:
    """The kinds of trigger this intake holds the facts for: the others cannot fire."""
    history = intake.history
    kinds = {"phototype_at_least", "concern"}
    if intake.patient.pregnant or intake.patient.breastfeeding:
        kinds.add("patient_flag")
    if history.conditions:
        kinds.add("condition")
    if history.medications:
        kinds.update(("medication_class", "unknown_medication"))
    if history.last_sun_exposure_on is not None:
        kinds.add("sun_exposure_within")
    if history.procedures:
        kinds.update(("procedure_within", "procedure_ever"))
    return frozenset(kinds)


def screen(
    intake: Intake,
    on: date,
    phototype: PhototypeAssessment,
    medications: tuple[RecognisedMedication, ...],
    knowledge: Knowledge,
) -> Screening:
    findings: list[Finding] = []
    effects: dict[str, list[ModalityEffect]] = {code: [] for code in knowledge.modalities}
    possible = _possible_triggers(intake)
    for definition in knowledge.findings.values():
        hits = [
            hit
            for trigger in definition.triggers
            if trigger.kind in possible
            and (hit := _trigger_hit(trigger, intake, on, phototype, medications, knowledge)) is not None
        ]
        if not hits:
            continue
        because = "; ".join(h.because for h in hits)
        waits = [h.wait_until for h in hits if h.wait_until is not None]
        wait_until = max(waits) if waits else None
        for rule in definition.rules:
            finding = finding_from_rule(definition, rule, because, wait_until)
            findings.append(finding)
            for modality in rule.modalities:
                effects[modality].append(ModalityEffect(definition.code, rule.severity, rule.cap, finding.wait_until))
    findings.sort(key=_severity_order)
    return Screening(
        findings=tuple(findings),
        effects={code: tuple(items) for code, items in effects.items()},
        codes=frozenset(f.code for f in findings),
    )


def _severity_order(finding: Finding) -> int:
    return ("absolute", "relative", "precaution").index(finding.severity)
