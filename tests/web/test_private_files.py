"""Everything the app writes under var/ is readable by its own account only (site/private_files.py).

Run in a child process that starts with the common umask 022, as a shell would start `lasercare serve`.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the database files are SQLite's")

SEND_ONE_EMAIL = (
    "import django; django.setup(); from django.core.mail import send_mail; "
    "send_mail('Your appointment', 'Tuesday', 'clinic@example.org', ['patient@example.org'])"
)


def django(var_dir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(LASERCARE_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE="lasercare.site.settings")
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    var = tmp_path_factory.mktemp("private") / "var"
    django(var, "-m", "django", "migrate", "-v0")
    django(var, "-c", SEND_ONE_EMAIL)
    return var


def test_the_var_folder_is_the_apps_own(var_dir: Path) -> None:
    assert mode(var_dir) == 0o700


def test_the_database_and_its_wal_files_are_the_apps_own(var_dir: Path) -> None:
    files = [path for path in var_dir.iterdir() if ".sqlite3" in path.name]
    assert var_dir / "lasercare.sqlite3" in files
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_the_secret_key_is_the_apps_own(var_dir: Path) -> None:
    assert mode(var_dir / "secret_key") == 0o600


def test_an_email_written_to_the_mail_folder_is_the_apps_own(var_dir: Path) -> None:
    (message,) = (var_dir / "mail").iterdir()
    assert (mode(var_dir / "mail"), mode(message)) == (0o700, 0o600)


def test_files_an_earlier_version_left_readable_are_tightened_at_start(tmp_path: Path) -> None:
    var = tmp_path / "var"
    var.mkdir()
    var.chmod(0o755)  # chmod, not a mode to mkdir and touch: this process's umask is the app's own 077
    for name in ("lasercare.sqlite3", "lasercare.sqlite3-wal"):
        (var / name).touch()
        (var / name).chmod(0o644)
    django(var, "-c", "import django; django.setup()")
    assert [mode(var), mode(var / "lasercare.sqlite3"), mode(var / "lasercare.sqlite3-wal")] == [0o700, 0o600, 0o600]
