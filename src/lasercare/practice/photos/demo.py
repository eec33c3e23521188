"""The demo practice's photos: one patient photographed at the consultation and at the latest session of the
course, so the timeline, the consultation's ITA estimate and the comparison have something to show.

The photos are synthetic portraits (lasercare.imaging.synthetic) drawn when the demo is made, in the skin tone
of the patient's recorded phototype, with a colour chart; the later one with half the spots and no red patch.
Nothing is downloaded and no real person is shown."""

from __future__ import annotations

import io
from datetime import datetime, time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, PortraitSpec, render
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan
from lasercare.practice.photos import services
from lasercare.practice.photos.models import AnalysisStatus, PhotoScope, PhotoView
from lasercare.practice.scheduling.models import Booking, BookingStatus

# The skin a portrait is drawn in, for the phototype the consultation recorded.
SKIN_FOR_PHOTOTYPE = {
    "I": "very_light",
    "II": "light",
    "III": "intermediate",
    "IV": "tan",
    "V": "brown",
    "VI": "dark",
}


def _portrait(category: str, spots: int, red_patch: bool) -> SimpleUploadedFile:
    spec = PortraitSpec(
        SKIN_BY_CATEGORY[category], width=480, height=640, spot_count=spots, red_patch=red_patch, chart=True
    )
    out = io.BytesIO()
    Image.fromarray(render(spec).rgb).save(out, format="JPEG", quality=92)
    return SimpleUploadedFile("portrait.jpg", out.getvalue(), content_type="image/jpeg")


def photograph(practice: Practice, clinician: StaffUser) -> None:
    """Photos before and during one accepted course: the first whose course has a completed session."""
    done = (
        Booking.objects.filter(practice=practice, status=BookingStatus.COMPLETED, plan__status=PlanStatus.ACCEPTED)
        .select_related("plan__consultation", "patient")
        .order_by("-starts_at")
    )
    booking = done.first()
    if booking is None or booking.plan is None:
        return
    plan: TreatmentPlan = booking.plan
    consultation = plan.consultation
    phototype = services.recorded_phototype(consultation) or "III"
    category = SKIN_FOR_PHOTOTYPE.get(phototype, "intermediate")
    services.record_photo_consent(None, clinician, booking.patient, scope=PhotoScope.CLINICAL)
    before = services.upload_photo(
        None,
        clinician,
        _portrait(category, 16, True),
        view=PhotoView.FRONTAL,
        taken_at=timezone.make_aware(datetime.combine(consultation.held_on, time(10, 30))),
        consultation=consultation,
    )
    after = services.upload_photo(
        None,
        clinician,
        _portrait(category, 8, False),
        view=PhotoView.FRONTAL,
        taken_at=booking.starts_at,
        booking=booking,
    )
    # The demo is made before the server starts: analysed here (unless the upload's job ran already, outside a
    # transaction), not left to a queue that no worker may be reading yet.
    for photo in (before, after):
        photo.refresh_from_db(fields=["status"])
        if photo.status != AnalysisStatus.DONE:
            services.run_analysis(photo.pk)
