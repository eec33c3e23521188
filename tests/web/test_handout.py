"""The patient's PDF handout: what it says (extracted from the PDF itself), how it looks (a page rendered to PNG with
poppler's pdftoppm), who may download it, and the HTML it is made from (built without WeasyPrint)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from lasercare.documents import handout
from lasercare.engine import load_knowledge, make_plan, plan_to_dict, read_intake
from lasercare.practice.audit.models import AuditAction, AuditEntry
from lasercare.practice.clinic.models import Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consent.document import EVIDENCE_WORDS
from lasercare.practice.consultations import services as consultations
from lasercare.practice.consultations.models import OverrideKind, TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.scheduling import services as scheduling
from tests.web.booking_helpers import add_device
from tests.web.conftest import CONSULTATION_DAY, basic_intake, make_patient, make_staff

SignIn = Callable[[StaffUser], Client]


def _words(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces: a PDF breaks lines wherever it must."""
    return " ".join(text.split())


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return _words(text.replace("-\n", "-"))  # a line broken after a hyphen ("types II-" / "IV") joined again


def _url(plan: TreatmentPlan) -> str:
    return f"/plans/{plan.public_id}/handout.pdf"


def _chosen_option(plan: TreatmentPlan) -> dict[str, Any]:
    chosen = consultations.chosen_modality(plan)
    option = next(o for o in plan.document["options"] if o["modality"] == chosen)
    assert isinstance(option, dict)
    return option


def _dated_preparation_step(document: dict[str, Any]) -> dict[str, Any]:
    step = next(s for s in document["protocol"]["preparation"] if s.get("on") and s.get("days_before"))
    assert isinstance(step, dict)
    return step


def _entry_of(document: dict[str, Any], source: str) -> dict[str, Any]:
    entry = next(entry for entry in document["bibliography"] if entry["id"] == source)
    assert isinstance(entry, dict)
    return entry


def _citation_of(document: dict[str, Any], source: str) -> str:
    return str(_entry_of(document, source)["citation"])


# The HTML, built from the engine's plan with no database and no WeasyPrint.


def _engine_document() -> dict[str, Any]:
    return plan_to_dict(make_plan(read_intake(basic_intake(), CONSULTATION_DAY), CONSULTATION_DAY, load_knowledge()))


