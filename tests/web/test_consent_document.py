"""The consent's pure parts: reading a drawn signature strictly, and generating the document from a plan."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import textstat

from lasercare.practice.consent.defaults import default_wordings
from lasercare.practice.consent.document import (
    TemplateText,
    build_document,
    course_sessions,
    document_sha256,
    findings_for,
)
from lasercare.practice.consent.models import FAMILIES
from lasercare.practice.consent.signature import MAX_POINTS, SignatureError, read_signature
from tests.engine.test_patient_voice import JARGON


def test_a_signature_of_straight_strokes_is_read_and_stored_in_one_form() -> None:
    signature = read_signature(" M10 10 L40,30 L80.25 20M100 50L150 60 ")
    assert signature.path_data == "M10 10L40 30L80.25 20M100 50L150 60"
    assert signature.strokes == 2


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("", "missing"),
        ("   ", "missing"),
        ("M10 10 C20 20 30 30 40 40", "could not be read"),
        ("M10 10 L20 20 Z", "could not be read"),
        ("M1e2 10 L20 20", "could not be read"),
        ("M-10 10 L20 20", "could not be read"),
        ('M10 10 L20 20"/><script>alert(1)</script>', "could not be read"),
        ("<path d='M10 10 L20 20'/>", "could not be read"),
        ("L10 10 L40 40", "could not be read"),
        ("M10 10 L40", "could not be read"),
        ("M10 10 L700 40", "outside the signing box"),
        ("M10 10 L40 201", "outside the signing box"),
        ("M10 10", "too short"),
        ("M10 10 L12 11", "too short"),
        ("M10 10 M60 60", "too short"),
    ],
)
def test_anything_but_plain_path_data_of_a_real_signature_is_refused(data: str, says: str) -> None:
    with pytest.raises(SignatureError, match=says):
        read_signature(data)


def test_a_signature_with_too_many_points_is_refused() -> None:
    data = "M0 0" + "L10 10L20 20" * (MAX_POINTS // 2 + 1)
    with pytest.raises(SignatureError, match="too long"):
        read_signature(data)


def test_a_signature_longer_than_can_be_stored_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(SignatureError, match="too long"):
        read_signature("M10 10" + " " * 50_000 + "L40 40")


def _option(modality: str, suitability: str = "recommended", **changes: Any) -> dict[str, Any]:
    option: dict[str, Any] = {
        "modality": modality,
        "name": f"Treatment {modality}",
        "suitability": suitability,
        "family": "pigment",
        "sessions": {"min": 2, "max": 5},
        "interval_weeks": {"min": 4, "max": 6},
        "downtime_days": {"min": 1, "max": 3},
        "risks": [{"effect": "Crusting", "rate": "expected", "evidence": "W", "sources": ["x"]}],
    }
    option.update(changes)
    return option


PLAN: dict[str, Any] = {
    "course": {"modality": "a", "sessions": 3},
    "findings": [
        {"code": "f1", "name": "One", "severity": "precaution", "applies_to": ["a"], "rationale": "r1"},
        {"code": "f1", "name": "One", "severity": "precaution", "applies_to": ["b"], "rationale": "r1"},
        {"code": "f2", "name": "Two", "severity": "relative", "applies_to": ["all"], "rationale": "r2"},
        {"code": "f3", "name": "Three", "severity": "relative", "applies_to": ["c"], "rationale": "r3"},
    ],
}
TEMPLATE = TemplateText(family="pigment", version=2, title="Consent", body="Our words.")


def test_the_sessions_are_the_courses_when_the_course_is_of_the_chosen_treatment() -> None:
    assert course_sessions(PLAN, _option("a")) == 3


def test_the_sessions_are_the_treatments_most_when_another_treatment_was_chosen() -> None:
    assert course_sessions(PLAN, _option("b")) == 5


def test_findings_are_those_of_the_treatment_or_of_every_treatment_each_once() -> None:
    plan = {**PLAN, "findings": [*PLAN["findings"], PLAN["findings"][1]]}
    assert [f["code"] for f in findings_for(plan, "b")] == ["f1", "f2"]


def test_alternatives_are_the_other_suitable_options_then_no_treatment() -> None:
    options = [_option("a"), _option("b", "acceptable"), _option("c", "not_advised"), _option("d", "contraindicated")]
    document = build_document(
        PLAN, options, "a", patient_name="Jane Doe", prepared_on=date(2026, 12, 1), template=TEMPLATE
    )
    assert [a["name"] for a in document["alternatives"]] == ["Treatment b", "No treatment"]
    assert document["alternatives"][0]["summary"] == "Acceptable; 2-5 sessions; 1-3 days to recover"


def test_every_risk_keeps_its_rate_and_says_its_evidence_level_in_words() -> None:
    document = build_document(
        PLAN, [_option("a")], "a", patient_name="Jane Doe", prepared_on=date(2026, 12, 1), template=TEMPLATE
    )
    assert document["risks"] == [
        {
            "effect": "Crusting",
            "rate": "expected",
            "lasts": "",
            "what_to_do": "",
            "evidence": "W",
            "evidence_words": "from a weaker source only, such as a clinic's advice",
        }
    ]


def test_the_hash_does_not_depend_on_the_order_the_database_keeps_keys_in() -> None:
    assert document_sha256({"a": 1, "b": [1, {"c": "é", "d": 2}]}) == document_sha256(
        {"b": [1, {"d": 2, "c": "é"}], "a": 1}
    )
    assert document_sha256({"a": 1}) != document_sha256({"a": 2})


def test_every_family_has_default_wording_without_clinical_figures() -> None:
    wordings = default_wordings()
    assert set(wordings) == {code for code, _name in FAMILIES}
    for wording in wordings.values():
        assert wording.title and wording.body
        assert not any(character.isdigit() for character in wording.body), wording.title
        assert "%" not in wording.body


def test_the_default_consent_wording_is_plain() -> None:
    """The default templates speak to the patient as the knowledge base's patient voice does: about school grade 6-8
    and no clinical term where a plain word will do (tests/engine/test_patient_voice.py has the list)."""
    for family, wording in default_wordings().items():
        text = f"{wording.title}. {wording.body}"
        assert textstat.flesch_kincaid_grade(wording.body) <= 8, family
        for pattern in JARGON:
            assert not re.search(pattern, text, re.IGNORECASE), (family, pattern)
