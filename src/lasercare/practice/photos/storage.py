"""Where the photos' files live: the `photos` storage of settings.STORAGES, private (no URL serves it).

Three files per photo, by its opaque id: the original exactly as uploaded (kept for the record, never shown or
served), the copy without metadata that the app shows and analyses, and the analysis overlay. The views and the
patient portal open them here, after their own access check and audit entry.
"""

from __future__ import annotations

from typing import Literal

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages

from lasercare.practice.photos.models import SkinPhoto

Variant = Literal["photo", "overlay"]
CONTENT_TYPES: dict[Variant, str] = {"photo": "image/jpeg", "overlay": "image/png"}
_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "HEIF": ".heic"}


def photo_storage() -> Storage:
    return storages["photos"]


def save_file(name: str, data: bytes) -> str:
    """Store `data` under `name` (or the free name the storage picks beside it); the stored name."""
    return photo_storage().save(name, ContentFile(data))


def original_name(public_id: object, kind: str) -> str:
    return f"originals/{public_id}{_EXTENSIONS.get(kind, '.bin')}"


def open_image(photo: SkinPhoto, variant: Variant = "photo") -> File[bytes]:
    """The photo's copy without metadata, or its overlay, opened for reading. The caller checks access and audits.

    Raises FileNotFoundError for an overlay not made yet (the analysis is queued, running or failed)."""
    name = photo.working_name if variant == "photo" else photo.overlay_name
    if not name:
        raise FileNotFoundError(f"no {variant} for this photo yet")
    return photo_storage().open(name, "rb")


def read_bytes(name: str) -> bytes:
    with photo_storage().open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def remove(*names: str) -> None:
    storage = photo_storage()
    for name in names:
        if name:
            storage.delete(name)
