"""Required eyewear optical density, EN 207 scale numbers and the nominal ocular hazard distance for a laser beam.

OD = log10(exposure / MPE) (ANSI Z136.1; OSHA Technical Manual Section III Chapter 6), with the exposure averaged
over the limiting aperture, or over the beam when the beam is larger. Pulsed beams are checked against the three
repetitive-pulse rules and the most restrictive sets the OD.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import product
from typing import Literal

from lasercare.lasersafety.errors import SafetyInputError
from lasercare.lasersafety.mpe import (
    ExposureLimit,
    check_exposure,
    check_positive,
    check_wavelength,
    exposure_limit,
)
from lasercare.lasersafety.tables import beam_area_cm2, load_tables

Mode = Literal["continuous", "single pulse", "pulse train"]

TOP_HAT = (
    "beam taken as uniform (top-hat) over the given diameter; for a Gaussian beam give the 1/e diameter (the ANSI "
    "convention), over which the mean equals the peak radiant exposure"
)
AT_APERTURE = "exposure evaluated at the laser aperture or handpiece tip, where the beam is smallest (worst case)"
APERTURE_AVERAGING = (
    "exposure averaged over the limiting aperture, or over the beam when the beam is larger; aperture-stop "
    "measurement losses are not modelled"
)
RULE3_REGION = (
    "Rule 3 (C_P = n^-0.25) applied to thermal limits in the retinal hazard region 400-1400 nm only, following "
    "ANSI Z136.1-2014; Directive 2006/25/EC Table 2.6 applies it to every thermal limit"
)
NO_TMIN_GROUPING = (
    "every pulse counted in Rule 3: pulses closer together than T_min (Directive 2006/25/EC Table 2.6) are not "
    "merged into one, and no cap on n is applied"
)
NOHD_FORMULA = (
    "NOHD = (1/φ)(sqrt(4Φ/(π MPE)) - a) (ANSI Z136.1 hazard evaluation; OSHA Technical Manual Section III "
    "Chapter 6): beam mean over its own area, no aperture averaging, no atmospheric loss; a fibre or handpiece "
    "uses its full divergence angle (2 asin NA)"
)
EN207_DIAMETER = "EN 207 densities use the beam diameter at the aperture with no minimum area"


@dataclass(frozen=True, slots=True)
class LaserBeam:
    """A laser's output: continuous power, or pulse energy and duration (with a repetition rate for a train)."""

    wavelength_nm: float
    beam_mm: float
    power_w: float | None = None
    pulse_energy_j: float | None = None
    pulse_s: float | None = None
    rep_hz: float | None = None
    divergence_mrad: float | None = None
    exposure_s: float | None = None

    def __post_init__(self) -> None:
        check_wavelength(self.wavelength_nm, "wavelength_nm")
        check_positive(self.beam_mm, "beam_mm", "millimetres")
        if (self.power_w is None) == (self.pulse_energy_j is None):
            raise SafetyInputError(
                "power_w/pulse_energy_j",
                "give either the continuous power or the pulse energy (with the pulse duration), not "
                + ("both" if self.power_w is not None else "neither"),
            )
        if self.power_w is not None:
            check_positive(self.power_w, "power_w", "watts")
            for field in ("pulse_s", "rep_hz"):
                if getattr(self, field) is not None:
                    raise SafetyInputError(field, "applies to a pulsed laser; a continuous laser is given by its power")
        else:
            check_positive(self.pulse_energy_j, "pulse_energy_j", "joules")  # type: ignore[arg-type]
            if self.pulse_s is None:
                raise SafetyInputError("pulse_s", "a pulsed laser needs its pulse duration")
            check_exposure(self.pulse_s, "pulse_s")
            if self.rep_hz is not None:
                check_positive(self.rep_hz, "rep_hz", "pulses per second")
                if self.rep_hz * self.pulse_s >= 1.0:
                    raise SafetyInputError(
                        "rep_hz",
                        f"pulses of {self.pulse_s:g} s at {self.rep_hz:g} Hz would overlap (duty cycle "
                        f"{self.rep_hz * self.pulse_s:g} >= 1); give the average power as a continuous laser instead",
                    )
        if self.divergence_mrad is not None:
            check_positive(self.divergence_mrad, "divergence_mrad", "milliradians")
            if self.divergence_mrad >= 2000.0 * math.pi:
                raise SafetyInputError("divergence_mrad", f"{self.divergence_mrad:g} mrad is more than a full turn")
        if self.exposure_s is not None:
            check_exposure(self.exposure_s, "exposure_s")


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule's comparison: the beam's exposure against the limit it must stay under."""

    rule: str
    exposure: float
    limit: float
    unit: str
    od: float
    limit_rule: str
    aperture_mm: float
    hazard_quantity: float  # energy (J) or power (W) the limit applies to, for the NOHD
    hazard_limit_per_cm2: float


@dataclass(frozen=True, slots=True)
class ScaleNumber:
    """EN 207 protection level for one laser mode (D, I, R or M)."""

    mode: str
    density: float
    unit: str
    scale_number: int


@dataclass(frozen=True, slots=True)
class EyewearRequirement:
    """What eyewear a beam needs, and why."""

    beam: LaserBeam
    mode: Mode
    exposure_s: float
    exposure_source: str
    pulses: float
    eye_mpe: ExposureLimit
    eye_mpe_j_cm2: float
    eye_mpe_w_cm2: float | None
    rules: tuple[RuleOutcome, ...]
    governing_rule: str
    od_required: float
    scale_numbers: tuple[ScaleNumber, ...]
    l_number: int
    en207_marking: str
    nohd_m: float | None
    nohd_note: str
    simplifications: tuple[str, ...]


def _od(exposure: float, limit: float) -> float:
    return math.log10(exposure / limit)


def _averaging_area(beam_mm: float, aperture_mm: float) -> float:
    return beam_area_cm2(max(beam_mm, aperture_mm))


def _continuous(beam: LaserBeam, exposure_s: float) -> tuple[ExposureLimit, list[RuleOutcome]]:
    assert beam.power_w is not None
    limit = exposure_limit("eye", beam.wavelength_nm, exposure_s)
    irradiance = beam.power_w / _averaging_area(beam.beam_mm, limit.aperture_mm)
    outcome = RuleOutcome(
        rule=f"continuous exposure for {exposure_s:g} s",
        exposure=irradiance,
        limit=limit.irradiance_w_cm2,
        unit="W/cm2",
        od=_od(irradiance, limit.irradiance_w_cm2),
        limit_rule=limit.rule,
        aperture_mm=limit.aperture_mm,
        hazard_quantity=beam.power_w,
        hazard_limit_per_cm2=limit.irradiance_w_cm2,
    )
    return limit, [outcome]


def _pulsed(beam: LaserBeam, exposure_s: float) -> tuple[ExposureLimit, list[RuleOutcome], float]:
    assert beam.pulse_energy_j is not None and beam.pulse_s is not None
    energy, tau = beam.pulse_energy_j, beam.pulse_s
    single = exposure_limit("eye", beam.wavelength_nm, tau)
    per_pulse = energy / _averaging_area(beam.beam_mm, single.aperture_mm)
    outcomes = [
        RuleOutcome(
            rule="Rule 1: any single pulse against the MPE for one pulse of its duration",
            exposure=per_pulse,
            limit=single.radiant_exposure_j_cm2,
            unit="J/cm2",
            od=_od(per_pulse, single.radiant_exposure_j_cm2),
            limit_rule=single.rule,
            aperture_mm=single.aperture_mm,
            hazard_quantity=energy,
            hazard_limit_per_cm2=single.radiant_exposure_j_cm2,
        )
    ]
    if beam.rep_hz is None:
        return single, outcomes, 1.0
    # A train shorter than one pulse period is one pulse; otherwise ANSI counts n = F * T pulses.
    pulses = max(1.0, beam.rep_hz * exposure_s)
    train = exposure_limit("eye", beam.wavelength_nm, exposure_s)
    average = energy * beam.rep_hz / _averaging_area(beam.beam_mm, train.aperture_mm)
    outcomes.append(
        RuleOutcome(
            rule=f"Rule 2: the average power of the train over {exposure_s:g} s against the MPE for that duration",
            exposure=average,
            limit=train.irradiance_w_cm2,
            unit="W/cm2",
            od=_od(average, train.irradiance_w_cm2),
            limit_rule=train.rule,
            aperture_mm=train.aperture_mm,
            hazard_quantity=energy * beam.rep_hz,
            hazard_limit_per_cm2=train.irradiance_w_cm2,
        )
    )
    if 400.0 <= beam.wavelength_nm < 1400.0:
        thermal = exposure_limit("eye", beam.wavelength_nm, tau, hazards=("thermal",))
        reduced = thermal.radiant_exposure_j_cm2 * pulses**-0.25
        outcomes.append(
            RuleOutcome(
                rule=f"Rule 3: each pulse against the single-pulse thermal MPE x C_P, C_P = n^-0.25 with n = "
                f"{pulses:g} (ANSI Z136.1-2014)",
                exposure=per_pulse,
                limit=reduced,
                unit="J/cm2",
                od=_od(per_pulse, reduced),
                limit_rule=thermal.rule,
                aperture_mm=thermal.aperture_mm,
                hazard_quantity=energy,
                hazard_limit_per_cm2=reduced,
            )
        )
    return single, outcomes, pulses


def _scale_number(density: float, coefficient: float, shift: int) -> int:
    # The smallest n with density <= coefficient * 10^(n + shift); the tolerance keeps an exact table value at its n.
    return max(0, math.ceil(math.log10(density / coefficient) - shift - 1e-9))


def _scale_numbers(beam: LaserBeam) -> tuple[ScaleNumber, ...]:
    tables = load_tables()
    area_m2 = beam_area_cm2(beam.beam_mm) * 1.0e-4
    rows = [row for row in tables.en207_rows if row.from_nm <= beam.wavelength_nm < row.to_nm]
    by_mode = {row.mode: row for row in rows}
    if beam.wavelength_nm == 1.0e6:  # the last band's upper end is inclusive
        by_mode = {row.mode: row for row in tables.en207_rows if row.to_nm == 1.0e6}
    found: list[ScaleNumber] = []
    if beam.power_w is not None or beam.rep_hz is not None:
        average_w = beam.power_w if beam.power_w is not None else beam.pulse_energy_j * beam.rep_hz  # type: ignore[operator]
        row = by_mode["D"]
        density = average_w / area_m2
        found.append(ScaleNumber("D", density, "W/m2", _scale_number(density, row.coefficient, row.shift)))
    if beam.pulse_energy_j is not None and beam.pulse_s is not None:
        limits = tables.en207_mode_limits_s
        tau = beam.pulse_s
        mode = "M" if tau < limits["M"] else "R" if tau <= limits["R"] else "I" if tau <= limits["I"] else "D"
        if mode == "D":
            # A pulse longer than 0.25 s counts as continuous under EN 207: its power is energy over duration.
            row = by_mode["D"]
            density = beam.pulse_energy_j / tau / area_m2
            found.append(ScaleNumber("D", density, "W/m2", _scale_number(density, row.coefficient, row.shift)))
        else:
            row = by_mode["M" if mode == "M" else "IR"]
            if row.quantity == "E_peak":
                density, unit = beam.pulse_energy_j / tau / area_m2, "W/m2"
            else:
                density, unit = beam.pulse_energy_j / area_m2, "J/m2"
                if 400.0 <= beam.wavelength_nm <= 1400.0 and beam.rep_hz is not None:
                    density *= max(1.0, beam.rep_hz * tables.en207_window_s) ** 0.25
            found.append(ScaleNumber(mode, density, unit, _scale_number(density, row.coefficient, row.shift)))
    merged: dict[str, ScaleNumber] = {}
    for scale in found:
        if scale.mode not in merged or scale.scale_number > merged[scale.mode].scale_number:
            merged[scale.mode] = scale
    return tuple(merged.values())


def _marking(wavelength_nm: float, scales: tuple[ScaleNumber, ...]) -> str:
    parts = [f"{scale.mode} LB{scale.scale_number}" for scale in scales if scale.scale_number > 0]
    if not parts:
        return f"{wavelength_nm:g} nm: no EN 207 scale number needed at the aperture"
    return f"{wavelength_nm:g} " + " + ".join(parts)


def _nohd(beam: LaserBeam, rules: list[RuleOutcome]) -> tuple[float | None, str]:
    if beam.divergence_mrad is None:
        return None, (
            "no divergence given: the NOHD cannot be computed; a collimated beam stays hazardous along its whole path"
        )
    phi_rad = beam.divergence_mrad / 1000.0
    a_cm = beam.beam_mm / 10.0
    distances = []
    for rule in rules:
        hazard_diameter_cm = math.sqrt(4.0 * rule.hazard_quantity / (math.pi * rule.hazard_limit_per_cm2))
        distances.append(max(0.0, (hazard_diameter_cm - a_cm) / phi_rad) / 100.0)
    return max(distances), NOHD_FORMULA


def eyewear_requirement(beam: LaserBeam) -> EyewearRequirement:
    """The OD, EN 207 scale numbers and NOHD a beam calls for, with the rule that set each."""
    tables = load_tables()
    if beam.exposure_s is not None:
        exposure_s = beam.exposure_s
        exposure_source = "given"
    else:
        default = tables.default_exposure(beam.wavelength_nm)
        exposure_s, exposure_source = default.seconds, f"default: {default.source}"
    simplifications = [TOP_HAT, AT_APERTURE, APERTURE_AVERAGING]
    if beam.power_w is not None:
        limit, rules = _continuous(beam, exposure_s)
        mode: Mode = "continuous"
        pulses = 0.0
        mpe_w: float | None = limit.irradiance_w_cm2
    else:
        limit, rules, pulses = _pulsed(beam, exposure_s)
        mode = "single pulse" if beam.rep_hz is None else "pulse train"
        mpe_w = None
        if beam.rep_hz is not None:
            simplifications += [RULE3_REGION, NO_TMIN_GROUPING] if 400 <= beam.wavelength_nm < 1400 else []
    governing = max(rules, key=lambda rule: rule.od)
    # The per-pulse MPE of a train is the lowest of what the three rules allow one pulse.
    mpe_j = limit.radiant_exposure_j_cm2
    if mode == "pulse train":
        assert beam.rep_hz is not None
        per_pulse_limits = [rule.limit / beam.rep_hz if rule.unit == "W/cm2" else rule.limit for rule in rules]
        mpe_j = min(per_pulse_limits)
    scales = _scale_numbers(beam)
    simplifications.append(EN207_DIAMETER)
    nohd_m, nohd_note = _nohd(beam, rules)
    simplifications += list(limit.simplifications)
    return EyewearRequirement(
        beam=beam,
        mode=mode,
        exposure_s=exposure_s,
        exposure_source=exposure_source,
        pulses=pulses,
        eye_mpe=limit,
        eye_mpe_j_cm2=mpe_j,
        eye_mpe_w_cm2=mpe_w,
        rules=tuple(rules),
        governing_rule=governing.rule,
        od_required=max(0.0, governing.od),
        scale_numbers=scales,
        l_number=max((scale.scale_number for scale in scales), default=0),
        en207_marking=_marking(beam.wavelength_nm, scales),
        nohd_m=nohd_m,
        nohd_note=nohd_note,
        simplifications=tuple(dict.fromkeys(simplifications)),
    )


@dataclass(frozen=True, slots=True)
class SettingsRange:
    """A device's adjustable settings for one wavelength: every listed value of each setting may be used."""

    wavelength_nm: float
    beam_mm: tuple[float, ...]
    power_w: tuple[float, ...] = ()
    pulse_energy_j: tuple[float, ...] = ()
    pulse_s: tuple[float, ...] = ()
    rep_hz: tuple[float, ...] = ()
    divergence_mrad: float | None = None
    exposure_s: float | None = None


