"""The skin mask: which pixels are this person's skin.

Not a fixed RGB or YCrCb threshold (those are tuned on light skin and drop dark skin): the skin colour is
sampled from the person's own face (the cheeks, or the middle of the image when no face is found) in CIELAB,
and a pixel is skin when it lies within an ellipsoid around that colour. The ellipsoid's size follows the
sample's own spread, with floors wide enough for shading and redness; its L* axis scales with the skin's
lightness, so on dark skin it stays tight enough to leave out black hair, and on light skin loose enough to
keep shaded cheeks. Eyes, brows, nostrils and lips are removed by the face's proportions (face.py), the
colour chart by its box. Small holes (a pigmented spot darker than the tolerance) are filled back: they are skin
with something on it, which is what the spot measure is for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibration import Box
from .colorimetry import FloatArray
from .face import BoolArray, Face, feature_mask, seed_box

TOLERANCE_FLOOR_A = 16.0  # a* units: erythema up to about +14 stays skin
TOLERANCE_FLOOR_B = 12.0
L_TOLERANCE_PER_L = 0.3  # the L* half-axis as a share of the skin's own L*
SPREAD_MULTIPLE = 3.0  # robust deviations of the sample that count as the same skin


@dataclass(frozen=True)
class SkinModel:
    seed_lab: tuple[float, float, float]  # median CIELAB of the sample
    tolerance: tuple[float, float, float]  # half-axes of the ellipsoid in L*, a*, b*
    seeded_from: str  # "face" or "image centre"


def _seed_pixels(lab: FloatArray, face: Face | None, excluded: BoolArray) -> tuple[FloatArray, str]:
    height, width = lab.shape[:2]
    if face is not None:
        x0, y0, x1, y1 = (round(value) for value in seed_box(face))
        where = "face"
    else:
        # No face: a central patch, where a clinic photo's subject is. A weaker seed, and reported as such.
        x0, x1 = round(width * 0.42), round(width * 0.58)
        y0, y1 = round(height * 0.4), round(height * 0.56)
        where = "image centre"
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(width, max(x1, x0 + 1)), min(height, max(y1, y0 + 1))
    window = lab[y0:y1, x0:x1]
    keep = ~excluded[y0:y1, x0:x1]
    pixels = window[keep] if keep.any() else window.reshape(-1, 3)
    return np.asarray(pixels, dtype=np.float32), where


def _fill_small_holes(mask: BoolArray, max_area: int) -> BoolArray:
    import cv2

    holes = (~mask).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
    height, width = mask.shape
    x, y, w, h, area = (stats[:, i] for i in range(5))
    inside = (x > 0) & (y > 0) & (x + w < width) & (y + h < height)
    fill = inside & (area <= max_area)
    fill[0] = False  # label 0 is the skin itself
    if not fill[1:].any():
        return mask
    return np.asarray(mask | fill[labels], dtype=bool)


def skin_mask(lab: FloatArray, face: Face | None, chart: Box | None = None) -> tuple[BoolArray, SkinModel, BoolArray]:
    """(skin, model, excluded) where excluded holds the facial features and the chart, never skin."""
    import cv2

    height, width = lab.shape[:2]
    excluded = np.zeros((height, width), dtype=bool)
    if face is not None:
        excluded |= feature_mask((height, width), face)
    if chart is not None:
        excluded[chart.y : chart.y + chart.height, chart.x : chart.x + chart.width] = True

    sample, seeded_from = _seed_pixels(lab, face, excluded)
    median = np.median(sample, axis=0)
    spread = 1.4826 * np.median(np.abs(sample - median), axis=0)
    tolerance = np.array(
        [
            max(SPREAD_MULTIPLE * spread[0], L_TOLERANCE_PER_L * max(float(median[0]), 10.0)),
            max(SPREAD_MULTIPLE * spread[1], TOLERANCE_FLOOR_A),
            max(SPREAD_MULTIPLE * spread[2], TOLERANCE_FLOOR_B),
        ],
        dtype=np.float32,
    )
    distance = (((lab - median) / tolerance) ** 2).sum(axis=-1)
    candidate = (distance <= 1.0) & ~excluded

    # A speck of skin colour in the wall or the hair is not skin: open away single pixels, then keep the
    # connected pieces that reach the sampled area (the face and what joins it: neck, ears).
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    opened = cv2.morphologyEx(candidate.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
    scale = face.width if face is not None else min(height, width) / 2
    mask = _fill_small_holes(opened, max_area=int((scale / 20) ** 2))
    mask &= ~excluded
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count > 1:
        if face is not None:
            x0, y0, x1, y1 = (round(v) for v in seed_box(face))
        else:
            x0, x1, y0, y1 = round(width * 0.42), round(width * 0.58), round(height * 0.4), round(height * 0.56)
        in_seed = np.unique(labels[max(0, y0) : max(1, y1), max(0, x0) : max(1, x1)])
        in_seed = in_seed[in_seed > 0]
        if in_seed.size == 0:  # the seed fell on no skin at all: the largest piece is the best guess
            in_seed = np.array([1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))])
        keep = np.zeros(count, dtype=bool)
        keep[in_seed] = True
        mask = keep[labels]
    model = SkinModel(
        (float(median[0]), float(median[1]), float(median[2])),
        (float(tolerance[0]), float(tolerance[1]), float(tolerance[2])),
        seeded_from,
    )
    return mask, model, excluded
