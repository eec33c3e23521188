"""A member of the public, on a phone and on a desktop: the information pages, the self-assessment, its result and
a consultation request, which the front desk then finds and handles. axe-core checks every page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory
from tests.browser.self_assessment_steps import (
    answer_the_self_assessment,
    ask_for_a_consultation,
    fill_in_the_self_assessment,
    front_desk_handles_the_request,
    read_about_treatments,
    read_the_result,
)
from tests.browser.server import ROOT
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = ROOT / "var" / "browser-screenshots"


def keep(prefix: str) -> Callable[[Page, str], None]:
    def shot(page: Page, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{prefix}-{name}.png"), full_page=True)

    return shot


def no_sideways_scrolling(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.parametrize(("device", "size"), [("phone", PHONE), ("desktop", {"width": 1280, "height": 900})])
def test_a_person_walks_from_the_information_to_a_consultation_request_the_front_desk_handles(
    new_page: PageFactory, device: str, size: dict[str, int]
) -> None:
    name = f"Ffion Carrow-{device}"
    page = new_page(width=size["width"], height=size["height"])
    shot = keep(device)
    read_about_treatments(page, shot)
    no_sideways_scrolling(page)
    fill_in_the_self_assessment(page, shot)
    read_the_result(page, shot)
    no_sideways_scrolling(page)
    ask_for_a_consultation(page, name, shot)
    front_desk = new_page("frontdesk", width=size["width"], height=size["height"])
    front_desk_handles_the_request(front_desk, name, shot)


def test_a_missing_answer_is_shown_beside_its_question_on_a_phone(new_page: PageFactory) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto("/self-assessment/")
    page.get_by_label("Your age").fill("46")
    page.get_by_role("button", name="See which treatments could suit me").click()
    expect(page.get_by_role("alert").first).to_contain_text("Some answers need a look")
    expect(page.get_by_role("group", name="Eye colour")).to_contain_text("your skin type needs all ten answers")
    expect(page.get_by_label("Your age")).to_have_value("46")
    check_accessibility(page)
    no_sideways_scrolling(page)


def test_on_a_phone_a_treatment_a_health_answer_bears_on_carries_a_caution(new_page: PageFactory) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto("/self-assessment/")
    answer_the_self_assessment(page, concerns=("Acne scars",), isotretinoin="Yes, I take it now", cold_sores="No")
    could = page.get_by_role("region", name="Kinds of treatment that could suit you")
    caution = could.get_by_role("note", name="Caution for Fractional CO2 laser")
    expect(caution).to_be_visible()
    expect(caution).to_contain_text("Isotretinoin tablets now or in the last 6 months")
    expect(caution).to_contain_text("Talk over the leaflet's advice with your clinician")
    screening = page.get_by_role("region", name="What your health answers mean for treatment")
    expect(screening).to_contain_text("This is about: Full CO2 laser resurfacing")
    check_accessibility(page)
    no_sideways_scrolling(page)


def test_on_a_phone_a_cold_sore_now_makes_treatment_wait(new_page: PageFactory) -> None:
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    page.goto("/self-assessment/")
    answer_the_self_assessment(page, cold_sores="No", cold_sore_now="Yes")
    screening = page.get_by_role("region", name="What your health answers mean for treatment")
    expect(screening).to_contain_text("A skin infection or open wound where you would be treated")
    expect(screening).to_contain_text("treatment waits")
    expect(page.get_by_text("laser and light treatment would have to wait for now")).to_be_visible()
    check_accessibility(page)
    no_sideways_scrolling(page)
