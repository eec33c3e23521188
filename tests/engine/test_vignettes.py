"""Every clinical vignette passes when planned through the real `lasercare plan --json --on DAY -` command.

A failing vignette is a clinical defect: fix the knowledge base or the engine, never the case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import contract
from tests.vignette_rules import failures

# vignettes-next.json holds the cases of issue 15's rules (misspelt medicines, Koebnerising disease,
# photosensitisers with broadband light, ITA near a boundary, anticoagulants, allergy to the numbing cream).
CASES = contract("vignettes.json") + contract("vignettes-next.json")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_vignette_is_answered_correctly(
    case: dict[str, Any], lasercare: Callable[..., Any], plan_schema: dict[str, Any]
) -> None:
    result = lasercare("plan", "--json", "--on", case["on"], "-", stdin=json.dumps(case["intake"]))
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert failures(plan, case, plan_schema) == [], case["source"]


def test_the_vignette_rules_catch_a_wrong_plan(plan_schema: dict[str, Any], lasercare: Callable[..., Any]) -> None:
    """The checker itself can fail: a plan for another patient does not pass the pregnancy case."""
    case = next(c for c in CASES if c["id"] == "pregnant-sun-spots")
    not_pregnant = {**case["intake"], "patient": {"age": 31, "sex": "female"}}
    result = lasercare("plan", "--json", "--on", case["on"], "-", stdin=json.dumps(not_pregnant))
    problems = failures(json.loads(result.stdout), case, plan_schema)
    assert any("eligible" in p for p in problems)
    assert any("pregnancy" in p for p in problems)
