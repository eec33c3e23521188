"""From the self-assessment's answers to what the result page says, through the real engine.

The answers become an intake of contracts/intake.schema.json; the engine plans it with the practice's own clinic
policy (the same `make_plan` a consultation uses); the plan becomes plain statements for a member of the public.
Nothing here is stored or logged: a consented request keeps `Result.summary`, in codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lasercare.engine import make_plan, read_intake
from lasercare.engine.knowledge_model import Knowledge
from lasercare.engine.plan import TreatmentOption, TreatmentPlan
from lasercare.practice import labels
from lasercare.practice.clinic.models import Practice
from lasercare.practice.clinic.policy import knowledge_for
from lasercare.practice.selfassessment.knowledge_text import kb, step_text, wording
from lasercare.practice.selfassessment.learn import benefit_words, evidence_words, patient_name, range_text

COULD_SUIT = ("recommended", "acceptable")


def intake_from(answers: Mapping[str, Any], practice: Practice) -> dict[str, Any]:
    """The intake document for the engine, from the cleaned answers of `AssessmentForm`."""
    patient: dict[str, Any] = {"age": answers["age"], "sex": answers.get("sex") or "unknown"}
    if answers.get("pregnancy") == "pregnant":
        patient["pregnant"] = True
    elif answers.get("pregnancy") == "breastfeeding":
        patient["breastfeeding"] = True
    phototype = {"questionnaire": [int(answers[f"q{n}"]) for n in range(1, 11)]}
    concerns = [{"code": code} for code in answers["concerns"]]
    goals: dict[str, Any] = {}
    if answers.get("max_downtime_days") is not None:
        goals["max_downtime_days"] = int(answers["max_downtime_days"])
    if answers.get("max_sessions") is not None:
        goals["max_sessions"] = int(answers["max_sessions"])
    if answers.get("budget") is not None:
        goals["budget"] = float(answers["budget"])
        goals["currency"] = practice.currency
    if answers.get("ready_by"):
        goals["ready_by"] = _iso(answers["ready_by"])
    medications: list[dict[str, Any]] = [{"name": name} for name in answers.get("medications", [])]
    if answers.get("isotretinoin") == "now":
        medications.append({"name": "isotretinoin"})
    elif answers.get("isotretinoin") == "past" and answers.get("isotretinoin_stopped_on"):
        medications.append(
            {"name": "isotretinoin", "current": False, "stopped_on": _iso(answers["isotretinoin_stopped_on"])}
        )
    conditions = list(answers.get("conditions", []))
    if answers.get("cold_sores") == "yes":
        conditions.append("hsv")
    if answers.get("cold_sore_now") == "yes":
        # Someone with a cold sore now gets cold sores, whatever they answered above.
        conditions += [c for c in ("hsv", "active_infection") if c not in conditions]
    if answers.get("keloids") == "yes":
        conditions.append("keloids")
    history: dict[str, Any] = {}
    if medications:
        history["medications"] = medications
    if conditions:
        history["conditions"] = conditions
    if answers.get("last_sun_exposure_on"):
        history["last_sun_exposure_on"] = _iso(answers["last_sun_exposure_on"])
    document: dict[str, Any] = {"patient": patient, "phototype": phototype, "concerns": concerns}
    if goals:
        document["goals"] = goals
    if history:
        document["history"] = history
    return document


def _iso(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


@dataclass(frozen=True)
class FindingShown:
    code: str
    name: str
    rationale: str
    evidence: str
    rules_out_all: bool  # an absolute finding for every treatment: treatment waits
    affects: str = ""  # the kinds of treatment it is for, in words ("all treatments" for every one)


@dataclass(frozen=True)
class Caution:
    """A finding as it bears on one treatment: shown on that treatment's card, so no option reads as free of it."""

    finding: str
    what: str  # what it means for this treatment, by the finding's severity for it
    care: list[str]  # what is done about it (the knowledge base's adjustments, in the patient voice)


