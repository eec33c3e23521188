"""The face is found and the skin mask holds skin only, as well on the darkest skin as on the lightest."""

from __future__ import annotations

import numpy as np
import pytest

from tests.imaging.conftest import CATEGORIES, analysed, portrait


@pytest.mark.parametrize("category", CATEGORIES)
def test_face_is_found_on_every_skin_tone(category: str) -> None:
    face = analysed(category).result.face
    x, y, w, h = portrait(category).face_box
    assert face is not None
    centre = (face.x + face.width / 2, face.y + face.height / 2)
    assert abs(centre[0] - (x + w / 2)) < 0.1 * w and abs(centre[1] - (y + h / 2)) < 0.1 * h


@pytest.mark.parametrize("category", CATEGORIES)
def test_skin_mask_covers_the_face_and_nothing_else(category: str) -> None:
    photo = analysed(category)
    skin = photo.maps.skin
    x, y, w, h = portrait(category).face_box
    height, width = skin.shape
    # nothing outside the head and neck: wall, hair, clothes
    outside = np.ones_like(skin)
    outside[y : y + h + h // 4, x : x + w] = False
    assert skin[outside].mean() < 0.002
    # most of the face ellipse's area is skin (eyes, brows, lips and hairline are not)
    ys, xs = np.mgrid[0:height, 0:width]
    ellipse = ((xs - (x + w / 2)) / (w / 2)) ** 2 + ((ys - (y + h / 2)) / (h / 2)) ** 2 < 1
    assert 0.6 < skin[ellipse].mean() < 0.95


def test_eyes_and_lips_are_not_skin() -> None:
    for category in ("very_light", "dark"):
        photo = analysed(category)
        x, y, w, h = portrait(category).face_box
        cx, cy = x + w / 2, y + h / 2
        a, b = w / 2, h / 2
        eye = (round(cy - 0.12 * b), round(cx - 0.38 * a))
        lips = (round(cy + 0.5 * b), round(cx))
        for row, col in (eye, lips):
            assert not photo.maps.skin[row - 2 : row + 3, col - 2 : col + 3].any()


def test_chart_is_not_skin() -> None:
    photo = analysed("light", cast=True)
    chart = photo.result.calibration.chart_box
    assert chart is not None
    assert not photo.maps.skin[chart.y : chart.y + chart.height, chart.x : chart.x + chart.width].any()


def test_regions_are_measured_where_a_face_is_found() -> None:
    regions = {region.name: region.metrics for region in analysed("brown").result.regions}
    assert set(regions) == {"forehead", "right_cheek", "left_cheek", "nose", "chin"}
    assert all(metrics.skin_pixels > 500 for metrics in regions.values())


def test_without_a_face_skin_is_seeded_at_the_centre_and_no_regions_are_given() -> None:
    from lasercare.imaging import analyse_array

    rng = np.random.default_rng(3)
    patch = np.full((400, 400, 3), (150, 110, 90), dtype=np.uint8)  # a forearm close up: skin, no face
    patch = np.clip(patch + rng.normal(0, 2, patch.shape), 0, 255).astype(np.uint8)
    result = analyse_array(patch).result
    assert result.face is None
    assert result.regions == ()
    assert result.skin_model.seeded_from == "image centre"
    assert result.skin_fraction > 0.9


def test_astronaut_photo_yields_a_face_and_a_plausible_skin_mask() -> None:
    """The one real face that ships offline (scikit-image's data.astronaut: Eileen Collins)."""
    from skimage import data

    from lasercare.imaging import analyse_array

    photo = analyse_array(np.ascontiguousarray(data.astronaut()))  # type: ignore[no-untyped-call]
    result = photo.result
    assert result.face is not None
    face = result.face
    assert 150 < face.x + face.width / 2 < 260 and 50 < face.y + face.height / 2 < 160  # her face, not the flag
    assert 0.01 < result.skin_fraction < 0.1  # her face is a small part of the picture
    skin = photo.maps.skin
    inside = skin[face.y : face.y + face.height, face.x : face.x + face.width].sum()
    assert inside / skin.sum() > 0.6  # most of the skin is in the face box
    assert 10 < result.metrics.ita_deg < 70  # a light skin tone, uncalibrated
