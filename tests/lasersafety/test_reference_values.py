"""Reference values from worked examples in public sources; each test names its source."""

from __future__ import annotations

import math

import pytest

from lasercare.lasersafety import LaserBeam, exposure_limit, eyewear_requirement, single_exposure_mpe


def _energy_for_radiant_exposure(j_cm2: float, diameter_mm: float) -> float:
    return j_cm2 * math.pi * (diameter_mm / 10.0) ** 2 / 4.0


def test_a_one_nanosecond_1064_nm_pulse_has_an_eye_mpe_of_5_microjoules_per_cm2() -> None:
    """Fundamentals of Medical/Aesthetic Lasers and IPLs, ch. 1, 'Optical Density' (flipbuilder page 111):
    'a 1 nanosecond pulse at 1064 nm has an ocular MPE of 5 x 10-6 J/cm2'."""
    assert exposure_limit("eye", 1064, 1e-9).radiant_exposure_j_cm2 == pytest.approx(5e-6)


def test_12_5_j_per_cm2_of_one_nanosecond_1064_nm_pulse_needs_od_6_4() -> None:
    """Fundamentals of Medical/Aesthetic Lasers and IPLs, ch. 1 (flipbuilder pages 111-112): 10 J/cm2 plus a 25 %
    buffer, 12.5 J/cm2, at 1064 nm and 1 ns gives OD = log10(12.5 / 5e-6) = 6.4."""
    beam = LaserBeam(wavelength_nm=1064, beam_mm=7, pulse_energy_j=_energy_for_radiant_exposure(12.5, 7), pulse_s=1e-9)
    assert round(eyewear_requirement(beam).od_required, 1) == 6.4


def test_visible_mpe_for_a_quarter_second_is_2_54_milliwatts_per_cm2() -> None:
    """LaserPointerSafety.com NOHD explanation (mirrored at barbella.ch): 'The NOHD for a 1/4 second exposure is
    calculated to be the distance where the beam irradiance just reaches 2.54 mW/cm2'."""
    assert single_exposure_mpe(532, 0.25).eye.irradiance_w_cm2 == pytest.approx(2.54e-3, rel=0.01)


@pytest.mark.parametrize(
    ("wavelength_nm", "irradiance_w_cm2"),
    [(425.0, 1.0e-4), (475.0, 3.162e-4), (500.0, 1.0e-3), (514.5, 1.95e-3)],
)
def test_the_retinal_photochemical_mpe_beyond_100_s_follows_c_b(wavelength_nm: float, irradiance_w_cm2: float) -> None:
    """ANSI Z136.1 Figure 10c data by B. J. Lund (github.com/bjlund314/Z136.1_Figures, Fig10c_MPE.plt, photochemical
    blocks): from 100 s to 3x10^4 s, 1.0e-4 W/cm2 at 400-450 nm, 3.162e-4 at 475 nm, 1.0e-3 at 500 nm, 1.95e-3 at
    514.5 nm. (The figure is drawn for an 11 mrad source; the photochemical limit does not depend on source size.)"""
    for seconds in (100.0, 3.0e4):
        limit = exposure_limit("eye", wavelength_nm, seconds, hazards=("photochemical",))
        assert limit.irradiance_w_cm2 == pytest.approx(irradiance_w_cm2, rel=0.01)


def test_a_long_violet_exposure_is_limited_by_the_photochemical_mpe() -> None:
    """Same source: at 400-450 nm the photochemical 1.0e-4 W/cm2 lies below the thermal limit."""
    limit = exposure_limit("eye", 425, 1000.0)
    assert limit.hazard == "photochemical"
    assert limit.irradiance_w_cm2 == pytest.approx(1.0e-4)


def test_xecl_308_nm_eye_mpe_matches_an_independent_implementation() -> None:
    """Cross-check with 'wl2mpe', a public implementation citing Henderson & Schulmeister, Laser Safety, appendix
    (doi 10.1002/9781118688977.app1): 40 mJ/cm2 at 308 nm once the thermal limit no longer binds."""
    assert exposure_limit("eye", 308, 1.0).radiant_exposure_j_cm2 == pytest.approx(0.04)


def test_10_watt_continuous_1064_nm_beam_of_4_mm_needs_en207_lb5() -> None:
    """University College Cork Laser Safety Guidelines, EN 207 continuous example, as worked in the lasersafety
    project documentation (nanoy42/lasersafety, choosing_eyewear.md): 10 W, 1064 nm, 4 mm gives 1064 D LB5."""
    result = eyewear_requirement(LaserBeam(wavelength_nm=1064, beam_mm=4, power_w=10))
    assert {scale.mode: scale.scale_number for scale in result.scale_numbers} == {"D": 5}
    assert result.en207_marking == "1064 D LB5"


def test_femtosecond_800_nm_train_needs_d_lb5_and_m_lb6() -> None:
    """University College Cork Laser Safety Guidelines, pulsed EN 207 example (nanoy42/lasersafety docs):
    4.5 uJ, 200 fs, 200 kHz, 800 nm, 3 mm beam gives '800 D LB5 M LB6'."""
    beam = LaserBeam(wavelength_nm=800, beam_mm=3, pulse_energy_j=4.5e-6, pulse_s=200e-15, rep_hz=200e3)
    result = eyewear_requirement(beam)
    assert {scale.mode: scale.scale_number for scale in result.scale_numbers} == {"D": 5, "M": 6}
    assert result.l_number == 6


def test_femtosecond_1500_nm_idler_of_20_milliwatts_needs_d_lb1_and_no_m_rating() -> None:
    """University College Cork Laser Safety Guidelines, OPA example (nanoy42/lasersafety docs): 20 mW average at
    1500 nm, 200 kHz, 200 fs, 3 mm gives D LB1 and M scale number 0."""
    beam = LaserBeam(wavelength_nm=1500, beam_mm=3, pulse_energy_j=20e-3 / 200e3, pulse_s=200e-15, rep_hz=200e3)
    result = eyewear_requirement(beam)
    assert {scale.mode: scale.scale_number for scale in result.scale_numbers} == {"D": 1, "M": 0}


def test_one_watt_visible_beam_of_1_mrad_has_an_nohd_of_about_225_m() -> None:
    """Fundamentals of Medical/Aesthetic Lasers and IPLs, ch. 1 'NOHD' (flipbuilder page 110): 'the NOHD for a
    1000 milliwatt laser ... with a divergence of 1 milliradian ... is 225 metres' (visible, 0.25 s, small exit beam;
    the book rounds the MPE to 2.5 mW/cm2, hence 1 % tolerance)."""
    beam = LaserBeam(wavelength_nm=532, beam_mm=0.01, power_w=1.0, divergence_mrad=1.0, exposure_s=0.25)
    nohd = eyewear_requirement(beam).nohd_m
    assert nohd is not None
    assert nohd == pytest.approx(225.0, rel=0.01)
