"""How the MPE is chosen: the rows, factors, apertures and simplifications a result carries."""

from __future__ import annotations

import pytest

from lasercare.lasersafety import (
    LaserBeam,
    SettingsRange,
    exposure_limit,
    eyewear_requirement,
    single_exposure_mpe,
    worst_case,
)


def test_every_result_names_the_table_row_it_came_from() -> None:
    result = single_exposure_mpe(755, 3e-3)
    assert "Table 2.2" in result.eye.rule and "700-1050" in result.eye.rule
    assert "Table 2.4" in result.skin.rule


def test_near_infrared_eye_mpe_carries_c_a_with_its_source() -> None:
    factors = {factor.name: factor for factor in exposure_limit("eye", 755, 1e-3).factors}
    assert factors["CA"].value == pytest.approx(10 ** (0.002 * 55))
    assert "Table 2.5" in factors["CA"].source


def test_c_c_raises_the_limit_between_1150_and_1200_nm() -> None:
    assert (
        exposure_limit("eye", 1175, 1e-3).radiant_exposure_j_cm2
        > exposure_limit("eye", 1064, 1e-3).radiant_exposure_j_cm2
    )


def test_the_point_source_assumption_is_named_for_the_eye() -> None:
    limit = exposure_limit("eye", 595, 0.45e-3)
    assert any("point source" in text and "C_E = 1" in text for text in limit.simplifications)


def test_retinal_limits_average_over_7_mm_and_far_infrared_over_1_mm_for_short_exposures() -> None:
    assert exposure_limit("eye", 1064, 1e-8).aperture_mm == 7.0
    assert exposure_limit("eye", 10600, 1e-3).aperture_mm == 1.0
    assert exposure_limit("skin", 10600, 1e-3).aperture_mm == 3.5


def test_ultraviolet_short_exposures_take_the_lower_of_the_thermal_and_photochemical_limits() -> None:
    # At 308 nm a 1 ns exposure is limited by the thermal 0.56 t^0.25 row, a 1 s one by the photochemical row.
    assert exposure_limit("eye", 308, 1e-9).hazard == "thermal"
    assert exposure_limit("eye", 308, 1.0).hazard == "photochemical"


def test_far_infrared_skin_uses_the_eye_limits_as_the_skin_table_says() -> None:
    result = single_exposure_mpe(10600, 1e-3)
    assert result.skin.radiant_exposure_j_cm2 == pytest.approx(result.eye.radiant_exposure_j_cm2)
    assert "see the eye exposure limits" in result.skin.rule


def test_a_step_down_at_a_band_boundary_is_named_and_smoothed() -> None:
    just_before = exposure_limit("eye", 532, 9.9)
    assert just_before.radiant_exposure_j_cm2 <= exposure_limit("eye", 532, 10.0).radiant_exposure_j_cm2
    assert any("step down" in text for text in just_before.simplifications)


def test_rule_3_lowers_the_per_pulse_limit_of_a_retinal_pulse_train() -> None:
    single = eyewear_requirement(LaserBeam(wavelength_nm=1064, beam_mm=4, pulse_energy_j=0.5, pulse_s=10e-9))
    train = eyewear_requirement(
        LaserBeam(wavelength_nm=1064, beam_mm=4, pulse_energy_j=0.5, pulse_s=10e-9, rep_hz=10, exposure_s=10)
    )
    assert train.governing_rule.startswith("Rule 3")
    assert train.od_required == pytest.approx(single.od_required + 0.25 * 2)  # n = 100 pulses: C_P = 100^-0.25


def test_rule_3_is_not_applied_outside_the_retinal_hazard_region() -> None:
    train = eyewear_requirement(LaserBeam(wavelength_nm=2940, beam_mm=2, pulse_energy_j=1.0, pulse_s=300e-6, rep_hz=15))
    assert [rule.rule.split(":")[0] for rule in train.rules] == ["Rule 1", "Rule 2"]


def test_rule_2_governs_a_high_repetition_fractional_train() -> None:
    beam = LaserBeam(wavelength_nm=1550, beam_mm=0.2, pulse_energy_j=0.07, pulse_s=3e-3, rep_hz=200)
    assert eyewear_requirement(beam).governing_rule.startswith("Rule 2")


