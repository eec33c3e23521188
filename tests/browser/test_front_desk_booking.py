"""The front desk books a freshly accepted plan's first session by clicking only: from the dashboard's "Ready to
book" list, or from the patient's page. Nobody types an address."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan, book_first_free_slot, open_ready_to_book
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility, log_in

pytestmark = pytest.mark.browser


def _accepted_by_a_clinician(new_page: PageFactory, server: DemoServer, given: str, family: str) -> None:
    page = new_page()
    log_in(page, server, "clinician")
    accepted_plan(page, given, family)


def _front_desk(new_page: PageFactory, server: DemoServer) -> Page:
    page = new_page()
    log_in(page, server, "frontdesk")  # lands on the dashboard
    return page


def test_the_front_desk_books_a_new_plans_first_session_from_the_ready_to_book_list(
    new_page: PageFactory, server: DemoServer
) -> None:
    _accepted_by_a_clinician(new_page, server, "Rosalind", "Ebury")
    page = _front_desk(new_page, server)
    check_accessibility(page)
    open_ready_to_book(page, "Ebury, Rosalind")
    check_accessibility(page)
    book_first_free_slot(page, 1)
    # Booked: the plan leaves session 1 behind, and the list offers its session 2 instead.
    page.get_by_role("link", name="Rosalind Ebury").click()
    expect(page.get_by_role("link", name="Book session 2")).to_be_visible()
    courses = page.get_by_role("region", name="Courses and appointments")
    expect(courses).to_contain_text(re.compile(r"Treatment room \d"))


def test_the_front_desk_books_a_new_plans_first_session_from_the_patients_page(
    new_page: PageFactory, server: DemoServer
) -> None:
    _accepted_by_a_clinician(new_page, server, "Tobias", "Wrenfield")
    page = _front_desk(new_page, server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Find a patient").fill("Wrenfield")  # a name, as a receptionist asks for one: not an address
    page.locator("#results").get_by_role("link", name="Wrenfield, Tobias").click()
    expect(page.get_by_text(re.compile(r"0 of \d sessions held"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Book session 1").click()
    book_first_free_slot(page, 1)
