"""The eyewear check in a real browser: a session charted with eyewear that does not cover the IPL cannot be
signed; the laser safety officer records an override with a reason; the chart is signed and shows it. A device added
without its output stops charting until the admin records it. Also the laser-safety pages. axe-core checks every
page on the way (the demo's clinician is its laser safety officer)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, choose_eyewear
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature, log_in

pytestmark = pytest.mark.browser


def consented_plan(page: Page, given: str, family: str) -> str:
    """An accepted IPL plan whose consent the patient signed (a typed name and a drawn signature). No session is
    booked: a chart needs none, and the demo server's calendar is shared with the other browser tests."""
    plan_url = accepted_plan(page, given, family)
    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="Prepare a consent to sign").click()
    page.get_by_label(re.compile("full name", re.IGNORECASE)).fill(f"{given} {family}")
    draw_signature(page)
    page.get_by_label("I confirmed the identity of the person signing").check()
    page.get_by_label("photo ID seen").check()
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
    return plan_url


def fill_in_chart(page: Page, plan_url: str, *, device: str | None, patient: str, operator: str) -> None:
    """Session 1's chart form filled in on `device` (the first listed when None) with the eyewear given."""
    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Chart a session").click()
    choice = page.locator(".device-choice")
    (choice.get_by_role("link", name=device) if device else choice.get_by_role("link").first).click()
    # The settings an IPL chart needs before it is signed (charting/required_settings.toml).
    page.get_by_label(re.compile("^Fluence")).fill("14")
    page.get_by_label(re.compile("^Pulse duration")).fill("4")
    page.get_by_label(re.compile("^Spot size")).fill("15")
    page.get_by_label("Passes").fill("1")
    page.get_by_label("Treated areas").fill("Cheeks")
    choose_eyewear(page, patient=patient, operator=operator)


def draft_with_laser_goggles(page: Page, plan_url: str) -> None:
    """Session 1 charted with the patient in Nd:YAG goggles, which carry no IPL rating."""
    fill_in_chart(page, plan_url, device=None, patient="Nd:YAG goggles 2 (anyone)", operator="IPL goggles 1 (anyone)")
    # The live check names the shortfall before anything is saved.
    expect(page.locator("#check")).to_contain_text(
        "Nd:YAG goggles 2 (the patient) carries no manufacturer's IPL rating"
    )
    check_accessibility(page)
    page.get_by_role("button", name="Save draft").click()


def test_charting_is_blocked_by_eyewear_until_the_officer_overrides_with_a_reason(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page()
    log_in(page, server, "clinician")
    plan_url = consented_plan(page, "Marta", "Okafor")
    draft_with_laser_goggles(page, plan_url)
    gate = page.locator("#eyewear-gate")
    expect(gate).to_contain_text("The eyewear does not protect everyone in the room")
    expect(gate).to_contain_text("500-1200 nm")
    check_accessibility(page)

    page.get_by_role("button", name="Sign the chart of session 1").click()
    expect(page.get_by_text("cannot be charted until a laser safety officer").first).to_be_visible()
    expect(page.locator(".status").first).to_contain_text("Draft")

    page.get_by_role("button", name="Record the override").click()
    expect(page.get_by_text("Give the reason for the override").first).to_be_visible()
    page.get_by_label("Reason for the override (laser safety officer)").fill(
        "IPL shields cracked; patient's eyes covered with opaque pads under the goggles"
    )
    page.get_by_role("button", name="Record the override").click()
    expect(gate).to_contain_text("Eyewear check overridden by the laser safety officer")
    check_accessibility(page)

    page.get_by_role("button", name="Sign the chart of session 1").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
    expect(gate).to_contain_text("opaque pads")
    check_accessibility(page)


def test_staff_see_each_devices_laser_safety_and_its_sign(new_page: PageFactory) -> None:
    page = new_page("frontdesk")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Laser safety").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laser safety")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Device \d+")).first.click()
    expect(page.get_by_text("Required optical density")).to_be_visible()
    expect(page.get_by_text("the demo clinic's example output").first).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Laser-controlled-area sign (PDF)").click()
    assert download.value.suggested_filename == "laser-controlled-area.pdf"


def test_a_device_added_without_its_output_stops_charting_until_the_admin_records_it(
    new_page: PageFactory, server: DemoServer
) -> None:
    # The practice admin adds an IPL but not yet its output band (named to sort after the demo's own IPL).
    admin = new_page("admin")
    admin.goto("/admin/clinic/device/add/")
    admin.get_by_label("Name:").fill("Trial IPL")
    admin.get_by_label("Model:").fill("Trial 1")
    admin.get_by_label("Serial number:").fill("TRIAL-1")
    admin.get_by_label("Treatment:").select_option("ipl")
    admin.get_by_label("Wavelengths nm:").fill("560")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was added successfully")
    device_url = admin.url

    page = new_page()
    log_in(page, server, "clinician")
    plan_url = consented_plan(page, "Ines", "Carvalho")
    fill_in_chart(
        page, plan_url, device="Trial IPL", patient="IPL patient shields (patient)", operator="IPL goggles 1 (anyone)"
    )
    expect(page.locator("#check")).to_contain_text("Trial IPL has no laser-safety output on record")
    page.get_by_role("button", name="Save draft").click()
    gate = page.locator("#eyewear-gate")
    expect(gate).to_contain_text("The eyewear cannot be checked")
    check_accessibility(page)
    page.get_by_role("button", name="Sign the chart of session 1").click()
    expect(page.get_by_text("cannot be checked: Trial IPL has no laser-safety output").first).to_be_visible()
    expect(page.locator(".status").first).to_contain_text("Draft")

    # The admin records the band from the manual; the same draft now signs.
    admin.goto(device_url)
    admin.get_by_role("button", name="Add another IPL output band").click()
    admin.locator("#id_ipl_bands-0-from_nm").fill("515")
    admin.locator("#id_ipl_bands-0-to_nm").fill("1200")
    admin.locator("#id_ipl_bands-0-source").fill("Trial IPL operator manual, filter table")
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    page.reload()
    expect(gate).to_contain_text("The eyewear covers the device at this wavelength for everyone recorded")
    page.get_by_role("button", name="Sign the chart of session 1").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
