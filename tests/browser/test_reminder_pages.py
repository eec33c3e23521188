"""The reminders' pages in a browser: the unsubscribe page a patient opens from an e-mail (phone and desktop), and
the patient's reminders page for the front desk; axe-core finds no serious or critical violation."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.server import ROOT, DemoServer
from tests.browser.support import check_accessibility

pytestmark = pytest.mark.browser

# Gives one of the demo's reminders this unsubscribe secret, as sending it would have (only the digest is kept).
_PLANT = """
from lasercare.practice.reminders.models import Reminder
from lasercare.practice.reminders.preferences import token_digest
import sys
reminder = Reminder.objects.filter(unsubscribe_sha256__isnull=True).order_by("pk").first()
Reminder.objects.filter(pk=reminder.pk).update(unsubscribe_sha256=token_digest(sys.argv[-1]))
print(reminder.patient.public_id)
"""


def _unsubscribe_link(server: DemoServer, secret: str) -> str:
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); exec(open(0).read())", secret],
        input=_PLANT,
        text=True,
        env={**server.environment, "DJANGO_SETTINGS_MODULE": "lasercare.site.settings"},
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return f"/reminders/unsubscribe/{secret}/"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_a_patient_stops_the_reminders_from_the_link_in_an_email(
    new_page: PageFactory, server: DemoServer, width: int, height: int
) -> None:
    page = new_page(width=width, height=height)
    page.goto(_unsubscribe_link(server, f"browser-{width}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop e-mail reminders")
    check_accessibility(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Stop all e-mail reminders").click()
    expect(page.get_by_role("status")).to_contain_text("You will receive no more e-mail reminders")
    check_accessibility(page)


def test_the_front_desk_opens_a_patients_reminders_from_the_patient_page(new_page: PageFactory) -> None:
    page = new_page("frontdesk")
    page.goto("/patients/")
    page.locator("table a[href^='/patients/']").first.click()
    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mail reminders")
    check_accessibility(page)
    page.get_by_label("Send me no reminders at all").check()
    page.get_by_role("button", name="Save the preferences").click()
    expect(page.get_by_text("The reminder preferences are saved.")).to_be_visible()
    expect(page.get_by_text("Opted out of every reminder on")).to_be_visible()
