"""The audit log for the people who read it: filters by patient (found by name, never with the name in an address),
by every record kind the entries carry, by staff member and by day range; paged; exported as CSV, itself audited;
bad filters answered with a message; the same number of queries however long the log."""

from __future__ import annotations

import ast
import csv
import html
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

import lasercare
from lasercare.practice.audit.models import AuditAction, AuditEntry, RecordKind
from lasercare.practice.audit_log.forms import AuditFilterForm, kind_choices
from lasercare.practice.audit_log.reading import safe_cell
from lasercare.practice.clinic import worklists
from lasercare.practice.clinic.models import Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.patients.models import Patient
from tests.web.conftest import make_patient, make_staff

SignIn = Callable[[StaffUser], Client]
LONDON = ZoneInfo("Europe/London")
SOURCE = Path(lasercare.__file__).parent
FAMILY_NAME = "Quennell-Markby"


@pytest.fixture
def admin(staff: dict[Role, StaffUser]) -> StaffUser:
    return staff[Role.PRACTICE_ADMIN]


@pytest.fixture
def ottoline(practice: Practice) -> Patient:
    return make_patient(practice, given_names="Ottoline", family_name=FAMILY_NAME, date_of_birth=date(1969, 7, 14))


def _entry(
    practice: Practice,
    actor: StaffUser,
    *,
    kind: str = "patient",
    action: AuditAction = AuditAction.VIEW,
    patient: Patient | None = None,
    at: datetime = datetime(2026, 1, 10, 9, tzinfo=LONDON),
    detail: str = "",
) -> None:
    AuditEntry.objects.create(
        at=at,
        practice=practice,
        actor=actor,
        actor_label=actor.display_name,
        action=action,
        record_type=kind,
        record_id="r-1",
        patient_ref=str(patient.public_id) if patient else "",
        address="203.0.113.7",
        detail=detail,
    )


def _shown(client: Client, query: str) -> set[str]:
    """The details of the entries the page shows (each test's entries carry "entry-..." details)."""
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200, response.content.decode()[:2000]
    text = response.content.decode()
    return {word for word in text.replace("<", " ").replace(">", " ").split() if word.startswith("entry-")}


# Every record kind


def _kinds_written_by_the_code() -> tuple[set[str], list[str]]:
    """The record kinds every call that writes an entry names, read from the source: the string after an
    AuditAction.X argument (record(), the portal's audit()), the portal's _viewed() kinds, record_type= keywords.
    And the calls whose kind is not written out, to be looked at."""
    kinds: set[str] = set()
    unread: list[str] = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            arguments = list(node.args)
            for index, argument in enumerate(arguments[:-1]):
                if isinstance(argument, ast.Attribute) and ast.unparse(argument).startswith("AuditAction."):
                    kind = arguments[index + 1]
                    if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                        kinds.add(kind.value)
                    elif not (isinstance(kind, ast.Attribute) and ast.unparse(kind).startswith("RecordKind.")):
                        unread.append(f"{path.relative_to(SOURCE)}:{node.lineno} {ast.unparse(kind)}")
            name = ast.unparse(node.func)
            if name.endswith("_viewed") and len(arguments) > 1 and isinstance(arguments[1], ast.Constant):
                kinds.add(str(arguments[1].value))
            for keyword in node.keywords:
                if keyword.arg == "record_type" and isinstance(keyword.value, ast.Constant):
                    kinds.add(str(keyword.value.value))
    return kinds, unread


def test_every_record_kind_the_code_writes_is_offered_by_the_filter() -> None:
    kinds, _ = _kinds_written_by_the_code()
    routes = {w.route for w in vars(worklists).values() if isinstance(w, worklists.Worklist)}
    offered = {value for value, _ in kind_choices()}
    assert len(kinds) > 30 and {"booking", "consent", "chart", "skin_photo"} <= kinds
    assert kinds | routes <= offered, f"add these to RecordKind (audit/models.py): {sorted(kinds | routes - offered)}"


