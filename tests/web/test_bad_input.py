"""Bad input: every form shows its errors beside the field, keeps what was typed, and never answers 500.

An intake the engine rejects shows the engine's own message in the form and stores nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lasercare.engine import IntakeError, read_intake
from lasercare.practice.clinic.models import Location, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.consultations.models import Consultation, PlanOverride, TreatmentPlan
from lasercare.practice.patients.models import Patient
from tests.web.conftest import CONSULTATION_DAY

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SignIn = Callable[[StaffUser], Client]
LONG = "x" * 10_000
JUNK = "\ufffd\u202e\U0001f600 \x07 <script>alert(1)</script> '; DROP TABLE patients_patient; --"


class _Form(HTMLParser):
    """The fields of a rendered form: attributes of each named input, select and textarea; the error lists."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: dict[str, list[dict[str, str]]] = {}
        self.textareas: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.described_by: set[str] = set()
        self._textarea: str | None = None
        self._errorlist: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.described_by.update(found.get("aria-describedby", "").split())
        if tag in ("input", "select", "textarea") and "name" in found:
            self.widgets.setdefault(found["name"], []).append(found)
            if tag == "textarea":
                self._textarea = found["name"]
                self.textareas[found["name"]] = ""
        if tag == "ul" and "errorlist" in found.get("class", "").split():
            self._errorlist = found.get("id", "") or "__all__"
            self.errors.setdefault(self._errorlist, "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.textareas[self._textarea] += data
        if self._errorlist is not None:
            self.errors[self._errorlist] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        if tag == "ul":
            self._errorlist = None


def read_form(response: Response) -> _Form:
    assert response.status_code in (200, 400), response.status_code
    form = _Form()
    form.feed(response.content.decode())
    return form


def assert_error_beside(response: Response, field: str, message: str = "") -> None:
    """The field's own error list holds the message, and the field points at it for screen readers."""
    form = read_form(response)
    error_id = f"id_{field}_error"
    assert error_id in form.errors, f"no error beside {field}; errors: {form.errors}"
    assert message in form.errors[error_id], form.errors[error_id]
    assert error_id in form.described_by, "the field (or its fieldset) names its error list"
    assert all(widget.get("aria-invalid") == "true" for widget in form.widgets[field]), form.widgets[field]


def assert_kept(response: Response, field: str, typed: str) -> None:
    form = read_form(response)
    if field in form.textareas:
        assert form.textareas[field].strip("\n") == typed
        return
    assert [widget.get("value") for widget in form.widgets[field]] == [typed]


def assert_no_error(response: Response) -> None:
    assert read_form(response).errors == {}


# Log-in and password change (passwords are never sent back to the browser).


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "username", "This field is required."),
        ({"username": "ines"}, "password", "This field is required."),
        ({"username": "ines\x00", "password": "x"}, "username", "Null characters are not allowed."),
    ],
    ids=["missing username", "missing password", "null character"],
)
def test_the_log_in_form_shows_the_error_beside_the_field(
    client: Client, practice: Practice, data: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/login/", data)
    assert_error_beside(response, field, message)
    if field == "username" and "username" in data:
        assert_kept(response, "username", data["username"])


def test_a_wrong_password_is_a_message_for_the_form_and_keeps_the_username(client: Client, practice: Practice) -> None:
    StaffUser.objects.create_user("ines", password="correct horse battery staple", practice=practice)
    response = client.post("/login/", {"username": "ines", "password": "wrong"})
    form = read_form(response)
    assert "Please enter a correct username and password" in form.errors["__all__"]
    assert_kept(response, "username", "ines")
    assert form.widgets["password"][0].get("value") is None


def test_a_10000_character_username_is_refused_and_kept(client: Client, practice: Practice) -> None:
    response = client.post("/login/", {"username": LONG, "password": "x"})
    assert "Please enter a correct username and password" in read_form(response).errors["__all__"]
    assert_kept(response, "username", LONG)


def test_undecodable_bytes_in_the_log_in_form_are_not_a_server_error(client: Client, practice: Practice) -> None:
    response = client.post(
        "/login/", b"username=%ff%fe%00&password=%c3%28", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "old_password", "This field is required."),
        ({"old_password": "wrong", "new_password1": "a" * 20, "new_password2": "a" * 20}, "old_password", "incorrect"),
        (
            {"old_password": "correct horse battery staple", "new_password1": "short1", "new_password2": "short1"},
            "new_password2",
            "at least 12 characters",
        ),
        (
            {"old_password": "correct horse battery staple", "new_password1": "x" * 20, "new_password2": "y" * 20},
            "new_password2",
            "didn’t match",
        ),
        (
            {"old_password": "correct horse battery staple", "new_password1": LONG, "new_password2": LONG},
            "",
            "",
        ),
    ],
    ids=["missing", "wrong old password", "too short", "not matching", "10,000 characters"],
)
def test_the_password_change_form_shows_the_error_beside_the_field(
    client: Client, practice: Practice, data: dict[str, str], field: str, message: str
) -> None:
    user = StaffUser.objects.create_user("ines", password="correct horse battery staple", practice=practice)
    client.force_login(user)
    response = client.post("/password/", data)
    assert response.status_code in (200, 302)
    if field:
        assert_error_beside(response, field, message)
        user.refresh_from_db()
        assert user.check_password("correct horse battery staple")


