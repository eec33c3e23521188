"""Colour conversions the analysis runs on every pixel: sRGB, linear RGB, CIELAB (D65), ITA and CIEDE2000.

Written out in numpy float32 rather than called from colour-science because they run on a million pixels per
photo and colour-science works in float64 with checks on every call; tests/imaging/test_colorimetry.py holds
them to colour-science's results.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
ByteArray = npt.NDArray[np.uint8]

# IEC 61966-2-1 sRGB primaries with the D65 white: linear RGB -> CIE XYZ.
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ],
    dtype=np.float32,
)
XYZ_TO_SRGB = np.linalg.inv(SRGB_TO_XYZ.astype(np.float64)).astype(np.float32)
D65_WHITE = SRGB_TO_XYZ.sum(axis=1)  # XYZ of linear RGB (1, 1, 1)

_EPSILON = 216 / 24389
_KAPPA = 24389 / 27


def _srgb_decode(v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


_DECODE_LUT = _srgb_decode(np.arange(256, dtype=np.float64) / 255).astype(np.float32)


def srgb_to_linear(rgb: ByteArray) -> FloatArray:
    """8-bit sRGB to linear RGB in [0, 1] through a 256-entry table."""
    return _DECODE_LUT[rgb]


def linear_to_srgb(linear: FloatArray) -> ByteArray:
    """Linear RGB to 8-bit sRGB, clipped to the gamut."""
    v = np.clip(linear, 0.0, 1.0)
    encoded = np.where(v <= 0.0031308, v * 12.92, 1.055 * np.power(v, 1 / 2.4) - 0.055)
    return np.asarray(np.clip(encoded * 255 + 0.5, 0, 255), dtype=np.uint8)


def _f(t: FloatArray) -> FloatArray:
    return np.where(t > _EPSILON, np.cbrt(t), (_KAPPA * t + 16) / 116).astype(np.float32)


def linear_to_lab(linear: FloatArray) -> FloatArray:
    """Linear sRGB (..., 3) to CIELAB under D65, float32."""
    xyz = linear @ (SRGB_TO_XYZ / D65_WHITE[:, None]).T
    fx, fy, fz = _f(xyz[..., 0]), _f(xyz[..., 1]), _f(xyz[..., 2])
    return np.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1).astype(np.float32)


def lab_to_linear(lab: FloatArray) -> FloatArray:
    """CIELAB under D65 back to linear sRGB (unclipped)."""
    fy = (lab[..., 0] + 16) / 116
    fx = fy + lab[..., 1] / 500
    fz = fy - lab[..., 2] / 200

    def inverse(f: npt.NDArray[np.floating[Any]]) -> FloatArray:
        return np.where(f**3 > _EPSILON, f**3, (116 * f - 16) / _KAPPA).astype(np.float32)

    xyz = np.stack([inverse(fx), inverse(fy), inverse(fz)], axis=-1) * D65_WHITE
    return np.asarray(xyz @ XYZ_TO_SRGB.T, dtype=np.float32)


def ita_degrees(lab: FloatArray) -> FloatArray:
    """Individual Typology Angle, arctan((L* - 50) / b*) in degrees (Chardon 1991).

    atan2 gives the same angle for b* > 0, where skin always lies, and stays finite where b* is near zero.
    """
    return np.degrees(np.arctan2(lab[..., 0] - 50, lab[..., 2])).astype(np.float32)


def delta_e_2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    a = np.asarray(lab1, dtype=np.float64)
    b = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    l2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dl = l2 - l1
    dc = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    dhh = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(
        c1p * c2p == 0,
        h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.asarray(
        np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dhh / s_h) ** 2 + r_t * (dc / s_c) * (dhh / s_h)),
        dtype=np.float64,
    )
