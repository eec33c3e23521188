"""Screenshots of every page for docs/user-guide.md and the README, taken from the demo practice.

    .venv/bin/python docs/screenshots.py          # writes docs/images/*.png
    .venv/bin/python docs/screenshots.py portal   # only the patient portal's (docs/patient-portal.md), on a phone
    .venv/bin/python docs/screenshots.py photo    # only the photo pages
    .venv/bin/python docs/screenshots.py calendar # only the whole clinic's calendar, on a tablet
    .venv/bin/python docs/screenshots.py patient  # only the public pages on a phone (docs/images/patient-*.png)
    .venv/bin/python docs/screenshots.py frontdesk  # only the front desk's dashboard, list and patient page

It starts `lasercare serve --demo` exactly as the browser tests do (tests/browser/server.py: a fresh database,
Debian's chromium) and walks the pages at 1280x900 as a clinician and as the practice admin.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402
from tests.browser.calendar_steps import a_weekday_ahead, two_practitioners_booked  # noqa: E402
from tests.browser.course_steps import (  # noqa: E402
    accepted_plan,
    book_first_free_slot,
    book_session,
    choose_eyewear,
    open_ready_to_book,
)
from tests.browser.photo_steps import portrait, record_photo_consent, upload  # noqa: E402
from tests.browser.portal_steps import PHONE, portal_sign_in  # noqa: E402
from tests.browser.self_assessment_steps import (  # noqa: E402
    ask_for_a_consultation,
    fill_in_the_self_assessment,
    front_desk_handles_the_request,
    read_about_treatments,
    read_the_result,
)
from tests.browser.server import DemoServer, demo_server, launch_chromium, missing_tools  # noqa: E402
from tests.browser.support import draw_signature, log_in  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def _page(browser: Browser, server: DemoServer) -> Page:
    # The course's steps check each page with axe-core, which is added to the page: past the app's CSP.
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    return context.new_page()


def _shot(page: Page, name: str) -> None:
    page.evaluate("() => document.activeElement?.blur()")
    page.mouse.move(0, 0)
    path = IMAGES / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def _scroll_to(page: Page, selector: str) -> None:
    page.locator(selector).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + scrollY - 16)")


def clinician_pages(browser: Browser, server: DemoServer) -> None:
    page = _page(browser, server)
    page.goto("/login/")
    page.get_by_label("Username").fill("clinician")
    _shot(page, "login")
    log_in(page, server, "clinician")
    _shot(page, "dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    _shot(page, "patients")

    # The patient with the longest timeline.
    links: list[str] = page.locator("#results tbody a").evaluate_all("links => links.map(a => a.href)")
    longest, events = links[0], -1
    for link in links:
        page.goto(link)
        count = page.locator(".timeline li").count()
        if count > events:
            longest, events = link, count
    page.goto(longest)
    _shot(page, "patient")

    page.get_by_role("link", name="New consultation").click()
    preview = page.locator("#preview")
    page.get_by_label("Phototype assessed by the clinician").select_option("IV")
    page.get_by_role("checkbox", name="Sun spots (lentigines)").check()
    page.locator("#id_severity_sun_spots").select_option("2")
    page.locator("#id_scale_sun_spots").select_option("clinician")
    page.get_by_role("checkbox", name="Fine lines").check()
    page.locator("#id_severity_fine_lines").select_option("1")
    page.locator("#id_med_name_0").fill("tretinoin 0.025% cream")
    page.locator("#id_med_name_1").fill("Isotretnon 20mg")
    page.get_by_label("Allergies").fill("lidocaine (hives)")
    expect(preview).to_contain_text("did you mean isotretinoin?")
    expect(preview).to_contain_text("Topical and local anaesthetics")
    expect(preview.get_by_role("heading", name="Options")).to_be_visible()
    _scroll_to(page, "fieldset:has(legend:text('Concerns'))")
    _shot(page, "consultation")

    page.get_by_role("button", name="Save consultation and plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan")
    _shot(page, "plan")

    review = page.locator("form[action$='/override/']")
    review.get_by_label("Changed an option's suitability").check()
    options = review.locator("#id_modality option")
    review.locator("#id_modality").select_option(index=options.count() - 1)
    review.locator("#id_suitability").select_option("not_advised")
    review.get_by_role("button", name="Record override").click()
    expect(page.locator(".field.has-error")).to_be_visible()
    _scroll_to(page, "#review-heading")
    _shot(page, "override-error")

    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Treatment plan for")
    _shot(page, "print")
    page.context.close()


def _draw_signature(page: Page) -> None:
    pad = page.locator("canvas").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    left, top, height = box["x"], box["y"], box["height"]
    page.mouse.move(left + 40, top + height * 0.7)
    page.mouse.down()
    for step, rise in enumerate((0.35, 0.75, 0.3, 0.65, 0.4, 0.7, 0.45, 0.6), 1):
        page.mouse.move(left + 40 + step * 32, top + height * rise, steps=4)
    page.mouse.up()


def _chart_session(page: Page, plan_url: str, passes: str) -> None:
    """Chart the next session on the plan's first device. Only the device's wavelength and the passes are typed:
    the screenshots show the form, they do not suggest treatment settings."""
    page.goto(plan_url)
    page.get_by_role("link", name="Chart a session").click()
    page.locator(".device-choice a").first.click()
    page.get_by_label("Passes").fill(passes)
    page.get_by_label("Treated areas").fill("Cheeks and forehead")
    choose_eyewear(page, patient="IPL patient shields (patient)", operator="IPL goggles 1 (anyone)")


def _handout(page: Page, plan_url: str, name: str = "handout") -> None:
    """The patient handout's first page, as pdftoppm renders the PDF the plan page offers."""
    response = page.request.get(plan_url + "handout.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "handout.pdf"
        pdf.write_bytes(response.body())
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(IMAGES / name)],
            check=True,
        )
    print(f"docs/images/{name}.png  {(IMAGES / f'{name}.png').stat().st_size // 1024} KB")


