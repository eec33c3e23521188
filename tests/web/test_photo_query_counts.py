"""Query-count guards for the photo pages and the pages that list photos: the same number of queries for one photo
as for five, so a patient photographed at every session of a long course costs no more to show."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lasercare.practice.clinic.models import StaffUser
from lasercare.practice.consultations.models import Consultation, TreatmentPlan
from lasercare.practice.photos.models import SkinPhoto
from tests.web.photo_helpers import ANALYSIS, jpeg, photo_of, plain_image

pytestmark = pytest.mark.usefixtures("photo_storage")

SignIn = Callable[[StaffUser], Client]

# The most queries each page may make (session, account, audit entry and the page's own reads).
BASELINE = {"patient": 15, "consultation": 9, "upload": 9, "photo": 8, "compare": 8}


def count(client: Client, url: str, page: str) -> int:
    client.get("/health/")
    client.get(url)  # the first request of a session also writes the session's last-seen time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    found = len(captured.captured_queries)
    assert found <= BASELINE[page], captured.captured_queries
    return found


def add_photos(consultation: Consultation, by: StaffUser, n: int) -> list[SkinPhoto]:
    return [photo_of(consultation, by, jpeg(plain_image()), analyse=False) for _ in range(n)]


def _mark_analysed(photos: list[SkinPhoto]) -> None:
    # The pages read the stored analysis; what it says is tested in test_photos.py.
    SkinPhoto.objects.filter(pk__in=[p.pk for p in photos]).update(status="done", analysis=ANALYSIS)


@pytest.mark.parametrize("page", ["patient", "consultation", "upload"])
def test_pages_listing_photos_cost_the_same_for_1_and_5_photos(
    page: str, signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    consultation = plan.consultation
    url = {
        "patient": f"/patients/{plan.patient.public_id}/",
        "consultation": f"/consultations/{consultation.public_id}/",
        "upload": f"/consultations/{consultation.public_id}/photos/",
    }[page]
    client = signed_in(clinician)
    _mark_analysed(add_photos(consultation, clinician, 1))
    one = count(client, url, page)
    _mark_analysed(add_photos(consultation, clinician, 4))
    assert count(client, url, page) == one


@pytest.mark.parametrize("page", ["photo", "compare"])
def test_a_photo_page_costs_the_same_with_1_and_5_photos_to_compare_with(
    page: str, signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    photos = add_photos(plan.consultation, clinician, 2)
    _mark_analysed(photos)
    url = f"/photos/{photos[0].public_id}/" + ("compare/" if page == "compare" else "")
    client = signed_in(clinician)
    one = count(client, url, page)
    _mark_analysed(add_photos(plan.consultation, clinician, 4))
    assert count(client, url, page) == one
