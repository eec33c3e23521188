"""Throttling log-ins (staff, and the patient portal) with growing waits that a stranger cannot turn on anyone else.

Three counts over the last LOGIN_LOCKOUT_MINUTES, each with its own threshold; past it, the next attempt must wait
LOGIN_FIRST_WAIT_SECONDS after the latest failure, doubled at each further failure, at most the whole window:

- **this account from this address** past LOGIN_FAILURE_LIMIT (5): slows whoever is guessing, from where they are;
- **this account from anywhere** past twice the limit: slows guessing spread over many addresses. It does not hold
  at an address the account has logged in from before (KnownAddress), so guesses from elsewhere never keep the
  account's owner out at their own desk;
- **this address, any accounts** past four times the limit: one address trying many usernames. Not for the
  practice's own networks (LOGIN_TRUSTED_NETWORKS): the staff behind its router share one address.

An outside probe found the old hard lock usable against a practice: 20 failures from one address locked every
account behind it for 15 minutes, and 5 guesses at a known username locked that person out wherever they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from lasercare.practice.clinic.models import KnownAddress, LoginFailure

ANY_ADDRESS_FACTOR = 2  # failures of one account from anywhere: twice the per-address limit
ONE_ADDRESS_FACTOR = 4  # failures from one address across accounts: four times the limit


def account_key(username: str) -> str:
    # What people type at the log-in box may be a patient's name by mistake: store a keyed hash, not the text.
    return hashlib.sha256(f"{settings.SECRET_KEY}:{username.strip().casefold()}".encode()).hexdigest()


@dataclass(frozen=True)
class Wait:
    """How long before the next attempt may be made; zero when it may be made now."""

    seconds: int

    def __bool__(self) -> bool:
        return self.seconds > 0

    def in_words(self) -> str:
        """ "40 seconds", "2 minutes": rounded up, so never sooner than the wait ends."""
        if self.seconds < 60:
            return ngettext("%(count)d second", "%(count)d seconds", self.seconds) % {"count": self.seconds}
        minutes = -(-self.seconds // 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _window() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _wait_after(failures: QuerySet[LoginFailure], threshold: int, now: datetime) -> int:
    found = failures.aggregate(count=Count("id"), latest=Max("at"))
    count, latest = found["count"], found["latest"]
    if count < threshold or latest is None:
        return 0
    doublings = min(count - threshold, 20)  # 2**20 times the first wait is far past any window
    wait = min(timedelta(seconds=settings.LOGIN_FIRST_WAIT_SECONDS * 2**doublings), _window())
    return max(0, int((latest + wait - now).total_seconds() + 0.999))


def _trusted(address: str) -> bool:
    try:
        found = ip_address(address)
    except ValueError:
        return False
    return any(found in network for network in settings.LOGIN_TRUSTED_NETWORKS)


def wait_before_trying(username: str, address: str | None, now: datetime | None = None) -> Wait:
    """The wait before this account may try to log in from this address (zero: it may now)."""
    now = now or timezone.now()
    recent = LoginFailure.objects.filter(at__gte=now - _window())
    key = account_key(username)
    limit = settings.LOGIN_FAILURE_LIMIT
    waits = [_wait_after(recent.filter(account_key=key, address=address), limit, now)]
    if address is None or not KnownAddress.objects.filter(account_key=key, address=address).exists():
        waits.append(_wait_after(recent.filter(account_key=key), limit * ANY_ADDRESS_FACTOR, now))
    if address is not None and not _trusted(address):
        waits.append(_wait_after(recent.filter(address=address), limit * ONE_ADDRESS_FACTOR, now))
    return Wait(max(waits))


def note_failure(username: str, address: str | None) -> None:
    LoginFailure.objects.create(account_key=account_key(username), address=address, at=timezone.now())


def note_success(username: str, address: str | None) -> None:
    """The account's failures are forgotten, and the address is remembered as the account's own."""
    key = account_key(username)
    LoginFailure.objects.filter(account_key=key).delete()
    if address is not None:
        KnownAddress.objects.update_or_create(
            account_key=key, address=address, defaults={"last_success": timezone.now()}
        )


def forget_old(now: datetime | None = None) -> int:
    """Failures past the window count for nothing, and an address unused for a year is no longer known: both are
    deleted (run by the dispatcher, `lasercare reminders run`, every pass). Returns the rows deleted."""
    now = now or timezone.now()
    failures, _ = LoginFailure.objects.filter(at__lt=now - _window()).delete()
    addresses, _ = KnownAddress.objects.filter(last_success__lt=now - timedelta(days=365)).delete()
    return failures + addresses
