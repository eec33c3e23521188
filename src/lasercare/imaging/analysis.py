"""One photo in, its measurements out: the order of the steps and the record of how each was done.

    load (loading.py) -> find a chart, correct colour (calibration.py) -> CIELAB -> find the face (face.py)
    -> skin mask (skin.py) -> maps and metrics over the skin and per face region (metrics.py)

Everything after loading runs on the working copy (about 1.2 megapixels): areas are fractions, so they do not
depend on it, and the count of spots only loses spots smaller than about a hundredth of the face's width.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .calibration import Calibration, calibrate
from .colorimetry import FloatArray, linear_to_lab, srgb_to_linear
from .face import BoolArray, Face, find_face, region_boxes
from .loading import DEFAULT_MAX_PIXELS, LoadedPhoto, load_photo
from .metrics import SkinMaps, SkinMetrics, compute_maps, measure
from .skin import SkinModel, skin_mask

FITZPATRICK_NOTE = (
    "an estimate from the ITA category only: ITA (colour) and Fitzpatrick type (reaction to sun) are not "
    "interchangeable; a clinician confirms the type"
)


@dataclass(frozen=True)
class RegionMetrics:
    name: str
    metrics: SkinMetrics


@dataclass(frozen=True)
class PhotoAnalysis:
    """The measurements of one photo, and how they were obtained."""

    width: int
    height: int
    working_width: int
    working_height: int
    calibration: Calibration
    face: Face | None  # in working-copy pixels
    skin_model: SkinModel
    skin_fraction: float  # of the image
    ita_category: str | None
    fitzpatrick_estimate: str | None
    metrics: SkinMetrics
    regions: tuple[RegionMetrics, ...]
    colour_profile: str
    seconds: float

    @property
    def calibrated(self) -> bool:
        return self.calibration.calibrated


@dataclass(frozen=True, eq=False)
class AnalysedPhoto:
    """The analysis with the arrays behind it, for overlays and comparisons."""

    result: PhotoAnalysis
    rgb: npt.NDArray[np.uint8]  # the working copy as loaded
    linear: FloatArray  # colour-corrected linear RGB
    lab: FloatArray
    maps: SkinMaps
    excluded: BoolArray
    region_masks: dict[str, BoolArray]


@cache
def _phototype_rules() -> Any:
    """The engine's ITA categories and their phototype estimates, so the command and the engine agree."""
    from lasercare.engine import load_knowledge

    return load_knowledge().phototype_rules


def ita_category_and_estimate(ita_deg: float) -> tuple[str | None, str | None]:
    if math.isnan(ita_deg):
        return None, None
    from lasercare.engine.phototype import ita_category

    rules = _phototype_rules()
    category = ita_category(ita_deg, rules)
    return category, rules.ita_estimate.get(category)


def _region_masks(shape: tuple[int, int], face: Face | None) -> dict[str, BoolArray]:
    if face is None:
        return {}
    masks = {}
    for name, (x0, y0, x1, y1) in region_boxes(shape, face).items():
        mask = np.zeros(shape, dtype=bool)
        mask[y0:y1, x0:x1] = True
        masks[name] = mask
    return masks


def analyse_loaded(photo: LoadedPhoto, started: float | None = None) -> AnalysedPhoto:
    started = time.perf_counter() if started is None else started
    rgb = photo.rgb
    linear = srgb_to_linear(rgb)
    calibration = calibrate(linear)
    linear = calibration.apply(linear)
    lab = linear_to_lab(linear)
    face = find_face(rgb)
    skin, model, excluded = skin_mask(lab, face, calibration.chart_box)
    face_width = face.width if face is not None else min(rgb.shape[:2]) / 2
    maps = compute_maps(lab, linear, skin, face_width)
    metrics = measure(maps)
    masks = _region_masks(skin.shape, face)
    regions = tuple(RegionMetrics(name, measure(maps, mask)) for name, mask in masks.items())
    category, estimate = ita_category_and_estimate(metrics.ita_deg)
    result = PhotoAnalysis(
        width=photo.width,
        height=photo.height,
        working_width=rgb.shape[1],
        working_height=rgb.shape[0],
        calibration=calibration,
        face=face,
        skin_model=model,
        skin_fraction=float(skin.mean()),
        ita_category=category,
        fitzpatrick_estimate=estimate,
        metrics=metrics,
        regions=regions,
        colour_profile=photo.colour_profile,
        seconds=time.perf_counter() - started,
    )
    return AnalysedPhoto(result, rgb, linear, lab, maps, excluded, masks)


