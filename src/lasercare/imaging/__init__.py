"""Photo analysis on arrays: skin tone (ITA), pigmented spots, redness and texture from ordinary clinic photos,
colour-calibrated when a ColorChecker is in the frame, per face region, with overlays and before/after
comparison. No Django; frozen values out. See docs/imaging.md.

    >>> from lasercare.imaging import analyse_photo, analysis_to_dict
    >>> analysed = analyse_photo("photo.jpg")  # doctest: +SKIP
    >>> analysis_to_dict(analysed.result, "photo.jpg")["ita_category"]  # doctest: +SKIP
    'intermediate'
"""

from .analysis import (
    AnalysedPhoto,
    PhotoAnalysis,
    RegionMetrics,
    analyse_array,
    analyse_loaded,
    analyse_photo,
    analysis_to_dict,
)
from .calibration import Calibration
from .comparison import Comparison, MetricChange, Registration, compare
from .loading import ImageError, LoadedPhoto, load_photo, stripped_copy
from .metrics import Redness, SkinMetrics, Spots, Texture
from .overlay import render_overlay, save_overlay

__all__ = [
    "AnalysedPhoto",
    "Calibration",
    "Comparison",
    "ImageError",
    "LoadedPhoto",
    "MetricChange",
    "PhotoAnalysis",
    "Redness",
    "RegionMetrics",
    "Registration",
    "SkinMetrics",
    "Spots",
    "Texture",
    "analyse_array",
    "analyse_loaded",
    "analyse_photo",
    "analysis_to_dict",
    "compare",
    "load_photo",
    "render_overlay",
    "save_overlay",
    "stripped_copy",
]
