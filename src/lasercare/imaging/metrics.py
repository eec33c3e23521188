"""What is measured on the skin: tone (ITA), pigmented spots, redness and texture.

Each measure takes the working copy's arrays and a skin mask and returns plain numbers; `SkinMaps` holds the
intermediate maps once so that per-region values reuse them. Thresholds are named here with the reason for
their value; docs/imaging.md explains each measure and its limits for clinicians.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .colorimetry import FloatArray, delta_e_2000, ita_degrees
from .face import BoolArray

# A pigmented spot is darker than the skin around it by at least this many L* units: about twice the
# just-noticeable difference, and half the contrast of a typical solar lentigo.
SPOT_MIN_DARKENING = 5.0
# A red area's a* is this far above the person's median skin a*: clearly visible erythema, about half of what
# a rosacea patch or an inflamed spot shows.
RED_MIN_A_EXCESS = 6.0
# The local skin colour a spot is compared to: skin blurred at this fraction of the face width, wide enough
# for a spot 8% of the face across to stand out from it.
BACKGROUND_SCALE = 1 / 12
# Texture: difference of Gaussians on log luminance, sigmas as fractions of the face width (a face of 400
# working pixels: 1 and 3 pixels, fine lines and pores).
TEXTURE_SIGMAS = (1 / 400, 3 / 400)


@dataclass(frozen=True)
class Spots:
    count: int
    area_fraction: float  # of the skin
    mean_delta_e: float | None  # CIEDE2000 between each spot and the skin around it, averaged over spots


@dataclass(frozen=True)
class Redness:
    index: float  # mean erythema index over the skin, 100 * log10(R / G) of linear RGB
    area_fraction: float  # of the skin


@dataclass(frozen=True)
class Texture:
    index: float  # 100 x standard deviation of band-passed log luminance over the skin


@dataclass(frozen=True)
class SkinMetrics:
    skin_pixels: int
    ita_deg: float
    spots: Spots
    redness: Redness
    texture: Texture


@dataclass(frozen=True, eq=False)
class SkinMaps:
    """Per-pixel maps computed once for a photo, in working-copy pixels."""

    skin: BoolArray
    ita: FloatArray
    spot_labels: npt.NDArray[np.int32]  # 0: no spot; k: spot number k
    spot_delta_e: npt.NDArray[np.float64]  # per spot label (index 0 unused)
    red: BoolArray
    erythema: FloatArray
    band_pass: FloatArray
    texture_area: BoolArray  # where texture is measured: skin away from its edges and from spots


def _blur_within(values: FloatArray, weights: FloatArray, sigma: float) -> FloatArray:
    """Gaussian average of values over the weighted pixels only (normalised convolution), computed on a copy
    reduced four times, which a background this smooth allows."""
    import cv2

    height, width = weights.shape
    factor = 4 if min(height, width) >= 64 else 1
    small = (max(1, width // factor), max(1, height // factor))
    w_small = cv2.resize(weights, small, interpolation=cv2.INTER_AREA)
    v_small = cv2.resize(values * weights[..., None], small, interpolation=cv2.INTER_AREA)
    s = max(0.5, sigma / factor)
    w_blur = cv2.GaussianBlur(w_small, (0, 0), s)
    v_blur = cv2.GaussianBlur(v_small, (0, 0), s)
    if v_blur.ndim == 2:
        v_blur = v_blur[..., None]
    mean = v_blur / np.maximum(w_blur, 1e-6)[..., None]
    return np.asarray(cv2.resize(mean, (width, height), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def compute_maps(lab: FloatArray, linear: FloatArray, skin: BoolArray, face_width: float) -> SkinMaps:
    import cv2

    weights = skin.astype(np.float32)
    # Spots: darker than the local skin colour. The skin's edges are left out, a band a thirtieth of the face
    # wide: there the skin turns away from the light, meets hair or lies in the eye sockets' shade, and shading
    # would pass for pigment. The simplification: a spot on that band is not counted.
    edge = max(5, round(face_width / 30)) | 1
    erode = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (edge, edge))
    inner = cv2.erode(skin.astype(np.uint8), erode).astype(bool)
    background = _blur_within(lab, weights, face_width * BACKGROUND_SCALE)
    darker = (background[..., 0] - lab[..., 0]) >= SPOT_MIN_DARKENING
    candidate = darker & inner
    # A second background that leaves the first candidates out, so large spots do not darken their own reference.
    background = _blur_within(lab, weights * ~candidate, face_width * BACKGROUND_SCALE)
    candidate = ((background[..., 0] - lab[..., 0]) >= SPOT_MIN_DARKENING) & inner
    min_area = max(6, round((face_width / 100) ** 2))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.astype(np.uint8), connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    renumber = np.zeros(count, dtype=np.int32)
    renumber[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    spot_labels = renumber[labels]
    n_spots = int(keep.sum())
    if n_spots:
        flat = spot_labels.ravel()
        sizes = np.bincount(flat, minlength=n_spots + 1).astype(np.float64)
        sizes[0] = 1
        spot_lab = (
            np.stack([np.bincount(flat, lab[..., c].ravel(), n_spots + 1) for c in range(3)], axis=-1) / sizes[:, None]
        )
        around = (
            np.stack([np.bincount(flat, background[..., c].ravel(), n_spots + 1) for c in range(3)], axis=-1)
            / sizes[:, None]
        )
        spot_delta_e = delta_e_2000(spot_lab, around)
    else:
        spot_delta_e = np.zeros(1)

    # Redness: a* above the person's own median skin a*, so the threshold follows the skin tone.
    a_star = lab[..., 1]
    median_a = float(np.median(a_star[skin])) if skin.any() else 0.0
    red_candidate = (a_star - median_a >= RED_MIN_A_EXCESS) & skin
    count, labels, stats, _ = cv2.connectedComponentsWithStats(red_candidate.astype(np.uint8), connectivity=8)
    red_keep = stats[:, cv2.CC_STAT_AREA] >= 4 * min_area
    red_keep[0] = False
    red = red_keep[labels]
    erythema = (100 * np.log10((linear[..., 0] + 1e-3) / (linear[..., 1] + 1e-3))).astype(np.float32)

    # Texture: band-pass of log luminance, so a brighter or darker exposure (a gain) changes nothing.
    luminance = linear @ np.array([0.2126729, 0.7151522, 0.0721750], dtype=np.float32)
    log_y = np.log(luminance + 1e-3).astype(np.float32)
    s1, s2 = (max(0.6, face_width * s) for s in TEXTURE_SIGMAS)
    band_pass = cv2.GaussianBlur(log_y, (0, 0), s1) - cv2.GaussianBlur(log_y, (0, 0), s2)
    margin = max(3, round(3 * s2)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    texture_area = cv2.erode(skin.astype(np.uint8), kernel).astype(bool)
    if n_spots:
        near_spots = cv2.dilate((spot_labels > 0).astype(np.uint8), kernel).astype(bool)
        texture_area &= ~near_spots
    return SkinMaps(
        skin, ita_degrees(lab), spot_labels, spot_delta_e, red, erythema, band_pass.astype(np.float32), texture_area
    )


def measure(maps: SkinMaps, within: BoolArray | None = None) -> SkinMetrics:
    """The metrics over the skin, or over the skin inside `within` (a face region)."""
    skin = maps.skin if within is None else maps.skin & within
    pixels = int(skin.sum())
    if pixels == 0:
        return SkinMetrics(0, float("nan"), Spots(0, 0.0, None), Redness(float("nan"), 0.0), Texture(float("nan")))
    labels = maps.spot_labels[skin]
    spot_ids = np.unique(labels[labels > 0])
    spot_pixels = int((labels > 0).sum())
    mean_delta_e = float(maps.spot_delta_e[spot_ids].mean()) if spot_ids.size else None
    texture_area = maps.texture_area if within is None else maps.texture_area & within
    band = maps.band_pass[texture_area]
    return SkinMetrics(
        skin_pixels=pixels,
        ita_deg=float(np.median(maps.ita[skin])),
        spots=Spots(int(spot_ids.size), spot_pixels / pixels, mean_delta_e),
        redness=Redness(float(maps.erythema[skin].mean()), float(maps.red[skin].sum()) / pixels),
        texture=Texture(float(100 * band.std()) if band.size > 16 else float("nan")),
    )
