"""Colour calibration from a ColorChecker Classic in the frame.

The chart is found with colour-checker-detection's segmentation method (offline: its inference method would
download a model). A 3x3 matrix on linear RGB (colour-science's Cheung 2004 fit with three terms) maps the
photographed patches onto their published values: it undoes a colour cast and the exposure together, which is
what ITA needs (ITA moves about 2 degrees for a 5% change of exposure). The simplification: one matrix for the
whole frame, so light that differs between the chart and the face (a shadow, a second lamp) is not corrected.
The fit is judged by the mean CIEDE2000 of the 24 patches after correction; a fit worse than
`MAX_ACCEPTED_DELTA_E` is taken for a false detection and the photo stays uncalibrated.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from .colorimetry import FloatArray, delta_e_2000, linear_to_lab

CHART_DETECTION_WIDTH = 1000  # the long side the chart is looked for at; small swatches need about 12 pixels
# The detector's denoising (bilateral filter) is most of its time: two light passes instead of its default five
# strong ones take a third of the time and find the same charts in our tests (JPEG-compressed, cast, rotated).
DENOISING = {"bilateral_filter_iterations": 2, "bilateral_filter_kwargs": {"sigmaColor": 5, "sigmaSpace": 3}}
MAX_ACCEPTED_DELTA_E = 8.0


@dataclass(frozen=True)
class Box:
    """A rectangle in working-copy pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Calibration:
    calibrated: bool
    method: str  # what was done, for the record
    matrix: tuple[tuple[float, float, float], ...] | None = None  # linear RGB, applied as matrix @ rgb
    chart_delta_e: float | None = None  # mean CIEDE2000 of the 24 patches after correction
    chart_box: Box | None = None

    def apply(self, linear: FloatArray) -> FloatArray:
        if self.matrix is None:
            return linear
        corrected = linear @ np.asarray(self.matrix, dtype=np.float32).T
        return np.asarray(np.clip(corrected, 0.0, 1.0), dtype=np.float32)


UNCALIBRATED = Calibration(False, "no colour chart found: colours as the camera recorded them")


@cache
def _detection() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colour-science warns that matplotlib (plotting only) is absent
        import colour
        import colour_checker_detection

    return colour, colour_checker_detection


def reference_linear() -> FloatArray:
    """The chart's 24 patches in linear sRGB (D65), the values colour-checker-detection compares against."""
    _, detection = _detection()
    values = detection.SETTINGS_SEGMENTATION_COLORCHECKER_CLASSIC["reference_values"]
    return np.asarray(values, dtype=np.float32)


def _box_in_working_copy(quadrilateral: npt.NDArray[Any], shape: tuple[int, int], width: int) -> Box:
    """colour-checker-detection turns portrait images on their side (clockwise) and scales the long side to its
    working width; map its quadrilateral back."""
    height_px, width_px = shape
    scale = width / max(height_px, width_px)
    points = np.asarray(quadrilateral, dtype=np.float64) / scale
    if width_px < height_px:  # rotated clockwise: x' = (H - 1 - y), y' = x
        xs, ys = points[:, 1], (height_px - 1) - points[:, 0]
    else:
        xs, ys = points[:, 0], points[:, 1]
    x0, y0 = max(0, int(xs.min())), max(0, int(ys.min()))
    x1, y1 = min(width_px, int(np.ceil(xs.max())) + 1), min(height_px, int(np.ceil(ys.max())) + 1)
    # The chart's frame reaches a little beyond its outermost patches.
    margin_x, margin_y = (x1 - x0) // 12, (y1 - y0) // 12
    x0, y0 = max(0, x0 - margin_x), max(0, y0 - margin_y)
    x1, y1 = min(width_px, x1 + margin_x), min(height_px, y1 + margin_y)
    return Box(x0, y0, x1 - x0, y1 - y0)


def calibrate(linear: FloatArray) -> Calibration:
    """Find a chart in the linear working copy and fit the correction; UNCALIBRATED when there is none."""
    colour, detection = _detection()
    import cv2

    height_px, width_px = linear.shape[:2]
    width = min(CHART_DETECTION_WIDTH, max(height_px, width_px))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = detection.detect_colour_checkers_segmentation(
                linear,
                additional_data=True,
                working_width=width,
                working_height=int(width * 4 / 6),
                interpolation_method=cv2.INTER_AREA,
                adaptive_threshold_kwargs={
                    "maxValue": 255,
                    "adaptiveMethod": cv2.ADAPTIVE_THRESH_MEAN_C,
                    "thresholdType": cv2.THRESH_BINARY,
                    "blockSize": int(width * 0.015) | 1,  # the detector's own rule, at our working width
                    "C": 3,
                },
                **DENOISING,
            )
    except (ValueError, IndexError, cv2.error):  # the detector's geometry fails on degenerate contours
        return UNCALIBRATED
    if not found:
        return UNCALIBRATED
    reference = reference_linear().astype(np.float64)
    reference_lab = linear_to_lab(reference.astype(np.float32))
    best: Calibration | None = None
    for data in found:
        measured = np.asarray(data.swatch_colours, dtype=np.float64)
        # The detector picks the chart's orientation by comparing raw colours, which a strong cast can fool;
        # a chart upside down lists its patches in reverse, so fit both readings and keep the better one.
        for candidate in (measured, measured[::-1]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                matrix = np.asarray(colour.characterisation.matrix_colour_correction(candidate, reference))
            corrected = np.clip(candidate @ matrix.T, 0, 1).astype(np.float32)
            delta_e = float(delta_e_2000(linear_to_lab(corrected), reference_lab).mean())
            if best is None or delta_e < (best.chart_delta_e or np.inf):
                best = Calibration(
                    True,
                    "ColorChecker Classic found; 3x3 linear-RGB correction (Cheung 2004) fitted to its 24 patches",
                    tuple((float(r[0]), float(r[1]), float(r[2])) for r in matrix),
                    round(delta_e, 2),
                    _box_in_working_copy(data.quadrilateral, (height_px, width_px), width),
                )
    if best is None or best.chart_delta_e is None or best.chart_delta_e > MAX_ACCEPTED_DELTA_E:
        return Calibration(False, "a chart-like object was found but did not fit a ColorChecker: uncalibrated")
    return best
