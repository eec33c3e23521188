"""Skin photos in the practice app: consent first, uploads checked with a reason for every refusal, the original kept
unaltered and never served, the copy shown without metadata, analysis as a job whose failure is recorded, the
comparison's metric changes, and the ITA estimate flagged beside the recorded phototype."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client
from django.utils import timezone
from PIL import Image

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import Consultation, TreatmentPlan
from lasercare.practice.photos import services
from lasercare.practice.photos.models import AnalysisStatus, PhotoConsent, PhotoScope, SkinPhoto
from tests.web.conftest import CONSULTATION_DAY, basic_intake, make_patient, make_staff, refuse_audit_entries
from tests.web.photo_helpers import bad_files, photo_of, plain_image, portrait_jpeg, with_gps

pytestmark = pytest.mark.usefixtures("photo_storage")

SignIn = Callable[[StaffUser], Client]


@pytest.fixture
def consultation(plan: TreatmentPlan) -> Consultation:
    return plan.consultation


@pytest.fixture
def consented(consultation: Consultation, clinician: StaffUser) -> PhotoConsent:
    return services.record_photo_consent(None, clinician, consultation.patient, scope=PhotoScope.CLINICAL)


def _post_photo(client: Client, consultation: Consultation, data: bytes, name: str = "photo.jpg", **fields: str) -> Any:
    form = {
        "view": "right_oblique",
        "taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "photo": _file(data, name),
        **fields,
    }
    return client.post(f"/consultations/{consultation.public_id}/photos/", form)


def _file(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# -- consent -------------------------------------------------------------------------------------------------------


def test_without_photo_consent_the_upload_page_offers_to_record_it_and_no_form(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation
) -> None:
    page = signed_in(clinician).get(f"/consultations/{consultation.public_id}/photos/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "has not consented to photographs" in text
    assert f"/patients/{consultation.patient.public_id}/photo-consent/" in text
    assert 'type="file"' not in text


def test_an_upload_without_photo_consent_is_refused_and_nothing_is_stored(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, photo_storage: Path
) -> None:
    response = _post_photo(signed_in(clinician), consultation, jpeg_photo())
    assert response.status_code == 400
    assert "has not consented to photographs" in response.content.decode()
    assert not SkinPhoto.objects.exists()
    assert _stored_files(photo_storage) == []


def test_recording_photo_consent_is_audited_and_lets_photos_be_uploaded(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation
) -> None:
    client = signed_in(clinician)
    patient = consultation.patient
    response = client.post(f"/patients/{patient.public_id}/photo-consent/", {"scope": "teaching", "confirmed": "on"})
    assert response.status_code == 302
    consent = PhotoConsent.objects.get(patient=patient)
    assert (consent.scope, consent.recorded_by, consent.withdrawn_at) == (PhotoScope.TEACHING, clinician, None)
    assert AuditEntry.objects.filter(action="create", record_type="photo_consent", patient_ref=patient.public_id)
    assert _post_photo(client, consultation, jpeg_photo()).status_code == 302


def test_photo_consent_needs_the_confirmation_that_the_patient_was_told(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation
) -> None:
    patient = consultation.patient
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/photo-consent/", {"scope": "clinical"})
    assert response.status_code == 400
    assert "Confirm that the patient was told and agreed." in response.content.decode()
    assert not PhotoConsent.objects.exists()


def test_after_the_consent_is_withdrawn_no_new_photo_is_accepted(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    client = signed_in(clinician)
    assert client.post(f"/photo-consents/{consented.public_id}/withdraw/").status_code == 302
    consented.refresh_from_db()
    assert consented.withdrawn_by == clinician
    response = _post_photo(client, consultation, jpeg_photo())
    assert response.status_code == 400
    assert not SkinPhoto.objects.exists()


# -- uploads -------------------------------------------------------------------------------------------------------


def jpeg_photo() -> bytes:
    return with_gps(plain_image())


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("truncated JPEG", "truncated JPEG"),
        ("PNG bomb", "image too large: 144000000 pixels, limit 80000000"),
        ("text named .jpg", "not an image: looks like text"),
        ("1x1 image", "too small to analyse: 1x1"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason_and_the_form_keeps_the_other_answers(
    kind: str,
    reason: str,
    signed_in: SignIn,
    clinician: StaffUser,
    consultation: Consultation,
    consented: PhotoConsent,
    photo_storage: Path,
) -> None:
    response = _post_photo(signed_in(clinician), consultation, bad_files()[kind], taken_at="2026-11-20T09:30")
    text = response.content.decode()
    assert response.status_code == 400
    assert f"This file cannot be used as a photo: {reason}" in text
    assert 'value="right_oblique" required id="id_view_2" checked' in text
    assert 'value="2026-11-20T09:30"' in text
    assert not SkinPhoto.objects.exists()
    assert _stored_files(photo_storage) == []


def test_a_zero_byte_file_is_refused_as_empty(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    response = _post_photo(signed_in(clinician), consultation, b"")
    assert response.status_code == 400
    assert "The file is empty (0 bytes)" in response.content.decode()
    assert not SkinPhoto.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_the_limit(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent, settings: Any
) -> None:
    settings.PHOTO_MAX_BYTES = 1024 * 1024
    big = jpeg_photo() + b"\0" * (1024 * 1024)
    response = _post_photo(signed_in(clinician), consultation, big)
    assert response.status_code == 400
    assert "the largest accepted is 1.0 MB" in response.content.decode()


def test_the_original_is_kept_unaltered_in_private_storage_with_its_sha256(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent, photo_storage: Path
) -> None:
    data = jpeg_photo()
    response = _post_photo(signed_in(clinician), consultation, data)
    photo = SkinPhoto.objects.get()
    assert response.headers["Location"] == f"/photos/{photo.public_id}/"
    original = photo_storage / photo.original_name
    assert original.read_bytes() == data
    assert (
        photo.original_sha256 == hashlib.sha256(data).hexdigest() == hashlib.sha256(original.read_bytes()).hexdigest()
    )
    assert (photo.view, photo.consent, photo.uploaded_by) == ("right_oblique", consented, clinician)
    assert oct(original.stat().st_mode & 0o777) == oct(0o600)


def test_the_copy_the_app_shows_has_no_gps_or_camera_metadata(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent, photo_storage: Path
) -> None:
    data = jpeg_photo()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the upload does say where it was taken
    client = signed_in(clinician)
    _post_photo(client, consultation, data)
    photo = SkinPhoto.objects.get()
    served = client.get(f"/photos/{photo.public_id}/image.jpg").content
    for copy in (served, (photo_storage / photo.working_name).read_bytes()):
        assert b"Exif" not in copy
        assert not Image.open(io.BytesIO(copy)).getexif()
        assert Image.open(io.BytesIO(copy)).size == (320, 240)


def test_no_page_links_to_the_original(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    client = signed_in(clinician)
    _post_photo(client, consultation, jpeg_photo())
    photo = SkinPhoto.objects.get()
    for url in (f"/photos/{photo.public_id}/", f"/consultations/{consultation.public_id}/"):
        text = client.get(url).content.decode()
        assert "originals/" not in text
        assert photo.original_sha256 not in text


# -- serving -------------------------------------------------------------------------------------------------------


def test_serving_a_photo_is_audited_with_the_variant(
    signed_in: SignIn, staff: dict[Role, StaffUser], consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, staff[Role.CLINICIAN], jpeg_photo(), analyse=False)
    response = signed_in(staff[Role.NURSE]).get(f"/photos/{photo.public_id}/image.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.filter(record_type="skin_photo", record_id=str(photo.public_id)).latest("id")
    assert (entry.action, entry.actor, entry.detail) == ("view", staff[Role.NURSE], "photo")
    assert entry.patient_ref == str(consultation.patient.public_id)


def test_front_desk_may_not_see_photos_and_the_refusal_is_audited(
    signed_in: SignIn, staff: dict[Role, StaffUser], consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, staff[Role.CLINICIAN], jpeg_photo(), analyse=False)
    assert signed_in(staff[Role.FRONT_DESK]).get(f"/photos/{photo.public_id}/image.jpg").status_code == 403
    assert AuditEntry.objects.filter(action="denied", actor=staff[Role.FRONT_DESK]).exists()


def test_another_practices_photo_is_not_found(
    signed_in: SignIn,
    clinician: StaffUser,
    consultation: Consultation,
    consented: PhotoConsent,
    other_practice: Practice,
) -> None:
    photo = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    stranger = make_staff(other_practice, Role.CLINICIAN)
    client = signed_in(stranger)
    for suffix in ("", "image.jpg", "overlay.png", "compare/"):
        assert client.get(f"/photos/{photo.public_id}/{suffix}").status_code == 404


def test_the_overlay_of_a_photo_not_analysed_yet_is_not_found(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    assert photo.status == AnalysisStatus.QUEUED
    assert signed_in(clinician).get(f"/photos/{photo.public_id}/overlay.png").status_code == 404


# -- analysis ------------------------------------------------------------------------------------------------------


def test_the_analysis_runs_after_the_upload_commits_and_stores_its_results_and_overlay(
    signed_in: SignIn,
    clinician: StaffUser,
    consultation: Consultation,
    consented: PhotoConsent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(clinician)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _post_photo(client, consultation, portrait_jpeg(), view="frontal")
    assert response.status_code == 302
    assert len(callbacks) == 1
    photo = SkinPhoto.objects.get()
    assert photo.status == AnalysisStatus.DONE
    assert photo.metric("ita_category") == "light"
    assert photo.metric("spots.count") == 16
    assert photo.metric("calibrated") is True
    assert set(photo.metric("regions")) == {"forehead", "right_cheek", "left_cheek", "nose", "chin"}
    overlay = client.get(f"/photos/{photo.public_id}/overlay.png")
    assert overlay["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(overlay.content)).format == "PNG"
    job = AuditEntry.objects.get(record_type="skin_photo", actor_label="photo analysis")
    assert (job.action, job.detail, job.practice_id) == ("update", "analysed", consultation.practice_id)
    page = client.get(f"/photos/{photo.public_id}/").content.decode()
    assert "Pigmented spots (count)" in page
    assert "Right cheek" in page


def test_a_failed_analysis_is_recorded_with_its_reason_and_the_upload_is_kept(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent, photo_storage: Path
) -> None:
    data = jpeg_photo()
    photo = photo_of(consultation, clinician, data, analyse=False)
    copy = photo_storage / photo.working_name
    copy.write_bytes(copy.read_bytes()[: copy.stat().st_size // 2])  # the stored copy damaged after the upload
    services.run_analysis(photo.pk)
    photo.refresh_from_db()
    assert photo.status == AnalysisStatus.FAILED
    assert photo.error == "The photo could not be analysed: truncated JPEG."
    assert (photo_storage / photo.original_name).read_bytes() == data
    page = signed_in(clinician).get(f"/photos/{photo.public_id}/").content.decode()
    assert "Analysis failed" in page
    assert "truncated JPEG" in page
    assert "Analyse again" in page
    assert AuditEntry.objects.filter(actor_label="photo analysis", detail="analysis failed").exists()


def test_an_analysis_is_kept_only_together_with_its_audit_entry(
    clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, clinician, portrait_jpeg(), analyse=False)
    refuse_audit_entries("NEW.actor_label = 'photo analysis'")
    with pytest.raises(DatabaseError, match="the audit entry is refused"):
        services.run_analysis(photo.pk)
    photo.refresh_from_db()
    assert photo.status == AnalysisStatus.RUNNING
    assert photo.analysis is None
    assert photo.overlay_name == ""


def test_a_photo_whose_analysis_is_queued_shows_its_state_and_asks_again_without_javascript(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    text = signed_in(clinician).get(f"/photos/{photo.public_id}/").content.decode()
    assert "Queued" in text
    assert 'hx-trigger="every 2s"' in text
    assert f'<a href="/photos/{photo.public_id}/">Refresh</a>' in text


def test_analysing_again_replaces_the_analysis_and_its_overlay(
    signed_in: SignIn,
    clinician: StaffUser,
    consultation: Consultation,
    consented: PhotoConsent,
    photo_storage: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    photo = photo_of(consultation, clinician, portrait_jpeg())
    first_overlay, first_at = photo.overlay_name, photo.status_changed_at
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(clinician).post(f"/photos/{photo.public_id}/analyse/").status_code == 302
    photo.refresh_from_db()
    assert photo.status == AnalysisStatus.DONE
    assert photo.status_changed_at is not None and first_at is not None
    assert photo.status_changed_at > first_at
    assert [p.name for p in (photo_storage / "overlays").iterdir()] == [Path(photo.overlay_name).name]
    assert photo.overlay_name != first_overlay
    assert AuditEntry.objects.filter(actor=clinician, detail="analysis queued again").exists()


def test_a_photo_whose_analysis_is_queued_cannot_be_queued_twice(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    page = signed_in(clinician).post(f"/photos/{photo.public_id}/analyse/", follow=True)
    assert "already queued" in page.content.decode()


# -- comparison ----------------------------------------------------------------------------------------------------


def test_the_comparison_shows_each_metric_change_and_which_count(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    now = timezone.now()
    before = photo_of(consultation, clinician, portrait_jpeg(), taken_at=now - timedelta(days=90))
    after = photo_of(consultation, clinician, portrait_jpeg(spots=8, red_patch=False), taken_at=now)
    client = signed_in(clinician)
    # Asked from the later photo, the earlier is still "before".
    page = client.get(f"/photos/{after.public_id}/compare/?with={before.public_id}")
    text = page.content.decode()
    assert page.status_code == 200
    comparison = services.compare_photos(after, before)
    rows = {row.metric: row for row in comparison.rows}
    assert comparison.before == before
    assert (rows["spots.count"].before, rows["spots.count"].after, rows["spots.count"].change) == ("16", "8", "-8")
    assert rows["spots.count"].exceeds and rows["spots.count"].direction == "down"
    assert rows["redness.area_fraction"].exceeds
    assert not rows["ita_deg"].exceeds
    assert _row(text, "Pigmented spots (count)") == ["16", "8", "-8", "±1", "yes, down"]
    assert _row(text, "Skin tone, ITA (°)")[-1] == "no"
    assert 'type="range"' in text
    assert AuditEntry.objects.filter(detail=f"compared with {before.public_id}").exists()


def _row(page: str, label: str) -> list[str]:
    """The cells of the comparison table's row for one measure, as text."""
    import re

    found = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.DOTALL)
    assert found is not None, label
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", found.group(1), re.DOTALL)]


