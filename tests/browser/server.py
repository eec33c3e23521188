"""The real app in a subprocess, and Debian's chromium: shared by the browser tests and docs/screenshots.py.

`demo_server()` runs `python -m lasercare serve --demo` on a free port with a fresh var directory (so a fresh
SQLite database), or, when DATABASE_URL is set, on a fresh PostgreSQL database that is dropped afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("LASERCARE_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking flags chromium keeps trying to reach Google's services from a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_SECONDS = 120
_ACCOUNT = re.compile(r"^\s+(?P<role>.+?)\s+username (?P<username>\S+)\s+password (?P<password>\S+)\s*$")


class ServerStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoServer:
    base_url: str
    passwords: dict[str, str] = field(repr=False)  # username -> password, as `lasercare serve --demo` printed them
    log: Path
    access_log: Path  # gunicorn's access log (LASERCARE_ACCESS_LOG)
    # The server's environment (its var directory, its database), for a test that prepares a record behind it.
    environment: dict[str, str] = field(default_factory=dict, repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path


def missing_tools() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return (
            f"chromium is not installed ({CHROMIUM} is missing): run `make test`, which installs Debian's chromium "
            "and the axe-core npm package before the browser tests (Playwright's own browser download does not "
            "work here)."
        )
    if not AXE.exists():
        return f"axe-core is not installed ({AXE} is missing): run `make test`, or `npm ci --no-audit --no-fund`."
    return None


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _fresh_postgres(url: str) -> Iterator[str]:
    """A new, empty database on the server DATABASE_URL names; yields its URL and drops it afterwards."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    name = f"lasercare_browser_{secrets.token_hex(6)}"
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/health/", timeout=2) as response:
            return response.status == 200  # type: ignore[no-any-return]
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _accounts(output: str) -> dict[str, str]:
    return {m["username"]: m["password"] for line in output.splitlines() if (m := _ACCOUNT.match(line))}


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers and exits
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def _serve(var_dir: Path, database_url: str | None, patients: int) -> Iterator[DemoServer]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LASERCARE_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
        "LASERCARE_ACCESS_LOG": str(var_dir / "access.log"),
        # As a deployment sets it: the links in e-mails and the calendar addresses come from the public address.
        "LASERCARE_SITE_URL": base_url,
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    out_path, log_path = var_dir / "serve.out", var_dir / "serve.log"
    command = [sys.executable, "-m", "lasercare", "serve", "--demo", "--demo-patients", str(patients)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "2"]
    with out_path.open("wb") as out, log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _healthy(base_url):
            if process.poll() is not None:
                raise ServerStartError(
                    f"`lasercare serve` exited with {process.returncode}:\n{log_path.read_text(errors='replace')}"
                )
            if time.monotonic() > deadline:
                raise ServerStartError(f"`lasercare serve` did not answer /health/ within {START_SECONDS} s")
            time.sleep(0.2)  # a subprocess starting: there is nothing to wait on but the port
        passwords = _accounts(out_path.read_text(encoding="utf-8"))
        if not {"admin", "clinician", "nurse", "frontdesk"} <= passwords.keys():
            raise ServerStartError(f"`lasercare serve --demo` printed no password for some roles: {sorted(passwords)}")
        yield DemoServer(
            base_url=base_url,
            passwords=passwords,
            log=log_path,
            access_log=var_dir / "access.log",
            environment=env,
        )
    finally:
        _stop(process)


@contextmanager
def demo_server(patients: int = 8) -> Iterator[DemoServer]:
    """The demo practice served by gunicorn on a free port, on a database of its own."""
    with tempfile.TemporaryDirectory(prefix="lasercare-browser-") as directory:
        var_dir = Path(directory)
        url = os.environ.get("DATABASE_URL")
        if url:
            with _fresh_postgres(url) as fresh, _serve(var_dir, fresh, patients) as server:
                yield server
        else:
            with _serve(var_dir, None, patients) as server:
                yield server
