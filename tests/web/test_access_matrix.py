"""Who may see and do what: every URL x every role, of this practice and of another, checked against one table.

The URL list comes from the resolver, so a new URL without an entry in ROUTES fails `test_every_url_is_in_the_table`
and has no expectation to pass. ROUTES names the Action each route needs (PERMISSIONS in roles.py says which roles
hold it), the methods it answers and what an allowed member of staff of the record's practice gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lasercare.engine import load_knowledge
from lasercare.practice.clinic.models import (
    Device,
    Location,
    PhototypeSettingRange,
    PolicySetting,
    Practice,
    PriceListItem,
    Room,
    StaffUser,
)
from lasercare.practice.clinic.roles import PERMISSIONS, Action, Role
from lasercare.practice.consultations.models import TreatmentPlan
from lasercare.practice.patients.models import Patient
from lasercare.practice.safety.models import Eyewear, LaserSafetyOfficer
from tests.web.charting_helpers import charting_records
from tests.web.conftest import make_patient, make_staff

pytestmark = pytest.mark.usefixtures("photo_storage")

# Text that belongs to the practice whose records the URLs name: it must never reach anyone else.
FAMILY_NAME = "Quennell-Markby"
PHONE = "+44 7700 900555"
MARKERS = (FAMILY_NAME, "900555", "Riverside")

GET, POST = "GET", "POST"


@dataclass(frozen=True)
class Route:
    """What a route needs and what an allowed member of staff of the record's practice gets, per method.

    `action` None: open to anyone signed in (or to everyone, with `public`). `record`: the kind of record the URL
    names, looked up in the user's practice only. `superuser`: what an installation superuser (no practice) gets,
    where the admin answers them differently from a practice admin.
    """

    action: Action | None
    methods: dict[str, int]
    record: str = ""
    public: bool = False
    admin: bool = False
    superuser: dict[str, int] = field(default_factory=dict)
    portal: bool = False  # a patient's page: nobody without a portal session gets further than its sign-in page


def _admin_model(model: str, practice_admin_may_add_and_delete: bool = True, app: str = "clinic") -> dict[str, Route]:
    add_delete = 200 if practice_admin_may_add_and_delete else 403
    # A practice is never deleted through the admin, not even by a superuser (its records are kept).
    superuser_delete = 200 if practice_admin_may_add_and_delete else 403
    configure = Action.CONFIGURE_PRACTICE
    return {
        f"admin:{app}_{model}_changelist": Route(configure, {GET: 200}, admin=True),
        f"admin:{app}_{model}_add": Route(configure, {GET: add_delete}, admin=True, superuser={GET: 200}),
        f"admin:{app}_{model}_history": Route(configure, {GET: 200}, record=model, admin=True),
        f"admin:{app}_{model}_delete": Route(
            configure, {GET: add_delete}, record=model, admin=True, superuser={GET: superuser_delete}
        ),
        f"admin:{app}_{model}_change": Route(configure, {GET: 200}, record=model, admin=True),
        # The old-style object URL: a redirect to the change page, which does the checking.
        f"admin:admin/{app}/{model}/<path:object_id>/": Route(configure, {GET: 302}, record=model, admin=True),
    }


ROUTES: dict[str, Route] = {
    # The front door: public; a member of staff logged in has the dashboard there (a superuser has no practice).
    "dashboard": Route(Action.VIEW_DASHBOARD, {GET: 200}, public=True),
    "front_door": Route(Action.VIEW_DASHBOARD, {GET: 200}, public=True),
    "todays_patients": Route(Action.VIEW_DASHBOARD, {GET: 200}),
    "follow_ups_due": Route(Action.VIEW_DASHBOARD, {GET: 200}),
    "awaiting_sign_off": Route(Action.VIEW_CLINICAL, {GET: 200}),
    "todays_sessions": Route(Action.VIEW_SCHEDULE, {GET: 200}),
    "ready_to_book": Route(Action.BOOK_SESSIONS, {GET: 200}),
    "adverse_events_to_review": Route(Action.VIEW_CLINICAL, {GET: 200}),
    # The review of a translation's clinical text: the empty POST names no language.
    "translation_reviews": Route(Action.REVIEW_TRANSLATION, {GET: 200, POST: 400}),
    # The language switch of the patient pages: anyone, signed in or not; it only sets a cookie and goes back.
    "set_language": Route(None, {POST: 302}, public=True),
    "login": Route(None, {GET: 200, POST: 200}, public=True),
    "logout": Route(None, {POST: 302}),
    "password_change": Route(None, {GET: 200, POST: 200}),
    "password_change_done": Route(None, {GET: 200}),
    "patients": Route(Action.VIEW_PATIENT_LIST, {GET: 200, POST: 200}),
    "patient_new": Route(Action.EDIT_PATIENT, {GET: 200, POST: 400}),
    "patient": Route(Action.VIEW_PATIENT_LIST, {GET: 200}, record="patient"),
    "patient_edit": Route(Action.EDIT_PATIENT, {GET: 200, POST: 400}, record="patient"),
    "consultation_new": Route(Action.RECORD_CONSULTATION, {GET: 200, POST: 400}, record="patient"),
    "consultation_preview": Route(Action.RECORD_CONSULTATION, {POST: 200}, record="patient"),
    "consultation": Route(Action.VIEW_CLINICAL, {GET: 200}, record="consultation"),
    "plan": Route(Action.VIEW_CLINICAL, {GET: 200}, record="plan"),
    "plan_print": Route(Action.VIEW_CLINICAL, {GET: 200}, record="plan"),
    "plan_handout": Route(Action.VIEW_CLINICAL, {GET: 200}, record="plan"),
    "plan_override": Route(Action.OVERRIDE_PLAN, {POST: 400}, record="plan"),
    "plan_propose": Route(Action.ACCEPT_PLAN, {POST: 302}, record="plan"),
    "plan_accept": Route(Action.ACCEPT_PLAN, {POST: 302}, record="plan"),
    "plan_decline": Route(Action.ACCEPT_PLAN, {POST: 302}, record="plan"),
    "plan_replan": Route(Action.ACCEPT_PLAN, {POST: 302}, record="plan"),
    # The empty POST has no note: the plan again, with the note asked for.
    "plan_answer_safety": Route(Action.ANSWER_SAFETY_QUESTION, {POST: 400}, record="plan"),
    # Scheduling: everyone sees the calendars; front desk, nurses and clinicians book.
    "plan_course": Route(Action.VIEW_SCHEDULE, {GET: 200}, record="plan"),
    "plan_course_book": Route(Action.BOOK_SESSIONS, {POST: 400}, record="plan"),
    "booking": Route(Action.VIEW_SCHEDULE, {GET: 200}, record="booking"),
    "booking_reschedule": Route(Action.BOOK_SESSIONS, {POST: 400}, record="booking"),
    "booking_cancel": Route(Action.BOOK_SESSIONS, {POST: 400}, record="booking"),
    "booking_no_show": Route(Action.BOOK_SESSIONS, {POST: 302}, record="booking"),
    "calendar": Route(Action.VIEW_SCHEDULE, {GET: 200}),
    "calendar_day_sheet": Route(Action.VIEW_SCHEDULE, {GET: 200}),
    "calendar_feed_manage": Route(Action.VIEW_SCHEDULE, {GET: 200, POST: 200}),
    # No log-in: the secret in its address is the credential, and its events name no patient.
    "calendar_feed": Route(None, {GET: 200}, public=True),
    # Charting. The plan of `records` is a draft (chart_new refuses it, plainly) and its chart is signed (edit and
    # sign refuse it, back to the chart with the reason); the empty POSTs are invalid forms.
    "plan_charts": Route(Action.VIEW_CLINICAL, {GET: 200}, record="plan"),
    "chart_new": Route(Action.CHART_SESSION, {GET: 200, POST: 400}, record="plan"),
    "chart_check": Route(Action.CHART_SESSION, {POST: 200}, record="plan"),
    "chart": Route(Action.VIEW_CLINICAL, {GET: 200}, record="chart"),
    "chart_edit": Route(Action.CHART_SESSION, {GET: 302, POST: 302}, record="chart"),
    "chart_sign": Route(Action.CHART_SESSION, {POST: 302}, record="chart"),
    "chart_addendum": Route(Action.CHART_SESSION, {POST: 400}, record="chart"),
    "adverse_event_new": Route(Action.RECORD_ADVERSE_EVENT, {GET: 200, POST: 400}, record="plan"),
    "adverse_event": Route(Action.VIEW_CLINICAL, {GET: 200}, record="adverse_event"),
    "adverse_event_review": Route(Action.REVIEW_ADVERSE_EVENT, {POST: 400}, record="adverse_event"),
    "adverse_event_resolve": Route(Action.RECORD_ADVERSE_EVENT, {POST: 400}, record="adverse_event"),
    "outcome_new": Route(Action.RECORD_OUTCOME, {GET: 200, POST: 400}, record="plan"),
    "outcome": Route(Action.VIEW_CLINICAL, {GET: 200}, record="outcome"),
    # Consent. The plan of `records` is a draft (preparing from it is refused, back to its page with the reason);
    # the consent is a draft of another patient's accepted plan (withdrawing it is refused the same way); the empty
    # POSTs are invalid forms. The template pages name a family, not a record: each practice sees its own.
    "consent_templates": Route(Action.MANAGE_CONSENT_TEMPLATES, {GET: 200}),
    "consent_template_new": Route(Action.MANAGE_CONSENT_TEMPLATES, {GET: 200, POST: 400}),
    "plan_consent": Route(Action.VIEW_CLINICAL, {GET: 200}, record="plan"),
    "plan_consent_prepare": Route(Action.PREPARE_CONSENT, {POST: 302}, record="plan"),
    "consent": Route(Action.VIEW_CLINICAL, {GET: 200}, record="consent"),
    "consent_sign": Route(Action.PREPARE_CONSENT, {POST: 400}, record="consent"),
    "consent_withdraw": Route(Action.PREPARE_CONSENT, {POST: 302}, record="consent"),
    "consent_print": Route(Action.VIEW_CLINICAL, {GET: 200}, record="consent"),
    # Photos. The photo of `records` is analysed (so its overlay and comparison exist); the empty POSTs are invalid
    # forms; withdrawing the photo consent leads back to the patient's photo consent page.
    "photo_consent": Route(Action.TAKE_PHOTOS, {GET: 200, POST: 400}, record="patient"),
    "photo_consent_withdraw": Route(Action.TAKE_PHOTOS, {POST: 302}, record="photo_consent"),
    "consultation_photo_new": Route(Action.TAKE_PHOTOS, {GET: 200, POST: 400}, record="consultation"),
    "booking_photo_new": Route(Action.TAKE_PHOTOS, {GET: 200, POST: 400}, record="booking"),
    "photo": Route(Action.VIEW_CLINICAL, {GET: 200}, record="skin_photo"),
    "photo_image": Route(Action.VIEW_CLINICAL, {GET: 200}, record="skin_photo"),
    "photo_overlay": Route(Action.VIEW_CLINICAL, {GET: 200}, record="skin_photo"),
    "photo_analyse": Route(Action.TAKE_PHOTOS, {POST: 302}, record="skin_photo"),
    "photo_compare": Route(Action.VIEW_CLINICAL, {GET: 200}, record="skin_photo"),
    "audit_log": Route(Action.VIEW_AUDIT_LOG, {GET: 200, POST: 400}),
    "audit_log_export": Route(Action.VIEW_AUDIT_LOG, {GET: 200}),
    # The public pages: information and the self-assessment, open to everyone. They name a practice (public
    # information) but none of its records; the empty POSTs are forms with every answer missing.
    "learn": Route(None, {GET: 200}, public=True),
    "learn_topic": Route(None, {GET: 200}, public=True),
    "learn_treatment": Route(None, {GET: 200}, public=True),
    "self_assessment_start": Route(None, {GET: 200}, public=True),
    "self_assessment": Route(None, {GET: 200, POST: 200}, public=True),
    "self_assessment_result": Route(None, {POST: 400}, public=True),
    "consultation_request_send": Route(None, {POST: 400}, public=True),
    "consultation_request_sent": Route(None, {GET: 200}, public=True),
    # The front desk's worklist of the requests sent from the self-assessment.
    "consultation_requests": Route(Action.VIEW_CONSULTATION_REQUESTS, {GET: 200}),
    "consultation_request": Route(Action.VIEW_CONSULTATION_REQUESTS, {GET: 200}, record="consultation_request"),
    "consultation_request_status": Route(Action.VIEW_CONSULTATION_REQUESTS, {POST: 400}, record="consultation_request"),
    # Reminders: the staff's page of a patient's reminders (the empty POST is an invalid form); the unsubscribe link
    # and the patient's calendar feed answer to the secret in their address alone.
    "patient_reminders": Route(Action.MANAGE_REMINDERS, {GET: 200, POST: 400}, record="patient"),
    "reminder_unsubscribe": Route(None, {GET: 200, POST: 200}, public=True),
    "patient_calendar_feed": Route(None, {GET: 200}, public=True),
    # Laser safety: every member of staff sees what each device calls for and prints its sign. The chart of
    # `records` is signed and no one in it is a laser safety officer: an override is refused, back to the chart.
    "laser_safety": Route(Action.VIEW_DASHBOARD, {GET: 200}),
    "device_safety": Route(Action.VIEW_DASHBOARD, {GET: 200}, record="device"),
    "device_sign": Route(Action.VIEW_DASHBOARD, {GET: 200}, record="device"),
    "eyewear_override": Route(Action.CHART_SESSION, {POST: 302}, record="chart"),
    "health": Route(None, {GET: 200}, public=True),
    # The configuration admin: practice admins (is_staff) only, each seeing their own practice.
    # The patient portal. Its pages admit only a signed-in patient (tests/web/test_portal_isolation.py checks one
    # patient against another); staff sessions are not patients' and go to its sign-in page like anyone else.
    # Its sign-in pages are public; the token in `records` is not a portal token, so the links say so.
    "portal_home": Route(None, {GET: 302}, portal=True),
    "portal_sign_in": Route(None, {GET: 200, POST: 400}, public=True),
    "portal_send_link": Route(None, {POST: 400}, public=True),
    "portal_sign_in_link": Route(None, {GET: 302, POST: 302}, public=True),
    "portal_invitation": Route(None, {GET: 410, POST: 410}, public=True),
    "portal_sign_out": Route(None, {POST: 302}, public=True),
    "portal_password": Route(None, {GET: 302, POST: 302}, portal=True),
    "portal_plan": Route(None, {GET: 302}, record="plan", portal=True),
    "portal_handout": Route(None, {GET: 302}, record="plan", portal=True),
    "portal_consent": Route(None, {GET: 302, POST: 302}, record="consent", portal=True),
    "portal_consent_question": Route(None, {GET: 302, POST: 302}, record="consent", portal=True),
    "portal_preparation": Route(None, {GET: 302, POST: 302}, portal=True),
    "portal_appointments": Route(None, {GET: 302}, portal=True),
    "portal_change": Route(None, {GET: 302, POST: 302}, record="booking", portal=True),
    "portal_move": Route(None, {POST: 302}, record="booking", portal=True),
    "portal_cancel": Route(None, {POST: 302}, record="booking", portal=True),
    "portal_book": Route(None, {GET: 302, POST: 302}, record="plan", portal=True),
    "portal_aftercare": Route(None, {GET: 302}, portal=True),
    "portal_report": Route(None, {GET: 302, POST: 302}, portal=True),
    "portal_photos": Route(None, {GET: 302}, portal=True),
    "portal_calendar": Route(None, {GET: 302, POST: 302}, portal=True),
    "portal_calendar_file": Route(None, {GET: 302}, portal=True),
    "portal_reminders": Route(None, {GET: 302, POST: 302}, portal=True),
    "portal_photo": Route(None, {GET: 302}, record="skin_photo", portal=True),
    "portal_photo_overlay": Route(None, {GET: 302}, record="skin_photo", portal=True),
    # The practice's side of the portal. The patient of `records` has no e-mail address: inviting them is refused
    # with the reason, back on their page.
    "portal_invite": Route(Action.INVITE_TO_PORTAL, {POST: 302}, record="patient"),
    "portal_close": Route(Action.INVITE_TO_PORTAL, {POST: 302}, record="patient"),
    "change_requests": Route(Action.BOOK_SESSIONS, {GET: 200}),
    "change_request": Route(Action.BOOK_SESSIONS, {GET: 200}, record="change_request"),
    "change_request_handled": Route(Action.BOOK_SESSIONS, {POST: 302}, record="change_request"),
    "side_effect_reports": Route(Action.VIEW_CLINICAL, {GET: 200}),
    "side_effect_report": Route(Action.VIEW_CLINICAL, {GET: 200}, record="side_effect_report"),
    "side_effect_reviewed": Route(Action.RECORD_ADVERSE_EVENT, {POST: 302}, record="side_effect_report"),
    "admin:index": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, admin=True),
    "admin:login": Route(None, {GET: 200}, public=True, admin=True),
    "admin:logout": Route(Action.CONFIGURE_PRACTICE, {POST: 302}, admin=True),  # to the app's log-in page
    "admin:password_change": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, admin=True),
    "admin:password_change_done": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, admin=True),
    # No admin declares autocomplete fields, so the view refuses every request.
    "admin:autocomplete": Route(Action.CONFIGURE_PRACTICE, {GET: 403}, admin=True),
    "admin:jsi18n": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, admin=True),
    # No model has get_absolute_url, so "view on site" never finds a page.
    "admin:view_on_site": Route(Action.CONFIGURE_PRACTICE, {GET: 404}, record="location", admin=True),
    **_admin_model("practice", practice_admin_may_add_and_delete=False),
    **_admin_model("location"),
    **_admin_model("staffuser"),
    **_admin_model("policysetting"),
    **_admin_model("pricelistitem"),
    **_admin_model("room"),
    **_admin_model("device"),
    **_admin_model("phototypesettingrange"),
    **_admin_model("eyewear", app="safety"),
    **_admin_model("lasersafetyofficer", app="safety"),
    "admin:auth_user_password_change": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, record="staffuser", admin=True),
    "admin:app_list": Route(Action.CONFIGURE_PRACTICE, {GET: 200}, admin=True),
    "admin:admin/(?P<url>.*)$": Route(Action.CONFIGURE_PRACTICE, {GET: 404}, admin=True),
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            found.append((f"{namespace}{pattern.name}" if pattern.name else f"{namespace}{route}", route))
    return found


URLS: dict[str, str] = dict(_walk(get_resolver().url_patterns))
WHO = ["anonymous", "superuser", *(f"{place}:{role.value}" for place in ("own", "other") for role in Role)]
CASES = [
    pytest.param(key, method, who, id=f"{re.sub(r'[^a-z0-9_:]+', '_', key)}-{method}-{who}")
    for key in URLS
    for method in (ROUTES[key].methods if key in ROUTES else {GET: 0})
    for who in WHO
]


@pytest.fixture
def patient(practice: Practice) -> Patient:
    return make_patient(practice, family_name=FAMILY_NAME, phone=PHONE)


@pytest.fixture
def records(practice: Practice, plan: TreatmentPlan) -> dict[str, Any]:
    """One record of each kind in `practice`, by the kind's name in ROUTES."""
    key = sorted(load_knowledge().policy.values)[0]
    modality = sorted(load_knowledge().modalities)[0]
    scheduled = _scheduled(practice)
    return {
        "patient": plan.patient,
        "consultation": plan.consultation,
        "plan": plan,
        "practice": practice,
        "location": Location.objects.get(practice=practice),
        "staffuser": StaffUser.objects.get(practice=practice, role=Role.NURSE),
        "policysetting": PolicySetting.objects.create(
            practice=practice, key=key, value=str(load_knowledge().policy.values[key].value).lower()
        ),
        "pricelistitem": PriceListItem.objects.create(
            practice=practice, modality=modality, per_session=Decimal("250.00"), currency="GBP"
        ),
        "room": Room.objects.create(practice=practice, name="Riverside room 1"),
        "device": Device.objects.create(
            practice=practice,
            name="Riverside Fraxel",
            model="Fraxel re:store",
            serial_number="RS-1",
            modality="nafl_1550",
            wavelengths_nm="1550",
        ),
        "phototypesettingrange": PhototypeSettingRange.objects.create(
            practice=practice,
            modality="nafl_1550",
            phototypes="IV, V, VI",
            setting="density_percent",
            maximum=Decimal("20"),
            note="Riverside protocol",
        ),
        "eyewear": Eyewear.objects.create(practice=practice, name="Riverside goggles 1"),
        "lasersafetyofficer": LaserSafetyOfficer.objects.create(
            staff=StaffUser.objects.get(practice=practice, role=Role.PRACTICE_ADMIN), appointed_on="2026-01-05"
        ),
        **scheduled,
        **charting_records(plan),
        "consultation_request": _consultation_request(practice),
        **_consented(practice),
        **_photographed(plan),
        **_patient_links(),
    }


