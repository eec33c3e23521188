"""Keyboard only: Tab, Shift+Tab, Space, Enter and typing reach and work every control, and the focus can be
seen wherever it is (`tab_to` fails on any stop without a visible focus indicator)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.server import DemoServer
from tests.browser.support import focused, tab_through, tab_to

pytestmark = pytest.mark.browser


def _choose(page: Page, selector: str, typed: str) -> None:
    """Move to a select with Tab and pick an option by typing the start of its text."""
    tab_to(page, selector)
    page.keyboard.type(typed)


def test_skip_link_is_the_first_stop_and_moves_to_the_content(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto("/")
    assert tab_to(page, "a.skip") == 1
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_log_in_with_the_keyboard_only(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page()
    page.goto("/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("clinician")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(server.passwords["clinician"])
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Log in" and focused(page)["visible"]
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")


def test_every_stop_on_the_dashboard_shows_its_focus(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    controls = page.locator("a[href], button, input:not([type=hidden]), select, textarea, summary").count()
    stops = tab_through(page)
    assert len(stops) == controls, stops
    assert [s["text"] for s in stops[:3]] == ["Skip to content", "lasercare", "Dashboard"]


def test_consultation_form_with_the_keyboard_only(new_page: PageFactory) -> None:
    page = new_page("clinician")
    page.goto("/patients/")
    tab_to(page, "#results tbody a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="New consultation")).to_be_visible()
    tab_to(page, "a.button[href$='/consultations/new/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New consultation")

    _choose(page, "#id_fitzpatrick", "III")
    expect(page.locator("#id_fitzpatrick")).to_have_value("III")
    tab_to(page, "summary")
    page.keyboard.press("Enter")
    expect(page.locator("details")).to_have_attribute("open", "")
    for number in range(1, 11):
        _choose(page, f"#id_q{number}", "1")
        expect(page.locator(f"#id_q{number}")).to_have_value("1")
    expect(page.locator("#preview")).to_contain_text("Questionnaire score: 10 of 40")

    tab_to(page, "#id_concern_sun_spots")
    page.keyboard.press("Space")
    expect(page.locator("#id_concern_sun_spots")).to_be_checked()
    _choose(page, "#id_severity_sun_spots", "2")
    expect(page.locator("#id_severity_sun_spots")).to_have_value("2")
    tab_to(page, "#id_areas_sun_spots")
    page.keyboard.press("ArrowDown")  # a list box: the arrow keys move the selection
    expect(page.locator("#id_areas_sun_spots")).not_to_have_value("")

    tab_to(page, "#id_med_name_0")
    page.keyboard.type("doxycycline 100 mg")
    expect(page.locator("#preview")).to_contain_text("doxycycline 100 mg: doxycycline")
    tab_to(page, "#intake button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan")
    expect(page.get_by_role("region", name="Phototype")).to_contain_text("questionnaire score 10")
    expect(page.get_by_role("region", name="Findings")).to_contain_text("doxycycline", ignore_case=True)


def test_plan_review_with_the_keyboard_only(new_page: PageFactory) -> None:
    """The override form of a draft plan: a radio group, selects and the reason, reached and sent by keyboard."""
    page = new_page("clinician")
    page.goto("/")
    awaiting = page.get_by_role("region", name="Plans awaiting a clinician's sign-off")
    expect(awaiting.get_by_role("link").first).to_be_visible()
    tab_to(page, "section[aria-labelledby=awaiting-heading] a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan")
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    tab_to(page, "input[name=kind]")
    page.keyboard.press("ArrowDown")  # arrows move within the radio group and select
    expect(page.locator("#id_kind_1")).to_be_checked()
    tab_to(page, "#id_modality")
    page.keyboard.press("ArrowDown")  # not the option already chosen
    expect(page.locator("#id_modality")).not_to_have_value(
        page.locator("#id_modality option").first.get_attribute("value") or ""
    )
    tab_to(page, "#id_reason")
    page.keyboard.type("Checked with the patient by keyboard.")
    tab_to(page, "form[action$='/override/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Override recorded")
    expect(page.locator(".overrides")).to_contain_text("Checked with the patient by keyboard.")
