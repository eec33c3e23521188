"""The information pages (/learn/): what the knowledge base says about each treatment, in plain words.

Every figure (sessions, intervals, downtime, risks and their rates) comes from engine/knowledge with its evidence
level and sources; the few sentences the knowledge base has no patient wording for come from patient_wording.toml,
shown as general information.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lasercare.engine.knowledge_model import (
    Evidence,
    Knowledge,
    Modality,
    ProtocolStep,
    Range,
    SideEffect,
    StepCondition,
)
from lasercare.engine.patient_voice import glossary_for
from lasercare.practice import labels
from lasercare.practice.selfassessment.knowledge_text import kb, step_text, wording

# The information pages, in the order of the index. "treatments" lists the kinds; each kind has a page of its own.
TOPICS = ("treatments", "sessions", "preparation", "the-day", "aftercare", "side-effects")
PHASES = {"preparation": "preparation", "the-day": "day_of", "aftercare": "aftercare"}


def evidence_words(level: str) -> str:
    """An evidence level as a member of the public reads it (S, W, P: docs/clinical-knowledge.md)."""
    return {
        "S": _("established in published studies"),
        "W": _("from a weaker source, such as a clinic's guidance or a small study"),
        "P": _("a common practice default, not from a study"),
    }.get(level, level)


def benefit_words(benefit: str) -> str:
    return {"strong": _("strong benefit"), "moderate": _("moderate benefit"), "modest": _("modest benefit")}.get(
        benefit, benefit
    )


def range_text(value: Range) -> str:
    low, high = _number(value.min), _number(value.max)
    return low if low == high else _("%(low)s to %(high)s") % {"low": low, "high": high}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class Cited:
    """A statement with its evidence in words and its sources (numbered on the page)."""

    text: str
    evidence: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class TreatmentPage:
    code: str
    name: str
    about: str
    family: str
    family_summary: str
    target: Cited
    treats: list[Cited]
    sessions: Cited
    interval_weeks: Cited
    downtime_days: Cited
    risks: list[Cited]
    notes: list[str]


def topic(slug: str) -> dict[str, str]:
    found: dict[str, str] = wording()["topics"][slug]
    return {"slug": slug, "title": kb(found["title"]), "intro": kb(found["intro"])}


def topics() -> list[dict[str, str]]:
    return [topic(slug) for slug in TOPICS]


def families(knowledge: Knowledge) -> list[dict[str, Any]]:
    """The kinds of treatment with their modalities, in the knowledge base's order."""
    found: dict[str, dict[str, Any]] = {}
    for modality in knowledge.modalities.values():
        family = wording()["families"][modality.family]
        entry = found.setdefault(
            modality.family,
            {"code": modality.family, "name": kb(family["name"]), "summary": kb(family["summary"]), "treatments": []},
        )
        concerns = [labels.PATIENT_CONCERNS.get(c, c) for c in modality.indications]
        entry["treatments"].append({"code": modality.code, "name": patient_name(modality), "concerns": concerns})
    return list(found.values())


def patient_name(modality: Modality) -> str:
    """A treatment's name in the patient voice (the knowledge base's `patient.name`)."""
    return kb(modality.patient_name or modality.name)


def risk_text(risk: SideEffect) -> str:
    """A side effect in the patient voice: its plain name, how often in words, and how long it lasts where the
    source says so."""
    if risk.patient is None:
        return f"{kb(risk.effect)}: {kb(risk.rate)}"
    text = f"{kb(risk.patient.name)}: {kb(risk.patient.how_often)}"
    return f"{text} {kb(risk.patient.lasts)}" if risk.patient.lasts else text


def _cited(text: str, evidence: Evidence) -> Cited:
    return Cited(text, evidence_words(evidence.level), evidence.sources)