def analyse_photo(source: str | Path | bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> AnalysedPhoto:
    """Load and analyse a photo file; raises loading.ImageError when it cannot be read."""
    started = time.perf_counter()
    return analyse_loaded(load_photo(source, max_pixels=max_pixels), started)


def analyse_array(rgb: npt.NDArray[np.uint8]) -> AnalysedPhoto:
    """Analyse an upright 8-bit sRGB array already in memory (tests, the web app's thumbnails)."""
    import cv2

    from .loading import WORKING_LONG_SIDE

    started = time.perf_counter()
    height, width = rgb.shape[:2]
    working = rgb
    if max(height, width) > WORKING_LONG_SIDE:
        ratio = WORKING_LONG_SIDE / max(height, width)
        size = (round(width * ratio), round(height * ratio))
        working = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return analyse_loaded(LoadedPhoto(np.ascontiguousarray(working), width, height, "array", "sRGB assumed"), started)


def _number(value: float | None, digits: int) -> float | None:
    if value is None or math.isnan(value):
        return None
    return round(value, digits)


def metrics_to_dict(metrics: SkinMetrics) -> dict[str, Any]:
    return {
        "ita_deg": _number(metrics.ita_deg, 2),
        "spots": {
            "count": metrics.spots.count,
            "area_fraction": _number(metrics.spots.area_fraction, 5),
            "mean_delta_e": _number(metrics.spots.mean_delta_e, 2),
        },
        "redness": {
            "index": _number(metrics.redness.index, 3),
            "area_fraction": _number(metrics.redness.area_fraction, 5),
        },
        "texture": {"index": _number(metrics.texture.index, 4)},
    }


def analysis_to_dict(result: PhotoAnalysis, file: str) -> dict[str, Any]:
    """The `lasercare analyze --json` document of one photo (docs/cli.md)."""
    face = result.face
    scale = result.width / result.working_width
    metrics = metrics_to_dict(result.metrics)
    regions = {}
    for region in result.regions:
        category, _ = ita_category_and_estimate(region.metrics.ita_deg)
        regions[region.name] = {**metrics_to_dict(region.metrics), "ita_category": category}
    return {
        "file": file,
        "width": result.width,
        "height": result.height,
        "calibrated": result.calibrated,
        "chart_delta_e": result.calibration.chart_delta_e,
        "skin_fraction": round(result.skin_fraction, 5),
        "ita_deg": metrics["ita_deg"],
        "ita_category": result.ita_category,
        "fitzpatrick_estimate": result.fitzpatrick_estimate,
        "fitzpatrick_note": FITZPATRICK_NOTE,
        "spots": metrics["spots"],
        "redness": metrics["redness"],
        "texture": metrics["texture"],
        "regions": regions,
        "face_found": face is not None,
        "face_box": (
            None
            if face is None
            else [round(face.x * scale), round(face.y * scale), round(face.width * scale), round(face.height * scale)]
        ),
        "method": {
            "calibration": result.calibration.method,
            "face": face.method if face is not None else "no face found: skin sampled at the image centre, no regions",
            "skin_seed": result.skin_model.seeded_from,
            "colour_profile": result.colour_profile,
            "working_size": [result.working_width, result.working_height],
        },
        "seconds": round(result.seconds, 3),
    }
