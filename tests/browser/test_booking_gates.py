"""Bookings wait for safety, in a real browser: the front desk opens the booking page of a course held by a
medicine nobody has confirmed, sees the hold before filling the form and is refused on sending it; the clinician
settles the question on the plan (a note is required) and the front desk books. axe-core checks each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import new_patient
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser

HOLD = (
    "This course cannot be booked yet. A clinician must first: confirm the medicine “Isotretnon 40mg” "
    "(possibly isotretinoin)."
)


def held_plan(page: Page, given: str, family: str) -> str:
    """A new patient taking a medicine the knowledge base reads only uncertainly (as isotretinoin), whose plan she
    accepted; returns the plan's address."""
    new_patient(page, given, family, born="1972-06-03")
    page.get_by_role("link", name="New consultation").click()
    page.get_by_label("Phototype assessed by the clinician").select_option("III")
    page.get_by_role("checkbox", name="Sun spots (lentigines)").check()
    page.locator("#id_severity_sun_spots").select_option("2")
    page.locator("#id_med_name_0").fill("Isotretnon 40mg")
    expect(page.locator("#preview").get_by_role("heading", name="Options")).to_be_visible()
    page.get_by_role("button", name="Save consultation and plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Treatment plan: {given} {family}")
    page.get_by_role("button", name="The patient accepts").click()
    expect(page.get_by_role("status")).to_contain_text("Plan accepted.")
    return page.url


def fill_booking(page: Page) -> None:
    form = page.locator("#book")
    form.get_by_label("Start time").select_option("14:00")
    form.get_by_label("Practitioner").select_option(label="Dr Priya Raman (Clinician)")
    form.get_by_label("Room").select_option(label="Treatment room 3")
    form.get_by_label("Device").select_option(index=1)


def test_the_front_desk_sees_the_hold_and_is_refused_until_a_clinician_answers(new_page: PageFactory) -> None:
    clinician = new_page("clinician")
    plan_url = held_plan(clinician, "Ines", "Moreau")
    course_url = plan_url + "course/"

    desk = new_page("frontdesk")
    desk.goto(course_url)
    hold = desk.get_by_role("region", name="On hold: 1 safety question")
    expect(hold).to_contain_text(HOLD)
    expect(hold).to_contain_text("Clinicians of this practice: Dr Priya Raman.")
    check_accessibility(desk)
    fill_booking(desk)
    desk.locator("#book").get_by_role("button", name="Book").click()
    expect(desk.locator("#book .errors")).to_contain_text(HOLD)
    expect(desk.locator("table.course-sessions")).not_to_contain_text("with Dr Priya Raman")
    check_accessibility(desk)

    # The clinician settles it on the plan: the note is required.
    clinician.goto(plan_url)
    before = clinician.get_by_role("region", name="Before booking")
    expect(before).to_contain_text("On hold: 1 safety question.")
    before.get_by_role("button", name="Record the answer").click()
    expect(clinician.locator("#before-booking .field.has-error")).to_be_visible()
    check_accessibility(clinician)
    before = clinician.get_by_role("region", name="Before booking")
    before.get_by_label("Your note (required)").fill("A brand of isotretinoin; stopped in 2025 on her GP's record.")
    before.get_by_role("button", name="Record the answer").click()
    expect(clinician.get_by_role("status")).to_contain_text("Answer recorded")
    expect(before).to_contain_text("Every safety question is settled")
    expect(before).to_contain_text("Answered by Dr Priya Raman")
    check_accessibility(clinician)

    desk.goto(course_url)
    expect(desk.get_by_role("region", name=re.compile("On hold"))).to_have_count(0)
    fill_booking(desk)
    desk.locator("#book").get_by_role("button", name="Book").click()
    expect(desk.get_by_role("status")).to_contain_text("Session 1 booked")