# Patients


def patient_fields(**changes: str) -> dict[str, str]:
    fields = {
        "given_names": "Ottoline",
        "family_name": "Quennell",
        "date_of_birth": "1969-07-14",
        "sex": "female",
        "phone": "+44 7700 900555",
        "email": "",
        "address": "",
        "preferred_language": "en",
    }
    fields.update(changes)
    return fields


TOMORROW = (date.today() + timedelta(days=1)).isoformat()
PATIENT_CASES = [
    pytest.param("date_of_birth", "2026-02-30", "Enter a valid date.", id="30 February"),
    pytest.param("date_of_birth", TOMORROW, "in the future", id="future date of birth"),
    pytest.param("date_of_birth", "1880-01-01", "more than 120 years ago", id="date of birth 1880"),
    pytest.param("date_of_birth", "99999-01-01", "Enter a valid date.", id="five-digit year"),
    pytest.param("date_of_birth", "12345", "Enter a valid date.", id="a number for a date"),
    pytest.param("date_of_birth", "", "This field is required.", id="missing date of birth"),
    pytest.param("given_names", LONG, "at most 150 characters", id="10,000-character given names"),
    pytest.param("family_name", "   ", "This field is required.", id="blank family name"),
    pytest.param("family_name", "Quen\x00nell", "Null characters are not allowed.", id="null character"),
    pytest.param("phone", "call me", "A phone number needs digits.", id="phone without digits"),
    pytest.param("phone", "0770 ext. 12", "Use digits", id="phone with letters"),
    pytest.param("phone", "9" * 41, "at most 40 characters", id="41-digit phone"),
    pytest.param("email", "not an address", "valid email", id="bad e-mail"),
    pytest.param("sex", "robot", "Select a valid choice.", id="unknown sex"),
    pytest.param("preferred_language", LONG, "at most 35 characters", id="10,000-character language"),
    pytest.param("address", JUNK + "\x00", "Null characters are not allowed.", id="junk address"),
]


@pytest.mark.parametrize(("field", "typed", "message"), PATIENT_CASES)
def test_a_new_patient_with_bad_input_shows_the_error_beside_the_field_and_keeps_it(
    signed_in: SignIn, staff: dict[Role, StaffUser], field: str, typed: str, message: str
) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).post("/patients/new/", patient_fields(**{field: typed}))
    assert response.status_code == 400
    assert_error_beside(response, field, message)
    if field != "sex":
        assert_kept(response, field, typed)
    assert_kept(response, "given_names", patient_fields(**{field: typed})["given_names"])
    assert not Patient.objects.exists()


@pytest.mark.parametrize(("field", "typed", "message"), PATIENT_CASES)
def test_an_edit_with_bad_input_shows_the_error_beside_the_field_and_changes_nothing(
    signed_in: SignIn, staff: dict[Role, StaffUser], patient: Patient, field: str, typed: str, message: str
) -> None:
    client = signed_in(staff[Role.FRONT_DESK])
    response = client.post(f"/patients/{patient.public_id}/edit/", patient_fields(**{field: typed}))
    assert response.status_code == 400
    assert_error_beside(response, field, message)
    patient.refresh_from_db()
    assert (patient.family_name, patient.date_of_birth) == ("Doe", date(1974, 3, 21))


def test_an_empty_patient_form_shows_every_required_field(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).post("/patients/new/", {})
    assert response.status_code == 400
    for field in ("given_names", "family_name", "date_of_birth"):
        assert_error_beside(response, field, "This field is required.")


