"""Calendar and booking load benchmark: the week view and booking a session under 16 concurrent clients.

    .venv/bin/python bench/calendar_load.py [--database sqlite|postgres|both] [--seconds 20] [--clients 16]

For each database it
1. fills a benchmark database with a year of bookings for 20 practitioners (half a year back, half ahead; 8
   sessions of 45 minutes a working day each, in their own room on their own device, every booking a session of a
   patient's accepted plan, its slots held as the app holds them), plus accepted plans not booked yet for the
   booking scenario. SQLite lives in var/bench-calendar/sqlite/, PostgreSQL in the database
   lasercare_bench_calendar at 127.0.0.1:5432 (created if missing). A database already holding the dataset is
   reused, its plans to book topped up (a booking run books thousands); --rebuild starts again;
2. starts the real server and logs in one session per client (bench/web_load.py's harness);
3. drives each scenario with wrk and prints requests, req/s, p50, p95, p99, errors, CPU per request and PASS/FAIL
   against p95 <= 100 ms:
   - calendar-week: GET /calendar/?practitioner=<id>&view=week&date=<day>, any practitioner, any week of the year;
   - clinic-day: GET /calendar/?date=<day>, the whole clinic's day (a column per practitioner: 20 columns, 160
     bookings on a working day), any day of the year;
   - booking: POST the booking form of a plan's course page (/plans/<id>/course/book/), each request the first
     session of another plan, at a free evening slot of another practitioner, room and device: every request
     books (a redirect), none is refused.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_load

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-calendar"
PG_DATABASE = "lasercare_bench_calendar"
PRACTICE = "Bench Calendar Clinic"
PRACTITIONERS = 20
DAYS_BACK = 182
DAYS_AHEAD = 183
SESSIONS_A_DAY = 8  # 45 minutes each, on the hour from 09:00
SESSION_MINUTES = 45
COURSE_SESSIONS = 3  # the plan's course (fractional 1,550 nm: 3 sessions at least 3 weeks apart)
COURSE_WEEKS = 4  # weeks between a course's booked sessions
SEED = 2026
BATCH = 5_000
SCENARIOS = {
    "calendar-week": "GET /calendar/?practitioner=<id>&view=week&date=<day> over 20 practitioners and the year",
    "clinic-day": "GET /calendar/?date=<day>: the whole clinic's day, a column per practitioner, any day of the year",
    "booking": "POST /plans/<id>/course/book/ booking session 1 of an unbooked plan at a free slot (302 expected)",
}
INTAKE: dict[str, Any] = {
    "patient": {"age": 45, "sex": "female"},
    "phototype": {"fitzpatrick": "IV"},
    "concerns": [{"code": "acne_scars", "severity": 3}, {"code": "texture", "severity": 2}],
    "history": {"medications": [], "conditions": []},
}


def env(database: str) -> dict[str, str]:
    web_load.use_dataset(BENCH_DIR, PG_DATABASE)
    return web_load.bench_env(database)


# --- the dataset (a child process with Django set up for one database) -------------------------------------------


def working_days(today: date) -> list[date]:
    days = [today + timedelta(days=offset) for offset in range(-DAYS_BACK, DAYS_AHEAD)]
    return [day for day in days if day.weekday() < 5]


def generate(unbooked: int) -> dict[str, int]:
    """Write the practice, its 20 practitioners, rooms and devices, the year's bookings and their slots."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lasercare.engine import load_knowledge, make_plan, plan_to_dict, read_intake
    from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser
    from lasercare.practice.clinic.roles import Role
    from lasercare.practice.consultations.models import Consultation, MedicalHistory, PlanStatus, TreatmentPlan
    from lasercare.practice.patients.models import Patient
    from lasercare.practice.scheduling.models import SLOT_MINUTES, Booking, BookingSlot, BookingStatus, Resource

    rng = random.Random(SEED)
    today = timezone.localdate()
    started = time.monotonic()
    consulted = today - timedelta(days=DAYS_BACK + 14)
    document = plan_to_dict(make_plan(read_intake(INTAKE, consulted), consulted, load_knowledge()))
    assert document["course"]["modality"] == "nafl_1550", document["course"]
    practice = Practice.objects.create(name=PRACTICE, currency="GBP")
    location = Location.objects.create(practice=practice, name="Main", address="1 Bench Street")
    booker = web_load.staff(practice, web_load.USERNAME, Role.CLINICIAN, "Dr Robin", "Bench")
    people: list[StaffUser] = [booker]
    for n in range(1, PRACTITIONERS):
        role = Role.CLINICIAN if n % 2 else Role.NURSE
        user = StaffUser(username=f"bench-practitioner-{n}", first_name="Pat", last_name=f"Bench {n}")
        user.practice, user.role = practice, role
        user.set_unusable_password()
        user.save()
        people.append(user)
    rooms = [Room.objects.create(practice=practice, location=location, name=f"Room {n + 1}") for n in range(20)]
    devices = [
        Device.objects.create(
            practice=practice,
            name=f"Fraxel {n + 1}",
            manufacturer="Solta",
            model="Fraxel re:store",
            serial_number=f"BENCH-{n + 1:03d}",
            modality="nafl_1550",
            wavelengths_nm="1550",
        )
        for n in range(20)
    ]
    days = working_days(today)
    # Each practitioner's sessions of the year, in order; a course's 3 sessions are 4 weeks apart, so the
    # practitioner's day slots are filled by courses interleaved (course k starts in slot k of its first week).
    starts: list[list[datetime]] = []
    for _ in people:
        mine = [
            timezone.make_aware(datetime.combine(day, clock(9 + hour)))
            for day in days
            for hour in range(SESSIONS_A_DAY)
        ]
        starts.append(mine)
    per_week = 5 * SESSIONS_A_DAY
    stride = per_week * COURSE_WEEKS  # sessions of one practitioner between a course's sessions
    courses: list[tuple[int, list[datetime]]] = []  # (practitioner index, session starts)
    for who, mine in enumerate(starts):
        for block in range(0, len(mine), stride * COURSE_SESSIONS):
            for k in range(stride):
                sessions = [mine[i] for i in (block + k + s * stride for s in range(COURSE_SESSIONS)) if i < len(mine)]
                if sessions:
                    courses.append((who, sessions))
    total = len(courses) + unbooked
    counters = {"patient": 0, "booking": 0}
    now = timezone.now()

    def write(chunk: list[tuple[int, list[datetime]]], first: int) -> None:
        patients, consultations, histories, plans, bookings, slots = [], [], [], [], [], []
        for offset, (who, sessions) in enumerate(chunk):
            pk = first + offset + 1
            patients.append(
                Patient(
                    pk=pk,
                    practice=practice,
                    family_name=f"Calendar{pk:06d}",
                    given_names=rng.choice(("Alex", "Sam", "Jo", "Kim", "Lee", "Max")),
                    date_of_birth=date(1960 + pk % 40, 1 + pk % 12, 1 + pk % 28),
                    sex="female",
                )
            )
            consultations.append(
                Consultation(
                    pk=pk,
                    practice=practice,
                    patient_id=pk,
                    location=location,
                    held_on=consulted,
                    seen_by=booker,
                    intake=INTAKE,
                )
            )
            histories.append(MedicalHistory(pk=pk, consultation_id=pk, patient_id=pk, version=1, document={}))
            plans.append(
                TreatmentPlan(
                    pk=pk,
                    practice=practice,
                    patient_id=pk,
                    consultation_id=pk,
                    document=document,
                    knowledge_version=document["knowledge_version"],
                    status=PlanStatus.ACCEPTED,
                    chosen_modality="nafl_1550",
                    created_by=booker,
                    decided_by=booker,
                    decided_at=now,
                )
            )
            for number, start in enumerate(sessions, 1):
                counters["booking"] += 1
                booking_pk = counters["booking"]
                past = start < now
                status = BookingStatus.COMPLETED if past else BookingStatus.BOOKED
                if rng.random() < 0.03:
                    status = BookingStatus.NO_SHOW if past else BookingStatus.CANCELLED
                bookings.append(
                    Booking(
                        pk=booking_pk,
                        practice=practice,
                        patient_id=pk,
                        plan_id=pk,
                        session_number=number,
                        course_sessions=COURSE_SESSIONS,
                        practitioner=people[who],
                        room=rooms[who % len(rooms)],
                        device=devices[who % len(devices)],
                        starts_at=start,
                        ends_at=start + timedelta(minutes=SESSION_MINUTES),
                        status=status,
                        booked_by=booker,
                    )
                )
                if status in (BookingStatus.BOOKED, BookingStatus.COMPLETED):
                    for quarter in range(0, SESSION_MINUTES, SLOT_MINUTES):
                        at = start + timedelta(minutes=quarter)
                        for resource, resource_id in (
                            (Resource.PATIENT, pk),
                            (Resource.PRACTITIONER, people[who].pk),
                            (Resource.ROOM, rooms[who % len(rooms)].pk),
                            (Resource.DEVICE, devices[who % len(devices)].pk),
                        ):
                            slots.append(
                                BookingSlot(
                                    booking_id=booking_pk, resource=resource, resource_id=resource_id, starts_at=at
                                )
                            )
        with transaction.atomic():
            Patient.objects.bulk_create(patients)
            Consultation.objects.bulk_create(consultations)
            MedicalHistory.objects.bulk_create(histories)
            TreatmentPlan.objects.bulk_create(plans)
            Booking.objects.bulk_create(bookings)
            BookingSlot.objects.bulk_create(slots, batch_size=5_000)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET default_toast_compression = lz4")
    everything = courses + [(0, [])] * unbooked  # the unbooked plans: accepted, nothing booked yet
    for first in range(0, len(everything), BATCH):
        write(everything[first : first + BATCH], first)
        done = min(first + BATCH, total)
        bar = "#" * (done * 30 // total)
        sys.stderr.write(
            f"\r  [{bar:<30}] {done:,}/{total:,} plans, {counters['booking']:,} bookings, "
            f"{time.monotonic() - started:4.0f} s"
        )
        sys.stderr.flush()
    sys.stderr.write("\n")
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            models = [Patient, Consultation, MedicalHistory, TreatmentPlan, Booking, BookingSlot]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"courses": len(courses), "bookings": counters["booking"]}


