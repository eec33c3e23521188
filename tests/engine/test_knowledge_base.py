"""The knowledge base: complete against the vocabulary, and a broken file names the file, entry and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lasercare.engine import Knowledge, KnowledgeError, load_knowledge
from lasercare.engine.codes import CONCERNS, FINDINGS, MODALITIES
from lasercare.engine.knowledge_base import KNOWLEDGE_DIR
from tests.conftest import CONTRACTS


def vocabulary_codes(section: str) -> list[str]:
    """The codes listed in one section of contracts/vocabulary.md."""
    text = (CONTRACTS / "vocabulary.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", body, re.MULTILINE)


@pytest.fixture
def knowledge_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the knowledge files to break, with its own cache."""
    monkeypatch.setenv("LASERCARE_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, copy)
    return copy


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(directory: Path) -> tuple[str, ...]:
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(directory=str(directory))
    return raised.value.problems


def test_every_modality_and_finding_code_of_the_vocabulary_is_in_the_knowledge(knowledge: Knowledge) -> None:
    assert vocabulary_codes("Modalities") == list(MODALITIES)
    assert vocabulary_codes("Contraindications and precautions (finding codes)") == list(FINDINGS)
    assert vocabulary_codes("Concerns") == list(CONCERNS)
    assert set(knowledge.modalities) == set(MODALITIES)
    assert set(knowledge.findings) == set(FINDINGS)


def test_every_concern_is_treated_by_some_modality(knowledge: Knowledge) -> None:
    treated = {concern for m in knowledge.modalities.values() for concern in m.indications}
    assert treated == set(CONCERNS)


def test_the_version_is_the_release_plus_a_content_hash(knowledge: Knowledge) -> None:
    assert re.fullmatch(r"\d{4}\.\d+\.\d+\+[0-9a-f]{12}", knowledge.version)


def test_a_wrong_field_names_the_file_the_entry_and_the_field(knowledge_copy: Path) -> None:
    replace_in(
        knowledge_copy / "modalities.toml", "sessions = { min = 3, max = 6", 'sessions = { min = "three", max = 6'
    )
    problems = problems_of(knowledge_copy)
    assert any(p.startswith("modalities.toml [nafl_1550].sessions.min: must be a number") for p in problems)


def test_a_source_missing_from_the_bibliography_is_reported(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "findings.toml", '"trivedi-kroumpouzos-murase-2017"', '"no-such-paper-2099"')
    problems = problems_of(knowledge_copy)
    assert "findings.toml [pregnancy].sources: 'no-such-paper-2099' is not in the bibliography" in problems[0]


def test_every_problem_is_reported_at_once(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "modalities.toml", 'family = "vascular"', 'family = "vessels"')
    replace_in(knowledge_copy / "protocols.toml", 'phase = "day_of"', 'phase = "on_the_day"')
    problems = problems_of(knowledge_copy)
    assert any("modalities.toml [pdl].family" in p for p in problems)
    assert any("protocols.toml [eyewear].phase" in p for p in problems)


def test_a_missing_modality_of_the_vocabulary_is_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / "modalities.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[lp_1064]")
    path.write_text(text[:start].rsplit("# ---", 1)[0], encoding="utf-8")
    assert "modalities.toml: modality lp_1064 of the vocabulary is missing" in problems_of(knowledge_copy)


def test_a_file_that_is_not_toml_is_reported_with_its_name(knowledge_copy: Path) -> None:
    (knowledge_copy / "policy.toml").write_text("retinoid_pause_days = [", encoding="utf-8")
    assert problems_of(knowledge_copy)[0].startswith("policy.toml: not valid TOML")


def test_advice_to_stop_an_anticoagulant_is_refused(knowledge_copy: Path) -> None:
    replace_in(
        knowledge_copy / "protocols.toml",
        "Keep taking your anticoagulant or antiplatelet medicine exactly as prescribed.",
        "Stop your warfarin 5 days before.",
    )
    problems = problems_of(knowledge_copy)
    assert any("[anticoagulant-continue].text: advises stopping an anticoagulant" in p for p in problems)


def test_two_ids_for_one_work_are_refused(knowledge_copy: Path) -> None:
    with (knowledge_copy / "sources" / "clinical.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[waldman-again]\ncitation = "Waldman A, et al."\nkind = "consensus"\n'
            'doi = "10.1097/DSS.0000000000001166"\n'
        )
    assert any("is also the doi of waldman-2017" in p for p in problems_of(knowledge_copy))


def test_editing_a_file_changes_the_version_despite_the_cache(knowledge_copy: Path) -> None:
    before = load_knowledge(directory=str(knowledge_copy)).version
    release = before.split("+")[0]
    replace_in(knowledge_copy / "meta.toml", f'version = "{release}"', f'version = "{release}.9"')
    after = load_knowledge(directory=str(knowledge_copy)).version
    assert after.startswith(f"{release}.9+")
    assert after.split("+")[1] != before.split("+")[1], "the content hash changes with the file"


