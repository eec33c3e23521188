"""Preparation, day-of and aftercare steps for a modality, tailored to this patient.

Steps and the conditions that add them are data (knowledge/protocols.toml); this module decides which apply and
dates the preparation steps back from the first session.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from .codes import phototype_index
from .knowledge_model import Knowledge, Modality, ProtocolStep, StepCondition
from .plan import Protocol, ProtocolStepPlan
from .values import Value

_NONE: Mapping[str, str] = {}  # never mutated: a shared empty default


class Circumstances(Value):
    """What about the patient decides which steps apply, gathered once per plan."""

    phototype: str
    findings: frozenset[str]
    medication_classes: frozenset[str]
    areas: frozenset[str]  # treatment areas; empty when the intake named none
    allergy_classes: frozenset[str] = frozenset()
    allergens: Mapping[str, str] = _NONE  # allergy class -> what the patient is allergic to, as recognised
    last_sun_exposure_on: date | None = None
    # Per step, the conditions whose parts about the patient hold (judged once per plan by `judged`); a step
    # missing from it has conditions none of which can hold for this patient. None: judge everything each time.
    patient_conditions: Mapping[str, tuple[StepCondition, ...]] | None = None


def _patient_holds(condition: StepCondition, who: Circumstances, knowledge: Knowledge) -> bool:
    if condition.findings and not condition.findings & who.findings:
        return False
    if condition.medication_classes and not condition.medication_classes & who.medication_classes:
        return False
    if condition.allergy_classes and not condition.allergy_classes & who.allergy_classes:
        return False
    # A step for the face holds when no area was named: the face is where rejuvenation is usually done.
    if condition.areas and who.areas and not condition.areas & who.areas:
        return False
    if condition.phototype_at_least is not None and phototype_index(who.phototype) < phototype_index(
        condition.phototype_at_least
    ):
        return False
    return not (condition.policy_flag is not None and not knowledge.policy.value(condition.policy_flag))


def _modality_holds(condition: StepCondition, modality: Modality) -> bool:
    if condition.families and modality.family not in condition.families:
        return False
    if condition.modalities and modality.code not in condition.modalities:
        return False
    return not (condition.ablative is not None and modality.ablative != condition.ablative)


def judged(who: Circumstances, knowledge: Knowledge) -> Circumstances:
    """`who` with every step's conditions judged once on what is the patient's, so that ranking, which times every
    option's course, judges only what is the modality's (it evaluated every condition of every step for every
    option: a sixth of the time of a plan)."""
    kept: dict[str, tuple[StepCondition, ...]] = {}
    for step in knowledge.steps:
        holding = tuple(c for c in step.when if _patient_holds(c, who, knowledge))
        if holding:
            kept[step.id] = holding
    return who._replace(patient_conditions=kept)


def applies(step: ProtocolStep, modality: Modality, who: Circumstances, knowledge: Knowledge) -> bool:
    if not step.when:
        return True
    if who.patient_conditions is not None:
        return any(_modality_holds(c, modality) for c in who.patient_conditions.get(step.id, ()))
    return any(_patient_holds(c, who, knowledge) and _modality_holds(c, modality) for c in step.when)


def steps_in_force(modality: Modality, who: Circumstances, knowledge: Knowledge) -> list[ProtocolStep]:
    """The steps that apply, less those another applying step stands in for (a longer test spot, a numbing
    step without the anaesthetic the patient is allergic to)."""
    applying = [step for step in knowledge.steps_for[modality.code] if applies(step, modality, who, knowledge)]
    replaced = {other for step in applying for other in step.replaces}
    return [step for step in applying if step.id not in replaced]


def days_before(step: ProtocolStep, knowledge: Knowledge) -> int | None:
    if step.days_before_policy is not None:
        value = knowledge.policy.days(step.days_before_policy)
        return value * 7 if step.days_before_policy.endswith("_weeks") else value
    return step.days_before


def ready_on(step: ProtocolStep, who: Circumstances, knowledge: Knowledge, on: date) -> date:
    """The first day this step can have been done in full, for a consultation on `on`: its lead time counted
    from the consultation, or from the last sun exposure where the step says so and the date is known."""
    days = days_before(step, knowledge) or 0
    start = on
    if step.counts_from == "last_sun_exposure" and who.last_sun_exposure_on is not None:
        start = who.last_sun_exposure_on
    return max(on, start + timedelta(days=days))


def preparation_hold(modality: Modality, who: Circumstances, knowledge: Knowledge, on: date) -> tuple[date, str]:
    """The day the longest preparation that must come first is complete, and which step it is ("" for none).

    Only the blocking steps and those that replace others are looked at: ranking times every option's course,
    and evaluating every step of every option was a fifth of the plan's time."""
    code = modality.code
    replaced = {
        other
        for step in knowledge.replacing_steps_for[code]
        if applies(step, modality, who, knowledge)
        for other in step.replaces
    }
    latest, what = on, ""
    for step in knowledge.blocking_steps_for[code]:
        if step.id not in replaced and applies(step, modality, who, knowledge):
            ready = ready_on(step, who, knowledge, on)
            if ready > latest:
                latest, what = ready, step.id
    return latest, what


def _placeholders(modality: Modality, who: Circumstances, knowledge: Knowledge) -> dict[str, object]:
    """What a step's {placeholders} may name: clinic-policy values, the modality's own, and what the patient is
    allergic to (`allergy_local_anaesthetic` and the like)."""
    values: dict[str, object] = {key: item.value for key, item in knowledge.policy.values.items()}
    values["modality"] = modality.name
    values["eyewear"] = modality.eyewear_text
    values["wavelengths"] = ", ".join(f"{w:,} nm" for w in modality.wavelengths_nm)
    for code in knowledge.allergy_classes:
        values[f"allergy_{code}"] = who.allergens.get(code, "it")
    return values


def build_protocol(
    modality: Modality, who: Circumstances, knowledge: Knowledge, first_on: date | None, consultation_on: date
) -> Protocol:
    phases: dict[str, list[ProtocolStepPlan]] = {"preparation": [], "day_of": [], "aftercare": []}
    placeholders = _placeholders(modality, who, knowledge)
    in_patient_words = {**placeholders, "modality": modality.patient_name or modality.name}
    for step in steps_in_force(modality, who, knowledge):
        before = days_before(step, knowledge)
        on = None
        if before is not None and first_on is not None:
            on = max(consultation_on, first_on - timedelta(days=before))
        phases[step.phase].append(
            ProtocolStepPlan(
                id=step.id,
                text=step.text.format_map(placeholders) if "{" in step.text else step.text,
                patient_text=step.patient_text.format_map(in_patient_words)
                if "{" in step.patient_text
                else step.patient_text,
                evidence=step.evidence.level,
                sources=step.evidence.sources,
                days_before=before,
                days_after=step.days_after,
                for_days=step.for_days,
                on=on,
            )
        )
    phases["preparation"].sort(key=lambda s: -(s.days_before or 0))
    phases["aftercare"].sort(key=lambda s: s.days_after or 0)
    return Protocol(
        preparation=tuple(phases["preparation"]),
        day_of=tuple(phases["day_of"]),
        aftercare=tuple(phases["aftercare"]),
    )
