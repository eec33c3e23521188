"""Skin photos in a real browser: photo consent, two uploads analysed as they arrive, and the comparison with its
slider worked from the keyboard. axe-core checks each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan
from tests.browser.photo_steps import portrait, record_photo_consent, upload
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def test_photos_are_uploaded_analysed_and_compared_with_a_keyboard_slider(
    new_page: PageFactory, tmp_path: Path
) -> None:
    page = new_page("clinician")
    accepted_plan(page, "Noor", "Photographed")
    page.locator("a[href*='/consultations/']").first.click()
    consultation_url = page.url

    # No photo without the patient's photo consent.
    page.get_by_role("link", name="Add photos").click()
    expect(page.get_by_role("alert")).to_contain_text("has not consented to photographs")
    record_photo_consent(page)
    check_accessibility(page)

    upload(page, consultation_url, portrait(tmp_path, "before.jpg", 16, True))
    expect(page.get_by_role("table")).to_contain_text("Pigmented spots (count)")
    check_accessibility(page)
    upload(page, consultation_url, portrait(tmp_path, "after.jpg", 8, False))

    page.get_by_role("link", name=re.compile("With the frontal photo of")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compare photos")
    spots = page.get_by_role("row", name=re.compile("Pigmented spots"))
    expect(spots).to_contain_text("yes, down")

    slider = page.get_by_role("slider")
    expect(slider).to_be_visible()
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("60")
    expect(slider).to_have_attribute("aria-valuetext", "60% before, 40% after")
    reveal = page.locator(".photo-slider").evaluate("frame => frame.style.getPropertyValue('--reveal')")
    assert reveal == "60%"
    page.keyboard.press("Home")
    expect(slider).to_have_attribute("aria-valuetext", "all after")
    check_accessibility(page)

    # The consultation shows the photo estimate beside the recorded phototype (III).
    page.goto(consultation_url)
    expect(page.locator(".ita-estimate")).to_contain_text("phototype estimate")
    check_accessibility(page)
