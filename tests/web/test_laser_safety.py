"""Laser safety in the practice: the eyewear worn must cover the device before a chart is signed, unless a laser
safety officer overrides with a reason; a device's page and its laser-controlled-area sign; the admin's checks."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.charting import services as charting
from lasercare.practice.charting.models import ChartStatus, SessionChart
from lasercare.practice.clinic.models import Device, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.safety import services as safety
from lasercare.practice.safety.models import DeviceBeam, Eyewear, EyewearOverride, EyewearRating, WornEyewear
from tests.web.booking_helpers import accepted_plan
from tests.web.charting_helpers import consent, device, form_data, values
from tests.web.conftest import make_staff
from tests.web.safety_helpers import appoint, eyewear, ipl_band, ipl_goggles, laser_goggles, nd_yag

SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def consented(patient: Patient, clinician: StaffUser) -> TreatmentPlan:
    plan = accepted_plan(patient, clinician, timezone.localdate() - timedelta(days=120))
    consent(plan, clinician, sessions=3)
    return plan


@pytest.fixture
def ipl(practice: Practice) -> Device:
    """The plan's IPL device with its output band (515-1200 nm) on record."""
    return device(practice)


@pytest.fixture
def nurse(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.NURSE]


def _draft(
    plan: TreatmentPlan, user: StaffUser, on: Device, *worn: Eyewear, others: tuple[Eyewear, ...] = ()
) -> SessionChart:
    ids = [str(item.public_id) for item in worn]
    return charting.save_chart(
        None,
        user,
        plan,
        device=on,
        values=values(
            eyewear="",
            eyewear_patient=ids[0] if ids else "",
            eyewear_operator=ids[1] if len(ids) > 1 else "",
            eyewear_others=[str(item.public_id) for item in others],
        ),
        performed_at=timezone.now(),
    )


# -- the gate: which eyewear covers a laser --------------------------------------------------------------------------


def test_eyewear_below_the_required_od_is_named_with_the_wavelength_and_both_ods(practice: Practice) -> None:
    laser = nd_yag(practice)
    weak = laser_goggles(practice, "Goggles OD5", "5")
    good = laser_goggles(practice, "Goggles OD7", "7")
    problems, _, checked = safety.evaluate(laser, 1064, [("patient", good), ("operator", weak)], practice.pk)
    assert checked
    assert problems == ("Goggles OD5 (the operator) gives OD 5 at 1064 nm; OD 6.5 is needed.",)


def test_eyewear_rated_at_or_above_the_required_od_passes(practice: Practice) -> None:
    laser = nd_yag(practice)
    first, second = laser_goggles(practice, "Goggles A", "7"), laser_goggles(practice, "Goggles B", "7")
    problems, coverage, _ = safety.evaluate(laser, 1064, [("patient", first), ("operator", second)], practice.pk)
    assert problems == ()
    assert all(item.covered for item in coverage)


def test_eyewear_not_rated_at_the_wavelength_says_what_is_needed_there(practice: Practice) -> None:
    laser = nd_yag(practice)
    visible = eyewear(practice, "Green-light glasses", from_nm=500, to_nm=560, od=Decimal("6"))
    good = laser_goggles(practice, "Goggles A", "7")
    problems, _, _ = safety.evaluate(laser, 1064, [("patient", visible), ("operator", good)], practice.pk)
    assert problems == ("Green-light glasses (the patient) is not rated at 1064 nm: OD 6.5 is needed there.",)


def test_missing_eyewear_for_the_operator_is_a_problem(practice: Practice) -> None:
    laser = nd_yag(practice)
    problems, _, _ = safety.evaluate(laser, 1064, [("patient", laser_goggles(practice, "G", "7"))], practice.pk)
    assert problems == ("No eyewear is recorded for the operator.",)


def test_everyone_else_present_is_checked_too(practice: Practice) -> None:
    laser = nd_yag(practice)
    items = [laser_goggles(practice, name, od) for name, od in (("A", "7"), ("B", "7"), ("Visitor", "4"))]
    worn = [("patient", items[0]), ("operator", items[1]), ("other", items[2])]
    problems, _, _ = safety.evaluate(laser, 1064, worn, practice.pk)
    assert problems == ("Visitor (a person present) gives OD 4 at 1064 nm; OD 6.5 is needed.",)


