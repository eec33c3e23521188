"""Reading a photo safely: the formats a clinic's cameras and phones produce, oriented, never trusted.

A photo is checked before it is decoded (its declared size against a pixel limit, so a small file that would
inflate to gigabytes is refused), decoded once, turned upright by its EXIF orientation, converted to sRGB when it
carries a colour profile, and reduced to a working copy of at most `working_long_side` pixels on the long side:
every measurement runs on that copy (a 12-megapixel photo would take many times longer and measure the same
things, see docs/imaging.md). JPEGs are decoded straight at a reduced scale (libjpeg's DCT scaling), which is
what keeps a 12-megapixel photo inside its time budget; other formats are reduced by a whole factor right after
decoding. No full-size copy is made beyond the decoded image itself (an 80-megapixel upload stays under 600 MB
in a web worker, docs/imaging.md): that is also why HEIC has a lower pixel limit (FORMAT_MAX_PIXELS).

Stored copies (`stripped_copy`) keep the pixels only: no EXIF (GPS, camera serial, date), no XMP, no comments;
they are at most DISPLAY_MAX_PIXELS (a larger photo is halved).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF, what iPhones save by default
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIF_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is a dependency; without it HEIC is "unsupported"
    HEIF_SUPPORTED = False

DEFAULT_MAX_PIXELS = 80_000_000  # above any clinic camera's normal output; below Pillow's own bomb warning
# Each format's own limit, for what one upload may cost a web worker (at most 600 MB, docs/imaging.md). A JPEG
# is decoded straight at a reduced scale; PNG and TIFF are decoded at full size (4 bytes a pixel) and reduced at
# once, which stays under it at the general limit (bench/photo_memory.py). libheif decodes a HEIC into a buffer
# of its own that Pillow then copies, twice the memory, so HEIC's limit is lower. A caller's max_pixels still wins.
FORMAT_MAX_PIXELS = {
    "JPEG": DEFAULT_MAX_PIXELS,
    "PNG": DEFAULT_MAX_PIXELS,
    "TIFF": DEFAULT_MAX_PIXELS,
    "HEIF": 50_000_000,
}
# The stored copy the app shows: a photo above this is reduced (halved, or more) so that it is at most this size.
DISPLAY_MAX_PIXELS = 40_000_000
MIN_SIDE = 64  # below this there is no face to measure
WORKING_LONG_SIDE = 1280  # about 1.2 megapixels at 4:3

# MPO is the multi-picture JPEG some cameras write; its first frame is an ordinary JPEG.
SUPPORTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "TIFF": "TIFF", "HEIF": "HEIF"}


class ImageError(ValueError):
    """A photo that cannot be analysed, with a message a person can act on."""


@dataclass(frozen=True, eq=False)
class LoadedPhoto:
    rgb: npt.NDArray[np.uint8]  # the upright working copy, sRGB, (height, width, 3)
    width: int  # of the upright photo as taken
    height: int
    format: str  # JPEG, PNG, TIFF or HEIF
    colour_profile: str  # what the pixels were converted from, or that sRGB was assumed

    @property
    def scale(self) -> float:
        """Working-copy pixels per photo pixel."""
        return float(self.rgb.shape[1]) / self.width


def _read_bytes(source: str | Path | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    try:
        return Path(source).read_bytes()
    except FileNotFoundError:
        raise ImageError("no such file") from None
    except IsADirectoryError:
        raise ImageError("is a directory, not a photo") from None
    except OSError as error:
        raise ImageError(f"cannot be read: {error.strerror or error}") from None


def _not_an_image(data: bytes) -> ImageError:
    if not data:
        return ImageError("empty file (0 bytes)")
    head = data[:4096]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
        return ImageError("not an image: looks like text")
    return ImageError("not an image in a supported format (JPEG, PNG, TIFF, HEIC/HEIF)")


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit; ours is lower and checked below, with a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as error:
        sizes = re.findall(r"\d+", str(error))
        pixels = sizes[0] if sizes else "too many"
        raise ImageError(f"image too large: {pixels} pixels, limit {max_pixels}") from None
    except UnidentifiedImageError:
        raise _not_an_image(data) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(f"corrupt image: {error}") from None
    if image.format not in SUPPORTED_FORMATS:
        raise ImageError(f"unsupported format {image.format}: use JPEG, PNG, TIFF or HEIC/HEIF")
    width, height = image.size
    if width * height > max_pixels:
        raise ImageError(f"image too large: {width * height} pixels, limit {max_pixels}")
    kind = SUPPORTED_FORMATS[str(image.format)]
    limit = FORMAT_MAX_PIXELS[kind]
    if width * height > limit:
        raise ImageError(
            f"image too large for a {kind} file: {width * height / 1e6:.1f} megapixels, limit {limit / 1e6:g} "
            f"megapixels for {kind} (up to {DEFAULT_MAX_PIXELS / 1e6:g} as JPEG): export it as JPEG, or reduce it"
        )
    return image


# The modes Image.reduce averages as they are (CMYK and YCbCr too: converting first would be a full-size copy).
REDUCIBLE_MODES = ("L", "LA", "La", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "I", "F")


def _decode(image: Image.Image, kind: str, working_long_side: int) -> Image.Image:
    """The photo decoded, reduced by a whole factor where the format allows, its long side still at least
    `working_long_side`: a JPEG by libjpeg's DCT scaling (1/2, 1/4, 1/8) as it is decoded, any other format by
    averaging blocks of pixels (Image.reduce) right after, so no full-size copy outlives the decoding."""
    if kind == "JPEG" and image.mode in ("RGB", "L", "CMYK", "YCbCr"):
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale directly; draft picks the smallest that is still large enough.
        ratio = working_long_side / max(image.size)
        if ratio < 1:
            # rounded up, and no further: draft keeps a scale only when the photo is a whole multiple of this
            image.draft("RGB", (math.ceil(image.size[0] * ratio), math.ceil(image.size[1] * ratio)))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        message = str(error)
        if "truncated" in message or "broken data stream" in message or "end of file" in message.lower():
            raise ImageError(f"truncated {kind}") from None
        raise ImageError(f"corrupt {kind}: {message}") from None
    image = _to_8bit(image)
    factor = max(image.size) // working_long_side
    if factor >= 2:
        if image.mode == "1":
            image = image.convert("L")
        elif image.mode not in REDUCIBLE_MODES:  # a palette's indices cannot be averaged: its colours can
            image = image.convert("RGB")
        info = image.info
        image = image.reduce(factor)
        image.info = info  # the colour profile and the orientation, which the reduced copy needs
    return image


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit greyscale as 8-bit, each pixel's high byte (Pillow's own conversion would clip at 255 instead of
    scaling), a band of rows at a time so that no full-size 16- or 32-bit array is made."""
    if image.mode not in ("I;16", "I;16B", "I;16L"):
        return image
    width, height = image.size
    high = np.empty((height, width), dtype=np.uint8)
    for top in range(0, height, 256):
        band = np.asarray(image.crop((0, top, width, min(height, top + 256))))
        high[top : top + band.shape[0]] = band >> 8
    info = image.info
    image = Image.fromarray(high, "L")
    image.info = info
    return image


