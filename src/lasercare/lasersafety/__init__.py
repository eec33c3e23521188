"""Optical-radiation safety for laser devices: exposure limits, eyewear optical density, hazard distance.

Pure: standard library only, frozen values in and out. The limits come from data/mpe.toml, where every row names
the table and row of its source. See docs/laser-safety.md for what is computed, from which tables, and its limits;
it supports, and does not replace, the practice's laser safety officer.
"""

from __future__ import annotations

from lasercare.lasersafety.errors import SafetyInputError
from lasercare.lasersafety.eyewear import (
    EyewearRequirement,
    LaserBeam,
    RuleOutcome,
    ScaleNumber,
    SettingsRange,
    eyewear_requirement,
    worst_case,
)
from lasercare.lasersafety.mpe import ExposureLimit, SingleExposureMpe, exposure_limit, single_exposure_mpe

__all__ = [
    "ExposureLimit",
    "EyewearRequirement",
    "LaserBeam",
    "RuleOutcome",
    "SafetyInputError",
    "ScaleNumber",
    "SettingsRange",
    "SingleExposureMpe",
    "exposure_limit",
    "eyewear_requirement",
    "single_exposure_mpe",
    "worst_case",
]