def course_pages(browser: Browser, server: DemoServer) -> None:
    """An accepted plan taken through consent, booking, two charted sessions, an adverse event and an outcome."""
    page = _page(browser, server)
    log_in(page, server, "clinician")
    plan_url = accepted_plan(page, "Ines", "Carvalho")

    page.get_by_role("region", name="The course").get_by_role("link", name="Consent").click()
    page.get_by_role("button", name="Prepare a consent to sign").click()
    page.get_by_label("Your full name", exact=False).fill("Ines Carvalho")
    _draw_signature(page)
    _shot(page, "consent-sign")
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.locator(".status").first).to_contain_text("Signed")
    _shot(page, "consent-signed")

    book_session(page, plan_url, 1)
    _shot(page, "course")
    _handout(page, plan_url)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Your week").click()
    _shot(page, "calendar")

    _chart_session(page, plan_url, "1")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Sign the chart of session 1").click()
    _chart_session(page, plan_url, "2")
    expect(page.locator("#change-passes")).to_contain_text("▲")
    _scroll_to(page, "fieldset.settings")
    _shot(page, "chart")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Sign the chart of session 2").click()

    page.goto(plan_url)
    page.get_by_role("link", name="Record an outcome").click()
    page.get_by_label("GAIS", exact=False).first.select_option("2")
    page.get_by_role("button", name="Record the outcome").click()
    page.goto(plan_url)
    page.get_by_role("link", name="Record an adverse event").click()
    page.get_by_label("Type").select_option("prolonged_erythema")
    page.get_by_label("Mild").check()
    page.get_by_label("Treatment given").fill("Cool compresses; sun protection.")
    page.get_by_role("button", name="Record the event").click()
    page.goto(plan_url)
    page.get_by_role("link", name="Charts, adverse events and outcomes").click()
    _shot(page, "plan-charts")
    page.context.close()


