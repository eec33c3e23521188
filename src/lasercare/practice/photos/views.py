"""Photo pages: the patient's photo consent, uploading to a consultation or a session, a photo with its analysis,
comparing two photos, and the images themselves. Every image is served here, after the access check and with an
audit entry; the storage has no URL of its own."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lasercare.practice.audit.models import AuditAction
from lasercare.practice.audit.services import record
from lasercare.practice.clinic.access import in_practice, requires, staff_user
from lasercare.practice.clinic.roles import Action
from lasercare.practice.consultations.models import Consultation
from lasercare.practice.patients.models import Patient
from lasercare.practice.photos import services, storage
from lasercare.practice.photos.forms import PhotoConsentForm, UploadForm
from lasercare.practice.photos.models import AnalysisStatus, PhotoConsent, SkinPhoto
from lasercare.practice.scheduling.models import Booking

REGIONS = (
    ("forehead", "Forehead"),
    ("right_cheek", "Right cheek"),
    ("left_cheek", "Left cheek"),
    ("nose", "Nose"),
    ("chin", "Chin"),
)


def _photos() -> QuerySet[SkinPhoto]:
    return SkinPhoto.objects.select_related("patient", "uploaded_by", "consultation", "booking")


# -- photo consent -------------------------------------------------------------------------------------------------


@requires(Action.TAKE_PHOTOS)
@require_http_methods(["GET", "HEAD", "POST"])
def photo_consent(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    patient = in_practice(request, Patient.objects.all(), public_id)
    form = PhotoConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.record_photo_consent(request, user, patient, scope=form.cleaned_data["scope"])
        messages.success(request, "Photo consent recorded: photos can be uploaded.")
        return redirect("photo_consent", public_id=patient.public_id)
    consents = list(PhotoConsent.objects.filter(patient=patient).select_related("recorded_by", "withdrawn_by"))
    consents.sort(key=lambda c: c.given_at, reverse=True)
    if request.method == "GET":
        record(request, AuditAction.VIEW, "photo_consent", patient_ref=patient.public_id)
    return render(
        request,
        "photos/consent.html",
        {
            "patient": patient,
            "form": form,
            "consents": consents,
            "current": next((c for c in consents if c.active), None),
        },
        status=400 if form.errors else 200,
    )


@requires(Action.TAKE_PHOTOS)
@require_POST
def photo_consent_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    consent = in_practice(request, PhotoConsent.objects.select_related("patient"), public_id)
    try:
        services.withdraw_photo_consent(request, staff_user(request), consent)
        messages.success(request, "Photo consent withdrawn: no new photo can be uploaded.")
    except services.PhotoRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("photo_consent", public_id=consent.patient.public_id)


# -- uploading -----------------------------------------------------------------------------------------------------


def _upload(
    request: HttpRequest, *, consultation: Consultation | None = None, booking: Booking | None = None
) -> HttpResponse:
    user = staff_user(request)
    owner = consultation if consultation is not None else booking
    assert owner is not None
    patient = owner.patient
    consent = services.current_photo_consent(patient)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            photo = services.upload_photo(
                request,
                user,
                form.cleaned_data["photo"],
                view=form.cleaned_data["view"],
                taken_at=form.cleaned_data["taken_at"],
                consultation=consultation,
                booking=booking,
            )
        except services.PhotoRefused as refusal:
            form.add_error("photo", str(refusal))
        else:
            return redirect("photo", public_id=photo.public_id)
    owned = _photos().filter(consultation=consultation) if consultation else _photos().filter(booking=booking)
    if request.method == "GET":
        kind = "consultation" if consultation is not None else "booking"
        record(request, AuditAction.VIEW, kind, owner.public_id, patient_ref=patient.public_id, detail="photos")
    return render(
        request,
        "photos/upload.html",
        {
            "patient": patient,
            "consultation": consultation,
            "booking": booking,
            "consent": consent,
            "form": form,
            "photos": list(owned.order_by("taken_at", "pk")),
        },
        status=400 if form.errors else 200,
    )


@requires(Action.TAKE_PHOTOS)
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_photo_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    consultation = in_practice(request, Consultation.objects.select_related("patient").defer("intake"), public_id)
    return _upload(request, consultation=consultation)


@requires(Action.TAKE_PHOTOS)
@require_http_methods(["GET", "HEAD", "POST"])
def booking_photo_new(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    booking = in_practice(request, Booking.objects.select_related("patient", "plan").defer("plan__document"), public_id)
    return _upload(request, booking=booking)


# -- one photo -----------------------------------------------------------------------------------------------------


def _photo(request: HttpRequest, public_id: uuid.UUID) -> SkinPhoto:
    return in_practice(request, _photos(), public_id)


@requires(Action.VIEW_CLINICAL)
@require_safe
def photo_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    photo = _photo(request, public_id)
    if request.headers.get("HX-Request"):
        # The state while the analysis is queued or running; the page reloads itself once it is over.
        response = render(request, "photos/_state.html", {"photo": photo})
        if photo.status in (AnalysisStatus.DONE, AnalysisStatus.FAILED):
            response["HX-Refresh"] = "true"
        return response
    others = [
        p
        for p in _photos().filter(patient=photo.patient, status=AnalysisStatus.DONE).order_by("-taken_at", "-pk")
        if p.pk != photo.pk
    ]
    record(request, AuditAction.VIEW, "skin_photo", photo.public_id, patient_ref=photo.patient.public_id)
    return render(
        request,
        "photos/detail.html",
        {
            "photo": photo,
            "patient": photo.patient,
            "others": others,
            "regions": [(key, label) for key, label in REGIONS if key in (photo.metric("regions") or {})],
            "metrics": services.METRICS,
            "shown": services.shown,
        },
    )


def _image(request: HttpRequest, public_id: uuid.UUID, variant: storage.Variant) -> HttpResponse:
    photo = _photo(request, public_id)
    try:
        with storage.open_image(photo, variant) as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    record(
        request, AuditAction.VIEW, "skin_photo", photo.public_id, patient_ref=photo.patient.public_id, detail=variant
    )
    extension = "jpg" if variant == "photo" else "png"
    response = HttpResponse(data, content_type=storage.CONTENT_TYPES[variant])
    response["Content-Disposition"] = f'inline; filename="{photo.public_id}-{variant}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response


@requires(Action.VIEW_CLINICAL)
@require_safe
def photo_image(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The photo as shown: the stored copy without metadata (the original is never served)."""
    return _image(request, public_id, "photo")


