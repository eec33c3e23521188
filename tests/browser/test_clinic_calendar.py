"""The whole clinic's day in a real browser, on a tablet: each practitioner a column with their bookings, every
booking and every way through the days reached with the keyboard, and no axe-core violation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.browser.calendar_steps import a_weekday_ahead, two_practitioners_booked
from tests.browser.conftest import PageFactory
from tests.browser.support import check_accessibility, tab_through, tab_to

pytestmark = pytest.mark.browser

TABLET_PORTRAIT = ViewportSize(width=768, height=1024)
TABLET_LANDSCAPE = ViewportSize(width=1024, height=768)


def column_of(page: Page, link_name: str) -> str:
    """The header of the column a booking's link sits in."""
    link = page.locator(".clinic-calendar").get_by_role("link", name=link_name)
    header: str = link.evaluate(
        """a => { const cell = a.closest('td');
                  return cell.closest('table').tHead.rows[0].cells[cell.cellIndex].innerText.trim(); }"""
    )
    return header


def by_href(link: Locator) -> str:
    """A CSS selector for the link (what tab_to matches the focus against)."""
    return f'a[href="{link.get_attribute("href")}"]'


def page_overflow(page: Page) -> int:
    overflow: int = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return overflow


def test_the_front_desk_reads_the_whole_clinics_day_on_a_tablet(new_page: PageFactory) -> None:
    day = a_weekday_ahead()
    two_practitioners_booked(new_page("clinician"), day)
    page = new_page("frontdesk", **TABLET_PORTRAIT)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar: whole clinic")
    page.goto(f"/calendar/?date={day.isoformat()}")
    grid = page.get_by_role("region", name=re.compile(f"{day:%A} {day.day}"))
    expect(grid.get_by_role("columnheader", name="Dr Priya Raman")).to_be_visible()
    expect(grid.get_by_role("columnheader", name="Sam Okafor")).to_be_visible()
    assert column_of(page, "09:00–09:45 Ines Ferreira") == "Dr Priya Raman"
    assert column_of(page, "11:00–11:45 Tomas Lind") == "Sam Okafor"
    expect(grid.get_by_role("row", name=re.compile("^09:00")).get_by_role("rowheader")).to_have_text("09:00")
    assert page_overflow(page) <= 0, "the page is wider than the tablet"
    check_accessibility(page)
    page.set_viewport_size(TABLET_LANDSCAPE)
    assert page_overflow(page) <= 0, "the page is wider than the tablet turned sideways"
    check_accessibility(page)


def test_every_booking_and_the_way_through_the_days_are_reached_with_the_keyboard(new_page: PageFactory) -> None:
    day = a_weekday_ahead(3)
    two_practitioners_booked(new_page("clinician"), day)
    page = new_page("frontdesk", **TABLET_LANDSCAPE)
    page.goto(f"/calendar/?date={day.isoformat()}")
    # Every booking in the grid is a Tab stop, in the order of the day, and its focus can be seen (tab_through
    # fails otherwise); the grid's box itself is one too, so arrow keys scroll it sideways.
    stops = tab_through(page)
    bookings = [stop["text"] for stop in stops if re.match(r"\d\d:\d\d–\d\d:\d\d", stop["text"])]
    assert len(bookings) == page.locator(".clinic-calendar a[href*='/bookings/']").count()
    assert any("Ines Ferreira" in text for text in bookings)
    assert any("Tomas Lind" in text for text in bookings)
    assert any(stop["tag"] == "div" for stop in stops), "the grid's scrolling box takes no focus"
    page.evaluate("() => document.activeElement?.blur()")
    tab_to(page, by_href(page.locator(".clinic-calendar").get_by_role("link", name="Tomas Lind")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tomas Lind")

    page.goto(f"/calendar/?date={day.isoformat()}")
    tab_to(page, by_href(page.get_by_role("link", name="Next day")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"date={(day + timedelta(days=1)).isoformat()}"))
    tab_to(page, by_href(page.get_by_role("link", name="Week view")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Practitioner")).to_be_visible()
    check_accessibility(page)
    tab_to(page, "#cal-by")
    page.keyboard.press("ArrowDown")  # Rooms
    tab_to(page, ".calendar-choose button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Room")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Treatment room 2")).to_be_visible()
    check_accessibility(page)


def test_the_day_sheet_prints_each_practitioners_bookings(new_page: PageFactory) -> None:
    day = a_weekday_ahead(4)
    two_practitioners_booked(new_page("clinician"), day)
    page = new_page("frontdesk")
    page.goto(f"/calendar/?date={day.isoformat()}")
    page.get_by_role("link", name="Print the day sheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day sheet")
    raman = page.get_by_role("region", name="Dr Priya Raman")
    expect(raman.get_by_role("row", name=re.compile("Ines Ferreira"))).to_contain_text("Treatment room 2")
    expect(page.get_by_role("region", name="Sam Okafor")).to_contain_text("Tomas Lind")
    check_accessibility(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the calendar")).to_be_hidden()