@pytest.mark.parametrize(
    "q",
    [LONG, "\x00", "31/02/1974", "2026-02-30", "99/99/9999", "%", "_", "'\"\\", JUNK, "0" * 100, "+++"],
    ids=[
        "10,000 characters",
        "null",
        "31/02",
        "iso 30 feb",
        "99/99",
        "percent",
        "underscore",
        "quotes",
        "junk",
        "zeros",
        "pluses",
    ],
)
def test_a_search_with_odd_text_answers_without_error(
    signed_in: SignIn, staff: dict[Role, StaffUser], patient: Patient, q: str
) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).post("/patients/", {"q": q})
    assert response.status_code == 200


def test_a_too_long_search_shows_the_error_beside_the_box_and_keeps_it(
    signed_in: SignIn, staff: dict[Role, StaffUser]
) -> None:
    response = signed_in(staff[Role.FRONT_DESK]).post("/patients/", {"q": "y" * 101})
    assert_error_beside(response, "q", "at most 100 characters")
    assert_kept(response, "q", "y" * 101)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e9", "99999999999999999999999", ""])
def test_a_bad_page_number_is_not_a_server_error(
    signed_in: SignIn, staff: dict[Role, StaffUser], patient: Patient, page: str
) -> None:
    client = signed_in(staff[Role.FRONT_DESK])
    assert client.get(f"/patients/?page={page}").status_code == 200
    assert client.post("/patients/", {"q": "Doe", "page": page}).status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=300), page=st.one_of(st.none(), st.text(max_size=12)))
def test_random_text_in_the_search_box_is_never_a_server_error(
    signed_in: SignIn, staff: dict[Role, StaffUser], patient: Patient, q: str, page: str | None
) -> None:
    data = {"q": q} if page is None else {"q": q, "page": page}
    response = signed_in(staff[Role.FRONT_DESK]).post("/patients/", data)
    assert response.status_code == 200


# The audit log's filter (a GET form: 200 with the errors)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("since", "2026-02-30", "Give the day as a date, such as 2026-03-01."),
        ("until", LONG, "Give the day as a date, such as 2026-03-01."),
        ("since", "1999-12-31", "The log holds days from 1 January 2000 to today"),
        ("action", "erase", "That is not one of the actions: choose from the list."),
        ("record_type", "everything", "That is not one of the record kinds: choose from the list."),
        ("actor", "00000000-0000-4000-8000-000000000000", "That is not one of this practice's staff"),
        ("actor", "1", "That is not one of this practice's staff"),
    ],
)
def test_the_audit_filter_shows_the_error_beside_the_field(
    signed_in: SignIn, staff: dict[Role, StaffUser], field: str, typed: str, message: str
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).get("/audit/", {field: typed, "page": "abc"})
    assert response.status_code == 200
    assert_error_beside(response, field, message)
    if field in ("since", "until"):
        assert_kept(response, field, typed)


def test_an_unreadable_patient_in_the_audit_filter_is_said_at_the_top(
    signed_in: SignIn, staff: dict[Role, StaffUser]
) -> None:
    # The patient is picked from a search's matches (a hidden field): its error heads the filters.
    response = signed_in(staff[Role.PRACTICE_ADMIN]).get("/audit/", {"patient": "not-a-uuid"})
    assert response.status_code == 200
    assert "The patient chosen could not be read: search for the patient again." in response.content.decode()


def test_another_practices_member_of_staff_is_not_a_choice_in_the_audit_filter(
    signed_in: SignIn, staff: dict[Role, StaffUser], other_practice: Practice
) -> None:
    stranger = StaffUser.objects.create(username="stranger", practice=other_practice, role=Role.CLINICIAN)
    response = signed_in(staff[Role.PRACTICE_ADMIN]).get("/audit/", {"actor": str(stranger.public_id)})
    assert_error_beside(response, "actor", "That is not one of this practice's staff")


# The consultation form


def intake_fields(**changes: str) -> dict[str, str]:
    fields = {
        "held_on": CONSULTATION_DAY.isoformat(),
        "fitzpatrick": "III",
        "concern_sun_spots": "on",
        "severity_sun_spots": "2",
        "med_name_0": "tretinoin 0.025% cream",
        "notes": "Discussed sun protection.",
    }
    fields.update(changes)
    return fields


