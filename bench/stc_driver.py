"""Times skin-tone-classifier (the `stone` package) on the photos given, one core; run by bench/imaging_speed.py
with the separate benchmark environment's Python (never the project's: it is not a dependency).

Prints one JSON line: {"seconds": [...], "cpu": [...], "peak_rss_mb": ..., "tones": [...]}.
"""

from __future__ import annotations

import json
import os
import sys
import time


def peak_mb() -> float:
    """The process's peak resident set (VmHWM; getrusage's ru_maxrss would carry the parent's over exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import cv2
    import stone  # type: ignore[import-not-found]

    cv2.setNumThreads(1)
    photos = sys.argv[1:]
    stone.process(photos[0], image_type="color")  # warm-up: imports and first-call costs
    seconds, cpu, tones = [], [], []
    for photo in photos:
        started, cpu_started = time.perf_counter(), time.process_time()
        report = stone.process(photo, image_type="color")
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        faces = report.get("faces") or [{}]
        tones.append(faces[0].get("skin_tone"))
    peak = peak_mb()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss_mb": peak, "tones": tones}))


if __name__ == "__main__":
    main()
