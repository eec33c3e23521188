"""Headers on every response, CSRF, password hashing, log-in throttling, idle sessions, and the HTTPS settings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from ipaddress import ip_network
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic import throttle
from lasercare.practice.clinic.models import LoginFailure, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse
    from pytest_django.fixtures import Settings as SettingsWrapper

SignIn = Callable[[StaffUser], Client]
PASSWORD = "correct horse battery staple"
LOCKED = "Too many failed log-ins"


def _responses(client: Client, staff: dict[Role, StaffUser], plan: TreatmentPlan) -> dict[str, HttpResponse]:
    """One response of each kind the site gives."""
    anonymous = Client()
    found: dict[str, HttpResponse] = {
        "log-in page": anonymous.get("/login/"),
        "redirect to log in": anonymous.get("/patients/"),
        "static file": anonymous.get("/static/lasercare/app.css"),
        "health": anonymous.get("/health/"),
        "unknown address": anonymous.get("/no-such-page/"),
    }
    client.force_login(staff[Role.FRONT_DESK])
    found["page"] = client.get(f"/patients/{plan.patient.public_id}/")
    found["403"] = client.get(f"/plans/{plan.public_id}/")
    found["404 of a signed-in user"] = client.get("/patients/00000000-0000-4000-8000-000000000000/")
    found["405"] = client.delete("/patients/")
    found["redirect after a post"] = client.post(f"/patients/{plan.patient.public_id}/edit/", _patient_fields())
    return found


def _patient_fields() -> dict[str, str]:
    return {
        "given_names": "Jane",
        "family_name": "Doe",
        "date_of_birth": "1974-03-21",
        "sex": "female",
        "phone": "+44 7700 900123",
        "preferred_language": "en",
    }


KINDS = [
    "log-in page",
    "redirect to log in",
    "static file",
    "health",
    "unknown address",
    "page",
    "403",
    "404 of a signed-in user",
    "405",
    "redirect after a post",
]
EXPECTED_STATUS = {
    "log-in page": 200,
    "redirect to log in": 302,
    "static file": 200,
    "health": 200,
    "unknown address": 404,
    "page": 200,
    "403": 403,
    "404 of a signed-in user": 404,
    "405": 405,
    "redirect after a post": 302,
}


@pytest.fixture
def responses(client: Client, staff: dict[Role, StaffUser], plan: TreatmentPlan) -> dict[str, HttpResponse]:
    found = _responses(client, staff, plan)
    assert {kind: response.status_code for kind, response in found.items()} == EXPECTED_STATUS
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_response_carries_a_strict_content_security_policy(kind: str, responses: dict[str, HttpResponse]) -> None:
    policy = responses[kind].headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize("kind", KINDS)
def test_response_carries_the_other_security_headers(kind: str, responses: dict[str, HttpResponse]) -> None:
    headers = responses[kind].headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("kind", ["page", "403", "404 of a signed-in user", "405", "redirect after a post"])
def test_signed_in_response_is_not_stored(kind: str, responses: dict[str, HttpResponse]) -> None:
    assert "no-store" in responses[kind].headers["Cache-Control"]


class _Inline(HTMLParser):
    """What a strict CSP would block: inline scripts, style attributes and elements, event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self._in_script = True
        if tag == "style":
            self.problems.append("<style>")
        self.problems += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data[:40]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def test_the_pages_need_no_inline_script_or_style(signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan) -> None:
    client = signed_in(clinician)
    problems: dict[str, list[str]] = {}
    for url in (
        "/",
        "/patients/",
        f"/patients/{plan.patient.public_id}/",
        f"/patients/{plan.patient.public_id}/edit/",
        f"/patients/{plan.patient.public_id}/consultations/new/",
        f"/consultations/{plan.consultation.public_id}/",
        f"/plans/{plan.public_id}/",
        f"/plans/{plan.public_id}/print/",
        "/password/",
    ):
        parser = _Inline()
        parser.feed(client.get(url).content.decode())
        if parser.problems:
            problems[url] = parser.problems
    assert problems == {}


# CSRF


