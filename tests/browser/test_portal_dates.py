"""The dates the demo's portal patient reads on her phone (390 x 844): her sessions in order, none still to book in
the past, and the aftercare that lasts days given as the days it covers ("Days 1 to 7"). axe-core checks each page."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.portal_steps import PHONE, portal_sign_in
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAY = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})\b")


def _day(text: str) -> date | None:
    found = DAY.search(text)
    if found is None:
        return None
    return date(int(found.group(3)), MONTHS.index(found.group(2)) + 1, int(found.group(1)))


def _practice_today() -> date:
    """Today in the demo practice's time zone (the settings' default), as the server dates the sessions."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def _go(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("navigation", name="Your pages").get_by_role("link", name=name, exact=True).click()
    check_accessibility(page)


def test_on_a_phone_the_sessions_are_in_order_and_none_to_book_lies_in_the_past(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Your plan")).first.click()
    check_accessibility(page)
    sessions = page.locator("section", has=page.get_by_role("heading", name="Your sessions"))
    rows = sessions.locator("tbody tr").all_inner_texts()
    assert rows, "the plan lists its sessions"
    days = [(_day(row), row) for row in rows]
    listed = [day for day, _ in days if day is not None]
    assert listed == sorted(listed), rows
    today = _practice_today()
    for day, row in days:
        if "not booked yet" in row:
            assert day is None or day >= today, row
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_aftercare_that_lasts_days_is_shown_over_the_days_it_covers(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    _go(page, "Aftercare")
    lasting = page.get_by_role("heading", level=3, name=re.compile(r"^Days 1 to 7 \("))
    expect(lasting.first).to_be_visible()
    expect(lasting.first.locator("xpath=..")).to_contain_text("For 7 days, do not put retinoids")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
