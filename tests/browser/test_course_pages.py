"""The course's other pages in a real browser: the calendars (on a desk and on a phone), a booking cancelled by the
front desk, a practitioner's calendar feed, an adverse event reviewed from the dashboard, and the consent
templates. axe-core checks each."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, book_session
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def test_the_front_desk_reads_a_practitioners_week_and_a_rooms_day(new_page: PageFactory) -> None:
    clinician = new_page("clinician")
    book_session(clinician, accepted_plan(clinician, "Mira", "Holm"), 1, start="09:00")
    page = new_page("frontdesk")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.get_by_label("Practitioner").select_option(label="Dr Priya Raman")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar: Dr Priya Raman")
    page.get_by_role("link", name="Week view").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Week of")
    expect(page.locator(".calendar-week .calendar-day")).to_have_count(7)
    # The session is on its proposed day, this week or one of the next two.
    for _ in range(3):
        if page.locator(".calendar-bookings").get_by_role("link", name="Mira Holm").count():
            break
        page.get_by_role("link", name="Next week").click()
    card = page.locator(".calendar-bookings .booking", has=page.get_by_role("link", name="Mira Holm"))
    expect(card).to_contain_text("09:00–09:45")
    expect(card).to_contain_text("session 1 of 4")
    check_accessibility(page)

    page.get_by_label("Practitioner").select_option(index=0)
    page.get_by_label("or room").select_option(label="Treatment room 2")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar: Treatment room 2")
    page.get_by_role("link", name="Day view").click()
    expect(page.locator(".calendar-day")).to_have_count(1)
    check_accessibility(page)
    page.get_by_role("link", name="Next day").click()
    expect(page).to_have_url(re.compile(r"room=.*view=day"))
    check_accessibility(page)


def test_the_week_fits_a_phones_screen(new_page: PageFactory) -> None:
    page = new_page("nurse", width=390, height=844)
    page.goto("/calendar/")
    page.get_by_role("link", name="Your week").click()
    expect(page.locator(".calendar-week .calendar-day")).to_have_count(7)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the week is {overflow} px wider than the phone"
    check_accessibility(page)


def test_the_front_desk_cancels_a_booking_only_with_a_reason(new_page: PageFactory) -> None:
    clinician = new_page("clinician")
    plan_url = accepted_plan(clinician, "Lotte", "Brandt")
    book_session(clinician, plan_url, 1, start="16:00")
    page = new_page("frontdesk")
    page.goto(clinician.url)  # the course page, where the booking is listed
    page.locator("table.course-sessions tbody tr").first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lotte Brandt")
    check_accessibility(page)
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.locator(".field.has-error")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Reason for cancelling").fill("The patient is unwell; will call.")
    page.get_by_role("button", name="Cancel the booking").click()
    expect(page.get_by_role("status")).to_contain_text("cancelled", ignore_case=True)
    expect(page.get_by_text("The patient is unwell; will call.")).to_be_visible()
    check_accessibility(page)


def test_a_practitioner_subscribes_to_a_feed_that_names_no_patient(new_page: PageFactory) -> None:
    clinician = new_page("clinician")
    plan_url = accepted_plan(clinician, "Aino", "Virtanen")
    book_session(clinician, plan_url, 1, practitioner="Sam Okafor (Nurse / aesthetician)", start="11:00")
    page = new_page("nurse")
    page.goto("/calendar/")
    page.get_by_role("link", name="Your calendar on your phone").click()
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("Make a feed address|Replace the address")).click()
    address = page.locator("#feed-url").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/feed/[^/]+\.ics", address)
    check_accessibility(page)
    with urllib.request.urlopen(address, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/calendar")
        feed = response.read().decode()
    assert "BEGIN:VCALENDAR" in feed and "BEGIN:VEVENT" in feed
    assert "Virtanen" not in feed and "Aino" not in feed


def test_a_clinician_reviews_the_adverse_event_the_dashboard_flags(new_page: PageFactory) -> None:
    page = new_page("clinician")
    accepted_plan(page, "Kofi", "Asante")
    page.get_by_role("region", name="The course").get_by_role("link", name="Record an adverse event").click()
    page.get_by_label("Type").select_option("purpura")
    page.get_by_label("Mild").check()
    page.get_by_role("button", name="Record the event").click()
    page.goto("/")
    flagged = page.get_by_role("region", name="Adverse events awaiting review")
    flagged.get_by_role("link", name=re.compile("Asante")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adverse event")
    check_accessibility(page)
    page.get_by_label("Review note").fill("Expected after this treatment; continue the course with sun protection.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("continue the course with sun protection")).to_be_visible()
    check_accessibility(page)
    page.goto("/")
    flagged = page.get_by_role("region", name="Adverse events awaiting review")
    expect(flagged.get_by_role("link", name=re.compile("Asante"))).to_have_count(0)


def test_the_admin_writes_the_next_version_of_a_consent_template(new_page: PageFactory) -> None:
    page = new_page("admin")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consent templates").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent templates")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("Write version 2")).first.click()
    wording = page.get_by_label("Wording")
    wording.fill("")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.locator(".field.has-error")).to_be_visible()
    expect(page.get_by_label("Title")).not_to_have_value("")
    check_accessibility(page)
    wording.fill("Our own wording, reviewed by the clinical lead.")
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_role("status")).to_contain_text("2")
    check_accessibility(page)