def test_en207_scale_numbers_on_record_are_checked_as_well_as_the_od(practice: Practice) -> None:
    laser = nd_yag(practice)
    marked = eyewear(practice, "Marked", from_nm=950, to_nm=1100, od=Decimal("7"), lb_d=5, lb_r=6)
    good = laser_goggles(practice, "Goggles A", "7")
    problems, _, _ = safety.evaluate(laser, 1064, [("patient", marked), ("operator", good)], practice.pk)
    assert problems == (
        "Marked (the patient) gives OD 7 at 1064 nm; OD 6.5 is needed (EN 207: R LB8 needed, has R LB6).",
    )


def test_patient_eye_shields_are_not_the_operators_eyewear(practice: Practice) -> None:
    laser = nd_yag(practice)
    shields = laser_goggles(practice, "Shields", "7", wearer="patient")
    problems, _, _ = safety.evaluate(
        laser, 1064, [("patient", laser_goggles(practice, "A", "7")), ("operator", shields)], practice.pk
    )
    assert problems == ("Shields is for the patient, not the operator.",)


def test_a_wavelength_the_device_has_no_output_recorded_for_cannot_be_checked(practice: Practice) -> None:
    laser = nd_yag(practice)
    both = [("patient", laser_goggles(practice, "A", "7")), ("operator", laser_goggles(practice, "B", "7"))]
    problems, _, _ = safety.evaluate(laser, 532, both, practice.pk)
    assert problems == (
        "Q-switched Nd:YAG has no laser output recorded at 532 nm: the eyewear needed there cannot be worked out.",
    )


def test_an_ipl_is_covered_only_by_a_manufacturers_ipl_rating(practice: Practice, ipl: Device) -> None:
    laser_only = laser_goggles(practice, "Laser goggles", "7")
    problems, _, _ = safety.evaluate(
        ipl, 560, [("patient", laser_only), ("operator", ipl_goggles(practice, "IPL goggles"))], practice.pk
    )
    assert problems == (
        "Laser goggles (the patient) carries no manufacturer's IPL rating for 515-1200 nm, the device's band.",
    )


# -- the gate on charting --------------------------------------------------------------------------------------------


def test_a_chart_whose_eyewear_falls_short_cannot_be_signed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    draft = _draft(
        consented, clinician, ipl, laser_goggles(practice, "Laser goggles", "7"), ipl_goggles(practice, "IPL")
    )
    with pytest.raises(charting.ChartingRefused) as refused:
        charting.sign_chart(None, clinician, draft)
    assert "Laser goggles (the patient) carries no manufacturer's IPL rating for 515-1200 nm" in str(refused.value)
    assert "until a laser safety officer (none is appointed) records an override" in str(refused.value)
    assert SessionChart.objects.get(pk=draft.pk).status == ChartStatus.DRAFT


def test_a_chart_without_eyewear_recorded_cannot_be_signed_on_a_checked_device(
    consented: TreatmentPlan, clinician: StaffUser, ipl: Device
) -> None:
    draft = charting.save_chart(None, clinician, consented, device=ipl, values=values(), performed_at=timezone.now())
    with pytest.raises(charting.ChartingRefused, match="No eyewear is recorded for the patient"):
        charting.sign_chart(None, clinician, draft)


def test_a_chart_with_covering_eyewear_is_signed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    draft = _draft(
        consented, clinician, ipl, ipl_goggles(practice, "Shields", wearer="patient"), ipl_goggles(practice, "G")
    )
    assert charting.sign_chart(None, clinician, draft).status == ChartStatus.SIGNED


