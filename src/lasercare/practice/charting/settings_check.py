"""A chart's settings against last time, the device's manual and clinic policy. Pure: no Django, so it is tested
directly and the chart form, its live check and the saved chart all say the same thing.

Values are Decimals (or None when not recorded). The device's limits and the clinic-policy ranges are passed in
as data; whose limit each is travels with it, so every warning can name it: a device manual's limit and a
practice's own policy are not the same kind of fact and are never presented as one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

DEVICE_MANUAL = "the device's manual"
NO_DEVICE_LIMITS = "This device has no limits on record: the settings were not checked against it."


def device_source(limits_source: str) -> str:
    """Whose the device's limits are, as a warning names them: the manual unless the device record says else
    (a manufacturer's 510(k) summary, or a clinic's example that is no manufacturer's figure)."""
    return f"the device's limits ({limits_source.strip()})" if limits_source.strip() else DEVICE_MANUAL


def is_policy(source: str) -> bool:
    return source.startswith("clinic policy")


@dataclass(frozen=True)
class SettingSpec:
    """One setting a chart records: its field name, label and unit (clinic.models.SETTINGS)."""

    name: str
    label: str
    unit: str


@dataclass(frozen=True)
class Limit:
    """A range one source allows for one setting; either end may be missing (nothing checked on that side)."""

    setting: str
    minimum: Decimal | None
    maximum: Decimal | None
    source: str  # "the device's manual", or "clinic policy for phototype IV: <note>"


@dataclass(frozen=True)
class Change:
    """A setting against the previous session on the same device."""

    setting: str
    label: str
    unit: str
    value: Decimal | None
    previous: Decimal | None
    difference: Decimal | None  # value - previous, when both were recorded
    direction: str  # up, down, same, new (not recorded last time), cleared (recorded last time, not now)


@dataclass(frozen=True)
class SettingWarning:
    """A setting outside a limit, or a wavelength the device does not emit."""

    setting: str
    label: str
    value: str
    limit: str
    bound: str  # minimum, maximum, or wavelength
    source: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "setting": self.setting,
            "label": self.label,
            "value": self.value,
            "limit": self.limit,
            "bound": self.bound,
            "source": self.source,
            "message": self.message,
        }


def number(value: Decimal | None) -> str:
    """A setting as people write it: 40, 0.35 (not 40.000 or 4E+1)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _with_unit(value: Decimal, unit: str) -> str:
    return f"{number(value)} {unit}".rstrip()


def policy_source(phototype: str, note: str) -> str:
    where = f"clinic policy for phototype {phototype}"
    return f"{where}: {note}" if note.strip() else where


def changes(
    specs: Sequence[SettingSpec],
    values: Mapping[str, Decimal | None],
    previous: Mapping[str, Decimal | None] | None,
) -> tuple[Change, ...]:
    """The change from last time for each setting recorded now or then. No previous session: no changes."""
    if previous is None:
        return ()
    found = []
    for spec in specs:
        now, then = values.get(spec.name), previous.get(spec.name)
        if now is None and then is None:
            continue
        difference = now - then if now is not None and then is not None else None
        if difference is None:
            direction = "new" if then is None else "cleared"
        else:
            direction = "up" if difference > 0 else "down" if difference < 0 else "same"
        found.append(Change(spec.name, spec.label, spec.unit, now, then, difference, direction))
    return tuple(found)


def warnings(
    specs: Sequence[SettingSpec],
    values: Mapping[str, Decimal | None],
    limits: Sequence[Limit],
    *,
    wavelength_nm: int | None,
    device_wavelengths: Sequence[int],
) -> tuple[SettingWarning, ...]:
    """Every setting outside a limit (the device's first, then clinic policy), and a wavelength the device
    does not emit. A setting not recorded is not checked: the manual may not apply to it (energy vs fluence)."""
    found: list[SettingWarning] = []
    if wavelength_nm is not None and device_wavelengths and wavelength_nm not in device_wavelengths:
        emits = ", ".join(str(w) for w in device_wavelengths)
        found.append(
            SettingWarning(
                setting="wavelength_nm",
                label="Wavelength",
                value=f"{wavelength_nm} nm",
                limit=f"{emits} nm",
                bound="wavelength",
                source=DEVICE_MANUAL,
                message=f"Wavelength {wavelength_nm} nm is not one of the device's ({emits} nm).",
            )
        )
    by_name = {spec.name: spec for spec in specs}
    ordered = sorted(limits, key=lambda limit: is_policy(limit.source))
    for spec in specs:
        value = values.get(spec.name)
        if value is None:
            continue
        for limit in ordered:
            if limit.setting != spec.name:
                continue
            for bound, edge, outside in (
                ("minimum", limit.minimum, limit.minimum is not None and value < limit.minimum),
                ("maximum", limit.maximum, limit.maximum is not None and value > limit.maximum),
            ):
                if not outside or edge is None:
                    continue
                unit = by_name[spec.name].unit
                side = "below" if bound == "minimum" else "above"
                found.append(
                    SettingWarning(
                        setting=spec.name,
                        label=spec.label,
                        value=_with_unit(value, unit),
                        limit=_with_unit(edge, unit),
                        bound=bound,
                        source=limit.source,
                        message=(
                            f"{spec.label} {_with_unit(value, unit)} is {side} {_with_unit(edge, unit)}, "
                            f"the {bound} in {limit.source}."
                        ),
                    )
                )
    return tuple(found)
