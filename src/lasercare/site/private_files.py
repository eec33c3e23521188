"""What the app writes under `var/` is readable by its own account only.

`var/` holds the SQLite database and its WAL files, the secret key, the e-mails of the embedded mail backend (which
name patients), and the photos. An outside probe found the databases, their WAL files and `var/` itself
world-readable (0644 and 0755): anyone with a shell on the machine could copy every record. The process's umask
makes every file it creates 0600 and every folder 0700 (SQLite creates its -wal and -shm files with the database
file's mode), and files left by an earlier version are tightened at start-up.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def keep_private(var_dir: Path) -> None:
    """Called once as the settings load, before anything is written: every Django process passes here."""
    os.umask(0o077)
    var_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    _tighten(var_dir, PRIVATE_FOLDER)
    for path in var_dir.iterdir():
        if path.is_file() and (path.name == "secret_key" or ".sqlite3" in path.name):
            _tighten(path, PRIVATE_FILE)
    mail = var_dir / "mail"
    if mail.is_dir():
        _tighten(mail, PRIVATE_FOLDER)
        for message in mail.iterdir():
            _tighten(message, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    # Only what this account owns: a folder the operator shares on purpose (a mounted volume) is left alone.
    with contextlib.suppress(OSError):
        if path.stat().st_uid == os.geteuid() and path.stat().st_mode & 0o777 & ~mode:
            path.chmod(mode)
