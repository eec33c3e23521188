"""Every other page a member of staff reaches: it renders, and axe-core finds no serious or critical problem."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.server import DemoServer
from tests.browser.support import a_plan_url, check_accessibility

pytestmark = pytest.mark.browser


def test_login_page_shows_a_wrong_password_as_an_alert(new_page: PageFactory) -> None:
    page = new_page()
    page.goto("/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill("frontdesk")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("frontdesk")
    check_accessibility(page)


def test_patient_search_finds_a_patient_by_name(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto("/patients/")
    first = page.locator("#results tbody a").first.inner_text()  # "Family, Given"
    family = first.split(",")[0]
    page.get_by_label("Find a patient").fill(family)
    results = page.locator("#results")
    expect(results.locator("caption")).to_contain_text("Patients matching the search")
    expect(results.locator("tbody a").first).to_contain_text(family)
    check_accessibility(page)
    page.get_by_label("Find a patient").fill("Nobody-by-this-name")
    expect(results).to_contain_text("No patient found.")
    check_accessibility(page)


def test_plan_print_view_renders_the_plan(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto(a_plan_url(page))
    check_accessibility(page)
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan for")
    expect(page.get_by_role("heading", name="Options, ranked")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.locator("table.options tbody tr").first).to_be_visible()
    expect(page.locator("header.top")).to_have_count(0)  # no navigation on paper
    # The print style sheet applies (auto-retried: the sheet may still be loading when the heading shows).
    expect(page.locator("body")).to_have_css("font-family", re.compile("DejaVu Serif"))
    check_accessibility(page)


def test_consultation_record_page(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto(a_plan_url(page))
    page.get_by_role("link", name="consultation of").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consultation:")
    expect(page.get_by_role("heading", name="Plans from this consultation")).to_be_visible()
    check_accessibility(page)


def test_password_change_page(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto("/")
    page.get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()  # the practice's page, not the admin's
    check_accessibility(page)
    page.get_by_label("Old password").fill("not my password")
    page.locator("#id_new_password1").fill("a long new passphrase 7")
    page.get_by_label("New password confirmation").fill("a long new passphrase 7")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field", has=page.get_by_label("Old password"))).to_contain_text("incorrectly")
    check_accessibility(page)


def test_audit_log_for_the_practice_admin(new_page: PageFactory) -> None:
    page = new_page("admin")
    page.goto("/")
    check_accessibility(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    expect(page.locator("table.list tbody tr").first).to_be_visible()
    expect(page.locator("table.list caption")).to_contain_text("entries")
    check_accessibility(page)


def test_admin_configuration_index(new_page: PageFactory) -> None:
    page = new_page("admin")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configuration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice configuration")
    check_accessibility(page)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/today/", "Today's patients"),
        ("/plans/awaiting/", "Plans awaiting a clinician's sign-off"),
        ("/follow-ups/", "Follow-ups due"),
    ],
)
def test_a_dashboard_list_on_its_own_page(new_page: PageFactory, path: str, title: str) -> None:
    page = new_page("clinician")
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.get_by_role("link", name="Dashboard").first).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize("path", ["/login/", "/"])
def test_phone_width_needs_no_sideways_scrolling(new_page: PageFactory, server: DemoServer, path: str) -> None:
    page = new_page("clinician" if path == "/" else None, width=390, height=844)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width}px wide on a 390px screen"
    check_accessibility(page)


def test_admin_staff_list(new_page: PageFactory) -> None:
    page = new_page("admin")
    page.goto("/admin/")
    page.get_by_role("link", name="Staff", exact=False).first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(4)
    # Django's own admin template: the filter sidebar's links ("All", "Clinician"...) are 20px high, under the 24px
    # of WCAG 2.2's target-size (2.5.8). That rule alone is left out here; the rest of the page is checked.
    check_accessibility(page, disable=("target-size",))
