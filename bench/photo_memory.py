"""Peak memory of one photo upload in a web worker, per format, at the largest size the app accepts.

    .venv/bin/python bench/photo_memory.py [--json] [--only jpeg-80mp,png-grey16] [--keep DIR]

Writes test photos into a temporary folder: a synthetic portrait (src/lasercare/imaging/synthetic.py) enlarged
to each size, with a little sensor noise so JPEGs compress like camera files, and EXIF with a GPS position (the
largest JPEG also stands on its side, EXIF orientation 6, as phones save them). PNGs and TIFFs are kept smooth
(no noise) so that they stay under PHOTO_MAX_BYTES: a large, well-compressing file is the worst case for memory.
Each case is then run in a fresh child process that sets Django up as a web worker has it (settings, every app,
the photo services imported) and does exactly the pixel work of an upload in the embedded default, where the
analysis job runs in the same process: `services.prepared_upload` (read, check, decode reduced, the stored copy
without metadata) and `services.analysis_outputs` (the analysis of the stored copy and its overlay).

Reported per case: the baseline (peak resident set after Django and the app are imported, before any photo) and
the peak after the upload, both from resource.getrusage's ru_maxrss (the parent stays small, so what a child
inherits across exec is below its baseline), and /proc's VmHWM as a check. Exit status 1 when a case peaks
above the limit (600 MB, issue 18) or fails. Progress goes to stderr; --json prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 600.0

# name -> (format, width, height, mode); sizes just under the 80-megapixel limit unless named otherwise (the
# PNGs, TIFF and HEIC at 80 megapixels are refused since the per-format limits: they measure the refusal)
CASES: dict[str, tuple[str, int, int, str]] = {
    "jpeg-12mp": ("JPEG", 4000, 3000, "RGB"),
    "jpeg-24mp": ("JPEG", 6000, 4000, "RGB"),
    "jpeg-60mp": ("JPEG", 9000, 6666, "RGB"),
    "jpeg-80mp": ("JPEG", 10320, 7744, "RGB"),  # 79.9 MP, EXIF orientation 6
    "png-rgb8": ("PNG", 10240, 7700, "RGB"),
    "png-rgb16": ("PNG", 10240, 7700, "RGB16"),
    "png-grey16": ("PNG", 10240, 7700, "I;16"),
    "tiff-rgb8": ("TIFF", 10240, 7700, "RGB"),
    "tiff-grey16": ("TIFF", 10240, 7700, "I;16"),
    "heic": ("HEIF", 10240, 7700, "RGB"),
    # at the lower limit of the formats that cannot be decoded reduced (FORMAT_MAX_PIXELS, 50 megapixels)
    "png-rgb16-50mp": ("PNG", 8160, 6120, "RGB16"),
    "png-grey16-50mp": ("PNG", 8160, 6120, "I;16"),
    "tiff-rgb8-50mp": ("TIFF", 8160, 6120, "RGB"),
    "heic-50mp": ("HEIF", 8160, 6120, "RGB"),
}

MAKE_PHOTO = r"""
import sys
import cv2
import numpy as np
from PIL import Image
from lasercare.imaging.synthetic import PortraitSpec, render

path, fmt, width, height, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
small = render(PortraitSpec(skin_lab=(62.0, 11.0, 17.0), width=1200, height=900, chart=True, noise_sd=0.0)).rgb
big = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
del small
exif = Image.Exif()
exif[0x010F] = "PhoneMaker"
exif[0x0112] = 6 if (fmt == "JPEG" and width * height > 70_000_000) else 1
gps = exif.get_ifd(0x8825)
gps[1] = "N"
gps[2] = (51.0, 30.0, 12.0)
if fmt == "JPEG":
    noise = np.random.default_rng(1).integers(-3, 4, size=big.shape, dtype=np.int16)
    big = np.clip(big.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    del noise
    Image.fromarray(big).save(path, format="JPEG", quality=92, exif=exif.tobytes())
elif fmt == "PNG" and mode == "RGB16":
    # Pillow cannot write 16-bit RGB PNGs; OpenCV can (BGR order)
    wide = big[:, :, ::-1].astype(np.uint16) * 257
    cv2.imwrite(path, wide, [cv2.IMWRITE_PNG_COMPRESSION, 9])
elif fmt == "PNG" and mode == "I;16":
    grey = cv2.cvtColor(big, cv2.COLOR_RGB2GRAY).astype(np.uint16) * 257
    del big
    Image.fromarray(grey).save(path, format="PNG", compress_level=9)
elif fmt == "PNG":
    Image.fromarray(big).save(path, format="PNG", compress_level=9, exif=exif.tobytes())
elif fmt == "TIFF" and mode == "I;16":
    grey = cv2.cvtColor(big, cv2.COLOR_RGB2GRAY).astype(np.uint16) * 257
    del big
    Image.fromarray(grey).save(path, format="TIFF", compression="tiff_adobe_deflate")
elif fmt == "TIFF":
    Image.fromarray(big).save(path, format="TIFF", compression="tiff_adobe_deflate")  # libtiff takes no EXIF block
else:
    from pillow_heif import register_heif_opener
    register_heif_opener()
    Image.fromarray(big).save(path, format="HEIF", quality=80, exif=exif.tobytes())
"""

RUN_UPLOAD = r"""
import json, os, resource, sys, time
def peaks():
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hwm = float("nan")
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) / 1024
    return maxrss, hwm
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lasercare.site.settings")
import django
django.setup()
from django.core.files.uploadedfile import UploadedFile
from lasercare.practice.photos import services, tasks, views  # noqa: F401 - what a worker has imported
baseline, baseline_hwm = peaks()
path = sys.argv[1]
started = time.perf_counter()
outcome = "stored and analysed"
with open(path, "rb") as handle:
    # what Django hands the view for a large upload: a file on disk (TemporaryUploadedFile)
    upload = UploadedFile(handle, name=os.path.basename(path), size=os.path.getsize(path))
    try:
        data, loaded, copy = services.prepared_upload(upload)
        document, overlay = services.analysis_outputs(copy, "bench")
        copy_size = list(__import__("PIL.Image", fromlist=["Image"]).open(__import__("io").BytesIO(copy)).size)
    except services.PhotoRefused as refused:
        outcome, copy_size = f"refused: {refused}", None