def top_up(unbooked: int) -> None:
    """Accepted plans not booked yet, back to `unbooked`: every booking run books thousands of them."""
    from django.db import transaction

    from lasercare.practice.clinic.models import Practice, StaffUser
    from lasercare.practice.consultations.models import Consultation, MedicalHistory, TreatmentPlan
    from lasercare.practice.patients.models import Patient

    practice = Practice.objects.get(name=PRACTICE)
    missing = unbooked - practice_plans_without_bookings(practice.pk).count()
    if missing <= 0:
        return
    print(f"  {missing:,} more plans to book", file=sys.stderr, flush=True)
    model = TreatmentPlan.objects.filter(practice=practice).select_related("consultation").first()
    assert model is not None
    booker = StaffUser.objects.get(username=web_load.USERNAME)
    last = Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        patients = Patient.objects.bulk_create(
            Patient(
                practice=practice,
                family_name=f"Calendar{last + n + 1:06d}",
                given_names="Alex",
                date_of_birth=date(1970, 1, 1),
                sex="female",
            )
            for n in range(missing)
        )
        consultations = Consultation.objects.bulk_create(
            Consultation(
                practice=practice,
                patient=patient,
                location_id=model.consultation.location_id,
                held_on=model.consultation.held_on,
                seen_by=booker,
                intake=INTAKE,
            )
            for patient in patients
        )
        MedicalHistory.objects.bulk_create(
            MedicalHistory(consultation=c, patient_id=c.patient_id, version=1, document={}) for c in consultations
        )
        TreatmentPlan.objects.bulk_create(
            TreatmentPlan(
                practice=practice,
                patient_id=c.patient_id,
                consultation=c,
                document=model.document,
                knowledge_version=model.knowledge_version,
                status=model.status,
                chosen_modality=model.chosen_modality,
                created_by=booker,
                decided_by=booker,
                decided_at=model.decided_at,
            )
            for c in consultations
        )


