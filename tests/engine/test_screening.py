"""Screening: which findings an intake raises, how severe, for which modalities, and for how long."""

from __future__ import annotations

from datetime import date

from lasercare.engine import Knowledge
from tests.engine.planning import findings, intake, option, plan_for


def test_isotretinoin_stopped_five_months_ago_still_counts(knowledge: Knowledge) -> None:
    doc = intake(
        "III",
        ("acne_scars",),
        history={"medications": [{"name": "isotretinoin", "current": False, "stopped_on": "2026-07-01"}]},
    )
    plan = plan_for(doc, knowledge)
    # Absolute for full resurfacing; a precaution (the label's advice) beside fractional resurfacing.
    assert [f.severity for f in findings(plan, "isotretinoin_recent")] == ["absolute", "precaution"]
    assert option(plan, "co2_full").suitability == "contraindicated"


def test_isotretinoin_stopped_seven_months_ago_no_longer_counts(knowledge: Knowledge) -> None:
    doc = intake(
        "III",
        ("acne_scars",),
        history={"medications": [{"name": "isotretinoin", "current": False, "stopped_on": "2026-05-01"}]},
    )
    assert findings(plan_for(doc, knowledge), "isotretinoin_recent") == []


def test_isotretinoin_does_not_hold_back_fractional_or_non_ablative_lasers(knowledge: Knowledge) -> None:
    doc = intake("III", ("acne_scars",), history={"medications": [{"name": "Roaccutane 20 mg"}]})
    plan = plan_for(doc, knowledge)
    assert option(plan, "nafl_1550").suitability == "recommended"
    assert option(plan, "co2_fractional").suitability == "recommended"


def test_a_tan_ten_days_ago_delays_the_first_session_to_four_weeks_after_it(knowledge: Knowledge) -> None:
    doc = intake("II", ("sun_spots",), history={"last_sun_exposure_on": "2026-11-21"})
    plan = plan_for(doc, knowledge)
    (tan,) = findings(plan, "recent_tan")
    assert tan.wait_until == date(2026, 12, 19)
    assert plan.schedule[0].earliest_on >= date(2026, 12, 19)


def test_a_tan_longer_ago_than_the_waiting_period_raises_nothing(knowledge: Knowledge) -> None:
    doc = intake("II", ("sun_spots",), history={"last_sun_exposure_on": "2026-10-01"})
    assert findings(plan_for(doc, knowledge), "recent_tan") == []


def test_gold_therapy_ever_contraindicates_every_q_switched_and_picosecond_laser(knowledge: Knowledge) -> None:
    doc = intake(
        "II",
        ("sun_spots",),
        history={"medications": [{"name": "Myocrisin", "current": False, "stopped_on": "1998-03-01"}]},
    )
    plan = plan_for(doc, knowledge)
    assert {f.severity for f in findings(plan, "gold_therapy")} == {"absolute"}
    for modality in ("qs_532", "pico_532", "qs_1064", "pico_755", "pico_1064"):
        assert option(plan, modality).suitability == "contraindicated"
    assert option(plan, "ipl").suitability == "recommended"


def test_pregnancy_makes_every_option_contraindicated_and_the_patient_not_eligible(knowledge: Knowledge) -> None:
    doc = intake("II", ("sun_spots",))
    doc["patient"]["breastfeeding"] = True
    plan = plan_for(doc, knowledge)
    assert not plan.eligible
    assert plan.schedule == ()
    assert {o.suitability for o in plan.options} == {"contraindicated"}
    assert plan.why_not_eligible


def test_an_active_infection_stops_all_treatment_until_it_heals(knowledge: Knowledge) -> None:
    doc = intake("III", ("texture",), history={"conditions": ["active_infection"]})
    plan = plan_for(doc, knowledge)
    (finding,) = findings(plan, "active_infection")
    assert finding.severity == "absolute" and finding.applies_to == ("all",)
    assert not plan.eligible


def test_an_unrecognised_medication_asks_the_clinician_to_review_it(knowledge: Knowledge) -> None:
    doc = intake("II", ("sun_spots",), history={"medications": [{"name": "Xyzzotril 10 mg"}]})
    plan = plan_for(doc, knowledge)
    (finding,) = findings(plan, "unknown_medication")
    assert finding.severity == "precaution"
    assert "Xyzzotril 10 mg" in finding.because
    assert plan.medications[0].matched is None


def test_a_filler_last_week_holds_treatment_back_for_the_clinics_interval(knowledge: Knowledge) -> None:
    doc = intake("II", ("sun_spots",), history={"procedures": [{"kind": "filler", "on": "2026-11-24"}]})
    plan = plan_for(doc, knowledge)
    (finding,) = findings(plan, "recent_procedure")
    assert finding.wait_until == date(2026, 12, 8)
    assert plan.schedule[0].earliest_on >= date(2026, 12, 8)


def test_darker_phototypes_raise_the_pigmentary_risk_finding(knowledge: Knowledge) -> None:
    plan = plan_for(intake("IV", ("sun_spots",)), knowledge)
    severities = {f.severity for f in findings(plan, "pih_risk")}
    assert severities == {"relative", "precaution"}


def test_a_history_of_pih_raises_it_in_a_light_phototype_too(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots",), history={"conditions": ["pih_history"]}), knowledge)
    assert findings(plan, "pih_risk")


def test_melasma_makes_ablative_options_not_advised(knowledge: Knowledge) -> None:
    plan = plan_for(intake("III", ("melasma", "wrinkles")), knowledge)
    assert option(plan, "co2_fractional").suitability == "not_advised"
    assert option(plan, "co2_full").suitability == "not_advised"


def test_no_option_is_recommended_for_melasma_alone(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("melasma",)), knowledge)
    assert plan.options
    assert all(o.suitability != "recommended" for o in plan.options)


def test_warfarin_warns_of_bruising_and_never_advises_stopping_it(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots",), history={"medications": [{"name": "warfarin"}]}), knowledge)
    (finding,) = findings(plan, "anticoagulant")
    assert "bruising" in finding.rationale
    texts = [s.text for s in plan.protocol.preparation + plan.protocol.aftercare]
    assert any("Keep taking your anticoagulant" in t for t in texts)


def test_goals_no_option_can_meet_raise_unrealistic_expectations(knowledge: Knowledge) -> None:
    doc = intake("II", [{"code": "wrinkles", "severity": 3}], goals={"max_downtime_days": 0, "max_sessions": 1})
    plan = plan_for(doc, knowledge)
    (finding,) = findings(plan, "unrealistic_expectations")
    assert "wrinkles" in finding.because
