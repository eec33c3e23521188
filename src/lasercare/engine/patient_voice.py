"""The plan document in the patient's words: every clinical text a patient reads, in its patient voice.

The knowledge base keeps two voices for each text a patient reads (docs/clinical-knowledge.md, "The patient voice"):
the clinician's, with its research figures and terms, and the patient's, in plain words at about school grade 6-8.
A plan document made since the patient voice exists carries both (`patient_text` of a step, `patient` of a finding
and of a risk, `patient_name` of an option, `patient_notes`); `patient_document` returns a copy of the document in
which the clinician's fields hold the patient's words, so the handout, the portal, the consent and the reminders
read it as they read any plan document.

A plan stored before carries no patient voice. Its texts are then found in the knowledge base in use by id (a step's
id, a finding's code, a modality's code and side effect), and taken only where the stored clinician text is still the
one the knowledge base has (a step's clinic-policy figures, such as its number of weeks, are read from the stored
text and put in the patient's): a text that has changed since keeps the clinician's words rather than risk a patient
text that says something else. No figure is ever made up here: every patient text is the knowledge base's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from .knowledge_model import FindingDefinition, GlossaryTerm, Knowledge, ProtocolStep

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see values.py
    from typing import Any


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark for the catalogue": the engine stays pure
    """Marks the engine's own patient notes for `make messages`; the patient pages show them translated."""
    return text


# The engine's own notes in the patient voice (planner.py writes both).
PATIENT_DISAGREEMENT = N_(
    "The ways of judging your skin type did not agree. Your clinician checks your skin type before treatment and "
    "plans for the darker type until then."
)
PATIENT_NOTHING_SUITS = N_(
    "No treatment fits your goals and your health as they are now, so nothing is booked. Your clinician will talk "
    "the choices through with you."
)
_DISAGREEMENT_START = "The phototype sources differ"
_NOTHING_SUITS_START = "No option is recommended or acceptable"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def patient_document(document: Mapping[str, Any], knowledge: Knowledge | None = None) -> dict[str, Any]:
    """A copy of the plan document whose texts are the patient's: option names, risks (`effect` the plain name,
    `rate` how often in words, with `lasts` and `what_to_do`), findings, steps, notes and what holds the first
    session back; with `glossary`, the terms of knowledge/glossary.toml that its patient texts use.

    `knowledge` is used only for a plan stored without the patient voice (the default knowledge base when not
    given)."""
    if document.get("voice") == "patient":
        return dict(document)
    lookup = _Lookup(knowledge)
    out = dict(document)
    out["voice"] = "patient"
    out["options"] = [_option(option, lookup) for option in document.get("options", [])]
    findings = [_finding(finding, lookup) for finding in document.get("findings", [])]
    out["findings"] = findings
    protocol = document.get("protocol")
    if isinstance(protocol, Mapping):
        out["protocol"] = {
            phase: [_step(step, lookup) for step in steps] if isinstance(steps, list) else steps
            for phase, steps in protocol.items()
        }
    out["notes"] = _notes(document, lookup)
    out["why_not_eligible"] = _why_not(document, findings)
    course = document.get("course")
    if isinstance(course, Mapping) and course.get("held_back_by"):
        out["course"] = {
            **course,
            "held_back_by": [
                {**h, "reason": _hold_reason(str(h.get("reason", "")), findings)} for h in course["held_back_by"]
            ],
        }
    out["glossary"] = [
        {"term": term.term, "means": term.means}
        for term in glossary_for(_patient_texts(out), lookup.knowledge.glossary)
    ]
    return out


class _Lookup:
    """The knowledge base in use, loaded only when a stored plan lacks its patient voice (or for the glossary)."""

    def __init__(self, knowledge: Knowledge | None) -> None:
        self._knowledge = knowledge

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            from .knowledge_base import load_knowledge

            self._knowledge = load_knowledge()
        return self._knowledge


def _option(option: Mapping[str, Any], lookup: _Lookup) -> dict[str, Any]:
    out = dict(option)
    modality = (
        lookup.knowledge.modalities.get(str(option.get("modality", ""))) if "patient_name" not in option else None
    )
    name = option.get("patient_name") or (modality.patient_name if modality is not None else "")
    if name:
        out["clinical_name"] = option.get("name", "")
        out["name"] = name
    out["risks"] = [_risk(risk, option, lookup) for risk in option.get("risks", [])]
    return out


def _risk(risk: Mapping[str, Any], option: Mapping[str, Any], lookup: _Lookup) -> dict[str, Any]:
    out = dict(risk)
    voice = risk.get("patient")
    if not isinstance(voice, Mapping):
        voice = None
        modality = lookup.knowledge.modalities.get(str(option.get("modality", "")))
        for known in modality.side_effects if modality is not None else ():
            if known.effect == risk.get("effect") and known.rate == risk.get("rate") and known.patient is not None:
                voice = known.patient._asdict()
    if voice is not None:
        out["clinical_effect"], out["clinical_rate"] = risk.get("effect", ""), risk.get("rate", "")
        out["effect"], out["rate"] = voice["name"], voice["how_often"]
        out["lasts"], out["what_to_do"] = voice.get("lasts", ""), voice.get("what_to_do", "")
    return out


def _finding(finding: Mapping[str, Any], lookup: _Lookup) -> dict[str, Any]:
    out = dict(finding)
    voice = finding.get("patient")
    if not isinstance(voice, Mapping):
        definition = lookup.knowledge.findings.get(str(finding.get("code", "")))
        voice = _finding_voice(finding, definition) if definition is not None else None
    if voice is not None:
        out["clinical_name"] = finding.get("name", "")
        out["name"] = voice["name"]
        out["rationale"] = voice["rationale"]
        out["adjustments"] = list(voice.get("adjustments", []))
    return out


