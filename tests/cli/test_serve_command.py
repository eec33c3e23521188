"""`lasercare serve` is listed and explains itself; starting it for real is covered by tests/browser."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from lasercare.serve_cli import default_workers


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


@pytest.mark.parametrize(
    ("database_url", "workers"),
    [
        ("", 3),  # SQLite
        ("postgres://lasercare@127.0.0.1:5432/lasercare", 4),  # its round trips and commits leave a CPU idle
        ("postgres://lasercare@localhost/lasercare", 4),
        ("postgres:///lasercare", 4),  # the local socket
        ("postgres://lasercare@%2Fvar%2Frun%2Fpostgresql/lasercare", 4),
        ("postgres://lasercare@db.internal:5432/lasercare", 5),
    ],
)
def test_serve_runs_a_worker_per_cpu_and_one_more_two_more_with_postgresql_and_more_when_it_is_elsewhere(
    database_url: str, workers: int
) -> None:
    assert default_workers(2, database_url) == workers


def test_serve_runs_at_most_8_workers_by_default() -> None:
    assert default_workers(16, "") == 8
