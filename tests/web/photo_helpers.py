"""Photo files for the photo tests: a synthetic portrait with known truth (lasercare.imaging.synthetic), plain
images, and the bad files a clinic's upload form meets. The photo storage of each test is a folder of its own."""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, render
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.consultations.models import Consultation
from lasercare.practice.photos import services
from lasercare.practice.photos.models import PhotoScope, SkinPhoto


@pytest.fixture
def photo_storage(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """The `photos` storage in this test's own folder."""
    location = tmp_path / "private-photos"
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "photos": {
                **settings.STORAGES["photos"],
                "OPTIONS": {**settings.STORAGES["photos"]["OPTIONS"], "location": location},
            },
        }
    ):
        yield location


# A stored analysis with every field the pages read, for tests about pages rather than measurements.
ANALYSIS: dict[str, Any] = {
    "ita_deg": 40.0,
    "ita_category": "light",
    "fitzpatrick_estimate": "II",
    "calibrated": False,
    "chart_delta_e": None,
    "skin_fraction": 0.3,
    "face_found": False,
    "spots": {"count": 3, "area_fraction": 0.01, "mean_delta_e": 6.0},
    "redness": {"index": 20.0, "area_fraction": 0.02},
    "texture": {"index": 1.0},
    "regions": {},
}


def jpeg(image: Image.Image, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, **options)
    return out.getvalue()


def with_gps(image: Image.Image) -> bytes:
    """A JPEG that says where it was taken, as a phone's would."""
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.0)
    return jpeg(image, exif=exif.tobytes())


def plain_image(width: int = 320, height: int = 240) -> Image.Image:
    return Image.new("RGB", (width, height), (190, 150, 130))


@cache
def portrait_jpeg(category: str = "light", spots: int = 16, red_patch: bool = True) -> bytes:
    """A portrait whose skin, spots and red patch the analysis finds (tests/imaging checks how well)."""
    spec = PortraitSpec(SKIN_BY_CATEGORY[category], spot_count=spots, red_patch=red_patch, chart=True)
    return jpeg(Image.fromarray(render(spec).rgb))


def bad_files() -> dict[str, bytes]:
    truncated = jpeg(plain_image(640, 480))
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, format="PNG", optimize=False)
    dot = io.BytesIO()
    Image.new("RGB", (1, 1)).save(dot, format="PNG")
    return {
        "truncated JPEG": truncated[: len(truncated) // 2],
        "PNG bomb": bomb.getvalue(),
        "text named .jpg": b"Patient notes: no photo here.\n",
        "1x1 image": dot.getvalue(),
    }


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_of(
    consultation: Consultation,
    by: StaffUser,
    data: bytes,
    *,
    view: str = "frontal",
    taken_at: Any = None,
    analyse: bool = True,
) -> SkinPhoto:
    """A photo uploaded through the service (consent recorded first when there is none), analysed at once."""
    from django.utils import timezone

    if services.current_photo_consent(consultation.patient) is None:
        services.record_photo_consent(None, by, consultation.patient, scope=PhotoScope.CLINICAL)
    photo = services.upload_photo(
        None, by, upload(data), view=view, taken_at=taken_at or timezone.now(), consultation=consultation
    )
    if analyse:
        services.run_analysis(photo.pk)
        photo.refresh_from_db()
    return photo
