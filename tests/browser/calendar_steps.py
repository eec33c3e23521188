"""Steps the clinic calendar's browser test and its screenshots share: a weekday with bookings for two
practitioners."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page

from tests.browser.course_steps import accepted_plan, book_session

NURSE = "Sam Okafor (Nurse / aesthetician)"


def a_weekday_ahead(days: int = 2) -> date:
    """A Monday to Friday at least `days` days from today: a clinic's ordinary working day."""
    day = date.today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def two_practitioners_booked(page: Page, day: date) -> None:
    """Two new patients booked on the day in treatment room 2: Ines Ferreira with the clinician at 09:00, Tomas
    Lind with the nurse at 11:00."""
    book_session(page, accepted_plan(page, "Ines", "Ferreira"), 1, start="09:00", day=day)
    book_session(page, accepted_plan(page, "Tomas", "Lind"), 1, practitioner=NURSE, start="11:00", day=day)
