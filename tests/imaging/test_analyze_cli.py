"""`lasercare analyze` as a user runs it: the JSON contract of docs/cli.md, errors per file, overlays, compare."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, WARM_CAST, PortraitSpec, Pose, render

Run = Callable[..., subprocess.CompletedProcess[str]]
METRIC_FIELDS = {"spots": {"count", "area_fraction", "mean_delta_e"}, "redness": {"index", "area_fraction"}}


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    skin = SKIN_BY_CATEGORY["tan"]
    paths = {
        "face": folder / "face.jpg",
        "retake": folder / "retake.jpg",
        "text": folder / "notes.jpg",
        "empty": folder / "empty.jpg",
    }
    Image.fromarray(render(PortraitSpec(skin, chart=True, cast=WARM_CAST)).rgb).save(paths["face"], quality=95)
    retake = PortraitSpec(skin, chart=True, cast=WARM_CAST, pose=Pose(6, 4, 1.0), noise_seed=9)
    Image.fromarray(render(retake).rgb).save(paths["retake"], quality=95)
    paths["text"].write_text("not a photo\n", encoding="utf-8")
    paths["empty"].write_bytes(b"")
    return paths


def test_json_line_per_photo_has_every_contract_field(lasercare: Run, photos: dict[str, Path]) -> None:
    result = lasercare("analyze", str(photos["face"]), "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    document = json.loads(lines[0])
    assert document["file"] == str(photos["face"])
    assert (document["width"], document["height"]) == (720, 960)
    assert document["calibrated"] is True and document["chart_delta_e"] < 2
    assert 0 < document["skin_fraction"] < 1
    assert document["ita_category"] == "tan" and isinstance(document["ita_deg"], float)
    assert document["fitzpatrick_estimate"] == "IV" and "estimate" in document["fitzpatrick_note"]
    for field, keys in METRIC_FIELDS.items():
        assert set(document[field]) >= keys
    assert set(document["texture"]) >= {"index"}
    assert set(document["regions"]) == {"forehead", "right_cheek", "left_cheek", "nose", "chin"}
    assert set(document["regions"]["chin"]) >= {"ita_deg", "spots", "redness", "texture"}
    assert document["seconds"] > 0


def test_unreadable_files_get_an_error_line_and_exit_status_2(lasercare: Run, photos: dict[str, Path]) -> None:
    result = lasercare("analyze", "--json", str(photos["text"]), str(photos["face"]), str(photos["empty"]))
    assert result.returncode == 2
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["file"] for d in documents] == [str(photos[k]) for k in ("text", "face", "empty")]
    assert documents[0] == {"file": str(photos["text"]), "error": "not an image: looks like text"}
    assert "ita_deg" in documents[1]
    assert documents[2]["error"] == "empty file (0 bytes)"
    assert "Traceback" not in result.stderr
    assert result.stderr == ""  # no progress bar when standard error is not a terminal


def test_overlay_png_is_written_per_photo(lasercare: Run, photos: dict[str, Path], tmp_path: Path) -> None:
    result = lasercare("analyze", "--json", "--overlay", str(tmp_path / "overlays"), str(photos["face"]))
    assert result.returncode == 0, result.stderr
    overlay = Path(json.loads(result.stdout)["overlay"])
    assert overlay.parent == tmp_path / "overlays" and overlay.suffix == ".png"
    with Image.open(overlay) as image:
        assert image.format == "PNG" and image.size == (720, 960)


def test_summary_without_json_is_for_people(lasercare: Run, photos: dict[str, Path]) -> None:
    result = lasercare("analyze", str(photos["face"]))
    assert result.returncode == 0, result.stderr
    assert "ITA" in result.stdout and "(tan)" in result.stdout
    assert "Fitzpatrick IV (estimate only" in result.stdout
    assert "calibrated" in result.stdout and "spots:" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_compare_reports_alignment_and_changes(lasercare: Run, photos: dict[str, Path]) -> None:
    result = lasercare("analyze", "--compare", str(photos["face"]), str(photos["retake"]), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["registration"]["method"] == "ORB features"
    assert set(document["changes"]) >= {"ita_deg", "spots.count", "redness.index", "texture.index"}
    assert not any(change["exceeds_retake_variation"] for change in document["changes"].values())


def test_no_photos_is_a_usage_error(lasercare: Run) -> None:
    result = lasercare("analyze")
    assert result.returncode == 2
    assert "give at least one PHOTO" in result.stderr


def test_other_commands_never_import_the_imaging_libraries() -> None:
    code = (
        "import sys; from lasercare import cli; cli._parser(); "
        "print(sorted(m for m in ('numpy', 'cv2', 'colour') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