def _finding_voice(finding: Mapping[str, Any], definition: FindingDefinition) -> dict[str, Any] | None:
    """The patient voice of a stored finding from its definition, when the stored texts are still the definition's."""
    rationale = finding.get("rationale", "")
    adjustments = list(finding.get("adjustments", []))
    for rule in definition.rules:
        said = definition.rationale if not rule.rationale else f"{definition.rationale} {rule.rationale}"
        if said == rationale and list(rule.adjustments) == adjustments:
            return {
                "name": definition.patient_name,
                "rationale": " ".join(t for t in (definition.patient_rationale, rule.patient_rationale) if t),
                "adjustments": list(rule.patient_adjustments),
            }
    return None


def _step(step: Mapping[str, Any], lookup: _Lookup) -> dict[str, Any]:
    out = dict(step)
    text = step.get("patient_text")
    if not text:
        known = next((s for s in lookup.knowledge.steps if s.id == step.get("id")), None)
        text = _step_voice(str(step.get("text", "")), known, lookup.knowledge) if known is not None else None
    if text:
        out["clinical_text"] = step.get("text", "")
        out["text"] = text
    return out


def _step_voice(stored: str, step: ProtocolStep, knowledge: Knowledge) -> str | None:
    """The step's patient text with the values its stored clinician text was filled with, or None when the stored
    text is not (or no longer) the knowledge base's."""
    found = _template(step.text).fullmatch(stored)
    if found is None:
        return None
    values = found.groupdict()
    if "modality" in values:
        named = next((m for m in knowledge.modalities.values() if m.name == values["modality"]), None)
        if named is not None and named.patient_name:
            values["modality"] = named.patient_name
    try:
        return step.patient_text.format_map(values)
    except KeyError:
        return None


@lru_cache(maxsize=256)
def _template(text: str) -> re.Pattern[str]:
    """A step's text as a pattern whose groups are its placeholders (a repeated one must say the same)."""
    pattern, seen, end = [], set(), 0
    for match in _PLACEHOLDER.finditer(text):
        pattern.append(re.escape(text[end : match.start()]))
        name = match.group(1)
        pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        end = match.end()
    pattern.append(re.escape(text[end:]))
    return re.compile("".join(pattern), re.DOTALL)


def _notes(document: Mapping[str, Any], lookup: _Lookup) -> list[str]:
    notes = [str(n) for n in document.get("notes", [])]
    stored = document.get("patient_notes")
    if isinstance(stored, list) and len(stored) == len(notes):
        return [str(n) for n in stored]
    knowledge = lookup.knowledge
    by_text = {text: knowledge.patient_notes.get(concern, text) for concern, text in knowledge.notes.items()}
    shown = []
    for note in notes:
        if note.startswith(_DISAGREEMENT_START):
            shown.append(PATIENT_DISAGREEMENT)
        elif note.startswith(_NOTHING_SUITS_START):
            shown.append(PATIENT_NOTHING_SUITS)
        else:
            shown.append(by_text.get(note, note))
    return shown


def _why_not(document: Mapping[str, Any], findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """Why no treatment can be given, from the findings in the patient's words (the planner writes each absolute
    finding as "name: rationale")."""
    reasons = [str(r) for r in document.get("why_not_eligible", [])]
    clinical = {f"{f['name']}: {f['rationale']}": f for f in document.get("findings", [])}
    voiced = {str(f.get("code")): f for f in findings}
    shown = []
    for reason in reasons:
        finding = clinical.get(reason)
        if finding is not None and str(finding.get("code")) in voiced:
            own = voiced[str(finding["code"])]
            shown.append(f"{own['name']}: {own['rationale']}")
        elif reason.startswith("No modality in the knowledge base treats"):
            shown.append("None of the treatments here helps with what you would like to improve.")
        else:
            shown.append(reason)
    return shown


def _hold_reason(reason: str, findings: Iterable[Mapping[str, Any]]) -> str:
    """What holds the first session back ("waiting period: NAME" or "preparation: STEP"), in plain words."""
    kind, _, what = reason.partition(": ")
    if kind == "waiting period":
        names = {str(f.get("clinical_name", "")): str(f.get("name", "")) for f in findings}
        return f"a waiting period ({names.get(what, what)})" if what in names else N_("a waiting period")
    if kind == "preparation":
        return N_("the preparation steps below")
    return reason


def _patient_texts(document: Mapping[str, Any]) -> Iterable[str]:
    for option in document.get("options", []):
        yield str(option.get("name", ""))
        for risk in option.get("risks", []):
            yield from (str(risk.get(k, "")) for k in ("effect", "rate", "lasts", "what_to_do"))
    for finding in document.get("findings", []):
        yield str(finding.get("name", ""))
        yield str(finding.get("rationale", ""))
        yield from (str(a) for a in finding.get("adjustments", []))
    for steps in (document.get("protocol") or {}).values():
        yield from (str(step.get("text", "")) for step in steps if isinstance(step, Mapping))
    yield from (str(n) for n in document.get("notes", []))


def glossary_for(texts: Iterable[str], glossary: Iterable[GlossaryTerm]) -> list[GlossaryTerm]:
    """The glossary's terms that some text uses (any of a term's forms, as a whole word, in any case)."""
    joined = "\n".join(texts).lower()
    return [term for term in glossary if any(_uses(joined, form) for form in term.forms)]


def _uses(text: str, form: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(form)}(?![a-z])", text) is not None
