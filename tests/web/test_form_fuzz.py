"""Every form of the practice app, posted generated values (huge and negative numbers, NaN and infinity, days in
year 1 and 9999, empty, very long and unusual text): never a server error, and nothing half-saved.

The routes are the access matrix's (tests/web/test_access_matrix.py: ROUTES, from the URL resolver), each posted by
a member of staff its Action allows. A form's fields are read from the page that holds it: the route's own page,
or the page of the same record whose form posts to it. Each field gets either the value the page fills in (so the
other fields pass and the odd one reaches the service) or an odd one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice
from tests.web.test_access_matrix import (
    GET,
    POST,
    ROUTES,
    _allowed_own,
    patient,
    records,
    url_for,
    user_for,
)

__all__ = ["patient", "records"]
pytestmark = pytest.mark.usefixtures("photo_storage")

# Values an outside probe types: each one the form must refuse plainly or store as it is.
ODD = [
    "",
    "0",
    "-1",
    "-99999999999",
    "9" * 400,
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "0.0000000001",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30",
    "x" * 5000,
    "Zoë ‮ 🙂 ✓ 日本語",
    "a\x00b",
    "<script>alert(1)</script>",
    "00000000-0000-0000-0000-000000000000",
]
# Who posts: the first role the route's Action allows (anonymous for public pages); sign-out routes end the
# session every other example needs, and the admin's log-out is the admin's.
SKIPPED = {"logout", "admin:logout", "portal_sign_out"}
POST_ROUTES = [
    key for key, route in ROUTES.items() if POST in route.methods and not route.portal and key not in SKIPPED
]
# What a refused post may still write: the audit of the page shown again, the session, the sign-in throttle.
NOT_RECORDS = {"audit", "sessions", "admin"}
# Sign-in bookkeeping, not a record of the practice: the addresses a member of staff signs in from.
NOT_RECORD_MODELS = {"clinic.KnownAddress"}
SENT = {"requests": 0, "server_errors": 0}


@dataclass
class _Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The POST forms of a page: where each posts, and each field's name with the values the page offers."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[_Form] = []
        self._open: _Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("method", "get").lower() == "post":
            self._open = _Form(found.get("action") or self.page_url)
            self.forms.append(self._open)
        if self._open is None or not found.get("name") or found["name"] == "csrfmiddlewaretoken":
            if tag == "option" and self._open is not None and self._select and found.get("value"):
                self._open.fields[self._select].append(found["value"])
            return
        name = found["name"]
        # A button's name and value are posted too: "action=stop" is the whole of some forms.
        if tag in ("input", "textarea", "select", "button"):
            self._open.fields.setdefault(name, [])
            if tag == "select":
                self._select = name
            elif found.get("value"):
                self._open.fields[name].append(found["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        if tag == "select":
            self._select = None


def _forms(client: Client, url: str) -> list[_Form]:
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.headers.get("Content-Type", ""):
        return []
    parser = _Forms(url)
    parser.feed(page.content.decode(errors="replace"))
    return parser.forms


def fields_of(key: str, client: Client, records: dict[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """Where to post and the fields of the form that posts to `key`: the form of the route's own page or of a page
    of the same record; else (a draft plan has no booking form) a form posting to the route for another record."""
    route = ROUTES[key]
    url = url_for(key, route, records)
    own = [url] if GET in route.methods else []
    pages = [
        (url_for(other, candidate, records), candidate.record == route.record)
        for other, candidate in ROUTES.items()
        if GET in candidate.methods and not candidate.admin and not candidate.portal and other != key
    ]
    nearest = own + [page for page, same in pages if same]
    for page in nearest:
        for form in _forms(client, page):
            if form.action.split("?")[0] == url:
                return url, form.fields
    # The booked plan of the records is accepted: its course page holds the booking form a draft plan has not.
    booked = {**records, "plan": records["booking"].plan}
    pages.append((url_for("plan_course", ROUTES["plan_course"], booked), False))
    for page in [page for page, same in pages if not same]:
        for form in _forms(client, page):
            action = form.action.split("?")[0]
            try:
                if resolve(action).url_name == key:
                    return form.action, form.fields
            except Resolver404:
                continue
    return url, {}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in NOT_RECORDS and model._meta.label not in NOT_RECORD_MODELS
    }


ODD_VALUE = st.one_of(st.sampled_from(ODD), st.text(max_size=40))
# Days and numbers are where ranges matter: a field that looks like one gets odd days or numbers first.
ODD_DAYS = ["9999-12-31", "0001-01-01", "9999-12-31T23:45", "0001-01-01T00:00", "2026-02-30", "99999-01-01"]
ODD_NUMBERS = ["9" * 400, "-1", "1e309", "NaN", "inf", "-99999999999", "0"]
DAY_LIKE = re.compile(r"(_on|_at|_by|^day|date|^since|^until)")
NUMBER_LIKE = re.compile(r"(^max_|minutes|budget|^age|number|_nm|_days|^q\d|page)")


def odd_for(name: str) -> st.SearchStrategy[str]:
    if DAY_LIKE.search(name):
        return st.one_of(st.sampled_from(ODD_DAYS), ODD_VALUE)
    if NUMBER_LIKE.search(name):
        return st.one_of(st.sampled_from(ODD_NUMBERS), ODD_VALUE)
    return ODD_VALUE


@st.composite
def values_for(draw: st.DrawFn, fields: dict[str, list[str]]) -> dict[str, str]:
    """The page's own values but for one field or a few, which get odd ones: an odd value among valid ones
    reaches the service instead of stopping at the first invalid field. Days and numbers are chosen first."""
    data = {name: draw(st.sampled_from(offered or [""])) for name, offered in fields.items()}
    typed = sorted(name for name in data if DAY_LIKE.search(name) or NUMBER_LIKE.search(name))
    if data:
        typed_first: bool = bool(typed) and draw(st.booleans())
        pool = typed if typed_first else sorted(data)
        names: list[str] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        for name in names:
            data[name] = draw(odd_for(name))
    return data


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    """The count of posts and server errors of the run, printed for the record (pytest -s)."""
    yield
    print(f"\nform fuzz: {SENT['requests']} requests, {SENT['server_errors']} server errors")


@pytest.mark.parametrize("key", POST_ROUTES)
def test_no_form_answers_odd_values_with_a_server_error_or_half_saves(
    key: str, practice: Practice, other_practice: Practice, records: dict[str, Any]
) -> None:
    route = ROUTES[key]
    client = Client(raise_request_exception=False)
    user = user_for(_allowed_own(route), practice, other_practice)
    if user is not None:
        client.force_login(user)
    url, fields = fields_of(key, client, records)

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=values_for(fields))
    def posted(data: dict[str, str]) -> None:
        before = row_counts()
        audited = AuditEntry.objects.count()
        response = client.post(url, data)
        SENT["requests"] += 1
        if response.status_code >= 500:
            SENT["server_errors"] += 1
        assert response.status_code < 500, f"POST {url} {sorted(data)}: {response.status_code}"
        after = row_counts()
        changed = {label for label in before if before[label] != after[label]}
        if response.status_code >= 400:
            assert changed == set(), f"refused POST {url} changed {changed}"
        elif changed:
            # A post that saved something is one audited change, never a silent one.
            assert AuditEntry.objects.count() > audited, f"POST {url} saved {changed} without an audit entry"

    posted()