def test_every_kind_the_code_writes_without_naming_it_is_known() -> None:
    """A kind held in a variable cannot be read from the source: each such call is one of these, whose kinds the
    test above covers (worklists' routes, the photo page's "consultation"/"booking", the portal's _viewed)."""
    _, unread = _kinds_written_by_the_code()
    places = sorted({place.split(":")[0] + " " + place.split(" ", 1)[1] for place in unread})
    assert places == [
        "practice/clinic/views.py worklist.route",
        "practice/photos/views.py kind",
        "practice/portal/views.py kind",
    ], "a new call writes a record kind held in a variable: make sure its values are in RecordKind"


def test_the_filter_offers_every_record_kind_once_by_its_label() -> None:
    field = AuditFilterForm(practice_id=0).fields["record_type"]
    choices = [value for value, _ in field.choices]  # type: ignore[attr-defined]
    assert choices == ["", *sorted(RecordKind.values, key=lambda v: RecordKind(v).label.casefold())]
    assert len(set(choices)) == len(choices)


@pytest.mark.parametrize("kind", ["booking", "consent", "chart", "skin_photo", "photo_consent", "adverse_event"])
def test_the_log_filters_by_record_kind(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, kind: str
) -> None:
    _entry(practice, clinician, kind=kind, detail="entry-wanted")
    _entry(practice, clinician, kind="patient", detail="entry-other")
    assert _shown(signed_in(admin), f"record_type={kind}") == {"entry-wanted"}