@dataclass(frozen=True)
class OptionShown:
    modality: str
    name: str
    family: str
    treats: list[str]
    sessions: str
    interval_weeks: str
    downtime_days: str
    reasons: list[str]  # why it is unlikely to suit, or what to discuss, in plain words
    risks: list[tuple[str, str, str]]  # effect, rate, evidence in words
    cautions: list[Caution] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    phototype: str
    phototype_score: int | None
    eligible: bool
    could_suit: list[OptionShown]
    unlikely: list[OptionShown]
    findings: list[FindingShown]
    preparation: list[str]
    day_of: list[str]
    aftercare: list[str]
    expected_for: str  # the treatment the steps above are for
    discuss: list[str]
    questions: list[str]
    summary: dict[str, Any] = field(default_factory=dict)


def assess(answers: Mapping[str, Any], practice: Practice, on: date) -> Result:
    """What the engine makes of the answers, for the result page. Raises IntakeError if the engine refuses them
    (the form's checks should have caught it first)."""
    knowledge = knowledge_for(practice)
    plan = make_plan(read_intake(intake_from(answers, practice), on), on, knowledge)
    return _result(plan, knowledge, answers)


def _result(plan: TreatmentPlan, knowledge: Knowledge, answers: Mapping[str, Any]) -> Result:
    findings = _findings(plan, knowledge)
    by_modality: dict[str, list[Caution]] = {}
    order = {"absolute": 0, "relative": 1, "precaution": 2}
    for finding in sorted(plan.findings, key=lambda f: order.get(f.severity, 3)):
        targets = knowledge.modalities if "all" in finding.applies_to else finding.applies_to
        name = kb(finding.patient_name or finding.name)
        for code in targets:
            shown = by_modality.setdefault(code, [])
            if all(c.finding != name for c in shown):
                care = [kb(a) for a in (finding.patient_adjustments or finding.adjustments)]
                shown.append(Caution(name, _CAUTION[finding.severity](), care))
    could = [_option(o, knowledge, by_modality, answers) for o in plan.options if o.suitability in COULD_SUIT]
    unlikely = [_option(o, knowledge, by_modality, answers) for o in plan.options if o.suitability not in COULD_SUIT]
    chosen = plan.chosen
    protocol = plan.protocol
    modality = knowledge.modalities[chosen.modality] if chosen is not None else None
    steps = {step.id: step for step in knowledge.steps}

    def texts(phase: tuple[Any, ...]) -> list[str]:
        return [step_text(steps[s.id], knowledge, modality) for s in phase]

    summary = {
        "knowledge_version": plan.knowledge_version,
        "policy_version": plan.policy_version,
        "on": plan.consultation_on.isoformat(),
        "phototype": plan.phototype.label,
        "questionnaire_score": plan.phototype.questionnaire_score,
        "eligible": plan.eligible,
        "could_suit": [o.modality for o in could],
        "unlikely": [o.modality for o in unlikely],
        "findings": [f.code for f in findings],
    }
    return Result(
        phototype=plan.phototype.label,
        phototype_score=plan.phototype.questionnaire_score,
        eligible=plan.eligible,
        could_suit=could,
        unlikely=unlikely,
        findings=findings,
        preparation=texts(protocol.preparation),
        day_of=texts(protocol.day_of),
        aftercare=texts(protocol.aftercare),
        expected_for=patient_name(modality) if modality is not None else "",
        discuss=_discuss(plan, knowledge, findings),
        questions=[kb(q["text"]) for q in wording()["questions"]],
        summary=summary,
    )


def _findings(plan: TreatmentPlan, knowledge: Knowledge) -> list[FindingShown]:
    """One line per finding code (the engine gives one per group of treatments it affects), strongest first."""
    seen: dict[str, FindingShown] = {}
    order = {"absolute": 0, "relative": 1, "precaution": 2}
    for finding in sorted(plan.findings, key=lambda f: order.get(f.severity, 3)):
        if finding.code in seen:
            continue
        definition = knowledge.findings[finding.code]
        seen[finding.code] = FindingShown(
            code=finding.code,
            name=kb(definition.patient_name or definition.name),
            rationale=kb(definition.patient_rationale or definition.rationale),
            evidence=evidence_words(definition.evidence.level),
            rules_out_all=finding.severity == "absolute" and "all" in finding.applies_to,
            affects=_affects(plan, finding.code, knowledge),
        )
    return list(seen.values())


_CAUTION = {
    "absolute": lambda: _("This treatment waits, or is not used, because of this."),
    "relative": lambda: _("The clinician must first judge whether this treatment is safe for you."),
    "precaution": lambda: _("This treatment needs extra care because of this. Talk it over with the clinician."),
}