FUTURE = (CONSULTATION_DAY + timedelta(days=10)).isoformat()
CONSULTATION_CASES = [
    pytest.param("held_on", "2026-02-30", "Enter a valid date.", {}, id="30 February"),
    pytest.param("held_on", "", "This field is required.", {}, id="missing day"),
    pytest.param("held_on", "tomorrow", "Enter a valid date.", {}, id="a word for a date"),
    pytest.param("ita_deg", "abc", "Enter a number.", {}, id="ITA not a number"),
    pytest.param("ita_deg", "1e308", "less than or equal to 90", {}, id="ITA absurd"),
    pytest.param("ita_deg", "nan", "Enter a number.", {}, id="ITA nan"),
    pytest.param("max_sessions", "0", "greater than or equal to 1", {}, id="no sessions"),
    pytest.param("max_sessions", "2.5", "Enter a whole number.", {}, id="half a session"),
    pytest.param("max_downtime_days", "-3", "greater than or equal to 0", {}, id="negative downtime"),
    pytest.param("budget", "-5", "greater than or equal to 0", {}, id="negative budget"),
    pytest.param("budget", "12.345", "decimal places", {}, id="budget with 3 decimals"),
    pytest.param("currency", "euro", "three-letter code", {}, id="currency word"),
    pytest.param("fitzpatrick", "IX", "Select a valid choice.", {}, id="phototype IX"),
    pytest.param("severity_sun_spots", "7", "Select a valid choice.", {}, id="severity 7"),
    pytest.param("scale_sun_spots", "richter", "Select a valid choice.", {}, id="unknown scale"),
    pytest.param("conditions", "lycanthropy", "Select a valid choice.", {}, id="unknown condition"),
    pytest.param("med_name_0", LONG, "at most 200 characters", {}, id="10,000-character medication"),
    pytest.param(
        "med_name_0",
        "",
        "Name the medication that was stopped.",
        {"med_stopped_0": "2026-10-01"},
        id="stop date, no name",
    ),
    pytest.param("med_stopped_1", "2026-13-01", "Enter a valid date.", {"med_name_1": "isotretinoin"}, id="month 13"),
    pytest.param(
        "proc_on_0",
        "",
        "Give both the procedure and its date.",
        {"proc_kind_0": "chemical_peel"},
        id="procedure without date",
    ),
    pytest.param(
        "q6",
        "",
        "Answer all ten questions, or none.",
        {f"q{n}": "2" for n in range(1, 6)},
        id="questionnaire half answered",
    ),
    pytest.param("q1", "9", "Select a valid choice.", {}, id="questionnaire answer 9"),
    pytest.param("follow_up_on", "0000-00-00", "Enter a valid date.", {}, id="zero date"),
    pytest.param("location", "999999", "Select a valid choice.", {}, id="unknown location"),
]


@pytest.mark.parametrize(("field", "typed", "message", "more"), CONSULTATION_CASES)
def test_a_consultation_with_bad_input_shows_the_error_beside_the_field_and_stores_nothing(
    signed_in: SignIn,
    clinician: StaffUser,
    patient: Patient,
    field: str,
    typed: str,
    message: str,
    more: dict[str, str],
) -> None:
    data = intake_fields(**{field: typed}, **more)
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert response.status_code == 400
    assert_error_beside(response, field, message)
    form = read_form(response)
    if typed and form.widgets[field][0].get("type") in ("text", "date", "number"):
        assert_kept(response, field, typed)
    assert_kept(response, "notes", "Discussed sun protection.")
    assert not Consultation.objects.exists()


def test_another_practices_location_is_not_a_choice(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, other_practice: Practice
) -> None:
    elsewhere = Location.objects.create(practice=other_practice, name="Elsewhere")
    response = signed_in(clinician).post(
        f"/patients/{patient.public_id}/consultations/new/", intake_fields(location=str(elsewhere.pk))
    )
    assert_error_beside(response, "location", "Select a valid choice.")
    assert not Consultation.objects.exists()