def test_the_default_exposure_duration_is_named_with_its_source() -> None:
    result = eyewear_requirement(LaserBeam(wavelength_nm=10600, beam_mm=2, power_w=30))
    assert result.exposure_s == 100.0
    assert "60825-14" in result.exposure_source


def test_without_divergence_no_nohd_is_given_and_the_reason_is_said() -> None:
    result = eyewear_requirement(LaserBeam(wavelength_nm=1064, beam_mm=4, power_w=10))
    assert result.nohd_m is None
    assert "divergence" in result.nohd_note


def test_at_the_nohd_the_beam_irradiance_equals_the_mpe() -> None:
    beam = LaserBeam(wavelength_nm=10600, beam_mm=2, power_w=30, divergence_mrad=5)
    result = eyewear_requirement(beam)
    assert result.nohd_m is not None and result.eye_mpe_w_cm2 is not None
    diameter_cm = 0.2 + 5e-3 * result.nohd_m * 100
    irradiance = 30 / (3.141592653589793 * diameter_cm**2 / 4)
    assert irradiance == pytest.approx(result.eye_mpe_w_cm2)


def test_a_wider_fibre_divergence_shortens_the_nohd() -> None:
    narrow = eyewear_requirement(LaserBeam(wavelength_nm=1064, beam_mm=0.6, power_w=20, divergence_mrad=100))
    wide = eyewear_requirement(LaserBeam(wavelength_nm=1064, beam_mm=0.6, power_w=20, divergence_mrad=440))
    assert narrow.nohd_m is not None and wide.nohd_m is not None
    assert wide.nohd_m < narrow.nohd_m


CLINICAL_LASERS = [
    pytest.param(LaserBeam(wavelength_nm=532, beam_mm=2, pulse_energy_j=0.5, pulse_s=10e-3, rep_hz=2), id="KTP 532"),
    pytest.param(LaserBeam(wavelength_nm=595, beam_mm=7, pulse_energy_j=2.0, pulse_s=1.5e-3, rep_hz=1), id="PDL 595"),
    pytest.param(LaserBeam(wavelength_nm=755, beam_mm=12, pulse_energy_j=20, pulse_s=3e-3, rep_hz=2), id="alex 755"),
    pytest.param(LaserBeam(wavelength_nm=1064, beam_mm=4, pulse_energy_j=1.0, pulse_s=6e-9, rep_hz=10), id="QS YAG"),
    pytest.param(LaserBeam(wavelength_nm=1064, beam_mm=3, pulse_energy_j=0.4, pulse_s=450e-12, rep_hz=10), id="ps YAG"),
    pytest.param(LaserBeam(wavelength_nm=1550, beam_mm=0.2, pulse_energy_j=0.07, pulse_s=3e-3, rep_hz=200), id="1550"),
    pytest.param(LaserBeam(wavelength_nm=1927, beam_mm=0.2, pulse_energy_j=0.02, pulse_s=2e-3, rep_hz=200), id="1927"),
    pytest.param(LaserBeam(wavelength_nm=2940, beam_mm=5, pulse_energy_j=1.5, pulse_s=300e-6, rep_hz=10), id="Er:YAG"),
    pytest.param(LaserBeam(wavelength_nm=10600, beam_mm=0.5, power_w=30, divergence_mrad=4), id="CO2 10600"),
]


@pytest.mark.parametrize("beam", CLINICAL_LASERS)
def test_every_clinical_laser_gets_a_cited_od_and_scale_number(beam: LaserBeam) -> None:
    result = eyewear_requirement(beam)
    assert result.od_required > 0
    assert result.l_number >= 1
    assert "Table 2." in result.rules[0].limit_rule


def test_the_worst_case_over_a_settings_range_is_the_highest_od_of_any_setting() -> None:
    settings = SettingsRange(
        wavelength_nm=1064, beam_mm=(3.0, 8.0), pulse_energy_j=(0.1, 1.2), pulse_s=(6e-9,), rep_hz=(1.0, 10.0)
    )
    worst, every = worst_case(settings)
    assert len(every) == 8
    assert worst.od_required == max(result.od_required for result in every)
    assert any("worst case over the settings range" in text for text in worst.simplifications)
