"""Plain dictionaries of the package's results, for JSON output."""

from __future__ import annotations

from typing import Any

from lasercare.lasersafety.eyewear import EyewearRequirement
from lasercare.lasersafety.inventory import CoverageReport
from lasercare.lasersafety.mpe import ExposureLimit, SingleExposureMpe


def _significant(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def limit_to_dict(limit: ExposureLimit) -> dict[str, Any]:
    return {
        "tissue": limit.tissue,
        "mpe_j_cm2": _significant(limit.radiant_exposure_j_cm2),
        "mpe_w_cm2": _significant(limit.irradiance_w_cm2),
        "hazard": limit.hazard,
        "rule": limit.rule,
        "rows_considered": list(limit.considered),
        "factors": {
            factor.name: {"value": _significant(factor.value), "source": factor.source} for factor in limit.factors
        },
        "limiting_aperture_mm": _significant(limit.aperture_mm),
        "limiting_aperture_rule": limit.aperture_rule,
        "simplifications": list(limit.simplifications),
    }


def mpe_to_dict(result: SingleExposureMpe) -> dict[str, Any]:
    return {
        "wavelength_nm": result.eye.wavelength_nm,
        "exposure_s": result.eye.exposure_s,
        "eye_mpe_j_cm2": _significant(result.eye.radiant_exposure_j_cm2),
        "eye_mpe_w_cm2": _significant(result.eye.irradiance_w_cm2),
        "skin_mpe_j_cm2": _significant(result.skin.radiant_exposure_j_cm2),
        "skin_mpe_w_cm2": _significant(result.skin.irradiance_w_cm2),
        "rule": {"eye": result.eye.rule, "skin": result.skin.rule},
        "eye": limit_to_dict(result.eye),
        "skin": limit_to_dict(result.skin),
        "note": "supports, and does not replace, the practice's laser safety officer (docs/laser-safety.md)",
    }


def requirement_to_dict(result: EyewearRequirement) -> dict[str, Any]:
    beam = result.beam
    return {
        "wavelength_nm": beam.wavelength_nm,
        "mode": result.mode,
        "beam": {
            "power_w": beam.power_w,
            "pulse_energy_j": beam.pulse_energy_j,
            "pulse_s": beam.pulse_s,
            "rep_hz": beam.rep_hz,
            "beam_mm": beam.beam_mm,
            "divergence_mrad": beam.divergence_mrad,
        },
        "exposure_s": result.exposure_s,
        "exposure_s_source": result.exposure_source,
        "pulses_in_exposure": _significant(result.pulses) if result.mode == "pulse train" else None,
        "eye_mpe_j_cm2": _significant(result.eye_mpe_j_cm2),
        "eye_mpe_w_cm2": None if result.eye_mpe_w_cm2 is None else _significant(result.eye_mpe_w_cm2),
        "od_required": round(result.od_required, 2),
        "od_rule": result.governing_rule,
        "rules": [
            {
                "rule": rule.rule,
                "exposure": _significant(rule.exposure),
                "limit": _significant(rule.limit),
                "unit": rule.unit,
                "od": round(rule.od, 2),
                "limit_rule": rule.limit_rule,
                "limiting_aperture_mm": _significant(rule.aperture_mm),
            }
            for rule in result.rules
        ],
        "l_number": result.l_number,
        "l_numbers": {
            scale.mode: {"scale_number": scale.scale_number, "density": _significant(scale.density), "unit": scale.unit}
            for scale in result.scale_numbers
        },
        "en207_marking": result.en207_marking,
        "nohd_m": None if result.nohd_m is None else round(result.nohd_m, 2),
        "nohd_note": result.nohd_note,
        "eye_mpe": limit_to_dict(result.eye_mpe),
        "simplifications": list(result.simplifications),
        "note": "supports, and does not replace, the practice's laser safety officer (docs/laser-safety.md)",
    }


def report_to_dict(report: CoverageReport) -> dict[str, Any]:
    items = []
    for item in report.items:
        entry: dict[str, Any] = {
            "device": item.device,
            "kind": item.kind,
            "wavelength_nm": item.wavelength_nm,
            "band_nm": list(item.band_nm) if item.band_nm else None,
            "covered": item.covered,
            "covered_by": list(item.covered_by),
            "problems": list(item.problems),
            "note": item.note,
        }
        if item.requirement is not None:
            entry["od_required"] = round(item.requirement.od_required, 2)
            entry["best_od"] = item.best_od
            entry["od_shortfall"] = None if item.od_shortfall is None else round(item.od_shortfall, 2)
            entry["l_number"] = item.requirement.l_number
            entry["en207_marking"] = item.requirement.en207_marking
            entry["nohd_m"] = None if item.requirement.nohd_m is None else round(item.requirement.nohd_m, 2)
            entry["requirement"] = requirement_to_dict(item.requirement)
        items.append(entry)
    return {"all_covered": report.all_covered, "items": items}
