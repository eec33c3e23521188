"""Photos: the patient's consent to them, uploading (checked, original kept, metadata stripped), the analysis
job's work, comparing two photos, and the ITA estimate beside the recorded phototype. Each write is audited in the
transaction that makes it; the analysis runs after the upload has committed (tasks.py)."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lasercare.engine.codes import PHOTOTYPES, phototype_index
from lasercare.imaging import (
    ImageError,
    LoadedPhoto,
    analyse_photo,
    analysis_to_dict,
    compare,
    load_photo,
    render_overlay,
)
from lasercare.imaging.loading import stripped_copy
from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.consultations.models import Consultation
from lasercare.practice.patients.models import Patient
from lasercare.practice.photos import storage
from lasercare.practice.photos.models import AnalysisStatus, PhotoConsent, PhotoScope, PhotoView, SkinPhoto
from lasercare.practice.scheduling.models import Booking

logger = logging.getLogger(__name__)

ANALYSIS_ACTOR = "photo analysis"  # the audit log's label for the background job


class PhotoRefused(Exception):  # noqa: N818 - a refusal the user reads, not a fault
    """An upload or a change that cannot be made, with the reason to show."""


# -- consent to photographs -------------------------------------------------------------------------------------


def current_photo_consent(patient: Patient) -> PhotoConsent | None:
    """The patient's consent to photographs in force: the latest given and not withdrawn."""
    return (
        PhotoConsent.objects.filter(patient=patient, withdrawn_at__isnull=True)
        .select_related("recorded_by")
        .order_by("-given_at")
        .first()
    )


@transaction.atomic
def record_photo_consent(
    request: HttpRequest | None, user: StaffUser, patient: Patient, *, scope: PhotoScope | str
) -> PhotoConsent:
    consent = PhotoConsent.objects.create(
        practice=patient.practice, patient=patient, scope=scope, given_at=timezone.now(), recorded_by=user
    )
    record(
        request,
        AuditAction.CREATE,
        "photo_consent",
        consent.public_id,
        patient_ref=patient.public_id,
        actor=user,
        detail=str(scope),
    )
    return consent


@transaction.atomic
def withdraw_photo_consent(request: HttpRequest | None, user: StaffUser, consent: PhotoConsent) -> PhotoConsent:
    """From now on no photo may be taken under this consent; the photos taken before stay in the record."""
    if consent.withdrawn_at is not None:
        raise PhotoRefused("This photo consent was withdrawn already.")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(
        request,
        AuditAction.UPDATE,
        "photo_consent",
        consent.public_id,
        patient_ref=consent.patient.public_id,
        actor=user,
        detail="withdrawn",
    )
    return consent


# -- uploading ---------------------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def checked_bytes(upload: UploadedFile[bytes]) -> tuple[bytes, LoadedPhoto]:
    """The upload's bytes when they are a photo the analysis can use, and the photo as read; PhotoRefused says why
    not."""
    limit = int(settings.PHOTO_MAX_BYTES)
    size = upload.size or 0
    if size > limit:
        raise PhotoRefused(f"The file is {_megabytes(size)}; the largest accepted is {_megabytes(limit)}.")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PhotoRefused(f"The file is larger than {_megabytes(limit)}, the largest accepted.")
    try:
        loaded = load_photo(data)  # decodes it (at a reduced scale): a truncated or disguised file is refused here
    except ImageError as error:
        raise PhotoRefused(f"This file cannot be used as a photo: {error}.") from None
    return data, loaded


def prepared_upload(upload: UploadedFile[bytes]) -> tuple[bytes, LoadedPhoto, bytes]:
    """The upload's bytes, the photo as read, and the copy without metadata to store: all the pixel work of an
    upload (bench/photo_memory.py measures its memory); PhotoRefused says why a file cannot be used."""
    data, loaded = checked_bytes(upload)
    try:
        copy = stripped_copy(data)
    except ImageError as error:
        raise PhotoRefused(f"This file cannot be used as a photo: {error}.") from None
    return data, loaded, copy


