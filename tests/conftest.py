"""Shared fixtures: the knowledge base, the contract documents, and a way to run the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from lasercare.engine import Knowledge, load_knowledge

# Speed is measured by the benchmarks under bench/, never by a test: Hypothesis's per-example deadline (200 ms) made
# a pure property fail on a busy machine (tests/scheduling/test_session_dates.py under a loaded -n 2 run).
settings.register_profile("lasercare", deadline=None)
settings.load_profile("lasercare")

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = Path(__file__).resolve().parent / "contracts"
SHARED = ROOT.parent / "shared"


def contract(name: str) -> Any:
    return json.loads((CONTRACTS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def plan_schema() -> dict[str, Any]:
    return contract("plan.schema.json")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def intake_schema() -> dict[str, Any]:
    return contract("intake.schema.json")  # type: ignore[no-any-return]


def run_lasercare(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `lasercare` command as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "lasercare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture
def lasercare() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_lasercare