def workload(samples: int) -> dict[str, Any]:
    """The weeks and practitioners the calendar scenario visits, and the booking targets: unbooked plans, each with
    a free evening slot (after the day's 8 sessions) of a practitioner, room and device of its own."""
    from django.db import connection
    from django.utils import timezone

    from lasercare.practice.clinic.models import Device, Practice, Room, StaffUser
    from lasercare.practice.scheduling.models import Booking, BookingSlot

    rng = random.Random(SEED + 1)
    practice = Practice.objects.get(name=PRACTICE)
    people = list(StaffUser.objects.filter(practice=practice).order_by("pk"))
    rooms = list(Room.objects.filter(practice=practice).order_by("pk"))
    devices = list(Device.objects.filter(practice=practice).order_by("pk"))
    today = timezone.localdate()
    weeks = [
        (str(rng.choice(people).public_id), (today + timedelta(days=rng.randint(-DAYS_BACK, DAYS_AHEAD))).isoformat())
        for _ in range(samples)
    ]
    unbooked = list(practice_plans_without_bookings(practice.pk).values_list("public_id", flat=True)[: max(samples, 1)])
    # Evening slots from 17:00 on working days a little beyond the year, 4 a day, each (practitioner, room,
    # device) of its own: a booking never conflicts, so every request measures a booking, not a refusal.
    targets: list[dict[str, str]] = []
    day = today + timedelta(days=DAYS_AHEAD + 30)
    held = set(
        BookingSlot.objects.filter(starts_at__gte=timezone.make_aware(datetime.combine(day, clock(0)))).values_list(
            "resource", "resource_id", "starts_at"
        )
    )
    while len(targets) < len(unbooked):
        if day.weekday() < 5:
            for hour in (17, 18, 19, 20):
                for n, person in enumerate(people):
                    if len(targets) == len(unbooked):
                        break
                    start = timezone.make_aware(datetime.combine(day, clock(hour)))
                    if (1, person.pk, start) in held:
                        continue
                    targets.append(
                        {
                            "plan": str(unbooked[len(targets)]),
                            # The form's choices are the records' keys (not patient data).
                            "practitioner": str(person.pk),
                            "room": str(rooms[n % len(rooms)].pk),
                            "device": str(devices[n % len(devices)].pk),
                            "date": day.isoformat(),
                            "time": f"{hour:02d}:00",
                        }
                    )
        day += timedelta(days=1)
    return {
        "weeks": weeks,
        "targets": targets,
        "counts": {
            "practitioners": len(people),
            "bookings": Booking.objects.filter(practice=practice).count(),
            "slots": BookingSlot.objects.count(),
            "unbooked_plans": len(unbooked),
        },
        "vendor": connection.vendor,
    }


