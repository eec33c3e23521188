"""`lasercare plan`, `lasercare demo` and `lasercare --help`, run as a user runs them: a fresh process each time.

The contracts are those of ../shared/DESIGN.md: exit 0 with a plan, exit 2 with a message naming the offending
field when the intake is invalid, exit 1 when the knowledge base or the clinic policy file is broken.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

ON = "2026-12-01"

INTAKE: dict[str, Any] = {
    "patient": {"age": 45, "sex": "female"},
    "phototype": {"fitzpatrick": "II"},
    "concerns": [{"code": "sun_spots", "severity": 2, "areas": ["cheeks"]}],
}

WITH_TRETINOIN: dict[str, Any] = {**INTAKE, "history": {"medications": [{"name": "tretinoin 0.05% cream"}]}}

TOML_INTAKE = """\
phototype = { fitzpatrick = "II" }

[patient]
age = 45
sex = "female"

[[concerns]]
code = "sun_spots"
areas = ["cheeks"]
"""


def write_json(tmp_path: Path, document: object, name: str = "intake.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def retinoid_step(plan: dict[str, Any]) -> str:
    texts: list[str] = [s["text"] for s in plan["protocol"]["preparation"] if "retino" in s["text"].lower()]
    assert len(texts) == 1, plan["protocol"]["preparation"]
    return texts[0]


# --- a plan from a file ------------------------------------------------------------------------------------


def test_a_json_intake_prints_a_readable_plan_with_its_sections(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare("plan", "--on", ON, str(write_json(tmp_path, INTAKE)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for section in ("PHOTOTYPE", "FINDINGS", "OPTIONS", "SOURCES"):
        assert any(line.startswith(section) for line in lines), section
    assert result.stderr == ""


def test_the_readable_plan_names_the_consultation_day_and_the_phototype(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare("plan", "--on", ON, str(write_json(tmp_path, INTAKE)))
    assert f"consultation of {ON}" in result.stdout
    assert "Fitzpatrick II" in result.stdout


def test_json_output_parses_and_satisfies_the_plan_contract(
    lasercare: Run, tmp_path: Path, plan_schema: dict[str, Any]
) -> None:
    result = lasercare("plan", "--json", "--on", ON, str(write_json(tmp_path, INTAKE)))
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    jsonschema.validate(plan, plan_schema)
    assert isinstance(plan["knowledge_version"], str)
    assert plan["knowledge_version"]


def test_json_output_records_the_consultation_day(lasercare: Run, tmp_path: Path) -> None:
    plan = json.loads(lasercare("plan", "--json", "--on", ON, str(write_json(tmp_path, INTAKE))).stdout)
    assert plan["consultation_on"] == ON


def test_the_schedule_is_counted_from_the_on_day(lasercare: Run, tmp_path: Path) -> None:
    path = str(write_json(tmp_path, INTAKE))
    first = json.loads(lasercare("plan", "--json", "--on", ON, path).stdout)
    later = json.loads(lasercare("plan", "--json", "--on", "2027-03-01", path).stdout)
    shift = date(2027, 3, 1) - date(2026, 12, 1)
    days = [date.fromisoformat(s["earliest_on"]) for s in first["schedule"]]
    assert days, "an eligible patient has a schedule"
    assert all(day >= date(2026, 12, 1) for day in days)
    assert [date.fromisoformat(s["earliest_on"]) for s in later["schedule"]] == [d + shift for d in days]


def test_a_toml_intake_file_is_planned(lasercare: Run, tmp_path: Path) -> None:
    path = tmp_path / "intake.toml"
    path.write_text(TOML_INTAKE, encoding="utf-8")
    from_toml = lasercare("plan", "--json", "--on", ON, str(path))
    from_json = lasercare("plan", "--json", "--on", ON, str(write_json(tmp_path, INTAKE)))
    assert from_toml.returncode == 0, from_toml.stderr
    assert json.loads(from_toml.stdout) == json.loads(from_json.stdout)


def test_a_toml_intake_may_write_dates_as_toml_dates(lasercare: Run, tmp_path: Path) -> None:
    path = tmp_path / "intake.toml"
    path.write_text(TOML_INTAKE + "\n[history]\nlast_sun_exposure_on = 2026-11-01\n", encoding="utf-8")
    result = lasercare("plan", "--json", "--on", ON, str(path))
    assert result.returncode == 0, result.stderr


def test_a_dash_reads_a_json_intake_from_standard_input(lasercare: Run, tmp_path: Path) -> None:
    from_stdin = lasercare("plan", "--json", "--on", ON, "-", stdin=json.dumps(INTAKE))
    from_file = lasercare("plan", "--json", "--on", ON, str(write_json(tmp_path, INTAKE)))
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


def test_a_dash_reads_a_toml_intake_from_standard_input(lasercare: Run) -> None:
    result = lasercare("plan", "--json", "--on", ON, "-", stdin=TOML_INTAKE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["phototype"]["fitzpatrick"] == "II"


# --- refusing bad input --------------------------------------------------------------------------------------


def test_an_invalid_intake_exits_2_and_names_the_field_on_stderr(lasercare: Run, tmp_path: Path) -> None:
    bad = {**INTAKE, "concerns": [{"code": "sun_spots"}, {"code": "freckles"}]}
    result = lasercare("plan", "--on", ON, str(write_json(tmp_path, bad)))
    assert result.returncode == 2
    assert "concerns[1].code" in result.stderr
    assert result.stdout == ""


def test_a_misplaced_medication_list_exits_2_naming_the_key_and_where_it_belongs(
    lasercare: Run, tmp_path: Path
) -> None:
    """A top-level "medications" once dropped warfarin silently and the plan said "no contraindication"."""
    misplaced = {**INTAKE, "medications": [{"name": "warfarin"}]}
    result = lasercare("plan", "--json", "--on", ON, str(write_json(tmp_path, misplaced)))
    assert result.returncode == 2
    assert "medications: unknown field" in result.stderr
    assert "history.medications" in result.stderr
    assert result.stdout == ""


def test_an_unknown_nested_key_exits_2_naming_its_path(lasercare: Run, tmp_path: Path) -> None:
    nested = {**INTAKE, "history": {"medications": [{"name": "warfarin", "dose": "5 mg"}]}}
    result = lasercare("plan", "--on", ON, str(write_json(tmp_path, nested)))
    assert result.returncode == 2
    assert "history.medications[0].dose" in result.stderr


def test_jsonl_names_the_path_of_an_unknown_key_in_the_field_of_its_line(lasercare: Run) -> None:
    stdin = jsonl(json.dumps({**INTAKE, "patient": {"age": 45, "name": "Ann"}}))
    result = lasercare("plan", "--jsonl", "--on", ON, stdin=stdin)
    assert result.returncode == 2
    assert json.loads(result.stdout)["field"] == "patient.name"


def test_an_invalid_intake_message_has_no_traceback(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare("plan", "--on", ON, str(write_json(tmp_path, {**INTAKE, "patient": {"age": "45"}})))
    assert "patient.age" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_intake_file_exits_2_with_a_clear_message(lasercare: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    result = lasercare("plan", "--on", ON, str(missing))
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_json_exits_2_naming_the_line_and_column(lasercare: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    text = '{\n  "patient": {"age": 45},\n  "phototype": {"fitzpatrick": "II"}\n  "concerns": []\n}\n'
    path.write_text(text, encoding="utf-8")  # the comma missing at the end of line 3 is found on line 4, column 3
    result = lasercare("plan", "--on", ON, str(path))
    assert result.returncode == 2
    assert "broken.json" in result.stderr
    assert "line 4" in result.stderr
    assert "column 3" in result.stderr


def test_invalid_toml_exits_2_naming_the_file(lasercare: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[patient\nage = 45\n", encoding="utf-8")
    result = lasercare("plan", "--on", ON, str(path))
    assert result.returncode == 2
    assert "broken.toml" in result.stderr
    assert "TOML" in result.stderr


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "tomorrow", "01/12/2026"])
def test_a_bad_on_date_exits_2_naming_the_option(lasercare: Run, tmp_path: Path, day: str) -> None:
    result = lasercare("plan", "--on", day, str(write_json(tmp_path, INTAKE)))
    assert result.returncode == 2
    assert "--on" in result.stderr
    assert result.stdout == ""


def test_plan_without_an_intake_exits_2_and_says_what_to_give(lasercare: Run) -> None:
    result = lasercare("plan", "--on", ON)
    assert result.returncode == 2
    assert "INTAKE" in result.stderr


# --- one intake per line -------------------------------------------------------------------------------------


def jsonl(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_jsonl_writes_one_plan_per_line(lasercare: Run) -> None:
    other = {**INTAKE, "phototype": {"fitzpatrick": "V"}}
    result = lasercare("plan", "--jsonl", "--on", ON, stdin=jsonl(json.dumps(INTAKE), json.dumps(other)))
    assert result.returncode == 0, result.stderr
    plans = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["phototype"]["fitzpatrick"] for p in plans] == ["II", "V"]
    assert all(p["consultation_on"] == ON for p in plans)


def test_jsonl_writes_the_same_plan_as_json(lasercare: Run) -> None:
    single = lasercare("plan", "--json", "--on", ON, "-", stdin=json.dumps(INTAKE))
    lines = lasercare("plan", "--jsonl", "--on", ON, stdin=jsonl(json.dumps(INTAKE)))
    assert json.loads(lines.stdout) == json.loads(single.stdout)


def test_jsonl_reports_an_invalid_intake_on_its_line_and_goes_on(lasercare: Run) -> None:
    bad = {**INTAKE, "patient": {"age": 200}}
    stdin = jsonl(json.dumps(INTAKE), json.dumps(bad), json.dumps(INTAKE))
    out = [json.loads(line) for line in lasercare("plan", "--jsonl", "--on", ON, stdin=stdin).stdout.splitlines()]
    assert len(out) == 3
    assert out[1]["line"] == 2
    assert "patient.age" in out[1]["error"]
    assert "knowledge_version" in out[0]
    assert "knowledge_version" in out[2]


def test_jsonl_reports_a_line_that_is_not_json_on_its_line_and_goes_on(lasercare: Run) -> None:
    stdin = jsonl("{not json", json.dumps(INTAKE))
    out = [json.loads(line) for line in lasercare("plan", "--jsonl", "--on", ON, stdin=stdin).stdout.splitlines()]
    assert out[0]["line"] == 1
    assert "JSON" in out[0]["error"]
    assert "knowledge_version" in out[1]


def test_jsonl_exits_2_at_the_end_when_any_line_was_invalid(lasercare: Run) -> None:
    stdin = jsonl(json.dumps({**INTAKE, "concerns": []}), json.dumps(INTAKE))
    result = lasercare("plan", "--jsonl", "--on", ON, stdin=stdin)
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 2


def test_jsonl_skips_blank_lines_but_counts_them_in_line_numbers(lasercare: Run) -> None:
    stdin = jsonl(json.dumps(INTAKE), "", "   ", json.dumps({**INTAKE, "concerns": []}))
    out = [json.loads(line) for line in lasercare("plan", "--jsonl", "--on", ON, stdin=stdin).stdout.splitlines()]
    assert len(out) == 2
    assert out[1]["line"] == 4


def test_jsonl_with_only_blank_lines_writes_nothing_and_exits_0(lasercare: Run) -> None:
    result = lasercare("plan", "--jsonl", "--on", ON, stdin="\n\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_jsonl_refuses_an_intake_file_argument(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare("plan", "--jsonl", str(write_json(tmp_path, INTAKE)))
    assert result.returncode == 2
    assert "standard input" in result.stderr


def test_jsonl_reports_a_line_with_a_huge_number_and_goes_on(lasercare: Run) -> None:
    huge = json.dumps({**INTAKE, "phototype": {"ita_deg": 10**400}})
    result = lasercare("plan", "--jsonl", "--on", ON, stdin=jsonl(huge, json.dumps(INTAKE)))
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0]["line"] == 1
    assert "phototype.ita_deg" in out[0]["error"]
    assert "knowledge_version" in out[1]


# --- clinic policy -------------------------------------------------------------------------------------------


def policy_file(tmp_path: Path, text: str = "retinoid_pause_days = 3\n", name: str = "clinic.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_policy_the_retinoid_pause_is_the_default_seven_days(lasercare: Run) -> None:
    plan = json.loads(lasercare("plan", "--json", "--on", ON, "-", stdin=json.dumps(WITH_TRETINOIN)).stdout)
    assert "7 days" in retinoid_step(plan)
    assert plan["policy_version"] == "default"


def test_a_clinic_policy_file_changes_the_retinoid_pause_step(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare(
        "plan", "--json", "--on", ON, "--policy", str(policy_file(tmp_path)), "-", stdin=json.dumps(WITH_TRETINOIN)
    )
    assert result.returncode == 0, result.stderr
    step = retinoid_step(json.loads(result.stdout))
    assert "3 days" in step
    assert "7 days" not in step


def test_a_clinic_policy_file_changes_the_policy_version(lasercare: Run, tmp_path: Path) -> None:
    result = lasercare(
        "plan", "--json", "--on", ON, "--policy", str(policy_file(tmp_path)), "-", stdin=json.dumps(WITH_TRETINOIN)
    )
    version = json.loads(result.stdout)["policy_version"]
    assert version
    assert version != "default"


def test_a_clinic_policy_with_an_unknown_key_exits_1_naming_the_key(lasercare: Run, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, "retinoid_pause = 3\n")
    result = lasercare("plan", "--on", ON, "--policy", str(policy), "-", stdin=json.dumps(INTAKE))
    assert result.returncode == 1
    assert "retinoid_pause" in result.stderr
    assert "clinic.toml" in result.stderr
    assert result.stdout == ""


def test_the_lasercare_policy_variable_works_like_the_policy_option(lasercare: Run, tmp_path: Path) -> None:
    env = {"LASERCARE_POLICY": str(policy_file(tmp_path))}
    result = lasercare("plan", "--json", "--on", ON, "-", stdin=json.dumps(WITH_TRETINOIN), env=env)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert "3 days" in retinoid_step(plan)
    assert plan["policy_version"] != "default"


def test_the_policy_option_wins_over_the_lasercare_policy_variable(lasercare: Run, tmp_path: Path) -> None:
    env = {"LASERCARE_POLICY": str(policy_file(tmp_path, "no_such_key = 1\n", name="broken.toml"))}
    good = str(policy_file(tmp_path))
    result = lasercare("plan", "--json", "--on", ON, "--policy", good, "-", stdin=json.dumps(WITH_TRETINOIN), env=env)
    assert result.returncode == 0, result.stderr
    assert "3 days" in retinoid_step(json.loads(result.stdout))


def test_jsonl_applies_the_clinic_policy(lasercare: Run, tmp_path: Path) -> None:
    policy = str(policy_file(tmp_path))
    result = lasercare("plan", "--jsonl", "--on", ON, "--policy", policy, stdin=jsonl(json.dumps(WITH_TRETINOIN)))
    assert "3 days" in retinoid_step(json.loads(result.stdout))


# --- help and demo -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["plan", "knowledge", "demo"])
def test_help_lists_every_command_with_a_one_line_purpose(lasercare: Run, command: str) -> None:
    result = lasercare("--help")
    assert result.returncode == 0
    assert re.search(rf"^[ \t]+{command}[ \t]+\w.{{10,}}$", result.stdout, re.MULTILINE), result.stdout


def test_no_command_prints_help_and_exits_2(lasercare: Run) -> None:
    result = lasercare()
    assert result.returncode == 2
    assert "usage: lasercare" in result.stdout + result.stderr
    for command in ("plan", "knowledge", "demo"):
        assert command in result.stdout + result.stderr


def test_demo_exits_0_and_prints_a_plan(lasercare: Run) -> None:
    result = lasercare("demo", "--on", ON)
    assert result.returncode == 0, result.stderr
    assert "PHOTOTYPE" in result.stdout
    assert "OPTIONS" in result.stdout
    assert "SOURCES" in result.stdout


def test_demo_json_parses_as_a_plan(lasercare: Run, plan_schema: dict[str, Any]) -> None:
    result = lasercare("demo", "--json", "--on", ON)
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    jsonschema.validate(plan, plan_schema)
    assert plan["consultation_on"] == ON


def test_the_on_default_is_today(lasercare: Run, tmp_path: Path) -> None:
    before = date.today()
    plan = json.loads(lasercare("plan", "--json", str(write_json(tmp_path, INTAKE))).stdout)
    assert before <= date.fromisoformat(plan["consultation_on"]) <= before + timedelta(days=1)


# --- hostile input: size, nesting and days out of range -----------------------------------------------------


def deeply_nested(levels: int) -> str:
    """An intake whose goals are a list nested `levels` deep, written as text (json.dumps itself would recurse)."""
    return json.dumps(INTAKE)[:-1] + ', "goals": ' + "[" * levels + "]" * levels + "}"


@pytest.mark.parametrize("levels", [40, 100_000])
def test_a_deeply_nested_intake_is_refused_with_exit_2_and_no_traceback(lasercare: Run, levels: int) -> None:
    result = lasercare("plan", "-", stdin=deeply_nested(levels))
    assert result.returncode == 2
    assert "nested more than 32 levels deep" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_deeply_nested_toml_intake_is_refused_with_exit_2(lasercare: Run, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("goals = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    result = lasercare("plan", str(path))
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert "nested more than 32 levels deep" in result.stderr


def test_jsonl_reports_a_deeply_nested_line_and_plans_the_next(lasercare: Run) -> None:
    result = lasercare("plan", "--jsonl", "--on", ON, stdin=jsonl(deeply_nested(100_000), json.dumps(INTAKE)))
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {"error": "nested more than 32 levels deep (an intake of the contract needs far fewer)", "line": 1}
    assert "options" in second
    assert result.returncode == 2


def test_an_intake_over_a_megabyte_is_refused_with_its_size(lasercare: Run) -> None:
    document = {**INTAKE, "goals": {"notes": "a" * 1_200_000}}
    result = lasercare("plan", "-", stdin=json.dumps(document))
    assert result.returncode == 2
    assert "bytes; the limit is 1,000,000" in result.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31"])
def test_a_consultation_day_outside_what_a_plan_can_date_is_refused(lasercare: Run, day: str) -> None:
    result = lasercare("plan", "--json", "--on", day, "-", stdin=json.dumps(INTAKE))
    assert result.returncode == 2
    assert "outside the days a plan can be made for (1900-01-01 to 2199-12-31)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_first_and_last_days_a_plan_can_be_made_for_give_a_plan(lasercare: Run, day: str) -> None:
    result = lasercare("plan", "--json", "--on", day, "-", stdin=json.dumps(INTAKE))
    assert result.returncode == 0, result.stderr
