"""`lasercare safety` run as a user would, in a fresh process."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
EXAMPLES = Path(__file__).resolve().parent / "examples"


def test_mpe_json_gives_the_eye_and_skin_limits_and_the_rule(lasercare: Run) -> None:
    result = lasercare("safety", "mpe", "--wavelength-nm", "1064", "--exposure-s", "1e-9", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["eye_mpe_j_cm2"] == pytest.approx(5e-6)
    assert document["skin_mpe_j_cm2"] > document["eye_mpe_j_cm2"]
    assert "Table 2.2" in document["rule"]["eye"]


def test_mpe_text_names_the_rule_and_the_laser_safety_officer(lasercare: Run) -> None:
    result = lasercare("safety", "mpe", "--wavelength-nm", "595", "--exposure-s", "0.45e-3")
    assert result.returncode == 0, result.stderr
    assert "rule:" in result.stdout and "laser safety officer" in result.stdout


def test_eyewear_json_gives_od_l_number_and_nohd(lasercare: Run) -> None:
    result = lasercare(
        "safety", "eyewear", "--wavelength-nm", "1064", "--pulse-energy-j", "1.0", "--pulse-s", "6e-9",
        "--rep-hz", "10", "--beam-mm", "4", "--divergence-mrad", "2", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["od_required"] > 5
    assert document["l_number"] >= 8
    assert document["nohd_m"] > 100
    assert document["simplifications"]


def test_eyewear_for_a_continuous_co2_laser(lasercare: Run) -> None:
    result = lasercare("safety", "eyewear", "--wavelength-nm", "10600", "--power-w", "30", "--beam-mm", "2", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["mode"] == "continuous"
    assert document["nohd_m"] is None


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (["--wavelength-nm", "0", "--power-w", "1", "--beam-mm", "2"], "--wavelength-nm"),
        (["--wavelength-nm", "5000000", "--power-w", "1", "--beam-mm", "2"], "--wavelength-nm"),
        (["--wavelength-nm", "532", "--beam-mm", "2"], "--power-w / --pulse-energy-j"),
        (["--wavelength-nm", "532", "--power-w", "1", "--pulse-energy-j", "1", "--beam-mm", "2"], "--power-w"),
        (
            ["--wavelength-nm", "532", "--pulse-energy-j", "-1", "--pulse-s", "1e-3", "--beam-mm", "2"],
            "--pulse-energy-j",
        ),
        (["--wavelength-nm", "532", "--pulse-energy-j", "1", "--beam-mm", "2"], "--pulse-s"),
    ],
)
def test_eyewear_refuses_impossible_input_naming_the_option(lasercare: Run, arguments: list[str], option: str) -> None:
    result = lasercare("safety", "eyewear", *arguments)
    assert result.returncode == 2
    assert result.stderr.startswith("lasercare: ")
    assert option in result.stderr
    assert "Traceback" not in result.stderr


def test_mpe_refuses_a_zero_duration(lasercare: Run) -> None:
    result = lasercare("safety", "mpe", "--wavelength-nm", "532", "--exposure-s", "0")
    assert result.returncode == 2
    assert "--exposure-s" in result.stderr and "Traceback" not in result.stderr


def test_check_exits_1_and_names_the_device_wavelength_and_od_lacking(lasercare: Run) -> None:
    result = lasercare("safety", "check", str(EXAMPLES / "devices.toml"), str(EXAMPLES / "eyewear.toml"))
    assert result.returncode == 1
    assert "Q-switched Nd:YAG (pigment, tattoo) at 532 nm is not covered (lacks OD" in result.stderr
    assert "at 1064 nm is not covered" in result.stderr and "LB" in result.stderr


def test_check_covers_ipl_by_the_manufacturers_filter_rating_and_says_why(lasercare: Run, tmp_path: Path) -> None:
    devices = tmp_path / "devices.json"
    devices.write_text(json.dumps({"device": [{"name": "IPL", "kind": "ipl", "band_nm": [515, 1200]}]}))
    eyewear = tmp_path / "eyewear.json"
    eyewear.write_text(
        json.dumps(
            {"eyewear": [{"name": "IPL goggles", "ipl_rating": [
                {"from_nm": 500, "to_nm": 1200, "manufacturer_rating": "IPL 500-1200 nm"}]}]}
        )
    )  # fmt: skip
    result = lasercare("safety", "check", str(devices), str(eyewear), "--json")
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)["items"][0]
    assert item["covered"] is True
    assert "not a laser" in item["note"] and "manufacturer" in item["note"]


def test_check_does_not_accept_an_od_rating_for_an_ipl(lasercare: Run, tmp_path: Path) -> None:
    devices = tmp_path / "devices.json"
    devices.write_text(json.dumps({"device": [{"name": "IPL", "kind": "ipl", "band_nm": [515, 1200]}]}))
    eyewear = tmp_path / "eyewear.json"
    eyewear.write_text(
        json.dumps({"eyewear": [{"name": "OD 7", "rating": [{"from_nm": 190, "to_nm": 11000, "od": 7}]}]})
    )
    result = lasercare("safety", "check", str(devices), str(eyewear))
    assert result.returncode == 1
    assert "IPL" in result.stderr and "manufacturer" in result.stdout


def test_check_exits_0_when_every_device_is_covered(lasercare: Run, tmp_path: Path) -> None:
    devices = tmp_path / "devices.toml"
    devices.write_text(
        '[[device]]\nname = "Er:YAG"\n[[device.beam]]\nwavelength_nm = 2940\npulse_energy_j = [0.5, 1.5]\n'
        "pulse_s = [300e-6]\nrep_hz = [2, 10]\nbeam_mm = [5]\n"
    )
    eyewear = tmp_path / "eyewear.toml"
    eyewear.write_text('[[eyewear]]\nname = "Er goggles"\n[[eyewear.rating]]\nfrom_nm = 2900\nto_nm = 3000\nod = 6\n')
    result = lasercare("safety", "check", str(devices), str(eyewear))
    assert result.returncode == 0, result.stderr
    assert "Every device is covered." in result.stdout


def test_check_refuses_a_broken_devices_file_naming_the_field(lasercare: Run, tmp_path: Path) -> None:
    devices = tmp_path / "devices.json"
    devices.write_text(json.dumps({"device": [{"name": "YAG", "beam": [{"wavelength_nm": 1064, "beam_mm": 4}]}]}))
    result = lasercare("safety", "check", str(devices), str(EXAMPLES / "eyewear.toml"))
    assert result.returncode == 2
    assert "device[0].beam[0].power_w/pulse_energy_j" in result.stderr


def test_check_refuses_a_missing_file(lasercare: Run) -> None:
    result = lasercare("safety", "check", "no-such-devices.toml", str(EXAMPLES / "eyewear.toml"))
    assert result.returncode == 2
    assert "no-such-devices.toml: no such file" in result.stderr


def test_safety_help_lists_the_three_actions_with_examples(lasercare: Run) -> None:
    result = lasercare("safety", "eyewear", "--help")
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    overview = lasercare("safety", "--help").stdout
    assert all(action in overview for action in ("mpe", "eyewear", "check"))
