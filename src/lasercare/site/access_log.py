"""gunicorn's access log with the secrets in addresses blanked.

A calendar feed's address is its credential (`/calendar/feed/<secret>.ics` for a practitioner,
`/calendar/patient/<secret>.ics` for a patient: calendar apps cannot log in), and so is a reminder's unsubscribe
link (`/reminders/unsubscribe/<secret>/`), so the access log, which otherwise holds only opaque ids, must not keep
them: anyone who reads the log could follow a practitioner's or a patient's bookings, or opt a patient out.
Every value the log line may use is cleaned, the request line and path as much as the referrer and the raw
environment.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_FEED_SECRET = re.compile(r"(/calendar/(?:feed|patient)/)[^/?#\s]+(\.ics)")
_UNSUBSCRIBE_SECRET = re.compile(r"(/reminders/unsubscribe/)[^/?#\s]+(/)")
BLANKED = r"\1…\2"


def blank_feed_secret(text: str) -> str:
    return _UNSUBSCRIBE_SECRET.sub(BLANKED, _FEED_SECRET.sub(BLANKED, text))


class AccessLog(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: blank_feed_secret(value) if isinstance(value, str) else value for key, value in found.items()}
