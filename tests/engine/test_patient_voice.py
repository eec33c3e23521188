"""The patient voice of the knowledge base (docs/clinical-knowledge.md, "The patient voice"): every text a patient
reads has a plain-language version beside the clinician's, written for about school grade 6-8, with no research
denominators or settings jargon; the loader requires it; plans carry it; plans stored before it get it by id."""

from __future__ import annotations

import os
import re
import shutil
import statistics
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import textstat

from lasercare.engine import load_knowledge, make_plan, plan_to_dict, read_intake
from lasercare.engine.knowledge_base import KnowledgeError
from lasercare.engine.knowledge_model import Knowledge
from lasercare.engine.patient_voice import PATIENT_DISAGREEMENT, PATIENT_NOTHING_SUITS, glossary_for, patient_document

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "src" / "lasercare" / "engine" / "knowledge"
ON = date(2026, 12, 1)

# Readability: Flesch-Kincaid grade (textstat). A name of a few words has no sentence to grade (the formula gives a
# one-word name such as "Melasma" grade 20): names are held to the jargon list only.
MAX_GRADE = 10
MAX_MEDIAN_GRADE = 8
GRADED_FROM_WORDS = 6

# What a patient text never holds: research denominators and settings, clinical terms with a plain word, and
# phototype codes (the clinician's text keeps them all).
JARGON = [
    r"\bfluence",
    r"\bprophyla",
    r"\berythema",
    r"\bpurpur",
    r"\bhyperpigment",
    r"\bhypopigment",
    r"post-inflammatory",
    r"\bPIH\b",
    r"\boedema|\bedema\b",
    r"test exposures?",
    r"\bdensity\b",
    r"\bendpoint",
    r"J/cm",
    r"\b\d+ ?ms\b",
    r"\bacneiform",
    r"\bpetechia",
    r"\bocclusive",
    r"\bepitheli",
    r"\btelangiect",
    r"\blentig",
    r"\bphotosensitis",
    r"\bchromophore",
    r"contraindicat",
    r"\bablative\b",
    r"\bsplit-face",
    r"\brandomi[sz]ed",
    r"\bMASI\b",
    r"\bKoebner",
    r"\bdyschromia",
    r"\bphoto-?ageing",
    r"\brhytid",
    r"\bperioral",
    r"\bn ?= ?\d",
    r"\bFST\b",
    r"\bFitzpatrick",
    r"\b(?:skin )?types? (?:I|II|III|IV|V|VI)\b",
    r"\b(?:I|II|III|IV|V|VI)-(?:I|II|III|IV|V|VI)\b",
    r"\b\d+ of \d+\b",
    r"\bsessions\)? in\b.*\bsubjects\b",
    r"\bsubjects\b",
    r"\bhistorical controls\b",
    r"\bseries\b",
]


def _filled(text: str, knowledge: Knowledge) -> str:
    values: dict[str, object] = {key: item.value for key, item in knowledge.policy.values.items()}
    values.update(modality="the treatment", eyewear="safety glasses", wavelengths="its wavelength")
    values.update({f"allergy_{code}": "it" for code in knowledge.allergy_classes})
    return text.format_map(values)


def patient_texts(knowledge: Knowledge) -> Iterator[tuple[str, str]]:
    """Every patient text of the knowledge base, with where it is."""
    for code, modality in knowledge.modalities.items():
        yield f"modalities.toml [{code}].patient.name", modality.patient_name
        yield f"modalities.toml [{code}].patient.about", modality.patient_about
        yield f"modalities.toml [{code}].chromophore.patient", modality.patient_chromophore
        for index, effect in enumerate(modality.side_effects):
            assert effect.patient is not None, f"{code} side effect {effect.effect} has no patient voice"
            where = f"modalities.toml [{code}].side_effects[{index}].patient"
            yield f"{where}.name", effect.patient.name
            yield f"{where}.how_often", effect.patient.how_often
            if effect.patient.lasts:
                yield f"{where}.lasts", effect.patient.lasts
            yield f"{where}.what_to_do", effect.patient.what_to_do
    for step in knowledge.steps:
        yield f"protocols.toml [{step.id}].patient", _filled(step.patient_text, knowledge)
    for code, finding in knowledge.findings.items():
        yield f"findings.toml [{code}].patient.name", finding.patient_name
        yield f"findings.toml [{code}].patient.rationale", finding.patient_rationale
        for index, rule in enumerate(finding.rules):
            if rule.patient_rationale:
                yield f"findings.toml [{code}].patient.rules[{index}].rationale", rule.patient_rationale
            for adjustment in rule.patient_adjustments:
                yield f"findings.toml [{code}].patient.rules[{index}].adjustments", adjustment
    for concern, note in knowledge.patient_notes.items():
        yield f"meta.toml patient_concern_notes.{concern}", note
    for term in knowledge.glossary:
        yield f"glossary.toml {term.term}", term.means
    yield "patient_voice.PATIENT_DISAGREEMENT", PATIENT_DISAGREEMENT
    yield "patient_voice.PATIENT_NOTHING_SUITS", PATIENT_NOTHING_SUITS


