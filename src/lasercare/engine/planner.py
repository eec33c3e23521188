"""From an intake to a treatment plan: phototype, screening, options, course, protocol.

`make_plan` is pure: the same intake, consultation day and knowledge always give the same plan.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import chain

from .intake import Intake
from .knowledge_model import Knowledge
from .medicines import read_medicine
from .options import CourseRanges, assess_option, explain_order, option_timing, order_key, planned_sessions
from .patient_voice import PATIENT_DISAGREEMENT, PATIENT_NOTHING_SUITS
from .phototype import assess_phototype
from .plan import (
    Course,
    Finding,
    HoldBack,
    Protocol,
    RecognisedAllergy,
    RecognisedMedication,
    ScheduledSession,
    TreatmentOption,
    TreatmentPlan,
)
from .protocols import Circumstances, build_protocol, judged
from .screening import Readings, Screening, finding_from_rule, screen


def _joined(names: tuple[str, ...]) -> str | None:
    return " + ".join(names) if names else None


def recognise_medications(intake: Intake, knowledge: Knowledge) -> tuple[RecognisedMedication, ...]:
    recognised = []
    for medication in intake.history.medications:
        reading = read_medicine(medication.name, knowledge.lexicon)
        recognised.append(
            RecognisedMedication(
                name=medication.name,
                matched=_joined(reading.recognised),
                classes=reading.classes,
                current=medication.current,
                stopped_on=medication.stopped_on,
                status=reading.status,
                suggestion=_joined(reading.suggested),
                route=reading.route,
                medicines=reading.recognised + reading.suggested,
            )
        )
    return tuple(recognised)


def recognise_allergies(intake: Intake, knowledge: Knowledge) -> tuple[RecognisedAllergy, ...]:
    allergies = []
    for written in intake.history.allergies:
        reading = read_medicine(written, knowledge.lexicon)
        allergies.append(
            RecognisedAllergy(
                name=written,
                matched=_joined(reading.recognised),
                status=reading.status,
                suggestion=_joined(reading.suggested),
                allergy_classes=reading.allergy_classes,
            )
        )
    return tuple(allergies)


def _unmet_goals(
    intake: Intake,
    knowledge: Knowledge,
    ruled_out_by_goals: dict[str, tuple[str, ...]],
    options: list[TreatmentOption],
) -> list[Finding]:
    """A finding for each concern that some option could treat, but none within the patient's goals."""
    definition = knowledge.findings.get("unrealistic_expectations")
    if definition is None or not any(t.kind == "unmet_goals" for t in definition.triggers):
        return []
    usable = {c for o in options if o.suitability in ("recommended", "acceptable") for c in o.concerns}
    unmet: list[str] = []
    for concern in intake.concerns:
        if concern.code in usable:
            continue
        blocked = [
            reason for o in options if concern.code in o.concerns for reason in ruled_out_by_goals.get(o.modality, ())
        ]
        if blocked:
            unmet.append(f"{concern.code.replace('_', ' ')}: {blocked[0]}")
    if not unmet:
        return []
    because = "no option treats " + "; ".join(unmet)
    return [finding_from_rule(definition, rule, because, None) for rule in definition.rules]


def _course(
    option: TreatmentOption, intake: Intake, on: date, screening: Screening, who: Circumstances, knowledge: Knowledge
) -> tuple[Course, tuple[ScheduledSession, ...]]:
    modality = knowledge.modalities[option.modality]
    count = planned_sessions(option.sessions)
    ranges = CourseRanges(option.sessions, option.interval_weeks, option.downtime_days)
    timing = option_timing(modality, on, screening, who, knowledge, count, ranges)
    gap = timedelta(weeks=option.interval_weeks.min)
    schedule = tuple(ScheduledSession(n + 1, timing.first_on + gap * n) for n in range(count))
    held = tuple(HoldBack(reason=_hold_reason(code, knowledge), until=until) for code, until in timing.held_back_by)
    ready_by = intake.goals.ready_by
    in_time = None if ready_by is None else timing.recovered_by <= ready_by
    summary = (
        f"{count} session{'s' if count != 1 else ''} of {modality.name}, from {timing.first_on.isoformat()}"
        + (f", at least {option.interval_weeks.min:g} weeks apart" if count > 1 else "")
        + f"; last session {timing.last_on.isoformat()}, recovered about {timing.recovered_by.isoformat()}."
    )
    if ready_by is not None:
        summary += (
            f" That is in time for {ready_by.isoformat()}."
            if in_time
            else f" That is NOT in time for {ready_by.isoformat()}: discuss a later date or a gentler option."
        )
    course = Course(
        modality=option.modality,
        sessions=count,
        first_on=timing.first_on,
        last_on=timing.last_on,
        recovered_by=timing.recovered_by,
        held_back_by=held,
        ready_by=ready_by,
        in_time=in_time,
        summary=summary,
    )
    return course, schedule


