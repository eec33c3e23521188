"""Pigmented spots and red areas of known number and size are found, on every skin tone."""

from __future__ import annotations

import pytest

from tests.imaging.conftest import CATEGORIES, analysed, portrait


def _skin_pixels(category: str, cast: bool) -> int:
    return analysed(category, cast).result.metrics.skin_pixels


@pytest.mark.parametrize("cast", [False, True], ids=["neutral", "cast"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_spot_count_within_ten_percent(category: str, cast: bool) -> None:
    truth = portrait(category, cast).spot_count
    assert abs(analysed(category, cast).result.metrics.spots.count - truth) <= 0.1 * truth


@pytest.mark.parametrize("cast", [False, True], ids=["neutral", "cast"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_spot_area_within_fifteen_percent(category: str, cast: bool) -> None:
    truth = portrait(category, cast).spot_area_px
    found = analysed(category, cast).result.metrics.spots.area_fraction * _skin_pixels(category, cast)
    assert abs(found - truth) <= 0.15 * truth


@pytest.mark.parametrize("cast", [False, True], ids=["neutral", "cast"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_red_area_within_fifteen_percent(category: str, cast: bool) -> None:
    truth = portrait(category, cast).red_area_px
    found = analysed(category, cast).result.metrics.redness.area_fraction * _skin_pixels(category, cast)
    assert abs(found - truth) <= 0.15 * truth


def test_spots_contrast_is_reported_in_ciede2000() -> None:
    spots = analysed("intermediate").result.metrics.spots
    # the renderer darkens spots by 11 L*, adds 2 a* and 5 b*: about 8-11 CIEDE2000 on mid-tone skin
    assert spots.mean_delta_e is not None and 6 < spots.mean_delta_e < 13


def test_clear_skin_has_no_spots_and_no_red_areas() -> None:
    from lasercare.imaging import analyse_array
    from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, render

    for category in ("very_light", "dark"):
        spec = PortraitSpec(SKIN_BY_CATEGORY[category], spot_count=0, red_patch=False)
        metrics = analyse_array(render(spec).rgb).result.metrics
        assert metrics.spots.count == 0
        assert metrics.redness.area_fraction < 0.002


def test_red_patch_lies_in_the_right_cheek_region() -> None:
    regions = {region.name: region.metrics for region in analysed("tan").result.regions}
    assert regions["right_cheek"].redness.area_fraction > 0.2
    assert all(regions[name].redness.area_fraction < 0.01 for name in ("forehead", "left_cheek", "nose", "chin"))
