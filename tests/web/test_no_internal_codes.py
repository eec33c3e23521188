"""No page shows a code of the knowledge base: staff, patients and the public read treatments, findings, concerns,
preparation steps and medicine classes by their names (lasercare.practice.labels), never as `nafl_1550`.

The demo practice is the fixture: its 30 patients have plans with every kind of treatment, findings of every
severity, overrides, courses, charts and consents. Every page each role can reach by following links is read.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.consultations.models import PlanOverride
from lasercare.practice.demo import create_demo_practice
from lasercare.practice.patients.models import Patient
from lasercare.practice.portal.models import PatientAccount
from tests.web.page_text import Page, codes_in, crawl
from tests.web.photo_helpers import photo_storage
from tests.web.portal_helpers import portal_client
from tests.web.self_assessment_helpers import answers

__all__ = ["photo_storage"]

# Links that are not pages to read: signing out, files, the configuration admin (Django's own screens for editing
# the codes themselves), and the portal (read by the portal's own test below).
_NOT_PAGES = re.compile(r"^/(admin|static|portal)/|logout|sign-out|\.(ics|pdf|png|jpg|csv)$")


@pytest.fixture
def demo(db: None, photo_storage: Path) -> Practice:
    practice, _ = create_demo_practice(patients=30, seed=7)
    return practice


_STAFF_PAGES: dict[str, dict[str, Page]] = {}


def staff_pages(username: str) -> dict[str, Page]:
    """Every page this demo account reaches, read once for the checks below (the crawl takes tens of seconds):
    what was read is text, kept after the test's database is rolled back."""
    if username not in _STAFF_PAGES:
        create_demo_practice(patients=30, seed=7)
        client = Client()
        client.force_login(StaffUser.objects.get(username=username))
        _STAFF_PAGES[username] = crawl(client, ["/"], lambda path: not _NOT_PAGES.search(path), limit=1500)
    return _STAFF_PAGES[username]


def leaks(pages: dict[str, Page]) -> dict[str, list[str]]:
    return {path: found for path, page in pages.items() if (found := codes_in(page.text))}


STAFF = ["clinician", "nurse", "frontdesk", "admin"]


@pytest.mark.parametrize("username", STAFF)
def test_no_staff_page_of_the_demo_shows_a_knowledge_code(db: None, photo_storage: Path, username: str) -> None:
    pages = staff_pages(username)
    assert len(pages) > 20
    assert leaks(pages) == {}


@pytest.mark.parametrize("username", STAFF)
def test_no_staff_page_says_a_prefix_twice(db: None, photo_storage: Path, username: str) -> None:
    # "waiting period: waiting period: ...", "practice policy: practice policy: ...": a prefix added to a text
    # that already carries it.
    doubled = re.compile(r"\b([a-z][a-z ]{3,40}): \1\b")
    found = {path: doubled.findall(page.text) for path, page in staff_pages(username).items()}
    assert {path: words for path, words in found.items() if words} == {}


def test_the_demo_has_suitability_overrides_for_the_staff_pages_to_show(demo: Practice) -> None:
    # Without one, the override record's wording would go untested by the crawl above.
    assert PlanOverride.objects.filter(plan__patient__practice=demo).exclude(suitability="").exists()


def test_no_public_page_shows_a_knowledge_code(demo: Practice) -> None:
    client = Client()
    pages = crawl(client, ["/learn/", "/self-assessment/"], lambda path: not _NOT_PAGES.search(path))
    answered = answers(
        concerns=["acne_scars", "wrinkles", "sun_spots", "redness", "melasma"],
        isotretinoin="now",
        cold_sores="yes",
        keloids="yes",
        medications="doxycycline\naciclovir cream",
    )
    result = client.post(f"/self-assessment/{demo.public_id}/result/", answered)
    pages["result"] = Page(result.content.decode())
    assert len(pages) > 10
    assert leaks(pages) == {}


def test_no_portal_page_of_the_demo_shows_a_knowledge_code(demo: Practice) -> None:
    account = PatientAccount.objects.get(patient__in=Patient.objects.filter(practice=demo))
    pages = crawl(
        portal_client(account),
        ["/portal/"],
        lambda path: (
            path.startswith("/portal/")
            and not (re.search(r"sign-out|sign-in|password|\.(ics|jpg|png|pdf)$|/change/$", path))
        ),
    )
    assert len(pages) > 5
    assert leaks(pages) == {}


def test_the_consultation_preview_says_which_treatments_a_finding_is_for(demo: Practice) -> None:
    # Isotretinoin now is absolute for full resurfacing only: the panel must not read as if it ruled out the
    # fractional CO2 laser it recommends.
    patient = Patient.objects.filter(practice=demo).first()
    assert patient is not None
    client = Client()
    client.force_login(StaffUser.objects.get(username="clinician"))
    fields = {
        "held_on": date.today().isoformat(),
        "fitzpatrick": "II",
        "concern_acne_scars": "on",
        "severity_acne_scars": "2",
        "med_name_0": "isotretinoin",
    }
    text = Page(client.post(f"/patients/{patient.public_id}/consultations/preview/", fields).content.decode()).text
    assert (
        "Absolute contraindication Oral isotretinoin now or within 6 months for Fully ablative CO2 laser resurfacing"
        in text
    )
    # Beside the fractional laser, the finding at its own grade for it: the label's advice, a precaution.
    assert (
        "Fractional ablative CO2 laser (10,600 nm) Recommended with Oral isotretinoin now or within 6 months "
        "(precaution)" in text
    )
    assert codes_in(text) == []
