"""A chart without the settings its treatment needs is saved as a draft, but signing it is refused, and the refusal
names each setting missing (charting/required_settings.toml)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, book_session, choose_eyewear
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature, log_in

pytestmark = pytest.mark.browser

NAME = "Aoife Brennan"


def _sign_consent(page: Page) -> None:
    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="Prepare a consent to sign").click()
    page.get_by_label(re.compile("full name", re.IGNORECASE)).fill(NAME)
    draw_signature(page)
    page.get_by_label("I confirmed the identity of the person signing").check()
    page.get_by_label("photo ID seen").check()
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".status").first).to_contain_text("Signed")


def test_a_chart_without_settings_is_refused_at_signing_naming_what_is_missing(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page()
    log_in(page, server, "clinician")
    plan_url = accepted_plan(page, *NAME.split())
    _sign_consent(page)
    # At 14:00: the golden path's patient, with the same plan, has session 1 at 10:00 on the same day and device.
    book_session(page, plan_url, 1, start="14:00")
    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Chart a session").click()
    page.locator(".device-choice a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chart a session")
    # Nothing typed in the settings: the check beside the form says what signing will need.
    page.get_by_label("Treated areas").fill("Cheeks")
    choose_eyewear(page, patient="IPL patient shields (patient)", operator="IPL goggles 1 (anyone)")
    expect(page.locator(".missing-settings")).to_contain_text("fluence or energy, spot size, pulse duration")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Before signing, record: fluence or energy, spot size")
    expect(page.locator(".status").first).to_contain_text("Draft")
    check_accessibility(page)

    page.get_by_role("button", name="Sign the chart of session 1").click()
    refusal = page.get_by_role("status")
    expect(refusal).to_contain_text("cannot be signed until the settings this treatment needs are recorded")
    expect(refusal).to_contain_text("Missing: fluence or energy, spot size, pulse duration.")
    expect(page.locator(".status").first).to_contain_text("Draft, not signed")
    check_accessibility(page)