seconds = time.perf_counter() - started
peak, peak_hwm = peaks()
print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "baseline_hwm_mb": baseline_hwm,
                  "peak_hwm_mb": peak_hwm, "seconds": seconds, "outcome": outcome, "stored_copy": copy_size}))
"""


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["DJANGO_SETTINGS_MODULE"] = "lasercare.site.settings"
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    return env


def make_photo(folder: Path, name: str) -> Path:
    fmt, width, height, mode = CASES[name]
    suffix = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "HEIF": ".heic"}[fmt]
    path = folder / f"{name}{suffix}"
    if not path.exists():
        # rendering takes gigabytes: a process of its own, so the parent (and what its children inherit) stays small
        subprocess.run(
            [_python(), "-c", MAKE_PHOTO, str(path), fmt, str(width), str(height), mode], check=True, env=_env()
        )
    return path


def measure(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [_python(), "-c", RUN_UPLOAD, str(path)], capture_output=True, text=True, env=_env(), cwd=ROOT
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--only", default="", help="comma-separated case names (default: all)")
    parser.add_argument("--keep", type=Path, help="write (and reuse) the test photos in this folder")
    parser.add_argument("--limit-mb", type=float, default=LIMIT_MB, help="fail above this peak (default 600)")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(CASES)}")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="photo-memory-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            fmt, width, height, mode = CASES[name]
            print(f"{name}: writing a {width}x{height} {mode} {fmt}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                path = make_photo(folder, name)
            except subprocess.CalledProcessError:
                print(f"{name}: this machine cannot write it, skipped", file=sys.stderr)
                rows.append({"case": name, "skipped": "cannot be written here"})
                continue
            print(
                f"{name}: {path.stat().st_size / 1e6:.1f} MB written in {time.perf_counter() - started:.0f} s; "
                "uploading",
                file=sys.stderr,
                flush=True,
            )
            row: dict[str, Any] = {
                "case": name,
                "format": fmt,
                "pixels": f"{width}x{height}",
                "megapixels": round(width * height / 1e6, 1),
                "mode": mode,
                "file_mb": round(path.stat().st_size / 1e6, 1),
            }
            row.update(measure(path))
            rows.append(row)
            print(f"{name}: {row}", file=sys.stderr, flush=True)
    failed = [r for r in rows if "error" in r or r.get("peak_mb", 0) > args.limit_mb]
    if args.json:
        print(json.dumps({"limit_mb": args.limit_mb, "cases": rows}, indent=2))
    else:
        print("| case | pixels | file | baseline MB | peak MB | peak VmHWM MB | seconds | outcome |")
        print("|---|---|---|---|---|---|---|---|")
        for r in rows:
            if "skipped" in r or "error" in r:
                print(f"| {r['case']} | | | | | | | {r.get('skipped') or 'ERROR ' + r['error']} |")
                continue
            print(
                f"| {r['case']} | {r['pixels']} {r['mode']} | {r['file_mb']} MB | {r['baseline_mb']:.0f} | "
                f"{r['peak_mb']:.0f} | {r['peak_hwm_mb']:.0f} | {r['seconds']:.1f} | {r['outcome']} |"
            )
        verdict = "exceeded by " + ", ".join(r["case"] for r in failed) if failed else "met"
        print(f"\nlimit {args.limit_mb:.0f} MB: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
