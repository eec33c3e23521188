"""`lasercare safety check`: a practice's devices against its eyewear inventory.

Both files are plain documents (TOML or JSON, read by the caller); this module validates them into frozen values,
works out each laser wavelength's worst-case requirement, and says which eyewear covers it. IPL devices are not
lasers: no MPE is computed for them; they are covered only by eyewear or filters whose manufacturer rates them for
the IPL's band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lasercare.lasersafety.errors import SafetyInputError
from lasercare.lasersafety.eyewear import EyewearRequirement, SettingsRange, worst_case
from lasercare.lasersafety.mpe import check_positive, check_wavelength

IPL_NOTE = (
    "IPL is not a laser: lasercare computes no MPE or OD for it and relies on the filter rating its manufacturer "
    "gives for the IPL's band"
)
MODES = ("D", "I", "R", "M")


@dataclass(frozen=True, slots=True)
class LaserDevice:
    name: str
    beams: tuple[SettingsRange, ...]


@dataclass(frozen=True, slots=True)
class IplDevice:
    name: str
    band_nm: tuple[float, float]


@dataclass(frozen=True, slots=True)
class OdRating:
    from_nm: float
    to_nm: float
    od: float
    lb: dict[str, int]


@dataclass(frozen=True, slots=True)
class IplRating:
    from_nm: float
    to_nm: float
    manufacturer_rating: str


@dataclass(frozen=True, slots=True)
class Eyewear:
    name: str
    ratings: tuple[OdRating, ...]
    ipl_ratings: tuple[IplRating, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether one device wavelength (or one IPL band) is covered, by what, and by how much it falls short."""

    device: str
    kind: str
    wavelength_nm: float | None
    band_nm: tuple[float, float] | None
    covered: bool
    covered_by: tuple[str, ...]
    requirement: EyewearRequirement | None
    best_od: float | None
    od_shortfall: float | None
    problems: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class CoverageReport:
    items: tuple[Coverage, ...]

    @property
    def all_covered(self) -> bool:
        return all(item.covered for item in self.items)


def _list(document: Any, key: str, where: str) -> list[Any]:
    if not isinstance(document, dict):
        raise SafetyInputError(where or "file", "must be a table (TOML) or an object (JSON)")
    value = document.get(key)
    if not isinstance(value, list) or not value:
        raise SafetyInputError(f"{where}{key}", "must be a non-empty list")
    return value


def _name(entry: dict[str, Any], where: str) -> str:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SafetyInputError(f"{where}.name", "is required (a non-empty text)")
    return name.strip()


def _numbers(entry: dict[str, Any], key: str, where: str, unit: str) -> tuple[float, ...]:
    value = entry.get(key)
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not values:
        raise SafetyInputError(f"{where}.{key}", "is an empty list")
    return tuple(check_positive(item, f"{where}.{key}", unit) for item in values)