def treatment_page(modality: Modality) -> TreatmentPage:
    family = wording()["families"][modality.family]
    treats = [
        _cited(
            _("%(concern)s: %(benefit)s")
            % {
                "concern": labels.PATIENT_CONCERNS.get(code, code),
                "benefit": benefit_words(indication.benefit),
            },
            indication.evidence,
        )
        for code, indication in modality.indications.items()
    ]
    return TreatmentPage(
        code=modality.code,
        name=patient_name(modality),
        about=kb(modality.patient_about),
        family=kb(family["name"]),
        family_summary=kb(family["summary"]),
        target=_cited(kb(modality.patient_chromophore or modality.chromophore), modality.chromophore_evidence),
        treats=treats,
        sessions=_cited(range_text(modality.sessions.range), modality.sessions.evidence),
        interval_weeks=_cited(range_text(modality.interval_weeks.range), modality.interval_weeks.evidence),
        downtime_days=_cited(range_text(modality.downtime_days.range), modality.downtime_days.evidence),
        risks=[_cited(risk_text(r), r.evidence) for r in modality.side_effects],
        # A modality's notes are the clinician's; what they say for a patient is in its side effects.
        notes=[],
    )


def steps_of(phase: str, knowledge: Knowledge) -> list[dict[str, Any]]:
    """A phase's steps for the general pages, each with who it is for in plain words."""
    return [
        {"text": step_text(step, knowledge), "for": _step_for(step, knowledge), "cited": _cited("", step.evidence)}
        for step in knowledge.steps
        if step.phase == phase
    ]


def _step_for(step: ProtocolStep, knowledge: Knowledge) -> list[str]:
    return [_condition(condition, knowledge) for condition in step.when]


def _condition(condition: StepCondition, knowledge: Knowledge) -> str:
    parts: list[str] = []
    if condition.families:
        names = [kb(wording()["families"][f]["name"]) for f in sorted(condition.families)]
        parts.append(_("for %(kinds)s") % {"kinds": ", ".join(names)})
    if condition.modalities:
        names = [patient_name(knowledge.modalities[m]) for m in sorted(condition.modalities)]
        parts.append(_("for %(kinds)s") % {"kinds": ", ".join(names)})
    if condition.ablative is True:
        parts.append(_("for treatments that remove skin (ablative)"))
    elif condition.ablative is False:
        parts.append(_("for treatments that do not remove skin (non-ablative)"))
    if condition.findings:
        names = [
            kb(knowledge.findings[f].patient_name or knowledge.findings[f].name) for f in sorted(condition.findings)
        ]
        parts.append(_("for people with: %(what)s") % {"what": "; ".join(names)})
    if condition.medication_classes:
        names = [kb(knowledge.medication_classes[m].label) for m in sorted(condition.medication_classes)]
        parts.append(_("for people using: %(what)s") % {"what": "; ".join(names)})
    if condition.areas:
        names = [str(labels.AREAS.get(a, a)) for a in sorted(condition.areas)]
        parts.append(_("when treating: %(areas)s") % {"areas": ", ".join(names)})
    if condition.phototype_at_least:
        parts.append(_("for skin type %(type)s or darker") % {"type": condition.phototype_at_least})
    if condition.policy_flag:
        parts.append(_("where the practice offers it"))
    return "; ".join(parts)


def glossary(texts: list[str], knowledge: Knowledge) -> list[dict[str, str]]:
    """The glossary's terms (knowledge/glossary.toml) that the page's texts use, explained at its foot."""
    return [{"term": kb(t.term), "means": kb(t.means)} for t in glossary_for(texts, knowledge.glossary)]


def sources_of(cited: list[Cited], knowledge: Knowledge) -> tuple[dict[str, int], list[dict[str, str]]]:
    """The sources the page cites, numbered in first-cited order, and the list to print at its foot.

    The pages are public: only sources a patient may see are numbered and listed (confirmed at the publisher, and
    no clinic's or manufacturer's page); a statement whose only sources are others carries no number."""
    numbers: dict[str, int] = {}
    for item in cited:
        for source in item.sources:
            found = knowledge.sources.get(source)
            if found is not None and found.for_patients:
                numbers.setdefault(source, len(numbers) + 1)
    listed = []
    for source_id in numbers:
        found = knowledge.sources[source_id]
        listed.append({"id": source_id, "citation": found.citation, "link": found.link})
    return numbers, listed
