"""The settings check on its own: changes from last time, and warnings naming whose limit each is."""

from __future__ import annotations

from decimal import Decimal

from lasercare.practice.charting.settings_check import (
    DEVICE_MANUAL,
    Limit,
    SettingSpec,
    changes,
    number,
    policy_source,
    warnings,
)

SPECS = (
    SettingSpec("fluence_j_cm2", "Fluence", "J/cm²"),
    SettingSpec("pulse_ms", "Pulse duration", "ms"),
    SettingSpec("density_percent", "Density or coverage", "%"),
    SettingSpec("passes", "Passes", ""),
)
D = Decimal


def test_each_setting_shows_its_change_from_last_time() -> None:
    found = {
        c.setting: c
        for c in changes(
            SPECS,
            {"fluence_j_cm2": D("16"), "pulse_ms": D("3.5"), "density_percent": D("10")},
            {"fluence_j_cm2": D("14"), "pulse_ms": D("4"), "density_percent": D("10")},
        )
    }
    assert (found["fluence_j_cm2"].difference, found["fluence_j_cm2"].direction) == (D("2"), "up")
    assert (found["pulse_ms"].difference, found["pulse_ms"].direction) == (D("-0.5"), "down")
    assert found["density_percent"].direction == "same"
    assert "passes" not in found


def test_a_setting_recorded_only_now_or_only_last_time_says_so() -> None:
    found = {c.setting: c for c in changes(SPECS, {"passes": D("2")}, {"pulse_ms": D("4")})}
    assert (found["passes"].direction, found["passes"].difference) == ("new", None)
    assert found["pulse_ms"].direction == "cleared"


def test_no_previous_session_means_no_changes() -> None:
    assert changes(SPECS, {"fluence_j_cm2": D("16")}, None) == ()


def test_a_setting_above_the_device_maximum_is_warned_naming_the_manual() -> None:
    (warning,) = warnings(
        SPECS,
        {"fluence_j_cm2": D("45")},
        [Limit("fluence_j_cm2", D("10"), D("40"), DEVICE_MANUAL)],
        wavelength_nm=None,
        device_wavelengths=(),
    )
    assert (warning.setting, warning.value, warning.limit, warning.bound) == (
        "fluence_j_cm2",
        "45 J/cm²",
        "40 J/cm²",
        "maximum",
    )
    assert warning.message == "Fluence 45 J/cm² is above 40 J/cm², the maximum in the device's manual."


def test_a_setting_below_a_minimum_is_warned() -> None:
    (warning,) = warnings(
        SPECS,
        {"pulse_ms": D("0.5")},
        [Limit("pulse_ms", D("1"), None, DEVICE_MANUAL)],
        wavelength_nm=None,
        device_wavelengths=(),
    )
    assert warning.bound == "minimum"
    assert "below 1 ms" in warning.message


def test_a_clinic_policy_warning_names_the_policy_its_phototype_and_note() -> None:
    source = policy_source("IV", "Riverside protocol")
    (warning,) = warnings(
        SPECS,
        {"density_percent": D("25")},
        [Limit("density_percent", None, D("20"), source)],
        wavelength_nm=None,
        device_wavelengths=(),
    )
    assert warning.source == "clinic policy for phototype IV: Riverside protocol"
    assert warning.message.endswith("the maximum in clinic policy for phototype IV: Riverside protocol.")


def test_the_device_manual_is_named_before_clinic_policy() -> None:
    found = warnings(
        SPECS,
        {"density_percent": D("40")},
        [
            Limit("density_percent", None, D("20"), policy_source("V", "")),
            Limit("density_percent", None, D("30"), DEVICE_MANUAL),
        ],
        wavelength_nm=None,
        device_wavelengths=(),
    )
    assert [w.source for w in found] == [DEVICE_MANUAL, "clinic policy for phototype V"]


def test_values_within_the_limits_and_settings_not_recorded_raise_no_warning() -> None:
    limits = [Limit("fluence_j_cm2", D("10"), D("40"), DEVICE_MANUAL), Limit("passes", D("1"), D("3"), DEVICE_MANUAL)]
    assert (
        warnings(SPECS, {"fluence_j_cm2": D("40"), "passes": None}, limits, wavelength_nm=None, device_wavelengths=())
        == ()
    )


def test_a_wavelength_the_device_does_not_emit_is_warned() -> None:
    (warning,) = warnings(SPECS, {}, [], wavelength_nm=1064, device_wavelengths=(755, 1064 - 1))
    assert warning.setting == "wavelength_nm"
    assert warning.message == "Wavelength 1064 nm is not one of the device's (755, 1063 nm)."
    assert warnings(SPECS, {}, [], wavelength_nm=755, device_wavelengths=(755,)) == ()


def test_numbers_are_written_as_people_write_them() -> None:
    assert [number(D("40.000")), number(D("0.350")), number(D("4E+1")), number(None)] == ["40", "0.35", "40", ""]


def test_a_warning_keeps_as_a_dict_for_the_chart() -> None:
    (warning,) = warnings(
        SPECS,
        {"passes": D("5")},
        [Limit("passes", None, D("3"), DEVICE_MANUAL)],
        wavelength_nm=None,
        device_wavelengths=(),
    )
    assert warning.as_dict()["message"] == "Passes 5 is above 3, the maximum in the device's manual."
