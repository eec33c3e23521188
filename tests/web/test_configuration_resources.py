"""Rooms, devices and clinic-policy setting ranges in the configuration admin: the practice's own, and checked."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client

from lasercare.practice.clinic.models import Device, Location, PhototypeSettingRange, Practice, Room, StaffUser
from lasercare.practice.clinic.roles import Role

SignIn = Callable[[StaffUser], Client]


def device_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Fraxel room 2",
        "manufacturer": "Solta",
        "model": "Fraxel re:store",
        "serial_number": "FX-1001",
        "modality": "nafl_1550",
        "wavelengths_nm": "1550",
        "active": "on",
        # The device page's laser-safety inlines (lasercare.practice.safety), left empty.
        **{f"{inline}-{count}": "0" for inline in ("beams", "ipl_bands") for count in ("TOTAL_FORMS", "INITIAL_FORMS")},
    }
    data.update(changes)
    return data


def test_a_device_is_added_with_its_wavelengths_and_its_manuals_limits(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/device/add/",
        device_form(wavelengths_nm="755 , 1064", fluence_j_cm2_min="1", fluence_j_cm2_max="70"),
    )
    assert response.status_code == 302
    device = Device.objects.get()
    assert device.practice == practice
    assert device.wavelengths == (755, 1064)
    assert (device.fluence_j_cm2_min, device.fluence_j_cm2_max) == (Decimal("1"), Decimal("70"))


def test_wavelengths_that_are_not_numbers_are_explained(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/device/add/", device_form(wavelengths_nm="about 1550")
    )
    assert response.status_code == 200
    assert "Give the wavelengths in nm as whole numbers separated by commas" in response.content.decode()
    assert not Device.objects.exists()


def test_a_limit_whose_largest_is_below_its_smallest_is_refused(
    signed_in: SignIn, staff: dict[Role, StaffUser]
) -> None:
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post(
        "/admin/clinic/device/add/", device_form(pulse_ms_min="10", pulse_ms_max="3")
    )
    assert "The largest pulse duration is below the smallest." in response.content.decode()
    assert not Device.objects.exists()


def test_a_setting_range_names_fitzpatrick_types_only(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    data = {"modality": "nafl_1550", "phototypes": "iv, 7", "setting": "density_percent", "maximum": "20"}
    response = client.post("/admin/clinic/phototypesettingrange/add/", data)
    assert "Give Fitzpatrick types I to VI separated by commas" in response.content.decode()
    assert client.post("/admin/clinic/phototypesettingrange/add/", {**data, "phototypes": "iv, v"}).status_code == 302
    assert PhototypeSettingRange.objects.get().types == ("IV", "V")


def test_a_setting_range_needs_a_bound(signed_in: SignIn, staff: dict[Role, StaffUser]) -> None:
    data = {"modality": "nafl_1550", "phototypes": "IV", "setting": "density_percent"}
    response = signed_in(staff[Role.PRACTICE_ADMIN]).post("/admin/clinic/phototypesettingrange/add/", data)
    assert "Give a minimum, a maximum or both." in response.content.decode()


def test_a_room_is_placed_only_at_the_practices_own_locations(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice, other_practice: Practice
) -> None:
    elsewhere = Location.objects.create(practice=other_practice, name="Elsewhere")
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    assert "Elsewhere" not in client.get("/admin/clinic/room/add/").content.decode()
    response = client.post("/admin/clinic/room/add/", {"name": "Room 9", "location": elsewhere.pk, "active": "on"})
    assert response.status_code == 200  # not a choice
    assert not Room.objects.exists()
    own = Location.objects.get(practice=practice)
    assert client.post("/admin/clinic/room/add/", {"name": "Room 9", "location": own.pk}).status_code == 302
    assert Room.objects.get().practice == practice


def test_a_device_without_limits_is_flagged_on_its_page_and_in_the_list(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    bare = Device.objects.create(
        practice=practice,
        name="Room 2 laser",
        model="M",
        serial_number="1",
        modality="nafl_1550",
        wavelengths_nm="1550",
    )
    client = signed_in(staff[Role.PRACTICE_ADMIN])
    page = client.get(f"/admin/clinic/device/{bare.pk}/change/").content.decode()
    assert "This device has no limits on record: charts on it are not checked." in page
    listing = client.get("/admin/clinic/device/").content.decode()
    assert "None on record: charts on this device are not checked against its limits" in listing


def test_a_device_with_limits_names_their_source_and_gives_no_warning(
    signed_in: SignIn, staff: dict[Role, StaffUser], practice: Practice
) -> None:
    limited = Device.objects.create(
        practice=practice,
        name="Room 2 laser",
        model="M",
        serial_number="1",
        modality="nafl_1550",
        wavelengths_nm="1550",
        energy_mj_max=Decimal("70"),
        limits_source="operator's manual",
    )
    page = signed_in(staff[Role.PRACTICE_ADMIN]).get(f"/admin/clinic/device/{limited.pk}/change/").content.decode()
    assert "no limits on record" not in page
    assert "Yes (operator&#x27;s manual)" in page
