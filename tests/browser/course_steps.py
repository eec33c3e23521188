"""Steps the course's browser tests share: a new patient with an accepted plan, a session booked."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.support import check_accessibility


def new_patient(page: Page, given: str, family: str, born: str = "1970-02-14") -> None:
    """A new woman in the practice's records, her page open."""
    page.goto("/patients/new/")
    page.get_by_label("Given names").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Sex").select_option("female")
    page.get_by_role("button", name="Save").click()


def accepted_plan(page: Page, given: str, family: str) -> str:
    """A new patient whose plan (intense pulsed light, for sun spots and fine lines at type III, last in the sun three
    months ago) the patient accepted; returns the plan's address. The demo practice has a device for it."""
    new_patient(page, given, family)
    page.get_by_role("link", name="New consultation").click()
    page.get_by_label("Phototype assessed by the clinician").select_option("III")
    page.get_by_role("checkbox", name="Sun spots (lentigines)").check()
    page.locator("#id_severity_sun_spots").select_option("2")
    page.get_by_role("checkbox", name="Fine lines").check()
    page.locator("#id_severity_fine_lines").select_option("1")
    # Her last sun was three months ago: the sun avoidance asked before treatment is done, nothing holds session 1.
    page.get_by_label("Last tan, sunburn or self-tanner").fill((date.today() - timedelta(days=90)).isoformat())
    expect(page.locator("#preview").get_by_role("heading", name="Options")).to_be_visible()
    page.get_by_role("button", name="Save consultation and plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Treatment plan: {given} {family}")
    page.get_by_role("button", name="The patient accepts").click()
    expect(page.get_by_role("status")).to_contain_text("Plan accepted.")
    check_accessibility(page)
    return page.url


def book_session(
    page: Page, plan_url: str, session: int, *, practitioner: str = "", start: str = "10:00", day: date | None = None
) -> None:
    """Book a session of the plan's course on its proposed day (or `day`), in treatment room 2, on the first
    device."""
    page.goto(plan_url)
    page.get_by_role("region", name="The course").get_by_role("link", name="Sessions and bookings").click()
    form = page.locator("#book")
    form.get_by_label("Session").select_option(str(session))
    if day is not None:
        form.get_by_label("Day").fill(day.isoformat())
    form.get_by_label("Start time").select_option(start)
    if practitioner:
        form.get_by_label("Practitioner").select_option(label=practitioner)
    form.get_by_label("Room").select_option(label="Treatment room 2")
    form.get_by_label("Device").select_option(index=1)
    # The demo clinic opens Monday to Saturday, and these tests book on the day they run, which may be a Sunday or a
    # Saturday afternoon. A clinician may book outside hours with a note; within hours the note is not kept.
    note = form.get_by_label(re.compile("^Note for booking outside"))
    if note.count():
        note.fill("Booked by the browser tests, which run on any day")
    form.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status")).to_contain_text(f"Session {session} booked")


def choose_eyewear(page: Page, *, patient: str, operator: str) -> None:
    """On the chart form: the eyewear the patient and the operator wear, from the practice's inventory (each option
    reads "name (who it is for)")."""
    page.get_by_label("Eyewear the patient wears").select_option(label=patient)
    page.get_by_label("Eyewear the operator wears").select_option(label=operator)


def open_ready_to_book(page: Page, name: str) -> None:
    """From the dashboard, the booking form of `name`'s next session: their line in the "Ready to book" list, on the
    dashboard or, past its head, on the list's own pages. By clicking only."""
    section = page.get_by_role("region", name="Ready to book")
    line = section.get_by_role("link", name=name)
    if not line.count():
        section.get_by_role("link", name=re.compile("All plans ready to book|The list on its own page")).click()
        line = page.get_by_role("link", name=name)
        while not line.count():
            page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    line.click()
    expect(page.get_by_role("heading", name="Book a session")).to_be_visible()


def book_first_free_slot(page: Page, session: int) -> None:
    """On the open booking page: the first of the next free slots offered for the session, in one click. The slots
    keep the plan's rules and the clinic's hours, so this books on whatever day the tests run."""
    free = page.locator("#free-slots")
    expect(free.get_by_role("heading", level=2)).to_contain_text(f"for session {session}")
    free.get_by_role("button", name=re.compile("^Book ")).first.click()
    expect(page.get_by_role("status")).to_contain_text(f"Session {session} booked")
