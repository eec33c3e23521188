"""The clinician's day, end to end in a real browser: a new patient, a consultation, the plan reviewed, overridden
with a reason, and accepted. axe-core checks every page on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, log_in

pytestmark = pytest.mark.browser

# Answers 0-4 to the ten Fitzpatrick questions: 14 in all, type III.
ANSWERS = [1, 2, 1, 2, 2, 1, 1, 2, 0, 2]
SCORE = sum(ANSWERS)


def _create_patient(page: Page) -> None:
    page.get_by_role("link", name="New patient").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New patient")
    check_accessibility(page)
    page.get_by_label("Given names").fill("Maren")
    page.get_by_label("Family name").fill("Lindqvist")
    page.get_by_label("Date of birth").fill("1971-05-04")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Phone").fill("+44 20 7946 0321")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maren Lindqvist")
    expect(page.get_by_text("No consultation yet.")).to_be_visible()
    check_accessibility(page)


def _fill_consultation(page: Page) -> None:
    preview = page.locator("#preview")
    page.get_by_label("Phototype assessed by the clinician").select_option("III")
    page.get_by_text("Fitzpatrick questionnaire").click()
    for number, answer in enumerate(ANSWERS, 1):
        page.locator(f"#id_q{number}").select_option(str(answer))
    expect(preview).to_contain_text(f"Questionnaire score: {SCORE} of 40")
    # The panel follows each answer: a change to the last one changes the score.
    page.locator("#id_q10").select_option("4")
    expect(preview).to_contain_text(f"Questionnaire score: {SCORE + 2} of 40")
    page.locator("#id_q10").select_option(str(ANSWERS[-1]))
    expect(preview).to_contain_text(f"Questionnaire score: {SCORE} of 40")

    page.get_by_role("checkbox", name="Sun spots (lentigines)").check()
    page.locator("#id_severity_sun_spots").select_option("2")
    page.locator("#id_med_name_0").press_sequentially("tretinoin 0.025% cream")
    expect(preview).to_contain_text("tretinoin 0.025% cream: tretinoin (Topical retinoids)")
    page.locator("#id_med_name_1").press_sequentially("zorblatix 5 mg")
    expect(preview).to_contain_text("zorblatix 5 mg: not recognised: a clinician reviews it before booking")
    expect(preview.get_by_role("heading", name="Options")).to_be_visible()


def _override_without_then_with_a_reason(page: Page) -> str:
    options = page.locator("table.options tbody tr")
    last_option = options.last.locator("th").first.inner_text().split("\n")[0].strip()
    review = page.locator("form", has=page.get_by_role("button", name="Record override"))
    review.get_by_label("Changed an option's suitability").check()
    review.get_by_role("combobox", name="Option").select_option(label=last_option)
    review.get_by_label("New suitability").select_option("not_advised")
    review.get_by_role("button", name="Record override").click()

    # Refused: the error stands beside the reason, and what was chosen is still chosen.
    reason = page.get_by_label("Reason")
    expect(page.locator(".field", has=reason)).to_contain_text("This field is required.")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Changed an option's suitability")).to_be_checked()
    chosen = page.get_by_role("combobox", name="Option").locator("option:checked")
    expect(chosen).to_have_text(last_option)
    expect(page.get_by_label("New suitability")).to_have_value("not_advised")
    check_accessibility(page)

    why = "Patient had blistering with this device in 2024; not again."
    reason.fill(why)
    page.get_by_role("button", name="Record override").click()
    expect(page.get_by_role("status")).to_contain_text("Override recorded with its reason.")
    expect(page.locator(".overrides")).to_contain_text(why)
    return why


def test_clinician_takes_a_new_patient_from_consultation_to_an_accepted_plan(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page()
    page.goto("/login/")
    check_accessibility(page)
    log_in(page, server, "clinician")
    check_accessibility(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients")
    check_accessibility(page)
    _create_patient(page)

    page.get_by_role("link", name="New consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New consultation: Maren Lindqvist")
    check_accessibility(page)
    _fill_consultation(page)
    check_accessibility(page)

    page.get_by_role("button", name="Save consultation and plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan: Maren Lindqvist")
    expect(page.get_by_role("status")).to_contain_text("Consultation recorded")
    expect(page.locator(".status")).to_have_text("Draft: awaiting a clinician")
    expect(page.get_by_role("region", name="Findings")).to_contain_text("retinoid", ignore_case=True)
    expect(page.locator("table.options tbody tr").first).to_contain_text("chosen")
    expect(page.get_by_role("region", name="Phototype")).to_contain_text(f"questionnaire score {SCORE}")
    check_accessibility(page)

    why = _override_without_then_with_a_reason(page)
    check_accessibility(page)

    page.get_by_role("button", name="The patient accepts").click()
    expect(page.get_by_role("status")).to_contain_text("Plan accepted.")
    expect(page.locator(".status").first).to_have_text("Accepted")
    expect(page.locator(".overrides")).to_contain_text(why)
    expect(page.get_by_role("button", name="The patient accepts")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("heading", level=1).get_by_role("link", name="Maren Lindqvist").click()
    timeline = page.get_by_role("region", name="Timeline")
    plan_event = timeline.locator("li.plan")
    expect(plan_event).to_have_count(1)
    expect(plan_event).to_contain_text("Accepted")
    expect(plan_event).to_contain_text("1 override")
    expect(timeline.locator("li.consultation")).to_contain_text("Consultation with")
    check_accessibility(page)