def photo_pages(browser: Browser, server: DemoServer) -> None:
    """A consultation's photos before and after, their analysis and the comparison with its slider."""
    page = _page(browser, server)
    log_in(page, server, "clinician")
    accepted_plan(page, "Leila", "Haddad")
    page.locator("a[href*='/consultations/']").first.click()
    consultation_url = page.url
    page.get_by_role("link", name="Add photos").click()
    record_photo_consent(page)
    with tempfile.TemporaryDirectory() as folder:
        upload(page, consultation_url, portrait(Path(folder), "before.jpg", 16, True))
        upload(page, consultation_url, portrait(Path(folder), "after.jpg", 8, False))
    _scroll_to(page, ".photo-pair")
    _shot(page, "photo")
    page.get_by_role("link", name=re.compile("With the frontal photo of")).click()
    slider = page.get_by_role("slider")
    slider.focus()
    for _ in range(15):
        page.keyboard.press("ArrowRight")
    _scroll_to(page, "#slider-heading")
    _shot(page, "photo-compare")
    _scroll_to(page, "#changes-heading")
    _shot(page, "photo-changes")
    page.context.close()


def calendar_pages(browser: Browser, server: DemoServer) -> None:
    """The whole clinic's day and week on a tablet held sideways (1024x768), as the front desk reads them, and the
    day sheet they print."""
    day = a_weekday_ahead()
    clinician = _page(browser, server)
    log_in(clinician, server, "clinician")
    two_practitioners_booked(clinician, day)
    context = browser.new_context(base_url=server.base_url, viewport={"width": 1024, "height": 768}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, server, "frontdesk")
    page.goto(f"/calendar/?date={day.isoformat()}")
    _shot(page, "calendar-clinic")
    page.get_by_role("link", name="Week view").click()
    _shot(page, "calendar-clinic-week")
    page.goto(f"/calendar/?date={day.isoformat()}")
    page.get_by_role("link", name="Print the day sheet").click()
    page.emulate_media(media="print")
    _shot(page, "calendar-day-sheet")


