"""Booking race: many conflicting bookings at once, and not one double booking (docs/_drafts/scheduling.md).

    .venv/bin/python bench/booking_race.py [--database sqlite|postgres|both] [--attempts 1000] [--threads 50]

For each database it
1. makes a fresh database: SQLite in a file under var/bench-booking/sqlite/ (removed first), PostgreSQL as the
   database lasercare_booking_race at 127.0.0.1:5432 (created, and dropped at the end);
2. migrates it and fills one practice with a few practitioners, rooms and devices, and one accepted plan per
   attempt (the engine plans once; its document is copied);
3. starts --threads threads behind a barrier; together they make --attempts calls of services.book, each on a
   connection of its own, for a small set of contested quarter hours (a few practitioners, rooms and devices over a
   morning: most attempts overlap another);
4. checks with SQL that no practitioner, room or device holds two overlapping active bookings, and prints the
   attempts, successes, refusals, other errors, double bookings found (must be 0) and the p50/p95 of an attempt.

Exits 1 when a double booking or an unexpected error is found.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_load

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-booking"
PG_DATABASE = "lasercare_booking_race"
SEED = 2026
PRACTITIONERS, ROOMS, DEVICES = 3, 3, 3
# Starts every 15 minutes over two hours, 45 minutes each: a booking overlaps up to five others' times.
STARTS = 8


# --- in the child: Django set up for one database --------------------------------------------------------------


def populate(attempts: int) -> dict[str, Any]:
    """One practice, its resources, and `attempts` accepted plans, each with its own patient."""
    from datetime import date

    from django.utils import timezone

    from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
    from lasercare.practice.clinic.roles import Role
    from lasercare.practice.consultations import services as consultations
    from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan
    from lasercare.practice.patients.models import Patient
    from lasercare.practice.scheduling import rules
    from lasercare.practice.scheduling import services as scheduling

    practice = Practice.objects.create(name="Race Clinic")

    def staff(name: str, role: Role) -> StaffUser:
        user = StaffUser(username=name, first_name=name, practice=practice, role=role)
        user.set_unusable_password()
        user.save()
        return user

    booker = staff("desk", Role.FRONT_DESK)
    clinician = staff("clinician-0", Role.CLINICIAN)
    practitioners = [clinician, *(staff(f"clinician-{n}", Role.CLINICIAN) for n in range(1, PRACTITIONERS))]
    today = timezone.localdate()
    intake = {
        "patient": {"age": 45, "sex": "female"},
        "phototype": {"fitzpatrick": "II"},
        "concerns": [{"code": "sun_spots", "severity": 2}],
    }
    first = Patient.objects.create(
        practice=practice, given_names="Ann", family_name="Race", date_of_birth=date(1980, 1, 1), sex="female"
    )
    model_plan = consultations.record_consultation(None, clinician, first, held_on=today, intake=intake)
    model_plan = consultations.decide_plan(None, clinician, model_plan, accepted=True)
    course = scheduling.course(model_plan)
    rooms = [Room.objects.create(practice=practice, name=f"Room {n + 1}") for n in range(ROOMS)]
    devices = [
        Device.objects.create(
            practice=practice,
            name=f"Device {n + 1}",
            model="Race",
            serial_number=str(n),
            modality=course.modality,
            wavelengths_nm="1550",
        )
        for n in range(DEVICES)
    ]
    patients = Patient.objects.bulk_create(
        Patient(
            practice=practice,
            given_names="Ann",
            family_name=f"Race{n}",
            date_of_birth=date(1980, 1, 1),
            sex="female",
        )
        for n in range(attempts - 1)
    )
    visits = Consultation.objects.bulk_create(
        Consultation(practice=practice, patient=p, held_on=today, seen_by=clinician, intake=intake) for p in patients
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
                created_by=clinician,
            )
            for p, c in zip(patients, visits, strict=True)
        )
    ]
    day = rules.window(course, 1, []).earliest + timedelta(days=7)
    return {
        "booker": booker.pk,
        "practitioners": [p.pk for p in practitioners],
        "rooms": [r.pk for r in rooms],
        "devices": [d.pk for d in devices],
        "plans": plans,
        "morning": timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9))),
    }


OVERLAPS = """
SELECT COUNT(*) FROM scheduling_booking a JOIN scheduling_booking b
  ON a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
 AND (a.practitioner_id = b.practitioner_id OR a.room_id = b.room_id OR a.device_id = b.device_id)