def _photographed(plan: TreatmentPlan) -> dict[str, Any]:
    """The patient's photo consent and an analysed photo of the consultation, its files written directly (the
    analysis itself is tested in tests/web/test_photos.py)."""
    import io

    from django.utils import timezone
    from PIL import Image

    from lasercare.practice.photos import services as photos
    from lasercare.practice.photos import storage
    from lasercare.practice.photos.models import AnalysisStatus, PhotoScope, SkinPhoto
    from tests.web.photo_helpers import ANALYSIS

    clinician = StaffUser.objects.get(practice=plan.practice, role=Role.CLINICIAN)
    consent = photos.record_photo_consent(None, clinician, plan.patient, scope=PhotoScope.CLINICAL)
    images = {}
    for kind in ("JPEG", "PNG"):
        out = io.BytesIO()
        Image.new("RGB", (80, 60), (190, 150, 130)).save(out, format=kind)
        images[kind] = out.getvalue()
    photo = SkinPhoto.objects.create(
        practice=plan.practice,
        patient=plan.patient,
        consultation=plan.consultation,
        consent=consent,
        view="frontal",
        taken_at=timezone.now(),
        uploaded_by=clinician,
        original_name=storage.save_file("originals/matrix.jpg", images["JPEG"]),
        original_sha256="0" * 64,
        original_bytes=len(images["JPEG"]),
        original_format="JPEG",
        working_name=storage.save_file("copies/matrix.jpg", images["JPEG"]),
        overlay_name=storage.save_file("overlays/matrix.png", images["PNG"]),
        width=80,
        height=60,
        status=AnalysisStatus.DONE,
        analysis=ANALYSIS,
    )
    return {"photo_consent": consent, "skin_photo": photo}