def test_the_eyewear_chosen_is_kept_with_the_chart_and_said_in_words(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    shields, goggles, visitor = (ipl_goggles(practice, name) for name in ("Shields", "Goggles 2", "Goggles 3"))
    draft = _draft(consented, clinician, ipl, shields, goggles, others=(visitor,))
    assert list(WornEyewear.objects.filter(chart=draft).values_list("wearer", "eyewear__name")) == [
        ("patient", "Shields"),
        ("operator", "Goggles 2"),
        ("other", "Goggles 3"),
    ]
    assert draft.eyewear == "The patient: Shields; the operator: Goggles 2; a person present: Goggles 3"


def test_another_practices_eyewear_is_never_recorded(
    consented: TreatmentPlan, clinician: StaffUser, other_practice: Practice, practice: Practice, ipl: Device
) -> None:
    theirs = ipl_goggles(other_practice, "Their goggles")
    draft = _draft(consented, clinician, ipl, theirs, ipl_goggles(practice, "Ours"))
    assert list(WornEyewear.objects.filter(chart=draft).values_list("eyewear__name", flat=True)) == ["Ours"]
    with pytest.raises(charting.ChartingRefused, match="No eyewear is recorded for the patient"):
        charting.sign_chart(None, clinician, draft)


@pytest.fixture
def unrecorded(practice: Practice) -> Device:
    """An IPL device whose output band nobody has recorded yet."""
    return device(practice, name="New IPL", recorded=False)


def _covered_draft(plan: TreatmentPlan, user: StaffUser, on: Device, practice: Practice) -> SessionChart:
    """Eyewear that would cover any IPL band: only the device's missing output stands in the way."""
    return _draft(plan, user, on, ipl_goggles(practice, "Shields", wearer="patient"), ipl_goggles(practice, "G"))


def test_a_device_without_its_output_on_record_stops_the_chart_being_signed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, unrecorded: Device
) -> None:
    draft = _covered_draft(consented, clinician, unrecorded, practice)
    with pytest.raises(charting.ChartingRefused, match="New IPL has no laser-safety output on record"):
        charting.sign_chart(None, clinician, draft)
    draft.refresh_from_db()
    assert draft.status == ChartStatus.DRAFT


def test_the_refusal_for_an_unrecorded_device_names_the_officers_who_can_override(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, unrecorded: Device, nurse: StaffUser
) -> None:
    appoint(nurse)
    draft = _covered_draft(consented, clinician, unrecorded, practice)
    with pytest.raises(charting.ChartingRefused, match=re.escape(f"laser safety officer ({nurse.display_name})")):
        charting.sign_chart(None, clinician, draft)


def test_the_chart_page_says_the_eyewear_cannot_be_checked_until_the_output_is_recorded(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice, unrecorded: Device
) -> None:
    draft = _covered_draft(consented, clinician, unrecorded, practice)
    page = html.unescape(signed_in(clinician).get(f"/charts/{draft.public_id}/").content.decode())
    assert "The eyewear cannot be checked" in page
    assert "the chart cannot be signed until the device's output is recorded" in page
    assert "New IPL has no laser-safety output on record" in page


def test_the_live_check_stops_a_session_on_an_unrecorded_device_before_it_is_saved(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, unrecorded: Device
) -> None:
    page = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/check/", form_data(unrecorded))
    assert "New IPL has no laser-safety output on record" in html.unescape(page.content.decode())


def test_an_officer_override_lets_a_session_on_an_unrecorded_device_be_signed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, unrecorded: Device, nurse: StaffUser
) -> None:
    appoint(nurse)
    draft = _covered_draft(consented, clinician, unrecorded, practice)
    override = safety.record_override(None, nurse, draft, "Manual's output table checked by hand; goggles cover it")
    assert override.problems == [safety.NOT_RECORDED.format(device="New IPL")]
    assert charting.sign_chart(None, clinician, draft).status == ChartStatus.SIGNED


def test_recording_the_devices_output_lets_a_covered_chart_be_signed(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, unrecorded: Device
) -> None:
    draft = _covered_draft(consented, clinician, unrecorded, practice)
    ipl_band(unrecorded)
    assert charting.sign_chart(None, clinician, draft).status == ChartStatus.SIGNED


