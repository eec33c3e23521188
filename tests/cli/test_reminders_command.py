"""`lasercare reminders run` is listed and explains itself; what it dispatches is tests/web/test_reminders.py's."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


def test_reminders_is_listed_in_the_commands(lasercare: Run) -> None:
    assert "reminders" in lasercare("--help").stdout


def test_reminders_help_names_its_action(lasercare: Run) -> None:
    result = lasercare("reminders", "--help")
    assert result.returncode == 0
    assert "run" in result.stdout
    assert "--once" in result.stdout


def test_reminders_run_help_names_its_options_and_exit_status(lasercare: Run) -> None:
    result = lasercare("reminders", "run", "--help")
    assert result.returncode == 0
    for option in ("--once", "--interval"):
        assert option in result.stdout
    assert "Exit status" in result.stdout


def test_reminders_without_an_action_says_what_to_give(lasercare: Run) -> None:
    result = lasercare("reminders")
    assert result.returncode == 2
    assert "give an action: run" in result.stderr


def test_an_interval_under_a_second_is_refused(lasercare: Run) -> None:
    result = lasercare("reminders", "run", "--interval", "0")
    assert result.returncode == 2
    assert "--interval" in result.stderr


def test_serve_can_leave_the_dispatcher_to_another_process(lasercare: Run) -> None:
    assert "--no-reminders" in lasercare("serve", "--help").stdout


def _embedded(var_dir: Path) -> dict[str, str]:
    """The environment of the embedded default (SQLite in `var_dir`), whatever database the suite runs on."""
    return {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "LASERCARE_VAR_DIR": str(var_dir)}


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated embedded database of its own."""
    folder = tmp_path_factory.mktemp("var")
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
        env={**_embedded(folder), "DJANGO_SETTINGS_MODULE": "lasercare.site.settings"},
        check=True,
        timeout=300,
    )
    return folder


def test_reminders_run_once_dispatches_and_exits(var_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lasercare", "reminders", "run", "--once"],
        env=_embedded(var_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_each_pass_of_the_dispatcher_deletes_failed_log_ins_past_the_window(var_dir: Path) -> None:
    database = sqlite3.connect(var_dir / "lasercare.sqlite3")
    with database:
        database.executemany(
            "INSERT INTO clinic_loginfailure (account_key, address, at) VALUES (?, '192.0.2.1', ?)",
            [("old", "2000-01-01 00:00:00"), ("recent", "2999-01-01 00:00:00")],
        )
    subprocess.run(
        [sys.executable, "-m", "lasercare", "reminders", "run", "--once"],
        env=_embedded(var_dir),
        check=True,
        timeout=120,
    )
    with database:
        assert database.execute("SELECT account_key FROM clinic_loginfailure").fetchall() == [("recent",)]
        database.execute("DELETE FROM clinic_loginfailure")
    database.close()


def test_the_dispatcher_stops_cleanly_on_sigterm(var_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "lasercare", "reminders", "run", "--interval", "1"],
        env=_embedded(var_dir),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert process.stderr.readline() == "lasercare reminders: dispatching every 1 s\n"
        time.sleep(1.5)  # through a dispatch or two
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from Linux's /proc")
def test_serve_runs_the_dispatcher_beside_it_and_stops_it_with_the_server(var_dir: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "lasercare", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=_embedded(var_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        dispatchers: list[int] = []
        while not dispatchers and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.5)
            dispatchers = [c for c in _children(server.pid) if "reminders run" in _command(c)]
        assert len(dispatchers) == 1
        # Stopped as soon as it runs: the dispatcher starts once the server handles its signals.
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert not Path(f"/proc/{dispatchers[0]}").exists() or "reminders run" not in _command(dispatchers[0])
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