def upload_photo(
    request: HttpRequest | None,
    user: StaffUser,
    upload: UploadedFile[bytes],
    *,
    view: PhotoView | str,
    taken_at: datetime,
    consultation: Consultation | None = None,
    booking: Booking | None = None,
) -> SkinPhoto:
    """Keep the original unaltered, store a copy without metadata, and queue its analysis after the commit.

    Raises PhotoRefused (nothing stored) without the patient's photo consent or for a file that is not a usable
    photo."""
    owner = consultation if consultation is not None else booking
    assert owner is not None and (consultation is None) != (booking is None)
    patient = owner.patient
    consent = current_photo_consent(patient)
    if consent is None:
        raise PhotoRefused("The patient has not consented to photographs: record their photo consent first.")
    data, loaded, copy = prepared_upload(upload)
    photo = SkinPhoto(
        practice_id=owner.practice_id,
        patient=patient,
        consultation=consultation,
        booking=booking,
        consent=consent,
        view=view,
        taken_at=taken_at,
        uploaded_by=user,
        original_sha256=hashlib.sha256(data).hexdigest(),
        original_bytes=len(data),
        original_format=loaded.format,
        width=loaded.width,
        height=loaded.height,
        status=AnalysisStatus.QUEUED,
        status_changed_at=timezone.now(),
    )
    photo.original_name = storage.save_file(storage.original_name(photo.public_id, photo.original_format), data)
    try:
        photo.working_name = storage.save_file(f"copies/{photo.public_id}.jpg", copy)
        with transaction.atomic():
            photo.save()
            record(
                request,
                AuditAction.CREATE,
                "skin_photo",
                photo.public_id,
                patient_ref=patient.public_id,
                actor=user,
                detail=photo.view,
            )
            queue_analysis(photo)
    except BaseException:
        storage.remove(photo.original_name, photo.working_name)
        raise
    return photo


def queue_analysis(photo: SkinPhoto) -> None:
    """Queue the photo's analysis once the transaction that stored it commits (a worker must find the row)."""
    from lasercare.practice.photos.tasks import analyse_skin_photo

    photo_id = photo.pk
    transaction.on_commit(lambda: analyse_skin_photo.enqueue(photo_id))


@transaction.atomic
def analyse_again(request: HttpRequest | None, user: StaffUser, photo: SkinPhoto) -> SkinPhoto:
    """Queue a failed (or finished) photo's analysis again, e.g. after the software was updated."""
    if photo.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
        raise PhotoRefused("This photo's analysis is already queued.")
    photo.status, photo.error, photo.status_changed_at = AnalysisStatus.QUEUED, "", timezone.now()
    photo.save(update_fields=["status", "error", "status_changed_at"])
    record(
        request,
        AuditAction.UPDATE,
        "skin_photo",
        photo.public_id,
        patient_ref=photo.patient.public_id,
        actor=user,
        detail="analysis queued again",
    )
    queue_analysis(photo)
    return photo


# -- the analysis job's work -------------------------------------------------------------------------------------


def _set_status(photo: SkinPhoto, status: AnalysisStatus, **fields: Any) -> None:
    photo.status, photo.status_changed_at = status, timezone.now()
    for name, value in fields.items():
        setattr(photo, name, value)
    photo.save(update_fields=["status", "status_changed_at", *fields])


def analysis_outputs(copy: bytes, public_id: str) -> tuple[dict[str, Any], bytes]:
    """The analysis document and the overlay (PNG) of a stored copy: all the pixel work of the analysis job."""
    analysed = analyse_photo(copy)
    document = analysis_to_dict(analysed.result, public_id)
    overlay = io.BytesIO()
    from PIL import Image

    Image.fromarray(render_overlay(analysed)).save(overlay, format="PNG", optimize=False)
    return document, overlay.getvalue()


