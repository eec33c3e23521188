"""Security headers on every response, and the idle timeout of staff sessions."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

# Everything the pages need is served from our own origin: no inline script or style, no third party.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Static files leave before XFrameOptionsMiddleware sees them: old browsers without frame-ancestors too.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with patient data must not stay in a shared computer's cache or history.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class IdleSessionMiddleware:
    """Logs a user out after SESSION_IDLE_SECONDS without a request (a screen left open at the front desk)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _expire_idle_session(request)
        return self.get_response(request)


def _expire_idle_session(request: HttpRequest) -> None:
    session = getattr(request, "session", None)
    if session is None or not request.user.is_authenticated:
        return
    now = int(time.time())
    last_seen = session.get("last_seen")
    if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_SECONDS:
        logout(request)
        return
    if not isinstance(last_seen, int) or now - last_seen > 60:
        session["last_seen"] = now