def _consultation_request(practice: Practice) -> Any:
    """A request sent from the self-assessment, by someone whose name and phone are the practice's MARKERS."""
    from django.utils import timezone

    from lasercare.practice.selfassessment.models import ConsultationRequest

    return ConsultationRequest.objects.create(
        practice=practice,
        name=f"Ann {FAMILY_NAME}",
        phone=PHONE,
        contact_by="phone",
        answers={"age": 40, "concerns": ["sun_spots"]},
        result={"phototype": "II", "could_suit": ["ipl"], "unlikely": [], "findings": []},
        consent_version="test",
        consented_at=timezone.now(),
    )


def _consented(practice: Practice) -> dict[str, Any]:
    """A consent awaiting signature, prepared from another patient's accepted plan (so `plan` stays a draft),
    under a template whose title names the practice: another practice's admin must not see it."""
    from lasercare.practice.consent import services as consent
    from lasercare.practice.consultations import services as consultations
    from tests.web.conftest import CONSULTATION_DAY, basic_intake

    clinician = StaffUser.objects.get(practice=practice, role=Role.CLINICIAN)
    admin = StaffUser.objects.get(practice=practice, role=Role.PRACTICE_ADMIN)
    patient = make_patient(practice, family_name=FAMILY_NAME, given_names="Ann", phone=PHONE)
    plan = consultations.record_consultation(None, clinician, patient, held_on=CONSULTATION_DAY, intake=basic_intake())
    plan = consultations.decide_plan(None, clinician, plan, accepted=True)
    consent.save_template_version(None, admin, practice, "broadband_light", "Riverside IPL consent", "Our wording.")
    return {"consent": consent.prepare_consent(None, clinician, plan)}