def run_analysis(photo_id: int) -> SkinPhoto | None:
    """Analyse a stored photo: its measurements and overlay, or the reason it failed. The upload is never lost: a
    failure only marks the photo, which can be analysed again."""
    photo = SkinPhoto.objects.select_related("patient").filter(pk=photo_id).first()
    if photo is None:
        return None  # deleted since it was queued
    _set_status(photo, AnalysisStatus.RUNNING, error="")
    fields: dict[str, Any]
    try:
        document, overlay = analysis_outputs(storage.read_bytes(photo.working_name), str(photo.public_id))
        overlay_name = storage.save_file(f"overlays/{photo.public_id}.png", overlay)
    except ImageError as error:
        status, fields = AnalysisStatus.FAILED, {"error": f"The photo could not be analysed: {error}."[:300]}
    except FileNotFoundError:
        status, fields = AnalysisStatus.FAILED, {"error": "The photo's stored copy is missing."}
    except Exception as error:
        logger.exception("photo analysis failed")
        status = AnalysisStatus.FAILED
        fields = {"error": f"The analysis stopped with an error ({type(error).__name__})."}
    else:
        if photo.overlay_name and photo.overlay_name != overlay_name:
            storage.remove(photo.overlay_name)  # the overlay of an earlier analysis
        status, fields = AnalysisStatus.DONE, {"analysis": document, "overlay_name": overlay_name, "error": ""}
    # The results and their audit entry commit together: saved apart, a crash between the two kept an analysis
    # of a patient's photo that no entry accounted for.
    with transaction.atomic():
        _set_status(photo, status, **fields)
        record(
            None,
            AuditAction.UPDATE,
            "skin_photo",
            photo.public_id,
            patient_ref=photo.patient.public_id,
            practice_id=photo.practice_id,
            actor_label=ANALYSIS_ACTOR,
            detail="analysed" if status == AnalysisStatus.DONE else "analysis failed",
        )
    return photo


# -- comparing two photos ----------------------------------------------------------------------------------------

METRICS: dict[str, tuple[str, str]] = {
    # metric -> (label, how it is shown: "deg", "count", "percent" of skin, or "index")
    "ita_deg": ("Skin tone, ITA (°)", "deg"),
    "spots.count": ("Pigmented spots (count)", "count"),
    "spots.area_fraction": ("Spot area (% of skin)", "percent"),
    "spots.mean_delta_e": ("Spot contrast (ΔE2000)", "index"),
    "redness.index": ("Redness index", "index"),
    "redness.area_fraction": ("Red area (% of skin)", "percent"),
    "texture.index": ("Texture index", "index"),
}


@dataclass(frozen=True)
class ChangeRow:
    metric: str
    label: str
    before: str
    after: str
    change: str
    smallest_real_change: str
    exceeds: bool  # more than retakes of the same face produce
    direction: str  # "up", "down" or "" (no change that counts)


@dataclass(frozen=True)
class PhotoComparison:
    before: SkinPhoto
    after: SkinPhoto
    rows: tuple[ChangeRow, ...]
    registration: str  # how the photos were aligned, in words
    common_skin_percent: float
    calibrated: bool  # both photos colour-calibrated with a chart


def shown(value: float | None, kind: str, signed: bool = False) -> str:
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if kind == "percent":
        return f"{sign}{value * 100:.2f}"
    if kind == "count":
        return f"{sign}{value:.0f}"
    if kind == "deg":
        return f"{sign}{value:.1f}"
    return f"{sign}{value:.2f}"


def _comparison_document(before: SkinPhoto, after: SkinPhoto) -> dict[str, Any]:
    """lasercare.imaging's comparison of the two stored copies, as plain values (kept in the cache)."""
    found = compare(
        analyse_photo(storage.read_bytes(before.working_name)), analyse_photo(storage.read_bytes(after.working_name))
    )
    registration = found.registration
    return {
        "changes": [
            (c.metric, c.before, c.after, c.change, c.smallest_real_change, c.exceeds_retake_variation)
            for c in found.changes
        ],
        "method": registration.method,
        "rotation_deg": registration.rotation_deg,
        "scale": registration.scale,
        "common_skin_fraction": registration.common_skin_fraction,
    }


