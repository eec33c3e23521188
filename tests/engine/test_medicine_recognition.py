"""Medications as people write them: names, brands, doses, case, accents, routes, other languages and misspellings.

The figures behind the floors pinned at the end are printed by bench/medicine_recognition.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lasercare.engine import Knowledge, KnowledgeError, load_knowledge
from lasercare.engine.knowledge_base import KNOWLEDGE_DIR
from lasercare.engine.medicines import normalise, read_medicine
from tests.engine.recognition_sets import (
    RecallReport,
    everyday_results,
    generated_variants,
    measure_false_matches,
    measure_recall,
    ordinary_words,
    risk_spellings,
    unlisted_medicines,
)


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
        ("Johanniskraut", "photosensitiser"),
        ("millepertuis", "photosensitiser"),
        ("warfarin sodium 5 mg", "vitamin_k_antagonist"),
        ("Marcumar", "vitamin_k_antagonist"),
        ("Eliquis 5mg bd", "doac"),
        ("aspirin 75 mg", "antiplatelet"),
        ("Acetylsalicylsäure 100", "antiplatelet"),
        ("clopidogrel", "antiplatelet"),
        ("ibuprofen 400 mg", "nsaid"),
        ("fish oil", "bleeding_supplement"),
        ("Ginkgo biloba", "bleeding_supplement"),
        ("methyl aminolevulinate", "photodynamic"),
        ("methotrexate 15 mg weekly", "immunosuppressant"),
        ("auranofin", "gold"),
        ("Ridaura", "gold"),
        ("sodium aurothiomalate", "gold"),
    ],
)
def test_names_brands_languages_and_doses_are_recognised(written: str, expected: str, knowledge: Knowledge) -> None:
    reading = read_medicine(written, knowledge.lexicon)
    assert reading.status == "recognised"
    assert expected in reading.classes


def test_two_medicines_in_one_entry_give_both_classes(knowledge: Knowledge) -> None:
    assert {"antiplatelet", "vitamin_k_antagonist"} <= classes_of("aspirin and warfarin", knowledge)


def test_an_unknown_name_is_not_recognised(knowledge: Knowledge) -> None:
    assert read_medicine("zzz-unknown-pill 10 mg", knowledge.lexicon).status == "unknown"


def test_normalising_folds_case_punctuation_accents_and_saint() -> None:
    assert normalise("Saint John’s-Wort 300mg") == "st johns wort 300mg"
    assert normalise("Isotrétinoïne") == "isotretinoine"


@pytest.mark.parametrize("written", ["Acutane 40mg", "Roacutane 20 mg", "Isotretinion", "isotretinoine"])
def test_a_common_misspelling_of_isotretinoin_is_read_as_isotretinoin(written: str, knowledge: Knowledge) -> None:
    reading = read_medicine(written, knowledge.lexicon)
    assert reading.status == "recognised"
    assert reading.recognised == ("isotretinoin",)
    assert reading.classes == ("isotretinoin",)


def test_one_edit_in_a_long_name_is_near_certain(knowledge: Knowledge) -> None:
    reading = read_medicine("Doxycyclinn 100", knowledge.lexicon)
    assert (reading.status, reading.recognised) == ("recognised", ("doxycycline",))


def test_a_close_but_uncertain_name_is_read_as_the_riskier_medicine_and_says_so(knowledge: Knowledge) -> None:
    reading = read_medicine("isotretnon", knowledge.lexicon)
    assert reading.status == "uncertain"
    assert reading.suggested == ("isotretinoin",)
    assert "isotretinoin" in reading.classes


def test_a_misspelling_the_lexicon_lists_is_not_an_anchor_for_ordinary_words(knowledge: Knowledge) -> None:
    """'warfarn' is listed; 'warfare' is one edit from it but two from warfarin, and is not a medicine."""
    assert "warfarn" in knowledge.lexicon.written_forms
    assert read_medicine("warfare", knowledge.lexicon).status == "unknown"


@pytest.mark.parametrize("written", ["asx", "doxi", "mtxx", "Gold Bond powder", "finger", "iron man"])
def test_short_or_ordinary_words_are_not_matched_to_a_risk_class(written: str, knowledge: Knowledge) -> None:
    assert read_medicine(written, knowledge.lexicon).classes == ()


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("isotretinoin 0.05% gel", ("topical_retinoid",)),
        ("Isotrex", ("topical_retinoid",)),
        ("tretinoin cream", ("topical_retinoid",)),
        ("hydrocortisone cream 1%", ()),
        ("prednisolone 5 mg tablets", ("immunosuppressant",)),
        ("Voltaren gel", ()),
        ("ketoprofen gel", ("photosensitiser",)),
        ("vitamin A cream", ("topical_retinoid",)),
        ("vitamin A", ()),
    ],
)
def test_the_route_decides_the_class_of_a_topical_form(
    written: str, expected: tuple[str, ...], knowledge: Knowledge
) -> None:
    assert read_medicine(written, knowledge.lexicon).classes == expected


def test_a_combination_written_with_a_misspelt_second_part_is_the_combination(knowledge: Knowledge) -> None:
    assert "thiazide" in classes_of("candesartan hctzz", knowledge)


def test_a_combination_written_with_a_misspelt_first_part_is_the_combination(knowledge: Knowledge) -> None:
    assert "thiazide" in classes_of("candesartn hctz", knowledge)


def test_a_misspelt_chemical_name_of_isotretinoin_is_not_the_retinoic_acid_of_tretinoin(knowledge: Knowledge) -> None:
    assert classes_of("13 cis rteinoic acid", knowledge) == {"isotretinoin"}


@pytest.mark.parametrize(
    ("written", "allergy"),
    [
        ("lidocaine (hives)", "local_anaesthetic"),
        ("EMLA cream", "local_anaesthetic"),
        ("allergic to latex gloves", "latex"),
        ("chlorhexidine - rash", "antiseptic"),
        ("valaciclovir", "antiviral"),
    ],
)
def test_allergies_are_read_with_what_an_allergy_to_them_means(
    written: str, allergy: str, knowledge: Knowledge
) -> None:
    assert allergy in read_medicine(written, knowledge.lexicon).allergy_classes


def test_fuzzy_matching_is_not_even_imported_while_every_name_is_in_the_exact_index() -> None:
    script = (
        "import sys\n"
        "from lasercare.engine import load_knowledge\n"
        "from lasercare.engine.medicines import read_medicine\n"
        "lexicon = load_knowledge().lexicon\n"
        "read_medicine('Doxycycline 100 mg twice daily', lexicon)\n"
        "assert 'rapidfuzz' not in sys.modules, 'imported for a name in the exact index'\n"
        "read_medicine('Doxycyclinn', lexicon)\n"
        "assert 'rapidfuzz' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# --- the lexicon's integrity -----------------------------------------------------------------------------------


def test_every_class_the_findings_and_steps_use_is_a_class_of_the_lexicon(knowledge: Knowledge) -> None:
    used = {
        value
        for finding in knowledge.findings.values()
        for trigger in finding.triggers
        if trigger.kind == "medication_class"
        for value in trigger.values
    }
    used |= {c for step in knowledge.steps for when in step.when for c in when.medication_classes}
    assert used <= set(knowledge.medication_classes)


def test_every_risk_class_raises_a_finding(knowledge: Knowledge) -> None:
    """A class no finding reads would be recognised and then ignored (topical retinoids feed a protocol step)."""
    triggering = {
        value
        for finding in knowledge.findings.values()
        for trigger in finding.triggers
        if trigger.kind == "medication_class"
        for value in trigger.values
    }
    assert set(knowledge.medication_classes) - triggering == {"topical_retinoid"}


def test_every_medicine_of_no_class_names_the_lists_it_was_checked_against(knowledge: Knowledge) -> None:
    unclassed = [m for m in knowledge.lexicon.medicines.values() if not m.classes]
    assert len(unclassed) >= 300
    assert all(m.checked_against for m in unclassed)


@pytest.fixture
def lexicon_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LASERCARE_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    return copy


def test_a_name_given_to_two_medicines_is_refused(lexicon_copy: Path) -> None:
    extra = lexicon_copy / "medicines" / "zz_extra.toml"
    extra.write_text(
        '[[medicine]]\nname = "doxy twin"\nclasses = []\nchecked_against = ["blakely-2019"]\nbrands = ["Vibramycin"]\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory=str(lexicon_copy))
    assert any("'Vibramycin' is already a name of doxycycline" in p for p in caught.value.problems)


def test_a_medicine_of_no_class_without_the_lists_it_was_checked_against_is_refused(lexicon_copy: Path) -> None:
    (lexicon_copy / "medicines" / "zz_extra.toml").write_text(
        '[[medicine]]\nname = "newmedicinum"\nclasses = []\n', encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory=str(lexicon_copy))
    assert any("newmedicinum" in p and "checked against" in p for p in caught.value.problems)


# --- the figures, pinned at floors (bench/medicine_recognition.py prints them) ---------------------------------


@pytest.fixture(scope="module")
def generated(knowledge: Knowledge) -> RecallReport:
    return measure_recall(knowledge, generated_variants(knowledge))


def test_the_generated_set_covers_every_risk_class(knowledge: Knowledge, generated: RecallReport) -> None:
    assert set(generated.by_class) == set(knowledge.medication_classes)
    assert generated.overall.total >= 5000


def test_recall_on_the_generated_set_is_at_least_95_percent_in_every_class(generated: RecallReport) -> None:
    low = {code: round(t.recall, 3) for code, t in generated.by_class.items() if t.recall < 0.95}
    assert low == {}


def test_doses_capitals_and_brands_are_always_read(generated: RecallReport) -> None:
    for kind in ("dose", "capitals", "brand"):
        assert generated.by_kind[kind].recall >= 0.999, kind


def test_one_edit_and_swapped_letters_are_read_at_least_95_percent_of_the_time(generated: RecallReport) -> None:
    for kind in ("one_edit", "swapped"):
        tally = generated.by_kind[kind]
        assert tally.recall >= 0.95, kind
        assert tally.certain_share >= 0.75, kind


def test_every_held_apart_spelling_of_a_risk_medicine_is_read_with_its_class(knowledge: Knowledge) -> None:
    report = measure_recall(knowledge, risk_spellings())
    assert report.missed == []
    assert report.by_kind["not_in_lexicon"].total >= 20


def test_everyday_medicines_are_recognised_with_no_risk_class(knowledge: Knowledge) -> None:
    counts = everyday_results(knowledge)
    assert counts["risk"] == 0
    assert counts["unknown"] == 0
    assert counts["no_class"] >= 60


@pytest.mark.parametrize("words", [ordinary_words, unlisted_medicines], ids=["ordinary_words", "unlisted_medicines"])
def test_at_most_2_percent_of_non_medicines_are_read_as_a_risk_medicine_and_never_with_certainty(
    words: Callable[[], list[str]], knowledge: Knowledge
) -> None:
    report = measure_false_matches(knowledge, words())
    assert report.total >= 250
    assert report.risk_rate <= 0.02, report.risk
    assert all(shown.startswith("uncertain") for _, shown in report.risk), report.risk