def test_absurd_goals_are_stored_or_refused_but_never_a_server_error(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    data = intake_fields(max_sessions="9" * 30, max_downtime_days="9" * 30, budget="1e400", currency="GBP")
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert response.status_code in (302, 400)


def _engine_error(intake: dict[str, Any]) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        read_intake(intake, CONSULTATION_DAY)
    return caught.value


def test_an_intake_the_engine_rejects_shows_the_engines_message_beside_the_field(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    error = _engine_error(
        {
            "patient": {"age": 52, "sex": "female"},
            "phototype": {"fitzpatrick": "III"},
            "concerns": [{"code": "sun_spots", "severity": 2}],
            "history": {"medications": [{"name": "isotretinoin", "current": False, "stopped_on": FUTURE}]},
        }
    )
    data = intake_fields(med_name_0="isotretinoin", med_stopped_0=FUTURE)
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert response.status_code == 400
    assert_error_beside(response, "med_stopped_0", error.problem)
    assert_kept(response, "med_stopped_0", FUTURE)
    assert not Consultation.objects.exists()
    assert not TreatmentPlan.objects.exists()


def test_an_intake_without_a_concern_shows_the_engines_message_and_stores_nothing(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    error = _engine_error(
        {"patient": {"age": 52, "sex": "female"}, "phototype": {"fitzpatrick": "III"}, "concerns": []}
    )
    data = intake_fields()
    del data["concern_sun_spots"]
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert response.status_code == 400
    assert html.escape(str(error), quote=False) in response.content.decode() or str(error) in response.content.decode()
    assert_kept(response, "med_name_0", "tretinoin 0.025% cream")
    assert not Consultation.objects.exists()
    assert not TreatmentPlan.objects.exists()


def test_the_preview_of_a_bad_intake_is_not_a_server_error(
    signed_in: SignIn, clinician: StaffUser, patient: Patient
) -> None:
    data = intake_fields(held_on="2026-02-30", ita_deg="abc", med_stopped_0=FUTURE, q3="1")
    response = signed_in(clinician).post(f"/patients/{patient.public_id}/consultations/preview/", data)
    assert response.status_code == 200


CONSULTATION_FIELDS = [
    "held_on",
    "location",
    "fitzpatrick",
    "ita_deg",
    "conditions",
    "max_downtime_days",
    "max_sessions",
    "budget",
    "currency",
    "ready_by",
    "notes",
    "follow_up_on",
    "q1",
    "q5",
    "concern_sun_spots",
    "severity_sun_spots",
    "scale_sun_spots",
    "areas_sun_spots",
    "med_name_0",
    "med_stopped_0",
    "proc_kind_0",
    "proc_on_0",
    "last_sun_exposure_on",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(CONSULTATION_FIELDS), st.text(max_size=60), max_size=5))
def test_random_text_in_the_consultation_form_is_never_a_server_error(
    signed_in: SignIn, clinician: StaffUser, patient: Patient, changes: dict[str, str]
) -> None:
    client = signed_in(clinician)
    data = intake_fields(**changes)
    preview = client.post(f"/patients/{patient.public_id}/consultations/preview/", data)
    assert preview.status_code == 200
    response = client.post(f"/patients/{patient.public_id}/consultations/new/", data)
    assert response.status_code in (302, 400)


# The override form


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "delete", "modality": "{second}", "reason": "r"}, "kind", "Select a valid choice."),
        ({"kind": "choice", "modality": "tattoo_removal", "reason": "r"}, "modality", "Select a valid choice."),
        ({"kind": "choice", "modality": "{second}", "reason": LONG}, "reason", "at most 2000 characters"),
        ({"kind": "choice", "modality": "{second}"}, "reason", "This field is required."),
        ({"kind": "suitability", "modality": "{second}", "reason": "r"}, "suitability", "Choose the suitability"),
        (
            {"kind": "suitability", "modality": "{second}", "suitability": "magic", "reason": "r"},
            "suitability",
            "valid",
        ),
        ({"modality": "{second}", "reason": "kept reason"}, "kind", "This field is required."),
    ],
    ids=[
        "unknown kind",
        "unknown option",
        "10,000-character reason",
        "no reason",
        "no suitability",
        "unknown suitability",
        "no kind",
    ],
)
def test_an_override_with_bad_input_shows_the_error_beside_the_field_and_changes_nothing(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan, data: dict[str, str], field: str, message: str
) -> None:
    second = plan.document["options"][1]["modality"]
    sent = {key: value.replace("{second}", second) for key, value in data.items()}
    response = signed_in(clinician).post(f"/plans/{plan.public_id}/override/", sent)
    assert response.status_code == 400
    assert_error_beside(response, field, message)
    if "reason" in sent:
        assert_kept(response, "reason", sent["reason"])
    assert not PlanOverride.objects.exists()


def test_a_decision_note_too_long_is_not_a_server_error(
    signed_in: SignIn, clinician: StaffUser, plan: TreatmentPlan
) -> None:
    response = signed_in(clinician).post(f"/plans/{plan.public_id}/decline/", {"note": LONG})
    assert response.status_code == 302
