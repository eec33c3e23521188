"""The MPE tables, limiting apertures, correction factors and EN 207 scale rows, read from data/mpe.toml.

The numbers live in the data file with the table and row they come from; this module only reads them into typed
rows and picks the rows that apply. Loading is cached: the tables are read once per process.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

Tissue = Literal["eye", "skin"]

# The spectrum the tables cover, 180 nm to 1 mm, and the longest exposure they give a limit for (an 8-hour day).
MIN_WAVELENGTH_NM = 180.0
MAX_WAVELENGTH_NM = 1.0e6
MAX_EXPOSURE_S = 3.0e4

_J_PER_M2_IN_J_PER_CM2 = 1.0e-4  # the Directive prints J/m2 and W/m2; lasercare reports per cm2 like ANSI


@dataclass(frozen=True, slots=True)
class LimitRow:
    """One row of an MPE table: a limit for a wavelength band and a duration band."""

    tissue: Tissue
    from_nm: float
    to_nm: float
    from_s: float
    to_s: float
    form: Literal["H", "E"]
    coefficient: float
    t_exponent: float
    factors: tuple[str, ...]
    hazard: Literal["thermal", "photochemical"]
    source: str

    def covers(self, wavelength_nm: float, seconds: float) -> bool:
        return self.from_nm <= wavelength_nm < self.to_nm and self.from_s <= seconds < self.to_s

    def radiant_exposure_j_cm2(self, seconds: float, factor_values: dict[str, float]) -> float:
        """The limit as radiant exposure (J/cm2) for an exposure of `seconds`."""
        value = self.coefficient
        for name in self.factors:
            value *= factor_values[name]
        if self.form == "E":
            value *= seconds
        elif self.t_exponent:
            value *= seconds**self.t_exponent
        return value * _J_PER_M2_IN_J_PER_CM2


@dataclass(frozen=True, slots=True)
class FactorPiece:
    from_nm: float
    to_nm: float
    constant: float | None
    slope: float
    offset_nm: float
    source: str

    def value(self, wavelength_nm: float) -> float:
        if self.constant is not None:
            return self.constant
        return float(10.0 ** (self.slope * (wavelength_nm - self.offset_nm)))


@dataclass(frozen=True, slots=True)
class ApertureRow:
    from_nm: float
    to_nm: float
    from_s: float
    to_s: float
    diameter_mm: float | None
    coefficient: float
    t_exponent: float
    source: str

    def covers(self, wavelength_nm: float, seconds: float) -> bool:
        return self.from_nm <= wavelength_nm < self.to_nm and self.from_s <= seconds < self.to_s

    def diameter(self, seconds: float) -> float:
        if self.diameter_mm is not None:
            return self.diameter_mm
        return float(self.coefficient * seconds**self.t_exponent)


@dataclass(frozen=True, slots=True)
class ScaleRow:
    """EN 207 Table B.1: the density a filter of scale number n withstands is coefficient * 10^(n + shift)."""

    mode: str
    from_nm: float
    to_nm: float
    quantity: Literal["E", "H", "E_peak"]
    coefficient: float
    shift: int


@dataclass(frozen=True, slots=True)
class DefaultExposure:
    from_nm: float
    to_nm: float
    seconds: float
    source: str


@dataclass(frozen=True, slots=True)
class Tables:
    eye: tuple[LimitRow, ...]
    skin: tuple[LimitRow, ...]
    factors: dict[str, tuple[FactorPiece, ...]]
    apertures: dict[str, tuple[ApertureRow, ...]]
    default_exposures: tuple[DefaultExposure, ...]
    en207_rows: tuple[ScaleRow, ...]
    en207_source: str
    en207_window_s: float
    en207_window_source: str
    en207_mode_limits_s: dict[str, float]
    sources: dict[str, dict[str, Any]]

    def rows(self, tissue: Tissue, wavelength_nm: float, seconds: float) -> tuple[LimitRow, ...]:
        """Every row that gives a limit for this tissue, wavelength and exposure duration."""
        wavelength_nm, seconds = _inside(wavelength_nm, seconds)
        return tuple(row for row in (self.eye if tissue == "eye" else self.skin) if row.covers(wavelength_nm, seconds))

    def factor(self, name: str, wavelength_nm: float) -> tuple[float, str] | None:
        for piece in self.factors[name]:
            if piece.from_nm <= wavelength_nm < piece.to_nm:
                return piece.value(wavelength_nm), piece.source
        return None

    def aperture(self, tissue: Tissue, wavelength_nm: float, seconds: float) -> tuple[float, str]:
        wavelength_nm, lookup_s = _inside(wavelength_nm, seconds)
        for row in self.apertures[tissue]:
            if row.covers(wavelength_nm, lookup_s):
                return row.diameter(seconds), row.source
        raise LookupError(f"no limiting aperture for {tissue} at {wavelength_nm} nm, {seconds} s")

    def default_exposure(self, wavelength_nm: float) -> DefaultExposure:
        for row in self.default_exposures:
            if row.from_nm <= wavelength_nm < row.to_nm:
                return row
        return self.default_exposures[-1]


def _inside(wavelength_nm: float, seconds: float) -> tuple[float, float]:
    # Bands are half-open [from, to); the tables' own ends, 1 mm and 30000 s, belong to the last band.
    return min(wavelength_nm, math.nextafter(MAX_WAVELENGTH_NM, 0.0)), min(seconds, math.nextafter(MAX_EXPOSURE_S, 0.0))


def _limit_row(tissue: Tissue, raw: dict[str, Any]) -> LimitRow:
    return LimitRow(
        tissue=tissue,
        from_nm=float(raw["from_nm"]),
        to_nm=float(raw["to_nm"]),
        from_s=float(raw["from_s"]),
        to_s=float(raw["to_s"]),
        form=raw["form"],
        coefficient=float(raw["coefficient"]),
        t_exponent=float(raw.get("t_exponent", 0.0)),
        factors=tuple(raw.get("factors", ())),
        hazard=raw["hazard"],
        source=str(raw["source"]),
    )


def _aperture_row(raw: dict[str, Any]) -> ApertureRow:
    return ApertureRow(
        from_nm=float(raw["from_nm"]),
        to_nm=float(raw["to_nm"]),
        from_s=float(raw["from_s"]),
        to_s=float(raw["to_s"]),
        diameter_mm=float(raw["diameter_mm"]) if "diameter_mm" in raw else None,
        coefficient=float(raw.get("coefficient", 0.0)),
        t_exponent=float(raw.get("t_exponent", 0.0)),
        source=str(raw["source"]),
    )


@cache
def load_tables() -> Tables:
    """The tables of data/mpe.toml, read once."""
    raw = tomllib.loads(files("lasercare.lasersafety").joinpath("data/mpe.toml").read_text(encoding="utf-8"))
    eye = tuple(_limit_row("eye", row) for row in raw["eye"])
    # Table 2.4 sends the skin to the eye limits for UV and far infrared from 1 ns: copy those eye rows, clipped to
    # the bands and durations the skin table names, so that a skin lookup never has to know about the eye table.
    shared = raw["skin_uses_eye_rows"]
    borrowed: list[LimitRow] = []
    for low, high in shared["bands_nm"]:
        for row in eye:
            if row.to_nm <= low or row.from_nm >= high or row.to_s <= shared["from_s"]:
                continue
            borrowed.append(
                LimitRow(
                    tissue="skin",
                    from_nm=max(row.from_nm, float(low)),
                    to_nm=min(row.to_nm, float(high)),
                    from_s=max(row.from_s, float(shared["from_s"])),
                    to_s=row.to_s,
                    form=row.form,
                    coefficient=row.coefficient,
                    t_exponent=row.t_exponent,
                    factors=row.factors,
                    hazard=row.hazard,
                    source=f"{shared['source']}; eye row: {row.source}",
                )
            )
    skin = tuple(_limit_row("skin", row) for row in raw["skin"]) + tuple(borrowed)
    factors = {
        name: tuple(
            FactorPiece(
                from_nm=float(piece["from_nm"]),
                to_nm=float(piece["to_nm"]),
                constant=float(piece["constant"]) if "constant" in piece else None,
                slope=float(piece.get("slope", 0.0)),
                offset_nm=float(piece.get("offset_nm", 0.0)),
                source=str(piece["source"]),
            )
            for piece in pieces
        )
        for name, pieces in raw["factors"].items()
    }
    apertures = {tissue: tuple(_aperture_row(row) for row in rows) for tissue, rows in raw["apertures"].items()}
    defaults = tuple(
        DefaultExposure(float(row["from_nm"]), float(row["to_nm"]), float(row["seconds"]), str(row["source"]))
        for row in raw["default_exposure"]
    )
    en207 = raw["en207"]
    scale_rows = tuple(
        ScaleRow(
            mode=str(row["mode"]),
            from_nm=float(row["from_nm"]),
            to_nm=float(row["to_nm"]),
            quantity=row["quantity"],
            coefficient=float(row["coefficient"]),
            shift=int(row["shift"]),
        )
        for row in en207["rows"]
    )
    return Tables(
        eye=eye,
        skin=skin,
        factors=factors,
        apertures=apertures,
        default_exposures=defaults,
        en207_rows=scale_rows,
        en207_source=str(en207["source"]),
        en207_window_s=float(en207["pulse_count_window_s"]),
        en207_window_source=str(en207["pulse_count_source"]),
        en207_mode_limits_s={key: float(value) for key, value in en207["mode_limits_s"].items()},
        sources=dict(raw["sources"]),
    )


def t1_seconds(wavelength_nm: float) -> float:
    """T1 of Directive 2006/25/EC Annex II Table 2.5: where the retinal photochemical limit overtakes the thermal one.

    10 s below 450 nm, 10 * 10^(0.02 (λ - 450)) s from 450 to 500 nm, 100 s above 500 nm.
    """
    if wavelength_nm < 450.0:
        return 10.0
    if wavelength_nm <= 500.0:
        return float(10.0 * 10.0 ** (0.02 * (wavelength_nm - 450.0)))
    return 100.0


def t2_seconds(alpha_mrad: float) -> float:
    """T2 of Directive 2006/25/EC Annex II Table 2.5: 10 s for α < 1.5 mrad, 10 * 10^((α - 1.5)/98.5) s to 100 mrad."""
    if alpha_mrad < 1.5:
        return 10.0
    if alpha_mrad <= 100.0:
        return float(10.0 * 10.0 ** ((alpha_mrad - 1.5) / 98.5))
    return 100.0


def beam_area_cm2(diameter_mm: float) -> float:
    return math.pi * (diameter_mm / 10.0) ** 2 / 4.0
