"""No log line keeps a secret from an address, and a refused request is logged in one line.

The lines are read from the handler the settings configure (LOGGING), so the test covers the real filter chain:
a capture of our own (pytest's caplog) would sit beside it and see the unfiltered message.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.log import log_response

from lasercare.site.log_secrets import BlankSecrets, blank_secrets

SECRET = "Zq8Vh3kT0pLm2RnXcYw5sAqB7dE1fG9hJ4kL6mN0pR2"


def _token_routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _token_routes(entry.url_patterns, namespace)
        elif "token" in entry.pattern.converters and entry.name:
            yield prefix + entry.name


TOKEN_ROUTES = sorted(set(_token_routes(get_resolver().url_patterns)))


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes, while the test runs."""
    (handler,) = [h for h in logging.getLogger().handlers if any(isinstance(f, BlankSecrets) for f in h.filters)]
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    previous = handler.setStream(written)
    try:
        yield written
    finally:
        handler.setStream(previous)


def test_the_resolver_has_the_secret_bearing_addresses_this_test_expects() -> None:
    # If this fails a route with a <token> was added or renamed: blank it in site/log_secrets.py first.
    assert TOKEN_ROUTES == [
        "calendar_feed",
        "patient_calendar_feed",
        "portal_invitation",
        "portal_sign_in_link",
        "reminder_unsubscribe",
    ]


@pytest.mark.parametrize("route", TOKEN_ROUTES)
def test_blanking_removes_the_secret_of_every_secret_bearing_address(route: str) -> None:
    path = reverse(route, kwargs={"token": SECRET})
    assert SECRET not in blank_secrets(f"Forbidden (CSRF cookie not set.): {path}")


@pytest.mark.django_db
@pytest.mark.parametrize("route", TOKEN_ROUTES)
def test_a_csrf_refusal_logs_the_address_without_its_secret_in_one_line(route: str, log_lines: io.StringIO) -> None:
    path = reverse(route, kwargs={"token": SECRET})
    response = Client(enforce_csrf_checks=True).post(path, {"x": "1"})
    assert response.status_code == 403
    written = log_lines.getvalue()
    assert "Forbidden (CSRF cookie not set.)" in written
    assert SECRET not in written
    assert len(written.strip().splitlines()) == 1


@pytest.mark.parametrize("route", TOKEN_ROUTES)
def test_a_not_found_logged_by_django_keeps_no_secret(route: str, log_lines: io.StringIO) -> None:
    request = RequestFactory().get(reverse(route, kwargs={"token": SECRET}))
    log_response("Not Found: %s", request.path, response=HttpResponse(status=404), request=request)
    assert SECRET not in log_lines.getvalue()
    assert "Not Found: " in log_lines.getvalue()


def test_a_permission_refusal_is_one_line_without_its_traceback(log_lines: io.StringIO) -> None:
    request = HttpRequest()
    request.path = "/patients/6f1c7a8e-9d2b-4c1e-8a57-0b3c2d1e4f50/"
    try:
        raise PermissionDenied("not this practice's patient")
    except PermissionDenied as refusal:
        log_response(
            "Forbidden (Permission denied): %s", request.path, response=HttpResponse(status=403), exception=refusal
        )
    written = log_lines.getvalue()
    assert "Forbidden (Permission denied): /patients/6f1c7a8e-9d2b-4c1e-8a57-0b3c2d1e4f50/" in written
    assert "Traceback" not in written
    assert len(written.strip().splitlines()) == 1


def test_a_server_error_keeps_its_traceback(log_lines: io.StringIO) -> None:
    try:
        raise RuntimeError("a fault of ours")
    except RuntimeError as fault:
        log_response("Internal Server Error: %s", "/x/", response=HttpResponse(status=500), exception=fault)
    assert "Traceback" in log_lines.getvalue()
