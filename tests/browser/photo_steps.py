"""Steps the photo browser tests and the screenshot walk share: a synthetic portrait on disk, the patient's photo
consent, and a photo uploaded to a consultation."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, render


def portrait(folder: Path, name: str, spots: int, red_patch: bool, category: str = "intermediate") -> Path:
    spec = PortraitSpec(
        SKIN_BY_CATEGORY[category], width=480, height=640, spot_count=spots, red_patch=red_patch, chart=True
    )
    path = folder / name
    Image.fromarray(render(spec).rgb).save(path, format="JPEG", quality=92)
    return path


def record_photo_consent(page: Page) -> None:
    """From a consultation's upload page without consent: record it ("clinical record only")."""
    page.get_by_role("link", name="Record the patient's photo consent").click()
    page.get_by_label("Clinical record only").check()
    page.get_by_label(re.compile("The patient has been told")).check()
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_role("status")).to_contain_text("Photo consent recorded")


def upload(page: Page, consultation_url: str, photo: Path) -> None:
    """A frontal photo added to the consultation; waits for its analysis (in-process in the demo server)."""
    page.goto(consultation_url)
    page.get_by_role("link", name="Add photos").click()
    page.get_by_label("Frontal").check()
    page.get_by_label("Photo:").set_input_files(photo)
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Frontal photo")
    expect(page.locator("#photo-state")).to_contain_text("Analysed")
