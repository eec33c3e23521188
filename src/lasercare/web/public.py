"""The app's public address: the one place the links in e-mails (reminders and their unsubscribe link, the portal's
invitation and sign-in links, the practice's urgent-report alert) are made from.

An e-mail is read away from the request that caused it (a reminder is sent by a background job, an alert goes to
the practice), so its links cannot come from the request's own host: they come from LASERCARE_SITE_URL, the address
patients and staff reach the app at (docs/deployment.md). `lasercare serve` warns when it is unset and the server
listens elsewhere.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT = "http://127.0.0.1:8000"


def public_address() -> str:
    """ "https://clinic.example.org", without a trailing slash."""
    return (str(getattr(settings, "LASERCARE_SITE_URL", "") or "") or DEFAULT).rstrip("/")


def public_link(path: str) -> str:
    """The absolute link to a path of the app (a path from `reverse`, starting with "/")."""
    return public_address() + path
