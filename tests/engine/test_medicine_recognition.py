"""Medications as people write them: names, brands, doses, case, accents, punctuation, routes and misspellings."""

from __future__ import annotations

import pytest

from lasercare.engine import Knowledge
from lasercare.engine.medicines import normalise, read_medicine


def classes_of(text: str, knowledge: Knowledge) -> frozenset[str]:
    return frozenset(read_medicine(text, knowledge.lexicon).classes)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("doxycycline 100 mg", "tetracycline"),
        ("Doxycycline 100mg twice daily", "tetracycline"),
        ("DOXYCYCLINE", "tetracycline"),
        ("Roaccutane 20 mg", "isotretinoin"),
        ("Accutane", "isotretinoin"),
        ("Absorica", "isotretinoin"),
        ("Claravis", "isotretinoin"),
        ("acitretin 25 mg", "oral_retinoid"),
        ("Retin-A 0.05% cream", "topical_retinoid"),
        ("ciprofloxacin 500 mg", "fluoroquinolone"),
        ("Bactrim DS", "sulfonamide"),
        ("hydrochlorothiazide 25 mg", "thiazide"),
        ("losartan/hydrochlorothiazide", "thiazide"),
        ("amiodarone", "amiodarone"),
        ("St. John's Wort", "photosensitiser"),
        ("saint johns wort", "photosensitiser"),
        ("warfarin sodium 5 mg", "vitamin_k_antagonist"),
        ("Eliquis 5mg bd", "doac"),
        ("aspirin 75 mg", "antiplatelet"),
        ("clopidogrel", "antiplatelet"),
        ("methotrexate 15 mg weekly", "immunosuppressant"),
        ("auranofin", "gold"),
        ("Ridaura", "gold"),
        ("aurothioglucose", "gold"),
        ("sodium aurothiomalate", "gold"),
    ],
)
def test_names_brands_and_doses_are_recognised(written: str, expected: str, knowledge: Knowledge) -> None:
    assert expected in classes_of(written, knowledge)


def test_two_medicines_in_one_entry_give_both_classes(knowledge: Knowledge) -> None:
    assert {"antiplatelet", "vitamin_k_antagonist"} <= classes_of("aspirin and warfarin", knowledge)


def test_an_unknown_name_is_not_recognised(knowledge: Knowledge) -> None:
    assert read_medicine("zzz-unknown-pill 10 mg", knowledge.lexicon).status == "unknown"


def test_normalising_folds_case_punctuation_accents_and_saint() -> None:
    assert normalise("Saint John’s-Wort 300mg") == "st johns wort 300mg"
    assert normalise("Isotrétinoïne") == "isotretinoine"


def test_every_class_the_findings_use_is_in_the_lexicon(knowledge: Knowledge) -> None:
    used = {
        value
        for finding in knowledge.findings.values()
        for trigger in finding.triggers
        if trigger.kind == "medication_class"
        for value in trigger.values
    }
    assert used <= set(knowledge.medication_classes)