def _hold_reason(code: str, knowledge: Knowledge) -> str:
    if code in knowledge.findings:
        return f"waiting period: {knowledge.findings[code].name}"
    return f"preparation: {code.replace('-', ' ')}"


def make_plan(intake: Intake, on: date, knowledge: Knowledge) -> TreatmentPlan:
    """The treatment plan for `intake` at a consultation on `on`."""
    phototype = assess_phototype(intake.phototype, knowledge.phototype_rules)
    medications = recognise_medications(intake, knowledge)
    allergies = recognise_allergies(intake, knowledge)
    screening = screen(intake, on, phototype, Readings(medications, allergies), knowledge)
    allergens: dict[str, list[str]] = {}
    for allergy in allergies:
        for code in allergy.allergy_classes:
            allergens.setdefault(code, []).append(allergy.matched or allergy.suggestion or allergy.name)
    who = Circumstances(
        phototype=phototype.fitzpatrick,
        findings=screening.codes,
        medication_classes=frozenset(c for m in medications if m.current for c in m.classes),
        areas=intake.treatment_areas,
        allergy_classes=frozenset(allergens),
        allergens={code: " and ".join(dict.fromkeys(names)) for code, names in allergens.items()},
        last_sun_exposure_on=intake.history.last_sun_exposure_on,
    )
    who = judged(who, knowledge)

    assessed: list[TreatmentOption] = []
    ruled_out_by_goals: dict[str, tuple[str, ...]] = {}
    positions: dict[str, int] = {}
    treating = set(chain.from_iterable(knowledge.treating[c.code] for c in intake.concerns))
    candidates = [code for code in knowledge.modalities if code in treating]
    for position, code in enumerate(candidates):
        result = assess_option(knowledge.modalities[code], intake, on, phototype, screening, who, knowledge)
        if result is None:
            continue
        option, goal_caps = result
        assessed.append(option)
        positions[option.modality] = position
        if goal_caps:
            ruled_out_by_goals[option.modality] = goal_caps
    assessed.sort(key=lambda o: order_key(o, positions[o.modality]))
    options = explain_order(assessed, positions)

    findings = list(screening.findings) + _unmet_goals(intake, knowledge, ruled_out_by_goals, options)
    eligible = any(o.suitability != "contraindicated" for o in options)
    why_not: list[str] = []
    if not eligible:
        absolute = [f for f in findings if f.severity == "absolute"]
        if absolute:
            why_not += [f"{f.name}: {f.rationale}" for f in absolute]
        if not options:
            why_not.append("No modality in the knowledge base treats the concerns given.")

    chosen = next((o for o in options if o.suitability in ("recommended", "acceptable")), None) if eligible else None
    notes = [knowledge.notes[c.code] for c in intake.concerns if c.code in knowledge.notes]
    patient_notes = [
        knowledge.patient_notes.get(c.code, knowledge.notes[c.code])
        for c in intake.concerns
        if c.code in knowledge.notes
    ]
    if phototype.disagreement:
        notes.append(phototype.disagreement)
        patient_notes.append(PATIENT_DISAGREEMENT)
    course = None
    schedule: tuple[ScheduledSession, ...] = ()
    protocol = Protocol()
    if chosen is not None:
        course, schedule = _course(chosen, intake, on, screening, who, knowledge)
        protocol = build_protocol(knowledge.modalities[chosen.modality], who, knowledge, course.first_on, on)
    elif eligible:
        notes.append(
            "No option is recommended or acceptable within the patient's goals and findings: nothing is scheduled; "
            "the clinician discusses the options marked not advised."
        )
        patient_notes.append(PATIENT_NOTHING_SUITS)

    steps = protocol.preparation + protocol.day_of + protocol.aftercare
    cited = dict.fromkeys(
        chain(
            phototype.sources,
            chain.from_iterable(f.sources for f in findings),
            chain.from_iterable(o.sources for o in options),
            chain.from_iterable(s.sources for s in steps),
        )
    )

    return TreatmentPlan(
        knowledge_version=knowledge.version,
        policy_version=knowledge.policy.version,
        consultation_on=on,
        phototype=phototype,
        findings=tuple(findings),
        eligible=eligible,
        why_not_eligible=tuple(why_not),
        options=tuple(options),
        protocol=protocol,
        schedule=schedule,
        course=course,
        medications=medications,
        allergies=allergies,
        notes=tuple(notes),
        patient_notes=tuple(patient_notes),
        sources=tuple(knowledge.sources[s] for s in cited),
    )
