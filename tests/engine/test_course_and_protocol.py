"""The course's dates and the tailored preparation, day-of and aftercare steps."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from lasercare.engine import Knowledge
from tests.engine.planning import ON, intake, plan_for, step_ids


def test_sessions_are_spaced_by_the_shortest_interval(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots", "vessels", "uneven_tone")), knowledge)
    assert plan.chosen is not None and plan.chosen.modality == "ipl"
    days = [s.earliest_on for s in plan.schedule]
    assert len(days) == int(plan.chosen.sessions.min)
    assert all(b - a == timedelta(weeks=3) for a, b in pairwise(days))


def test_the_course_says_whether_it_finishes_before_the_event(knowledge: Knowledge) -> None:
    soon = plan_for(intake("II", ("texture",), goals={"ready_by": "2026-12-03"}), knowledge)
    later = plan_for(intake("II", ("texture",), goals={"ready_by": "2027-12-01"}), knowledge)
    assert soon.course is not None and soon.course.in_time is False
    assert "NOT in time" in soon.course.summary
    assert later.course is not None and later.course.in_time is True


def test_ablative_resurfacing_always_gets_antiviral_prophylaxis(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", [{"code": "wrinkles", "severity": 3}]), knowledge)
    assert "antiviral-prophylaxis" in step_ids(plan)


def test_a_cold_sore_history_adds_prophylaxis_around_the_mouth(knowledge: Knowledge) -> None:
    doc = intake("II", [{"code": "fine_lines", "severity": 1, "areas": ["perioral"]}], history={"conditions": ["hsv"]})
    plan = plan_for(doc, knowledge)
    assert plan.chosen is not None and not plan.chosen.family.startswith("ablative")
    assert "antiviral-prophylaxis" in step_ids(plan)


def test_non_ablative_treatment_away_from_the_mouth_needs_no_prophylaxis(knowledge: Knowledge) -> None:
    doc = intake("II", [{"code": "sun_spots", "areas": ["hands"]}], history={"conditions": ["hsv"]})
    assert "antiviral-prophylaxis" not in step_ids(plan_for(doc, knowledge))


def test_prophylaxis_starts_the_day_before_and_holds_the_first_session_back(knowledge: Knowledge) -> None:
    # Sun avoidance, counted from a last sun exposure months ago, is done already: only the antiviral holds.
    doc = intake("II", [{"code": "wrinkles", "severity": 3}], history={"last_sun_exposure_on": "2026-06-01"})
    plan = plan_for(doc, knowledge)
    step = next(s for s in plan.protocol.preparation if s.id == "antiviral-prophylaxis")
    assert step.days_before == 1
    assert plan.schedule[0].earliest_on == ON + timedelta(days=1)
    assert step.on == ON


def test_darker_skin_is_offered_priming_with_its_caveat_and_a_test_spot_read_weeks_later(
    knowledge: Knowledge,
) -> None:
    plan = plan_for(intake("V", ("acne_scars",)), knowledge)
    priming = next(s for s in plan.protocol.preparation if s.id == "hydroquinone-priming")
    assert "Optional" in priming.text and "weak" in priming.text
    spot = next(s for s in plan.protocol.preparation if s.id == "test-spot-dark-skin")
    assert spot.days_before == knowledge.policy.days("test_spot_wait_days_dark")
    assert "test-spot" not in step_ids(plan), "the 24-72 hour reading is replaced, not listed beside it"
    assert plan.schedule[0].earliest_on >= ON + timedelta(days=spot.days_before)


def test_a_clinic_can_switch_priming_off(knowledge: Knowledge, tmp_path: object) -> None:
    from pathlib import Path

    from lasercare.engine import load_knowledge

    policy = Path(str(tmp_path)) / "clinic.toml"
    policy.write_text("hydroquinone_priming = false\n", encoding="utf-8")
    plan = plan_for(intake("V", ("acne_scars",)), load_knowledge(policy))
    assert "hydroquinone-priming" not in step_ids(plan)


def test_a_topical_retinoid_is_paused_with_the_prescriber_asked(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("texture",), history={"medications": [{"name": "tretinoin 0.05% cream"}]}), knowledge)
    step = next(s for s in plan.protocol.preparation if s.id == "retinoid-pause")
    assert "7 days" in step.text and "ask them" in step.text
    assert plan.schedule[0].earliest_on >= ON + timedelta(days=7)


def test_eyewear_names_the_wavelength_of_the_chosen_laser(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", [{"code": "wrinkles", "severity": 3}]), knowledge)
    eyewear = next(s for s in plan.protocol.day_of if s.id == "eyewear")
    assert plan.chosen is not None
    assert f"{plan.chosen.eyewear_nm[0]:,} nm" in eyewear.text


def test_ipl_eyewear_says_ipl_is_not_a_laser(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots", "vessels")), knowledge)
    eyewear = next(s for s in plan.protocol.day_of if s.id == "eyewear")
    assert "not a laser" in eyewear.text


def test_ablative_aftercare_is_occlusive_then_sunscreen(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", [{"code": "wrinkles", "severity": 3}]), knowledge)
    aftercare = [s.id for s in plan.protocol.aftercare]
    assert aftercare.index("ablative-occlusive") < aftercare.index("ablative-sunscreen")
    assert "nonablative-cleanse" not in aftercare


def test_preparation_is_dated_back_from_the_first_session(knowledge: Knowledge) -> None:
    plan = plan_for(intake("II", ("sun_spots",), history={"last_sun_exposure_on": "2026-11-25"}), knowledge)
    first = plan.schedule[0].earliest_on
    sun = next(s for s in plan.protocol.preparation if s.id == "sun-avoidance")
    assert sun.on == max(ON, first - timedelta(days=28))
    assert first == date(2026, 12, 23)