def test_a_log_in_without_the_csrf_token_is_refused(practice: Practice) -> None:
    StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "ines", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_post_without_the_csrf_token_is_refused_for_a_signed_in_user(
    staff: dict[Role, StaffUser], plan: TreatmentPlan
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff[Role.CLINICIAN])
    response = client.post(f"/plans/{plan.public_id}/accept/")
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_post_with_the_csrf_token_from_the_form_is_accepted(staff: dict[Role, StaffUser], patient: Patient) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff[Role.FRONT_DESK])
    page = client.get("/patients/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/patients/", {"q": "Doe", "csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 200
    assert "Doe, Jane" in response.content.decode()


def test_a_page_masks_its_csrf_token_once_and_the_next_page_anew(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    client = signed_in(clinician)
    pages = [client.get(f"/plans/{plan.public_id}/").content.decode() for _ in range(2)]
    tokens = [
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) + re.findall(r'"X-CSRFToken": "([^"]+)"', page)
        for page in pages
    ]
    # The plan page's forms (override, sign off, plan again, log out) and the HTMX header.
    assert len(tokens[0]) >= 5
    assert len(set(tokens[0])) == 1 and len(set(tokens[1])) == 1
    assert tokens[0][0] != tokens[1][0]


def test_an_htmx_post_with_the_csrf_header_is_accepted(staff: dict[Role, StaffUser], patient: Patient) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff[Role.FRONT_DESK])
    page = client.get("/patients/").content.decode()
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page)
    assert token is not None
    response = client.post("/patients/", {"q": "Doe"}, headers={"X-CSRFToken": token.group(1), "HX-Request": "true"})
    assert response.status_code == 200


def test_the_csrf_and_session_cookies_are_http_only_and_same_site(practice: Practice) -> None:
    StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice)
    client = Client()
    client.get("/login/")
    client.post("/login/", {"username": "ines", "password": PASSWORD})
    session, csrf = client.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["httponly"] and csrf["httponly"]
    assert session["samesite"] == "Lax"
    assert not session["max-age"], "the session ends when the browser closes"


# Passwords


def test_passwords_are_hashed_with_argon2(practice: Practice) -> None:
    user = StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice)
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password


def test_a_changed_password_is_hashed_with_argon2(practice: Practice) -> None:
    user = StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a different long phrase 42",
            "new_password2": "a different long phrase 42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("a different long phrase 42")


def test_a_short_new_password_is_refused(practice: Practice) -> None:
    user = StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice)
    client = Client()
    client.force_login(user)
    response = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"}
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# Log-in throttling


@pytest.fixture
def ines(practice: Practice) -> StaffUser:
    return StaffUser.objects.create_user("ines", password=PASSWORD, practice=practice, role=Role.NURSE)


def _log_in(client: Client, password: str, username: str = "ines", address: str = "198.51.100.1") -> HttpResponse:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client: Client, times: int, **where: str) -> None:
    for _ in range(times):
        _log_in(client, "wrong", **where)


def _some_time_later(seconds: int) -> None:
    """Every failure so far happened `seconds` earlier than it did."""
    for failure in LoginFailure.objects.all():
        LoginFailure.objects.filter(pk=failure.pk).update(at=failure.at - timedelta(seconds=seconds))


def test_after_five_failures_the_right_password_waits_thirty_seconds(client: Client, ines: StaffUser) -> None:
    assert (settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FIRST_WAIT_SECONDS) == (5, 30)
    _fail(client, 5)
    response = _log_in(client, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed log-ins. Try again in 30 seconds" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()


def test_attempts_refused_during_a_wait_do_not_lengthen_it(client: Client, ines: StaffUser) -> None:
    _fail(client, 5)
    _fail(client, 10)  # all refused unread: the wait is still the first one
    _some_time_later(31)
    assert _log_in(client, PASSWORD).status_code == 302


def test_four_failures_do_not_slow_the_account(client: Client, ines: StaffUser) -> None:
    _fail(client, 4)
    assert _log_in(client, PASSWORD).status_code == 302


def test_the_right_password_works_once_the_wait_has_passed(client: Client, ines: StaffUser) -> None:
    _fail(client, 5)
    _some_time_later(31)
    response = _log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ines.pk)


def test_each_further_failure_doubles_the_wait(client: Client, ines: StaffUser) -> None:
    _fail(client, 5)
    _some_time_later(31)
    _fail(client, 1)  # the sixth: one minute
    assert "Try again in 1 minute," in _log_in(client, PASSWORD).content.decode()
    _some_time_later(61)
    _fail(client, 1)  # the seventh: two minutes
    assert "Try again in 2 minutes" in _log_in(client, PASSWORD).content.decode()


def test_the_wait_is_never_longer_than_the_window(client: Client, ines: StaffUser) -> None:
    # Twenty failures in a row (attempts refused during a wait are not failures): 30 seconds doubled 15 times
    # would be eleven days.
    key, now = throttle.account_key("ines"), timezone.now()
    LoginFailure.objects.bulk_create(LoginFailure(account_key=key, address="198.51.100.1", at=now) for _ in range(20))
    assert f"Try again in {settings.LOGIN_LOCKOUT_MINUTES} minutes" in _log_in(client, PASSWORD).content.decode()


def test_a_strangers_guesses_from_elsewhere_never_keep_the_owner_out_at_their_own_desk(
    client: Client, ines: StaffUser
) -> None:
    assert _log_in(Client(), PASSWORD, address="192.0.2.10").status_code == 302  # Ines's desk, known from now on
    for number in range(30):
        _log_in(client, "wrong", address=f"198.51.100.{number + 1}")
    assert _log_in(Client(), PASSWORD, address="192.0.2.10").status_code == 302


