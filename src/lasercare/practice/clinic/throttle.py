"""Throttling log-ins: after LOGIN_FAILURE_LIMIT failures for an account or from an address within the lockout
window, further attempts are refused until the window has passed, whatever the password."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from lasercare.practice.clinic.models import LoginFailure


def account_key(username: str) -> str:
    # What people type at the log-in box may be a patient's name by mistake: store a keyed hash, not the text.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{username.strip().casefold()}".encode()).hexdigest()


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def is_locked(username: str, address: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    limit = settings.LOGIN_FAILURE_LIMIT
    if recent.filter(account_key=account_key(username)).count() >= limit:
        return True
    # An address gets more room than an account: a clinic's staff share one address behind its router.
    return address is not None and recent.filter(address=address).count() >= limit * 4


def note_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(account_key=account_key(username), address=address, at=timezone.now())


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(account_key=account_key(username)).delete()
