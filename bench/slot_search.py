"""Slot search: how long finding a plan's next free slots takes in a busy practice (docs/performance.md).

    .venv/bin/python bench/slot_search.py [--database sqlite|postgres|both] [--searches 200]

For each database it
1. makes a fresh database: SQLite in a file under var/bench-slots/ (removed first), PostgreSQL as the database
   lasercare_bench_slots at 127.0.0.1:5432 (created, and dropped at the end);
2. migrates it and fills one practice with 10 practitioners (working hours, qualifications), 8 rooms at one location
   open Mon-Fri 09:00-18:00 and Sat 09:00-13:00, 20 devices (4 of the plan's treatment), a few absences and
   outages, and 5,000 bookings over the next six months that never double-book (about 2,500 in the three
   months searched: eight rooms 09:00-18:00 cannot hold 5,000 45-minute sessions in three months);
3. times `availability.next_free_slots` --searches times for accepted plans of different patients, two ways:
   "next 8" (the booking page's search: it stops once 8 slots are found) and "3 months" (every slot of the
   three months asked for, so the whole range is read and searched), and prints the median and p95 of each.

The target: at most 50 ms (p95) for a three-month search.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_load

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-slots"
PG_DATABASE = "lasercare_bench_slots"
SEED = 2026
PRACTITIONERS, ROOMS, DEVICES, BOOKINGS, PLANS = 10, 8, 20, 5000, 40
TARGET_MS = 50.0


def populate() -> list[int]:
    """The busy practice; the ids of the accepted plans to search for."""
    from django.utils import timezone

    from lasercare.practice.clinic.availability import (
        Absence,
        DeviceOutage,
        OpeningHours,
        Qualification,
        WorkingHours,
    )
    from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser
    from lasercare.practice.clinic.roles import Role
    from lasercare.practice.consultations import services as consultations
    from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan
    from lasercare.practice.patients.models import Patient
    from lasercare.practice.scheduling import services as scheduling
    from lasercare.practice.scheduling.models import Booking

    rng = random.Random(SEED)
    practice = Practice.objects.create(name="Slot Bench Clinic")
    location = Location.objects.create(practice=practice, name="Main")
    for weekday in range(5):
        OpeningHours.objects.create(location=location, weekday=weekday, opens=clock(9), closes=clock(18))
    OpeningHours.objects.create(location=location, weekday=5, opens=clock(9), closes=clock(13))
    people = []
    for n in range(PRACTITIONERS):
        user = StaffUser(
            username=f"p{n}", first_name=f"P{n}", practice=practice, role=Role.CLINICIAN if n < 4 else Role.NURSE
        )
        user.set_unusable_password()
        user.save()
        people.append(user)
        for weekday in range(6 if n % 2 else 5):
            WorkingHours.objects.create(staff=user, weekday=weekday, starts=clock(9), ends=clock(18))
    today = timezone.localdate()
    intake = {
        "patient": {"age": 45, "sex": "female"},
        "phototype": {"fitzpatrick": "II"},
        "concerns": [{"code": "sun_spots", "severity": 2}],
    }
    first = Patient.objects.create(
        practice=practice, given_names="Ann", family_name="Slot", date_of_birth=date(1980, 1, 1), sex="female"
    )
    model_plan = consultations.record_consultation(None, people[0], first, held_on=today, intake=intake)
    model_plan = consultations.decide_plan(None, people[0], model_plan, accepted=True)
    modality = scheduling.course(model_plan).modality
    others = ["ipl", "pdl", "pico_1064", "co2_fractional", "nafl_1550", "erbium_yag"]
    codes = [modality] * 4 + [c for c in others if c != modality] * 4
    devices = [
        Device.objects.create(
            practice=practice,
            name=f"Device {n + 1}",
            model="Bench",
            serial_number=str(n),
            modality=codes[n],
            wavelengths_nm="1550",
        )
        for n in range(DEVICES)
    ]
    for person in people:
        for code in set(codes):
            Qualification.objects.create(staff=person, modality=code)
    rooms = [Room.objects.create(practice=practice, location=location, name=f"Room {n + 1}") for n in range(ROOMS)]
    for person in people[:3]:
        starts = timezone.make_aware(datetime.combine(today + timedelta(days=rng.randrange(60)), clock(0)))
        Absence.objects.create(staff=person, starts_at=starts, ends_at=starts + timedelta(days=5), reason="Leave")
    starts = timezone.make_aware(datetime.combine(today + timedelta(days=10), clock(0)))
    DeviceOutage.objects.create(
        device=devices[0], starts_at=starts, ends_at=starts + timedelta(days=2), reason="Service"
    )
    patients = [
        first,
        *Patient.objects.bulk_create(
            Patient(
                practice=practice, given_names="Ann", family_name=f"Slot{n}", date_of_birth=date(1980, 1, 1), sex="f"
            )
            for n in range(PLANS * 10)
        ),
    ]
    visits = Consultation.objects.bulk_create(
        Consultation(practice=practice, patient=p, held_on=today, seen_by=people[0], intake=intake)
        for p in patients[1:PLANS]
    )
    plans = [model_plan.pk] + [
        p.pk
        for p in TreatmentPlan.objects.bulk_create(
            TreatmentPlan(
                practice=practice,
                patient=p,
                consultation=c,
                document=model_plan.document,
                knowledge_version=model_plan.knowledge_version,
                status=PlanStatus.ACCEPTED,
                chosen_modality=model_plan.chosen_modality,
                created_by=people[0],
            )
            for p, c in zip(patients[1:PLANS], visits, strict=True)
        )
    ]
    # 5,000 bookings over the coming six months (eight rooms cannot hold them in three), none overlapping on a
    # practitioner, room, device or patient: the three-month search reads half of them, about 2,500.
    held: set[tuple[str, int, date, int]] = set()
    rows: list[Any] = []
    days = [today + timedelta(days=d) for d in range(1, 183) if (today + timedelta(days=d)).weekday() < 5]
    while len(rows) < BOOKINGS:
        day = rng.choice(days)
        quarter = 36 + rng.randrange(33)  # 09:00 to 17:00
        person, room, device = rng.choice(people), rng.choice(rooms), rng.choice(devices)
        patient = rng.choice(patients)
        keys = [
            (kind, ident, day, q)
            for q in range(quarter, quarter + 3)
            for kind, ident in (("p", person.pk), ("r", room.pk), ("d", device.pk), ("x", patient.pk))
        ]
        if any(k in held for k in keys):
            continue
        held.update(keys)
        begins = timezone.make_aware(datetime.combine(day, clock(quarter // 4, quarter % 4 * 15)))
        rows.append(
            Booking(
                practice=practice,
                patient=patient,
                practitioner=person,
                room=room,
                device=device,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=45),
                booked_by=people[0],
            )
        )
    Booking.objects.bulk_create(rows, batch_size=1000)
    return plans


def measure(searches: int, profile: bool = False) -> dict[str, Any]:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from lasercare.practice.consultations.models import TreatmentPlan
    from lasercare.practice.scheduling import availability

    plans = list(TreatmentPlan.objects.filter(pk__in=populate()).select_related("patient"))
    results: dict[str, Any] = {}
    profiler = cProfile.Profile() if profile else None
    for name, options in (("next 8", {}), ("3 months", {"limit": 1000})):
        times: list[float] = []
        cpu: list[float] = []
        found = 0
        for n in range(searches):
            plan = plans[n % len(plans)]
            if profiler is not None and name == "3 months":
                profiler.enable()
            began, began_cpu = time.perf_counter(), time.process_time()
            search = availability.next_free_slots(plan, **options)  # type: ignore[arg-type]
            if profiler is not None:
                profiler.disable()
            times.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            found += len(search.slots)
        ordered, ordered_cpu = sorted(times), sorted(cpu)
        results[name] = {
            "median_ms": statistics.median(ordered),
            "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
            # The app's own CPU time (with SQLite's, which runs in the process; not PostgreSQL's server): the
            # figure a loaded machine distorts least.
            "cpu_median_ms": statistics.median(ordered_cpu),
            "cpu_p95_ms": ordered_cpu[max(0, int(len(ordered_cpu) * 0.95) - 1)],
            "slots": found / searches,
        }
    if profiler is not None:
        # On stderr: stdout carries the figures as JSON to the parent.
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    return results


def child(searches: int, profile: bool) -> None:
    import django

    django.setup()
    print(json.dumps(measure(searches, profile)))


def run(database: str, searches: int, profile: bool = False) -> dict[str, Any]:
    extra = ["--profile"] if profile else []
    return web_load.child_on_fresh_database(
        database, BENCH_DIR, PG_DATABASE, __file__, "--searches", str(searches), *extra, what="the benchmark"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's costliest calls of the three-month searches"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.searches, args.profile)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'database':<10} {'search':<9} {'median ms':>10} {'p95 ms':>8} {'cpu median':>11} {'cpu p95':>8} {'slots':>6}"
    )
    worst = 0.0
    for database in databases:
        for name, r in run(database, args.searches, args.profile).items():
            print(
                f"{database:<10} {name:<9} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} {r['cpu_median_ms']:>11.1f} "
                f"{r['cpu_p95_ms']:>8.1f} {r['slots']:>6.0f}"
            )
            worst = max(worst, r["p95_ms"])
    print(
        f"target: p95 at most {TARGET_MS:.0f} ms: {'met' if worst <= TARGET_MS else 'NOT met'} (worst {worst:.1f} ms)"
    )


if __name__ == "__main__":
    main()
