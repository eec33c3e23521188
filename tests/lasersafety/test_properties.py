"""Properties that hold for every input: monotonic limits and optical densities."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lasercare.lasersafety import LaserBeam, exposure_limit, eyewear_requirement

wavelengths = st.floats(min_value=180.0, max_value=1.0e6, allow_nan=False)
# Spread durations evenly over the decades the tables cover, 10^-14 s to 3x10^4 s.
durations = st.floats(min_value=-14.0, max_value=4.47, allow_nan=False).map(lambda exponent: 10.0**exponent)
tissues = st.sampled_from(["eye", "skin"])


@settings(max_examples=300, deadline=None)
@given(tissue=tissues, wavelength=wavelengths, shorter=durations, longer=durations)
def test_the_mpe_as_radiant_exposure_never_falls_as_the_exposure_grows(
    tissue: str, wavelength: float, shorter: float, longer: float
) -> None:
    shorter, longer = min(shorter, longer), max(shorter, longer)
    short_limit = exposure_limit(tissue, wavelength, shorter).radiant_exposure_j_cm2  # type: ignore[arg-type]
    long_limit = exposure_limit(tissue, wavelength, longer).radiant_exposure_j_cm2  # type: ignore[arg-type]
    assert short_limit <= long_limit * (1 + 1e-12)


@settings(max_examples=200, deadline=None)
@given(
    wavelength=wavelengths,
    energy=st.floats(min_value=1e-6, max_value=10.0),
    more=st.floats(min_value=1.0, max_value=1000.0),
    pulse_exponent=st.floats(min_value=-12.0, max_value=-1.0),
    rate=st.one_of(st.none(), st.floats(min_value=0.1, max_value=5.0)),
    beam_mm=st.floats(min_value=0.1, max_value=20.0),
)
def test_more_pulse_energy_never_lowers_the_required_od(
    wavelength: float, energy: float, more: float, pulse_exponent: float, rate: float | None, beam_mm: float
) -> None:
    tau = 10.0**pulse_exponent
    low = LaserBeam(wavelength_nm=wavelength, beam_mm=beam_mm, pulse_energy_j=energy, pulse_s=tau, rep_hz=rate)
    high = LaserBeam(wavelength_nm=wavelength, beam_mm=beam_mm, pulse_energy_j=energy * more, pulse_s=tau, rep_hz=rate)
    assert eyewear_requirement(low).od_required <= eyewear_requirement(high).od_required
    assert eyewear_requirement(low).l_number <= eyewear_requirement(high).l_number


@settings(max_examples=200, deadline=None)
@given(
    wavelength=wavelengths,
    power=st.floats(min_value=1e-4, max_value=100.0),
    more=st.floats(min_value=1.0, max_value=1000.0),
    beam_mm=st.floats(min_value=0.1, max_value=20.0),
)
def test_more_continuous_power_never_lowers_the_required_od(
    wavelength: float, power: float, more: float, beam_mm: float
) -> None:
    low = eyewear_requirement(LaserBeam(wavelength_nm=wavelength, beam_mm=beam_mm, power_w=power))
    high = eyewear_requirement(LaserBeam(wavelength_nm=wavelength, beam_mm=beam_mm, power_w=power * more))
    assert low.od_required <= high.od_required


@settings(max_examples=100, deadline=None)
@given(
    wavelength=wavelengths,
    power=st.floats(min_value=1e-3, max_value=100.0),
    divergence=st.floats(min_value=0.1, max_value=500.0),
    beam_mm=st.floats(min_value=0.1, max_value=10.0),
)
def test_a_longer_exposure_never_shortens_the_nohd_of_a_continuous_beam(
    wavelength: float, power: float, divergence: float, beam_mm: float
) -> None:
    def nohd(seconds: float) -> float:
        beam = LaserBeam(
            wavelength_nm=wavelength, beam_mm=beam_mm, power_w=power, divergence_mrad=divergence, exposure_s=seconds
        )
        distance = eyewear_requirement(beam).nohd_m
        assert distance is not None
        return distance

    assert nohd(0.25) <= nohd(100.0) * (1 + 1e-9) + 1e-9