def _to_srgb(image: Image.Image) -> tuple[Image.Image, str]:
    icc = image.info.get("icc_profile")
    if image.mode == "I":
        # 32-bit greyscale holding 16-bit values (a reduced 16-bit photo): Pillow's convert("RGB") would clip at
        # 255 instead of scaling. The copy is small: this runs on the reduced image.
        array = np.asarray(image)
        image = Image.fromarray((array >> 8).clip(0, 255).astype(np.uint8), "L")
    if image.mode != "RGB":
        image = image.convert("RGB")
    if not icc:
        return image, "sRGB assumed (no colour profile)"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = ImageCms.getProfileDescription(source).strip() or "embedded profile"
        if "srgb" in name.lower():
            return image, name
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image, "sRGB assumed (colour profile unreadable)"
    assert converted is not None
    return converted, f"converted from {name}"


def load_photo(
    source: str | Path | bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    working_long_side: int = WORKING_LONG_SIDE,
) -> LoadedPhoto:
    """The photo's upright sRGB working copy; ImageError says why a file cannot be used."""
    data = _read_bytes(source)
    image = _open(data, max_pixels)
    kind = SUPPORTED_FORMATS[str(image.format)]
    width, height = image.size
    image = _decode(image, kind, working_long_side)
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):  # the photo stands on its side: its upright size is swapped
        width, height = height, width
    with contextlib.suppress(OSError, ValueError, SyntaxError):  # a broken EXIF block must not lose the photo
        ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of an upright photo
    if min(width, height) < MIN_SIDE:
        raise ImageError(f"too small to analyse: {width}x{height} (at least {MIN_SIDE} pixels a side)")
    image, profile = _to_srgb(image)
    rgb = np.asarray(image, dtype=np.uint8)
    long_side = max(rgb.shape[:2])
    if long_side > working_long_side:
        import cv2

        ratio = working_long_side / long_side
        size = (max(1, round(rgb.shape[1] * ratio)), max(1, round(rgb.shape[0] * ratio)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return LoadedPhoto(np.ascontiguousarray(rgb), width, height, kind, profile)


def stripped_copy(
    source: str | Path | bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    fmt: str = "JPEG",
    display_max_pixels: int = DISPLAY_MAX_PIXELS,
) -> bytes:
    """The photo upright, re-encoded with its pixels only: no EXIF (GPS above all), XMP or comments.

    The copy to store and show, at full size up to `display_max_pixels`; a larger photo is reduced by the smallest
    whole factor that brings it under (a JPEG decoded straight at that scale), so that making the copy stays within
    a worker's memory. The colour profile is kept: it describes the pixels and identifies no one.
    """
    data = _read_bytes(source)
    image = _open(data, max_pixels)
    kind = SUPPORTED_FORMATS[str(image.format)]
    width, height = image.size
    factor = 1
    while (width // factor) * (height // factor) > display_max_pixels:
        factor += 1
    image = _decode(image, kind, working_long_side=max(width, height) // factor)
    with contextlib.suppress(OSError, ValueError, SyntaxError):
        ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    if image.mode == "I":
        image, _ = _to_srgb(image)  # its 16-bit values scaled to 8 bits, not clipped
    if image.mode != "RGB":
        image = image.convert("RGB")
    # Nothing of the photo's info dictionary may reach the file: Pillow writes a comment from it when saving.
    image.info = {}
    out = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=95, **options)
    else:
        image.save(out, format="PNG", **options)
    return out.getvalue()
