"""The way in and reaching the practice, in a real browser on a phone (390 x 844), checked by axe-core: the front
door at `/`, and the confirmation of an urgent side-effect report with the practice's number and out-of-hours advice.
(The question before signing a consent is a step of tests/browser/test_portal.py, which signs that consent after.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.portal_steps import PHONE, portal_sign_in
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser

PRACTICE = "Riverside Skin & Laser Clinic"
OUT_OF_HOURS = "When we are closed, call our out-of-hours line. In an emergency, call 999."


def test_the_front_door_on_a_phone_leads_patients_and_staff_in(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto(server.url("/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome to {PRACTICE}")
    for name in ("Learn about the treatments", "Check if a treatment could suit you", "Staff log in"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator('footer a[href="tel:+442079460000"]')).to_be_visible()
    check_accessibility(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Sign in to your patient portal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your patient portal")
    expect(page).to_have_title(f"Sign in to your patient portal · {PRACTICE}")
    check_accessibility(page)


def test_an_urgent_reports_confirmation_on_a_phone_says_whom_to_call_day_and_night(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    page.goto(server.url("/portal/side-effects/"))
    page.get_by_label("Blisters on the treated skin").check()
    page.get_by_label("Fever", exact=True).check()
    page.get_by_role("button", name="Send to the practice").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("please call the practice")
    expect(alert.get_by_role("link", name="Call +44 20 7946 0000")).to_have_attribute("href", "tel:+442079460000")
    expect(alert).to_contain_text("If the practice is closed")
    expect(alert).to_contain_text(OUT_OF_HOURS)
    expect(alert.get_by_role("link", name="+44 20 7946 0999")).to_have_attribute("href", "tel:+442079460999")
    check_accessibility(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # The clinicians' list has it marked urgent, not overdue; a clinician reviews it (and so takes it off the list
    # that the other portal test reads).
    clinician = new_page("clinician")
    clinician.goto(server.url("/side-effect-reports/"))
    urgent = clinician.locator("li", has=clinician.locator(".urgent-mark"))
    expect(urgent.first).to_contain_text("urgent symptom")
    expect(clinician.get_by_text("(overdue)")).to_have_count(0)
    urgent.last.get_by_role("link", name="Patel, Maya").click()  # the newest urgent report: this one
    expect(clinician.get_by_text("Fever")).to_be_visible()
    clinician.get_by_role("button", name="Mark reviewed").click()
    expect(clinician.get_by_text("Marked as reviewed.")).to_be_visible()
