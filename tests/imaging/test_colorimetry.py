"""The fast colour conversions agree with colour-science."""

from __future__ import annotations

import warnings

import numpy as np

from lasercare.imaging.colorimetry import delta_e_2000, ita_degrees, lab_to_linear, linear_to_lab, srgb_to_linear

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import colour


def test_srgb_to_lab_matches_colour_science() -> None:
    rgb = np.random.default_rng(1).integers(0, 256, size=(500, 3), dtype=np.uint8)
    ours = linear_to_lab(srgb_to_linear(rgb))
    theirs = colour.XYZ_to_Lab(colour.sRGB_to_XYZ(rgb / 255))
    assert np.abs(ours - theirs).max() < 0.05


def test_lab_round_trips_through_linear_rgb() -> None:
    lab = np.array([[74.0, 7.0, 12.0], [32.0, 11.0, 13.0], [50.0, -20.0, 30.0]], dtype=np.float32)
    assert np.abs(linear_to_lab(lab_to_linear(lab)) - lab).max() < 0.01


def test_ciede2000_matches_colour_science() -> None:
    rng = np.random.default_rng(2)
    a = np.column_stack([rng.uniform(0, 100, 300), rng.uniform(-60, 60, 300), rng.uniform(-60, 60, 300)])
    b = a + rng.normal(0, 8, a.shape)
    assert np.abs(delta_e_2000(a, b) - colour.delta_E(a, b, method="CIE 2000")).max() < 1e-6


def test_ita_is_the_chardon_angle() -> None:
    lab = np.array([[65.0, 10.0, 15.0], [45.0, 13.0, 18.0]], dtype=np.float32)
    assert np.allclose(ita_degrees(lab), [45.0, np.degrees(np.arctan(-5 / 18))], atol=1e-4)
