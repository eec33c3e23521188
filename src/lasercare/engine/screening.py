"""Screening: which contraindications and precautions an intake raises, and what they do to each modality.

Findings come from the knowledge base's triggers; dates matter (isotretinoin stopped five months ago still
counts, a tan ten days ago holds treatment back until its waiting period ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from .codes import FINDING_SEVERITIES, SUITABILITIES, phototype_index
from .intake import Intake
from .knowledge_model import Evidence, FindingDefinition, FindingRule, Knowledge, Trigger, months_before
from .plan import Finding, PhototypeAssessment, RecognisedAllergy, RecognisedMedication
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


def _written(medication: RecognisedMedication) -> str:
    """The medication as written, with what an uncertain name was read as."""
    if medication.status == "uncertain":
        return f"{medication.name} (possibly {medication.suggestion}, not yet confirmed)"
    return medication.name


def _several_hit(trigger: Trigger, medications: tuple[RecognisedMedication, ...], knowledge: Knowledge) -> _Hit | None:
    """At least `at_least` different medicines of the trigger's classes taken now (dual therapy)."""
    wanted = set(trigger.values)
    taken: dict[str, str] = {}
    for medication in medications:
        if not medication.current:
            continue
        for name in medication.medicines:
            medicine = knowledge.lexicon.medicines[name]
            classes = medicine.topical_classes if medication.route == "topical" else medicine.classes
            if wanted & set(classes):
                # A combination product (clopidogrel with aspirin) is as many medicines as it holds.
                for component in medicine.components or (name,):
                    taken.setdefault(component, medication.name)
    if len(taken) < trigger.at_least:
        return None
    return _Hit(f"{len(taken)} taken together: " + ", ".join(dict.fromkeys(taken.values())))


def _medication_hit(trigger: Trigger, medications: tuple[RecognisedMedication, ...], on: date) -> _Hit | None:
    reasons: list[str] = []
    for medication in medications:
        if not set(medication.classes) & set(trigger.values):
            continue
        written = _written(medication)
        if medication.current:
            reasons.append(f"{written} (taken now)")
        elif trigger.ever:
            when = f"stopped {medication.stopped_on.isoformat()}" if medication.stopped_on else "taken in the past"
            reasons.append(f"{written} ({when}; counts however long ago)")
        elif trigger.within_months is not None:
            if medication.stopped_on is None:
                reasons.append(f"{written} (stopped, date not given: assumed within {trigger.within_months} months)")
            elif medication.stopped_on > months_before(on, trigger.within_months):
                reasons.append(
                    f"{written} (stopped {medication.stopped_on.isoformat()}, within "
                    f"{trigger.within_months} months of the consultation)"
                )
    return _Hit("; ".join(reasons)) if reasons else None


class Readings(Value):
    """What the intake's medications and allergies were read as (planner.py)."""

    medications: tuple[RecognisedMedication, ...] = ()
    allergies: tuple[RecognisedAllergy, ...] = ()


def _allergy_hit(trigger: Trigger, allergies: tuple[RecognisedAllergy, ...]) -> _Hit | None:
    reasons = []
    for allergy in allergies:
        if set(allergy.allergy_classes) & set(trigger.values):
            possibly = f" (possibly {allergy.suggestion}, not yet confirmed)" if allergy.status == "uncertain" else ""
            reasons.append(f"allergy: {allergy.name}{possibly}")
    return _Hit("; ".join(reasons)) if reasons else None


