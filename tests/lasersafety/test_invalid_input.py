"""Impossible inputs are refused with an error that names the field."""

from __future__ import annotations

import pytest

from lasercare.lasersafety import LaserBeam, SafetyInputError, exposure_limit, single_exposure_mpe


@pytest.mark.parametrize(
    ("wavelength_nm", "exposure_s", "field"),
    [
        (-532.0, 1.0, "wavelength_nm"),
        (0.0, 1.0, "wavelength_nm"),
        (150.0, 1.0, "wavelength_nm"),
        (2.0e6, 1.0, "wavelength_nm"),
        (float("nan"), 1.0, "wavelength_nm"),
        (532.0, 0.0, "exposure_s"),
        (532.0, -1.0, "exposure_s"),
        (532.0, 4.0e4, "exposure_s"),
        (532.0, float("inf"), "exposure_s"),
    ],
)
def test_an_impossible_wavelength_or_duration_is_refused(wavelength_nm: float, exposure_s: float, field: str) -> None:
    with pytest.raises(SafetyInputError) as caught:
        single_exposure_mpe(wavelength_nm, exposure_s)
    assert caught.value.field == field


def test_the_error_is_a_value_error_with_a_readable_message() -> None:
    with pytest.raises(ValueError, match=r"wavelength_nm: 150 nm is outside .* 180 nm to 1 mm"):
        exposure_limit("eye", 150.0, 1.0)


def test_both_power_and_pulse_energy_are_refused() -> None:
    with pytest.raises(SafetyInputError, match="not both"):
        LaserBeam(wavelength_nm=1064, beam_mm=4, power_w=1.0, pulse_energy_j=0.1, pulse_s=1e-8)


def test_neither_power_nor_pulse_energy_is_refused() -> None:
    with pytest.raises(SafetyInputError, match="not neither"):
        LaserBeam(wavelength_nm=1064, beam_mm=4)


def test_a_pulse_energy_without_a_pulse_duration_is_refused() -> None:
    with pytest.raises(SafetyInputError) as caught:
        LaserBeam(wavelength_nm=1064, beam_mm=4, pulse_energy_j=0.1)
    assert caught.value.field == "pulse_s"


@pytest.mark.parametrize("field", ["pulse_energy_j", "beam_mm"])
def test_a_zero_energy_or_beam_is_refused(field: str) -> None:
    values = {"wavelength_nm": 1064.0, "beam_mm": 4.0, "pulse_energy_j": 0.1, "pulse_s": 1e-8, field: 0.0}
    with pytest.raises(SafetyInputError) as caught:
        LaserBeam(**values)
    assert caught.value.field == field


def test_pulses_that_would_overlap_are_refused() -> None:
    with pytest.raises(SafetyInputError, match="overlap") as caught:
        LaserBeam(wavelength_nm=1064, beam_mm=4, pulse_energy_j=0.1, pulse_s=0.1, rep_hz=20)
    assert caught.value.field == "rep_hz"


def test_a_repetition_rate_on_a_continuous_laser_is_refused() -> None:
    with pytest.raises(SafetyInputError) as caught:
        LaserBeam(wavelength_nm=10600, beam_mm=2, power_w=30, rep_hz=10)
    assert caught.value.field == "rep_hz"
