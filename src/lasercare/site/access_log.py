"""gunicorn's access log with the secrets in addresses blanked.

A calendar feed's address is its credential (`/calendar/feed/<secret>.ics` for a practitioner,
`/calendar/patient/<secret>.ics` for a patient: calendar apps cannot log in), and so are a reminder's
unsubscribe link and a portal sign-in link or invitation (site/log_secrets.py lists them), so the access log,
which otherwise holds only opaque ids, must not keep them: anyone who reads the log could follow a practitioner's
or a patient's bookings, opt a patient out or sign in as them.
Every value the log line may use is cleaned, the request line and path as much as the referrer and the raw
environment.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from lasercare.site.log_secrets import blank_secrets


class AccessLog(Logger):  # type: ignore[misc]  # gunicorn ships no type hints
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        found: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: blank_secrets(value) if isinstance(value, str) else value for key, value in found.items()}