def test_the_handout_html_says_the_plan_in_the_patients_words() -> None:
    document = _engine_document()
    course = document["course"]
    context = handout.handout_context(
        document,
        course["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=date(2026, 11, 27),
        status="accepted",
    )
    text = _words(re.sub(r"<[^>]+>", " ", handout.handout_html(context)))
    option = next(o for o in document["options"] if o["modality"] == course["modality"])
    assert "Riverside Skin Clinic" in text
    assert "For Jane Doe" in text
    assert _words(option["patient_name"]) in text
    assert f"{course['sessions']} sessions" in text
    step = _dated_preparation_step(document)
    assert handout.day_words(date.fromisoformat(step["on"])) in text
    # The patient voice of each text, never the clinician's.
    assert _words(step["patient_text"]).replace("'", "&#39;") in text
    assert _words(step["text"]).replace("'", "&#39;") not in text
    for risk in option["risks"]:
        assert _words(risk["patient"]["name"]) in text
        assert _words(risk["patient"]["how_often"]) in text
        assert _words(risk["patient"]["what_to_do"]) in text
        assert _words(risk["rate"]) not in text
    assert f"How sure we are: {EVIDENCE_WORDS[option['risks'][0]['evidence']]}." in text
    for source in option["risks"][0]["sources"]:
        if _entry_of(document, source)["for_patients"]:
            assert _words(_citation_of(document, source)).replace("'", "&#39;") in text
    # Each session of the engine's schedule, with the day it may be booked from.
    for entry in document["schedule"]:
        assert f"{entry['session']} of {course['sessions']}" in text
        assert f"Not before {handout.day_words(date.fromisoformat(entry['earliest_on']))}" in text
    assert "draft" not in text.lower()


def _marked_sources(document: dict[str, Any]) -> dict[str, str]:
    """Gives three sources the chosen option's handout cites recognisable citations and a status each: a mirror copy,
    an unconfirmed citation and a confirmed one. Returns each status's citation."""
    cited = [s for risk in _option_of(document)["risks"] for s in risk["sources"]]
    cited += [s for step in document["protocol"]["preparation"] for s in step.get("sources", [])]
    ids = list(dict.fromkeys(cited))
    assert len(ids) >= 3, "the plan of these tests cites at least three sources"
    marked = {}
    for source, status in zip(ids, ("mirror", "unconfirmed", "confirmed"), strict=False):
        entry = _entry_of(document, source)
        entry["citation"] = f"Citation-{status}-marker"
        entry["kind"] = "primary"
        entry["status"] = status
        entry["for_patients"] = status == "confirmed"
        marked[status] = entry["citation"]
    return marked


def _option_of(document: dict[str, Any]) -> dict[str, Any]:
    option = next(o for o in document["options"] if o["modality"] == document["course"]["modality"])
    assert isinstance(option, dict)
    return option


def _handout_text(document: dict[str, Any]) -> str:
    context = handout.handout_context(
        document,
        document["course"]["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=date(2026, 11, 27),
    )
    return handout.handout_html(context)


def test_the_handout_lists_confirmed_sources_never_a_mirror_copy_or_an_unconfirmed_citation() -> None:
    document = _engine_document()
    marked = _marked_sources(document)
    html = _handout_text(document)
    assert marked["confirmed"] in html
    assert marked["mirror"] not in html
    assert marked["unconfirmed"] not in html


def test_the_handout_lists_no_clinic_or_manufacturer_page_however_confirmed() -> None:
    document = _engine_document()
    marked = _marked_sources(document)
    entry = next(e for e in document["bibliography"] if e["citation"] == marked["confirmed"])
    for kind in ("clinic_page", "manufacturer"):
        entry["kind"] = kind
        entry["for_patients"] = False  # what the engine writes for such a kind
        assert marked["confirmed"] not in _handout_text(document)


def test_a_plan_stored_before_sources_had_a_status_shows_only_what_the_knowledge_base_confirms() -> None:
    document = _engine_document()
    knowledge = load_knowledge()
    for entry in document["bibliography"]:
        del entry["status"], entry["for_patients"]
    option = _option_of(document)
    cited = list(dict.fromkeys([*option["sources"], *(s for risk in option["risks"] for s in risk["sources"])]))
    cited += [s for step in document["protocol"]["preparation"] for s in step.get("sources", []) if s not in cited]
    shown = [s for s in cited if knowledge.sources[s].for_patients]
    assert len(shown) >= 2, "the chosen option and its preparation cite at least two confirmed sources"
    flagged = _entry_of(document, shown[0])
    flagged["unverified"] = True  # the old flag: never shown
    html = _handout_text(document)
    assert _words(flagged["citation"]).replace("'", "&#39;") not in html
    for source in shown[1:]:
        assert _words(_citation_of(document, source)).replace("'", "&#39;") in html
    for source in cited:
        if not knowledge.sources[source].for_patients:
            assert _words(_citation_of(document, source)).replace("'", "&#39;") not in html
    # An id the knowledge base no longer has is not shown either.
    gone = _entry_of(document, shown[-1])
    gone["id"], gone["citation"] = "no-such-source-any-more", "Citation-of-a-retired-id"
    option["sources"].append("no-such-source-any-more")
    assert "Citation-of-a-retired-id" not in _handout_text(document)


def test_unbooked_the_preparation_days_are_the_plans_own() -> None:
    document = _engine_document()
    context = handout.handout_context(
        document,
        document["course"]["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=date(2026, 11, 27),
    )
    steps = document["protocol"]["preparation"]
    assert [s["text"] for s in context["preparation"]] == [s["patient_text"] for s in steps]
    assert [s["on"] for s in context["preparation"]] == [
        date.fromisoformat(s["on"]) if s.get("on") else None for s in steps
    ]


def test_the_dates_count_from_the_booked_first_session() -> None:
    document = _engine_document()
    course = document["course"]
    step = _dated_preparation_step(document)
    first = date.fromisoformat(course["first_on"]) + timedelta(days=30)
    booked = {1: timezone.make_aware(datetime(first.year, first.month, first.day, 10, 30))}
    context = handout.handout_context(
        document,
        course["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=date(2026, 11, 27),
        booked=booked,
    )
    due = first - timedelta(days=step["days_before"])
    shown = next(s for s in context["preparation"] if s["text"] == step["patient_text"])
    assert shown["on"] == due
    assert shown["when"].startswith(f"From {handout.day_words(due)}")
    assert context["schedule"][0]["state"] == "booked"
    assert context["schedule"][0]["when"] == f"{handout.day_words(first)}, 10:30"
    assert context["first_session"] == handout.day_words(first)


def _interval(document: dict[str, Any]) -> timedelta:
    """The minimum interval of the engine's course."""
    option = next(o for o in document["options"] if o["modality"] == document["course"]["modality"])
    return timedelta(weeks=int(option["interval_weeks"]["min"]))


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_sessions_not_booked_count_from_the_last_session_booked_never_from_the_consultation() -> None:
    """The reported fault: session 5 booked for 10 December, sessions 6 and 7 "not before" October days."""
    document = _engine_document()
    course = document["course"]
    sessions = int(course["sessions"])
    interval = _interval(document)
    # Every session two weeks later than the plan's earliest: the plan's own days are behind the course.
    booked = {
        n: _at(date.fromisoformat(course["first_on"]) + interval * (n - 1) + timedelta(weeks=2))
        for n in range(1, sessions)
    }
    last = booked[sessions - 1].date()
    context = handout.handout_context(
        document,
        course["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=last - timedelta(days=3),
        booked=booked,
        held=set(range(1, sessions - 1)),
    )
    rows = context["schedule"]
    assert [row["state"] for row in rows] == ["held"] * (sessions - 2) + ["booked", "not_booked"]
    assert rows[0]["when"] == handout.day_words(booked[1].date())
    assert rows[-1]["when"] == handout.day_words(last + interval)


def test_a_held_session_says_held_on_its_day_and_a_booked_one_booked() -> None:
    document = _engine_document()
    course = document["course"]
    first = date.fromisoformat(course["first_on"])
    interval = _interval(document)
    context = handout.handout_context(
        document,
        course["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=first + interval - timedelta(days=1),
        booked={1: _at(first), 2: _at(first + interval)},
        held={1},
    )
    html = _words(handout.handout_html(context))
    assert f"Held on {handout.day_words(first)}" in html
    assert f"Booked: {handout.day_words(first + interval)}, 10:00" in html
    assert f"Booked: {handout.day_words(first)}" not in html


def test_an_aftercare_step_lasting_days_is_given_for_each_of_them() -> None:
    """The reported fault: "no retinoids ... for 7 days" read "Day 7 after each session"."""
    document = _engine_document()
    lasting = next(s for s in document["protocol"]["aftercare"] if s.get("for_days"))
    context = handout.handout_context(
        document,
        document["course"]["modality"],
        patient_name="Jane Doe",
        practice_name="Riverside Skin Clinic",
        prepared_on=date(2026, 11, 27),
    )
    shown = next(s for s in context["aftercare"] if s["text"] == lasting["patient_text"])
    assert shown["when"] == f"Days 1 to {lasting['for_days']} after each session"


def test_a_draft_plans_handout_says_it_is_a_draft_and_a_plan_without_a_choice_has_no_treatment() -> None:
    document = _engine_document()
    draft = handout.handout_context(
        document,
        None,
        patient_name="Jane Doe",
        practice_name="Riverside",
        prepared_on=date(2026, 11, 27),
        status="draft",
    )
    html = handout.handout_html(draft)
    assert str(handout.STATUS_WORDS["draft"]) in html
    assert "No treatment has been chosen" in html
    assert "Possible side effects" not in html


def test_the_handout_html_escapes_what_it_is_given() -> None:
    context = handout.handout_context(
        _engine_document(),
        None,
        patient_name="<script>alert(1)</script>",
        practice_name="Smith & Jones",
        prepared_on=date(2026, 11, 27),
    )
    html = handout.handout_html(context)
    assert "<script>" not in html
    assert "Smith &amp; Jones" in html


def test_the_pdf_fetches_nothing(tmp_path: Path) -> None:
    picture = tmp_path / "picture.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    reader = PdfReader(io.BytesIO(handout.render_pdf(f'<p>Text</p><img src="{picture.as_uri()}">')))
    assert "Text" in reader.pages[0].extract_text()
    assert list(reader.pages[0].images) == []  # the picture was not loaded


# The PDF, from the staff's page.


def test_the_handout_pdf_holds_the_patients_plan(signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan) -> None:
    response = signed_in(clinician).get(_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handout.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF-")

    text = _pdf_text(response.content)
    document = plan.document
    option = _chosen_option(plan)
    assert plan.patient.full_name in text
    assert "Riverside Skin Clinic" in text
    assert _words(option["patient_name"]) in text
    assert f"{document['course']['sessions']} sessions" in text
    step = _dated_preparation_step(document)
    assert handout.day_words(date.fromisoformat(step["on"])) in text
    assert _words(step["patient_text"])[:60] in text
    risk = option["risks"][0]
    assert _words(risk["patient"]["name"]) in text
    assert _words(risk["patient"]["how_often"])[:60] in text
    cited = [*option["sources"], *(source for r in option["risks"] for source in r["sources"])]
    shown = next(source for source in cited if _entry_of(document, source)["for_patients"])
    assert _words(_citation_of(document, shown))[:60] in text
    for source in cited:
        if not _entry_of(document, source)["for_patients"]:
            assert _words(_citation_of(document, source))[:60] not in text
    assert re.search(r"Page 1 of \d", text)


def test_a_page_of_the_handout_renders_to_png(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan, tmp_path: Path
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "poppler-utils is missing: `make pdf` installs it"
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(signed_in(clinician).get(_url(plan)).content)
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        assert image.format == "PNG"
        # A4 at 60 dpi: 496 x 702 pixels, portrait.
        assert abs(image.width - 496) <= 2 and abs(image.height - 702) <= 2
        grey = image.convert("L")
        dark = sum(1 for value in grey.tobytes() if value < 128)
    # Text on the page, on a white sheet: neither blank nor a solid block.
    assert 0.01 < dark / (grey.width * grey.height) < 0.3


def test_a_booked_first_session_dates_the_preparation(
    signed_in: SignIn, practice: Practice, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    plan = consultations.decide_plan(None, clinician, plan, accepted=True)
    modality = consultations.chosen_modality(plan)
    assert modality is not None
    first = date.fromisoformat(plan.document["course"]["first_on"]) + timedelta(days=21)
    scheduling.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=clinician,
        room=Room.objects.create(practice=practice, name="Room 1"),
        device=add_device(practice, modality, "Laser A"),
        starts_at=timezone.make_aware(datetime(first.year, first.month, first.day, 9, 0)),
    )
    text = _pdf_text(signed_in(clinician).get(_url(plan)).content)
    step = _dated_preparation_step(plan.document)
    assert f"Booked: {handout.day_words(first)}, 09:00" in text
    assert handout.day_words(first - timedelta(days=step["days_before"])) in text


def test_another_option_chosen_gets_its_own_course_and_no_other_treatments_instructions(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    engine = plan.document["course"]["modality"]
    other = next(
        o
        for o in plan.document["options"]
        if o["modality"] != engine and o["suitability"] in ("recommended", "acceptable")
    )
    consultations.override_plan(
        None, clinician, plan, kind=OverrideKind.CHOICE, modality=other["modality"], reason="Patient's preference"
    )
    plan.refresh_from_db()
    context = handout.handout_for_plan(plan, prepared_on=date(2026, 11, 27))
    assert context["treatment"]["name"] == other["patient_name"]
    assert context["treatment"]["sessions"] == other["sessions"]["max"]
    assert context["protocol_applies"] is False
    assert context["preparation"] == context["day_of"] == context["aftercare"] == []
    assert [r["rate"] for r in context["risks"]] == [r["patient"]["how_often"] for r in other["risks"]]
    html = handout.handout_html(context)
    assert "Your practice gives you the preparation and aftercare instructions" in html


# Who may have it, and the audit log.


def test_front_desk_may_not_download_the_handout(
    signed_in: SignIn, staff: dict[Role, StaffUser], plan: TreatmentPlan
) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).get(_url(plan))
    assert response.status_code == 403
    assert plan.patient.family_name not in response.content.decode(errors="replace")


def test_another_practices_plan_is_not_found(signed_in: SignIn, clinician: StaffUser, other_practice: Practice) -> None:
    theirs: Patient = make_patient(other_practice, family_name="Elsewhere-Person")
    their_plan = consultations.record_consultation(
        None, make_staff(other_practice, Role.CLINICIAN), theirs, held_on=CONSULTATION_DAY, intake=basic_intake()
    )
    response = signed_in(clinician).get(_url(their_plan))
    assert response.status_code == 404
    assert "Elsewhere-Person" not in response.content.decode(errors="replace")
    assert not AuditEntry.objects.filter(action=AuditAction.PRINT, record_id=str(their_plan.public_id)).exists()


def test_downloading_the_handout_is_audited(signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan) -> None:
    signed_in(clinician).get(_url(plan))
    entry = AuditEntry.objects.get(action=AuditAction.PRINT, record_type="plan", detail="handout")
    assert entry.record_id == str(plan.public_id)
    assert entry.patient_ref == str(plan.patient.public_id)
    assert entry.actor_id == clinician.pk
    assert plan.patient.family_name not in entry.detail


def test_the_plan_page_links_to_the_handout(signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan) -> None:
    text = signed_in(clinician).get(f"/plans/{plan.public_id}/").content.decode()
    assert f'href="{_url(plan)}"' in text
    assert "Patient handout (PDF)" in text


def test_making_a_pdf_leaves_pillow_refusing_truncated_photos() -> None:
    # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import; the photo analysis must still refuse
    # a truncated upload in a server process that has made a handout.
    from PIL import ImageFile

    from lasercare.documents.handout import render_pdf

    render_pdf("<p>A page</p>")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
