"""Properties every plan holds, over thousands of random valid intakes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings

from lasercare.engine import Knowledge, make_plan, plan_to_dict, read_intake
from lasercare.engine.codes import SUITABILITIES
from lasercare.engine.protocols import Circumstances, ready_on
from tests.conftest import contract
from tests.engine.intake_strategies import ON, intake
from tests.vignette_rules import schedule_failures

PLAN_SCHEMA = contract("plan.schema.json")
INTAKE_SCHEMA = contract("intake.schema.json")
MANY = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _plan(doc: dict[str, Any], knowledge: Knowledge) -> dict[str, Any]:
    return plan_to_dict(make_plan(read_intake(doc, ON), ON, knowledge))


@MANY
@given(doc=intake())
def test_every_plan_satisfies_the_plan_contract(doc: dict[str, Any], knowledge: Knowledge) -> None:
    jsonschema.validate(doc, INTAKE_SCHEMA)  # the strategy itself stays within the intake contract
    jsonschema.validate(_plan(doc, knowledge), PLAN_SCHEMA)


@MANY
@given(doc=intake())
def test_a_modality_under_an_absolute_finding_is_contraindicated(doc: dict[str, Any], knowledge: Knowledge) -> None:
    plan = _plan(doc, knowledge)
    suitability = {o["modality"]: o["suitability"] for o in plan["options"]}
    for finding in plan["findings"]:
        if finding["severity"] != "absolute":
            continue
        applies = suitability if finding["applies_to"] == ["all"] else finding["applies_to"]
        for modality in applies:
            if modality in suitability:
                assert suitability[modality] == "contraindicated", (finding["code"], modality)


@MANY
@given(doc=intake())
def test_pregnancy_or_breastfeeding_means_not_eligible(doc: dict[str, Any], knowledge: Knowledge) -> None:
    plan = _plan(doc, knowledge)
    if doc["patient"].get("pregnant") or doc["patient"].get("breastfeeding"):
        assert plan["eligible"] is False
        assert plan["schedule"] == []


@MANY
@given(doc=intake())
def test_types_v_and_vi_never_get_fully_ablative_resurfacing_recommended(
    doc: dict[str, Any], knowledge: Knowledge
) -> None:
    plan = _plan(doc, knowledge)
    if plan["phototype"]["fitzpatrick"] in ("V", "VI"):
        for option in plan["options"]:
            if option["modality"] in ("co2_full", "erbium_full"):
                assert option["suitability"] != "recommended"


@MANY
@given(doc=intake())
def test_options_are_ordered_by_suitability(doc: dict[str, Any], knowledge: Knowledge) -> None:
    ranks = [SUITABILITIES.index(o["suitability"]) for o in _plan(doc, knowledge)["options"]]
    assert ranks == sorted(ranks)


@MANY
@given(doc=intake())
def test_the_schedule_respects_intervals_and_every_waiting_period(doc: dict[str, Any], knowledge: Knowledge) -> None:
    plan = _plan(doc, knowledge)
    assert schedule_failures(plan, ON) == []
    if not plan["schedule"]:
        return
    first = date.fromisoformat(plan["schedule"][0]["earliest_on"])
    chosen = plan["course"]["modality"]
    for finding in plan["findings"]:
        applies = finding["applies_to"] == ["all"] or chosen in finding["applies_to"]
        if applies and "wait_until" in finding:
            assert first >= date.fromisoformat(finding["wait_until"]), finding["code"]
    sun = doc.get("history", {}).get("last_sun_exposure_on")
    if sun and (ON - date.fromisoformat(sun)).days < knowledge.policy.days("tan_wait_days"):
        assert first >= date.fromisoformat(sun) + timedelta(days=knowledge.policy.days("tan_wait_days"))


@MANY
@given(doc=intake())
def test_every_finding_and_option_cites_a_source_in_the_bibliography(doc: dict[str, Any], knowledge: Knowledge) -> None:
    plan = _plan(doc, knowledge)
    listed = {s["id"] for s in plan["bibliography"]}
    for item in plan["findings"] + plan["options"]:
        assert item["sources"]
        for source in item["sources"]:
            assert source in knowledge.sources
            assert source in listed


@MANY
@given(doc=intake())
def test_no_plan_ever_advises_stopping_an_anticoagulant(doc: dict[str, Any], knowledge: Knowledge) -> None:
    import re

    forbidden = re.compile(
        r"(?<!not )(?<!never )\b(stop|discontinue|hold|pause|withhold)\w*\s+(taking\s+)?(your\s+|any\s+)?"
        r"(warfarin|anticoagula\w*|blood[- ]thinn\w*)",
        re.I,
    )
    plan = _plan(doc, knowledge)
    texts = [s["text"] for part in plan["protocol"].values() for s in part]
    texts += [f["rationale"] for f in plan["findings"]] + [o["rationale"] for o in plan["options"]]
    assert not [t for t in texts if forbidden.search(t)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=intake())
def test_the_fast_json_line_is_the_plan_document(doc: dict[str, Any], knowledge: Knowledge) -> None:
    import json

    from lasercare.engine import plan_to_json

    plan = make_plan(read_intake(doc, ON), ON, knowledge)
    line = plan_to_json(plan)
    assert "\n" not in line
    assert json.loads(line) == plan_to_dict(plan)


@MANY
@given(doc=intake())
def test_no_first_session_comes_before_a_required_preparation_steps_lead_time(
    doc: dict[str, Any], knowledge: Knowledge
) -> None:
    """Every preparation step that must be done before treatment (not "optional") holds the first session: the
    schedule starts no earlier than the step's lead time allows, counted as the engine counts it."""
    made = make_plan(read_intake(doc, ON), ON, knowledge)
    if not made.schedule:
        return
    blocking = {step.id: step for step in knowledge.steps if step.blocks_first_session}
    sun = doc.get("history", {}).get("last_sun_exposure_on")
    who = Circumstances(
        phototype=made.phototype.fitzpatrick,
        findings=frozenset(),
        medication_classes=frozenset(),
        areas=frozenset(),
        last_sun_exposure_on=date.fromisoformat(sun) if sun else None,
    )
    for step in made.protocol.preparation:
        if step.id in blocking:
            assert made.schedule[0].earliest_on >= ready_on(blocking[step.id], who, knowledge, ON), step.id


@MANY
@given(doc=intake())
def test_an_uncertain_medicine_is_always_read_as_the_riskier_medicine_and_flagged(
    doc: dict[str, Any], knowledge: Knowledge
) -> None:
    made = make_plan(read_intake(doc, ON), ON, knowledge)
    codes = {finding.code for finding in made.findings}
    for medication in made.medications:
        if medication.status == "uncertain":
            assert "uncertain_medication" in codes
            assert medication.suggestion
            suggested = medication.suggestion.split(" or ")
            riskier = {c for name in suggested for c in knowledge.lexicon.medicines[name].classes}
            if medication.route != "topical":
                assert riskier <= set(medication.classes)
        if medication.status == "unknown":
            assert "unknown_medication" in codes
