"""Loading photos: every format a clinic produces, upright, within limits, and a clear error for anything else."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lasercare.imaging import ImageError, load_photo, stripped_copy


def _photo(width: int = 320, height: int = 240) -> Image.Image:
    array = np.zeros((height, width, 3), dtype=np.uint8)
    array[:, : width // 2] = (200, 40, 40)  # red left half
    array[:, width // 2 :] = (40, 40, 200)  # blue right half
    return Image.fromarray(array)


def _jpeg_bytes(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, **options)
    return out.getvalue()


def test_truncated_jpeg_is_reported_as_truncated(tmp_path: Path) -> None:
    data = _jpeg_bytes(_photo(640, 480))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="truncated JPEG"):
        load_photo(path)


def test_zero_byte_file_is_reported_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(ImageError, match="empty file"):
        load_photo(path)


def test_text_file_named_jpg_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("Patient notes: no photo here.\n", encoding="utf-8")
    with pytest.raises(ImageError, match="not an image: looks like text"):
        load_photo(path)


def test_one_pixel_image_is_too_small(tmp_path: Path) -> None:
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1)).save(path)
    with pytest.raises(ImageError, match="too small to analyse: 1x1"):
        load_photo(path)


@pytest.mark.parametrize("side", [12_000, 20_000])  # above our limit; above Pillow's own bomb limit
def test_png_bomb_is_refused_before_decoding(tmp_path: Path, side: int) -> None:
    path = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(path, optimize=False)  # 1-bit zeros: a small file, gigabytes decoded
    assert path.stat().st_size < 200_000
    with pytest.raises(ImageError, match=rf"image too large: {side * side} pixels, limit 80000000"):
        load_photo(path)


def test_unsupported_format_is_named(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    _photo().save(path)
    with pytest.raises(ImageError, match="unsupported format GIF"):
        load_photo(path)


def test_missing_file_is_reported() -> None:
    with pytest.raises(ImageError, match="no such file"):
        load_photo("/nonexistent/photo.jpg")


def test_exif_orientation_is_applied() -> None:
    image = _photo(320, 240)
    exif = image.getexif()
    exif[0x0112] = 6  # stored on its side: rotate 90 degrees clockwise to view
    photo = load_photo(_jpeg_bytes(image, exif=exif))
    assert (photo.width, photo.height) == (240, 320)
    assert photo.rgb.shape == (320, 240, 3)
    top, bottom = photo.rgb[20, 120], photo.rgb[300, 120]
    assert top[0] > top[2] and bottom[2] > bottom[0]  # the red half now on top


def test_heic_loads(tmp_path: Path) -> None:
    path = tmp_path / "face.heic"
    _photo().save(path, format="HEIF", quality=90)
    photo = load_photo(path)
    assert (photo.width, photo.height, photo.format) == (320, 240, "HEIF")
    assert abs(int(photo.rgb[120, 40, 0]) - 200) < 20


def test_tiff_and_png_load(tmp_path: Path) -> None:
    for name in ("face.tiff", "face.png"):
        _photo().save(tmp_path / name)
        photo = load_photo(tmp_path / name)
        assert photo.rgb.shape == (240, 320, 3)
        assert tuple(photo.rgb[120, 40]) == (200, 40, 40)


def test_large_jpeg_is_analysed_on_a_reduced_working_copy() -> None:
    photo = load_photo(_jpeg_bytes(_photo(4000, 3000)))
    assert (photo.width, photo.height) == (4000, 3000)
    assert max(photo.rgb.shape[:2]) == 1280


def test_stored_copy_has_no_metadata() -> None:
    image = _photo()
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 1
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.0)
    original = _jpeg_bytes(image, exif=exif.tobytes())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    copy = stripped_copy(original)
    stored = Image.open(io.BytesIO(copy))
    assert b"Exif" not in copy
    assert not stored.getexif()
    assert stored.size == (320, 240)


def test_a_heic_above_its_formats_limit_is_refused_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    # A HEIC of 50 megapixels takes minutes to encode: the test lowers HEIC's limit under a small one instead.
    from lasercare.imaging import loading

    monkeypatch.setitem(loading.FORMAT_MAX_PIXELS, "HEIF", 70_000)
    data = io.BytesIO()
    _photo(320, 240).save(data, format="HEIF")  # 76,800 pixels
    with pytest.raises(ImageError, match=r"0.1 megapixels, limit 0.07 megapixels for HEIF.*export it as JPEG"):
        load_photo(data.getvalue())


def test_the_largest_accepted_jpeg_is_analysed_and_its_stored_copy_halved() -> None:
    from lasercare.imaging import analyse_photo

    data = _jpeg_bytes(Image.new("RGB", (10320, 7744), (180, 140, 120)))  # 79.9 megapixels
    assert analyse_photo(data).result.width == 10320
    assert Image.open(io.BytesIO(stripped_copy(data))).size == (5160, 3872)  # at most DISPLAY_MAX_PIXELS


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_the_largest_accepted_png_and_tiff_load(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"limit.{fmt.lower()}"
    Image.new("RGB", (10320, 7744), (180, 140, 120)).save(path, format=fmt)  # 79.9 megapixels
    photo = load_photo(path)
    assert (photo.width, photo.height, photo.format) == (10320, 7744, fmt)
    assert max(photo.rgb.shape[:2]) == 1280
    assert tuple(photo.rgb[100, 100]) == (180, 140, 120)
    assert Image.open(io.BytesIO(stripped_copy(path))).size == (5160, 3872)  # halved under 40 megapixels


def test_a_16_bit_greyscale_png_is_scaled_to_8_bits_not_clipped(tmp_path: Path) -> None:
    path = tmp_path / "grey16.png"
    Image.fromarray(np.full((300, 400), 0x8040, dtype=np.uint16)).save(path)
    assert Image.open(path).mode == "I;16"
    assert tuple(load_photo(path).rgb[10, 10]) == (128, 128, 128)
    assert Image.open(io.BytesIO(stripped_copy(path))).getpixel((10, 10)) == (128, 128, 128)


def test_a_large_16_bit_greyscale_png_is_reduced_with_its_values_scaled(tmp_path: Path) -> None:
    path = tmp_path / "grey16.png"
    Image.fromarray(np.full((3000, 4000), 0xC000, dtype=np.uint16)).save(path)
    photo = load_photo(path)
    assert max(photo.rgb.shape[:2]) == 1280
    assert tuple(photo.rgb[10, 10]) == (192, 192, 192)


@pytest.mark.parametrize("mode", ["P", "CMYK", "1"])
def test_a_large_photo_in_another_mode_is_reduced_with_its_colours(tmp_path: Path, mode: str) -> None:
    path = tmp_path / f"large-{mode}.tiff"
    Image.new("RGB", (4000, 3000), (255, 255, 255) if mode == "1" else (200, 40, 40)).convert(mode).save(path)
    photo = load_photo(path)
    assert max(photo.rgb.shape[:2]) == 1280
    colours = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)  # a palette's dithering, averaged
    assert np.abs(photo.rgb[10:-10, 10:-10].mean(axis=(0, 1)) - colours.mean(axis=(0, 1))).max() < 2
