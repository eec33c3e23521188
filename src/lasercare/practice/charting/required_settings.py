"""Which settings a chart must record before it is signed (required_settings.toml), by the treatment's family in
the knowledge base: what is required is data with its reason, not code."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

from lasercare.engine import load_knowledge
from lasercare.practice.clinic.models import SETTINGS

LABELS = {name: label.lower() for name, label, _unit in SETTINGS}


@dataclass(frozen=True)
class Requirement:
    """The settings a family of treatments must record: groups of alternatives, and why."""

    groups: tuple[tuple[str, ...], ...]
    evidence: str
    why: str


def _requirement(entry: Mapping[str, object]) -> Requirement:
    groups = tuple(tuple(str(name) for name in group) for group in entry["required"])  # type: ignore[attr-defined]
    unknown = {name for group in groups for name in group} - set(LABELS)
    if unknown:
        raise ValueError(f"required_settings.toml names settings a chart does not record: {sorted(unknown)}")
    return Requirement(groups, str(entry["evidence"]), str(entry["why"]))


@cache
def _table() -> tuple[Requirement, dict[str, Requirement]]:
    data = tomllib.loads(files("lasercare.practice.charting").joinpath("required_settings.toml").read_text("utf-8"))
    families = {family: _requirement(entry) for family, entry in data.get("families", {}).items()}
    return _requirement(data["default"]), families


def for_modality(modality: str) -> Requirement:
    """The requirement for a modality code, by its family; the default for a family (or code) not listed."""
    default, families = _table()
    known = load_knowledge().modalities.get(modality)
    return families.get(known.family, default) if known is not None else default


def group_words(group: tuple[str, ...]) -> str:
    return " or ".join(LABELS[name] for name in group)


def missing(modality: str, values: Mapping[str, Decimal | None]) -> tuple[str, ...]:
    """The groups not recorded, in words ("fluence or energy", "spot size"), in the file's order."""
    return tuple(
        group_words(group) for group in for_modality(modality).groups if all(values.get(name) is None for name in group)
    )


def refusal(missing_words: tuple[str, ...]) -> str:
    return (
        "The chart cannot be signed until the settings this treatment needs are recorded. Missing: "
        + ", ".join(missing_words)
        + ". Edit the draft to add them."
    )
