"""What the repository holds: no secret key, no database and nothing from a `var/` data folder.

A `var/` folder is created wherever the app is run from (settings.VAR_DIR defaults to ./var), so one run from a
subfolder once committed a working secret key and two databases. Anyone who ran the app from that folder then
shared that key.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout"
)


def _tracked() -> list[PurePosixPath]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [PurePosixPath(name) for name in listing.decode().split("\0") if name]


def test_no_file_under_a_var_folder_is_tracked() -> None:
    assert [str(path) for path in _tracked() if "var" in path.parts[:-1]] == []


def test_no_secret_key_or_database_file_is_tracked() -> None:
    suspicious = [
        str(path)
        for path in _tracked()
        if path.name == "secret_key" or path.suffix in {".sqlite3", ".sqlite", ".db", ".key", ".pem"}
    ]
    assert suspicious == []


@pytest.mark.parametrize(
    "name",
    ["var/secret_key", "src/lasercare/site/var/lasercare.sqlite3", "elsewhere/var/mail/x.log", "a.sqlite3-wal"],
)
def test_git_ignores_data_files_wherever_they_are_made(name: str) -> None:
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", name], cwd=ROOT, check=False)
    assert ignored.returncode == 0, f"{name} would not be ignored"
