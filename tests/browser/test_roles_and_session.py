"""What each role sees, and leaving: the front desk never sees clinical records; logging out ends the session."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.server import DemoServer
from tests.browser.support import a_plan_url, check_accessibility, log_in

pytestmark = pytest.mark.browser


def test_front_desk_sees_no_clinical_section(new_page: PageFactory) -> None:
    page = new_page("frontdesk")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    expect(page.get_by_role("heading", name="Today's patients")).to_be_visible()
    expect(page.get_by_role("heading", name="Plans awaiting a clinician's sign-off")).to_have_count(0)
    navigation = page.get_by_role("navigation", name="Main")
    # Laser safety (devices, eyewear, signs) holds no patient data: every member of staff has it.
    expect(navigation.get_by_role("link")).to_have_text(
        ["Dashboard", "Patients", "Requests", "Calendar", "Laser safety"]
    )
    check_accessibility(page)

    navigation.get_by_role("link", name="Patients").click()
    page.locator("#results a").first.click()
    expect(page.get_by_role("term").filter(has_text="Date of birth")).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_have_count(0)
    expect(page.get_by_role("link", name="New consultation")).to_have_count(0)
    expect(page.locator("a[href*='/plans/'], a[href*='/consultations/']")).to_have_count(0)
    check_accessibility(page)


def test_front_desk_is_refused_a_plan_page(new_page: PageFactory) -> None:
    plan = a_plan_url(new_page("clinician"))
    page = new_page("frontdesk")
    response = page.goto(plan)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.locator("main")).not_to_contain_text("Findings")
    check_accessibility(page)
    response = page.goto(plan + "print/")
    assert response is not None and response.status == 403


def test_log_out_ends_the_session(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page()
    log_in(page, server, "nurse")  # an account of its own: logging out ends that session for everyone holding it
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page).to_have_url(server.url("/login/"))
    page.goto("/patients/")
    expect(page).to_have_url(server.url("/login/?next=/patients/"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