def compare_photos(first: SkinPhoto, second: SkinPhoto) -> PhotoComparison:
    """Each metric's change from the earlier photo to the later, over the skin both show, and whether it is more
    than retakes produce. Both photos must be analysed (PhotoRefused otherwise). Computed once per pair of
    analyses (about a second) and then kept in the cache."""
    if first.patient_id != second.patient_id:
        raise PhotoRefused("Only two photos of the same patient can be compared.")
    if first.pk == second.pk:
        raise PhotoRefused("Choose two different photos.")
    for photo in (first, second):
        if not photo.analysed:
            raise PhotoRefused("Both photos must be analysed before they can be compared.")
    before, after = sorted((first, second), key=lambda p: (p.taken_at, p.pk))
    changed = [int(p.status_changed_at.timestamp() * 1e6) if p.status_changed_at else 0 for p in (before, after)]
    key = f"photos-compare-{before.public_id}-{after.public_id}-{changed[0]}-{changed[1]}"  # a new analysis, a new key
    document: dict[str, Any] | None = cache.get(key)
    if document is None:
        document = _comparison_document(before, after)
        cache.set(key, document, 24 * 3600)
    rows = []
    for metric, b, a, change, threshold, exceeds in document["changes"]:
        label, kind = METRICS[metric]
        direction = "" if not exceeds or change is None else "up" if change > 0 else "down"
        rows.append(
            ChangeRow(
                metric,
                label,
                shown(b, kind),
                shown(a, kind),
                shown(change, kind, signed=True),
                shown(threshold, kind),
                bool(exceeds),
                direction,
            )
        )
    method = document["method"]
    registration = {
        "ORB features": "aligned on matching skin features",
        "face boxes": "aligned on the faces found (too few matching features)",
        "none": "not aligned: no face and too few matching features",
    }.get(method, method)
    if method != "none":
        rotation = round(float(document["rotation_deg"]), 1) + 0.0  # + 0.0: no "-0.0"
        registration += f", rotated {rotation:.1f}°, scaled ×{document['scale']:.2f}"
    return PhotoComparison(
        before=before,
        after=after,
        rows=tuple(rows),
        registration=registration,
        common_skin_percent=round(100 * float(document["common_skin_fraction"]), 1),
        calibrated=bool(before.metric("calibrated")) and bool(after.metric("calibrated")),
    )


# -- the phototype ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItaEstimate:
    photo: SkinPhoto
    ita_deg: float
    category: str
    estimate: str  # the Fitzpatrick type the knowledge base reads from the category: an estimate only
    recorded: str | None  # the phototype the consultation recorded
    disagrees: bool  # more than one type apart from the recorded phototype

    @property
    def category_label(self) -> str:
        return self.category.replace("_", " ")


def ita_estimate(recorded: str | None, photos: list[SkinPhoto]) -> ItaEstimate | None:
    """The photo estimate of a consultation: its latest analysed frontal photo (or any view when there is no
    frontal one), flagged when it is more than one type from the recorded phototype, the engine's own rule."""
    candidates = [p for p in photos if p.analysed and p.metric("ita_deg") is not None and p.metric("ita_category")]
    candidates.sort(key=lambda p: (p.view == PhotoView.FRONTAL, p.taken_at), reverse=True)
    if not candidates:
        return None
    photo = candidates[0]
    estimate = str(photo.metric("fitzpatrick_estimate") or "")
    disagrees = (
        recorded in PHOTOTYPES
        and estimate in PHOTOTYPES
        and abs(phototype_index(estimate) - phototype_index(str(recorded))) > 1
    )
    return ItaEstimate(
        photo, float(photo.metric("ita_deg")), str(photo.metric("ita_category")), estimate, recorded, disagrees
    )


def recorded_phototype(consultation: Consultation) -> str | None:
    phototype = (consultation.intake or {}).get("phototype") or {}
    found = phototype.get("fitzpatrick")
    return str(found) if found else None


# -- for the patient portal --------------------------------------------------------------------------------------


def photos_for_patient(patient: Patient) -> list[SkinPhoto]:
    """The patient's analysed photos, newest first, for the portal to show them their own (it checks access and
    audits; storage.open_image opens each photo's copy without metadata or its overlay)."""
    return list(SkinPhoto.objects.filter(patient=patient, status=AnalysisStatus.DONE).order_by("-taken_at", "-pk"))
