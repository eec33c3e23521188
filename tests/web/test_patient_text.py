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
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from lasercare.practice.demo import create_demo_practice
from lasercare.practice.portal.demo import EMAIL
from tests.web.page_text import Page, codes_in
from tests.web.photo_helpers import photo_storage
from tests.web.test_spanish_readability import grade as spanish_grade

__all__ = ["photo_storage"]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# What the shared tool does not follow: signing in and out, files that are not text, the change form of a booking.
_NOT_READ = re.compile(r"sign-out|sign-in|password|\.ics$|image\.jpg$|overlay|/change/$")
_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_MARKUP = re.compile(r"<\s*/?\s*(span|div|p|a|strong|em)\b|&lt;|&gt;|&amp;[a-z]+;")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Each language's abbreviations of the days and months the pages write ("Fri 11 Dec 2026", "vie 11 dic 2026").
_DAYS_MONTHS = {
    "en": (
        "Mon|Tue|Wed|Thu|Fri|Sat|Sun",
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ),
    "es": (
        "lun|mar|mié|jue|vie|sáb|dom",
        ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
    ),
}


def _session_days(text: str, language: str) -> list[tuple[int, int, int]]:
    weekdays, months = _DAYS_MONTHS[language]
    pattern = re.compile(rf"\b(?:{weekdays})\.? (\d{{1,2}}) ({'|'.join(months)})\.? (\d{{4}})", re.IGNORECASE)
    lower = [month.lower() for month in months]
    return [(int(y), lower.index(m.lower()), int(d)) for d, m, y in pattern.findall(text)]


@dataclass
class Reading:
    """Every page the patient reached, by path: its text, and whether it has a telephone link (PDFs: None)."""

    language: str
    texts: dict[str, str]
    telephone: dict[str, bool | None]


def signed_in(language: str) -> Client:
    """The demo's patient, signed in as a patient signs in: a link asked for by e-mail, opened, confirmed."""
    client = Client(headers={"accept-language": language})
    # The language switch's choice, which wins over the patient's record (the demo patient's is English).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post("/portal/sign-in/link/", {"link-email": EMAIL})
    found = re.search(r"(/portal/sign-in/[^\s\"<>/]+/)", str(mail.outbox[-1].body))
    assert found, "no sign-in link was e-mailed"
    client.post(found.group(1))
    assert client.get("/portal/").status_code == 200
    return client


def read_portal(client: Client, language: str, limit: int = 40) -> Reading:
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
    return Reading(language, texts, telephone)


_READINGS: dict[str, Reading] = {}


@pytest.fixture(params=LANGUAGES)
def reading(request: pytest.FixtureRequest, db: None, photo_storage: Path) -> Reading:
    """The demo read once per language for all the checks below (making the demo and reading it take seconds):
    what was read is text, kept after the test's database is rolled back."""
    language = str(request.param)
    if language not in _READINGS:
        create_demo_practice(patients=2, seed=7)
        _READINGS[language] = read_portal(signed_in(language), language)
    return _READINGS[language]


def test_the_patient_reads_the_portal_and_the_handout(reading: Reading) -> None:
    assert len(reading.texts) >= 6
    assert any(path.endswith(".pdf") for path in reading.texts)


def test_every_page_is_in_the_language_read(reading: Reading) -> None:
    with translation.override(reading.language):
        heading = _("Your sessions")
    assert [path for path, text in reading.texts.items() if heading in text], "no page lists the sessions"
    assert [path for path, text in reading.texts.items() if not text.strip()] == []


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


def test_the_sessions_are_listed_in_date_order(reading: Reading) -> None:
    with translation.override(reading.language):
        heading, *ends = (
            _("Your sessions"),
            _("What your clinician is taking into account"),
            _("Before your treatment"),
        )
    sections = 0
    out_of_order = []
    for path, text in reading.texts.items():
        section = re.search(rf"{re.escape(heading)}(.*?)({'|'.join(map(re.escape, ends))}|$)", text, re.S)
        if not section:
            continue
        days = _session_days(section.group(1), reading.language)
        sections += bool(days)
        if any(later < earlier for earlier, later in itertools.pairwise(days)):
            out_of_order.append(path)
    assert sections >= 2, "the plan page and the handout list the sessions with their days"
    assert out_of_order == []


def test_every_patient_page_offers_the_practice_telephone(reading: Reading) -> None:
    assert [path for path, has in reading.telephone.items() if has is False] == []


def test_the_portal_reads_at_grade_8_or_below(reading: Reading) -> None:
    # As the shared tool: pages of 100 words or more, the PDF left out (its layout joins words across columns).
    # Spanish is graded by Fernández-Huerta's ease as a grade, as tests/web/test_spanish_readability.py explains.
    pages = [text for path, text in reading.texts.items() if len(text.split()) >= 100 and not path.endswith(".pdf")]
    assert pages
    if reading.language == "es":
        textstat.set_lang("es")
        try:
            grades = [spanish_grade(textstat.fernandez_huerta(text)) for text in pages]
        finally:
            textstat.set_lang("en_US")
    else:
        grades = [textstat.flesch_kincaid_grade(text) for text in pages]
    assert statistics.median(grades) <= 8
