"""Online booking in a real browser, on a phone (390 x 844): the demo's portal patient, whose practice takes bookings
online, books her next session by choosing one of the free times her plan allows, and finds it among her
appointments. axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.portal_steps import PHONE, portal_sign_in
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def test_a_patient_books_her_next_session_online_on_a_phone(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    page.get_by_role("navigation", name="Your pages").get_by_role("link", name="Appointments", exact=True).click()
    check_accessibility(page)
    page.get_by_role("link", name=re.compile(r"^Book session 2 of \d+$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book your next session")
    check_accessibility(page)
    times = page.locator("form.free-times button[name=time]")
    expect(times.first).to_be_visible()
    day = page.locator("form.free-times h2").first.inner_text()
    hour = times.first.inner_text()
    # The whole button is within reach of a thumb, and the page does not scroll sideways.
    box = times.first.bounding_box()
    assert box is not None and box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    times.first.click()
    expect(page.get_by_role("status")).to_contain_text(f"Booked: {day}, {hour}")
    coming = page.get_by_role("region", name="Coming up")
    expect(coming).to_contain_text(f"{day}, {hour}")
    expect(coming).to_contain_text(re.compile(r"Session 2 of \d+"))
    check_accessibility(page)
