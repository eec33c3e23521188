"""The clinical rules of issue 15, one behaviour each: what the review found missing, and what the sources say.

Each test describes the patient, plans, and checks what a dermatologist would check on the plan.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from lasercare.engine import Knowledge, load_knowledge
from tests.engine.planning import ON, findings, intake, option, plan_for, step_ids

LONG_AGO = "2026-06-01"  # a last sun exposure months back: sun avoidance is done, other holds show


def history(**parts: Any) -> dict[str, Any]:
    return {"last_sun_exposure_on": LONG_AGO, **parts}


def wrinkles(phototype: str = "II", **parts: Any) -> dict[str, Any]:
    return intake(phototype, [{"code": "wrinkles", "severity": 3}], **parts)


# --- misspelt medicines carry their risk ------------------------------------------------------------------------


def test_acutan_stopped_five_weeks_ago_contraindicates_full_ablation_and_holds_nothing_else(
    knowledge: Knowledge,
) -> None:
    stopped = (ON - timedelta(weeks=5)).isoformat()
    plan = plan_for(wrinkles(history={"medications": [{"name": "Acutane 40mg", "stopped_on": stopped}]}), knowledge)
    graded = {f.severity: set(f.applies_to) for f in findings(plan, "isotretinoin_recent")}
    assert graded == {"absolute": {"co2_full", "erbium_full"}, "precaution": {"co2_fractional", "erbium_fractional"}}
    assert option(plan, "co2_full").suitability == "contraindicated"
    assert option(plan, "erbium_full").suitability == "contraindicated"
    assert plan.chosen is not None and plan.chosen.family != "ablative_full"


def test_isotretinoin_puts_the_labels_advice_beside_fractional_resurfacing_without_ruling_it_out(
    knowledge: Knowledge,
) -> None:
    # The label advises avoiding laser resurfacing; the systematic review found no reason to delay fractional
    # ablative lasers: a precaution that names both, with the option's suitability left as it was.
    plan = plan_for(wrinkles(history={"medications": [{"name": "isotretinoin"}]}), knowledge)
    precaution = next(f for f in findings(plan, "isotretinoin_recent") if f.severity == "precaution")
    assert {"isotretinoin-label", "spring-2017"} <= set(precaution.sources)
    assert "no justification to delay fractional ablative" in precaution.rationale
    assert option(plan, "co2_fractional").suitability in ("recommended", "acceptable")
    assert "findings" not in option(plan, "co2_fractional").decided_by


def test_an_uncertain_name_raises_uncertain_medication_and_is_read_as_the_riskier_medicine(
    knowledge: Knowledge,
) -> None:
    plan = plan_for(wrinkles(history={"medications": [{"name": "isotretnon 20 mg"}]}), knowledge)
    medication = plan.medications[0]
    assert (medication.status, medication.suggestion) == ("uncertain", "isotretinoin")
    assert findings(plan, "uncertain_medication")
    assert "did you mean isotretinoin?" in findings(plan, "uncertain_medication")[0].because
    assert option(plan, "co2_full").suitability == "contraindicated"
    assert "possibly isotretinoin" in findings(plan, "isotretinoin_recent")[0].because
    assert "uncertain-medication-review" in step_ids(plan)


def test_everyday_medicines_raise_no_unknown_medication(knowledge: Knowledge) -> None:
    names = ["levothyroxine 75 mcg", "metformin", "paracetamol 500mg", "salbutamol inhaler", "EMLA cream"]
    plan = plan_for(intake(history={"medications": [{"name": n} for n in names]}), knowledge)
    assert not findings(plan, "unknown_medication")
    assert all(m.status == "recognised" and not m.classes for m in plan.medications)


def test_isotretinoin_gel_is_a_topical_retinoid_not_oral_isotretinoin(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history={"medications": [{"name": "isotretinoin 0.05% gel"}]}), knowledge)
    assert not findings(plan, "isotretinoin_recent")
    assert plan.medications[0].classes == ("topical_retinoid",)
    assert "retinoid-pause" in step_ids(plan)


# --- guideline gaps ---------------------------------------------------------------------------------------------


def test_psoriasis_makes_full_ablation_not_advised_and_fractional_ablation_a_sign_off(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(conditions=["psoriasis"])), knowledge)
    assert option(plan, "co2_full").suitability == "not_advised"
    assert option(plan, "erbium_full").suitability == "not_advised"
    fractional = [f for f in findings(plan, "vitiligo") if "co2_fractional" in f.applies_to]
    assert [f.severity for f in fractional] == ["relative"]
    assert option(plan, "co2_fractional").suitability in ("acceptable", "not_advised")


def test_a_koebnerising_disease_gets_a_test_spot_read_weeks_later_and_the_first_session_waits(
    knowledge: Knowledge,
) -> None:
    plan = plan_for(intake("II", ("texture",), history=history(conditions=["vitiligo"])), knowledge)
    spot = next(s for s in plan.protocol.preparation if s.id == "test-spot-koebner")
    assert spot.days_before == knowledge.policy.days("test_spot_wait_days_koebner")
    assert plan.schedule[0].earliest_on >= ON + timedelta(days=spot.days_before)


def test_a_keloid_former_gets_a_test_spot_read_weeks_later(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("texture",), history=history(conditions=["keloids"])), knowledge)
    assert "test-spot-scarring" in step_ids(plan)
    assert "test-spot" not in step_ids(plan)
    assert plan.schedule[0].earliest_on >= ON + timedelta(days=knowledge.policy.days("test_spot_wait_days_scarring"))


def test_a_current_photosensitiser_makes_ipl_not_advised_and_lasers_need_a_test_spot(knowledge: Knowledge) -> None:
    plan = plan_for(intake(history=history(medications=[{"name": "doxycycline 100 mg"}])), knowledge)
    assert option(plan, "ipl").suitability == "not_advised"
    assert plan.chosen is not None and plan.chosen.modality != "ipl"
    assert {"test-spot", "medication-review"} <= step_ids(plan)


def test_the_demo_patient_on_doxycycline_is_not_offered_ipl_first(knowledge: Knowledge) -> None:
    import json
    from importlib.resources import files

    from lasercare.engine import read_intake
    from lasercare.engine.planner import make_plan

    document = json.loads(files("lasercare").joinpath("demo_intake.json").read_text(encoding="utf-8"))
    plan = make_plan(read_intake(document, ON), ON, knowledge)
    assert any("tetracycline" in m.classes for m in plan.medications), "the demo's patient takes doxycycline"
    assert option(plan, "ipl").suitability == "not_advised"
    assert plan.chosen is not None and plan.chosen.modality != "ipl"


def test_type_iv_keeps_full_ablation_not_advised_and_prefers_fractional_options(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles("IV"), knowledge)
    assert option(plan, "co2_full").suitability == "not_advised"
    assert option(plan, "erbium_full").suitability == "not_advised"
    assert plan.chosen is not None and plan.chosen.family != "ablative_full"


def test_an_ita_just_past_a_boundary_is_planned_as_the_darker_category_and_the_plan_says_so(
    knowledge: Knowledge,
) -> None:
    doc = intake("II", ("texture",))
    doc["phototype"] = {"ita_deg": 29.0}
    plan = plan_for(doc, knowledge)
    assert (plan.phototype.fitzpatrick, plan.phototype.basis) == ("IV", "photo")
    assert plan.phototype.ita_category == "intermediate"
    assert "within 2° of the 28° boundary" in plan.phototype.note
    assert "confirm the type before any booking" in plan.phototype.note


def test_an_ita_clear_of_a_boundary_keeps_its_category(knowledge: Knowledge) -> None:
    doc = intake("II", ("texture",))
    doc["phototype"] = {"ita_deg": 35.0}
    assert plan_for(doc, knowledge).phototype.fitzpatrick == "III"


# --- antithrombotics --------------------------------------------------------------------------------------------


def test_warfarin_before_ablative_work_asks_for_an_inr_below_the_sources_threshold(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(medications=[{"name": "warfarin 5 mg"}])), knowledge)
    assert plan.chosen is not None and plan.chosen.family.startswith("ablative")
    inr = next(s for s in plan.protocol.preparation if s.id == "inr-check")
    assert "below 3.5" in inr.text
    assert "Keep taking" in inr.text
    assert "prescriber-informed" not in step_ids(plan)


def test_a_direct_oral_anticoagulant_before_ablative_work_means_telling_the_prescriber(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles("I", history=history(medications=[{"name": "Eliquis 5 mg"}])), knowledge)
    step = next(s for s in plan.protocol.preparation if s.id == "prescriber-informed")
    assert "keep taking the medicine as prescribed" in step.text
    assert "inr-check" not in step_ids(plan)


def test_warfarin_with_clopidogrel_makes_full_ablation_not_advised(knowledge: Knowledge) -> None:
    meds = [{"name": "warfarin"}, {"name": "clopidogrel 75 mg"}]
    plan = plan_for(wrinkles(history=history(medications=meds)), knowledge)
    assert option(plan, "co2_full").suitability == "not_advised"
    assert option(plan, "erbium_full").suitability == "not_advised"
    assert "2 taken together" in next(f.because for f in findings(plan, "anticoagulant") if f.severity == "relative")
    assert plan.chosen is not None and plan.chosen.family != "ablative_full"


def test_a_tablet_of_clopidogrel_with_aspirin_is_dual_therapy(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(medications=[{"name": "DuoPlavin 75/100"}])), knowledge)
    assert option(plan, "co2_full").suitability == "not_advised"


def test_one_antithrombotic_alone_leaves_full_ablation_open(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(medications=[{"name": "clopidogrel"}])), knowledge)
    assert option(plan, "co2_full").suitability in ("recommended", "acceptable")
    assert {f.severity for f in findings(plan, "anticoagulant")} == {"precaution"}


def test_fish_oil_and_ibuprofen_warn_of_bruising_without_the_prescription_wording(knowledge: Knowledge) -> None:
    plan = plan_for(intake(history=history(medications=[{"name": "fish oil"}, {"name": "ibuprofen"}])), knowledge)
    assert findings(plan, "anticoagulant")
    assert "bleeding-otc" in step_ids(plan)
    assert "anticoagulant-continue" not in step_ids(plan)


# --- melasma ----------------------------------------------------------------------------------------------------


def test_melasma_starts_with_twelve_weeks_of_photoprotection_and_topical_treatment(knowledge: Knowledge) -> None:
    plan = plan_for(intake("III", ("melasma",), history=history()), knowledge)
    step = next(s for s in plan.protocol.preparation if s.id == "melasma-topical-first")
    assert step.days_before == 12 * 7
    assert plan.schedule[0].earliest_on >= ON + timedelta(weeks=12)


def test_no_laser_is_recommended_in_type_vi_while_melasma_is_present(knowledge: Knowledge) -> None:
    plan = plan_for(intake("VI", ("melasma", "texture"), history=history()), knowledge)
    assert all(o.suitability != "recommended" for o in plan.options)


# --- allergies --------------------------------------------------------------------------------------------------


def test_a_lidocaine_allergy_replaces_the_numbing_cream_with_cooling(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("fine_lines",), history=history(allergies=["lidocaine (hives)"])), knowledge)
    assert findings(plan, "anaesthetic_allergy")
    step = next(s for s in plan.protocol.day_of if s.id == "no-topical-anaesthetic")
    assert "containing lidocaine" in step.text
    assert "topical-anaesthetic" not in step_ids(plan)


def test_an_anaesthetic_allergy_before_full_resurfacing_needs_a_sign_off(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(allergies=["EMLA"])), knowledge)
    relative = [f for f in findings(plan, "anaesthetic_allergy") if f.severity == "relative"]
    assert relative and "co2_full" in relative[0].applies_to


def test_latex_and_chlorhexidine_allergies_change_the_day_of_treatment(knowledge: Knowledge) -> None:
    plan = plan_for(intake(history=history(allergies=["latex", "chlorhexidine - rash"])), knowledge)
    assert findings(plan, "allergy")
    ids = step_ids(plan)
    assert {"latex-free", "antiseptic-alternative"} <= ids
    cleaning = next(s for s in plan.protocol.day_of if s.id == "antiseptic-alternative")
    assert "without chlorhexidine" in cleaning.text


def test_an_allergy_to_the_prophylaxis_antivirals_holds_ablative_work_for_an_allergist(knowledge: Knowledge) -> None:
    plan = plan_for(wrinkles(history=history(allergies=["aciclovir"])), knowledge)
    relative = [f for f in findings(plan, "allergy") if f.severity == "relative"]
    assert relative and "co2_full" in relative[0].applies_to
    assert plan.chosen is not None
    if plan.chosen.family.startswith("ablative"):
        assert "antiviral-prophylaxis-allergy" in step_ids(plan)
        assert "antiviral-prophylaxis" not in step_ids(plan)


def test_an_allergy_that_changes_nothing_on_the_day_raises_no_finding(knowledge: Knowledge) -> None:
    plan = plan_for(intake(history=history(allergies=["penicillin", "peanuts"])), knowledge)
    assert not findings(plan, "allergy") and not findings(plan, "anaesthetic_allergy")


# --- preparation holds the first session ------------------------------------------------------------------------


def test_a_retinoid_pause_holds_the_first_session(knowledge: Knowledge) -> None:
    plan = plan_for(intake(history=history(medications=[{"name": "tretinoin 0.05% cream"}])), knowledge)
    assert plan.schedule[0].earliest_on >= ON + timedelta(days=knowledge.policy.days("retinoid_pause_days"))


def test_sun_avoidance_holds_the_first_session_unless_the_last_sun_was_long_enough_ago(knowledge: Knowledge) -> None:
    unknown = plan_for(intake(), knowledge)
    long_ago = plan_for(intake(history=history()), knowledge)
    weeks = knowledge.policy.days("sun_avoidance_weeks")
    assert unknown.schedule[0].earliest_on == ON + timedelta(weeks=weeks)
    assert long_ago.schedule[0].earliest_on == ON


# --- breastfeeding is a practice policy -------------------------------------------------------------------------


def test_breastfeeding_defers_treatment_as_a_practice_policy_not_as_established_evidence(
    knowledge: Knowledge,
) -> None:
    doc = intake()
    doc["patient"]["breastfeeding"] = True
    plan = plan_for(doc, knowledge)
    assert plan.eligible is False
    assert {f.evidence for f in findings(plan, "pregnancy")} == {"P"}


def test_pregnancy_stays_established_evidence(knowledge: Knowledge) -> None:
    doc = intake()
    doc["patient"]["pregnant"] = True
    assert {f.evidence for f in findings(plan_for(doc, knowledge), "pregnancy")} == {"S"}


def test_a_clinic_may_treat_during_breastfeeding(tmp_path: Path) -> None:
    policy = tmp_path / "clinic.toml"
    policy.write_text("defer_while_breastfeeding = false\n", encoding="utf-8")
    doc = intake()
    doc["patient"]["breastfeeding"] = True
    plan = plan_for(doc, load_knowledge(policy))
    assert plan.eligible is True
    assert not findings(plan, "pregnancy")
