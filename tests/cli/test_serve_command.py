"""`lasercare serve` is listed and explains itself; starting it for real is covered by tests/browser."""

from __future__ import annotations

import subprocess
from collections.abc import Callable


def test_serve_is_listed_in_the_commands(lasercare: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    result = lasercare("--help")
    assert "serve" in result.stdout


def test_serve_help_names_its_options_and_the_database_setting(
    lasercare: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = lasercare("serve", "--help")
    assert result.returncode == 0
    for option in ("--bind", "--workers", "--demo", "--no-migrate"):
        assert option in result.stdout
    assert "DATABASE_URL" in result.stdout


def test_an_invalid_setting_stops_serve_with_a_message_naming_it(
    lasercare: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    result = lasercare("serve", "--no-migrate", env={"LASERCARE_HTTPS": "perhaps"})
    assert result.returncode == 2
    assert "LASERCARE_HTTPS" in result.stderr
    assert "Traceback" not in result.stderr