def practice_plans_without_bookings(practice_id: int) -> Any:
    from lasercare.practice.consultations.models import PlanStatus, TreatmentPlan

    return (
        TreatmentPlan.objects.filter(practice_id=practice_id, status=PlanStatus.ACCEPTED, bookings__isnull=True)
        .order_by("pk")
        .only("public_id")
    )


def prepare(args: argparse.Namespace, database: str) -> int:
    """In a child process: migrate, write the dataset when missing, write the workload file."""
    web_load.use_dataset(BENCH_DIR, PG_DATABASE)
    if database == "postgres":
        web_load.ensure_postgres_database(args.rebuild)
    elif args.rebuild:
        web_load.remove_sqlite_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from lasercare.practice.clinic.models import Practice

    if not Practice.objects.filter(name=PRACTICE).exists():
        generate(args.unbooked)
    else:
        print("  dataset present (--rebuild to write it again)", file=sys.stderr)
        top_up(args.unbooked)
    (BENCH_DIR / database / "workload.json").write_text(json.dumps(workload(args.samples)), encoding="utf-8")
    return 0


# --- the load (the parent process: no Django here) ---------------------------------------------------------------

LUA = """
local sessions = {%(sessions)s}
local weeks = {%(weeks)s}
local days = {%(days)s}
local bookings = {%(bookings)s}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  scenario = args[1]
  local s = sessions[((id - 1) %% #sessions) + 1]
  get_headers = {["Cookie"] = s.cookie}
  post_headers = {["Cookie"] = s.cookie, ["X-CSRFToken"] = s.csrf,
                  ["Content-Type"] = "application/x-www-form-urlencoded"}
  math.randomseed(id * 7919)
  unexpected = 0
  -- Each thread books its own share of the targets, in turn: no two requests ever ask for the same slot.
  next_booking = id
  stride = %(threads)d
end

function request()
  if scenario == "calendar-week" then return wrk.format("GET", weeks[math.random(#weeks)], get_headers) end
  if scenario == "clinic-day" then return wrk.format("GET", days[math.random(#days)], get_headers) end
  local b = bookings[next_booking]
  next_booking = next_booking + stride
  return wrk.format("POST", b.path, post_headers, b.body)
end

function response(status, headers, body)
  local expected = 200
  if scenario == "booking" then expected = 302 end
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d, "not_200": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, bad))
end
"""