def test_a_photo_of_another_patient_cannot_be_compared(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    mine = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    other_plan = consultations.record_consultation(
        None, clinician, make_patient(consultation.practice), held_on=CONSULTATION_DAY, intake=basic_intake()
    )
    theirs = photo_of(other_plan.consultation, clinician, jpeg_photo(), analyse=False)
    assert signed_in(clinician).get(f"/photos/{mine.public_id}/compare/?with={theirs.public_id}").status_code == 404


# -- the ITA estimate on the consultation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recorded", "flagged"), [("I", False), ("II", False), ("III", False), ("IV", True), ("VI", True)]
)
def test_the_consultation_flags_a_photo_estimate_more_than_one_type_from_the_recorded_phototype(
    recorded: str, flagged: bool, signed_in: SignIn, clinician: StaffUser, consultation: Consultation
) -> None:
    photo = photo_of(consultation, clinician, portrait_jpeg())
    assert photo.metric("fitzpatrick_estimate") == "II"
    consultation.intake = basic_intake(phototype={"fitzpatrick": recorded})
    consultation.save()
    text = signed_in(clinician).get(f"/consultations/{consultation.public_id}/").content.decode()
    assert "phototype estimate II" in text
    assert ("more than one type from the recorded phototype" in text) is flagged


def test_the_estimate_prefers_the_frontal_photo() -> None:
    now = timezone.now()
    frontal = SkinPhoto(view="frontal", taken_at=now - timedelta(hours=1), status="done", analysis=_estimate(60, "I"))
    oblique = SkinPhoto(view="left_oblique", taken_at=now, status="done", analysis=_estimate(20, "IV"))
    found = services.ita_estimate("IV", [oblique, frontal])
    assert found is not None
    assert (found.photo, found.estimate, found.disagrees) == (frontal, "I", True)


def _estimate(ita: float, phototype: str) -> dict[str, Any]:
    return {"ita_deg": ita, "ita_category": "light", "fitzpatrick_estimate": phototype, "calibrated": True}


# -- timeline and portal -------------------------------------------------------------------------------------------


def test_the_patient_timeline_shows_each_photo_with_its_state(
    signed_in: SignIn, clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    photo = photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    text = signed_in(clinician).get(f"/patients/{consultation.patient.public_id}/").content.decode()
    assert f'href="/photos/{photo.public_id}/">Frontal photo</a>' in text
    assert "Queued" in text


def test_photos_for_patient_are_the_analysed_ones_newest_first(
    clinician: StaffUser, consultation: Consultation, consented: PhotoConsent
) -> None:
    now = timezone.now()
    older = photo_of(consultation, clinician, portrait_jpeg(), taken_at=now - timedelta(days=30))
    photo_of(consultation, clinician, jpeg_photo(), analyse=False)
    newer = photo_of(consultation, clinician, portrait_jpeg(spots=8), taken_at=now)
    assert services.photos_for_patient(consultation.patient) == [newer, older]
    from lasercare.practice.photos.storage import open_image

    with open_image(newer, "overlay") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
