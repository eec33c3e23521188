"""The access log keeps no calendar feed secret: the feed's address is its credential."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from lasercare.site.access_log import AccessLog
from lasercare.site.log_secrets import blank_secrets

SECRET = "Zq8Vh3kT0pLm2RnXcYw5sA"


def test_the_feed_secret_is_blanked_in_a_path() -> None:
    assert blank_secrets(f"GET /calendar/feed/{SECRET}.ics HTTP/1.1") == "GET /calendar/feed/….ics HTTP/1.1"


def test_other_paths_are_kept_as_they_are() -> None:
    path = "GET /bookings/6f1c7a8e-9d2b-4c1e-8a57-0b3c2d1e4f50/ HTTP/1.1"
    assert blank_secrets(path) == path


def test_gunicorns_access_line_holds_no_feed_secret(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    logger = AccessLog(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/calendar/feed/{SECRET}.ics",
        "PATH_INFO": f"/calendar/feed/{SECRET}.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=120)
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    written = log.read_text(encoding="utf-8")
    assert "/calendar/feed/….ics" in written
    assert SECRET not in written
    logging.getLogger("gunicorn.access").handlers.clear()


def test_the_patient_calendar_feed_secret_is_blanked_in_a_path() -> None:
    line = f"GET /calendar/patient/{SECRET}.ics HTTP/1.1"
    assert blank_secrets(line) == "GET /calendar/patient/….ics HTTP/1.1"


def test_the_unsubscribe_link_secret_is_blanked_in_a_path() -> None:
    line = f"POST /reminders/unsubscribe/{SECRET}/ HTTP/1.1"
    assert blank_secrets(line) == "POST /reminders/unsubscribe/…/ HTTP/1.1"
