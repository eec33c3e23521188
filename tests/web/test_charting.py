"""Session charts: only under a signed consent, starting from last time on the same device, warned against the
device's manual and clinic policy, signed by the practitioner, then corrected only by addenda."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import ChartAddendum, ChartStatus, SessionChart
from lasercare.practice.clinic.models import PhototypeSettingRange, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.consultations.services import chosen_modality
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling.models import Booking, BookingStatus
from tests.web.booking_helpers import accepted_plan
from tests.web.charting_helpers import accept, chart, consent, device, form_data, ipl_eyewear, values
from tests.web.conftest import basic_intake, make_patient

SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def accepted(patient: Patient, clinician: StaffUser) -> TreatmentPlan:
    """Accepted from a consultation four months ago: its waiting periods are over, so a session charted now comes
    when the course allows it (a session charted too soon is warned about: see the interval tests)."""
    return accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=120))


@pytest.fixture
def consented(accepted: TreatmentPlan, clinician: StaffUser) -> TreatmentPlan:
    consent(accepted, clinician, sessions=3)
    return accepted


def test_the_plan_is_treated_with_ipl(accepted: TreatmentPlan) -> None:
    # The tests' devices are IPL: the plan of basic_intake chooses it.
    assert chosen_modality(accepted) == "ipl"


# -- no session without a signed consent that covers it ------------------------------------------------------------


def test_without_a_signed_consent_the_page_says_so_and_offers_no_form(
    signed_in: SignIn, accepted: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    page = signed_in(clinician).get(f"/plans/{accepted.public_id}/charts/new/?device={on.public_id}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "There is no signed consent covering session 1" in text
    assert "Save draft" not in text


def test_posting_a_chart_without_consent_is_refused_and_nothing_is_saved(
    signed_in: SignIn, accepted: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    page = signed_in(clinician).post(f"/plans/{accepted.public_id}/charts/new/", form_data(on))
    assert page.status_code == 400
    assert "no signed consent" in page.content.decode()
    assert not SessionChart.objects.exists()


def test_the_service_refuses_a_chart_without_consent(
    accepted: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    with pytest.raises(charting.ChartingRefused, match="no signed consent"):
        chart(accepted, clinician, device(practice))


def test_a_session_beyond_the_consents_count_is_refused(
    signed_in: SignIn, accepted: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    consent(accepted, clinician, sessions=1)
    on = device(practice)
    chart(accepted, clinician, on, sign=True, days_ago=30)
    text = signed_in(clinician).get(f"/plans/{accepted.public_id}/charts/new/?device={on.public_id}").content.decode()
    assert "covers sessions 1 to 1; session 2 needs a new signed consent" in text
    assert "Save draft" not in text
    with pytest.raises(charting.ChartingRefused):
        chart(accepted, clinician, on)


def test_a_withdrawn_consent_covers_nothing(accepted: TreatmentPlan, clinician: StaffUser, practice: Practice) -> None:
    from lasercare.practice.consent.models import ConsentWithdrawal

    signed = consent(accepted, clinician)
    ConsentWithdrawal.objects.create(consent=signed, reason="changed her mind", recorded_by=clinician)
    with pytest.raises(charting.ChartingRefused):
        chart(accepted, clinician, device(practice))


def test_a_plan_not_accepted_is_not_charted(
    signed_in: SignIn, plan: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    consent(plan, clinician, modality="ipl")
    text = signed_in(clinician).get(f"/plans/{plan.public_id}/charts/new/").content.decode()
    assert "only a plan the patient accepted is treated and charted" in text
    with pytest.raises(charting.ChartingRefused):
        chart(plan, clinician, device(practice))


def test_a_device_of_another_treatment_is_not_offered_nor_accepted(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    device(practice)
    fraxel = device(practice, name="Fraxel", modality="nafl_1550")
    text = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/").content.decode()
    assert "IPL room 1" in text
    assert "Fraxel" not in text
    with pytest.raises(charting.ChartingRefused, match="does not deliver"):
        chart(consented, clinician, fraxel)


# -- saving, and starting from last time ---------------------------------------------------------------------------


def test_posting_the_form_saves_a_draft_of_the_next_session(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    page = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/new/", form_data(on))
    saved = SessionChart.objects.get()
    assert page.status_code == 302
    assert page.headers["Location"] == f"/charts/{saved.public_id}/"
    assert (saved.session_number, saved.status, saved.performed_by, saved.fluence_j_cm2) == (
        1,
        ChartStatus.DRAFT,
        clinician,
        Decimal("14"),
    )


def test_an_invalid_form_answers_400_and_keeps_what_was_typed(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    page = signed_in(clinician).post(
        f"/plans/{consented.public_id}/charts/new/", form_data(on, treated_areas="", notes="left cheek tender")
    )
    assert page.status_code == 400
    assert "left cheek tender" in page.content.decode()
    assert not SessionChart.objects.exists()


def test_the_form_starts_from_the_last_signed_session_of_the_treatment_on_any_device(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    other = device(practice, name="IPL room 2")
    chart(consented, clinician, on, sign=True, days_ago=40, fluence_j_cm2=Decimal("17.5"))
    chart(consented, clinician, other, sign=True, days_ago=20, fluence_j_cm2=Decimal("11"))
    text = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/?device={on.public_id}").content.decode()
    assert 'name="fluence_j_cm2" value="11"' in text
    assert "on IPL room 2, the last signed session of this treatment" in text


def test_a_draft_is_no_last_time_to_start_from(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    first = chart(consented, clinician, on, sign=True, days_ago=40)
    draft = chart(consented, clinician, on, days_ago=1)
    assert draft.status == ChartStatus.DRAFT
    assert charting.start_values(consented) == first


def test_the_previous_session_is_found_under_an_earlier_plan_of_the_patient(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    first = chart(consented, clinician, on, sign=True, days_ago=40)
    assert charting.start_values(consented) == first


def test_a_session_of_another_treatment_is_not_last_time(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    first = chart(consented, clinician, on, sign=True, days_ago=40)
    SessionChart.objects.filter(pk=first.pk).update(device=device(practice, name="Fraxel", modality="nafl_1550"))
    assert charting.start_values(consented) is None


def test_from_last_time_carries_every_setting_the_device_and_the_eyewear_as_selections(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    device(practice)
    used = device(practice, name="IPL room 2")
    last = chart(
        consented,
        clinician,
        used,
        sign=True,
        days_ago=40,
        fluence_j_cm2=Decimal("16.5"),
        energy_mj=Decimal("120"),
        pulse_ms=Decimal("3.5"),
        spot_mm=Decimal("12"),
        density_percent=Decimal("20"),
        passes=Decimal("2"),
        wavelength_nm=590,
        cooling="cryogen",
        anaesthetic="EMLA 45 minutes",
        treated_areas="cheeks and nose",
    )
    worn = ipl_eyewear(practice)
    client = signed_in(clinician)
    choice = client.get(f"/plans/{consented.public_id}/charts/new/").content.decode()
    # The device used last time comes first, marked so.
    first = choice.index('class="device-choice"')
    assert choice.index(f"device={used.public_id}", first) < choice.index("IPL room 1</a>", first)
    assert "used last time" in choice
    page = client.get(f"/plans/{consented.public_id}/charts/new/?device={used.public_id}")
    text = page.content.decode()
    assert page.status_code == 200
    for name, shown in (
        ("fluence_j_cm2", "16.5"),
        ("energy_mj", "120"),
        ("pulse_ms", "3.5"),
        ("spot_mm", "12"),
        ("density_percent", "20"),
        ("passes", "2"),
        ("wavelength_nm", "590"),
        ("anaesthetic", "EMLA 45 minutes"),
        ("treated_areas", "cheeks and nose"),
    ):
        assert f'name="{name}" value="{shown}"' in text, name
    assert '<option value="cryogen" selected>' in text
    assert f'<option value="{worn["eyewear_patient"]}" selected>' in text
    assert f'<option value="{worn["eyewear_operator"]}" selected>' in text
    assert last.session_number == 1


def test_a_first_session_suggests_the_eyewear_the_knowledge_names(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    text = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/?device={on.public_id}").content.decode()
    assert "IPL eyewear or opaque goggles" in text


def test_the_change_from_last_time_is_shown(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    chart(consented, clinician, on, sign=True, days_ago=30, fluence_j_cm2=Decimal("14"))
    second = chart(consented, clinician, on, fluence_j_cm2=Decimal("16"), pulse_ms=Decimal("3"))
    text = signed_in(clinician).get(f"/charts/{second.public_id}/").content.decode()
    assert "▲ +2 J/cm²" in text
    assert "▼ -1 ms" in text


def test_the_live_check_answers_with_the_changes_and_warnings(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice, fluence_j_cm2_max=Decimal("20"))
    chart(consented, clinician, on, sign=True, days_ago=30, fluence_j_cm2=Decimal("14"))
    page = signed_in(clinician).post(
        f"/plans/{consented.public_id}/charts/check/", {**form_data(on, fluence_j_cm2="22"), "oob": "1"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Fluence 22 J/cm² is above 20 J/cm², the maximum in the device&#39;s manual." in text
    assert "▲ +8 J/cm²" in text
    assert not SessionChart.objects.filter(status=ChartStatus.DRAFT).exists()


# -- warnings ------------------------------------------------------------------------------------------------------


def test_a_setting_outside_the_device_limits_is_warned_and_kept_with_the_chart(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice, fluence_j_cm2_min=Decimal("10"), fluence_j_cm2_max=Decimal("20"))
    saved = chart(consented, clinician, on, fluence_j_cm2=Decimal("24"), wavelength_nm=1064)
    assert [w["message"] for w in saved.warnings] == [
        "Wavelength 1064 nm is not one of the device's (560, 590, 640 nm).",
        "Fluence 24 J/cm² is above 20 J/cm², the maximum in the device's manual.",
    ]
    text = signed_in(clinician).get(f"/charts/{saved.public_id}/").content.decode()
    assert "2 warnings" in text
    assert "the maximum in the device&#39;s manual" in text


def test_a_clinic_policy_range_for_the_plans_phototype_is_warned(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    PhototypeSettingRange.objects.create(
        practice=practice,
        modality="ipl",
        phototypes="II, III",
        setting="fluence_j_cm2",
        maximum=Decimal("15"),
        note="Riverside protocol",
    )
    saved = chart(consented, clinician, device(practice), fluence_j_cm2=Decimal("16"))
    assert [w["message"] for w in saved.warnings] == [
        "Fluence 16 J/cm² is above 15 J/cm², the maximum in clinic policy for phototype III: Riverside protocol."
    ]


def test_a_clinic_policy_range_for_another_phototype_raises_no_warning(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    PhototypeSettingRange.objects.create(
        practice=practice, modality="ipl", phototypes="IV, V, VI", setting="fluence_j_cm2", maximum=Decimal("12")
    )
    PhototypeSettingRange.objects.create(
        practice=practice, modality="nafl_1550", phototypes="III", setting="fluence_j_cm2", maximum=Decimal("12")
    )
    assert chart(consented, clinician, device(practice), fluence_j_cm2=Decimal("16")).warnings == []


# -- signing -------------------------------------------------------------------------------------------------------


def test_the_practitioner_signs_their_chart(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    saved = chart(consented, clinician, device(practice))
    page = signed_in(clinician).post(f"/charts/{saved.public_id}/sign/")
    saved.refresh_from_db()
    assert page.status_code == 302
    assert (saved.status, saved.signed_by) == (ChartStatus.SIGNED, clinician)


def test_signing_by_another_practitioner_is_refused(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    saved = chart(consented, clinician, device(practice))
    nurse = staff[Role.NURSE]
    with pytest.raises(charting.ChartingRefused, match="Only the practitioner who performed"):
        charting.sign_chart(None, nurse, saved)
    page = signed_in(nurse).post(f"/charts/{saved.public_id}/sign/", follow=True)
    assert "Only the practitioner who performed the session" in page.content.decode()
    saved.refresh_from_db()
    assert saved.status == ChartStatus.DRAFT


def test_another_practitioner_is_not_offered_to_sign(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    saved = chart(consented, clinician, device(practice))
    text = signed_in(staff[Role.NURSE]).get(f"/charts/{saved.public_id}/").content.decode()
    assert "Sign the chart" not in text
    assert "changes and signs this draft" in text


def test_signing_marks_the_sessions_booking_completed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    starts = timezone.now().replace(minute=0, second=0, microsecond=0)
    booking = Booking.objects.create(
        practice=practice,
        patient=consented.patient,
        plan=consented,
        session_number=1,
        practitioner=clinician,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=45),
        booked_by=clinician,
    )
    saved = chart(consented, clinician, device(practice))
    assert saved.booking == booking
    charting.sign_chart(None, clinician, saved)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED


def test_a_draft_must_be_signed_before_the_next_session_is_charted(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    draft = chart(consented, clinician, on, days_ago=1)
    text = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/").content.decode()
    assert "Session 1 is charted as a draft" in text
    assert f"/charts/{draft.public_id}/" in text


def test_the_next_chart_is_the_next_session(consented: TreatmentPlan, clinician: StaffUser, practice: Practice) -> None:
    on = device(practice)
    chart(consented, clinician, on, sign=True, days_ago=30)
    assert chart(consented, clinician, on).session_number == 2


# -- a signed chart never changes ----------------------------------------------------------------------------------


def test_the_service_refuses_to_change_a_signed_chart(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    signed = chart(consented, clinician, on, sign=True)
    with pytest.raises(charting.ChartingRefused, match="Add an addendum"):
        charting.save_chart(None, clinician, consented, device=on, values={"fluence_j_cm2": Decimal("1")}, chart=signed)


def test_the_model_refuses_to_save_a_signed_chart(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    signed = chart(consented, clinician, device(practice), sign=True)
    signed.notes = "changed"
    with pytest.raises(ValueError, match="addendum"):
        signed.save()


def test_the_edit_page_of_a_signed_chart_refuses(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    signed = chart(consented, clinician, on, sign=True)
    client = signed_in(clinician)
    page = client.post(f"/charts/{signed.public_id}/edit/", form_data(on, fluence_j_cm2="30"), follow=True)
    assert "This chart is signed: it never changes" in page.content.decode()
    signed.refresh_from_db()
    assert signed.fluence_j_cm2 == Decimal("14")


def test_the_practitioner_edits_their_draft(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    draft = chart(consented, clinician, on)
    client = signed_in(clinician)
    assert client.get(f"/charts/{draft.public_id}/edit/").status_code == 200
    page = client.post(f"/charts/{draft.public_id}/edit/", form_data(on, fluence_j_cm2="15"))
    assert page.status_code == 302
    draft.refresh_from_db()
    assert (draft.fluence_j_cm2, draft.session_number) == (Decimal("15"), 1)


def test_an_addendum_is_added_to_a_signed_chart(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    signed = chart(consented, clinician, device(practice), sign=True)
    client = signed_in(staff[Role.NURSE])
    page = client.post(f"/charts/{signed.public_id}/addendum/", {"text": "Spot size was 10 mm on the nose."})
    assert page.status_code == 302
    addendum = ChartAddendum.objects.get(chart=signed)
    assert (addendum.text, addendum.by) == ("Spot size was 10 mm on the nose.", staff[Role.NURSE])
    assert "Spot size was 10 mm on the nose." in client.get(f"/charts/{signed.public_id}/").content.decode()


def test_an_empty_addendum_is_refused_with_the_form(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    signed = chart(consented, clinician, device(practice), sign=True)
    page = signed_in(clinician).post(f"/charts/{signed.public_id}/addendum/", {"text": "  "})
    assert page.status_code == 400
    assert not ChartAddendum.objects.exists()


def test_a_draft_takes_no_addendum(consented: TreatmentPlan, clinician: StaffUser, practice: Practice) -> None:
    draft = chart(consented, clinician, device(practice))
    with pytest.raises(charting.ChartingRefused, match="draft"):
        charting.add_addendum(None, clinician, draft, "note")


# -- another practice, and the audit log ---------------------------------------------------------------------------


def test_another_practices_chart_is_not_found(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice, other_practice: Practice
) -> None:
    from tests.web.conftest import make_staff

    saved = chart(consented, clinician, device(practice))
    outsider = signed_in(make_staff(other_practice, Role.CLINICIAN))
    assert outsider.get(f"/charts/{saved.public_id}/").status_code == 404
    assert outsider.post(f"/charts/{saved.public_id}/sign/").status_code == 404
    assert outsider.get(f"/plans/{consented.public_id}/charts/new/").status_code == 404


def test_another_practices_device_is_not_offered(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, other_practice: Practice
) -> None:
    theirs = device(other_practice, name="Elsewhere IPL")
    page = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/?device={theirs.public_id}")
    assert "Elsewhere IPL" not in page.content.decode()
    assert "Save draft" not in page.content.decode()


def test_charting_is_audited_without_patient_data(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    saved = chart(consented, clinician, device(practice))
    charting.sign_chart(None, clinician, saved)
    signed_in(clinician).get(f"/charts/{saved.public_id}/")
    entries = AuditEntry.objects.filter(record_type="chart", record_id=str(saved.public_id)).order_by("pk")
    assert [(e.action, e.detail) for e in entries] == [
        ("create", "session 1, 0 warnings"),
        ("update", "signed, 0 warnings shown"),
        ("view", ""),
    ]
    assert {e.patient_ref for e in entries} == {str(consented.patient.public_id)}


def test_a_patient_of_another_plan_has_their_own_sessions(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    from lasercare.practice.consultations import services

    on = device(practice)
    chart(consented, clinician, on, sign=True, days_ago=10)
    other = services.record_consultation(
        None,
        clinician,
        make_patient(practice, given_names="Ann"),
        held_on=consented.consultation.held_on,
        intake=basic_intake(),
    )
    other = accept(other, clinician)
    consent(other, clinician)
    assert charting.start_values(other) is None
    assert chart(other, clinician, on).session_number == 1


def test_another_practitioners_draft_is_not_edited(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    on = device(practice)
    draft = chart(consented, clinician, on)
    nurse = staff[Role.NURSE]
    page = signed_in(nurse).post(f"/charts/{draft.public_id}/edit/", form_data(on, fluence_j_cm2="30"), follow=True)
    assert "Only the practitioner who performed the session changes its chart." in page.content.decode()
    with pytest.raises(charting.ChartingRefused):
        charting.save_chart(None, nurse, consented, device=on, values={"fluence_j_cm2": Decimal("30")}, chart=draft)
    draft.refresh_from_db()
    assert draft.fluence_j_cm2 == Decimal("14")


def test_a_draft_without_settings_is_saved_and_says_what_is_missing(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    empty: dict[str, Any] = {"fluence_j_cm2": None, "pulse_ms": None, "spot_mm": None, "passes": None}
    page = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/new/", form_data(on, **empty), follow=True)
    text = page.content.decode()
    assert SessionChart.objects.get().status == ChartStatus.DRAFT
    assert "Before signing, record: fluence or energy, spot size, pulse duration." in text
    assert "This chart cannot be signed yet." in text


def test_signing_is_refused_while_a_required_setting_is_missing_and_names_it(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    draft = chart(consented, clinician, on, fluence_j_cm2=None, spot_mm=None)
    page = signed_in(clinician).post(f"/charts/{draft.public_id}/sign/", follow=True)
    assert "Missing: fluence or energy, spot size." in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == ChartStatus.DRAFT
    with pytest.raises(charting.ChartingRefused, match="Missing: fluence or energy, spot size"):
        charting.sign_chart(None, clinician, draft)


def test_energy_stands_for_fluence_when_signing(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    draft = chart(consented, clinician, device(practice), fluence_j_cm2=None, energy_mj=Decimal("90"))
    assert charting.sign_chart(None, clinician, draft).status == ChartStatus.SIGNED


def test_a_fractional_device_needs_density_and_passes_before_signing(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    from lasercare.practice.charting import required_settings

    settings = values(density_percent=None, passes=None)
    assert required_settings.missing("nafl_1550", settings) == ("density or coverage", "passes")
    assert required_settings.missing("co2_fractional", settings) == ("density or coverage", "passes")
    assert required_settings.missing("ipl", settings) == ()


def test_every_treatment_the_knowledge_knows_has_its_required_settings() -> None:
    from lasercare.engine import load_knowledge
    from lasercare.practice.charting import required_settings

    for code in load_knowledge().modalities:
        requirement = required_settings.for_modality(code)
        assert requirement.groups and requirement.why and requirement.evidence == "P", code


def test_a_device_without_limits_never_says_the_settings_are_within_them(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice)
    client = signed_in(clinician)
    form = client.get(f"/plans/{consented.public_id}/charts/new/?device={on.public_id}").content.decode()
    assert "This device has no limits on record: the settings were not checked" in form
    assert "No setting outside the device's limits" not in form
    page = client.post(f"/plans/{consented.public_id}/charts/new/", form_data(on, fluence_j_cm2="200"), follow=True)
    text = page.content.decode()
    assert "This device has no limits on record: the settings were not checked" in text
    assert "No setting outside the device's limits" not in text


def test_a_device_with_limits_says_the_settings_are_within_them(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    on = device(practice, fluence_j_cm2_min=Decimal("10"), fluence_j_cm2_max=Decimal("20"))
    text = signed_in(clinician).get(f"/plans/{consented.public_id}/charts/new/?device={on.public_id}").content.decode()
    assert "No setting outside the device's limits" in text
    assert "no limits on record" not in text


def test_a_clinics_example_limit_is_named_as_such_in_the_warning(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    example = "clinic's example, not a manufacturer's figure"
    on = device(practice, fluence_j_cm2_max=Decimal("20"), limits_source=example)
    saved = chart(consented, clinician, on, fluence_j_cm2=Decimal("200"))
    assert [w["source"] for w in saved.warnings] == [f"the device's limits ({example})"]


def test_a_session_charted_sooner_than_the_minimum_interval_is_warned(
    consented: TreatmentPlan, clinician: StaffUser
) -> None:
    laser = device(consented.practice)
    chart(consented, clinician, laser, sign=True, days_ago=30)
    second = chart(consented, clinician, laser, days_ago=29)
    assert [w["setting"] for w in second.warnings] == ["performed_at"]
    assert "Session 2 cannot be before" in second.warnings[0]["message"]
    assert "at least 3 weeks after session 1" in second.warnings[0]["message"]


def test_a_session_charted_after_the_minimum_interval_is_not_warned(
    consented: TreatmentPlan, clinician: StaffUser
) -> None:
    laser = device(consented.practice)
    chart(consented, clinician, laser, sign=True, days_ago=30)
    assert chart(consented, clinician, laser).warnings == []


def test_a_session_charted_within_a_waiting_period_is_warned(
    plan: TreatmentPlan, clinician: StaffUser, practice: Practice
) -> None:
    # Consulted on a fixed past day, with a retinoid pause: a session that day falls inside it, whatever today is.
    accept(plan, clinician)
    consent(plan, clinician, sessions=3)
    on_the_day = datetime.combine(plan.consultation.held_on, time(10), tzinfo=timezone.get_current_timezone())
    first = charting.save_chart(
        None, clinician, plan, device=device(practice), values=values(), performed_at=on_the_day
    )
    assert [w["setting"] for w in first.warnings] == ["performed_at"]
    assert "waiting period" in first.warnings[0]["message"]
