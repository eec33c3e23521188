"""Ranking the options: suitability caps, the order within a suitability, and the reasons given."""

from __future__ import annotations

from lasercare.engine import Knowledge
from lasercare.engine.codes import SUITABILITIES
from tests.engine.planning import intake, option, plan_for


def test_only_modalities_that_treat_a_concern_are_offered(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("vessels",)), knowledge)
    assert {o.modality for o in plan.options} == {"ipl", "pdl", "kpt_532"}


def test_a_fully_ablative_laser_is_not_advised_in_type_v(knowledge: Knowledge) -> None:
    plan = plan_for(intake("V", ("wrinkles",)), knowledge)
    co2 = option(plan, "co2_full")
    assert co2.suitability == "not_advised"
    assert "phototype" in co2.decided_by
    assert "Phototype V" in co2.rationale


def test_a_questionnaire_v_vi_must_suit_type_vi_too(knowledge: Knowledge) -> None:
    doc = intake(concerns=("wrinkles",))
    doc["phototype"] = {"questionnaire": [4] * 10}
    plan = plan_for(doc, knowledge)
    assert plan.phototype.label == "V-VI"
    assert option(plan, "lp_1064").suitability == "acceptable"  # suitable in V, caution in VI


def test_downtime_beyond_the_patients_limit_is_not_advised(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("wrinkles",), goals={"max_downtime_days": 3}), knowledge)
    co2 = option(plan, "co2_full")
    assert co2.suitability == "not_advised"
    assert "downtime" in co2.decided_by
    assert "exceeds your limit of 3" in co2.rationale


def test_downtime_that_may_exceed_the_limit_is_only_acceptable(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("wrinkles",), goals={"max_downtime_days": 10}), knowledge)
    assert option(plan, "co2_full").suitability == "acceptable"


def test_more_sessions_than_the_patient_wants_is_not_advised(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("wrinkles",), goals={"max_sessions": 2}), knowledge)
    assert option(plan, "lp_1064").suitability == "not_advised"
    assert "sessions" in option(plan, "lp_1064").decided_by


def test_an_adjunct_is_never_recommended_on_its_own(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("melasma",)), knowledge)
    assert option(plan, "nafl_1927").suitability == "acceptable"
    assert "adjunct" in option(plan, "nafl_1927").rationale


def test_a_course_that_cannot_heal_before_the_event_is_only_acceptable(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots",), goals={"ready_by": "2026-12-20"}), knowledge)
    ipl = option(plan, "ipl")
    assert ipl.suitability == "acceptable"
    assert "ready_by" in ipl.decided_by


def test_options_are_ordered_by_suitability_first(knowledge: Knowledge) -> None:
    plan = plan_for(intake("IV", ("sun_spots", "wrinkles", "vessels")), knowledge)
    ranks = [SUITABILITIES.index(o.suitability) for o in plan.options]
    assert ranks == sorted(ranks)


def test_lower_pigmentary_risk_ranks_first_in_darker_skin(knowledge: Knowledge) -> None:
    plan = plan_for(intake("IV", ("sun_spots",)), knowledge)
    order = [o.modality for o in plan.options]
    assert order.index("pico_532") < order.index("qs_532")
    assert "pigmentary risk of this modality: high" in option(plan, "qs_532").rationale.lower()


def test_benefit_beyond_what_a_mild_concern_needs_does_not_count(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", [{"code": "fine_lines", "severity": 1}]), knowledge)
    assert option(plan, "co2_full").score == option(plan, "ipl").score
    order = [o.modality for o in plan.options]
    assert order.index("ipl") < order.index("co2_full")  # equal benefit: less downtime first


def test_severe_wrinkles_rank_fully_ablative_resurfacing_first(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", [{"code": "wrinkles", "severity": 3}]), knowledge)
    assert plan.chosen is not None
    assert plan.chosen.family == "ablative_full"


def test_every_option_says_what_placed_it_below_the_one_above(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots", "fine_lines")), knowledge)
    assert plan.options[0].rationale.endswith("Ranked first.")
    for above, below in zip(plan.options, plan.options[1:], strict=False):
        assert f"Ranked below {above.modality}" in below.rationale


def test_laxity_plans_say_no_quantitative_source_was_found(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("laxity",)), knowledge)
    assert any("No quantitative source" in note for note in plan.notes)
    assert "No quantitative source" in option(plan, "lp_1064").rationale


def test_a_clinic_price_list_gives_a_cost_and_weighs_the_budget(knowledge: Knowledge, tmp_path: object) -> None:
    from pathlib import Path

    from lasercare.engine import load_knowledge

    policy = Path(str(tmp_path)) / "clinic.toml"
    policy.write_text('[prices]\nipl = { per_session = 300, currency = "EUR" }\n', encoding="utf-8")
    priced = load_knowledge(policy)
    plan = plan_for(intake("II", ("sun_spots",), goals={"budget": 1000, "currency": "EUR"}), priced)
    ipl = option(plan, "ipl")
    assert ipl.cost is not None
    assert (ipl.cost.min, ipl.cost.max, ipl.cost.within_budget) == (1200, 1500, False)
    assert ipl.suitability == "acceptable" and "budget" in ipl.decided_by
