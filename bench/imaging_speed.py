"""Speed and memory of `lasercare analyze` on 12-megapixel photos, beside skin-tone-classifier on the same photos.

    .venv/bin/python bench/imaging_speed.py [--stc-python /tmp/stc-venv/bin/python] [--photos 3]

Renders synthetic 4000x3000 portraits (src/lasercare/imaging/synthetic.py: light, tan and dark skin, a ColorChecker in
frame, a warm cast), saves them as JPEG (quality 95), and times the full analysis of each file (reading,
calibration, face, skin, every metric and the regions) in a fresh process pinned to one core with OpenCV and
BLAS at one thread; the first photo is analysed once beforehand, so imports and first-call costs are reported
apart. Peak memory is the process's peak resident set (VmHWM), reported with the interpreter's and the
libraries' share measured before the first photo.

skin-tone-classifier is not a dependency of lasercare. Build its environment apart, pinned to OpenCV 4:

    python3.11 -m venv /tmp/stc-venv
    /tmp/stc-venv/bin/pip install "skin-tone-classifier==1.2.6" "opencv-python<5"

Without it (no --stc-python, or the path missing), only lasercare's figures are printed.
Targets (issue 5): at most 1.0 s wall and 1.5 GB peak per 12-megapixel photo on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
LASERCARE_DRIVER = """
import json, os, sys, time
def peak_mb():
    # VmHWM, not getrusage: ru_maxrss survives exec and would report the parent's rendering
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
import cv2
cv2.setNumThreads(1)
started = time.perf_counter()
from lasercare.imaging import analyse_photo
photos = sys.argv[1:]
analyse_photo(photos[0])
first = time.perf_counter() - started
baseline = peak_mb()
seconds, cpu, itas = [], [], []
for photo in photos:
    t, c = time.perf_counter(), time.process_time()
    result = analyse_photo(photo).result
    seconds.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
    itas.append(round(result.metrics.ita_deg, 2))
peak = peak_mb()
print(json.dumps({"seconds": seconds, "cpu": cpu, "first_call": first, "peak_rss_mb": peak,
                  "after_imports_mb": baseline, "ita": itas}))
"""


def render_photos(folder: Path, count: int) -> list[tuple[Path, float]]:
    sys.path.insert(0, str(ROOT))
    from PIL import Image

    from lasercare.imaging.synthetic import SKIN_BY_CATEGORY, WARM_CAST, PortraitSpec, render

    made = []
    for index, category in enumerate(("light", "tan", "dark", "very_light", "brown", "intermediate")[:count]):
        spec = PortraitSpec(SKIN_BY_CATEGORY[category], width=4000, height=3000, chart=True, cast=WARM_CAST)
        portrait = render(spec)
        path = folder / f"portrait-{index}-{category}.jpg"
        Image.fromarray(portrait.rgb).save(path, quality=95)
        made.append((path, portrait.ita_deg))
    return made


def run_driver(python: str, arguments: list[str]) -> dict[str, Any]:
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([python, *arguments], capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "driver failed")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stc-python", default="/tmp/stc-venv/bin/python", help="Python of the benchmark venv")
    parser.add_argument("--photos", type=int, default=3, help="how many 12-megapixel photos (1-6)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(f"rendering {args.photos} synthetic 4000x3000 portraits ...", file=sys.stderr)
        photos = render_photos(Path(folder), max(1, min(6, args.photos)))
        names = [str(path) for path, _ in photos]
        ours = run_driver(sys.executable, ["-c", LASERCARE_DRIVER, *names])
        theirs = None
        if args.stc_python and Path(args.stc_python).exists():
            try:
                theirs = run_driver(args.stc_python, [str(ROOT / "bench" / "stc_driver.py"), *names])
            except RuntimeError as error:
                print(f"skin-tone-classifier failed: {error}", file=sys.stderr)
    our_seconds = [float(s) for s in ours["seconds"]]
    print("lasercare analyze (full analysis per 12 MP JPEG, one core)")
    for (path, truth), seconds, ita in zip(photos, our_seconds, ours["ita"], strict=True):
        print(f"  {path.name:32s} {seconds:6.3f} s   ITA {ita:7.2f} (true {truth:6.2f})")
    our_cpu = [float(s) for s in ours["cpu"]]
    print(
        f"  median {statistics.median(our_seconds):.3f} s, max {max(our_seconds):.3f} s per photo "
        f"(CPU median {statistics.median(our_cpu):.3f} s: on a busy machine CPU time is the steadier figure)"
    )
    print(f"  first call incl. imports {float(ours['first_call']):.3f} s")
    print(
        f"  peak RSS {float(ours['peak_rss_mb']):.0f} MB (after imports and one photo: "
        f"{float(ours['after_imports_mb']):.0f} MB)"
    )
    ok = max(our_seconds) <= 1.0 and float(ours["peak_rss_mb"]) <= 1536
    print(f"  targets (<= 1.0 s, <= 1.5 GB): {'met' if ok else 'NOT met'}")
    if theirs is not None:
        their_seconds = [float(s) for s in theirs["seconds"]]
        print("skin-tone-classifier 1.2.6 (tone only, same photos, one core)")
        for (path, _), seconds, tone in zip(photos, their_seconds, theirs["tones"], strict=True):
            print(f"  {path.name:32s} {seconds:6.3f} s   tone {tone}")
        their_cpu = [float(s) for s in theirs["cpu"]]
        print(f"  CPU median {statistics.median(their_cpu):.3f} s")
        print(
            f"  median {statistics.median(their_seconds):.3f} s per photo, peak RSS "
            f"{float(theirs['peak_rss_mb']):.0f} MB"
        )
        ratio = statistics.median(our_seconds) / statistics.median(their_seconds)
        print(f"ratio lasercare / skin-tone-classifier (median wall time): {ratio:.2f}")
        cpu_ratio = statistics.median(our_cpu) / statistics.median(their_cpu)
        print(f"ratio lasercare / skin-tone-classifier (median CPU time): {cpu_ratio:.2f}")
    else:
        print("skin-tone-classifier: not measured (build /tmp/stc-venv as the docstring says)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
