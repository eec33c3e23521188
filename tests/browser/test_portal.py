"""The patient portal in a real browser, on a phone (390 x 844) and on a desk: the demo's portal patient signs in,
signs her consent with a drawn signature, reads her plan and downloads it, ticks off preparation, asks to move an
appointment and reports a side effect; the practice sees what she sent. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.portal_steps import PHONE, portal_sign_in
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature

pytestmark = pytest.mark.browser

PORTAL_PAGES = ("Home", "Preparation", "Appointments", "Aftercare", "Report a side effect", "Photos")


def _menu(page: Page, name: str) -> None:
    # Wait for the new page itself: axe injected while the old one unloads finds no document to add itself to.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Your pages").get_by_role("link", name=name, exact=True).click()
    check_accessibility(page)


def test_a_patient_uses_the_portal_on_a_phone(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    check_accessibility(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]  # nothing to scroll sideways

    # Her consent, read and signed at home.
    page.get_by_role("link", name="Read and sign your consent").click()
    expect(page.get_by_text("No treatment").first).to_be_visible()
    check_accessibility(page)
    # A question first: it goes to the practice and the consent stays unsigned.
    page.get_by_role("link", name="I have a question before signing").click()
    check_accessibility(page)
    page.get_by_label("Your question").fill("Can I wear make-up the day after?")
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("Your question is with the practice.")).to_be_visible()
    expect(page.get_by_text("You sent the practice a question about this consent.")).to_be_visible()
    expect(page.get_by_role("button", name="I consent: sign")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".errors, .errorlist").first).to_be_visible()  # no name, no signature: refused
    page.get_by_label("Your full name").fill("Maya Patel")
    draw_signature(page)
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.get_by_role("heading", name="Signed")).to_be_visible()
    expect(page.get_by_text("Signed in your patient portal.")).to_be_visible()
    check_accessibility(page)

    # Her plan, in plain words, and as a PDF.
    _menu(page, "Home")
    page.get_by_role("link", name="Your plan, agreed").click()
    expect(page.get_by_role("heading", name="Possible side effects and how often they happen")).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as a PDF").click()
    assert download.value.suggested_filename == "treatment-plan.pdf"

    # The preparation checklist, dated from session 1.
    _menu(page, "Preparation")
    expect(page.get_by_text("Booked for").first).to_be_visible()
    first = page.get_by_role("button", name="Mark done").first
    first.click()
    expect(page.get_by_role("button", name="Done").first).to_have_attribute("aria-pressed", "true")
    check_accessibility(page)

    # An appointment to move.
    _menu(page, "Appointments")
    # "Move or cancel" when the session is beyond the practice's notice for online changes; asking works either way.
    page.get_by_role("link", name=re.compile("^(Ask to change or cancel|Move or cancel)$")).first.click()
    check_accessibility(page)
    page.get_by_label("Move it to another time").check()
    page.get_by_label("Days and times that suit you").fill("Any weekday morning")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Your request is with the practice.")).to_be_visible()
    expect(page.get_by_text("You asked to change this appointment")).to_be_visible()

    _menu(page, "Aftercare")
    expect(page.get_by_text("still to come: read ahead").first).to_be_visible()

    # A side effect, with an urgent symptom: she is told to call.
    _menu(page, "Report a side effect")
    expect(page.get_by_role("note")).to_contain_text("Call the practice now if you have")
    page.get_by_label("Blisters on the treated skin").check()
    page.get_by_label("Describe it in your own words").fill("Two small blisters on the left cheek")
    page.get_by_role("button", name="Send to the practice").click()
    expect(page.get_by_role("alert")).to_contain_text("please call the practice")
    check_accessibility(page)
    page.screenshot(path=str(server.log.parent / "portal-phone-reported.png"), full_page=True)

    # The practice sees both: the clinician the urgent report, the front desk the request.
    clinician = new_page("clinician")
    clinician.goto(server.url("/"))
    reports = clinician.get_by_role("region", name="Side effects reported by patients")
    expect(reports).to_contain_text("urgent symptom")
    reports.get_by_role("link", name="Patel, Maya").first.click()
    expect(clinician.get_by_text("Two small blisters on the left cheek")).to_be_visible()
    check_accessibility(clinician)
    desk = new_page("frontdesk")
    desk.goto(server.url("/"))
    expect(desk.get_by_role("region", name="Appointment change requests")).to_contain_text("Patel, Maya")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in to your patient portal")


def test_every_portal_page_passes_axe_on_a_desk(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page()
    portal_sign_in(page, server)
    for name in PORTAL_PAGES:
        _menu(page, name)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(server.url("/portal/password/"))
    check_accessibility(page)


def test_the_sign_in_page_passes_axe_and_a_wrong_password_says_so(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto(server.url("/portal/sign-in/"))
    check_accessibility(page)
    page.get_by_label("E-mail address").first.fill("nobody@example.org")
    page.get_by_role("region", name="With your password").get_by_label("Password").fill("not a password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    check_accessibility(page)
