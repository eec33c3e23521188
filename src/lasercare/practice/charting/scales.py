"""The outcome scales (scales.toml): their labels, sources and evidence, and which a plan's concerns call for."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files

EVIDENCE = {"S": "published source", "W": "weaker source", "P": "practice policy"}


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    numeral: str = ""

    @property
    def text(self) -> str:
        return f"{self.numeral or self.value}: {self.label}"


@dataclass(frozen=True)
class Scale:
    code: str
    field: str  # the Outcome model's field
    name: str
    evidence: str
    source: str
    note: str
    concerns: tuple[str, ...]
    levels: tuple[Level, ...]  # empty for a continuous score (mMASI)
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @property
    def evidence_label(self) -> str:
        return EVIDENCE[self.evidence]

    def label_of(self, value: object) -> str:
        """How a recorded value is shown: with its level's label, or as the number for a continuous score."""
        if value is None:
            return ""
        for level in self.levels:
            if level.value == value:
                return level.text
        return str(value)


@cache
def scales() -> tuple[Scale, ...]:
    document = tomllib.loads(files("lasercare.practice.charting").joinpath("scales.toml").read_text("utf-8"))
    found = []
    for entry in document["scale"]:
        if entry["evidence"] not in EVIDENCE:
            raise ValueError(f"scales.toml: {entry['code']} has an unknown evidence mark")
        found.append(
            Scale(
                code=entry["code"],
                field=entry["field"],
                name=entry["name"],
                evidence=entry["evidence"],
                source=entry["source"],
                note=entry.get("note", ""),
                concerns=tuple(entry["concerns"]),
                levels=tuple(
                    Level(value=level["value"], label=level["label"], numeral=level.get("numeral", ""))
                    for level in entry.get("levels", [])
                ),
                minimum=Decimal(str(entry["minimum"])) if "minimum" in entry else None,
                maximum=Decimal(str(entry["maximum"])) if "maximum" in entry else None,
            )
        )
    return tuple(found)


def by_field() -> dict[str, Scale]:
    return {scale.field: scale for scale in scales()}


def relevant(concern_codes: Iterable[str]) -> tuple[Scale, ...]:
    """The scales for a plan with these concerns: GAIS and satisfaction always, the others by concern."""
    codes = set(concern_codes)
    return tuple(scale for scale in scales() if "all" in scale.concerns or codes & set(scale.concerns))