def _scheduled(practice: Practice) -> dict[str, Any]:
    """A booking of the clinician's (for another patient of the practice, so `plan` stays a draft) and the
    clinician's feed token. Its room and device are not named after the practice: the feed, open to anyone with
    the token, must show none of the MARKERS."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from lasercare.practice.consultations import services as consultations
    from lasercare.practice.scheduling import services as scheduling
    from tests.web.conftest import basic_intake

    clinician = StaffUser.objects.get(practice=practice, role=Role.CLINICIAN)
    patient = make_patient(practice, family_name=FAMILY_NAME, given_names="John", phone=PHONE)
    held_on = timezone.localdate() - timedelta(days=120)
    plan = consultations.record_consultation(None, clinician, patient, held_on=held_on, intake=basic_intake())
    plan = consultations.decide_plan(None, clinician, plan, accepted=True)
    course = scheduling.course(plan)
    device = Device.objects.create(
        practice=practice,
        name="IPL unit",
        model="M22",
        serial_number="S-1",
        modality=course.modality,
        wavelengths_nm="515, 560, 590",
    )
    first = course.schedule.get(1) or held_on + timedelta(days=14)
    booking = scheduling.book(
        None,
        clinician,
        plan,
        session_number=1,
        practitioner=clinician,
        room=Room.objects.create(practice=practice, name="Treatment room"),
        device=device,
        starts_at=timezone.make_aware(datetime.combine(first, time(10))),
    )
    from lasercare.practice.portal.models import ChangeRequest, SideEffectReport

    change = ChangeRequest.objects.create(
        practice=practice, patient=patient, booking=booking, wish="move", message="Riverside mornings only"
    )
    report = SideEffectReport.objects.create(
        practice=practice,
        patient=patient,
        booking=booking,
        symptoms=["redness_swelling"],
        started_on=first,
        description="Riverside redness",
    )
    return {
        "booking": booking,
        "feed_token": scheduling.new_feed_token(None, clinician),
        "change_request": change,
        "side_effect_report": report,
    }


def _patient_links() -> dict[str, Any]:
    """An unsubscribe link and a calendar feed, of a patient of a third practice: they open their pages to whoever
    follows them, and those pages name their practice, which is not one of the MARKERS."""
    from lasercare.practice.reminders.models import Reminder
    from lasercare.practice.reminders.patient_calendar import issue_feed
    from lasercare.practice.reminders.preferences import token_digest

    hillside = Practice.objects.create(name="Hillside Clinic", currency="GBP")
    make_staff(hillside, Role.CLINICIAN)
    booking = _scheduled(hillside)["booking"]
    Reminder.objects.filter(pk=booking.reminders.first().pk).update(unsubscribe_sha256=token_digest("unsubscribe"))
    return {
        "reminder_unsubscribe_token": "unsubscribe",
        "patient_calendar_feed_token": issue_feed(None, booking.patient, actor_label="patient portal"),
    }


def url_for(key: str, route: Route, records: dict[str, Any]) -> str:
    pattern = URLS[key]
    record = records.get(route.record)
    if ":" in key and key.split(":", 1)[1] == pattern:  # an unnamed admin route: fill in the pattern
        if "(?P<url>" in pattern:
            return "/admin/no-such-page/"
        assert record is not None
        return "/" + pattern.replace("<path:object_id>", str(record.pk))
    kwargs: dict[str, Any] = {}
    if "<uuid:public_id>" in pattern:
        kwargs["public_id"] = record.public_id  # type: ignore[union-attr]
    if "<path:object_id>" in pattern and "content_type_id" not in pattern:
        kwargs["object_id"] = record.pk  # type: ignore[union-attr]
    if "<id>" in pattern:
        kwargs["id"] = record.pk  # type: ignore[union-attr]
    if "content_type_id" in pattern:
        kwargs = {"content_type_id": ContentType.objects.get_for_model(record).pk, "object_id": record.pk}  # type: ignore[arg-type,union-attr]
    if "<str:token>" in pattern:
        kwargs["token"] = records.get(f"{key}_token", records["feed_token"])
    if "<uuid:practice>" in pattern:
        kwargs["practice"] = records["practice"].public_id
    if "<slug:topic>" in pattern:
        kwargs["topic"] = "preparation"
    if "<slug:modality>" in pattern:
        kwargs["modality"] = "nafl_1550"
    if "<str:family>" in pattern:
        kwargs["family"] = "broadband_light"
    if "app_label" in pattern:
        kwargs["app_label"] = "clinic"
    return reverse(key, kwargs=kwargs)


def user_for(who: str, practice: Practice, other_practice: Practice) -> StaffUser | None:
    if who == "anonymous":
        return None
    if who == "superuser":
        user = StaffUser(username="installation", is_superuser=True, is_staff=True, practice=None)
        user.set_unusable_password()
        user.save()
        return user
    place, role = who.split(":")
    if place == "own":
        return StaffUser.objects.get(practice=practice, role=role)
    return make_staff(other_practice, Role(role))


@dataclass(frozen=True)
class Expected:
    status: int
    redirect_to: str = ""  # the start of the Location header, for a redirect
    no_data: bool = False  # another practice's user: none of the record's practice's text may appear


def expected(key: str, route: Route, method: str, who: str) -> Expected:
    """What `who` gets from this route; the rules of docs/security.md, one branch each."""
    ok = route.methods[method]
    if route.portal:
        return Expected(302, "/portal/sign-in/")
    if who == "anonymous":
        if route.public:
            return Expected(ok)
        if key == "logout":
            return Expected(302, "/login/")
        if key == "admin:logout":
            return Expected(302, "/admin/")
        return Expected(302, "/admin/login/" if route.admin else "/login/")
    if key in ("login", "admin:login"):
        # Signed in already: the app's log-in sends people on; the admin's offers a different account to
        # staff who may not use the admin, and sends practice admins and superusers to its index.
        if key == "login" or who in ("superuser", "own:practice_admin", "other:practice_admin"):
            return Expected(302)
        return Expected(200)
    if who == "superuser":
        if route.admin:
            return Expected(route.superuser.get(method, ok))
        return Expected(ok if route.action is None else 403)  # no practice: no records, no pages of one
    place, role = who.split(":")
    allowed = route.action is None or Role(role) in PERMISSIONS[route.action]
    if route.admin and not allowed:
        # The admin sends signed-in staff without the role to its log-in page (its logout to its index).
        return Expected(302, "/admin/" if key == "admin:logout" else "/admin/login/")
    if not allowed:
        return Expected(403)
    if place == "own":
        return Expected(ok)
    # A member of staff of another practice, with a role allowed here.
    if not route.record:
        return Expected(ok, no_data=True)
    if route.admin and key == "admin:auth_user_password_change":
        return Expected(404, no_data=True)
    if route.admin and ok == 200:
        # The admin answers "no such object" by a redirect to its index, with a message.
        return Expected(302, "/admin/", no_data=True)
    if route.admin:
        return Expected(ok, no_data=True)  # refused or redirected whatever the object (403, 302, 404)
    return Expected(404, no_data=True)


def test_every_url_is_in_the_table() -> None:
    assert sorted(set(URLS) - set(ROUTES)) == [], "add the new URL to ROUTES with the Action it needs"
    assert sorted(set(ROUTES) - set(URLS)) == [], "remove routes that no longer exist from ROUTES"


# Actions that a route checks within its work rather than at its door, with the test that shows the refusal.
CHECKED_WITHIN = {
    Action.BOOK_EARLY: "tests/web/test_booking.py::test_front_desk_cannot_book_early_even_with_a_reason",
    Action.BOOK_OUTSIDE_HOURS: (
        "tests/web/test_availability.py::test_a_nurse_or_the_front_desk_cannot_book_outside_hours"
    ),
}


def test_every_action_in_the_table_is_in_the_permissions_matrix() -> None:
    used = {route.action for route in ROUTES.values() if route.action is not None}
    assert used | set(CHECKED_WITHIN) == set(Action)
    assert not used & set(CHECKED_WITHIN)
    assert set(PERMISSIONS) == set(Action)


def test_the_permissions_matrix_is_the_one_the_issue_asks_for() -> None:
    everyone = set(Role)
    assert {action: set(roles) for action, roles in PERMISSIONS.items()} == {
        Action.VIEW_DASHBOARD: everyone,
        Action.VIEW_PATIENT_LIST: everyone,
        Action.EDIT_PATIENT: {Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK},
        Action.VIEW_CLINICAL: {Role.CLINICIAN, Role.NURSE},
        Action.RECORD_CONSULTATION: {Role.CLINICIAN, Role.NURSE},
        Action.OVERRIDE_PLAN: {Role.CLINICIAN},
        Action.ACCEPT_PLAN: {Role.CLINICIAN},
        Action.ANSWER_SAFETY_QUESTION: {Role.CLINICIAN},
        Action.VIEW_AUDIT_LOG: {Role.PRACTICE_ADMIN},
        Action.VIEW_SCHEDULE: everyone,
        Action.BOOK_SESSIONS: {Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK},
        Action.BOOK_EARLY: {Role.CLINICIAN},
        Action.BOOK_OUTSIDE_HOURS: {Role.CLINICIAN},
        Action.PREPARE_CONSENT: {Role.CLINICIAN, Role.NURSE},
        Action.MANAGE_CONSENT_TEMPLATES: {Role.PRACTICE_ADMIN},
        Action.CHART_SESSION: {Role.CLINICIAN, Role.NURSE},
        Action.RECORD_ADVERSE_EVENT: {Role.CLINICIAN, Role.NURSE},
        Action.REVIEW_ADVERSE_EVENT: {Role.CLINICIAN},
        Action.RECORD_OUTCOME: {Role.CLINICIAN, Role.NURSE},
        Action.INVITE_TO_PORTAL: {Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK},
        Action.CONFIGURE_PRACTICE: {Role.PRACTICE_ADMIN},
        Action.TAKE_PHOTOS: {Role.CLINICIAN, Role.NURSE},
        Action.VIEW_CONSULTATION_REQUESTS: {Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK},
        Action.MANAGE_REMINDERS: {Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK},
        Action.REVIEW_TRANSLATION: {Role.CLINICIAN},
    }


def matrix_table() -> str:
    """The role x action table of docs/security.md, as PERMISSIONS says it."""
    lines = [
        "| Action | " + " | ".join(role.label for role in Role) + " |",
        "|---|" + "---|" * len(Role),
        *(
            f"| `{action.value}` | "
            + " | ".join("yes" if role in PERMISSIONS[action] else "no" for role in Role)
            + " |"
            for action in Action
        ),
    ]
    return "\n".join(lines)


def test_the_security_doc_matrix_matches_permissions() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- matrix:start -->\n(.*?)\n<!-- matrix:end -->", doc, re.DOTALL)
    assert found is not None, "docs/security.md lost its matrix markers"
    assert found.group(1) == matrix_table(), "paste this table into docs/security.md:\n" + matrix_table()


def test_only_clinicians_accept_or_override_plans() -> None:
    assert PERMISSIONS[Action.ACCEPT_PLAN] == PERMISSIONS[Action.OVERRIDE_PLAN] == {Role.CLINICIAN}


def test_every_route_that_changes_a_plan_answers_post_only() -> None:
    for key in (
        "plan_override",
        "plan_propose",
        "plan_accept",
        "plan_decline",
        "plan_replan",
        "plan_answer_safety",
        "logout",
    ):
        assert set(ROUTES[key].methods) == {POST}, key


@pytest.mark.parametrize(("key", "method", "who"), CASES)
def test_url_answers_role(
    key: str,
    method: str,
    who: str,
    client: Client,
    practice: Practice,
    other_practice: Practice,
    staff: dict[Role, StaffUser],
    records: dict[str, Any],
) -> None:
    route = ROUTES[key]  # a URL missing from the table fails here as well
    url = url_for(key, route, records)
    user = user_for(who, practice, other_practice)
    if user is not None:
        client.force_login(user)
    response = client.generic(method, url)
    want = expected(key, route, method, who)
    assert response.status_code != 500
    assert response.status_code == want.status, f"{method} {url} as {who}"
    if want.redirect_to:
        assert response.headers["Location"].startswith(want.redirect_to)
    if want.no_data or who == "anonymous" or who.startswith("other:"):
        # A public page of a practice names it (public information); nothing else of the practice may show.
        text = _body(response).decode(errors="replace").replace(practice.name, "")
        leaked = [marker for marker in MARKERS if marker in text]
        assert leaked == [], f"{method} {url} as {who} shows {leaked}"


def _allowed_own(route: Route) -> str:
    """Someone of the record's practice whom the route lets in, or an anonymous visitor for a public page."""
    if route.public or route.portal:
        return "anonymous"
    if route.action is None:
        return "own:clinician"
    return f"own:{next(role for role in Role if role in PERMISSIONS[route.action]).value}"