def _trigger_hit(
    trigger: Trigger,
    intake: Intake,
    on: date,
    phototype: PhototypeAssessment,
    readings: Readings,
    knowledge: Knowledge,
) -> _Hit | None:
    if trigger.policy_flag is not None and not knowledge.policy.value(trigger.policy_flag):
        return None
    history = intake.history
    medications = readings.medications
    kind = trigger.kind
    if kind == "patient_flag":
        flags = [f for f in trigger.values if getattr(intake.patient, f, False)]
        return _Hit(" and ".join(flags)) if flags else None
    if kind == "condition":
        present = [c for c in trigger.values if c in history.conditions]
        return _Hit("history of " + ", ".join(present)) if present else None
    if kind == "medication_class":
        if trigger.at_least > 1:
            return _several_hit(trigger, medications, knowledge)
        return _medication_hit(trigger, medications, on)
    if kind == "unknown_medication":
        unknown = [m.name for m in medications if m.status == "unknown"]
        return _Hit("not recognised: " + ", ".join(unknown)) if unknown else None
    if kind == "uncertain_medication":
        uncertain = [f"{m.name} (did you mean {m.suggestion}?)" for m in medications if m.status == "uncertain"]
        return _Hit("not recognised with certainty: " + "; ".join(uncertain)) if uncertain else None
    if kind == "allergy_class":
        return _allergy_hit(trigger, readings.allergies)
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
    definition: FindingDefinition,
    rule: FindingRule,
    hit_because: str,
    wait_until: date | None,
    modalities: tuple[str, ...] | None = None,
    evidence: Evidence | None = None,
) -> Finding:
    """The finding one rule makes, for `modalities` (the rule's own by default; fewer where a conditional rule
    of the same finding took some over), with the evidence of the triggers that raised it when they carry one."""
    rationale = definition.rationale if not rule.rationale else f"{definition.rationale} {rule.rationale}"
    cited = evidence or rule.evidence
    sources = tuple(dict.fromkeys(cited.sources + definition.evidence.sources))
    covered = rule.modalities if modalities is None else modalities
    all_of_them = rule.applies_to_all and len(covered) == len(rule.modalities)
    return Finding(
        code=definition.code,
        name=definition.name,
        severity=rule.severity,
        applies_to=("all",) if all_of_them else covered,
        rationale=rationale,
        sources=sources,
        evidence=cited.level,
        adjustments=rule.adjustments,
        because=hit_because,
        wait_until=wait_until if rule.waits else None,
        patient_name=definition.patient_name,
        patient_rationale=" ".join(t for t in (definition.patient_rationale, rule.patient_rationale) if t),
        patient_adjustments=rule.patient_adjustments,
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
        kinds.update(("medication_class", "unknown_medication", "uncertain_medication"))
    if history.allergies:
        kinds.add("allergy_class")
    if history.last_sun_exposure_on is not None:
        kinds.add("sun_exposure_within")
    if history.procedures:
        kinds.update(("procedure_within", "procedure_ever"))
    return frozenset(kinds)


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(FINDING_SEVERITIES)}
_CAP_RANK = {suitability: rank for rank, suitability in enumerate(SUITABILITIES)}


def _strictness(rule: FindingRule) -> tuple[int, int]:
    """Higher is stricter: the severity first, then the cap."""
    return (-_SEVERITY_RANK[rule.severity], _CAP_RANK[rule.cap])


def _rules_in_force(
    definition: FindingDefinition, fired: set[str], phototype: PhototypeAssessment
) -> list[tuple[FindingRule, tuple[str, ...]]]:
    """Each rule that holds with the modalities it decides: for a modality several rules name (a conditional
    rule over the general one), the strictest decides."""
    if not definition.conditional:
        return [(rule, rule.modalities) for rule in definition.rules]
    holding = [
        rule
        for rule in definition.rules
        if (rule.if_trigger is None or rule.if_trigger in fired)
        and (
            rule.if_phototype_at_least is None
            or phototype_index(phototype.fitzpatrick) >= phototype_index(rule.if_phototype_at_least)
        )
    ]
    if not any(rule.conditional for rule in holding):
        return [(rule, rule.modalities) for rule in holding]
    decided: dict[str, FindingRule] = {}
    for rule in holding:
        for modality in rule.modalities:
            known = decided.get(modality)
            if known is None or _strictness(rule) > _strictness(known):
                decided[modality] = rule
    in_force = []
    for rule in holding:
        mine = tuple(m for m in rule.modalities if decided[m] is rule)
        if mine:
            in_force.append((rule, mine))
    return in_force


def screen(
    intake: Intake,
    on: date,
    phototype: PhototypeAssessment,
    readings: Readings,
    knowledge: Knowledge,
) -> Screening:
    findings: list[Finding] = []
    effects: dict[str, list[ModalityEffect]] = {code: [] for code in knowledge.modalities}
    possible = _possible_triggers(intake)
    for definition in knowledge.findings.values():
        fired = [
            (trigger, hit)
            for trigger in definition.triggers
            if trigger.kind in possible
            and (hit := _trigger_hit(trigger, intake, on, phototype, readings, knowledge)) is not None
        ]
        if not fired:
            continue
        because = "; ".join(dict.fromkeys(hit.because for _, hit in fired))
        waits = [hit.wait_until for _, hit in fired if hit.wait_until is not None]
        wait_until = max(waits) if waits else None
        fired_ids = {trigger.id for trigger, _ in fired if trigger.id is not None}
        # A finding raised only by triggers with evidence of their own (breastfeeding: a practice policy) carries it.
        own = [trigger.evidence for trigger, _ in fired]
        evidence = own[0] if all(e is not None for e in own) else None
        for rule, modalities in _rules_in_force(definition, fired_ids, phototype):
            finding = finding_from_rule(definition, rule, because, wait_until, modalities, evidence)
            findings.append(finding)
            for modality in modalities:
                effects[modality].append(ModalityEffect(definition.code, rule.severity, rule.cap, finding.wait_until))
    findings.sort(key=_severity_order)
    return Screening(
        findings=tuple(findings),
        effects={code: tuple(items) for code, items in effects.items()},
        codes=frozenset(f.code for f in findings),
    )


def _severity_order(finding: Finding) -> int:
    return _SEVERITY_RANK[finding.severity]