def booking_body(target: dict[str, str]) -> str:
    """The course page's booking form, as a browser posts it."""
    return urllib.parse.urlencode(
        {
            "session_number": "1",
            "practitioner": target["practitioner"],
            "room": target["room"],
            "device": target["device"],
            "day": target["date"],
            "start": target["time"],
            "minutes": str(SESSION_MINUTES),
        }
    )


def write_script(path: Path, sessions: list[web_load.Session], work: dict[str, Any], offset: int, threads: int) -> None:
    """The wrk script. `threads`: wrk's threads (one per client), each taking every `threads`-th booking target (a
    thread's Lua state does not see the others', so the count is written in)."""
    lua = web_load.lua_string
    targets = work["targets"][offset:]
    path.write_text(
        LUA
        % {
            "threads": threads,
            "sessions": ", ".join(f"{{cookie = {lua(s.cookie)}, csrf = {lua(s.csrf)}}}" for s in sessions),
            "weeks": ", ".join(
                lua("/calendar/?" + urllib.parse.urlencode({"practitioner": who, "view": "week", "date": day}))
                for who, day in work["weeks"]
            ),
            # The whole clinic's day on the same days: 20 columns, 160 bookings on a working day.
            "days": ", ".join(lua("/calendar/?" + urllib.parse.urlencode({"date": day})) for _, day in work["weeks"]),
            "bookings": ", ".join(
                f"{{path = {lua('/plans/' + t['plan'] + '/course/book/')}, body = {lua(booking_body(t))}}}"
                for t in targets
            ),
        },
        encoding="utf-8",
    )


def _taken(requests: int, threads: int) -> int:
    """How far a run may have reached into the targets: its threads share the requests unevenly (a thread that
    was served more went further into its every-`threads`-th share), and one request each may have been in flight
    when wrk stopped. A quarter more than the count, and a round of every thread, covers both."""
    return requests + requests // 4 + 2 * threads


def child(args: argparse.Namespace, database: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, __file__, *extra, f"--samples={args.samples}", f"--unbooked={args.unbooked}"]
    return subprocess.run(command, env=env(database), stdout=subprocess.PIPE, text=True, check=False)


