"""Finding the face and dividing it into the regions clinicians compare.

The detector is OpenCV's Haar cascade for frontal faces (Viola-Jones), whose model ships inside the
opencv-python wheel (`cv2.data.haarcascades`): nothing is downloaded. OpenCV 5's main wheel dropped
`CascadeClassifier`, hence the `opencv-python<5` pin. It works on contrast, not colour, and is run on a
contrast-equalised (CLAHE) grey copy so that a dark face on a light wall, or an underexposed photo, is found as
readily as a light one (tests/imaging/test_face.py checks every ITA category).

The simplification: no landmarks. Eyes, brows, lips, nostrils and the regions are placed by the proportions
of a frontal face within the detector's box (box-relative coordinates below), so a turned or tilted head
shifts them; they are drawn on the overlay for a person to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

DETECTION_LONG_SIDE = 640  # faces are large in clinic photos; detecting on a small copy is fast and enough
BoolArray = npt.NDArray[np.bool_]

# (centre x, centre y, half width, half height) as fractions of the face box, for a frontal face.
FEATURE_ELLIPSES = {
    "right_eye_and_brow": (0.335, 0.365, 0.13, 0.095),  # the patient's right: the left of the image
    "left_eye_and_brow": (0.665, 0.365, 0.13, 0.095),
    "nostrils": (0.5, 0.63, 0.12, 0.055),
    "lips": (0.5, 0.73, 0.2, 0.07),
}
# (x0, y0, x1, y1) as fractions of the face box; the forehead reaches above the box, which starts at the brows'
# upper half. Right and left are the patient's.
REGION_BOXES = {
    "forehead": (0.22, -0.12, 0.78, 0.26),
    "right_cheek": (0.1, 0.5, 0.38, 0.74),
    "left_cheek": (0.62, 0.5, 0.9, 0.74),
    "nose": (0.41, 0.4, 0.59, 0.6),
    "chin": (0.32, 0.86, 0.68, 1.04),
}


@dataclass(frozen=True)
class Face:
    x: int  # the detector's box, in working-copy pixels
    y: int
    width: int
    height: int
    method: str = "OpenCV Haar cascade (frontalface_default) on a CLAHE-equalised grey copy"

    def point(self, fx: float, fy: float) -> tuple[float, float]:
        return self.x + fx * self.width, self.y + fy * self.height


@cache
def _cascades() -> tuple[Any, ...]:
    import cv2

    folder = cv2.data.haarcascades  # type: ignore[attr-defined]
    return tuple(
        cv2.CascadeClassifier(folder + name)
        for name in ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml")
    )


def find_face(rgb: npt.NDArray[np.uint8]) -> Face | None:
    """The largest frontal face, or None. A second cascade is tried when the first finds nothing."""
    import cv2

    height, width = rgb.shape[:2]
    ratio = min(1.0, DETECTION_LONG_SIDE / max(height, width))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if ratio < 1:
        grey = cv2.resize(grey, (round(width * ratio), round(height * ratio)), interpolation=cv2.INTER_AREA)
    grey = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey)
    smallest = max(24, min(grey.shape) // 6)
    for cascade in _cascades():
        boxes = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=4, minSize=(smallest, smallest))
        if len(boxes):
            x, y, w, h = max(boxes, key=lambda box: int(box[2]) * int(box[3]))
            return Face(round(x / ratio), round(y / ratio), round(w / ratio), round(h / ratio))
    return None


def _ellipse_mask(shape: tuple[int, int], face: Face, ellipse: tuple[float, float, float, float]) -> BoolArray:
    import cv2

    mask = np.zeros(shape, dtype=np.uint8)
    cx, cy = face.point(ellipse[0], ellipse[1])
    axes = (max(1, round(ellipse[2] * face.width)), max(1, round(ellipse[3] * face.height)))
    cv2.ellipse(mask, (round(cx), round(cy)), axes, 0, 0, 360, 1, thickness=-1)
    return mask.astype(bool)


def feature_mask(shape: tuple[int, int], face: Face) -> BoolArray:
    """Eyes with brows, nostrils and lips: never skin, whatever their colour."""
    mask = np.zeros(shape, dtype=bool)
    for ellipse in FEATURE_ELLIPSES.values():
        mask |= _ellipse_mask(shape, face, ellipse)
    return mask


def region_boxes(shape: tuple[int, int], face: Face) -> dict[str, tuple[int, int, int, int]]:
    """Each region's (x0, y0, x1, y1) in working-copy pixels, clipped to the image."""
    height, width = shape
    boxes = {}
    for name, (fx0, fy0, fx1, fy1) in REGION_BOXES.items():
        x0, y0 = face.point(fx0, fy0)
        x1, y1 = face.point(fx1, fy1)
        boxes[name] = (
            int(np.clip(round(x0), 0, width)),
            int(np.clip(round(y0), 0, height)),
            int(np.clip(round(x1), 0, width)),
            int(np.clip(round(y1), 0, height)),
        )
    return boxes


def seed_box(face: Face) -> tuple[float, float, float, float]:
    """Where the skin colour is sampled: the cheeks and the nose between them, below the eyes, above the lips."""
    x0, y0 = face.point(0.2, 0.5)
    x1, y1 = face.point(0.8, 0.68)
    return x0, y0, x1, y1