def _band(value: Any, field: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise SafetyInputError(field, "must be [shortest_nm, longest_nm]")
    low, high = (check_wavelength(item, field) for item in value)
    if low > high:
        raise SafetyInputError(field, f"{low:g} nm is longer than {high:g} nm")
    return low, high


def _beam(entry: Any, where: str) -> SettingsRange:
    if not isinstance(entry, dict):
        raise SafetyInputError(where, "must be a table of settings")
    wavelength = check_wavelength(entry.get("wavelength_nm"), f"{where}.wavelength_nm")  # type: ignore[arg-type]
    power = _numbers(entry, "power_w", where, "watts")
    energy = _numbers(entry, "pulse_energy_j", where, "joules")
    if bool(power) == bool(energy):
        raise SafetyInputError(
            f"{where}.power_w/pulse_energy_j",
            "give either power_w (continuous) or pulse_energy_j with pulse_s (pulsed), not "
            + ("both" if power else "neither"),
        )
    pulse_s = _numbers(entry, "pulse_s", where, "seconds")
    if energy and not pulse_s:
        raise SafetyInputError(f"{where}.pulse_s", "a pulsed laser needs its pulse duration")
    beam_mm = _numbers(entry, "beam_mm", where, "millimetres")
    if not beam_mm:
        raise SafetyInputError(f"{where}.beam_mm", "is required: the beam diameter at the aperture or tip")
    divergence = entry.get("divergence_mrad")
    aperture = entry.get("numerical_aperture")
    if divergence is not None and aperture is not None:
        raise SafetyInputError(f"{where}.divergence_mrad", "give the divergence or the numerical aperture, not both")
    if aperture is not None:
        check_positive(aperture, f"{where}.numerical_aperture", "sine of the half-angle")
        if aperture >= 1.0:
            raise SafetyInputError(f"{where}.numerical_aperture", f"{aperture!r} must be below 1 in air")
        # A fibre's numerical aperture is the sine of its half-angle: the full divergence is twice the angle.
        divergence = 2000.0 * math.asin(aperture)
    elif divergence is not None:
        divergence = check_positive(divergence, f"{where}.divergence_mrad", "milliradians")
    exposure = entry.get("exposure_s")
    if exposure is not None:
        exposure = check_positive(exposure, f"{where}.exposure_s", "seconds")
    return SettingsRange(
        wavelength_nm=wavelength,
        beam_mm=beam_mm,
        power_w=power,
        pulse_energy_j=energy,
        pulse_s=pulse_s,
        rep_hz=_numbers(entry, "rep_hz", where, "pulses per second"),
        divergence_mrad=divergence,
        exposure_s=exposure,
    )


def read_devices(document: Any) -> tuple[LaserDevice | IplDevice, ...]:
    """The devices of a devices file (a `device` list), validated."""
    devices: list[LaserDevice | IplDevice] = []
    for index, entry in enumerate(_list(document, "device", "")):
        where = f"device[{index}]"
        if not isinstance(entry, dict):
            raise SafetyInputError(where, "must be a table")
        name = _name(entry, where)
        kind = entry.get("kind", "laser")
        if kind == "ipl":
            devices.append(IplDevice(name, _band(entry.get("band_nm"), f"{where}.band_nm")))
        elif kind == "laser":
            beams = tuple(
                _beam(beam, f"{where}.beam[{number}]") for number, beam in enumerate(_list(entry, "beam", f"{where}."))
            )
            devices.append(LaserDevice(name, beams))
        else:
            raise SafetyInputError(f"{where}.kind", f"{kind!r} is not one of: laser, ipl")
    return tuple(devices)


def read_eyewear(document: Any) -> tuple[Eyewear, ...]:
    """The eyewear of an inventory file (an `eyewear` list), validated."""
    items: list[Eyewear] = []
    for index, entry in enumerate(_list(document, "eyewear", "")):
        where = f"eyewear[{index}]"
        if not isinstance(entry, dict):
            raise SafetyInputError(where, "must be a table")
        name = _name(entry, where)
        ratings: list[OdRating] = []
        for number, rating in enumerate(entry.get("rating", [])):
            field = f"{where}.rating[{number}]"
            if not isinstance(rating, dict):
                raise SafetyInputError(field, "must be a table with from_nm, to_nm and od")
            low, high = _band([rating.get("from_nm"), rating.get("to_nm")], f"{field}.from_nm/to_nm")
            od = rating.get("od")
            if isinstance(od, bool) or not isinstance(od, int | float) or not math.isfinite(od) or od < 0:
                raise SafetyInputError(f"{field}.od", f"must be an optical density of 0 or more, not {od!r}")
            lb = rating.get("lb", {})
            if not isinstance(lb, dict) or any(mode not in MODES for mode in lb):
                raise SafetyInputError(f"{field}.lb", "must map EN 207 modes D, I, R, M to scale numbers")
            for mode, number_ in lb.items():
                if isinstance(number_, bool) or not isinstance(number_, int) or not 1 <= number_ <= 10:
                    raise SafetyInputError(f"{field}.lb.{mode}", f"must be a scale number 1 to 10, not {number_!r}")
            ratings.append(OdRating(low, high, float(od), dict(lb)))
        ipl: list[IplRating] = []
        for number, rating in enumerate(entry.get("ipl_rating", [])):
            field = f"{where}.ipl_rating[{number}]"
            if not isinstance(rating, dict):
                raise SafetyInputError(field, "must be a table with from_nm, to_nm and manufacturer_rating")
            low, high = _band([rating.get("from_nm"), rating.get("to_nm")], f"{field}.from_nm/to_nm")
            text = rating.get("manufacturer_rating")
            if not isinstance(text, str) or not text.strip():
                raise SafetyInputError(
                    f"{field}.manufacturer_rating", "is required: the rating its manufacturer gives for IPL use"
                )
            ipl.append(IplRating(low, high, text.strip()))
        if not ratings and not ipl:
            raise SafetyInputError(where, "has no rating and no ipl_rating: it protects against nothing on record")
        items.append(Eyewear(name, tuple(ratings), tuple(ipl)))
    return tuple(items)


def _laser_coverage(device: str, requirement: EyewearRequirement, eyewear: tuple[Eyewear, ...]) -> Coverage:
    wavelength = requirement.beam.wavelength_nm
    needed_od = requirement.od_required
    covered_by: list[str] = []
    best_od: float | None = None
    problems: list[str] = []
    for item in eyewear:
        for rating in item.ratings:
            if not rating.from_nm <= wavelength <= rating.to_nm:
                continue
            best_od = rating.od if best_od is None else max(best_od, rating.od)
            missing = []
            if rating.lb:
                for scale in requirement.scale_numbers:
                    have = rating.lb.get(scale.mode, 0)
                    if scale.scale_number > have:
                        missing.append(f"{scale.mode} LB{scale.scale_number} needed, has {scale.mode} LB{have}")
            if rating.od + 1e-9 >= needed_od and not missing:
                covered_by.append(item.name)
                break
            if missing:
                problems.append(f"{item.name}: " + "; ".join(missing))
    covered = bool(covered_by)
    shortfall = None if covered else max(0.0, needed_od - (best_od or 0.0))
    if not covered and best_od is None:
        problems.append(f"no eyewear in the inventory is rated at {wavelength:g} nm")
    elif not covered and shortfall is not None and shortfall > 0:
        problems.append(
            f"best OD at {wavelength:g} nm is {best_od:g}; {needed_od:.2f} needed (short by {shortfall:.2f})"
        )
    unmarked = [
        item.name
        for item in eyewear
        for rating in item.ratings
        if rating.from_nm <= wavelength <= rating.to_nm and not rating.lb
    ]
    note = f"checked by OD only (no EN 207 marking on record): {', '.join(unmarked)}" if unmarked else ""
    return Coverage(
        device=device,
        kind="laser",
        wavelength_nm=wavelength,
        band_nm=None,
        covered=covered,
        covered_by=tuple(covered_by),
        requirement=requirement,
        best_od=best_od,
        od_shortfall=shortfall,
        problems=tuple(problems),
        note=note,
    )


def _ipl_coverage(device: IplDevice, eyewear: tuple[Eyewear, ...]) -> Coverage:
    low, high = device.band_nm
    covered_by = tuple(
        f"{item.name} ({rating.manufacturer_rating})"
        for item in eyewear
        for rating in item.ipl_ratings
        if rating.from_nm <= low and high <= rating.to_nm
    )
    problems = () if covered_by else (f"no eyewear carries a manufacturer's IPL rating for {low:g}-{high:g} nm",)
    return Coverage(
        device=device.name,
        kind="ipl",
        wavelength_nm=None,
        band_nm=device.band_nm,
        covered=bool(covered_by),
        covered_by=covered_by,
        requirement=None,
        best_od=None,
        od_shortfall=None,
        problems=problems,
        note=IPL_NOTE,
    )


def check_inventory(devices: tuple[LaserDevice | IplDevice, ...], eyewear: tuple[Eyewear, ...]) -> CoverageReport:
    """Every device wavelength (worst case over its settings) and IPL band against the eyewear inventory."""
    items: list[Coverage] = []
    for device in devices:
        if isinstance(device, IplDevice):
            items.append(_ipl_coverage(device, eyewear))
            continue
        for index, settings in enumerate(device.beams):
            try:
                requirement, _ = worst_case(settings)
            except SafetyInputError as error:
                raise SafetyInputError(f"{device.name} beam[{index}].{error.field}", error.problem) from None
            items.append(_laser_coverage(device.name, requirement, eyewear))
    return CoverageReport(tuple(items))
