"""Recording a consultation: the intake as the engine read it, a history version, and the engine's draft plan."""

from __future__ import annotations

from datetime import date

import pytest

from lasercare.engine import IntakeError
from lasercare.practice.clinic.models import PolicySetting, PriceListItem, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import (
    Consultation,
    MedicalHistory,
    OverrideKind,
    PlanStatus,
    TreatmentPlan,
)
from lasercare.practice.patients.models import Patient
from tests.web.conftest import CONSULTATION_DAY, basic_intake


def test_a_consultation_keeps_the_intake_and_the_engines_plan_whole(patient: Patient, clinician: StaffUser) -> None:
    intake = basic_intake()
    plan = services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=intake)
    assert plan.consultation.intake == intake
    assert plan.status == PlanStatus.DRAFT
    assert plan.document["consultation_on"] == "2026-11-26"
    assert plan.knowledge_version == plan.document["knowledge_version"]
    assert {f["code"] for f in plan.document["findings"]} >= {"hsv_history"}


def test_each_consultation_adds_a_version_of_the_medical_history(patient: Patient, clinician: StaffUser) -> None:
    services.record_consultation(None, clinician, patient, held_on=date(2026, 10, 1), intake=basic_intake())
    later = basic_intake(history={"conditions": ["keloids"]})
    services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=later)
    versions = list(MedicalHistory.objects.filter(patient=patient).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].document["conditions"] == ["hsv"]
    assert versions[1].document["conditions"] == ["keloids"]


def test_a_new_consultation_supersedes_the_open_plan_and_links_to_it(patient: Patient, clinician: StaffUser) -> None:
    first = services.record_consultation(None, clinician, patient, held_on=date(2026, 10, 1), intake=basic_intake())
    second = services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert second.supersedes == first
    assert first.document["consultation_on"] == "2026-10-01"  # kept as it was made


def test_a_declined_plan_is_not_superseded(patient: Patient, clinician: StaffUser) -> None:
    first = services.record_consultation(None, clinician, patient, held_on=date(2026, 10, 1), intake=basic_intake())
    services.decide_plan(None, clinician, first, accepted=False)
    services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())
    first.refresh_from_db()
    assert first.status == PlanStatus.DECLINED


def test_an_intake_the_engine_rejects_stores_nothing(patient: Patient, clinician: StaffUser) -> None:
    with pytest.raises(IntakeError) as error:
        services.record_consultation(
            None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake(concerns=[])
        )
    assert error.value.field == "concerns"
    assert not Consultation.objects.exists()
    assert not TreatmentPlan.objects.exists()


def test_the_practices_clinic_policy_is_applied_and_named_in_the_plan(patient: Patient, clinician: StaffUser) -> None:
    PolicySetting.objects.create(practice=patient.practice, key="tan_wait_days", value="42")
    intake = basic_intake(history={"last_sun_exposure_on": "2026-11-16"})
    plan = services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=intake)
    assert plan.document["policy_version"] != "default"
    tan = next(f for f in plan.document["findings"] if f["code"] == "recent_tan")
    assert tan["wait_until"] == "2026-12-28"  # 42 days after the tan, not lasercare's 28


def test_the_practices_price_list_gives_a_cost_estimate(patient: Patient, clinician: StaffUser) -> None:
    PriceListItem.objects.create(practice=patient.practice, modality="ipl", per_session=250, currency="GBP")
    plan = services.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())
    ipl = next(o for o in plan.document["options"] if o["modality"] == "ipl")
    assert ipl["cost"]["currency"] == "GBP"


def test_accepting_needs_a_suitable_choice(patient: Patient, staff: dict[Role, StaffUser]) -> None:
    pregnant = basic_intake(patient={"age": 30, "sex": "female", "pregnant": True})
    plan = services.record_consultation(None, staff[Role.NURSE], patient, held_on=CONSULTATION_DAY, intake=pregnant)
    if plan.engine_choice is None:
        with pytest.raises(services.PlanActionRefused):
            services.decide_plan(None, staff[Role.CLINICIAN], plan, accepted=True)
    else:
        accepted = services.decide_plan(None, staff[Role.CLINICIAN], plan, accepted=True)
        assert accepted.chosen_modality == plan.engine_choice


def test_a_contraindicated_option_cannot_be_chosen(plan: TreatmentPlan, clinician: StaffUser) -> None:
    services.override_plan(
        None,
        clinician,
        plan,
        kind=OverrideKind.SUITABILITY,
        modality=plan.document["options"][1]["modality"],
        suitability="contraindicated",
        reason="Scarring after a previous session",
    )
    with pytest.raises(services.PlanActionRefused, match="contraindicated"):
        services.override_plan(
            None,
            clinician,
            plan,
            kind=OverrideKind.CHOICE,
            modality=plan.document["options"][1]["modality"],
            reason="try it anyway",
        )


def test_an_override_changes_what_the_plan_shows_but_not_the_engines_document(
    plan: TreatmentPlan, clinician: StaffUser
) -> None:
    modality = plan.document["options"][0]["modality"]
    before = plan.document["options"][0]["suitability"]
    services.override_plan(
        None,
        clinician,
        plan,
        kind=OverrideKind.SUITABILITY,
        modality=modality,
        suitability="not_advised",
        reason="Previous PIH after this device",
    )
    plan.refresh_from_db()
    shown = next(o for o in services.effective_options(plan) if o["modality"] == modality)
    assert shown["suitability"] == "not_advised"
    assert shown["engine_suitability"] == before
    assert plan.document["options"][0]["suitability"] == before
