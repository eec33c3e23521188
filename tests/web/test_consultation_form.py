"""The consultation form as the clinician fills it in: allergies, medicines read as written, and strict input."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.consultations.models import Consultation
from lasercare.practice.patients.models import Patient
from tests.web.conftest import CONSULTATION_DAY

SignIn = Callable[[StaffUser], Client]


def fields(**changes: str) -> dict[str, str]:
    data = {
        "held_on": CONSULTATION_DAY.isoformat(),
        "fitzpatrick": "II",
        "concern_fine_lines": "on",
        "severity_fine_lines": "2",
    }
    data.update(changes)
    return data


def new_url(patient: Patient) -> str:
    return f"/patients/{patient.public_id}/consultations/new/"


def preview_url(patient: Patient) -> str:
    return f"/patients/{patient.public_id}/consultations/preview/"


def test_allergies_typed_one_per_line_are_kept_in_the_intake_and_change_the_plan(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    response = signed_in(clinician).post(new_url(patient), fields(allergies="lidocaine (hives)\n\n latex \n"))
    assert response.status_code == 302
    consultation = Consultation.objects.get(patient=patient)
    assert consultation.intake["history"]["allergies"] == ["lidocaine (hives)", "latex"]
    plan = consultation.plans.get()
    assert {f["code"] for f in plan.document["findings"]} >= {"anaesthetic_allergy", "allergy"}
    assert [a["allergy_classes"] for a in plan.document["allergies"]] == [["local_anaesthetic"], ["latex"]]


def test_a_new_consultation_starts_from_the_allergies_recorded_last_time(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    client = signed_in(clinician)
    client.post(new_url(patient), fields(allergies="latex"))
    page = client.get(new_url(patient)).content.decode()
    assert 'id="id_allergies">\nlatex</textarea>' in page


def test_a_field_the_form_does_not_have_is_refused_naming_it_and_nothing_is_saved(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    response = signed_in(clinician).post(new_url(patient), fields(med_name_9="warfarin", medications="warfarin"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "The form sent fields it does not have (med_name_9, medications)" in page
    assert not Consultation.objects.exists()


def test_the_preview_offers_the_likely_medicine_for_a_misspelt_name(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    response = signed_in(clinician).post(preview_url(patient), fields(med_name_0="isotretnon 20mg"))
    page = response.content.decode()
    assert "did you mean <strong>isotretinoin</strong>?" in page
    assert 'data-fill="id_med_name_0" data-value="isotretinoin"' in page
    assert "Oral isotretinoin" in page  # read as the riskier medicine meanwhile


def test_the_preview_says_when_a_medicine_is_recognised_with_no_laser_relevant_class(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    page = signed_in(clinician).post(preview_url(patient), fields(med_name_0="Levothyroxine 75 mcg")).content.decode()
    assert "<strong>levothyroxine</strong>" in page
    assert "no laser-relevant class" in page
    assert "not recognised" not in page


def test_the_preview_reads_the_allergies_as_they_are_typed(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    page = signed_in(clinician).post(preview_url(patient), fields(allergies="EMLA\npeanuts")).content.decode()
    assert "Topical and local anaesthetics" in page
    assert "not in the lexicon" in page
