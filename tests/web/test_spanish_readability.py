"""The knowledge base's patient texts read plainly in Spanish too: every one is translated, and measured with
textstat's Fernández-Huerta readability for Spanish (textstat.set_lang("es")), converted to a school grade.

Fernández-Huerta (1959) is Flesch's reading ease refitted to Spanish (206.84 - 0.60 x syllables per 100 words
- 1.02 x words per sentence), on Flesch's 0-100 scale and with his bands: 90-100 very easy (grade 5), 80-90 easy
(grade 6), 70-80 fairly easy (grade 7), 60-70 standard (grades 8-9), 50-60 fairly difficult (grades 10-12). The
grade used here is that band table as a line, grade = 5 + (100 - score) / 10, so a score of 70 is grade 8.

The aim is grade 8 for the patient texts as a whole (the median), as for the English (tests/engine/
test_patient_voice.py); no single text may pass grade 11. A text under 10 words (a name, a short instruction) is not
graded: the formula is unstable on so few words (a six-word name of a laser scores grade 12).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator

import pytest
import textstat
from django.utils import translation

from lasercare.engine import load_knowledge
from lasercare.engine.knowledge_model import Knowledge
from tests.engine.test_patient_voice import patient_texts

MEDIAN_GRADE = 8
MAX_GRADE = 11
GRADED_FROM_WORDS = 10
# Names the same in both languages.
SAME_IN_SPANISH = {"Melasma", "Rosacea"}


def grade(score: float) -> float:
    """A Fernández-Huerta reading ease as a school grade (Flesch's bands as a line)."""
    return 5 + (100 - score) / 10


@pytest.fixture
def spanish() -> Iterator[None]:
    """textstat counts Spanish syllables while the test runs; its language is global, so it is put back."""
    textstat.set_lang("es")
    with translation.override("es"):
        yield
    textstat.set_lang("en_US")


def spanish_texts(knowledge: Knowledge) -> Iterator[tuple[str, str, str]]:
    """Each patient text with where it is, in English and in Spanish. A step's text is its translated template, filled
    with the clinic's policy values and a general treatment's words, as the public pages fill it."""
    for where, english in patient_texts(knowledge):
        if where.startswith("protocols.toml"):
            continue
        yield where, english, translation.gettext(english) if english else english
    from lasercare.practice.selfassessment.knowledge_text import step_text

    for step in knowledge.steps:
        with translation.override("en"):
            english = step_text(step, knowledge)
        yield f"protocols.toml [{step.id}].patient", english, step_text(step, knowledge)


def test_every_patient_text_of_the_knowledge_base_has_its_spanish(spanish: None) -> None:
    untranslated = [
        f"{where}: {english}"
        for where, english, text in spanish_texts(load_knowledge())
        if text == english and english not in SAME_IN_SPANISH
    ]
    assert untranslated == []


def test_the_spanish_patient_texts_read_at_grade_8_and_none_past_grade_11(spanish: None) -> None:
    graded = [
        (where, grade(textstat.fernandez_huerta(text)), text)
        for where, _english, text in spanish_texts(load_knowledge())
        if len(text.split()) >= GRADED_FROM_WORDS
    ]
    assert len(graded) > 150
    too_hard = [f"{where}: grade {value:.1f}: {text}" for where, value, text in graded if value > MAX_GRADE]
    assert too_hard == [], "\n".join(too_hard)
    assert statistics.median(value for _, value, _ in graded) <= MEDIAN_GRADE
