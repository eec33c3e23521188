"""The suite's copies of the shared contracts are the shared contracts."""

from __future__ import annotations

import pytest

from tests.conftest import CONTRACTS, SHARED

COPIES = {
    "intake.schema.json": SHARED / "contracts" / "intake.schema.json",
    "plan.schema.json": SHARED / "contracts" / "plan.schema.json",
    "vocabulary.md": SHARED / "contracts" / "vocabulary.md",
    "vignettes.json": SHARED / "vignettes" / "vignettes.json",
    "vignettes-next.json": SHARED / "vignettes" / "vignettes-next.json",
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copy_matches_the_shared_contract(name: str) -> None:
    original = COPIES[name]
    if not original.exists():
        pytest.skip(f"{original} is not present (a clean clone without ../shared)")
    assert (CONTRACTS / name).read_bytes() == original.read_bytes(), f"refresh tests/contracts/{name}"