def test_a_clinic_policy_value_is_labelled_as_the_clinics(tmp_path: Path) -> None:
    policy = tmp_path / "clinic.toml"
    policy.write_text("tan_wait_days = 42\nprocedure_wait_days = { filler = 21 }\n", encoding="utf-8")
    knowledge = load_knowledge(policy)
    tan = knowledge.policy.values["tan_wait_days"]
    assert (tan.value, tan.changed_by_clinic, tan.evidence.level) == (42, True, "P")
    assert "default is 28" in tan.evidence.note
    assert knowledge.policy.procedure_wait_days("filler") == 21
    assert knowledge.policy.procedure_wait_days("surgery") == 42  # the other defaults stay
    assert knowledge.policy.origin == "clinic.toml"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("retinoid_days = 3", "retinoid_days: not a clinic-policy key"),
        ('tan_wait_days = "four weeks"', "tan_wait_days: must be a valid int"),
        ("hydroquinone_priming = 1", "hydroquinone_priming: must be a valid bool"),
        ('[prices]\nipl = { per_session = 250, currency = "euro" }', "prices.ipl.currency"),
        ('[prices]\nlaser = { per_session = 250, currency = "EUR" }', "prices.laser: not a modality code"),
    ],
)
def test_a_wrong_clinic_policy_names_the_key(tmp_path: Path, line: str, message: str) -> None:
    policy = tmp_path / "clinic.toml"
    policy.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(policy)
    assert any(message in p for p in raised.value.problems)
    assert "clinic policy file" in str(raised.value)


def test_a_source_status_is_confirmed_mirror_or_unconfirmed(knowledge_copy: Path) -> None:
    replace_in(
        knowledge_copy / "sources" / "clinical.toml",
        "[eilers-2013]\n",
        '[eilers-2013]\nstatus = "seen somewhere"\n',
    )
    problems = problems_of(knowledge_copy)
    expected = "sources/clinical.toml [eilers-2013].status: 'seen somewhere' is not one of"
    assert any(p.startswith(expected) for p in problems)


def test_the_old_unverified_flag_is_refused(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "sources" / "clinical.toml", "[eilers-2013]\n", "[eilers-2013]\nunverified = true\n")
    problems = problems_of(knowledge_copy)
    assert any(p.startswith("sources/clinical.toml [eilers-2013].unverified: unknown field") for p in problems)


def test_a_patient_sees_only_confirmed_sources_that_are_no_clinic_or_manufacturer_page(knowledge: Knowledge) -> None:
    for source in knowledge.sources.values():
        assert source.status in ("confirmed", "mirror", "unconfirmed")
        expected = source.status == "confirmed" and source.kind not in ("clinic_page", "manufacturer")
        assert source.for_patients is expected, source.id
    assert any(s.for_patients and s.kind == "patient_page" for s in knowledge.sources.values())


def test_a_citation_patients_may_see_carries_no_remark_about_what_could_not_be_confirmed(knowledge: Knowledge) -> None:
    """Remarks on what could not be seen belong in the note: a patient's reference list shows the citation.

    Only the bibliographies of clinical facts and modalities are held to it here (sources/medications.toml is kept
    by the medication lexicon's owners)."""
    import tomllib

    vancouver = re.compile(r"\[Internet\]|\[cited [^\]]*\]")  # the standard bracketed parts of a web citation
    ids: set[str] = set()
    for name in ("clinical.toml", "modalities.toml"):
        with open(Path(KNOWLEDGE_DIR) / "sources" / name, "rb") as handle:
            ids.update(tomllib.load(handle))
    for source_id in sorted(ids):
        source = knowledge.sources[source_id]
        if source.for_patients:
            assert "[" not in vancouver.sub("", source.citation), source_id
            assert "not confirmed" not in source.citation and "not shown" not in source.citation, source_id


def test_an_aftercare_step_lasting_days_runs_from_the_day_after_the_session(knowledge: Knowledge) -> None:
    """`for_days` is a duration ("for 7 days"): the step applies on days 1 to 7, not from day 7."""
    step = next(s for s in knowledge.steps if s.id == "nonablative-actives")
    assert (step.days_after, step.for_days, step.last_day_after) == (1, 7, 7)


def test_a_duration_on_a_step_that_is_not_aftercare_is_refused(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "protocols.toml", "days_before = 14\n", "days_before = 14\nfor_days = 7\n")
    problems = problems_of(knowledge_copy)
    assert any("[hydroquinone-priming].for_days: only an aftercare step lasts days" in p for p in problems)


def test_a_step_given_both_a_day_and_a_duration_is_refused(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "protocols.toml", "for_days = 7\n", "for_days = 7\ndays_after = 7\n")
    problems = problems_of(knowledge_copy)
    assert any("[nonablative-actives].for_days: a step lasting days runs from the day after" in p for p in problems)


def test_a_duration_of_no_days_is_refused(knowledge_copy: Path) -> None:
    replace_in(knowledge_copy / "protocols.toml", "for_days = 7\n", "for_days = 0\n")
    problems = problems_of(knowledge_copy)
    assert any("[nonablative-actives].for_days: must be at least 1" in p for p in problems)