def _affects(plan: TreatmentPlan, code: str, knowledge: Knowledge) -> str:
    """The treatments a finding bears on (over all its rules), by their patient names, or "all treatments"."""
    targets: list[str] = []
    for finding in plan.findings:
        if finding.code != code:
            continue
        if "all" in finding.applies_to:
            return _("all treatments")
        targets += [m for m in finding.applies_to if m not in targets]
    return ", ".join(patient_name(knowledge.modalities[m]) for m in targets if m in knowledge.modalities)


def _option(
    option: TreatmentOption, knowledge: Knowledge, by_modality: dict[str, list[Caution]], answers: Mapping[str, Any]
) -> OptionShown:
    modality = knowledge.modalities[option.modality]
    treats = [
        _("%(concern)s (%(benefit)s; evidence: %(evidence)s)")
        % {
            "concern": labels.PATIENT_CONCERNS.get(c.concern, c.concern),
            "benefit": benefit_words(c.benefit),
            "evidence": evidence_words(c.evidence),
        }
        for c in option.coverage
    ]
    reasons: list[str] = []
    for factor in option.decided_by:
        reason = _factor(factor, option, answers)
        if reason:
            reasons.append(reason)
    return OptionShown(
        modality=option.modality,
        name=patient_name(modality),
        family=kb(wording()["families"][modality.family]["name"]),
        treats=treats,
        sessions=range_text(option.sessions),
        interval_weeks=range_text(option.interval_weeks),
        downtime_days=range_text(option.downtime_days),
        reasons=list(dict.fromkeys(reasons)),
        risks=[
            (kb(r.patient.name), kb(r.patient.how_often), evidence_words(r.evidence.level))
            if r.patient is not None
            else (kb(r.effect), kb(r.rate), evidence_words(r.evidence.level))
            for r in option.risks
        ],
        cautions=by_modality.get(option.modality, []),
    )


def _factor(factor: str, option: TreatmentOption, answers: Mapping[str, Any]) -> str:
    """What decided an option's suitability, in plain words; '' for the factors that need no sentence."""
    if factor == "downtime" and answers.get("max_downtime_days") is not None:
        return _(
            "Its usual recovery (%(range)s days) may be longer than the %(limit)s days you said you could take."
        ) % {
            "range": range_text(option.downtime_days),
            "limit": answers["max_downtime_days"],
        }
    if factor == "sessions" and answers.get("max_sessions") is not None:
        return ngettext(
            "It usually needs more sessions than the %(limit)s you would want.",
            "It usually needs more sessions than the %(limit)s you would want.",
            int(answers["max_sessions"]),
        ) % {"limit": answers["max_sessions"]}
    if factor == "ready_by":
        return _("The course and the recovery after it would probably not be over before your event.")
    if factor == "budget":
        return _("The course would probably cost more than your budget.")
    if factor == "phototype":
        return _("It is used with caution, or avoided, for your skin type.")
    if factor == "evidence" and option.suitability not in COULD_SUIT:
        return _("Other treatments work better for the concerns you chose.")
    return ""


def _discuss(plan: TreatmentPlan, knowledge: Knowledge, findings: list[FindingShown]) -> list[str]:
    """What to bring up at the consultation, from what the engine found."""
    points = [
        _(
            "Your skin type (%(type)s here) comes from your own answers to a questionnaire, which often differs from "
            "a clinician's assessment: the clinician confirms it."
        )
        % {"type": plan.phototype.label}
    ]
    for finding in findings:
        points.append(_("Tell the clinician about this: %(finding)s.") % {"finding": finding.name})
    unknown = [m.name for m in plan.medications if m.matched is None]
    if unknown:
        points.append(
            _("Bring the packets or a list of your medicines: these were not recognised and need checking: %(names)s.")
            % {"names": ", ".join(unknown)}
        )
    if plan.course is not None and plan.course.in_time is False:
        points.append(_("Your event date: ask whether a course can be finished, and healed, in time."))
    concern_notes = set(knowledge.notes.values())
    points += [
        kb(voiced) for note, voiced in zip(plan.notes, plan.patient_notes, strict=False) if note in concern_notes
    ]
    return points
