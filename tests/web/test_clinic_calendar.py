"""The whole clinic's calendar: a day with a column per practitioner or room, a week with a row per practitioner or
room, per location, and the day sheet the front desk prints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from html.parser import HTMLParser

from django.test import Client

from lasercare.practice.audit.models import AuditEntry
from lasercare.practice.clinic.models import Location, Practice, StaffUser
from lasercare.practice.clinic.roles import Role
from lasercare.practice.scheduling import clinic_calendar, services
from tests.web.booking_helpers import Setup, at, setup
from tests.web.conftest import make_staff
from tests.web.test_calendar import two_patients_booked

__all__ = ["setup"]
SignIn = Callable[[StaffUser], Client]


class _Table(HTMLParser):
    """The text of each cell of the page's clinic calendar table, row by row (the header row first), and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.scopes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "clinic-calendar" in (found.get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.rows[-1].append("")
            if tag == "th":
                self.scopes.append(found.get("scope") or "")
        elif self.inside and tag == "a":
            self.links.append(found.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside and self.rows and self.rows[-1]:
            self.rows[-1][-1] = " ".join(f"{self.rows[-1][-1]} {data}".split())


def table(client: Client, url: str) -> _Table:
    response = client.get(url)
    assert response.status_code == 200
    reader = _Table()
    reader.feed(response.content.decode())
    assert reader.rows, "the page has no clinic calendar table"
    return reader


def cell(grid: _Table, row: str, column: str) -> str:
    """The text of the cell in the row whose header starts with `row`, under the column whose header has `column`."""
    index = next(n for n, header in enumerate(grid.rows[0]) if column in header)
    return next(cells[index] for cells in grid.rows[1:] if cells[0].startswith(row))


def test_leaving_practitioner_and_room_blank_shows_the_day_with_a_column_per_practitioner(
    signed_in: SignIn, setup: Setup, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    two_patients_booked(setup, practice)
    grid = table(signed_in(staff[Role.FRONT_DESK]), f"/calendar/?date={setup.day(1)}")
    assert grid.rows[0][0] == "Time"
    assert "Clinician of Riverside Skin Clinic" in grid.rows[0]
    assert "Nurse of Riverside Skin Clinic" in grid.rows[0]
    assert "Jane Doe" in cell(grid, "10:00", "Clinician")
    assert "Room 1 · Laser A" in cell(grid, "10:00", "Clinician")
    assert "Ann Other" in cell(grid, "10:00", "Nurse")
    assert "Jane Doe" not in cell(grid, "10:00", "Nurse")
    assert cell(grid, "09:00", "Clinician") == ""


def test_the_whole_clinic_by_room_puts_each_booking_in_its_rooms_column(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    grid = table(signed_in(setup.clinician), f"/calendar/?by=room&view=day&date={setup.day(1)}")
    assert grid.rows[0][1:] == ["Room 1", "Room 2"]
    assert "Jane Doe" in cell(grid, "10:00", "Room 1")
    assert "Clinician of Riverside Skin Clinic · Laser A" in cell(grid, "10:00", "Room 1")
    assert "Ann Other" in cell(grid, "10:00", "Room 2")


def test_the_grid_is_a_table_with_column_and_row_headers(signed_in: SignIn, setup: Setup) -> None:
    grid = table(signed_in(setup.clinician), f"/calendar/?date={setup.day(1)}")
    assert set(grid.scopes) == {"col", "row"}
    hours = [cells[0] for cells in grid.rows[1:]]
    assert hours[0] == "08:00" and hours[-1] == "18:00"


def test_each_booking_links_to_its_page_and_each_column_to_its_own_week(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    grid = table(signed_in(setup.clinician), f"/calendar/?date={setup.day(1)}")
    booking = setup.plan.bookings.get()
    assert f"/bookings/{booking.public_id}/" in grid.links
    week = f"/calendar/?practitioner={setup.nurse.public_id}&view=week&date={setup.day(1)}"
    assert week in grid.links


def test_previous_and_next_keep_the_whole_clinic_its_columns_and_the_view(signed_in: SignIn, setup: Setup) -> None:
    page = signed_in(setup.clinician).get("/calendar/?by=room&date=2026-12-03").content.decode().replace("&amp;", "&")
    assert "/calendar/?by=room&view=day&date=2026-12-02" in page
    assert "/calendar/?by=room&view=day&date=2026-12-04" in page
    assert "/calendar/?by=room&view=week&date=2026-12-03" in page


def test_the_whole_clinic_week_has_a_row_per_practitioner_and_a_column_per_day(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    day = setup.day(1)
    grid = table(signed_in(setup.clinician), f"/calendar/?view=week&date={day}")
    assert grid.rows[0][0] == "Practitioner"
    assert len(grid.rows[0]) == 8
    column = f"{day:%a} {day.day} {day:%b}"
    assert "Jane Doe" in cell(grid, "Clinician", column)
    assert "Ann Other" in cell(grid, "Nurse", column)
    assert f"/calendar/?by=practitioner&view=day&date={day}" in grid.links


def test_cancelled_bookings_are_left_out_and_no_shows_marked(signed_in: SignIn, setup: Setup) -> None:
    first = setup.book(setup.nurse, 1, at(setup.day(1), 10))
    services.mark_no_show(None, setup.nurse, first)
    later = setup.day(1) + timedelta(weeks=3)
    second = setup.book(setup.nurse, 2, at(later, 10))
    services.cancel(None, setup.nurse, second, "unwell")
    client = signed_in(setup.clinician)
    assert "did not attend" in cell(table(client, f"/calendar/?date={setup.day(1)}"), "10:00", "Clinician")
    assert "Jane Doe" not in client.get(f"/calendar/?date={later}").content.decode()


def test_a_practitioner_who_has_left_keeps_a_column_for_their_bookings(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    setup.nurse.is_active = False
    setup.nurse.save()
    grid = table(signed_in(setup.clinician), f"/calendar/?date={setup.day(1)}")
    assert "Ann Other" in cell(grid, "10:00", "Nurse")


def _two_locations(setup: Setup, practice: Practice) -> tuple[Location, Location]:
    riverside = Location.objects.get(practice=practice)
    hillside = Location.objects.create(practice=practice, name="Hillside")
    setup.room.location = riverside
    setup.room.save()
    setup.other_room.location = hillside
    setup.other_room.save()
    return riverside, hillside


def test_a_location_shows_only_the_bookings_in_its_rooms(signed_in: SignIn, setup: Setup, practice: Practice) -> None:
    two_patients_booked(setup, practice)
    _, hillside = _two_locations(setup, practice)
    client = signed_in(setup.clinician)
    page = client.get(f"/calendar/?location={hillside.pk}&date={setup.day(1)}").content.decode()
    assert "Calendar: Hillside" in page
    assert "Ann Other" in page
    assert "Jane Doe" not in page
    by_room = table(client, f"/calendar/?location={hillside.pk}&by=room&date={setup.day(1)}")
    assert by_room.rows[0][1:] == ["Room 2"]


def test_the_location_chooser_appears_only_when_the_practice_has_several(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    client = signed_in(setup.clinician)
    assert 'id="cal-location"' not in client.get("/calendar/").content.decode()
    _two_locations(setup, practice)
    assert 'id="cal-location"' in client.get("/calendar/").content.decode()


def test_another_practices_location_or_a_location_that_is_no_number_is_not_found(
    signed_in: SignIn, setup: Setup, other_practice: Practice
) -> None:
    elsewhere = Location.objects.create(practice=other_practice, name="Elsewhere")
    client = signed_in(setup.clinician)
    assert client.get(f"/calendar/?location={elsewhere.pk}").status_code == 404
    assert client.get("/calendar/?location=Riverside").status_code == 404
    assert client.get(f"/calendar/day-sheet/?location={elsewhere.pk}").status_code == 404


def test_an_unknown_column_choice_or_view_falls_back_to_practitioners_and_the_week(
    signed_in: SignIn, setup: Setup
) -> None:
    grid = table(signed_in(setup.clinician), "/calendar/?by=nonsense&view=fortnight&date=not-a-day")
    assert grid.rows[0][0] == "Practitioner"


def test_another_practices_whole_clinic_shows_none_of_these_bookings(
    signed_in: SignIn, setup: Setup, practice: Practice, other_practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    text = signed_in(make_staff(other_practice, Role.FRONT_DESK)).get(f"/calendar/?date={setup.day(1)}")
    assert "Jane Doe" not in text.content.decode()
    assert "Ann Other" not in text.content.decode()


def test_the_whole_clinic_calendar_is_audited_without_patient_data(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    signed_in(setup.clinician).get(f"/calendar/?by=room&date={setup.day(1)}")
    entry = AuditEntry.objects.get(action="list", record_type="booking")
    assert entry.detail == "calendar clinic room day, 2 shown"


def test_the_day_sheet_lists_each_practitioners_bookings_with_time_patient_room_and_device(
    signed_in: SignIn, setup: Setup, practice: Practice, staff: dict[Role, StaffUser]
) -> None:
    two_patients_booked(setup, practice)
    response = signed_in(staff[Role.FRONT_DESK]).get(f"/calendar/day-sheet/?date={setup.day(1)}")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert '<h2 id="sheet-1">Clinician of Riverside Skin Clinic</h2>' in text
    assert '<h2 id="sheet-2">Nurse of Riverside Skin Clinic</h2>' in text
    assert '<th scope="row" class="time">10:00–10:45</th> <td>Jane Doe</td> <td>Room 1</td> <td>Laser A</td>' in text
    assert "Ann Other</td> <td>Room 2</td> <td>Laser B</td>" in text
    assert "print.css" in text  # printed from the browser, on A4
    entry = AuditEntry.objects.get(action="print", record_type="booking")
    assert entry.detail == "day sheet, 2 shown"


def test_an_empty_day_sheet_says_so(signed_in: SignIn, setup: Setup) -> None:
    text = signed_in(setup.clinician).get("/calendar/day-sheet/?date=2026-12-25").content.decode()
    assert "No bookings on this day." in text


def test_the_day_grid_widens_to_a_booking_outside_its_usual_hours() -> None:
    early = clinic_calendar.Entry(
        day=date(2026, 12, 7),
        hour=7,
        href="/bookings/x/",
        times="07:00–07:45",
        patient="A Patient",
        session="",
        status="booked",
        practitioner_key="p",
        practitioner="P",
        room_key="r",
        room="R",
        device="",
    )
    grid = clinic_calendar.day_grid("practitioner", [clinic_calendar.Column("p", "P")], [early])
    assert [row.label for row in grid.rows][:2] == ["07:00", "08:00"]
    assert grid.rows[-1].label == "18:00"
    assert grid.rows[0].cells == ((early,),)


def test_the_day_sheet_of_a_location_lists_the_bookings_in_its_rooms_only(
    signed_in: SignIn, setup: Setup, practice: Practice
) -> None:
    two_patients_booked(setup, practice)
    _, hillside = _two_locations(setup, practice)
    text = signed_in(setup.clinician).get(f"/calendar/day-sheet/?date={setup.day(1)}&location={hillside.pk}")
    page = text.content.decode()
    assert "Riverside Skin Clinic, Hillside · 1 booking" in page
    assert "Ann Other" in page
    assert "Jane Doe" not in page
