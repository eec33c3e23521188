"""gunicorn's access log with the calendar feed's secret blanked.

The feed's address is its credential (`/calendar/feed/<secret>.ics`: calendar apps cannot log in), so the access
log, which otherwise holds only opaque ids, must not keep it: anyone who reads the log could follow a
practitioner's bookings. Every value the log line may use is cleaned, the request line and path as much as the
referrer and the raw environment.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

_FEED_SECRET = re.compile(r"(/calendar/feed/)[^/?#\s]+(\.ics)")
BLANKED = r"\1…\2"


def blank_feed_secret(text: str) -> str:
    return _FEED_SECRET.sub(BLANKED, text)


class AccessLog(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: blank_feed_secret(value) if isinstance(value, str) else value for key, value in found.items()}
