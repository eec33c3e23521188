"""Pictures for people: the photo with what was measured drawn on it.

Drawn on the working copy (about 1.2 megapixels; enough to see every spot, and small enough to send). Spots are
outlined in yellow, red areas tinted and outlined in magenta, the skin mask's edge traced in cyan, the face
regions boxed in white and the chart boxed in green; a legend line says what was found. PNGs are written by
OpenCV, which writes no metadata.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from .analysis import AnalysedPhoto

SPOT_COLOUR = (255, 220, 0)
RED_COLOUR = (255, 0, 200)
SKIN_EDGE_COLOUR = (0, 200, 255)
REGION_COLOUR = (255, 255, 255)
CHART_COLOUR = (0, 220, 0)


def render_overlay(photo: AnalysedPhoto) -> npt.NDArray[np.uint8]:
    """The annotated working copy, RGB."""
    import cv2

    from .face import region_boxes

    image = photo.rgb.copy()
    maps = photo.maps
    thickness = max(1, round(max(image.shape[:2]) / 900))
    red = maps.red
    if red.any():
        tint = np.array(RED_COLOUR, dtype=np.float32)
        image[red] = (image[red] * 0.6 + tint * 0.4).astype(np.uint8)
    for mask, colour in ((red, RED_COLOUR), (maps.spot_labels > 0, SPOT_COLOUR), (maps.skin, SKIN_EDGE_COLOUR)):
        contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(image, contours, -1, colour, 1 if colour == SKIN_EDGE_COLOUR else thickness)
    result = photo.result
    if result.face is not None:
        for name, (x0, y0, x1, y1) in region_boxes(image.shape[:2], result.face).items():
            cv2.rectangle(image, (x0, y0), (x1, y1), REGION_COLOUR, 1)
            cv2.putText(image, name, (x0 + 3, y0 + 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, REGION_COLOUR, 1, cv2.LINE_AA)
    chart = result.calibration.chart_box
    if chart is not None:
        cv2.rectangle(image, (chart.x, chart.y), (chart.x + chart.width, chart.y + chart.height), CHART_COLOUR, 2)
    metrics = result.metrics
    lines = (
        f"ITA {metrics.ita_deg:.1f} ({result.ita_category}), {'calibrated' if result.calibrated else 'uncalibrated'}",
        f"spots {metrics.spots.count} ({100 * metrics.spots.area_fraction:.1f}% of skin), "
        f"red {100 * metrics.redness.area_fraction:.1f}% of skin",
    )
    cv2.rectangle(image, (0, 0), (image.shape[1], 40), (0, 0, 0), -1)
    for row, text in enumerate(lines):
        cv2.putText(image, text, (6, 16 + 18 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return image


def save_overlay(photo: AnalysedPhoto, path: str | Path) -> Path:
    import cv2

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(target), cv2.cvtColor(render_overlay(photo), cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {target}")
    return target