def test_an_entry_shows_its_record_kind_by_its_label(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    _entry(practice, clinician, kind="skin_photo", detail="entry-photo")
    text = signed_in(admin).get("/audit/").content.decode()
    assert "<td>Photos <code>" in text


# Staff member, day range, paging


def test_the_log_filters_by_staff_member(
    signed_in: SignIn, admin: StaffUser, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    _entry(practice, staff[Role.NURSE], detail="entry-nurse")
    _entry(practice, staff[Role.CLINICIAN], detail="entry-clinician")
    assert _shown(signed_in(admin), f"actor={staff[Role.NURSE].public_id}") == {"entry-nurse"}


def test_the_log_filters_by_day_range_in_the_practice_time_zone(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    for day, detail in ((9, "entry-9th"), (10, "entry-10th"), (11, "entry-11th")):
        # 23:30 in London: the next day in UTC during summer time, the same day in winter.
        _entry(practice, clinician, at=datetime(2026, 7, day, 23, 30, tzinfo=LONDON), detail=detail)
    client = signed_in(admin)
    assert _shown(client, "since=2026-07-10&until=2026-07-10") == {"entry-10th"}
    assert _shown(client, "since=2026-07-10") == {"entry-10th", "entry-11th"}
    assert _shown(client, "until=2026-07-09") == {"entry-9th"}


def test_the_log_is_paged_and_the_pages_keep_the_filters(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    for minute in range(55):
        _entry(practice, clinician, kind="booking", at=datetime(2026, 1, 10, 9, minute, tzinfo=LONDON))
    _entry(practice, clinician, kind="patient")
    client = signed_in(admin)
    first = client.get("/audit/?record_type=booking").content.decode()
    assert "55 entries" in first and "Page 1 of 2" in first
    assert "?record_type=booking&amp;page=2" in first
    second = client.get("/audit/?record_type=booking&page=2").content.decode()
    assert "Page 2 of 2" in second and second.count("<td>Bookings <code>") == 5


def test_the_page_costs_the_same_queries_for_a_short_and_a_long_log(
    signed_in: SignIn, admin: StaffUser, practice: Practice, staff: dict[Role, StaffUser], ottoline: Patient
) -> None:
    client = signed_in(admin)
    query = f"/audit/?patient={ottoline.public_id}&since=2026-01-01"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(query).status_code == 200
        return len(captured.captured_queries)

    for member in staff.values():
        _entry(practice, member, patient=ottoline)
    few = queries()
    for minute in range(60):
        for member in staff.values():
            _entry(practice, member, patient=ottoline, at=datetime(2026, 2, 1, 9, minute, tzinfo=LONDON))
    assert queries() == few


# Bad filters: a message, never a server error, never the whole log instead


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("since=2026-13-45", "From: Give the day as a date, such as 2026-03-01."),
        ("until=yesterday", "To: Give the day as a date, such as 2026-03-01."),
        ("since=2026-03-10&until=2026-03-01", "The range runs backwards: “To” (1 March 2026) is before “From”"),
        ("since=0001-01-01", "From: The log holds days from 1 January 2000 to today; 1 January 1 is outside them."),
        ("until=9999-12-31", "9999 is outside them"),
        ("record_type=spaceship", "Record kind: That is not one of the record kinds: choose from the list."),
        ("action=delete", "That is not one of the actions"),
        ("actor=00000000-0000-0000-0000-000000000000", "That is not one of this practice's staff"),
        ("actor=not-an-id", "That is not one of this practice's staff"),
        ("patient=not-an-id", "The patient chosen could not be read: search for the patient again."),
    ],
)
def test_a_bad_filter_says_what_is_wrong_and_shows_no_entries(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, query: str, says: str
) -> None:
    _entry(practice, clinician, detail="entry-any")
    response = signed_in(admin).get(f"/audit/?{query}")
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert says in text
    assert "entry-any" not in text


def test_a_bad_filter_exports_nothing_and_says_why(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    _entry(practice, clinician, detail="entry-any")
    response = signed_in(admin).get("/audit/export.csv?since=2026-03-10&until=2026-03-01")
    assert response.status_code == 400
    assert "The range runs backwards" in html.unescape(response.content.decode())
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


# The patient: found by name in a POSTed search, filtered by public id


def test_a_patient_is_found_by_name_and_picked_by_public_id(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, ottoline: Patient
) -> None:
    client = signed_in(admin)
    response = client.post("/audit/?record_type=consent", {"name": "quennell"})
    text = response.content.decode()
    assert response.status_code == 200
    link = f"/audit/?record_type=consent&amp;patient={ottoline.public_id}"
    assert f'<a href="{link}">Ottoline {FAMILY_NAME}</a>, born 14 Jul 1969' in text
    search = AuditEntry.objects.get(action=AuditAction.SEARCH, record_type="patient")
    assert search.detail == "audit log patient search: 1 shown" and "uennell" not in search.detail


def test_no_address_on_the_page_holds_the_patients_name(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, ottoline: Patient
) -> None:
    _entry(practice, clinician, patient=ottoline, detail="entry-hers")
    client = signed_in(admin)
    pages = [
        client.post("/audit/", {"name": "Quennell-Markby"}).content.decode(),
        client.get(f"/audit/?patient={ottoline.public_id}").content.decode(),
    ]
    for text in pages:
        for address in _addresses(text):
            assert "uennell" not in address.casefold() and "ttoline" not in address.casefold(), address


def _addresses(text: str) -> Iterator[str]:
    for attribute in ('href="', 'action="', 'src="'):
        start = 0
        while (start := text.find(attribute, start)) != -1:
            start += len(attribute)
            yield text[start : text.find('"', start)]


def test_the_log_filters_by_the_picked_patient_and_names_them(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, ottoline: Patient
) -> None:
    other = make_patient(practice, family_name="Other")
    _entry(practice, clinician, patient=ottoline, detail="entry-hers")
    _entry(practice, clinician, patient=other, detail="entry-other")
    client = signed_in(admin)
    assert _shown(client, f"patient={ottoline.public_id}") == {"entry-hers"}
    text = client.get(f"/audit/?patient={ottoline.public_id}").content.decode()
    assert f"<strong>Ottoline {FAMILY_NAME}</strong>, born 14 Jul 1969" in text


def test_reading_the_log_of_a_patient_is_audited_against_that_patient(
    signed_in: SignIn, admin: StaffUser, ottoline: Patient
) -> None:
    signed_in(admin).get(f"/audit/?patient={ottoline.public_id}&record_type=consent")
    reading = AuditEntry.objects.get(record_type="audit_log", action=AuditAction.LIST)
    assert reading.patient_ref == str(ottoline.public_id)
    assert reading.detail == "page 1, 0 shown; kind consent, one patient"


def test_another_practices_patient_is_not_named_and_has_no_entries_here(
    signed_in: SignIn, admin: StaffUser, other_practice: Practice, practice: Practice, clinician: StaffUser
) -> None:
    stranger = make_patient(other_practice, family_name=FAMILY_NAME)
    elsewhere = make_staff(other_practice, Role.CLINICIAN)
    _entry(other_practice, elsewhere, patient=stranger, detail="entry-elsewhere")
    client = signed_in(admin)
    text = client.get(f"/audit/?patient={stranger.public_id}").content.decode()
    assert FAMILY_NAME not in text and "entry-elsewhere" not in text
    assert "No patient of this practice has the id chosen." in text
    found = client.post("/audit/", {"name": FAMILY_NAME}).content.decode()
    assert str(stranger.public_id) not in found


def test_an_empty_patient_search_says_what_to_type(signed_in: SignIn, admin: StaffUser) -> None:
    response = signed_in(admin).post("/audit/", {"name": ""})
    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "Type the patient's name, date of birth or phone number to search." in text


# The export


def _export(client: Client, query: str = "") -> list[list[str]]:
    response = client.get(f"/audit/export.csv?{query}")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_export_holds_the_filtered_entries_as_the_page_shows_them(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, ottoline: Patient
) -> None:
    _entry(practice, clinician, kind="consent", patient=ottoline, detail="entry-consent")
    _entry(practice, clinician, kind="booking", patient=ottoline, detail="entry-booking")
    rows = _export(signed_in(admin), "record_type=consent")
    assert rows[0] == ["When", "Who", "Action", "Record kind", "Record id", "Patient id", "From address", "Detail"]
    assert rows[1:] == [
        [
            "2026-01-10T09:00:00+00:00",
            clinician.display_name,
            "Viewed",
            "Consents",
            "r-1",
            str(ottoline.public_id),
            "203.0.113.7",
            "entry-consent",
        ]
    ]


def test_the_export_holds_no_patient_name(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, ottoline: Patient
) -> None:
    _entry(practice, clinician, patient=ottoline)
    rows = _export(signed_in(admin), f"patient={ottoline.public_id}")
    assert len(rows) == 2 and FAMILY_NAME not in str(rows)


def test_the_export_is_itself_an_audit_entry_and_not_part_of_its_file(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    _entry(practice, clinician, kind="chart")
    rows = _export(signed_in(admin), "record_type=chart&since=2026-01-01")
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (export.actor, export.record_type, export.practice_id) == (admin, "audit_log", practice.pk)
    assert export.detail == "CSV export; kind chart, from 2026-01-01"
    assert len(rows) == 2


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_escaped(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser, start: str
) -> None:
    _entry(practice, clinician, kind="plan", detail=f'{start}HYPERLINK("http://example.org")')
    rows = _export(signed_in(admin), "record_type=plan")
    assert rows[1][7] == f'\'{start}HYPERLINK("http://example.org")'


def test_safe_cells_are_left_as_they_are() -> None:
    assert [safe_cell(v) for v in ("Jane", "", None, "3 shown", "a=b")] == ["Jane", "", "", "3 shown", "a=b"]


def test_the_export_of_another_practice_holds_none_of_this_ones_entries(
    signed_in: SignIn, practice: Practice, other_practice: Practice, clinician: StaffUser
) -> None:
    _entry(practice, clinician, detail="entry-here")
    rows = _export(signed_in(make_staff(other_practice, Role.PRACTICE_ADMIN)))
    assert "entry-here" not in str(rows)


def test_the_export_streams_a_long_log_whole(
    signed_in: SignIn, admin: StaffUser, practice: Practice, clinician: StaffUser
) -> None:
    start = datetime(2026, 1, 1, tzinfo=LONDON)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=start + timedelta(minutes=n),
            practice=practice,
            actor=clinician,
            actor_label="c",
            action=AuditAction.VIEW,
            record_type="plan",
            detail=f"n{n}",
        )
        for n in range(4_500)
    )
    rows = _export(signed_in(admin), "record_type=plan")
    assert len(rows) == 4_501
    assert rows[1][7] == "n4499" and rows[-1][7] == "n0"  # newest first, none lost between chunks


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.NURSE, Role.FRONT_DESK])
def test_only_the_practice_admin_reads_or_exports_the_log(
    signed_in: SignIn, staff: dict[Role, StaffUser], role: Role
) -> None:
    client = signed_in(staff[role])
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert client.post("/audit/", {"name": "Doe"}).status_code == 403
    assert not AuditEntry.objects.filter(action__in=[AuditAction.EXPORT, AuditAction.SEARCH]).exists()