HEAD_CASES = [
    pytest.param(key, id=re.sub(r"[^a-z0-9_:]+", "_", key))
    for key in URLS
    if key in ROUTES and GET in ROUTES[key].methods and not ROUTES[key].admin
]


@pytest.mark.parametrize("key", HEAD_CASES)
def test_head_is_answered_wherever_get_is(
    key: str, client: Client, practice: Practice, other_practice: Practice, records: dict[str, Any]
) -> None:
    route = ROUTES[key]
    url = url_for(key, route, records)
    user = user_for(_allowed_own(route), practice, other_practice)
    if user is not None:
        client.force_login(user)
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code, f"HEAD {url}: {head.status_code}, GET: {got.status_code}"
    assert _body(head) == b""


def _body(response: Any) -> bytes:
    """The body of a page, or of a download streamed as it is written (the audit log's CSV)."""
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def test_front_desk_sees_contact_details_but_no_clinical_content(
    signed_in: Any, staff: dict[Role, StaffUser], plan: TreatmentPlan
) -> None:
    patient = plan.patient
    page = signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{patient.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert patient.phone in text
    assert "Timeline" not in text
    assert "/consultations/" not in text
    assert f"/plans/{plan.public_id}/" not in text
    assert str(plan.consultation.public_id) not in text


def test_a_nurse_sees_the_timeline_with_links_to_the_consultation_and_plan(
    signed_in: Any, staff: dict[Role, StaffUser], plan: TreatmentPlan
) -> None:
    text = signed_in(staff[Role.NURSE]).get(f"/patients/{plan.patient.public_id}/").content.decode()
    assert "Timeline" in text
    assert f"/consultations/{plan.consultation.public_id}/" in text
    assert f"/plans/{plan.public_id}/" in text


def test_front_desk_is_not_offered_a_new_consultation(
    signed_in: Any, staff: dict[Role, StaffUser], patient: Patient
) -> None:
    text = signed_in(staff[Role.FRONT_DESK]).get(f"/patients/{patient.public_id}/").content.decode()
    assert "/consultations/new/" not in text
    assert f"/patients/{patient.public_id}/edit/" in text
