"""`lasercare knowledge check` and `lasercare knowledge show CODE`, run as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from lasercare.engine import Knowledge

Run = Callable[..., subprocess.CompletedProcess[str]]


def policy_file(tmp_path: Path, text: str, name: str = "clinic.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def shown(lasercare: Run, *args: str) -> str:
    result = lasercare("knowledge", "show", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- check ---------------------------------------------------------------------------------------------------


def test_check_exits_0_and_says_the_knowledge_base_is_ok(lasercare: Run, knowledge: Knowledge) -> None:
    result = lasercare("knowledge", "check")
    assert result.returncode == 0, result.stderr
    assert "knowledge base OK" in result.stdout
    assert knowledge.version in result.stdout


def test_check_reports_the_counts_of_what_the_knowledge_base_holds(lasercare: Run, knowledge: Knowledge) -> None:
    out = lasercare("knowledge", "check").stdout
    assert f"{len(knowledge.modalities)} modalities" in out
    assert f"{len(knowledge.findings)} findings" in out
    assert f"{len(knowledge.steps)} protocol steps" in out
    lexicon = knowledge.lexicon
    assert f"{len(lexicon.medicines)} medicines" in out
    assert f"{len(lexicon.written_forms)} names, in {len(knowledge.medication_classes)} classes" in out
    assert f"{len(knowledge.sources)} sources" in out


def test_check_reports_the_default_clinic_policy(lasercare: Run) -> None:
    assert "clinic policy: default" in lasercare("knowledge", "check").stdout


def test_check_with_a_valid_policy_reports_what_the_clinic_changed(lasercare: Run, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, "retinoid_pause_days = 3\n")
    result = lasercare("knowledge", "check", "--policy", str(policy))
    assert result.returncode == 0, result.stderr
    assert re.search(r"clinic policy: clinic\.toml \(changes: retinoid_pause_days\)", result.stdout)


def test_check_with_a_broken_toml_policy_exits_1_and_names_the_file(lasercare: Run, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, "retinoid_pause_days = \n", name="broken-policy.toml")
    result = lasercare("knowledge", "check", "--policy", str(policy))
    assert result.returncode == 1
    assert "broken-policy.toml" in result.stderr
    assert "TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_with_a_policy_value_of_the_wrong_type_exits_1_naming_the_key(lasercare: Run, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, 'retinoid_pause_days = "three"\n')
    result = lasercare("knowledge", "check", "--policy", str(policy))
    assert result.returncode == 1
    assert "retinoid_pause_days" in result.stderr


def test_check_with_a_missing_policy_file_exits_1_and_names_the_file(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare("knowledge", "check", "--policy", str(tmp_path / "absent-policy.toml"))
    assert result.returncode == 1
    assert "absent-policy.toml" in result.stderr


def test_check_reads_the_lasercare_policy_variable(lasercare: Run, tmp_path: Path) -> None:
    env = {"LASERCARE_POLICY": str(policy_file(tmp_path, "unknown_key = 1\n"))}
    result = lasercare("knowledge", "check", env=env)
    assert result.returncode == 1
    assert "unknown_key" in result.stderr


def test_knowledge_without_an_action_exits_2(lasercare: Run) -> None:
    result = lasercare("knowledge")
    assert result.returncode == 2
    assert "check" in result.stderr
    assert "show" in result.stderr


# --- show ----------------------------------------------------------------------------------------------------


def test_show_a_modality_gives_its_name_and_sources(lasercare: Run) -> None:
    out = shown(lasercare, "nafl_1550")
    assert "kind: modality" in out
    assert "name: Non-ablative fractional laser" in out
    assert re.search(r"^\s*sources: .*kaushik-alexis-2017", out, re.MULTILINE)


def test_show_a_finding_gives_its_rationale_and_sources(lasercare: Run) -> None:
    out = shown(lasercare, "hsv_history")
    assert "kind: finding" in out
    assert "herpes simplex" in out.lower()
    assert re.search(r"^rationale: \S", out, re.MULTILINE)
    assert re.search(r"^sources: \S", out, re.MULTILINE)


def test_show_a_medication_as_written_recognises_doxycycline_as_a_tetracycline(lasercare: Run) -> None:
    out = shown(lasercare, "Doxycycline 100 mg")
    assert "kind: medication" in out
    assert "recognised_as: doxycycline" in out
    assert "code: tetracycline" in out


def test_show_a_medication_class_lists_its_medicines(lasercare: Run) -> None:
    out = shown(lasercare, "tetracycline")
    assert "kind: medication_class" in out
    names = re.search(r"^medicines: (.*(?:\n\s+.*)*)", out, re.MULTILINE)
    assert names is not None
    listed = {n.strip() for n in " ".join(names.group(1).split()).split(",")}
    assert {"doxycycline", "minocycline", "tetracycline"} <= listed


def test_show_a_source_gives_its_citation_and_link(lasercare: Run) -> None:
    out = shown(lasercare, "kaushik-alexis-2017")
    assert "kind: source" in out
    assert "citation: Kaushik SB, Alexis AF." in out
    assert re.search(r"^link: https?://", out, re.MULTILINE)


def test_show_a_policy_key_gives_its_value(lasercare: Run) -> None:
    out = shown(lasercare, "retinoid_pause_days")
    assert "kind: policy" in out
    assert "value: 7" in out
    assert "changed_by_clinic: False" in out


def test_show_a_policy_key_gives_the_clinics_value_under_a_policy_file(lasercare: Run, tmp_path: Path) -> None:
    out = shown(lasercare, "retinoid_pause_days", "--policy", str(policy_file(tmp_path, "retinoid_pause_days = 3\n")))
    assert "value: 3" in out
    assert "changed_by_clinic: True" in out


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("nafl_1550", "modality"),
        ("hsv_history", "finding"),
        ("Doxycycline 100 mg", "medication"),
        ("tetracycline", "medication_class"),
        ("kaushik-alexis-2017", "source"),
        ("retinoid_pause_days", "policy"),
    ],
)
def test_show_json_parses_and_names_the_kind(lasercare: Run, code: str, kind: str) -> None:
    document = json.loads(shown(lasercare, code, "--json"))
    assert document["kind"] == kind


def test_show_json_of_a_modality_carries_its_sources(lasercare: Run) -> None:
    document = json.loads(shown(lasercare, "nafl_1550", "--json"))
    assert document["code"] == "nafl_1550"
    assert "kaushik-alexis-2017" in document["chromophore"]["sources"]


def test_show_json_of_a_medication_names_its_classes(lasercare: Run) -> None:
    document = json.loads(shown(lasercare, "Doxycycline 100 mg", "--json"))
    assert document["recognised_as"] == "doxycycline"
    assert document["status"] == "recognised"
    assert [c["code"] for c in document["classes"]] == ["tetracycline"]


def test_show_a_misspelt_medication_says_what_it_was_read_as(lasercare: Run) -> None:
    document = json.loads(shown(lasercare, "Doxycyclinn 100", "--json"))
    assert document["status"] in ("recognised", "uncertain")
    assert "doxycycline" in (document["recognised_as"] or document["did_you_mean"])
    assert [c["code"] for c in document["classes"]] == ["tetracycline"]


def test_show_an_unknown_code_exits_2_with_a_message_naming_it(lasercare: Run) -> None:
    result = lasercare("knowledge", "show", "no_such_code")
    assert result.returncode == 2
    assert "'no_such_code'" in result.stderr
    assert "not" in result.stderr
    assert result.stdout == ""


def test_show_without_a_code_exits_2(lasercare: Run) -> None:
    assert lasercare("knowledge", "show").returncode == 2


def test_check_counts_the_sources_by_kind_and_status(lasercare: Run, knowledge: Knowledge) -> None:
    out = lasercare("knowledge", "check").stdout
    assert "by kind: peer-reviewed " in out
    assert "by status: confirmed " in out
    for source in knowledge.sources.values():
        if source.status != "confirmed":
            assert f"note: source {source.id} ({source.kind}) is {source.status}" in out


def test_check_json_gives_the_same_counts(lasercare: Run, knowledge: Knowledge) -> None:
    result = lasercare("knowledge", "check", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    counts = document["sources"]
    assert counts["total"] == len(knowledge.sources)
    assert sum(counts["by_kind"].values()) == len(knowledge.sources)
    assert sum(counts["by_source_kind"].values()) == len(knowledge.sources)
    assert sum(counts["by_status"].values()) == len(knowledge.sources)
    assert counts["by_status"]["confirmed"] == sum(1 for s in knowledge.sources.values() if s.status == "confirmed")
    assert set(counts["not_confirmed"]) == {s.id for s in knowledge.sources.values() if s.status != "confirmed"}
    assert counts["for_patients"] == sum(1 for s in knowledge.sources.values() if s.for_patients)
    assert document["version"] == knowledge.version


def test_show_gives_a_sources_status_and_whether_patients_see_it(lasercare: Run) -> None:
    described = json.loads(shown(lasercare, "eilers-2013", "--json"))
    assert described["status"] == "confirmed"
    assert described["for_patients"] is True
    assert "unverified" not in described
