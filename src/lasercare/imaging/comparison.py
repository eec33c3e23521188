"""Before and after: two photos of the same patient aligned, each metric's change, and whether it is more than
retakes of the same face produce.

Alignment (registration) is a similarity transform (shift, rotation, scale) from ORB features matched between
the two working copies, fitted with RANSAC; when too few features match, the two face boxes are aligned
instead, and when neither face is found the photos are compared unaligned (the result says which). The
simplification: a similarity transform cannot follow a change of expression or a head turned differently.

Both photos are then measured over the same skin only: the before photo's skin mask intersected with the after
photo's, moved into the before photo's frame. A change counts as real when it exceeds the repeatability
coefficient (2.77 standard deviations of retakes, the Bland-Altman 95% limit for the difference of two
measurements). The retake deviations in `RETAKE_SD` are what tests/imaging/test_repeatability.py measures on
simulated retakes (exposure +-5%, shift, rotation, JPEG): the least the method itself varies. Real retakes
(another day, another pose, make-up) vary more, so a change just above the line deserves a look, not a claim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .analysis import AnalysedPhoto
from .metrics import SkinMetrics, compute_maps, measure

MIN_INLIERS = 12
REPEATABILITY = 2.77  # 1.96 * sqrt(2)

# metric -> (relative SD, absolute SD): a retake's standard deviation is the larger of relative * |value| and
# the absolute floor. Measured on simulated retakes with a chart in frame; without a chart, the exposure moves
# ITA about 2 degrees per 5% (docs/imaging.md).
RETAKE_SD: dict[str, tuple[float, float]] = {
    "ita_deg": (0.0, 0.25),
    "spots.count": (0.02, 0.5),
    "spots.area_fraction": (0.012, 0.0002),
    "spots.mean_delta_e": (0.005, 0.05),
    "redness.index": (0.003, 0.1),
    "redness.area_fraction": (0.014, 0.0002),
    "texture.index": (0.01, 0.01),
}


@dataclass(frozen=True)
class Registration:
    method: str  # "ORB features", "face boxes" or "none"
    rotation_deg: float
    scale: float
    shift_x: float  # working-copy pixels of the before photo
    shift_y: float
    inliers: int
    common_skin_fraction: float  # of the before photo's skin that both photos show


@dataclass(frozen=True)
class MetricChange:
    metric: str
    before: float | None
    after: float | None
    change: float | None
    smallest_real_change: float | None  # the repeatability coefficient at this value
    exceeds_retake_variation: bool


@dataclass(frozen=True)
class Comparison:
    registration: Registration
    before: SkinMetrics  # over the common skin
    after: SkinMetrics
    changes: tuple[MetricChange, ...]


def _grey(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    import cv2

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return np.asarray(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey), dtype=np.uint8)


def _feature_transform(before: AnalysedPhoto, after: AnalysedPhoto) -> tuple[npt.NDArray[np.float64], int] | None:
    """The after -> before similarity from matched ORB features on and around the skin."""
    import cv2

    orb = cv2.ORB_create(nfeatures=3000)  # type: ignore[attr-defined]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (41, 41))
    masks = [cv2.dilate(p.maps.skin.astype(np.uint8) * 255, kernel) for p in (before, after)]
    kp_b, des_b = orb.detectAndCompute(_grey(before.rgb), masks[0])
    kp_a, des_a = orb.detectAndCompute(_grey(after.rgb), masks[1])
    if des_b is None or des_a is None or len(kp_b) < MIN_INLIERS or len(kp_a) < MIN_INLIERS:
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(des_a, des_b)
    if len(matches) < MIN_INLIERS:
        return None
    src = np.array([kp_a[m.queryIdx].pt for m in matches], dtype=np.float32)
    dst = np.array([kp_b[m.trainIdx].pt for m in matches], dtype=np.float32)
    matrix, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    if matrix is None or inliers is None or int(inliers.sum()) < MIN_INLIERS:
        return None
    return np.asarray(matrix, dtype=np.float64), int(inliers.sum())


def _face_transform(before: AnalysedPhoto, after: AnalysedPhoto) -> npt.NDArray[np.float64] | None:
    fb, fa = before.result.face, after.result.face
    if fb is None or fa is None:
        return None
    scale = fb.width / fa.width
    cb = (fb.x + fb.width / 2, fb.y + fb.height / 2)
    ca = (fa.x + fa.width / 2, fa.y + fa.height / 2)
    return np.array([[scale, 0, cb[0] - scale * ca[0]], [0, scale, cb[1] - scale * ca[1]]], dtype=np.float64)


def _value(metrics: SkinMetrics, name: str) -> float | None:
    value: object = metrics
    for part in name.split("."):
        value = getattr(value, part)
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def scale_of(matrix: npt.NDArray[np.float64]) -> float:
    return float(math.hypot(matrix[0, 0], matrix[1, 0]))


def smallest_real_change(metric: str, value: float) -> float:
    relative, absolute = RETAKE_SD[metric]
    return REPEATABILITY * max(relative * abs(value), absolute)


def compare(before: AnalysedPhoto, after: AnalysedPhoto) -> Comparison:
    import cv2

    found = _feature_transform(before, after)
    if found is not None:
        matrix, inliers = found
        method = "ORB features"
    else:
        inliers = 0
        face_matrix = _face_transform(before, after)
        if face_matrix is not None:
            matrix, method = face_matrix, "face boxes"
        else:
            matrix, method = np.array([[1.0, 0, 0], [0, 1.0, 0]]), "none"
    # Masks move between the frames, pixels never do: resampling a photo would blur it and lower its texture.
    height, width = before.maps.skin.shape
    after_height, after_width = after.maps.skin.shape
    inverse = cv2.invertAffineTransform(matrix)
    after_in_before = cv2.warpAffine(after.maps.skin.astype(np.uint8), matrix, (width, height), flags=cv2.INTER_NEAREST)
    before_in_after = cv2.warpAffine(
        before.maps.skin.astype(np.uint8), inverse, (after_width, after_height), flags=cv2.INTER_NEAREST
    )
    common = before.maps.skin & (after_in_before > 0)
    common_after = after.maps.skin & (before_in_after > 0)
    face = before.result.face
    face_width = face.width if face is not None else min(height, width) / 2
    before_metrics = measure(compute_maps(before.lab, before.linear, common, face_width))
    after_metrics = measure(compute_maps(after.lab, after.linear, common_after, face_width / scale_of(matrix)))

    scale = scale_of(matrix)
    registration = Registration(
        method=method,
        rotation_deg=round(math.degrees(math.atan2(matrix[1, 0], matrix[0, 0])), 3),
        scale=round(scale, 4),
        shift_x=round(float(matrix[0, 2]), 2),
        shift_y=round(float(matrix[1, 2]), 2),
        inliers=inliers,
        common_skin_fraction=float(common.sum()) / max(1, int(before.maps.skin.sum())),
    )
    changes = []
    for metric in RETAKE_SD:
        b, a = _value(before_metrics, metric), _value(after_metrics, metric)
        if a is None or b is None:
            changes.append(MetricChange(metric, b, a, None, None, False))
            continue
        threshold = smallest_real_change(metric, b)
        changes.append(MetricChange(metric, b, a, a - b, threshold, abs(a - b) > threshold))
    return Comparison(registration, before_metrics, after_metrics, tuple(changes))
