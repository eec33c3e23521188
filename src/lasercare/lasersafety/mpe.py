"""Maximum permissible exposure for one exposure of the eye or the skin.

A result names the table row that set it, the correction factors with their sources, the limiting aperture, and
every simplification made on the way, so that a laser safety officer can check it against the standard by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lasercare.lasersafety.errors import SafetyInputError
from lasercare.lasersafety.tables import (
    MAX_EXPOSURE_S,
    MAX_WAVELENGTH_NM,
    MIN_WAVELENGTH_NM,
    LimitRow,
    Tissue,
    load_tables,
    t1_seconds,
    t2_seconds,
)

POINT_SOURCE = (
    "point source assumed (apparent source α ≤ 1.5 mrad, C_E = 1, T2 = 10 s): the direct or specularly reflected "
    "beam, the worst case; extended-source relaxation (Directive 2006/25/EC Table 2.5 C_E) is not applied"
)
SHORTEST_TABULATED = (
    "exposure shorter than 10^-13 s: the tables start at 100 fs, so the 100 fs row is used (its limit is a constant "
    "radiant exposure, or an irradiance times the duration, which only falls for shorter exposures)"
)


@dataclass(frozen=True, slots=True)
class CorrectionFactor:
    name: str
    value: float
    source: str


@dataclass(frozen=True, slots=True)
class ExposureLimit:
    """The MPE for one tissue, wavelength and exposure duration."""

    tissue: Tissue
    wavelength_nm: float
    exposure_s: float
    radiant_exposure_j_cm2: float
    hazard: str
    rule: str
    considered: tuple[str, ...]
    factors: tuple[CorrectionFactor, ...]
    aperture_mm: float
    aperture_rule: str
    simplifications: tuple[str, ...]

    @property
    def irradiance_w_cm2(self) -> float:
        """The same limit as a mean irradiance over the exposure."""
        return self.radiant_exposure_j_cm2 / self.exposure_s


@dataclass(frozen=True, slots=True)
class SingleExposureMpe:
    """`lasercare safety mpe`: the eye and skin limits for one exposure."""

    eye: ExposureLimit
    skin: ExposureLimit


def check_wavelength(wavelength_nm: float, field: str = "wavelength_nm") -> float:
    if isinstance(wavelength_nm, bool) or not isinstance(wavelength_nm, int | float):
        raise SafetyInputError(field, f"must be a number of nanometres, not {wavelength_nm!r}")
    if not math.isfinite(wavelength_nm) or wavelength_nm <= 0:
        raise SafetyInputError(field, f"must be a positive number of nanometres, not {wavelength_nm!r}")
    if not MIN_WAVELENGTH_NM <= wavelength_nm <= MAX_WAVELENGTH_NM:
        raise SafetyInputError(
            field,
            f"{wavelength_nm:g} nm is outside the laser safety tables, which cover 180 nm to 1 mm (1000000 nm)",
        )
    return float(wavelength_nm)


def check_positive(value: float, field: str, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SafetyInputError(field, f"must be a number ({unit}), not {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise SafetyInputError(field, f"must be greater than zero ({unit}), not {value!r}")
    return float(value)


def check_exposure(seconds: float, field: str = "exposure_s") -> float:
    seconds = check_positive(seconds, field, "seconds")
    if seconds > MAX_EXPOSURE_S:
        raise SafetyInputError(field, f"{seconds:g} s is longer than the 30000 s (8 h) the MPE tables cover")
    return seconds


def _factor_values(rows: tuple[LimitRow, ...], wavelength_nm: float) -> tuple[CorrectionFactor, ...]:
    tables = load_tables()
    names = sorted({name for row in rows for name in row.factors})
    found: list[CorrectionFactor] = []
    for name in names:
        looked_up = tables.factor(name, wavelength_nm)
        if looked_up is None:  # a row names a factor outside its band: a broken data file, not a user error
            raise LookupError(f"correction factor {name} is not defined at {wavelength_nm} nm")
        found.append(CorrectionFactor(name, looked_up[0], looked_up[1]))
    return tuple(found)


def _lowest_later_limit(
    tissue: Tissue, wavelength_nm: float, exposure_s: float, hazards: tuple[str, ...]
) -> tuple[float, float] | None:
    """The lowest limit at the start of any later duration band: where a table steps down at a band boundary.

    Within a row the limit grows with the duration; only a boundary can lower it (e.g. 400-700 nm at 10 s,
    18 x 10^0.75 = 101 J/m2 before and 10 W/m2 x 10 s = 100 J/m2 after).
    """
    tables = load_tables()
    lowest: tuple[float, float] | None = None
    boundaries = sorted(
        {
            row.from_s
            for row in (tables.eye if tissue == "eye" else tables.skin)
            if row.from_nm <= min(wavelength_nm, math.nextafter(MAX_WAVELENGTH_NM, 0.0)) < row.to_nm
            and row.from_s > exposure_s
        }
    )
    for boundary in boundaries:
        rows = tuple(row for row in tables.rows(tissue, wavelength_nm, boundary) if row.hazard in hazards)
        if not rows:
            continue
        known = {factor.name: factor.value for factor in _factor_values(rows, wavelength_nm)}
        limit = min(row.radiant_exposure_j_cm2(boundary, known) for row in rows)
        if lowest is None or limit < lowest[0]:
            lowest = (limit, boundary)
    return lowest


def exposure_limit(
    tissue: Tissue, wavelength_nm: float, exposure_s: float, hazards: tuple[str, ...] = ("thermal", "photochemical")
) -> ExposureLimit:
    """The MPE (as radiant exposure) for one exposure: the most restrictive of the rows that apply.

    `hazards` restricts the rows to thermal ones for the repetitive-pulse Rule 3, which applies to thermal limits only.
    """
    wavelength_nm = check_wavelength(wavelength_nm)
    exposure_s = check_exposure(exposure_s)
    tables = load_tables()
    simplifications = [POINT_SOURCE] if tissue == "eye" else []
    lookup_s = exposure_s
    if exposure_s < 1.0e-13:
        simplifications.append(SHORTEST_TABULATED)
    rows = tuple(row for row in tables.rows(tissue, wavelength_nm, lookup_s) if row.hazard in hazards)
    if not rows:
        raise LookupError(f"no {tissue} MPE row for {wavelength_nm} nm, {exposure_s} s, {hazards}")
    factors = _factor_values(rows, wavelength_nm)
    values = {factor.name: factor.value for factor in factors}
    limits = sorted(((row.radiant_exposure_j_cm2(exposure_s, values), row) for row in rows), key=lambda pair: pair[0])
    value, governing = limits[0]
    later = _lowest_later_limit(tissue, wavelength_nm, exposure_s, hazards)
    if later is not None and later[0] < value:
        value = later[0]
        simplifications.append(
            f"the tables' rounded coefficients step down at {later[1]:g} s (a longer exposure would be allowed "
            f"less); the lower value, {value:.4g} J/cm2, is used here so the limit never falls as exposure grows"
        )
    considered = tuple(f"{row.source} -> {limit:.3g} J/cm2" for limit, row in limits)
    if len(limits) > 1:
        simplifications.append(
            "more than one limit applies (thermal and photochemical): the most restrictive is used, as note a under "
            "Directive 2006/25/EC Tables 2.2 and 2.4 requires"
        )
    if tissue == "eye" and 400.0 <= wavelength_nm < 600.0 and exposure_s >= 10.0:
        # T1 is where the photochemical limit takes over from the thermal one; taking the lower of both rows above
        # makes that switch without a T1 test, so T1 is reported, not used.
        factors += (
            CorrectionFactor(
                "T1_s",
                t1_seconds(wavelength_nm),
                "Directive 2006/25/EC Annex II Table 2.5, T1 (reported: the lower of the thermal and photochemical "
                "rows switches at T1 by itself)",
            ),
        )
    if tissue == "eye" and 400.0 <= wavelength_nm < 1400.0:
        factors += (
            CorrectionFactor("C_E", 1.0, "Directive 2006/25/EC Annex II Table 2.5, C_E = 1 for α < α_min = 1.5 mrad"),
            CorrectionFactor(
                "T2_s", t2_seconds(0.0), "Directive 2006/25/EC Annex II Table 2.5, T2 = 10 s for α < 1.5 mrad"
            ),
        )
    aperture_mm, aperture_rule = tables.aperture(tissue, wavelength_nm, exposure_s)
    return ExposureLimit(
        tissue=tissue,
        wavelength_nm=wavelength_nm,
        exposure_s=exposure_s,
        radiant_exposure_j_cm2=value,
        hazard=governing.hazard,
        rule=governing.source,
        considered=considered,
        factors=factors,
        aperture_mm=aperture_mm,
        aperture_rule=aperture_rule,
        simplifications=tuple(simplifications),
    )


def single_exposure_mpe(wavelength_nm: float, exposure_s: float) -> SingleExposureMpe:
    """The eye and skin MPE for one exposure of `exposure_s` seconds at `wavelength_nm`."""
    return SingleExposureMpe(
        eye=exposure_limit("eye", wavelength_nm, exposure_s),
        skin=exposure_limit("skin", wavelength_nm, exposure_s),
    )
