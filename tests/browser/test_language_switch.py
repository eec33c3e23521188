"""The language switch of the patient pages in a real browser, on a phone: a member of the public and a signed-in
patient change the language from the foot of any page, the page comes back in that language, and axe-core finds
nothing wrong in either language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.portal_steps import PHONE, portal_sign_in
from tests.browser.server import DemoServer
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def _switch(page: Page, language: str, button: str) -> None:
    page.get_by_label(language_label(page)).select_option(language)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def language_label(page: Page) -> str:
    return "Idioma" if page.locator("html").get_attribute("lang") == "es" else "Language"


def test_a_patient_switches_the_portal_to_spanish_and_back_on_a_phone(
    new_page: PageFactory, server: DemoServer
) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    portal_sign_in(page, server)
    expect(page.get_by_role("combobox", name="Language")).to_have_value("en")
    check_accessibility(page)

    _switch(page, "es", "Change language")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hola, Maya")
    expect(page.get_by_role("navigation", name="Sus páginas")).to_be_visible()
    expect(page.get_by_role("combobox", name="Idioma")).to_have_value("es")
    check_accessibility(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    # The choice holds from page to page.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Sus páginas").get_by_role("link", name="Citas").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_accessibility(page)

    _switch(page, "en", "Cambiar idioma")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Your pages")).to_be_visible()


def test_the_public_pages_switch_language_before_anyone_signs_in(new_page: PageFactory, server: DemoServer) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto(server.url("/portal/sign-in/"))
    _switch(page, "es", "Change language")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Iniciar sesión", exact=True)).to_be_visible()
    check_accessibility(page)
