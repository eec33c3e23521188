"""The phototype: the clinician first, then the questionnaire, then the photo's ITA as an estimate."""

from __future__ import annotations

import pytest

from lasercare.engine import Knowledge
from lasercare.engine.intake import PhototypeEvidence
from lasercare.engine.phototype import assess_phototype, ita_category, questionnaire_type


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0, "I"), (7, "I"), (8, "II"), (16, "II"), (17, "III"), (24, "III"), (25, "IV"), (30, "IV"), (31, "V"), (40, "V")],
)
def test_questionnaire_scores_fall_in_the_resolved_bands(score: int, expected: str, knowledge: Knowledge) -> None:
    assert questionnaire_type(score, knowledge.phototype_rules)[0] == expected


def test_the_sheets_overlap_at_25_goes_to_the_darker_type(knowledge: Knowledge) -> None:
    assert questionnaire_type(25, knowledge.phototype_rules)[0] == "IV"


def test_the_questionnaire_reports_v_and_vi_together(knowledge: Knowledge) -> None:
    result = assess_phototype(PhototypeEvidence(questionnaire=(4,) * 10), knowledge.phototype_rules)
    assert (result.fitzpatrick, result.label, result.basis) == ("V", "V-VI", "questionnaire")
    assert "clinician confirms" in result.note


@pytest.mark.parametrize(
    ("ita", "category"),
    [
        (60, "very_light"),
        (55.5, "very_light"),
        (50, "light"),
        (30, "intermediate"),
        (20, "tan"),
        (0, "brown"),
        (-30.5, "dark"),
        (-90, "dark"),
    ],
)
def test_ita_categories_follow_the_published_cut_offs(ita: float, category: str, knowledge: Knowledge) -> None:
    assert ita_category(ita, knowledge.phototype_rules) == category


def test_the_clinicians_type_wins_over_the_questionnaire(knowledge: Knowledge) -> None:
    given = PhototypeEvidence(fitzpatrick="III", questionnaire=(2,) * 10)
    result = assess_phototype(given, knowledge.phototype_rules)
    assert (result.fitzpatrick, result.basis, result.questionnaire_score) == ("III", "clinician", 20)


def test_a_photo_alone_gives_an_estimate_labelled_so(knowledge: Knowledge) -> None:
    result = assess_phototype(PhototypeEvidence(ita_deg=20.0), knowledge.phototype_rules)
    assert (result.fitzpatrick, result.basis, result.ita_category) == ("IV", "photo", "tan")
    assert "estimate" in result.note


def test_sources_two_types_apart_are_reported_as_a_disagreement(knowledge: Knowledge) -> None:
    given = PhototypeEvidence(fitzpatrick="II", questionnaire=(3,) * 10)  # score 30: IV
    result = assess_phototype(given, knowledge.phototype_rules)
    assert result.fitzpatrick == "II"
    assert result.disagreement is not None
    assert "clinician: II" in result.disagreement and "IV" in result.disagreement


def test_sources_one_type_apart_are_not_a_disagreement(knowledge: Knowledge) -> None:
    given = PhototypeEvidence(fitzpatrick="III", questionnaire=(3,) * 10)  # IV
    assert assess_phototype(given, knowledge.phototype_rules).disagreement is None
