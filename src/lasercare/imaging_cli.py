"""`lasercare analyze`: measure photos, or compare a before and an after photo (docs/cli.md).

Imported only when the command runs; numpy, OpenCV and colour-science are imported inside `run`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_UNREADABLE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = (
        "lasercare analyze PHOTO... [--json] [--overlay DIR]\n       lasercare analyze --compare BEFORE AFTER [--json]"
    )
    parser.description = (
        "Measure skin tone (ITA), pigmented spots, redness and texture on clinic photos (JPEG, PNG, TIFF, "
        "HEIC).\nA ColorChecker Classic in the frame calibrates the colours; without one the results are "
        "marked uncalibrated.\nSee docs/imaging.md for how to take photos that measure well."
    )
    parser.epilog = (
        "Exit status: 0 when every photo was analysed; 2 when a photo could not be read (its line says why)\n"
        "or the arguments are wrong.\n\n"
        "Examples:\n  lasercare analyze face.jpg\n"
        "  lasercare analyze --json --overlay overlays/ *.jpg > results.jsonl\n"
        "  lasercare analyze --compare before.jpg after.jpg --json"
    )
    parser.add_argument("photos", nargs="*", metavar="PHOTO", help="photo files to analyse")
    parser.add_argument("--json", action="store_true", help="one JSON object per photo, one per line")
    parser.add_argument("--overlay", metavar="DIR", help="write a PNG per photo marking spots and red areas into DIR")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("BEFORE", "AFTER"),
        help="align two photos of the same patient and report each metric's change",
    )
    parser.add_argument(
        "--max-pixels",
        type=int,
        default=None,
        metavar="N",
        help="refuse photos larger than N pixels (default 80,000,000)",
    )


def _error(message: str) -> None:
    print(f"lasercare: {message}", file=sys.stderr)


def _fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}{suffix}"


def _summary(document: dict[str, Any]) -> str:
    if "error" in document:
        return f"{document['file']}: cannot be analysed: {document['error']}\n"
    spots, redness = document["spots"], document["redness"]
    calibration = (
        f"calibrated (chart patches {document['chart_delta_e']:.1f} ΔE2000 after correction)"
        if document["calibrated"]
        else "uncalibrated (no colour chart in the photo: tone depends on the light and exposure)"
    )
    lines = [
        f"{document['file']}  {document['width']}x{document['height']}  {calibration}",
        f"  face: {'found' if document['face_found'] else 'not found (skin sampled at the image centre)'}; "
        f"skin {_fmt(100 * document['skin_fraction'])}% of the image",
        f"  skin tone: ITA {_fmt(document['ita_deg'])}° ({document['ita_category'] or 'n/a'}); "
        f"Fitzpatrick {document['fitzpatrick_estimate'] or 'n/a'} (estimate only: a clinician confirms)",
        f"  spots: {spots['count']}, {_fmt(100 * (spots['area_fraction'] or 0), 2)}% of skin, "
        f"contrast {_fmt(spots['mean_delta_e'])} ΔE2000",
        f"  redness: index {_fmt(redness['index'])}, "
        f"red areas {_fmt(100 * (redness['area_fraction'] or 0), 2)}% of skin",
        f"  texture: index {_fmt(document['texture']['index'], 3)}",
    ]
    for name, region in document["regions"].items():
        lines.append(
            f"    {name:12s} ITA {_fmt(region['ita_deg']):>6s}  spots {region['spots']['count']:3d}  "
            f"red {_fmt(100 * (region['redness']['area_fraction'] or 0), 1):>5s}%  "
            f"texture {_fmt(region['texture']['index'], 3)}"
        )
    lines.append(f"  ({document['seconds']:.2f} s)")
    return "\n".join(lines) + "\n"


def _write(document: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        sys.stdout.write(_summary(document))
    sys.stdout.flush()


def _progress(done: int, total: int) -> None:
    width = 30
    filled = round(width * done / total)
    sys.stderr.write(f"\ranalysing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _overlay_path(folder: Path, photo: str, index: int, used: set[str]) -> Path:
    name = f"{Path(photo).stem}.overlay.png"
    if name in used:  # two photos of the same name from different folders
        name = f"{Path(photo).stem}-{index}.overlay.png"
    used.add(name)
    return folder / name


def _analyse_all(args: argparse.Namespace) -> int:
    from lasercare.imaging import ImageError, analyse_photo, analysis_to_dict, save_overlay

    limit = {"max_pixels": args.max_pixels} if args.max_pixels else {}
    total = len(args.photos)
    show_progress = total > 1 and sys.stderr.isatty()
    folder = Path(args.overlay) if args.overlay else None
    used: set[str] = set()
    failed = False
    for index, photo in enumerate(args.photos, start=1):
        try:
            analysed = analyse_photo(photo, **limit)
        except ImageError as error:
            failed = True
            _write({"file": photo, "error": str(error)}, args.json)
        except MemoryError:
            failed = True
            _write({"file": photo, "error": "not enough memory to analyse this photo"}, args.json)
        else:
            document = analysis_to_dict(analysed.result, photo)
            if folder is not None:
                try:
                    document["overlay"] = str(save_overlay(analysed, _overlay_path(folder, photo, index, used)))
                except OSError as error:
                    document["overlay_error"] = str(error)
                    failed = True
            _write(document, args.json)
        if show_progress:
            _progress(index, total)
    return EXIT_UNREADABLE if failed else EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from lasercare.imaging import ImageError, analyse_photo, compare
    from lasercare.imaging.analysis import metrics_to_dict

    limit = {"max_pixels": args.max_pixels} if args.max_pixels else {}
    before_name, after_name = args.compare
    analysed = []
    for name in (before_name, after_name):
        try:
            analysed.append(analyse_photo(name, **limit))
        except ImageError as error:
            _write({"file": name, "error": str(error)}, args.json)
            return EXIT_UNREADABLE
    before, after = analysed
    comparison = compare(before, after)
    registration = comparison.registration
    document = {
        "before": before_name,
        "after": after_name,
        "calibrated": before.result.calibrated and after.result.calibrated,
        "registration": {
            "method": registration.method,
            "rotation_deg": registration.rotation_deg,
            "scale": registration.scale,
            "shift_px": [registration.shift_x, registration.shift_y],
            "inliers": registration.inliers,
            "common_skin_fraction": round(registration.common_skin_fraction, 4),
        },
        "before_metrics": metrics_to_dict(comparison.before),
        "after_metrics": metrics_to_dict(comparison.after),
        "changes": {
            change.metric: {
                "before": change.before,
                "after": change.after,
                "change": None if change.change is None else round(change.change, 5),
                "smallest_real_change": (
                    None if change.smallest_real_change is None else round(change.smallest_real_change, 5)
                ),
                "exceeds_retake_variation": change.exceeds_retake_variation,
            }
            for change in comparison.changes
        },
    }
    if not (before.result.calibrated and after.result.calibrated):
        document["note"] = "at least one photo is uncalibrated: tone and redness changes may be the light's"
    if args.json:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
        return EXIT_OK
    out = [
        f"{before_name} -> {after_name}",
        f"  aligned by {registration.method}: rotation {registration.rotation_deg:.2f}°, scale "
        f"{registration.scale:.3f}, shift ({registration.shift_x:.1f}, {registration.shift_y:.1f}) px; "
        f"compared over {100 * registration.common_skin_fraction:.0f}% of the before photo's skin",
    ]
    if "note" in document:
        out.append(f"  note: {document['note']}")
    for change in comparison.changes:
        if change.change is None:
            out.append(f"  {change.metric:24s} n/a")
            continue
        verdict = "real change" if change.exceeds_retake_variation else "within retake variation"
        out.append(
            f"  {change.metric:24s} {change.before:10.4f} -> {change.after:10.4f}  ({change.change:+.4f}; "
            f"retakes vary up to ±{change.smallest_real_change:.4f}: {verdict})"
        )
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.compare and args.photos:
        _error("analyze: give either PHOTO... or --compare BEFORE AFTER, not both")
        return EXIT_UNREADABLE
    if args.compare:
        if args.overlay:
            _error("analyze: --overlay applies to PHOTO..., not to --compare")
            return EXIT_UNREADABLE
        return _compare(args)
    if not args.photos:
        _error("analyze: give at least one PHOTO (see 'lasercare analyze --help')")
        return EXIT_UNREADABLE
    return _analyse_all(args)
