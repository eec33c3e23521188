"""A consent signed on the patient's behalf, in a real browser: the patient's name refused from someone else, then a
parent signs as the patient's representative, the witness confirms who signed, and the consent and its print view
say who signed, as what, for whom. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature, log_in

pytestmark = pytest.mark.browser

PATIENT = ("Lucía", "Fernández")
PARENT = "Marta Fernández"


def _open_signing_page(page: Page) -> None:
    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="Prepare a consent to sign").click()
    expect(page.get_by_role("button", name="I consent: sign")).to_be_visible()
    check_accessibility(page)


def test_a_parent_signs_consent_for_the_patient_and_the_consent_says_so(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page()
    log_in(page, server, "clinician")
    accepted_plan(page, *PATIENT)
    _open_signing_page(page)

    # The parent types her own name as the patient's: refused, with the way to sign on the patient's behalf.
    page.get_by_label(re.compile("full name", re.IGNORECASE)).fill(PARENT)
    draw_signature(page)
    page.get_by_label("I confirmed the identity of the person signing").check()
    page.get_by_label("photo ID seen").check()
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".errorlist").first).to_contain_text("The name typed is not the patient's name")
    expect(page.get_by_label(re.compile("full name", re.IGNORECASE))).to_have_value(PARENT)
    check_accessibility(page)

    # On the patient's behalf, as her parent.
    page.get_by_label("On behalf of the patient: I am their representative").check()
    page.get_by_label("Your relationship to the patient").select_option(label="parent")
    draw_signature(page)  # the pad starts empty again after a refusal
    page.get_by_label("I confirmed the identity of the person signing").check()
    page.get_by_label("known to the practice").check()
    page.get_by_role("button", name="I consent: sign").click()

    expect(page.locator(".status").first).to_contain_text("Signed")
    signer = page.locator(".consent-signer")
    expect(signer).to_have_text(f"{PARENT}, parent, on behalf of {' '.join(PATIENT)}")
    expect(page.get_by_text("confirmed by the witness: known to the practice")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Print view").click()
    expect(page.locator(".consent-signer")).to_have_text(f"{PARENT}, parent, on behalf of {' '.join(PATIENT)}")