def _graded(knowledge: Knowledge) -> list[tuple[str, float, str]]:
    return [
        (where, textstat.flesch_kincaid_grade(text), text)
        for where, text in patient_texts(knowledge)
        if len(text.split()) >= GRADED_FROM_WORDS
    ]


def test_every_patient_text_reads_at_grade_10_at_most_and_the_median_at_8_at_most() -> None:
    graded = _graded(load_knowledge())
    assert len(graded) > 200
    too_hard = [f"{where}: grade {grade:.1f}: {text}" for where, grade, text in graded if grade > MAX_GRADE]
    assert not too_hard, "\n".join(too_hard)
    assert statistics.median(grade for _, grade, _ in graded) <= MAX_MEDIAN_GRADE


def test_no_patient_text_holds_research_denominators_or_jargon() -> None:
    found = []
    for where, text in patient_texts(load_knowledge()):
        assert text.strip(), f"{where} is empty"
        for pattern in JARGON:
            if re.search(pattern, text, re.IGNORECASE if not pattern.isupper() else 0):
                found.append(f"{where}: {pattern!r} in {text!r}")
        # A share is said in words ("about 1 in 4"), never as a per cent.
        if "%" in text:
            found.append(f"{where}: a per cent in {text!r}")
    assert not found, "\n".join(found)


def test_the_clinicians_text_keeps_its_figures() -> None:
    ipl = load_knowledge().modalities["ipl"]
    erythema = ipl.side_effects[0]
    assert erythema.rate == "87% of test exposures (types II-IV)"
    assert erythema.patient is not None
    assert erythema.patient.name == "Redness"
    assert "About 9 in 10" in erythema.patient.how_often
    assert "test areas" in erythema.patient.how_often  # where the figure came from, in plain words


def test_no_patient_figure_is_absent_from_the_clinicians_text() -> None:
    """A number in a side effect's patient voice comes from its clinician's rate or note (a share in words, such as
    "about 1 in 4" for 27%, is checked by reading, not here): no figure of days, weeks, months or years is made up."""
    knowledge = load_knowledge()
    for code, modality in knowledge.modalities.items():
        notes = " ".join(
            [
                modality.downtime_days.evidence.note,
                modality.pigmentary_risk_evidence.note,
                *(fit.evidence.note for fit in modality.phototype_fit.values()),
            ]
        )
        for effect in modality.side_effects:
            assert effect.patient is not None
            said = f"{effect.patient.lasts} {effect.patient.how_often}"
            for number, unit in re.findall(r"(\d+(?:\.\d+)?) (days?|weeks?|months?|years?)", said):
                clinical = f"{effect.rate} {effect.evidence.note} {notes}"
                assert number in clinical or str(round(float(number))) in clinical, (code, effect.effect, number, unit)


# --- the loader requires the patient voice ----------------------------------------------------------------------


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(directory=os.fspath(directory))
    return list(raised.value.problems)


def _drop(path: Path, pattern: str) -> None:
    text = path.read_text("utf-8")
    changed = re.sub(pattern, "", text, count=1, flags=re.MULTILINE)
    assert changed != text, pattern
    path.write_text(changed, "utf-8")


def test_a_side_effect_without_its_patient_voice_is_refused(knowledge_copy: Path) -> None:
    _drop(knowledge_copy / "modalities.toml", r"^\[ipl\.side_effects\.patient\]\n(?:[a-z_]+ = .*\n)+")
    assert any("ipl" in p and "side_effects[0].patient: is required" in p for p in _problems(knowledge_copy))


def test_a_step_without_its_patient_text_is_refused(knowledge_copy: Path) -> None:
    _drop(knowledge_copy / "protocols.toml", r'^patient = "Come with clean skin.*\n')
    assert any("[clean-skin].patient: is required" in p for p in _problems(knowledge_copy))


def test_a_step_whose_patient_text_drops_the_clinics_figure_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "protocols.toml"
    path.write_text(path.read_text("utf-8").replace(", for {sun_avoidance_weeks} weeks before", ", for weeks before"))
    assert any(
        "[sun-avoidance].patient: must give the clinic's {sun_avoidance_weeks}" in p for p in _problems(knowledge_copy)
    )


def test_a_finding_without_its_patient_voice_or_an_adjustment_is_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / "findings.toml"
    text = path.read_text("utf-8").replace('"A test spot first, checked 1 to 3 days later.", ', "", 1)
    path.write_text(text, "utf-8")
    _drop(path, r"^\[gold_therapy\.patient\]\n(?:[a-z_]+ = .*\n)+")
    problems = _problems(knowledge_copy)
    assert any("[gold_therapy].patient: is required" in p for p in problems)
    assert any("[pih_risk].patient.rules[2].adjustments: must say each" in p for p in problems)


def test_a_concern_note_without_its_patient_voice_is_refused(knowledge_copy: Path) -> None:
    _drop(knowledge_copy / "meta.toml", r"^laxity = \"No study.*\n")
    assert any("patient_concern_notes.laxity: is required" in p for p in _problems(knowledge_copy))


