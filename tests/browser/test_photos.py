"""Skin photos in a real browser: photo consent, two uploads analysed as they arrive, and the comparison with its
slider worked from the keyboard. axe-core checks each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, render
from tests.browser.conftest import PageFactory
from tests.browser.course_steps import accepted_plan
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def portrait(folder: Path, name: str, spots: int, red_patch: bool) -> Path:
    spec = PortraitSpec(
        SKIN_BY_CATEGORY["intermediate"], width=480, height=640, spot_count=spots, red_patch=red_patch, chart=True
    )
    path = folder / name
    Image.fromarray(render(spec).rgb).save(path, format="JPEG", quality=92)
    return path


def upload(page: Page, consultation_url: str, photo: Path) -> None:
    page.goto(consultation_url)
    page.get_by_role("link", name="Add photos").click()
    page.get_by_label("Frontal").check()
    page.get_by_label("Photo:").set_input_files(photo)
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Frontal photo")
    expect(page.locator("#photo-state")).to_contain_text("Analysed")


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
    page.get_by_role("link", name="Record the patient's photo consent").click()
    page.get_by_label("Clinical record only").check()
    page.get_by_label(re.compile("The patient has been told")).check()
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_role("status")).to_contain_text("Photo consent recorded")
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
