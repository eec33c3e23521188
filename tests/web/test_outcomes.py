"""Outcomes: GAIS from both sides and satisfaction always, the concern's own scales as the plan's concerns call
for, each from scales.toml with its source; values out of range refused with the form kept."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import Outcome
from lasercare.practice.charting.scales import relevant, scales
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.conftest import CONSULTATION_DAY, basic_intake

SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def nurse(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.NURSE]


def today() -> str:
    return timezone.localdate().isoformat()


def test_each_scale_keeps_the_references_wording_source_and_evidence() -> None:
    found = {scale.code: scale for scale in scales()}
    assert [level.label for level in found["gais_clinician"].levels] == [
        "very much improved",
        "much improved",
        "improved",
        "no change",
        "worse",
    ]
    assert found["goodman_baron"].source.endswith("PubMed 17199653")
    assert found["goodman_baron"].levels[2].label == "moderate (visible at >= 50 cm, flattens when stretched)"
    assert found["glogau"].levels[0].text == "I: no wrinkles (20s-30s)"
    assert [level.numeral for level in found["fitzpatrick_wrinkle"].levels] == ["I", "II", "III"]
    assert (found["mmasi"].minimum, found["mmasi"].maximum) == (Decimal(0), Decimal(24))
    assert "Pandya, JAAD 2011" in found["mmasi"].source
    assert {scale.code for scale in scales() if scale.evidence != "S"} == {"satisfaction"}
    assert found["satisfaction"].evidence_label == "practice policy"


def test_the_scales_follow_the_concerns() -> None:
    def codes(*concerns: str) -> set[str]:
        return {scale.code for scale in relevant(concerns)}

    always = {"gais_clinician", "gais_patient", "satisfaction"}
    assert codes("fine_lines") == always | {"glogau", "fitzpatrick_wrinkle"}
    assert codes("wrinkles") == always | {"glogau", "fitzpatrick_wrinkle"}
    assert codes("acne_scars") == codes("scars") == always | {"goodman_baron"}
    assert codes("melasma") == always | {"mmasi"}
    assert codes("redness") == always


def test_the_form_shows_only_the_scales_of_the_plans_concerns(
    signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser
) -> None:
    text = signed_in(nurse).get(f"/plans/{plan.public_id}/outcomes/new/").content.decode()
    for shown in ("GAIS, clinician", "GAIS, patient", "Patient satisfaction", "Glogau", "Fitzpatrick wrinkle class"):
        assert shown in text
    assert "Goodman" not in text
    assert "mMASI" not in text
    assert "I: no wrinkles (20s-30s)" in text


def test_a_melasma_plan_is_offered_mmasi(
    signed_in: SignIn, patient: Patient, clinician: StaffUser, nurse: StaffUser
) -> None:
    plan = services.record_consultation(
        None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake(concerns=[{"code": "melasma"}])
    )
    text = signed_in(nurse).get(f"/plans/{plan.public_id}/outcomes/new/").content.decode()
    assert "mMASI (0-24)" in text
    assert "Glogau" not in text


def test_an_outcome_is_recorded_and_shown_with_its_labels(
    signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser
) -> None:
    client = signed_in(nurse)
    page = client.post(
        f"/plans/{plan.public_id}/outcomes/new/",
        {"assessed_on": today(), "gais_clinician": "2", "gais_patient": "3", "satisfaction": "4", "glogau": "2"},
    )
    outcome = Outcome.objects.get()
    assert page.status_code == 302
    assert (outcome.gais_clinician, outcome.gais_patient, outcome.satisfaction, outcome.glogau) == (2, 3, 4, 2)
    text = client.get(f"/outcomes/{outcome.public_id}/").content.decode()
    assert "2: much improved" in text
    assert "4: satisfied" in text
    assert "II: wrinkles in motion (late 30s-40s)" in text


def test_a_score_out_of_range_is_refused_with_the_form_kept(
    signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser
) -> None:
    page = signed_in(nurse).post(
        f"/plans/{plan.public_id}/outcomes/new/",
        {"assessed_on": today(), "gais_clinician": "7", "satisfaction": "4", "notes": "happy with the spots"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Select a valid choice" in text
    assert "happy with the spots" in text
    assert '<option value="4" selected>' in text
    assert not Outcome.objects.exists()


def test_an_mmasi_above_24_is_refused(
    signed_in: SignIn, patient: Patient, clinician: StaffUser, nurse: StaffUser
) -> None:
    plan = services.record_consultation(
        None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake(concerns=[{"code": "melasma"}])
    )
    page = signed_in(nurse).post(f"/plans/{plan.public_id}/outcomes/new/", {"assessed_on": today(), "mmasi": "30"})
    assert page.status_code == 400
    assert "less than or equal to 24" in page.content.decode()
    with pytest.raises(charting.ChartingRefused):
        charting.record_outcome(None, nurse, plan, assessed_on=timezone.localdate(), scores={"mmasi": Decimal("30")})


def test_an_outcome_without_any_score_is_refused(signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser) -> None:
    page = signed_in(nurse).post(f"/plans/{plan.public_id}/outcomes/new/", {"assessed_on": today()})
    assert page.status_code == 400
    assert "Record at least one score." in page.content.decode()


def test_outcomes_over_time_are_tabled_per_scale(signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser) -> None:
    from datetime import timedelta

    for days, gais in ((60, 3), (30, 2)):
        charting.record_outcome(
            None, nurse, plan, assessed_on=timezone.localdate() - timedelta(days=days), scores={"gais_clinician": gais}
        )
    text = signed_in(nurse).get(f"/plans/{plan.public_id}/charts/").content.decode()
    assert "Outcomes over time" in text
    assert text.index("3: improved") < text.index("2: much improved")


def test_outcomes_are_audited(plan: TreatmentPlan, nurse: StaffUser) -> None:
    outcome = charting.record_outcome(None, nurse, plan, assessed_on=timezone.localdate(), scores={"satisfaction": 5})
    entry = AuditEntry.objects.get(record_type="outcome")
    assert (entry.action, entry.record_id, entry.patient_ref) == (
        "create",
        str(outcome.public_id),
        str(plan.patient.public_id),
    )


def test_another_practices_outcome_is_not_found(
    signed_in: SignIn, plan: TreatmentPlan, nurse: StaffUser, other_practice: object
) -> None:
    from tests.web.conftest import make_staff

    outcome = charting.record_outcome(None, nurse, plan, assessed_on=timezone.localdate(), scores={"satisfaction": 5})
    outsider = signed_in(make_staff(other_practice, Role.NURSE))  # type: ignore[arg-type]
    assert outsider.get(f"/outcomes/{outcome.public_id}/").status_code == 404
    assert outsider.get(f"/plans/{plan.public_id}/outcomes/new/").status_code == 404
