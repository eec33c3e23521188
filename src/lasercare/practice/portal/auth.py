"""Signing patients in and out of the portal, and the check every portal page makes.

The portal keeps its own session key, apart from Django's staff log-in: a patient's session never makes
`request.user` authenticated, so no staff page (all behind `clinic.access.requires`) can be reached with it, and a
staff member's session is not a patient's. The session also holds a digest of the account's password hash, so
setting a new password ends every other session of the account, as Django does for staff.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation

from lasercare.practice.portal.models import PatientAccount

SESSION_KEY = "portal_account"
SESSION_HASH_KEY = "portal_account_hash"
SESSION_SEEN_KEY = "portal_last_seen"

View = Callable[..., HttpResponse]


class PortalRequest(HttpRequest):
    """A request to a portal page: the signed-in patient's account is on it."""

    account: PatientAccount


def _digest(account: PatientAccount) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{account.pk}:{account.password}".encode()).hexdigest()


def sign_in(request: HttpRequest, account: PatientAccount) -> None:
    """A new session (a session id fixed before sign-in is worthless after it) holding only the account's id."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = account.pk
    request.session[SESSION_HASH_KEY] = _digest(account)
    request.session[SESSION_SEEN_KEY] = int(time.time())
    account.last_sign_in = timezone.now()
    account.save(update_fields=["last_sign_in"])


def sign_out(request: HttpRequest) -> None:
    for key in (SESSION_KEY, SESSION_HASH_KEY, SESSION_SEEN_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()


def signed_in_account(request: HttpRequest) -> PatientAccount | None:
    """The account this session signed in, while it is active, its password unchanged and the session not idle."""
    session = request.session
    account_id = session.get(SESSION_KEY)
    if account_id is None:
        return None
    last_seen = session.get(SESSION_SEEN_KEY)
    now = int(time.time())
    if not isinstance(last_seen, int) or now - last_seen > settings.SESSION_IDLE_SECONDS:
        sign_out(request)
        return None
    account = PatientAccount.objects.select_related("patient", "practice").filter(pk=account_id, is_active=True).first()
    if account is None or session.get(SESSION_HASH_KEY) != _digest(account):
        sign_out(request)
        return None
    if now - last_seen > 60:
        session[SESSION_SEEN_KEY] = now
    return account


def _language_of(account: PatientAccount) -> str | None:
    """The patient's preferred language ("es-MX" falls back to "es") when the portal has a catalogue for it."""
    preferred = account.patient.preferred_language.strip().lower()
    available = {code.lower() for code, _name in settings.LANGUAGES}
    for candidate in (preferred, preferred.split("-")[0]):
        if candidate in available:
            return candidate
    return None


def chose_language(request: HttpRequest) -> bool:
    """Whether the reader chose a language with the switch of the patient pages (Django's set_language cookie)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return bool(chosen) and translation.check_for_language(chosen) and chosen in dict(settings.LANGUAGES)


def patient_required(view: View) -> View:
    """Only a signed-in patient; anyone else goes to the portal's sign-in page. Portal pages are never cached."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = signed_in_account(request)
        if account is None:
            return redirect("portal_sign_in")
        request.account = account  # type: ignore[attr-defined]
        language = _language_of(account)
        if language and not chose_language(request):
            # The language recorded for the patient, when the portal has it, over the browser's; a language the
            # patient chose with the pages' switch (kept in a cookie, read by LocaleMiddleware) over both.
            request.LANGUAGE_CODE = language
            with translation.override(language):
                response = view(request, *args, **kwargs)
            response.headers["Content-Language"] = language  # LocaleMiddleware keeps it (setdefault)
        else:
            response = view(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store"
        return response

    return checked
