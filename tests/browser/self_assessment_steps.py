"""Steps of a member of the public's walk, shared by the browser tests and docs/screenshots.py: the information
pages, the self-assessment, its result and the consultation request. Each page is checked with axe-core."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.support import check_accessibility

Shot = Callable[[Page, str], None]

# A fair-skinned person (type II) with sun spots and fine lines, who gets cold sores: answers as labelled.
SKIN = {
    "Eye colour": "Blue, grey or green",
    "Natural hair colour": "Blonde",
    "Skin colour on unexposed areas": "Pale with a beige tint",
    "Freckles on unexposed areas": "Few",
    "What happens after staying in the sun too long": "Burns, sometimes followed by peeling",
    "How brown the skin turns": "A reasonable tan",
    "Turns brown within hours of sun exposure": "Seldom",
    "How the face reacts to the sun": "Normal",
    "Last exposure of the body to sun, a sunbed or tanning cream": "2-3 months ago",
    "Is the area to be treated exposed to the sun?": "Sometimes",
}


def _none(page: Page, name: str) -> None:
    """No screenshot."""


def read_about_treatments(page: Page, shot: Shot = _none) -> None:
    page.goto("/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About laser skin rejuvenation")
    check_accessibility(page)
    shot(page, "patient-learn")
    page.get_by_role("link", name="Intense pulsed light (IPL, not a laser)").click()
    expect(page.get_by_role("heading", name="Side effects and risks")).to_be_visible()
    expect(page.get_by_text("evidence: established in published studies").first).to_be_visible()
    check_accessibility(page)
    shot(page, "patient-learn-treatment")
    page.get_by_role("navigation", name="Information pages").get_by_role("link", name="Preparing for treatment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing for treatment")
    check_accessibility(page)


def fill_in_the_self_assessment(page: Page, shot: Shot = _none) -> None:
    page.goto("/self-assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Which laser or light treatments could suit you?")
    check_accessibility(page)
    shot(page, "patient-self-assessment")
    answer_the_self_assessment(page)


def answer_the_self_assessment(
    page: Page,
    concerns: tuple[str, ...] = ("Sun spots (lentigines)", "Fine lines"),
    isotretinoin: str = "No, never",
    cold_sores: str = "Yes",
    cold_sore_now: str = "No",
) -> None:
    """Every question answered as labelled, from the open form to the result page."""
    page.get_by_label("Your age").fill("46")
    for concern in concerns:
        page.get_by_role("checkbox", name=concern).check()
    for question, answer in SKIN.items():
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_label("How long could your skin look treated").select_option(label="Up to 3 days")
    page.get_by_role("group", name="Are you pregnant or breastfeeding?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Have you ever taken isotretinoin").get_by_label(isotretinoin).check()
    page.get_by_role("group", name="Do you get cold sores").get_by_label(cold_sores, exact=True).check()
    page.get_by_role("group", name="Do you have a cold sore right now?").get_by_label(cold_sore_now, exact=True).check()
    page.get_by_role("group", name="Have you ever had keloids").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="See which treatments could suit me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your self-assessment")


def read_the_result(page: Page, shot: Shot = _none) -> None:
    expect(page.get_by_text("An education aid, not a diagnosis.")).to_be_visible()
    expect(page.get_by_text("type II (questionnaire score")).to_be_visible()
    could = page.get_by_role("region", name="Kinds of treatment that could suit you")
    expect(could.get_by_role("heading", name="Intense pulsed light (IPL, not a laser)")).to_be_visible()
    screening = page.get_by_role("region", name="What your health answers mean for treatment")
    expect(screening).to_contain_text("Cold sores in the past")
    check_accessibility(page)
    shot(page, "patient-result")


def ask_for_a_consultation(page: Page, name: str, shot: Shot = _none) -> None:
    request = page.get_by_role("region", name="Ask Riverside Skin & Laser Clinic for a consultation")
    request.get_by_label("Your name").fill(name)
    request.get_by_role("group", name="How should the practice contact you?").get_by_label("By phone").check()
    request.get_by_label("Phone number").fill("+44 7700 900888")
    request.get_by_label("When is it best to reach you?").fill("Tuesday afternoons")
    request.get_by_role("button", name="Send my request").click()
    # Without the consent ticked nothing is sent, and what was typed stays.
    expect(page.get_by_text("Tick this box to send the request: without it nothing is stored.")).to_be_visible()
    expect(request.get_by_label("Your name")).to_have_value(name)
    check_accessibility(page)
    request.get_by_label("I agree that the practice stores my contact details").check()
    shot(page, "patient-request")
    request.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your request was sent")
    check_accessibility(page)
    shot(page, "patient-request-sent")


def front_desk_handles_the_request(page: Page, name: str, shot: Shot = _none) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consultation requests")
    check_accessibility(page)
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Consultation request from {name}")
    expect(page.get_by_text("+44 7700 900888").first).to_be_visible()
    expect(page.get_by_text("Do you get cold sores (herpes simplex)?")).to_be_visible()
    check_accessibility(page)
    shot(page, "consultation-request")
    page.get_by_label("New status").select_option("contacted")
    page.get_by_role("button", name="Save the status").click()
    expect(page.get_by_text("status Contacted")).to_be_visible()