def test_an_output_record_lasercare_cannot_use_refuses_signing_with_the_reason(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    # Written around the admin's checks, as a data import might: a band that ends before it starts.
    ipl.ipl_bands.update(from_nm=1200, to_nm=515)
    draft = _covered_draft(consented, clinician, ipl, practice)
    with pytest.raises(charting.ChartingRefused, match="The output recorded for IPL room 1 cannot be used"):
        charting.sign_chart(None, clinician, draft)


def test_the_device_page_says_its_output_record_cannot_be_used(
    signed_in: SignIn, clinician: StaffUser, ipl: Device
) -> None:
    ipl.ipl_bands.update(from_nm=1200, to_nm=515)
    page = signed_in(clinician).get(f"/devices/{ipl.public_id}/laser-safety/")
    assert page.status_code == 200
    assert "The output recorded for this device cannot be used" in html.unescape(page.content.decode())


def test_the_chart_form_asks_for_each_persons_eyewear_and_records_it(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    shields, goggles = ipl_goggles(practice, "Shields", wearer="patient"), ipl_goggles(practice, "Goggles")
    client = signed_in(clinician)
    form = client.get(f"/plans/{consented.public_id}/charts/new/?device={ipl.public_id}").content.decode()
    assert "Eyewear the patient wears" in form and "Eyewear of everyone else present" in form
    data = form_data(ipl, worn=False, eyewear="")
    data.update({"eyewear_patient": str(shields.public_id), "eyewear_operator": str(goggles.public_id)})
    response = client.post(f"/plans/{consented.public_id}/charts/new/", data)
    assert response.status_code == 302
    chart = SessionChart.objects.get()
    assert WornEyewear.objects.filter(chart=chart).count() == 2


def test_the_chart_form_refuses_one_item_for_two_people(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    goggles = ipl_goggles(practice, "Goggles")
    data = form_data(ipl, worn=False, eyewear="")
    data.update({"eyewear_patient": str(goggles.public_id), "eyewear_operator": str(goggles.public_id)})
    response = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/new/", data)
    assert response.status_code == 400
    assert "one item is chosen twice" in response.content.decode()
    assert not SessionChart.objects.exists()


def test_the_live_check_names_the_shortfall_while_the_form_is_filled_in(
    signed_in: SignIn, consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device
) -> None:
    data = form_data(ipl, worn=False, eyewear="")
    data.update({"eyewear_patient": str(laser_goggles(practice, "Laser goggles", "7").public_id)})
    page = signed_in(clinician).post(f"/plans/{consented.public_id}/charts/check/", data).content.decode()
    assert "No eyewear is recorded for the operator." in page
    assert "Laser goggles (the patient) carries no manufacturer&#39;s IPL rating" in page


# -- the laser safety officer's override ---------------------------------------------------------------------------


@pytest.fixture
def short(consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device) -> SessionChart:
    """A draft whose patient wears laser goggles, not rated for IPL."""
    return _draft(consented, clinician, ipl, laser_goggles(practice, "Laser goggles", "7"), ipl_goggles(practice, "G"))


def test_an_officer_override_with_a_reason_lets_the_chart_be_signed(
    short: SessionChart, clinician: StaffUser, nurse: StaffUser
) -> None:
    appoint(nurse)
    safety.record_override(None, nurse, short, "IPL shields broken; patient kept eyes closed under opaque pads")
    assert charting.sign_chart(None, clinician, short).status == ChartStatus.SIGNED


def test_the_override_keeps_the_officer_reason_and_what_fell_short(short: SessionChart, nurse: StaffUser) -> None:
    appoint(nurse)
    override = safety.record_override(None, nurse, short, "  Opaque pads used  ")
    assert (override.officer, override.reason) == (nurse, "Opaque pads used")
    assert override.problems == [
        "Laser goggles (the patient) carries no manufacturer's IPL rating for 515-1200 nm, the device's band."
    ]


def test_the_override_is_audited(short: SessionChart, nurse: StaffUser) -> None:
    appoint(nurse)
    safety.record_override(None, nurse, short, "Opaque pads used")
    entry = AuditEntry.objects.get(action=AuditAction.OVERRIDE)
    assert (entry.record_type, entry.record_id) == ("chart", str(short.public_id))
    assert "eyewear check overridden" in entry.detail


def test_an_override_needs_a_reason(short: SessionChart, nurse: StaffUser) -> None:
    appoint(nurse)
    with pytest.raises(safety.SafetyRefused, match="Give the reason"):
        safety.record_override(None, nurse, short, "   ")
    assert not EyewearOverride.objects.exists()


def test_only_a_laser_safety_officer_overrides(short: SessionChart, clinician: StaffUser) -> None:
    with pytest.raises(safety.SafetyRefused, match="Only a laser safety officer"):
        safety.record_override(None, clinician, short, "I am sure")
    assert not EyewearOverride.objects.exists()


def test_an_officer_of_another_practice_cannot_override(short: SessionChart, other_practice: Practice) -> None:
    outsider = make_staff(other_practice, Role.CLINICIAN)
    appoint(outsider)
    with pytest.raises(safety.SafetyRefused, match="Only a laser safety officer"):
        safety.record_override(None, outsider, short, "Reason")


def test_there_is_nothing_to_override_when_the_eyewear_covers(
    consented: TreatmentPlan, clinician: StaffUser, practice: Practice, ipl: Device, nurse: StaffUser
) -> None:
    appoint(nurse)
    draft = _draft(consented, clinician, ipl, ipl_goggles(practice, "A"), ipl_goggles(practice, "B"))
    with pytest.raises(safety.SafetyRefused, match="nothing to override"):
        safety.record_override(None, nurse, draft, "Reason")


def test_changing_the_eyewear_of_an_overridden_draft_asks_the_officer_again(
    short: SessionChart,
    consented: TreatmentPlan,
    clinician: StaffUser,
    practice: Practice,
    ipl: Device,
    nurse: StaffUser,
) -> None:
    appoint(nurse)
    safety.record_override(None, nurse, short, "Opaque pads used")
    other = laser_goggles(practice, "Other laser goggles", "7")
    charting.save_chart(
        None,
        clinician,
        consented,
        device=ipl,
        values=values(
            eyewear="",
            eyewear_patient=str(other.public_id),
            eyewear_operator=str(WornEyewear.objects.get(chart=short, wearer="operator").eyewear.public_id),
        ),
        performed_at=timezone.now(),
        chart=short,
    )
    assert not EyewearOverride.objects.exists()
    with pytest.raises(charting.ChartingRefused, match="Other laser goggles"):
        charting.sign_chart(None, clinician, short)


def test_the_officer_sees_the_override_form_and_the_chart_shows_the_override(
    signed_in: SignIn, short: SessionChart, nurse: StaffUser, clinician: StaffUser
) -> None:
    appoint(nurse)
    client = signed_in(nurse)
    page = client.get(f"/charts/{short.public_id}/").content.decode()
    assert "Reason for the override (laser safety officer)" in page
    response = client.post(f"/charts/{short.public_id}/eyewear-override/", {"reason": "Opaque pads used"})
    assert response.status_code == 302
    page = signed_in(clinician).get(f"/charts/{short.public_id}/").content.decode()
    assert "Eyewear check overridden by the laser safety officer" in page
    assert "Opaque pads used" in page


def test_staff_who_are_not_officers_get_no_override_form_and_their_post_is_refused(
    signed_in: SignIn, short: SessionChart, clinician: StaffUser
) -> None:
    client = signed_in(clinician)
    assert "Reason for the override" not in client.get(f"/charts/{short.public_id}/").content.decode()
    response = client.post(f"/charts/{short.public_id}/eyewear-override/", {"reason": "I am sure"}, follow=True)
    assert "Only a laser safety officer of the practice overrides the eyewear check." in response.content.decode()
    assert not EyewearOverride.objects.exists()


# -- the device's page and its sign --------------------------------------------------------------------------------


def test_the_device_page_shows_the_od_the_rule_and_the_simplifications(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    laser = nd_yag(practice)
    page = signed_in(staff[Role.FRONT_DESK]).get(f"/devices/{laser.public_id}/laser-safety/").content.decode()
    assert "OD 6.5" in page
    assert "Rule 3: each pulse against the single-pulse thermal MPE" in page
    assert "1064 D LB5 + R LB8" in page
    assert "beam taken as uniform (top-hat)" in page
    assert "does not replace, the practice's laser safety officer" in page


def _sign_pdf(client: Client, device: Device) -> bytes:
    response = client.get(f"/devices/{device.public_id}/laser-safety/sign.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_sign_names_the_device_wavelength_eyewear_nohd_and_officer(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    laser = nd_yag(practice)
    clinician.first_name, clinician.last_name = "Ada", "Officer"
    clinician.save()
    appoint(clinician)
    pdf = _sign_pdf(signed_in(clinician), laser)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in (
        "LASER CONTROLLED AREA",
        "Q-switched Nd:YAG",
        "Class 4 laser product",
        "1064 nm",
        "OD 6.5 or more",
        "1064 D LB5 + R LB8",
        "11960.6 m",
        "Laser safety officer: Ada Officer",
    ):
        assert expected in text


def test_printing_the_sign_is_audited(signed_in: SignIn, practice: Practice, clinician: StaffUser) -> None:
    laser = nd_yag(practice)
    _sign_pdf(signed_in(clinician), laser)
    entry = AuditEntry.objects.get(action=AuditAction.PRINT)
    assert (entry.record_type, entry.record_id) == ("device", str(laser.public_id))


def test_the_sign_renders_to_a_page_with_the_hazard_symbol(
    signed_in: SignIn, practice: Practice, clinician: StaffUser, tmp_path: Path
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "poppler-utils is missing: `make pdf` installs it"
    pdf = tmp_path / "sign.pdf"
    pdf.write_bytes(_sign_pdf(signed_in(clinician), nd_yag(practice)))
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert abs(rgb.width - 496) <= 2 and abs(rgb.height - 702) <= 2
        data = rgb.tobytes()
        yellow = sum(
            1
            for r, g, b in zip(data[0::3], data[1::3], data[2::3], strict=True)
            if r > 200 and 170 < g < 230 and b < 60
        )
    # The symbol's triangle and the warning band are safety yellow: a visible share of the page, not all of it.
    assert 0.01 < yellow / (rgb.width * rgb.height) < 0.2


def test_another_practices_device_page_and_sign_are_not_found(
    signed_in: SignIn, other_practice: Practice, clinician: StaffUser
) -> None:
    theirs = nd_yag(other_practice)
    client = signed_in(clinician)
    assert client.get(f"/devices/{theirs.public_id}/laser-safety/").status_code == 404
    assert client.get(f"/devices/{theirs.public_id}/laser-safety/sign.pdf").status_code == 404


def test_the_laser_safety_page_lists_only_this_practices_devices_and_eyewear(
    signed_in: SignIn, practice: Practice, other_practice: Practice, clinician: StaffUser
) -> None:
    nd_yag(practice, name="Our YAG")
    nd_yag(other_practice, name="Their YAG")
    laser_goggles(other_practice, "Their goggles", "7")
    page = signed_in(clinician).get("/laser-safety/").content.decode()
    assert "Our YAG" in page
    assert "Their YAG" not in page and "Their goggles" not in page


def test_the_laser_safety_page_writes_wavelengths_as_people_do(
    signed_in: SignIn, practice: Practice, clinician: StaffUser
) -> None:
    laser_goggles(practice, "Goggles", "7")
    page = signed_in(clinician).get("/laser-safety/").content.decode()
    assert "950-1100 nm OD 7.0" in page


# -- the admin's checks --------------------------------------------------------------------------------------------


def _beam(practice: Practice, **fields: object) -> DeviceBeam:
    base: dict[str, object] = {"wavelength_nm": Decimal("1064"), "beam_mm": Decimal("6"), "source": "manual"}
    return DeviceBeam(device=nd_yag(practice), **{**base, **fields})


def test_a_beam_with_both_power_and_pulse_energy_is_refused_on_its_field(practice: Practice) -> None:
    beam = _beam(practice, power_w=Decimal("10"), pulse_energy_j=Decimal("1"), pulse_s_min=Decimal("0.001"))
    with pytest.raises(ValidationError) as refused:
        beam.full_clean(exclude=["device"])
    assert refused.value.message_dict == {
        "pulse_energy_j": ["give either power_w (continuous) or pulse_energy_j with pulse_s (pulsed), not both"]
    }


def test_a_pulsed_beam_without_its_pulse_duration_is_refused(practice: Practice) -> None:
    with pytest.raises(ValidationError) as refused:
        _beam(practice, pulse_energy_j=Decimal("1")).full_clean(exclude=["device"])
    assert refused.value.message_dict == {"pulse_s_min": ["a pulsed laser needs its pulse duration"]}


def test_overlapping_pulses_are_refused_on_the_repetition_rate(practice: Practice) -> None:
    beam = _beam(practice, pulse_energy_j=Decimal("1"), pulse_s_min=Decimal("0.1"), rep_hz=Decimal("20"))
    with pytest.raises(ValidationError) as refused:
        beam.full_clean(exclude=["device"])
    assert "rep_hz" in refused.value.message_dict


def test_a_picosecond_lasers_pulse_is_kept_to_the_picosecond(practice: Practice) -> None:
    beam = _beam(practice, pulse_energy_j=Decimal("0.4"), pulse_s_min=Decimal("4.5e-10"), rep_hz=Decimal("10"))
    beam.full_clean(exclude=["device"])
    beam.save()
    beam.refresh_from_db()
    assert beam.pulse_s_min == Decimal("4.5e-10")
    (found,) = [item for item in safety.requirements(beam.device) if item.beam.pk == beam.pk]
    assert found.requirement is not None and found.problem == ""


def test_an_eyewear_rating_needs_an_od_or_an_ipl_rating(practice: Practice) -> None:
    item = Eyewear.objects.create(practice=practice, name="Goggles")
    with pytest.raises(ValidationError, match="Give either the optical density"):
        EyewearRating(eyewear=item, from_nm=900, to_nm=1100).full_clean()


def test_an_eyewear_band_ending_before_it_starts_is_refused(practice: Practice) -> None:
    item = Eyewear.objects.create(practice=practice, name="Goggles")
    with pytest.raises(ValidationError) as refused:
        EyewearRating(eyewear=item, from_nm=1100, to_nm=900, od=Decimal("5")).full_clean()
    assert refused.value.message_dict == {"to_nm": ["1100 nm is longer than 900 nm"]}


def test_the_admin_shows_a_beams_problem_on_the_device_page(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    admin = staff[Role.PRACTICE_ADMIN]
    admin.is_staff = True
    admin.save()
    laser = nd_yag(practice)
    beam = DeviceBeam.objects.get(device=laser)
    data = {
        "name": laser.name,
        "manufacturer": "",
        "model": laser.model,
        "serial_number": laser.serial_number,
        "modality": laser.modality,
        "wavelengths_nm": "1064",
        "active": "on",
        "beams-TOTAL_FORMS": "1",
        "beams-INITIAL_FORMS": "1",
        "beams-0-id": str(beam.pk),
        "beams-0-device": str(laser.pk),
        "beams-0-wavelength_nm": "1064",
        "beams-0-pulse_energy_j": "1",
        "beams-0-beam_mm": "6",
        "beams-0-source": "manual",
        "ipl_bands-TOTAL_FORMS": "0",
        "ipl_bands-INITIAL_FORMS": "0",
    }
    response = signed_in(admin).post(f"/admin/clinic/device/{laser.pk}/change/", data)
    assert response.status_code == 200
    assert "a pulsed laser needs its pulse duration" in response.content.decode()


def test_a_practice_admin_records_eyewear_with_its_rating_in_the_admin(
    signed_in: SignIn, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    admin = staff[Role.PRACTICE_ADMIN]
    data = {
        "name": "Goggles 3",
        "manufacturer": "",
        "serial_number": "G3",
        "wearer": "operator",
        "marking": "D 900-1100 LB5",
        "active": "on",
        "ratings-TOTAL_FORMS": "1",
        "ratings-INITIAL_FORMS": "0",
        "ratings-0-from_nm": "900",
        "ratings-0-to_nm": "1100",
        "ratings-0-od": "6",
        "ratings-0-lb_d": "5",
    }
    response = signed_in(admin).post("/admin/safety/eyewear/add/", data)
    assert response.status_code == 302
    item = Eyewear.objects.get(name="Goggles 3")
    assert item.practice == practice
    assert [(rating.od, rating.scale_numbers) for rating in item.ratings.all()] == [(Decimal("6.0"), {"D": 5})]


def test_the_admin_refuses_an_eyewear_rating_without_od_or_ipl_rating_and_keeps_what_was_typed(
    signed_in: SignIn, staff: dict[Role, StaffUser]
) -> None:
    data = {
        "name": "Goggles 4",
        "wearer": "any",
        "active": "on",
        "ratings-TOTAL_FORMS": "1",
        "ratings-INITIAL_FORMS": "0",
        "ratings-0-from_nm": "900",
        "ratings-0-to_nm": "1100",
    }
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post("/admin/safety/eyewear/add/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Give either the optical density (for lasers) or the manufacturer's IPL rating" in html.unescape(page)
    assert 'value="Goggles 4"' in page
    assert not Eyewear.objects.exists()
