"""The consultation form, in a real browser: a misspelt medicine is read as what it probably is, and one click
puts the suggested name in the field; allergies are read as they are typed. axe-core checks the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.course_steps import new_patient
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser


def test_the_clinician_takes_the_suggested_name_for_a_misspelt_medicine(new_page: PageFactory) -> None:
    page = new_page("clinician")
    new_patient(page, "Lena", "Ortiz", born="1981-03-09")
    page.get_by_role("link", name="New consultation").click()
    page.get_by_label("Phototype assessed by the clinician").select_option("II")
    page.get_by_role("checkbox", name="Fine lines").check()
    page.locator("#id_med_name_0").fill("Isotretnon 20mg")
    page.get_by_label("Allergies").fill("lidocaine (hives)")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("did you mean isotretinoin?")
    expect(preview).to_contain_text("Topical and local anaesthetics")
    check_accessibility(page)

    preview.get_by_role("button", name="Use “isotretinoin”").click()
    expect(page.locator("#id_med_name_0")).to_have_value("isotretinoin")
    expect(preview).not_to_contain_text("did you mean")
    expect(preview).to_contain_text("Oral isotretinoin")
    check_accessibility(page)
