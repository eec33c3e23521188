"""Synthetic portraits with known truth, for the imaging tests, the benchmark and the demo practice.

A portrait is drawn in CIELAB (D65) from a known skin colour: a wall, hair, a face with eyes, brows and lips,
round pigmented spots of a known number and area, one red patch of a known area, fine forehead lines and a
faint skin texture. Then, like a camera would: a colour cast and an exposure as gains on linear RGB, sensor
noise, 8-bit sRGB. Pose (shift, rotation, scale) moves the face and its features, not the pixels, so a
"retake" is drawn afresh rather than resampled. The conversion to sRGB uses colour-science, independent of the
code under test.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # colour-science warns that matplotlib is absent
    import colour

FloatArray = npt.NDArray[np.float64]

# Skin colours chosen in the middle of each ITA category (Chardon 1991 / Del Bino bounds), chroma as measured on
# real skin of that tone; every one is inside the sRGB gamut with the spots and the red patch drawn on it.
SKIN_BY_CATEGORY: dict[str, tuple[float, float, float]] = {
    "very_light": (74.0, 7.0, 12.0),  # ITA 63.4
    "light": (65.0, 10.0, 15.0),  # ITA 45.0
    "intermediate": (60.0, 11.0, 17.0),  # ITA 30.5... see ita_of
    "tan": (55.0, 12.0, 18.0),
    "brown": (45.0, 13.0, 18.0),
    "dark": (32.0, 11.0, 13.0),
}

WALL_LAB = (72.0, -1.0, -6.0)
HAIR_LAB = (18.0, 3.0, 5.0)
CLOTH_LAB = (35.0, 5.0, -25.0)
SCLERA_LAB = (88.0, 0.0, 3.0)
IRIS_LAB = (28.0, 4.0, 10.0)
SPOT_SHIFT = (-11.0, 2.0, 5.0)  # a lentigo: darker, browner
RED_SHIFT = (-2.0, 14.0, 3.0)  # erythema: redder
LIPS_SHIFT = (-10.0, 24.0, 4.0)
LINE_SHIFT = -3.0  # fine lines, in L*

WARM_CAST = (1.0, 0.78, 0.55)  # tungsten-like: gains on linear R, G, B
COOL_CAST = (0.72, 0.86, 1.0)  # shade / cool LED
GREEN_CAST = (0.8, 1.0, 0.75)  # fluorescent


def ita_of(lab: tuple[float, float, float]) -> float:
    return math.degrees(math.atan2(lab[0] - 50, lab[2]))


@dataclass(frozen=True)
class Pose:
    dx: float = 0.0  # pixels
    dy: float = 0.0
    rotation_deg: float = 0.0
    scale: float = 1.0


@dataclass(frozen=True)
class PortraitSpec:
    skin_lab: tuple[float, float, float]
    width: int = 720
    height: int = 960
    spot_count: int = 16
    spot_radius: float = 6.0  # pixels, at scale 1
    red_patch: bool = True
    chart: bool = False
    cast: tuple[float, float, float] = (1.0, 1.0, 1.0)
    exposure: float = 1.0
    pose: Pose = field(default_factory=Pose)
    noise_sd: float = 1.5  # 8-bit levels, a camera at its base ISO
    subject_seed: int = 7  # where the spots and the texture are: the same person across retakes
    noise_seed: int = 0  # the sensor noise: different on every retake


@dataclass(frozen=True)
class Portrait:
    rgb: npt.NDArray[np.uint8]
    spec: PortraitSpec
    ita_deg: float
    spot_count: int
    spot_area_px: float
    red_area_px: float
    face_box: tuple[int, int, int, int]  # x, y, width, height of the face ellipse's bounding box


def _coverage(distance: FloatArray) -> FloatArray:
    """Anti-aliased coverage from a signed distance in pixels (negative inside)."""
    return np.clip(0.5 - distance, 0.0, 1.0)


def _ellipse(u: FloatArray, v: FloatArray, cu: float, cv: float, au: float, av: float) -> FloatArray:
    rho = np.sqrt(((u - cu) / au) ** 2 + ((v - cv) / av) ** 2)
    return _coverage((rho - 1) * min(au, av))


def _texture(shape: tuple[int, int], seed: int, u: FloatArray, v: FloatArray) -> FloatArray:
    """A smooth random field in face coordinates, zero mean, unit deviation (skin's own fine relief)."""
    import cv2

    rng = np.random.default_rng(seed + 1000)
    grid = rng.normal(size=(512, 512)).astype(np.float32)
    grid = np.asarray(cv2.GaussianBlur(grid, (0, 0), 1.6), dtype=np.float32)
    grid /= grid.std()
    map_x = (u + 256).astype(np.float32)
    map_y = (v + 256).astype(np.float32)
    sampled = cv2.remap(grid, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return np.asarray(sampled, dtype=np.float64)


def _place_spots(spec: PortraitSpec, a: float, b: float) -> list[tuple[float, float, float]]:
    """Spot centres and radii in face coordinates: on the cheeks, forehead and chin, apart from each other and
    from the eyes, the lips, the red patch and the face's edge."""
    rng = np.random.default_rng(spec.subject_seed)
    spots: list[tuple[float, float, float]] = []
    avoid = [
        # eyes and brows, with room for the face detector's box to sit a little higher or lower
        (-0.38 * a, -0.17 * b, 0.42 * a, 0.33 * b),
        (0.38 * a, -0.17 * b, 0.42 * a, 0.33 * b),
        (0.0, 0.46 * b, 0.62 * a, 0.24 * b),  # lips
        (0.0, 0.2 * b, 0.36 * a, 0.32 * b),  # nose
        (-0.5 * a, 0.2 * b, 0.33 * a, 0.26 * b),  # red patch with a margin
        (0.0, -0.58 * b, 0.7 * a, 0.1 * b),  # forehead lines
    ]
    tries = 0
    while len(spots) < spec.spot_count:
        tries += 1
        if tries > 20000:
            raise ValueError("cannot place that many spots")
        r = spec.spot_radius * rng.uniform(0.8, 1.25)
        u, v = rng.uniform(-0.8 * a, 0.8 * a), rng.uniform(-0.75 * b, 0.8 * b)
        if (u / (0.78 * a)) ** 2 + (v / (0.8 * b)) ** 2 > 1:
            continue
        if any(((u - cu) / au) ** 2 + ((v - cv) / av) ** 2 < 1 for cu, cv, au, av in avoid):
            continue
        if any(math.hypot(u - su, v - sv) < 3 * (r + sr) for su, sv, sr in spots):
            continue
        spots.append((u, v, r))
    return spots


def chart_reference_linear() -> FloatArray:
    """The 24 ColorChecker Classic patches as linear sRGB (D65), as colour-checker-detection expects them."""
    checker = colour.CCS_COLOURCHECKERS["ColorChecker24 - After November 2014"]
    xyy = np.array(list(checker.data.values()))
    return np.asarray(colour.XYZ_to_RGB(colour.xyY_to_XYZ(xyy), "sRGB", checker.illuminant), dtype=np.float64)


def render(spec: PortraitSpec) -> Portrait:
    w, h = spec.width, spec.height
    pose = spec.pose
    scale = pose.scale * min(w / 720, h / 960)  # a landscape frame keeps the whole head in view
    cx, cy = w / 2 + pose.dx, h * 0.43 + pose.dy
    a, b = 165.0 * scale, 215.0 * scale
    theta = math.radians(pose.rotation_deg)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    # Face coordinates: the pixel's position relative to the face centre, rotated back by the pose.
    u = (xs - cx) * math.cos(theta) + (ys - cy) * math.sin(theta)
    v = -(xs - cx) * math.sin(theta) + (ys - cy) * math.cos(theta)

    skin = np.array(spec.skin_lab)
    lab = np.empty((h, w, 3))
    lab[:] = WALL_LAB

    def paint(cover: FloatArray, colour_lab: npt.ArrayLike) -> None:
        where = cover > 0  # blending only the covered pixels keeps a render at a few tenths of a second
        c = cover[where][:, None]
        lab[where] = lab[where] * (1 - c) + np.asarray(colour_lab, dtype=np.float64) * c

    paint(_coverage((ys - (cy + 1.05 * b)) * -1), CLOTH_LAB)  # shoulders: everything below the chin line
    paint(_ellipse(u, v, 0, -0.12 * b, 1.14 * a, 1.06 * b), HAIR_LAB)
    neck = _coverage(np.maximum(np.abs(u) - 0.55 * a, -(v - 0.3 * b)))
    neck *= _coverage(v - 1.15 * b)
    face = np.maximum(_ellipse(u, v, 0, 0, a, b), neck)
    # the hairline: hair covers the top of the face ellipse
    hairline = _coverage(v + 0.72 * b + 0.15 * b * np.cos(np.clip(u / a, -1.5, 1.5) * 1.6))
    face *= 1 - hairline
    texture = _texture((h, w), spec.subject_seed, u / scale, v / scale)
    skin_layer = np.empty_like(lab)
    skin_layer[:] = skin
    skin_layer[..., 0] += 1.2 * texture
    # Skin's colour is mottled too (blood and melanin vary from pore to pore); flat synthetic colour would let
    # JPEG's chroma quantisation shift a whole face by one step.
    mottle = _texture((h, w), spec.subject_seed + 1, u / scale, v / scale)
    skin_layer[..., 1] += 1.0 * mottle
    skin_layer[..., 2] += 1.0 * _texture((h, w), spec.subject_seed + 2, u / scale, v / scale)
    for k in range(3):  # fine forehead lines
        line_v = (-0.52 - 0.06 * k) * b + 0.04 * b * np.cos(u / a * 2)
        depth = _coverage(np.abs(v - line_v) - 0.6 * scale) * (np.abs(u) < 0.55 * a)
        skin_layer[..., 0] += LINE_SHIFT * depth
    red = _ellipse(u, v, -0.5 * a, 0.2 * b, 0.22 * a, 0.16 * b) if spec.red_patch else np.zeros((h, w))
    skin_layer += red[..., None] * np.array(RED_SHIFT)
    spots = _place_spots(spec, a / scale, b / scale)
    spot_cover = np.zeros((h, w))
    for su, sv, sr in spots:
        # only the window around the spot: evaluating 16 discs over the whole image was most of the render time
        px = cx + su * scale * math.cos(theta) - sv * scale * math.sin(theta)
        py = cy + su * scale * math.sin(theta) + sv * scale * math.cos(theta)
        reach = sr * scale + 3
        x0, x1 = max(0, int(px - reach)), min(w, int(px + reach) + 2)
        y0, y1 = max(0, int(py - reach)), min(h, int(py + reach) + 2)
        window = _ellipse(u[y0:y1, x0:x1], v[y0:y1, x0:x1], su * scale, sv * scale, sr * scale, sr * scale)
        spot_cover[y0:y1, x0:x1] = np.maximum(spot_cover[y0:y1, x0:x1], window)
    skin_layer += spot_cover[..., None] * np.array(SPOT_SHIFT)
    lab[:] = lab * (1 - face[..., None]) + skin_layer * face[..., None]

    for side in (-1, 1):
        ex, ey = side * 0.38 * a, -0.12 * b
        eye = _ellipse(u, v, ex, ey, 0.17 * a, 0.05 * b)
        paint(eye, SCLERA_LAB)
        paint(eye * _ellipse(u, v, ex, ey, 0.055 * b, 0.055 * b), IRIS_LAB)
        paint(eye * _coverage(v - (ey - 0.025 * b)), HAIR_LAB)  # upper lid and lashes
        paint(_ellipse(u, v, ex, -0.27 * b, 0.23 * a, 0.03 * b), HAIR_LAB)
    paint(_ellipse(u, v, 0, 0.5 * b, 0.3 * a, 0.075 * b), skin + np.array(LIPS_SHIFT))
    paint(_ellipse(u, v, 0, 0.5 * b, 0.3 * a, 0.008 * b + 0.6), skin + np.array(LIPS_SHIFT) - (12, 0, 0))

    xyz = colour.Lab_to_XYZ(lab, colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"])
    linear = colour.XYZ_to_RGB(xyz, "sRGB")
    # The orbits lie in shadow under frontal light: what a face detector keys on, on every skin tone.
    shade = np.zeros((h, w))
    for side in (-1, 1):
        shade = np.maximum(
            shade, np.exp(-(((u - side * 0.38 * a) / (0.24 * a)) ** 2 + ((v + 0.15 * b) / (0.13 * b)) ** 2))
        )
    linear = linear * (1 - 0.55 * shade * face)[..., None]
    if spec.chart:
        linear = _draw_chart(linear, spec)
    linear = linear * np.array(spec.cast) * spec.exposure
    encoded = colour.cctf_encoding(np.clip(linear, 0, 1), function="sRGB") * 255
    noise = np.random.default_rng(spec.noise_seed).normal(0, spec.noise_sd, encoded.shape)
    rgb = np.clip(np.round(encoded + noise), 0, 255).astype(np.uint8)

    red_area = float((red * face).sum())
    spot_area = float((spot_cover * face).sum())
    box = (int(cx - a), int(cy - b), int(2 * a), int(2 * b))
    return Portrait(rgb, spec, ita_of(spec.skin_lab), len(spots), spot_area, red_area, box)


def _draw_chart(linear: FloatArray, spec: PortraitSpec) -> FloatArray:
    """A ColorChecker Classic held at the bottom left, in the scene's light."""
    w, h = spec.width, spec.height
    side = round(0.05 * w)
    gap = round(0.012 * w)
    chart_w, chart_h = 6 * side + 7 * gap, 4 * side + 5 * gap
    x0, y0 = round(0.03 * w), h - chart_h - round(0.02 * h)
    out = linear.copy()
    out[y0 : y0 + chart_h, x0 : x0 + chart_w] = 0.012  # the chart's black frame
    reference = chart_reference_linear()
    for index, value in enumerate(reference):
        row, col = divmod(index, 6)
        x, y = x0 + gap + col * (side + gap), y0 + gap + row * (side + gap)
        out[y : y + side, x : x + side] = value
    return out


def save(portrait: Portrait, path: str, quality: int = 95) -> None:
    from PIL import Image

    Image.fromarray(portrait.rgb).save(path, quality=quality)