WHERE a.status IN ('booked', 'completed') AND b.status IN ('booked', 'completed')
"""


def race(attempts: int, threads: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from lasercare.practice.clinic.models import Device, Room, StaffUser
    from lasercare.practice.consultations.models import TreatmentPlan
    from lasercare.practice.scheduling import services

    made = populate(attempts)
    booker = StaffUser.objects.get(pk=made["booker"])
    practitioners = list(StaffUser.objects.filter(pk__in=made["practitioners"]))
    rooms = list(Room.objects.filter(pk__in=made["rooms"]))
    devices = list(Device.objects.filter(pk__in=made["devices"]))
    plans = list(TreatmentPlan.objects.filter(pk__in=made["plans"]).defer("document"))
    rng = random.Random(SEED)
    work = [
        (
            plan,
            rng.choice(practitioners),
            rng.choice(rooms),
            rng.choice(devices),
            made["morning"] + timedelta(minutes=15 * rng.randrange(STARTS)),
        )
        for plan in plans
    ]
    connection.close()
    barrier = threading.Barrier(threads)
    lock = threading.Lock()
    times: list[float] = []
    outcomes = {"booked": 0, "refused": 0, "error": 0}
    errors: list[str] = []

    def worker(share: list[Any]) -> None:
        barrier.wait()
        for plan, practitioner, room, device, starts_at in share:
            began = time.perf_counter()
            try:
                services.book(
                    None,
                    booker,
                    plan,
                    session_number=1,
                    practitioner=practitioner,
                    room=room,
                    device=device,
                    starts_at=starts_at,
                )
                outcome = "booked"
            except services.BookingRefused:
                outcome = "refused"
            except Exception as error:
                outcome = "error"
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
            finally:
                connection.close()  # the next attempt on a connection of its own
            with lock:
                times.append((time.perf_counter() - began) * 1000)
                outcomes[outcome] += 1

    pool = [threading.Thread(target=worker, args=(work[n::threads],)) for n in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        doubles = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM scheduling_booking WHERE status = 'booked'")
        kept = cursor.fetchone()[0]
    ordered = sorted(times)
    return {
        "attempts": len(times),
        "booked": outcomes["booked"],
        "kept": kept,
        "refused": outcomes["refused"],
        "errors": outcomes["error"],
        "error_kinds": sorted(set(errors))[:5],
        "double_bookings": doubles,
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[int(len(ordered) * 0.95) - 1],
        "seconds": elapsed,
    }


def child(attempts: int, threads: int) -> None:
    import django

    django.setup()
    print(json.dumps(race(attempts, threads)))


# --- the parent: one fresh database after the other ------------------------------------------------------------


def run(database: str, attempts: int, threads: int) -> dict[str, Any]:
    return web_load.child_on_fresh_database(
        database,
        BENCH_DIR,
        PG_DATABASE,
        __file__,
        "--attempts",
        str(attempts),
        "--threads",
        str(threads),
        what="the race",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.attempts, args.threads)
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print(
        f"{'database':<10} {'attempts':>8} {'booked':>7} {'refused':>8} {'errors':>7} {'double':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'seconds':>8}"
    )
    failed = False
    for database in databases:
        r = run(database, args.attempts, args.threads)
        print(
            f"{database:<10} {r['attempts']:>8} {r['booked']:>7} {r['refused']:>8} {r['errors']:>7} "
            f"{r['double_bookings']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['seconds']:>8.1f}"
        )
        for kind in r["error_kinds"]:
            print(f"  error: {kind}")
        if r["booked"] != r["kept"]:
            print(f"  {r['booked']} reported booked but {r['kept']} kept")
        failed = failed or r["double_bookings"] != 0 or r["errors"] != 0 or r["booked"] != r["kept"]
    print("double bookings found: none" if not failed else "FAIL")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