WORST_CASE = (
    "worst case over the settings range: every combination of the listed values (or of each range's two ends) is "
    "evaluated and the highest OD, scale number and NOHD are kept; between listed values the OD is assumed not to "
    "exceed its value at the ends"
)


def worst_case(settings: SettingsRange) -> tuple[EyewearRequirement, tuple[EyewearRequirement, ...]]:
    """The most demanding requirement over a device's settings, and every requirement evaluated."""
    base = LaserBeam(
        wavelength_nm=settings.wavelength_nm,
        beam_mm=settings.beam_mm[0] if settings.beam_mm else 0.0,
        power_w=settings.power_w[0] if settings.power_w else None,
        pulse_energy_j=settings.pulse_energy_j[0] if settings.pulse_energy_j else None,
        pulse_s=settings.pulse_s[0] if settings.pulse_s else None,
        rep_hz=settings.rep_hz[0] if settings.rep_hz else None,
        divergence_mrad=settings.divergence_mrad,
        exposure_s=settings.exposure_s,
    )
    if settings.power_w:
        beams = [replace(base, power_w=p, beam_mm=d) for p, d in product(settings.power_w, settings.beam_mm)]
    else:
        beams = []
        for energy, tau, diameter, rate in product(
            settings.pulse_energy_j, settings.pulse_s, settings.beam_mm, settings.rep_hz or (None,)
        ):
            if rate is not None and rate * tau >= 1.0:
                continue  # a combination the device cannot produce (overlapping pulses)
            beams.append(replace(base, pulse_energy_j=energy, pulse_s=tau, beam_mm=diameter, rep_hz=rate))
        if not beams:
            raise SafetyInputError("rep_hz", "every combination of pulse duration and rate makes pulses overlap")
    results = tuple(eyewear_requirement(beam) for beam in beams)
    worst = max(results, key=lambda result: (result.od_required, result.l_number, result.nohd_m or 0.0))
    highest_nohd = max((result.nohd_m for result in results if result.nohd_m is not None), default=None)
    highest_l = max(result.l_number for result in results)
    worst = replace(
        worst,
        nohd_m=highest_nohd,
        l_number=highest_l,
        scale_numbers=_max_scales(results),
        simplifications=(*worst.simplifications, WORST_CASE),
    )
    worst = replace(worst, en207_marking=_marking(settings.wavelength_nm, worst.scale_numbers))
    return worst, results


def _max_scales(results: tuple[EyewearRequirement, ...]) -> tuple[ScaleNumber, ...]:
    merged: dict[str, ScaleNumber] = {}
    for result in results:
        for scale in result.scale_numbers:
            if scale.mode not in merged or scale.scale_number > merged[scale.mode].scale_number:
                merged[scale.mode] = scale
    return tuple(merged[mode] for mode in ("D", "I", "R", "M") if mode in merged)
