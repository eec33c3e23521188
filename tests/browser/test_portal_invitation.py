"""From the practice's invitation to a patient using the portal on her phone: the clinician plans and prepares her
consent, the front desk invites her, she sets a password from the e-mailed link, signs her consent, downloads her
handout, adds her appointments to her calendar and reports a side effect. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, book_session
from tests.browser.portal_steps import PHONE
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature

pytestmark = pytest.mark.browser

EMAIL = "ines.barros@example.org"
PASSWORD = "seven quiet herons by the weir"


def _invitation_link(server: DemoServer) -> str:
    """The link of the invitation e-mailed to EMAIL, from the server's mail folder (the file e-mail backend)."""
    folder = Path(server.environment["LASERCARE_VAR_DIR"]) / "mail"
    for message in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
        text = message.read_text(encoding="utf-8", errors="replace")
        if f"To: {EMAIL}" in text:
            found = re.search(r"https?://\S+/portal/invitation/\S+/", text)
            assert found is not None, text
            return found.group(0)
    raise AssertionError(f"no invitation to {EMAIL} in {folder}")


def _prepare(page: Page) -> None:
    """The clinician: a new patient with an accepted plan, her session 1 booked and her consent prepared."""
    plan_url = accepted_plan(page, "Ines", "Barros")
    # Two days ahead: her appointment must still be to come whenever the test runs (a session today at 15:00 is
    # past by late afternoon, and the portal then has no appointment to put in her calendar).
    book_session(page, plan_url, 1, start="15:00", day=date.today() + timedelta(days=2))
    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="Prepare a consent to sign").click()
    expect(page.get_by_role("button", name="I consent: sign")).to_be_visible()


def _invite(page: Page) -> None:
    """The front desk records her e-mail address and invites her."""
    page.goto("/patients/?q=Barros")
    page.get_by_role("link", name=re.compile("Barros")).first.click()
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Invite to the patient portal").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to i…@example.org")
    expect(page.get_by_role("region", name="Patient portal")).to_contain_text("Invited")
    check_accessibility(page)


def test_an_invited_patient_signs_her_consent_and_keeps_her_appointments_on_her_phone(
    new_page: PageFactory, server: DemoServer
) -> None:
    _prepare(new_page("clinician"))
    _invite(new_page("frontdesk"))

    phone = new_page(width=PHONE["width"], height=PHONE["height"])
    phone.goto(_invitation_link(server))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Welcome to your patient portal")
    check_accessibility(phone)
    phone.get_by_label(re.compile(r"^New password:?$")).fill(PASSWORD)
    phone.get_by_label("New password again").fill(PASSWORD)
    phone.get_by_role("button", name="Set my password").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Hello, Ines")

    phone.get_by_role("link", name="Read and sign your consent").click()
    phone.get_by_label("Your full name").fill("Ines Barros")
    draw_signature(phone)
    phone.get_by_role("button", name="I consent: sign").click()
    expect(phone.get_by_text("Signed in your patient portal.")).to_be_visible()

    phone.goto("/portal/")
    with phone.expect_download() as handout:
        phone.get_by_role("link", name="Download as PDF").first.click()
    assert handout.value.suggested_filename == "treatment-plan.pdf"
    assert Path(handout.value.path()).read_bytes()[:5] == b"%PDF-"

    phone.get_by_role("link", name="Add them to your calendar").first.click()
    check_accessibility(phone)
    with phone.expect_download() as calendar:
        phone.get_by_role("link", name="Download the calendar file").click()
    ics = Path(calendar.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "VALARM" in ics
    phone.get_by_role("button", name="Make my calendar address").click()
    address = phone.get_by_label(re.compile("Copy it into your calendar app")).input_value()
    assert "/calendar/patient/" in address
    check_accessibility(phone)
    feed = phone.context.request.get(address)
    assert feed.ok and "BEGIN:VCALENDAR" in feed.text()

    phone.get_by_role("navigation", name="Your pages").get_by_role("link", name="Report a side effect").click()
    phone.get_by_label("Redness or swelling").check()
    phone.get_by_role("button", name="Send to the practice").click()
    expect(phone.get_by_text("A clinician at the practice will read it")).to_be_visible()
    check_accessibility(phone)
    phone.screenshot(path=str(server.log.parent / "portal-invited-reported.png"), full_page=True)