def admin_pages(browser: Browser, server: DemoServer) -> None:
    page = _page(browser, server)
    log_in(page, server, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    _shot(page, "audit-log")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Consent templates").click()
    _shot(page, "consent-templates")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Configuration").click()
    _shot(page, "admin")
    page.context.close()


def portal_pages(browser: Browser, server: DemoServer) -> None:
    """The demo's portal patient on a phone: every page of hers, her consent signed on the way."""
    context = browser.new_context(base_url=server.base_url, viewport=PHONE, device_scale_factor=2, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/portal/sign-in/")
    _shot(page, "portal-sign-in")
    portal_sign_in(page, server)
    _shot(page, "portal-home")
    page.get_by_role("link", name="Read and sign your consent").click()
    page.get_by_label("Your full name").fill("Maya Patel")
    draw_signature(page)
    _shot(page, "portal-consent-sign")
    page.get_by_role("button", name="I consent: sign").click()
    expect(page.get_by_role("heading", name="Signed")).to_be_visible()
    page.goto("/portal/")
    page.get_by_role("link", name="Your plan, agreed").click()
    _shot(page, "portal-plan")
    _scroll_to(page, "h2:has-text('Possible side effects')")
    _shot(page, "portal-plan-risks")
    handout = page.locator("a[href$='handout.pdf']").first.get_attribute("href")
    assert handout is not None
    _handout(page, handout.removesuffix("handout.pdf"), "portal-handout")
    for name, shot in (
        ("Preparation", "portal-preparation"),
        ("Appointments", "portal-appointments"),
        ("Aftercare", "portal-aftercare"),
        ("Report a side effect", "portal-report"),
        ("Photos", "portal-photos"),
    ):
        page.goto("/portal/")
        page.get_by_role("navigation", name="Your pages").get_by_role("link", name=name, exact=True).click()
        _shot(page, shot)
    page.goto("/portal/side-effects/")
    page.get_by_label("Redness or swelling").check()
    page.get_by_role("button", name="Send to the practice").click()
    _shot(page, "portal-reported")
    page.goto("/portal/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    _shot(page, "portal-calendar")
    context.close()


def patient_pages(browser: Browser, server: DemoServer) -> None:
    """The public pages as a person reads them on a phone (390x844), then the request at the front desk."""
    context = browser.new_context(base_url=server.base_url, viewport={"width": 390, "height": 844}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    read_about_treatments(page, _shot)
    fill_in_the_self_assessment(page, _shot)
    read_the_result(page, _top_of_result)
    ask_for_a_consultation(page, "Ffion Carrow", _shot)
    context.close()
    desk = _page(browser, server)
    log_in(desk, server, "frontdesk")
    front_desk_handles_the_request(desk, "Ffion Carrow", _shot)
    desk.context.close()


def _top_of_result(page: Page, name: str) -> None:
    _shot(page, name)
    _scroll_to(page, "#could-heading")
    _shot(page, f"{name}-options")


def safety_pages(browser: Browser, server: DemoServer) -> None:
    """A draft chart whose eyewear does not cover the IPL, as its laser safety officer (the clinician) sees it."""
    from tests.browser.test_laser_safety import consented_plan, draft_with_laser_goggles

    page = _page(browser, server)
    log_in(page, server, "clinician")
    plan_url = consented_plan(page, "Marta", "Okafor")
    draft_with_laser_goggles(page, plan_url)
    _scroll_to(page, "#eyewear-gate")
    _shot(page, "eyewear-gate")


def language_pages(browser: Browser, server: DemoServer) -> None:
    """The demo's portal patient switches her portal to Spanish on a phone; a clinician's Translations page."""
    context = browser.new_context(base_url=server.base_url, viewport=PHONE, device_scale_factor=2, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    portal_sign_in(page, server)
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    _shot(page, "portal-spanish-home")
    _scroll_to(page, ".language-switch")
    _shot(page, "portal-language-switch")
    context.close()
    page = _page(browser, server)
    log_in(page, server, "clinician")
    page.goto("/translations/")
    _shot(page, "translation-reviews")
    page.context.close()


def front_desk_pages(browser: Browser, server: DemoServer) -> None:
    """A plan a clinician has just accepted, then the front desk's dashboard with it on the "Ready to book" list,
    and the patient's page as the front desk reads it."""
    page = _page(browser, server)
    log_in(page, server, "clinician")
    accepted_plan(page, "Rosalind", "Ebury")
    page.context.close()
    desk = _page(browser, server)
    log_in(desk, server, "frontdesk")
    _shot(desk, "front-desk-dashboard")
    desk.get_by_role("region", name="Ready to book").get_by_role(
        "link", name=re.compile("All plans ready to book|The list on its own page")
    ).click()
    _shot(desk, "ready-to-book")
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    open_ready_to_book(desk, "Ebury, Rosalind")
    book_first_free_slot(desk, 1)
    desk.get_by_role("link", name="Rosalind Ebury").click()
    _scroll_to(desk, "#booking-courses-heading")
    _shot(desk, "front-desk-patient")
    desk.context.close()


SECTIONS = {
    "clinician": clinician_pages,
    "frontdesk": front_desk_pages,
    "course": course_pages,
    "calendar": calendar_pages,
    "photo": photo_pages,
    "admin": admin_pages,
    "portal": portal_pages,
    "patient": patient_pages,
    "safety": safety_pages,
    "languages": language_pages,
}


def main() -> int:
    problem = missing_tools()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"no such section: {', '.join(unknown)} (sections: {', '.join(SECTIONS)})", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with demo_server(patients=12) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name in chosen:
            SECTIONS[name](browser, server)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