def test_guesses_spread_over_many_addresses_slow_the_account_at_an_unknown_address(
    client: Client, ines: StaffUser
) -> None:
    for number in range(settings.LOGIN_FAILURE_LIMIT * 2):
        _log_in(client, "wrong", address=f"198.51.100.{number + 1}")
    assert LOCKED in _log_in(client, PASSWORD, address="203.0.113.7").content.decode()


def test_a_successful_log_in_clears_the_failures(client: Client, ines: StaffUser) -> None:
    _fail(client, 4)
    assert _log_in(client, PASSWORD).status_code == 302
    client.logout()
    _fail(client, 4)
    assert _log_in(client, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_waits(client: Client, ines: StaffUser) -> None:
    for number in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _log_in(client, "wrong", username=f"guess{number}", address="198.51.100.66")
    assert LOCKED in _log_in(client, PASSWORD, address="198.51.100.66").content.decode()
    assert _log_in(client, PASSWORD, address="198.51.100.67").status_code == 302


def test_the_practices_own_network_has_no_address_wide_ceiling(
    client: Client, ines: StaffUser, settings: SettingsWrapper
) -> None:
    settings.LOGIN_TRUSTED_NETWORKS = (ip_network("198.51.100.0/24"),)
    for number in range(settings.LOGIN_FAILURE_LIMIT * 4):
        _log_in(client, "wrong", username=f"colleague{number}", address="198.51.100.66")
    assert _log_in(client, PASSWORD, address="198.51.100.66").status_code == 302


def test_failures_past_the_window_are_deleted_by_the_periodic_clean_up(client: Client, ines: StaffUser) -> None:
    _fail(client, 3)
    _some_time_later(settings.LOGIN_LOCKOUT_MINUTES * 60 + 1)
    _fail(client, 1)
    assert throttle.forget_old() == 3
    assert LoginFailure.objects.count() == 1


def test_the_username_typed_is_not_stored_with_a_failure(client: Client, ines: StaffUser) -> None:
    _log_in(client, "wrong", username="Jane Doe")
    failure = LoginFailure.objects.get()
    assert "jane" not in failure.account_key.lower()
    assert len(failure.account_key) == 64


# Sessions


def _set_last_seen(client: Client, seconds_ago: int) -> None:
    session = client.session
    session["last_seen"] = int(time.time()) - seconds_ago
    session.save()


def test_an_idle_session_is_logged_out(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    assert client.get("/").status_code == 200
    _set_last_seen(client, settings.SESSION_IDLE_SECONDS + 5)
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/")
    assert client.get("/patients/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, actor=clinician).exists()


def test_a_session_used_within_the_idle_time_stays(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    _set_last_seen(client, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/").status_code == 200
    assert client.session["last_seen"] >= int(time.time()) - 5, "each request moves the idle clock on"


def test_sessions_end_within_a_working_day_and_at_browser_close() -> None:
    assert settings.SESSION_COOKIE_AGE <= 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_IDLE_SECONDS == 30 * 60


# HTTPS

_PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.test import Client
secure = Client(HTTP_HOST="localhost").get("/login/", secure=True)
plain = Client(HTTP_HOST="localhost").get("/login/")
print(json.dumps({
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "hsts": secure.headers.get("Strict-Transport-Security", ""),
    "secure_status": secure.status_code,
    "cookie": secure.cookies["csrftoken"].output() if "csrftoken" in secure.cookies else "",
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
}))
"""


def _settings_with(tmp_path: Path, **env: str) -> dict[str, object]:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("LASERCARE_HTTPS", "LASERCARE_SSL_REDIRECT")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="lasercare.site.settings", LASERCARE_VAR_DIR=str(tmp_path), SECRET_KEY="x" * 50, **env
    )
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_with_https_the_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    found = _settings_with(tmp_path, LASERCARE_HTTPS="true")
    assert found["session_secure"] is True
    assert found["csrf_secure"] is True
    assert found["hsts_seconds"] == 31536000
    assert found["hsts"] == "max-age=31536000; includeSubDomains"
    assert found["secure_status"] == 200
    assert "Secure" in str(found["cookie"])
    assert found["ssl_redirect"] is True
    assert found["plain_status"] == 301
    assert str(found["plain_location"]).startswith("https://localhost/login/")


def test_without_https_cookies_are_plain_and_no_hsts_is_sent(tmp_path: Path) -> None:
    found = _settings_with(tmp_path)
    assert found["session_secure"] is False
    assert found["hsts"] == ""
    assert found["plain_status"] == 200
    assert "Secure" not in str(found["cookie"])
