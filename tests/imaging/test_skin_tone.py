"""Skin tone (ITA) on portraits of known colour, in every ITA category, with and without a colour cast."""

from __future__ import annotations

import pytest

from lasercare.engine import load_knowledge
from lasercare.engine.phototype import ita_category
from tests.imaging.conftest import CATEGORIES, analysed, portrait


@pytest.mark.parametrize("category", CATEGORIES)
def test_ita_within_one_and_a_half_degrees_without_cast(category: str) -> None:
    result = analysed(category).result
    assert abs(result.metrics.ita_deg - portrait(category).ita_deg) <= 1.5


@pytest.mark.parametrize("category", CATEGORIES)
def test_ita_within_two_degrees_under_a_cast_with_a_chart(category: str) -> None:
    result = analysed(category, cast=True).result
    assert result.calibrated
    assert abs(result.metrics.ita_deg - portrait(category, cast=True).ita_deg) <= 2.0


@pytest.mark.parametrize("category", CATEGORIES)
def test_ita_category_is_the_skins_category(category: str) -> None:
    assert analysed(category).result.ita_category == category


def test_fitzpatrick_estimate_is_the_engines_mapping() -> None:
    rules = load_knowledge().phototype_rules
    for category in CATEGORIES:
        result = analysed(category).result
        assert result.fitzpatrick_estimate == rules.ita_estimate[ita_category(result.metrics.ita_deg, rules)]


def test_chart_is_found_and_fitted_closely() -> None:
    calibration = analysed("brown", cast=True).result.calibration
    assert calibration.calibrated
    assert calibration.chart_delta_e is not None and calibration.chart_delta_e < 1.5


def test_without_a_chart_results_are_marked_uncalibrated() -> None:
    calibration = analysed("light").result.calibration
    assert not calibration.calibrated
    assert calibration.chart_delta_e is None
    assert "no colour chart" in calibration.method


def test_a_cast_without_a_chart_shifts_ita() -> None:
    """Why the chart matters: the same warm cast, uncalibrated, moves the tone by many degrees."""
    from lasercare.imaging import analyse_array
    from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, WARM_CAST, PortraitSpec, render

    spec = PortraitSpec(SKIN_BY_CATEGORY["light"], cast=WARM_CAST, spot_count=4)
    result = analyse_array(render(spec).rgb).result
    assert not result.calibrated
    assert abs(result.metrics.ita_deg - portrait("light").ita_deg) > 5
