"""The course, end to end in a real browser: an accepted plan, its consent signed with a drawn signature, the course
booked, session 1 charted and signed, session 2's chart started from session 1's settings and refused weeks ahead of
its booked day, an adverse event that flags the plan, and an outcome. axe-core checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, book_session, choose_eyewear
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, draw_signature, log_in

pytestmark = pytest.mark.browser

NAME = "Ines Carvalho"


def _sign_consent(page: Page) -> None:
    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    check_accessibility(page)
    page.get_by_role("button", name="Prepare a consent to sign").click()
    # The signing page: the document, then the typed name and the drawn signature.
    expect(page.get_by_text("No treatment").first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".errors, .errorlist").first).to_be_visible()  # refused: no name, no signature
    page.get_by_label(re.compile("full name", re.IGNORECASE)).fill(NAME)
    draw_signature(page)
    page.get_by_label("I confirmed the identity of the person signing").check()
    page.get_by_label("photo ID seen").check()
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
    expect(page.locator("svg path").first).to_be_attached()
    expect(page.get_by_text(NAME).first).to_be_visible()
    check_accessibility(page)


def _book_course(page: Page, plan_url: str) -> None:
    book_session(page, plan_url, 1)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Course of treatment: {NAME}")
    check_accessibility(page)
    book_session(page, plan_url, 2)
    rows = page.locator("table.course-sessions tbody tr")
    expect(rows.nth(0)).not_to_contain_text("not booked")
    expect(rows.nth(1)).not_to_contain_text("not booked")
    check_accessibility(page)


def _open_chart(page: Page, plan_url: str, session: int) -> None:
    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Chart a session").click()
    page.locator(".device-choice a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chart a session")
    expect(page.get_by_text(f"Session {session} on")).to_be_visible()


def _chart_session_one(page: Page, plan_url: str) -> None:
    _open_chart(page, plan_url, 1)
    page.get_by_label(re.compile("^Fluence")).fill("14")
    page.get_by_label(re.compile("^Pulse duration")).fill("4")
    page.get_by_label(re.compile("^Spot size")).fill("15")
    page.get_by_label("Treated areas").fill("Cheeks and forehead")
    page.get_by_label("Immediate clinical endpoint").fill("Mild erythema, lesions darkened")
    choose_eyewear(page, patient="IPL patient shields (patient)", operator="IPL goggles 1 (anyone)")
    check_accessibility(page)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Sign the chart of session 1").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
    check_accessibility(page)


def _session_two_starts_from_session_one_but_waits_for_its_day(page: Page, plan_url: str) -> None:
    """Session 2 is booked weeks ahead (the course's interval): its chart form starts from session 1's settings,
    with last time's value beside each, and saving it today is refused until its booking is moved here."""
    _open_chart(page, plan_url, 2)
    expect(page.get_by_text("Started from session 1")).to_be_visible()
    expect(page.get_by_label(re.compile("^Fluence"))).to_have_value("14")
    expect(page.locator(".last-time").first).to_contain_text("Last time: 14")
    page.get_by_label(re.compile("^Fluence")).fill("15")
    expect(page.locator("#change-fluence_j_cm2")).to_contain_text("▲")
    choose_eyewear(page, patient="IPL patient shields (patient)", operator="IPL goggles 1 (anyone)")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("within a day of its booking")).to_be_visible()
    expect(page.get_by_text("move its booking to that day first")).to_be_visible()
    check_accessibility(page)


def test_an_accepted_plan_is_consented_booked_charted_twice_and_followed_up(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page()
    log_in(page, server, "clinician")
    plan_url = accepted_plan(page, *NAME.split())
    _sign_consent(page)
    _book_course(page, plan_url)
    _chart_session_one(page, plan_url)
    _session_two_starts_from_session_one_but_waits_for_its_day(page, plan_url)

    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Record an adverse event").click()
    check_accessibility(page)
    page.get_by_label("Type").select_option("prolonged_erythema")
    page.get_by_label("Mild").check()
    page.get_by_label("Treatment given").fill("Cool compresses; sun protection.")
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text("awaiting", exact=False).first).to_be_visible()
    check_accessibility(page)

    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Record an outcome").click()
    check_accessibility(page)
    page.get_by_label(re.compile("GAIS.*clinician", re.IGNORECASE)).select_option("2")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_be_visible()
    check_accessibility(page)

    page.goto(plan_url)
    page.get_by_role("heading", level=1).get_by_role("link", name=NAME).click()
    course = page.get_by_role("region", name="Course of treatment")
    expect(course).to_contain_text("1 of 4 sessions done")
    expect(course).to_contain_text("1 adverse event awaiting a clinician's review")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline.locator("li.chart")).to_have_count(1)
    expect(timeline.locator("li.consent")).to_contain_text("Signed")
    expect(timeline.locator("li.adverse_event")).to_contain_text("Awaiting review")
    expect(timeline.locator("li.outcome")).to_have_count(1)
    check_accessibility(page)