def prepare_in_child(args: argparse.Namespace, database: str) -> dict[str, Any]:
    (BENCH_DIR / database).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"[{database}] preparing the calendar benchmark database", file=sys.stderr, flush=True)
    done = child(args, database, f"--prepare={database}", *(["--rebuild"] if args.rebuild else []))
    if done.returncode != 0:
        raise SystemExit(f"calendar_load: preparing the {database} database failed ({done.returncode})")
    work: dict[str, Any] = json.loads((BENCH_DIR / database / "workload.json").read_text(encoding="utf-8"))
    work["prepare_seconds"] = time.monotonic() - started
    return work


def bench_database(wrk: str, args: argparse.Namespace, database: str) -> list[web_load.Result]:
    work = prepare_in_child(args, database)
    counts = work["counts"]
    print(
        f"[{database}] {counts['practitioners']} practitioners, {counts['bookings']:,} bookings "
        f"({counts['slots']:,} slots held), {counts['unbooked_plans']:,} plans to book; "
        f"prepared in {work['prepare_seconds']:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    web_load.use_dataset(BENCH_DIR, PG_DATABASE)
    server = web_load.start_server(database, args)
    results: list[web_load.Result] = []
    script = BENCH_DIR / database / "load.lua"
    measured_only = argparse.Namespace(**{**vars(args), "warmup": 0})
    try:
        sessions = [web_load.log_in(server.port) for _ in range(args.clients)]
        offset = 0
        for run in range(1, args.repeat + 1):
            for scenario in args.scenarios:
                if scenario == "booking":
                    # Every booking request books a target no earlier request used: the warm-up and the measured
                    # run each get a script starting past the targets an earlier one may have reached (_taken).
                    if args.warmup > 0:
                        write_script(script, sessions, work, offset, args.clients)
                        warm = web_load.run_wrk(wrk, script, server.port, args.clients, args.warmup, scenario)
                        offset += _taken(warm["requests"], args.clients)
                    write_script(script, sessions, work, offset, args.clients)
                    result = web_load.measure(wrk, script, server, measured_only, database, scenario, run)
                    offset += _taken(result.requests, args.clients)
                    if offset > len(work["targets"]):
                        print(f"[{database}] WARNING: more bookings than targets: use --unbooked", file=sys.stderr)
                else:
                    write_script(script, sessions, work, offset, args.clients)
                    result = web_load.measure(wrk, script, server, args, database, scenario, run)
                print(f"  {web_load.row(result)}", file=sys.stderr, flush=True)
                results.append(result)
    finally:
        server.stop()
    return results


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    web_load.add_load_options(parser, SCENARIOS)
    parser.add_argument("--samples", type=int, default=12_000, help="weeks visited and booking targets drawn")
    parser.add_argument("--unbooked", type=int, default=12_000, help="accepted plans not booked yet")
    parser.add_argument("--prepare", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    web_load.check_scenarios(parser, args, SCENARIOS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prepare:
        return prepare(args, args.prepare)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if args.prepare_only:
        for database in databases:
            prepare_in_child(args, database)
        return 0
    wrk = web_load.ensure_wrk()
    results: list[web_load.Result] = []
    for database in databases:
        results += bench_database(wrk, args, database)
    print(f"\n{args.clients} clients on loopback, {args.seconds:g} s per scenario after {args.warmup:g} s of warm-up")
    shapes = " / ".join(f"{web_load.server_shape(args, database)} ({database})" for database in databases)
    print(f"server: lasercare serve, {shapes}, {os.cpu_count()} CPUs")
    print("cpu ms / db cpu / wrk / ref / others: as bench/web_load.py prints them (its --help says what each is).")
    for database in databases:
        print()
        print(web_load.HEADER)
        for result in results:
            if result.database == database:
                print(web_load.row(result))
    return 0 if all(r.verdict == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
