"""The running server's access log: paths with opaque ids, and a calendar feed's secret blanked."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from tests.browser.server import DemoServer

pytestmark = pytest.mark.browser

SECRET = "a7Qm2Lx9Rt4Vb8Nc1Kd6Hs3Pw"


def test_the_access_log_keeps_no_calendar_feed_secret(server: DemoServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url(f"/calendar/feed/{SECRET}.ics"), timeout=10)
    assert refused.value.code == 404
    deadline = time.monotonic() + 10
    written = ""
    while "/calendar/feed/" not in written and time.monotonic() < deadline:
        time.sleep(0.1)
        written = server.access_log.read_text(encoding="utf-8") if server.access_log.exists() else ""
    assert "/calendar/feed/….ics" in written
    assert SECRET not in written