# --- plans carry the patient voice, and stored plans get it by id -----------------------------------------------


def _plan(**history: Any) -> dict[str, Any]:
    doc = {
        "patient": {"age": 50},
        "phototype": {"fitzpatrick": "IV"},
        "concerns": [{"code": "sun_spots"}, {"code": "laxity"}],
        "history": {"conditions": ["hsv"], **history},
    }
    return plan_to_dict(make_plan(read_intake(doc, ON), ON, load_knowledge()))


def _without_patient_voice(document: dict[str, Any]) -> dict[str, Any]:
    """The document as a plan stored before the patient voice: no patient field anywhere."""
    old = {k: v for k, v in document.items() if k != "patient_notes"}
    old["options"] = [
        {
            **{k: v for k, v in o.items() if k != "patient_name"},
            "risks": [{k: v for k, v in r.items() if k != "patient"} for r in o["risks"]],
        }
        for o in document["options"]
    ]
    old["findings"] = [{k: v for k, v in f.items() if k != "patient"} for f in document["findings"]]
    old["protocol"] = {
        phase: [{k: v for k, v in s.items() if k != "patient_text"} for s in steps]
        for phase, steps in document["protocol"].items()
    }
    return old


def test_the_plan_document_carries_both_voices() -> None:
    document = _plan()
    option = document["options"][0]
    assert option["patient_name"] and option["name"] != option["patient_name"]
    assert all(r["patient"]["how_often"] for r in option["risks"])
    assert all(s["patient_text"] for phase in document["protocol"].values() for s in phase)
    assert all(f["patient"]["name"] for f in document["findings"])
    assert len(document["patient_notes"]) == len(document["notes"]) == 1


def test_the_patient_document_puts_the_patient_voice_where_the_clinicians_was() -> None:
    document = _plan()
    voiced = patient_document(document)
    step = voiced["protocol"]["preparation"][0]
    assert step["text"] == document["protocol"]["preparation"][0]["patient_text"]
    assert step["clinical_text"] == document["protocol"]["preparation"][0]["text"]
    risk = voiced["options"][0]["risks"][0]
    assert (risk["effect"], risk["rate"]) == (
        document["options"][0]["risks"][0]["patient"]["name"],
        document["options"][0]["risks"][0]["patient"]["how_often"],
    )
    assert voiced["notes"] == document["patient_notes"]
    assert any(g["term"] == "Cold sores" for g in voiced["glossary"])
    assert patient_document(voiced) == voiced  # once is enough


def _shown(document: dict[str, Any]) -> dict[str, Any]:
    """What a patient reads of a plan document in the patient voice."""
    voiced = patient_document(document)
    return {
        "options": [
            (o["name"], [(r["effect"], r["rate"], r.get("lasts"), r.get("what_to_do")) for r in o["risks"]])
            for o in voiced["options"]
        ],
        "findings": [(f["name"], f["rationale"], f["adjustments"]) for f in voiced["findings"]],
        "steps": {phase: [s["text"] for s in steps] for phase, steps in voiced["protocol"].items()},
        "notes": voiced["notes"],
        "held_back_by": (voiced["course"] or {}).get("held_back_by"),
        "glossary": voiced["glossary"],
    }


def test_a_plan_stored_before_the_patient_voice_reads_the_same_by_id() -> None:
    document = _plan()
    assert _shown(_without_patient_voice(document)) == _shown(document)


def test_a_stored_step_keeps_the_clinics_own_figure_in_the_patient_voice() -> None:
    document = _without_patient_voice(_plan())
    step = next(s for s in document["protocol"]["preparation"] if s["id"] == "sun-avoidance")
    step["text"] = step["text"].replace("for 4 weeks", "for 9 weeks")
    voiced = next(s for s in patient_document(document)["protocol"]["preparation"] if s["id"] == "sun-avoidance")
    assert "for 9 weeks before treatment" in voiced["text"]
    assert voiced["text"].startswith("Stay out of the sun")


def test_a_stored_text_the_knowledge_base_no_longer_has_keeps_the_clinicians_words() -> None:
    document = _without_patient_voice(_plan())
    document["protocol"]["day_of"][0]["text"] = "A step as it was worded long ago."
    document["options"][0]["risks"][0]["rate"] = "a rate since revised"
    document["findings"][0]["rationale"] = "A rationale since revised."
    voiced = patient_document(document)
    assert voiced["protocol"]["day_of"][0]["text"] == "A step as it was worded long ago."
    assert voiced["options"][0]["risks"][0]["rate"] == "a rate since revised"
    assert voiced["findings"][0]["rationale"] == "A rationale since revised."


def test_the_glossary_explains_only_the_terms_a_text_uses() -> None:
    glossary = load_knowledge().glossary
    terms = [t.term for t in glossary_for(["A test spot first.", "Use an SPF 30 sunscreen."], glossary)]
    assert terms == ["Test spot", "SPF"]
    assert glossary_for(["Nothing technical here."], glossary) == []
