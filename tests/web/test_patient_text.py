"""What the demo's patient reads, checked as ../shared/tools/patient_text.sh checks the running demo: signed in by
the e-mailed link, every portal page and the PDF handout are read, and none may show an internal code, raw markup,
an ISO date or sessions out of order, every page offers the practice's telephone as a `tel:` link, and the pages
read at a median Flesch-Kincaid grade of 8 at most.

Each check runs once per language of settings.LANGUAGES: a language added there is checked with no change here.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import pytest
import textstat
from django.conf import settings
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from lasercare.practice.demo import create_demo_practice
from lasercare.practice.portal.demo import EMAIL
from tests.web.page_text import Page, codes_in
from tests.web.photo_helpers import photo_storage

__all__ = ["photo_storage"]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# What the shared tool does not follow: signing in and out, files that are not text, the change form of a booking.
_NOT_READ = re.compile(r"sign-out|sign-in|password|\.ics$|image\.jpg$|overlay|/change/$")
_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_MARKUP = re.compile(r"<\s*/?\s*(span|div|p|a|strong|em)\b|&lt;|&gt;|&amp;[a-z]+;")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SESSION_DAY = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4})"
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class Reading:
    """Every page the patient reached, by path: its text, and whether it has a telephone link (PDFs: None)."""

    texts: dict[str, str]
    telephone: dict[str, bool | None]


def signed_in(language: str) -> Client:
    """The demo's patient, signed in as a patient signs in: a link asked for by e-mail, opened, confirmed."""
    client = Client(headers={"accept-language": language})
    client.post("/portal/sign-in/link/", {"link-email": EMAIL})
    found = re.search(r"(/portal/sign-in/[^\s\"<>/]+/)", str(mail.outbox[-1].body))
    assert found, "no sign-in link was e-mailed"
    client.post(found.group(1))
    assert client.get("/portal/").status_code == 200
    return client


def read_portal(client: Client, limit: int = 40) -> Reading:
    queue, seen = ["/portal/"], set()
    texts: dict[str, str] = {}
    telephone: dict[str, bool | None] = {}
    while queue and len(texts) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        if path.endswith(".pdf"):
            texts[path] = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
            telephone[path] = None
            continue
        page = Page(response.content.decode(), only_main=True)
        texts[path] = page.text
        telephone[path] = bool(page.tel)
        for href in page.links:
            target = href.split("#")[0].split("?")[0]
            if target.startswith("/portal/") and not _NOT_READ.search(target):
                queue.append(target)
    return Reading(texts, telephone)


_READINGS: dict[str, Reading] = {}


@pytest.fixture(params=LANGUAGES)
def reading(request: pytest.FixtureRequest, db: None, photo_storage: Path) -> Reading:
    """The demo read once per language for all the checks below (making the demo and reading it take seconds):
    what was read is text, kept after the test's database is rolled back."""
    language = str(request.param)
    if language not in _READINGS:
        create_demo_practice(patients=2, seed=7)
        _READINGS[language] = read_portal(signed_in(language))
    return _READINGS[language]


def test_the_patient_reads_the_portal_and_the_handout(reading: Reading) -> None:
    assert len(reading.texts) >= 6
    assert any(path.endswith(".pdf") for path in reading.texts)


def test_no_patient_page_shows_an_internal_code(reading: Reading) -> None:
    found = {path: sorted(set(_CODE.findall(text)) | set(codes_in(text))) for path, text in reading.texts.items()}
    assert {path: codes for path, codes in found.items() if codes} == {}


def test_no_patient_page_shows_raw_markup(reading: Reading) -> None:
    found = {path: _MARKUP.findall(text) for path, text in reading.texts.items()}
    assert {path: marks for path, marks in found.items() if marks} == {}


def test_no_patient_page_shows_an_iso_date(reading: Reading) -> None:
    found = {path: _ISO_DATE.findall(text) for path, text in reading.texts.items()}
    assert {path: dates for path, dates in found.items() if dates} == {}


def test_no_patient_page_counts_one_in_the_plural(reading: Reading) -> None:
    # "0 to 1 days" and "0-1 days" are ranges, rightly plural; "1 days before" is not.
    one = re.compile(r"(?<!to )(?<![-–])\b1 (?:days|weeks|sessions|months)\b")
    found = {path: one.findall(text) for path, text in reading.texts.items()}
    assert {path: words for path, words in found.items() if words} == {}


@pytest.mark.xfail(
    strict=True,
    reason="Session dates in order on the plan and handout: being fixed on another branch (drop this mark on merge)",
)
def test_the_sessions_are_listed_in_date_order(reading: Reading) -> None:
    out_of_order = []
    for path, text in reading.texts.items():
        section = re.search(r"Your sessions(.*?)(What your clinician|Before your treatment|$)", text, re.S)
        if not section:
            continue
        days = [(int(y), _MONTHS.index(m), int(d)) for d, m, y in _SESSION_DAY.findall(section.group(1))]
        if any(later < earlier for earlier, later in itertools.pairwise(days)):
            out_of_order.append(path)
    assert out_of_order == []


@pytest.mark.xfail(
    strict=True,
    reason="The practice's telephone as a tel: link and the out-of-hours line on every patient page: being added "
    "on another branch (drop this mark on merge)",
)
def test_every_patient_page_offers_the_practice_telephone(reading: Reading) -> None:
    assert [path for path, has in reading.telephone.items() if has is False] == []


def test_the_portal_reads_at_grade_8_or_below(reading: Reading) -> None:
    # As the shared tool: pages of 100 words or more, the PDF left out (its layout joins words across columns).
    grades = [
        textstat.flesch_kincaid_grade(text)
        for path, text in reading.texts.items()
        if len(text.split()) >= 100 and not path.endswith(".pdf")
    ]
    assert grades
    assert statistics.median(grades) <= 8
