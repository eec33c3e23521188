"""Pictures for people: the photo with what was measured drawn on it.

Drawn on the working copy (about 1.2 megapixels; enough to see every spot, and small enough to send). Spots are
outlined in yellow, red areas tinted and outlined in magenta, the skin mask's edge traced in cyan, the face
regions boxed in white and the chart boxed in green. No words are drawn: the overlay is shown to the patient too
(the portal's photos), and the figures ("ITA 44.4, calibrated") and region codes ("right_cheek") are the staff's;
the photo's page gives them in words beside the picture. PNGs are written by OpenCV, which writes no metadata.
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
        for x0, y0, x1, y1 in region_boxes(image.shape[:2], result.face).values():
            cv2.rectangle(image, (x0, y0), (x1, y1), REGION_COLOUR, 1)
    chart = result.calibration.chart_box
    if chart is not None:
        cv2.rectangle(image, (chart.x, chart.y), (chart.x + chart.width, chart.y + chart.height), CHART_COLOUR, 2)
    return image


def save_overlay(photo: AnalysedPhoto, path: str | Path) -> Path:
    import cv2

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(target), cv2.cvtColor(render_overlay(photo), cv2.COLOR_RGB2BGR)):
        raise OSError(f"cannot write {target}")
    return target
