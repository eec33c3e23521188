"""Steps of the patient portal's browser tests, shared with docs/screenshots.py: signing in as the demo's portal
patient."""

from __future__ import annotations

from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.server import DemoServer

# The demo's portal patient (lasercare.practice.portal.demo.EMAIL): written out, because docs/screenshots.py uses these
# steps without Django set up; tests/web/test_demo_practice.py checks the two agree.
EMAIL = "maya.patel@example.org"

PHONE: ViewportSize = {"width": 390, "height": 844}


def portal_sign_in(page: Page, server: DemoServer) -> None:
    page.goto(server.url("/portal/sign-in/"))
    page.get_by_label("E-mail address").first.fill(EMAIL)
    page.get_by_role("region", name="With your password").get_by_label("Password").fill(server.passwords[EMAIL])
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, Maya")