@requires(Action.VIEW_CLINICAL)
@require_safe
def photo_overlay(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _image(request, public_id, "overlay")


@requires(Action.TAKE_PHOTOS)
@require_POST
def photo_analyse(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    photo = _photo(request, public_id)
    try:
        services.analyse_again(request, staff_user(request), photo)
    except services.PhotoRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("photo", public_id=photo.public_id)


# -- comparing -----------------------------------------------------------------------------------------------------


@requires(Action.VIEW_CLINICAL)
@require_safe
def photo_compare(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """This photo beside another of the same patient's (`?with=` its opaque id), with each metric's change; without
    one, the patient's analysed photos to choose from."""
    photo = _photo(request, public_id)
    candidates = [
        p
        for p in _photos().filter(patient=photo.patient, status=AnalysisStatus.DONE).order_by("-taken_at", "-pk")
        if p.pk != photo.pk
    ]
    context: dict[str, Any] = {"photo": photo, "patient": photo.patient, "candidates": candidates}
    chosen = request.GET.get("with", "")
    if chosen:
        try:
            other = next((p for p in candidates if p.public_id == uuid.UUID(chosen)), None)
        except ValueError:
            other = None
        if other is None:
            # Not an analysed photo of this patient in this practice: the same answer as for an id that does not exist.
            raise Http404
        try:
            context["comparison"] = services.compare_photos(photo, other)
        except services.PhotoRefused as refusal:
            context["refusal"] = str(refusal)
        detail = f"compared with {other.public_id}"
    else:
        detail = "choosing a photo to compare"
    record(request, AuditAction.VIEW, "skin_photo", photo.public_id, patient_ref=photo.patient.public_id, detail=detail)
    return render(request, "photos/compare.html", context)
