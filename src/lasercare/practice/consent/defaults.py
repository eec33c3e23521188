"""lasercare's default consent wording per modality family (default_templates.toml), from which a practice admin
starts a family's version 1. No Django here."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

LABEL = "lasercare's default wording: the practice should have it reviewed"


@dataclass(frozen=True)
class DefaultWording:
    title: str
    body: str


@functools.cache
def default_wordings() -> dict[str, DefaultWording]:
    with (Path(__file__).parent / "default_templates.toml").open("rb") as file:
        data = tomllib.load(file)
    return {family: DefaultWording(title=entry["title"], body=entry["body"].strip()) for family, entry in data.items()}
