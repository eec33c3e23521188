"""Secrets blanked from every log line, and 4xx responses logged in one line.

Some addresses are their own credential: a portal sign-in link and an invitation (`/portal/sign-in/<token>/`,
`/portal/invitation/<token>/`), a reminder's unsubscribe link (`/reminders/unsubscribe/<token>/`) and the
calendar feeds (`/calendar/feed/<token>.ics`, `/calendar/patient/<token>.ics`: calendar apps cannot log in).
Django's request, CSRF and security loggers write the path of every refused request, so without this a log
reader could sign in as a patient or follow a practitioner's bookings. gunicorn's access log uses the same
blanking (site/access_log.py). tests/web/test_log_secrets.py walks the URL resolver, so an address with a new
`<token>` that this does not blank fails the suite.
"""

from __future__ import annotations

import logging
import re

_SECRET_IN_PATH = [
    re.compile(r"(/portal/(?:sign-in|invitation)/)[^/?#\s]+(/)"),
    re.compile(r"(/reminders/unsubscribe/)[^/?#\s]+(/)"),
    re.compile(r"(/calendar/(?:feed|patient)/)[^/?#\s]+(\.ics)"),
]
_BLANKED = r"\1…\2"


def blank_secrets(text: str) -> str:
    """The text with the secret of every secret-bearing address in it replaced by an ellipsis."""
    for pattern in _SECRET_IN_PATH:
        text = pattern.sub(_BLANKED, text)
    return text


class BlankSecrets(logging.Filter):
    """On the log handlers: blank secrets in the message, and keep a refused request to its one line.

    Django logs a 403 or 404 with the exception's traceback at WARNING; an outside probe wrote 9,000 lines of
    them. The refusal, its status and its (blanked) path are what an operator needs; tracebacks stay for 5xx."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        blanked = blank_secrets(message)
        if blanked != message:
            record.msg, record.args = blanked, ()
        status = getattr(record, "status_code", None)
        refused = isinstance(status, int) and 400 <= status < 500
        if refused or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
