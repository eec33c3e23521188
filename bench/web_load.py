"""Web-app load benchmark: patient search, dashboard and plan page under 16 concurrent clients (docs/performance.md).

    .venv/bin/python bench/web_load.py [--database sqlite|postgres|both] [--seconds 20] [--clients 16] [--repeat 2]

For each database it
1. fills a benchmark database with 100,000 patients and 300,000 consultations (each with its medical-history
   version and an engine plan) in one practice, plus a small second practice so that scoping is real. SQLite lives
   in var/bench-web/sqlite/, PostgreSQL in the database lasercare_bench at 127.0.0.1:5432 (created if missing).
   A database already holding the right counts is reused (its latest day of consultations moved to today, for the
   dashboard); --rebuild starts again;
2. starts the real server (`python -m lasercare serve --no-migrate`) and waits for /health/;
3. logs in one session per client through the real /login/ form (CSRF token, Argon2 check, audit entry);
4. drives each scenario with wrk from a second process (one connection per wrk thread, each its own session),
   a warm-up first, then a measured run bounded in time; and prints requests, req/s, p50, p95, p99, errors, the
   CPU per request of the server, PostgreSQL and wrk, the machine's speed then, and PASS/FAIL against p95 <= 100 ms.

Needs wrk (Debian package `wrk`); run as root where it is missing and this script installs it with apt-get.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lasercare.practice.clinic.models import Location, Practice, StaffUser

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-web"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "lasercare_bench"
MAIN_PRACTICE = "Bench Skin & Laser Clinic"
OTHER_PRACTICE = "Bench Other Clinic"
USERNAME = "bench-clinician"
PASSWORD = "bench-clinician-load-2026"  # a benchmark account on a benchmark database, nowhere else
TARGET_P95_MS = 100.0
SEED = 2026
BATCH = 2_000  # patients per transaction
DATASET_EXIT = 3  # --prepare: the database holds another dataset; the caller rebuilds
SCENARIOS = {
    "search-htmx": "POST /patients/ q=... with HX-Request (the live search: results fragment)",
    "search-page": "POST /patients/ q=... without HX-Request (the whole page)",
    "patient-list": "GET /patients/ (all patients, first page)",
    "dashboard": "GET / (today's patients, plans awaiting sign-off, follow-ups)",
    "plan": "GET /plans/<uuid>/ over many plans",
    "awaiting-list": "GET /plans/awaiting/?page=N, any page of the plans awaiting sign-off (50 a page)",
}


# --- the dataset (runs in a child process with Django set up for one database) -------------------------------


def use_dataset(directory: Path, pg_database: str) -> None:
    """Serve, meter and log another benchmark's dataset (bench/calendar_load.py reuses this harness)."""
    global BENCH_DIR, PG_DATABASE
    BENCH_DIR, PG_DATABASE = directory, pg_database


def bench_env(database: str, src: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LASERCARE_ACCESS_LOG", "DEBUG"}}
    if src is not None:  # serve another copy of the code (an A/B comparison of two checkouts)
        env["PYTHONPATH"] = str(src.resolve())
    env["DJANGO_SETTINGS_MODULE"] = "lasercare.site.settings"
    env["LASERCARE_VAR_DIR"] = str(BENCH_DIR / database)
    env["PYTHONUNBUFFERED"] = "1"
    if database == "postgres":
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    return env


def postgres_statement(statement: str) -> None:
    """One statement on the server's maintenance database (creating or dropping a benchmark's database)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def child_on_fresh_database(
    database: str, directory: Path, pg_database: str, script: str, *args: str, what: str
) -> dict[str, Any]:
    """Run `script --child ARGS` on a database of its own, made empty for it and removed after (SQLite under
    `directory`, PostgreSQL as `pg_database`), and return the JSON of its last line of output."""
    shutil.rmtree(directory / database, ignore_errors=True)
    (directory / database).mkdir(parents=True)
    if database == "postgres":
        postgres_statement(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
        postgres_statement(f"CREATE DATABASE {pg_database}")
    use_dataset(directory, pg_database)
    try:
        done = subprocess.run(
            [sys.executable, script, "--child", *args],
            env=bench_env(database),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if database == "postgres":
            postgres_statement(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
        shutil.rmtree(directory / database, ignore_errors=True)
    sys.stderr.write(done.stderr)  # a failure's traceback, or what the child was asked to print (a profile)
    if done.returncode != 0:
        raise SystemExit(f"{database}: {what} did not finish")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def ensure_postgres_database(rebuild: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone()
        if exists and rebuild:
            connection.execute(f"DROP DATABASE {PG_DATABASE} WITH (FORCE)")
            exists = None
        if not exists:
            connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def remove_sqlite_database() -> None:
    for name in ("lasercare", "lasercare-audit"):  # and the audit log's file of an installation from before
        for suffix in ("", "-wal", "-shm"):
            (BENCH_DIR / "sqlite" / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)


class Progress:
    """A progress bar on stderr: done/total patients, consultations written, elapsed time."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.start = time.monotonic()
        self.before = (0, 0)  # patients and consultations of the practices already written

    def next_practice(self, patients: int, consultations: int) -> None:
        self.before = (self.before[0] + patients, self.before[1] + consultations)

    def show(self, done: int, consultations: int, note: str = "") -> None:
        done, consultations = done + self.before[0], consultations + self.before[1]
        filled = done * 30 // max(1, self.total)
        elapsed = time.monotonic() - self.start
        sys.stderr.write(
            f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} patients, "
            f"{consultations:,} consultations, {elapsed:5.0f} s {note}"
        )
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


@dataclass(frozen=True)
class EnginePlan:
    intake: dict[str, Any]
    document: dict[str, Any]


def engine_plans(rng: random.Random, count: int, today: date) -> list[EnginePlan]:
    """Distinct intakes and the engine's plans for them, made once and shared across consultations."""
    from lasercare.engine import IntakeError, load_knowledge, make_plan, plan_to_dict, read_intake
    from lasercare.practice.demo import random_intake

    knowledge = load_knowledge()
    plans: list[EnginePlan] = []
    while len(plans) < count:
        sex = rng.choice(("female", "female", "female", "male", "other"))
        intake = random_intake(rng, rng.randint(20, 75), sex, today)
        try:
            document = plan_to_dict(make_plan(read_intake(intake, today), today, knowledge))
        except IntakeError:
            continue
        plans.append(EnginePlan(intake, document))
    return plans


def spread(rng: random.Random, total: int, over: int) -> list[int]:
    """`total` consultations over `over` patients: one each, the rest at random (about 3 each on average)."""
    counts = [1] * over
    for _ in range(total - over):
        counts[rng.randrange(over)] += 1
    return counts


def at(day: date, rng: random.Random) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, 9) + timedelta(minutes=rng.randint(0, 540)))


class Ids:
    """Primary keys handed out here, so a batch's rows can refer to each other before they are written."""

    def __init__(self) -> None:
        from lasercare.practice.consultations.models import Consultation, MedicalHistory, PlanOverride, TreatmentPlan
        from lasercare.practice.patients.models import Patient

        self.next: dict[str, int] = {}
        for model in (Patient, Consultation, MedicalHistory, TreatmentPlan, PlanOverride):
            self.next[model.__name__] = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] = value + 1
        return value


def populate(
    practice: Practice,
    location: Location,
    seen_by: list[StaffUser],
    clinician: StaffUser,
    patients: int,
    consultations: int,
    plans: list[EnginePlan],
    rng: random.Random,
    progress: Callable[[int, int], None],
) -> None:
    """Patients, consultations, history versions, plans (statuses as a clinic has them) and a few overrides."""
    from django.db import transaction
    from django.utils import timezone

    from lasercare.practice.consultations.models import (
        Consultation,
        MedicalHistory,
        OverrideKind,
        PlanOverride,
        PlanStatus,
        TreatmentPlan,
    )
    from lasercare.practice.demo import random_people
    from lasercare.practice.patients.models import Patient

    today = timezone.localdate()
    visits = spread(rng, consultations, patients)
    people = random_people(rng, patients, today)
    ids = Ids()
    written = 0
    for start in range(0, patients, BATCH):
        rows: dict[str, list[Any]] = {
            "patients": [],
            "consultations": [],
            "histories": [],
            "plans": [],
            "overrides": [],
        }
        for index in range(start, min(patients, start + BATCH)):
            person = next(people)
            days = sorted((rng.randint(0, 5 * 365) for _ in range(visits[index])), reverse=True)
            first_seen = at(today - timedelta(days=days[0]), rng)
            patient = Patient(
                id=ids.take("Patient"), practice=practice, created_at=first_seen, updated_at=first_seen, **person
            )
            patient.refresh_search_keys()
            rows["patients"].append(patient)
            previous: TreatmentPlan | None = None
            for version, days_ago in enumerate(days, start=1):
                held_on = today - timedelta(days=days_ago)
                when = at(held_on, rng)
                engine = rng.choice(plans)
                consultation = Consultation(
                    id=ids.take("Consultation"),
                    practice=practice,
                    patient=patient,
                    location=location,
                    held_on=held_on,
                    seen_by=rng.choice(seen_by),
                    intake=engine.intake,
                    follow_up_on=held_on + timedelta(days=rng.choice((14, 28, 42))) if rng.random() < 0.3 else None,
                    created_at=when,
                )
                rows["consultations"].append(consultation)
                rows["histories"].append(
                    MedicalHistory(
                        id=ids.take("MedicalHistory"),
                        consultation=consultation,
                        patient=patient,
                        version=version,
                        document=engine.intake.get("history", {}),
                        recorded_at=when,
                    )
                )
                plan = TreatmentPlan(
                    id=ids.take("TreatmentPlan"),
                    practice=practice,
                    patient=patient,
                    consultation=consultation,
                    document=engine.document,
                    knowledge_version=engine.document["knowledge_version"],
                    supersedes=previous,
                    created_at=when + timedelta(minutes=5),
                    created_by=consultation.seen_by,
                )
                options = engine.document.get("options", [])
                if (
                    rng.random() < 0.03
                    and len(options) > 1
                    and options[1]["suitability"] in ("recommended", "acceptable")
                ):
                    plan.chosen_modality = options[1]["modality"]
                    rows["overrides"].append(
                        PlanOverride(
                            id=ids.take("PlanOverride"),
                            plan=plan,
                            kind=OverrideKind.CHOICE,
                            modality=options[1]["modality"],
                            engine_suitability=options[1]["suitability"],
                            reason="Patient prefers fewer clinic visits; discussed the trade-off.",
                            by=clinician,
                            at=when + timedelta(minutes=20),
                        )
                    )
                last = version == len(days)
                roll = rng.random()
                if not last:
                    # An open plan gives way to the next consultation's; a declined one stays declined.
                    status = PlanStatus.DECLINED if roll < 0.15 else PlanStatus.SUPERSEDED
                else:
                    status = (
                        PlanStatus.DRAFT
                        if roll < 0.03
                        else PlanStatus.PROPOSED
                        if roll < 0.18
                        else PlanStatus.ACCEPTED
                        if roll < 0.73
                        else PlanStatus.DECLINED
                    )
                if status == PlanStatus.ACCEPTED and not (plan.chosen_modality or plan.engine_choice):
                    status = PlanStatus.DECLINED
                plan.status = status
                if status != PlanStatus.DRAFT:
                    plan.proposed_by, plan.proposed_at = clinician, when + timedelta(minutes=30)
                if status in (PlanStatus.ACCEPTED, PlanStatus.DECLINED) or (
                    status == PlanStatus.SUPERSEDED and roll < 0.5
                ):
                    plan.decided_by, plan.decided_at = clinician, when + timedelta(minutes=45)
                    if status == PlanStatus.ACCEPTED or status == PlanStatus.SUPERSEDED:
                        plan.chosen_modality = plan.chosen_modality or plan.engine_choice or ""
                rows["plans"].append(plan)
                previous = plan if status == PlanStatus.SUPERSEDED else None
        with transaction.atomic():
            Patient.objects.bulk_create(rows["patients"], batch_size=500)
            Consultation.objects.bulk_create(rows["consultations"], batch_size=500)
            MedicalHistory.objects.bulk_create(rows["histories"], batch_size=500)
            TreatmentPlan.objects.bulk_create(rows["plans"], batch_size=200)
            PlanOverride.objects.bulk_create(rows["overrides"], batch_size=500)
        written += len(rows["consultations"])
        progress(min(patients, start + BATCH), written)


class _Timestamps:
    """Lets bulk_create keep the creation times given (auto_now_add would stamp every row with the load's time)."""

    def __enter__(self) -> None:
        from lasercare.practice.consultations.models import Consultation, MedicalHistory, TreatmentPlan
        from lasercare.practice.patients.models import Patient

        self.fields = [
            Patient._meta.get_field("created_at"),
            Patient._meta.get_field("updated_at"),
            Consultation._meta.get_field("created_at"),
            MedicalHistory._meta.get_field("recorded_at"),
            TreatmentPlan._meta.get_field("created_at"),
        ]
        self.saved = [(f.auto_now, f.auto_now_add) for f in self.fields]
        for field in self.fields:
            field.auto_now = field.auto_now_add = False

    def __exit__(self, *exc: object) -> None:
        for field, (auto_now, auto_now_add) in zip(self.fields, self.saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def dataset_state(patients: int, consultations: int) -> str:
    """'ready', 'empty' or 'other' (a different or partial dataset)."""
    from lasercare.practice.clinic.models import Practice
    from lasercare.practice.consultations.models import Consultation
    from lasercare.practice.patients.models import Patient

    practice = Practice.objects.filter(name=MAIN_PRACTICE).first()
    if practice is None:
        return "other" if Practice.objects.exists() else "empty"
    have = (Patient.objects.filter(practice=practice).count(), Consultation.objects.filter(practice=practice).count())
    return "ready" if have == (patients, consultations) else "other"


def bring_to_today() -> None:
    """A dataset written on an earlier day has nobody seen today, and the dashboard would list nothing: its latest
    day's consultations move to today (the follow-ups due stay inside their window for weeks)."""
    from django.db.models import Max
    from django.utils import timezone

    from lasercare.practice.consultations.models import Consultation

    today = timezone.localdate()
    consultations = Consultation.objects.filter(practice__name=MAIN_PRACTICE)
    latest = consultations.aggregate(latest=Max("held_on"))["latest"]
    if latest is not None and latest < today:
        moved = Consultation.objects.filter(pk__in=consultations.filter(held_on=latest).values("pk")).update(
            held_on=today
        )
        print(f"  {moved} consultations of {latest} moved to today, {today}", file=sys.stderr)


def staff(practice: Practice, username: str, role: str, first: str, last: str) -> StaffUser:
    from lasercare.practice.clinic.models import StaffUser

    user = StaffUser(username=username, first_name=first, last_name=last, practice=practice, role=role)
    user.set_password(PASSWORD)
    user.save()
    return user


def generate(args: argparse.Namespace, database: str) -> None:
    from django.db import connection
    from django.utils import timezone

    from lasercare.practice.clinic.models import Location, Practice
    from lasercare.practice.clinic.roles import Role

    rng = random.Random(SEED)
    today = timezone.localdate()
    started = time.monotonic()
    print(f"  making {args.distinct_plans:,} distinct engine plans ...", file=sys.stderr, flush=True)
    plans = engine_plans(rng, args.distinct_plans, today)
    print(f"  ... {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        # 9 GB of plan documents: lz4 compresses them (TOAST) three times faster than the default pglz.
        with connection.cursor() as cursor:
            cursor.execute("SET default_toast_compression = lz4")
    other_patients = max(1, args.patients // 100)
    progress = Progress(args.patients + other_patients)
    with _Timestamps():
        for name, patients, consultations in (
            (MAIN_PRACTICE, args.patients, args.consultations),
            (OTHER_PRACTICE, other_patients, other_patients * 3),
        ):
            practice = Practice.objects.create(name=name, currency="GBP")
            location = Location.objects.create(practice=practice, name="Main", address="1 Bench Street")
            prefix = "bench" if name == MAIN_PRACTICE else "other"
            clinician = staff(practice, f"{prefix}-clinician", Role.CLINICIAN, "Dr Robin", "Bench")
            nurse = staff(practice, f"{prefix}-nurse", Role.NURSE, "Sam", "Bench")
            populate(
                practice,
                location,
                [clinician, nurse],
                clinician,
                patients,
                consultations,
                plans,
                rng,
                progress.show,
            )
            progress.next_practice(patients, consultations)
    # bulk_create saves no model one by one: the "Ready to book" rows the saves keep are worked out once here.
    from lasercare.practice.scheduling import ready

    print(f"  {ready.rebuild():,} accepted plans ready to book", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        from lasercare.practice.consultations.models import Consultation, MedicalHistory, PlanOverride, TreatmentPlan
        from lasercare.practice.patients.models import Patient

        models = [Patient, Consultation, MedicalHistory, TreatmentPlan, PlanOverride]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            # What autovacuum does soon after a bulk load: statistics and the visibility map.
            print("  VACUUM ANALYZE ...", file=sys.stderr, flush=True)
            cursor.execute("VACUUM ANALYZE")
    print(f"  dataset written in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)


def workload(rng: random.Random, samples: int) -> dict[str, Any]:
    """What the load generator sends: search texts drawn from the dataset and plan ids over the whole table."""
    from django.db import connection

    from lasercare.practice.clinic.models import Practice
    from lasercare.practice.consultations.models import Consultation, PlanStatus, TreatmentPlan
    from lasercare.practice.patients.models import Patient

    practice = Practice.objects.get(name=MAIN_PRACTICE)
    low, high = (
        Patient.objects.filter(practice=practice).order_by(order).values_list("pk", flat=True).first() or 0
        for order in ("pk", "-pk")
    )
    people = list(
        Patient.objects.filter(pk__in=[rng.randint(low, high) for _ in range(samples)]).values_list(
            "given_names", "family_name", "date_of_birth", "phone"
        )
    )
    queries: list[str] = []
    for given, family, born, phone in people:
        kind = rng.random()
        if kind < 0.3:
            queries.append(rng.choice((family, given))[: rng.randint(1, 3)])
        elif kind < 0.45:
            queries.append(family)
        elif kind < 0.55:
            queries.append(given)
        elif kind < 0.7:
            queries.append(f"{given} {family}" if rng.random() < 0.5 else f"{family} {given}")
        elif kind < 0.85:
            queries.append(born.strftime("%d/%m/%Y") if rng.random() < 0.7 else born.isoformat())
        else:
            digits = "".join(ch for ch in phone if ch.isdigit())
            queries.append(digits[-rng.randint(4, 6) :])
    low, high = (
        TreatmentPlan.objects.filter(practice=practice).order_by(order).values_list("pk", flat=True).first() or 0
        for order in ("pk", "-pk")
    )
    plan_ids = TreatmentPlan.objects.filter(pk__in=[rng.randint(low, high) for _ in range(samples)])
    plans = [str(public_id) for public_id in plan_ids.values_list("public_id", flat=True)]
    return {
        "queries": queries,
        "plans": plans,
        "counts": {
            "patients": Patient.objects.count(),
            "consultations": Consultation.objects.count(),
            "plans": TreatmentPlan.objects.count(),
            "drafts": TreatmentPlan.objects.filter(practice=practice, status=PlanStatus.DRAFT).count(),
        },
        "vendor": connection.vendor,
    }


def prepare(args: argparse.Namespace, database: str) -> int:
    """In a child process: migrate, write the dataset when missing, write the workload file."""
    if database == "postgres":
        ensure_postgres_database(args.rebuild)
    elif args.rebuild:
        remove_sqlite_database()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    state = dataset_state(args.patients, args.consultations)
    if state == "other":
        print("  the benchmark database holds another dataset", file=sys.stderr)
        return DATASET_EXIT
    if state == "empty":
        generate(args, database)
    else:
        print("  dataset present (--rebuild to write it again)", file=sys.stderr)
        bring_to_today()
    document = workload(random.Random(SEED + 1), args.samples)
    (BENCH_DIR / database / "workload.json").write_text(json.dumps(document), encoding="utf-8")
    return 0


def count_audit() -> int:
    import django

    django.setup()
    from lasercare.practice.audit.models import AuditEntry

    return AuditEntry.objects.count()


# --- the server and the load (the parent process: no Django here) --------------------------------------------


def ensure_wrk() -> str:
    """wrk is the load generator; installed from Debian's packages when missing and allowed (root, apt-get)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("web_load: wrk is missing; installing Debian's package: apt-get install -y wrk", file=sys.stderr)
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, stdout=subprocess.DEVNULL, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, check=False)
            subprocess.run(install, stdout=subprocess.DEVNULL, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("web_load: needs the load generator wrk: install it with `apt-get install -y wrk` (Debian).")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf: str


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            jar[name] = morsel.value


def log_in(port: int) -> Session:
    """Through the real form: GET /login/ for the CSRF cookie and token, POST the credentials, keep the cookies."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    jar: dict[str, str] = {}
    connection.request("GET", "/login/")
    response = connection.getresponse()
    page = response.read().decode()
    _cookies(response, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if response.status != 200 or token is None:
        raise SystemExit(f"web_load: GET /login/ answered {response.status} without a CSRF token")
    body = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token[1]})
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    connection.request("POST", "/login/", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    _cookies(response, jar)
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"web_load: logging in answered {response.status}, not a redirect with a session")
    cookie = f"sessionid={jar['sessionid']}; csrftoken={jar['csrftoken']}"
    connection.request("GET", "/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise SystemExit(f"web_load: the dashboard answered {response.status} to a fresh session")
    return Session(cookie, jar["csrftoken"])


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


LUA = """
local sessions = {%(sessions)s}
local plans = {%(plans)s}
local bodies = {%(bodies)s}
local awaiting_pages = %(awaiting_pages)d
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
  if scenario == "search-htmx" then post_headers["HX-Request"] = "true" end
  math.randomseed(id * 7919)
  unexpected = 0
end

function request()
  if scenario == "dashboard" then return wrk.format("GET", "/", get_headers) end
  if scenario == "patient-list" then return wrk.format("GET", "/patients/", get_headers) end
  if scenario == "plan" then return wrk.format("GET", plans[math.random(#plans)], get_headers) end
  if scenario == "awaiting-list" then
    return wrk.format("GET", "/plans/awaiting/?page=" .. math.random(awaiting_pages), get_headers)
  end
  return wrk.format("POST", "/patients/", post_headers, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  -- Every scenario's page answers 200: a redirect (to /login/) or an error page is a failure.
  if status ~= 200 then unexpected = unexpected + 1 end
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


def write_script(path: Path, sessions: list[Session], work: dict[str, Any]) -> None:
    path.write_text(
        LUA
        % {
            "sessions": ", ".join(
                f"{{cookie = {lua_string(s.cookie)}, csrf = {lua_string(s.csrf)}}}" for s in sessions
            ),
            "plans": ", ".join(lua_string(f"/plans/{p}/") for p in work["plans"]),
            "bodies": ", ".join(lua_string(urllib.parse.urlencode({"q": q})) for q in work["queries"]),
            "awaiting_pages": max(1, -(-work["counts"]["drafts"] // 50)),
        },
        encoding="utf-8",
    )


def _cpu_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0  # the process has ended
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    if with_reaped_children:  # cutime + cstime: gunicorn's workers that ended (recycled after max_requests)
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat): with this benchmark's own subtracted, what the
    other work on a shared machine took."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    """CPU of this process's finished children: wrk's, read around each run."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_processes(master: int) -> list[int]:
    """The gunicorn arbiter and its workers."""
    found = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


class DatabaseProcesses:
    """PostgreSQL's backends serving the benchmark database (SQLite runs inside the workers), listed through one
    connection kept open, so that listing them often costs no new backend each time."""

    def __init__(self, database: str) -> None:
        self.connection: Any = None
        if database == "postgres":
            import psycopg

            self.connection = psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)

    def __call__(self) -> list[int]:
        if self.connection is None:
            return []
        rows = self.connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [PG_DATABASE]).fetchall()
        return [int(row[0]) for row in rows]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class CpuMeter:
    """CPU seconds spent by the server's processes and by PostgreSQL's backends: figures that the other work on a
    shared machine disturbs far less than it disturbs latencies."""

    def __init__(self, master: int, database: str) -> None:
        self.master = master
        self.database_processes = DatabaseProcesses(database)
        # A backend's latest reading: the app reconnects every DATABASE_CONN_MAX_AGE seconds, and a backend that
        # ended would otherwise take its CPU with it (read every 0.2 s during a run, by `sample`).
        self.backends: dict[int, float] = {}

    def sample(self) -> None:
        for pid in self.database_processes():
            # An ended backend reads as 0: its last reading stands.
            self.backends[pid] = max(self.backends.get(pid, 0.0), _cpu_seconds(pid))

    def read(self) -> tuple[dict[int, float], dict[int, float]]:
        server = {
            pid: _cpu_seconds(pid, with_reaped_children=pid == self.master) for pid in server_processes(self.master)
        }
        self.sample()
        return server, dict(self.backends)

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float], *, reaped: bool = False) -> float:
        """CPU between two readings. A process started in between (a recycled worker, a new connection) counts
        whole. With `reaped`, a process that ended in between is in its parent's reading (gunicorn's workers are in
        the arbiter's cutime), whole, so its earlier reading comes off; otherwise (PostgreSQL's backends, reaped by
        the postmaster) its CPU since the first reading is lost."""
        if reaped:
            return sum(after.values()) - sum(before.values())
        return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


@dataclass(frozen=True)
class Result:
    database: str
    scenario: str
    run: int
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    worst: float
    errors: int
    server_cpu_ms: float  # CPU of the gunicorn processes per request (with SQLite, the database's too)
    database_cpu_ms: float  # CPU of PostgreSQL's backends per request (0 for SQLite)
    load_cpu_ms: float  # CPU of the load generator (wrk) per request: it shares the machine's cores
    reference_ms: float  # the machine's speed just before the run: reference_work() on one core
    others: float  # cores' worth of CPU that other work on the machine took during the run (of os.cpu_count())

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def verdict(self) -> str:
        return "PASS" if self.p95 <= TARGET_P95_MS and self.errors == 0 else "FAIL"


def reference_work() -> int:
    """A fixed piece of pure-Python work (strings, a dict, a sort), like a page's."""
    values = {f"key {i}": str(i * 7919).zfill(12) for i in range(20_000)}
    return len(sorted(values.values(), key=str.casefold))


def reference_ms() -> float:
    """Milliseconds reference_work() takes on one core now, median of 5. A shared virtual machine's cores change
    speed from one minute to the next (the same page's CPU per request was seen to double within an hour): this
    figure beside each run says how fast the machine was when it ran."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        reference_work()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[2]


def run_wrk(
    wrk: str,
    script: Path,
    port: int,
    clients: int,
    seconds: float,
    scenario: str,
    while_running: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    command = [
        wrk,
        f"--threads={clients}",
        f"--connections={clients}",
        f"--duration={seconds:g}s",
        "--timeout=30s",  # wrk leaves requests it timed out out of its latencies: time none out
        f"--script={script}",
        f"http://127.0.0.1:{port}",
        "--",
        scenario,
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + seconds + 60
        while process.poll() is None and time.monotonic() < deadline:
            while_running()
            time.sleep(0.2)
        if process.poll() is None:
            process.kill()
        stdout, stderr = process.communicate()
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"web_load: wrk failed ({process.returncode}): {stdout[-500:]} {stderr[-500:]}")
    figures: dict[str, int] = json.loads(line.removeprefix("RESULT "))
    return figures


def measure(
    wrk: str, script: Path, server: Server, args: argparse.Namespace, database: str, scenario: str, run: int
) -> Result:
    if args.warmup > 0:
        run_wrk(wrk, script, server.port, args.clients, args.warmup, scenario)
    reference = reference_ms()
    meter = CpuMeter(server.process.pid, database)
    before, machine, load = meter.read(), machine_busy_seconds(), _children_cpu_seconds()
    f = run_wrk(wrk, script, server.port, args.clients, args.seconds, scenario, meter.sample)
    after, busy, wrk_cpu = meter.read(), machine_busy_seconds() - machine, _children_cpu_seconds() - load
    meter.database_processes.close()
    requests = max(1, f["requests"])
    spent_here = CpuMeter.spent(before[0], after[0]) + CpuMeter.spent(before[1], after[1]) + wrk_cpu
    return Result(
        database=database,
        scenario=scenario,
        run=run,
        requests=f["requests"],
        seconds=f["duration_us"] / 1e6,
        p50=f["p50"] / 1000,
        p95=f["p95"] / 1000,
        p99=f["p99"] / 1000,
        worst=f["max"] / 1000,
        errors=f["connect"] + f["read"] + f["write"] + f["timeout"] + f["not_200"],
        server_cpu_ms=CpuMeter.spent(before[0], after[0], reaped=True) * 1000 / requests,
        database_cpu_ms=CpuMeter.spent(before[1], after[1]) * 1000 / requests,
        load_cpu_ms=wrk_cpu * 1000 / requests,
        reference_ms=reference,
        others=max(0.0, (busy - spent_here) / (f["duration_us"] / 1e6)),
    )


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's arbiter stops its workers on SIGTERM
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_shape(args: argparse.Namespace, database: str) -> str:
    from lasercare.serve_cli import default_workers  # stdlib only: no Django in this process

    workers = args.workers or default_workers(os.cpu_count() or 1, bench_env(database).get("DATABASE_URL", ""))
    kind = "sync" if args.threads == 1 else "gthread"
    return f"{workers} workers x {args.threads} thread{'s' if args.threads > 1 else ''} ({kind})"


def start_server(database: str, args: argparse.Namespace) -> Server:
    port = free_port()
    log = BENCH_DIR / database / "server.log"
    command = [sys.executable, "-m", "lasercare", "serve", "--no-migrate", f"--bind=127.0.0.1:{port}"]
    if args.workers is not None:
        command.append(f"--workers={args.workers}")
    command.append(f"--threads={args.threads}")
    with log.open("wb") as output:
        environment = bench_env(database, args.src)
        process = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    await_health(process, port, server.stop, "web_load", lambda: log.read_text()[-1000:])
    return server


def await_health(
    process: subprocess.Popen[bytes], port: int, stop: Callable[[], None], who: str, why: Callable[[], str]
) -> None:
    """Until the server on `port` answers /health/; SystemExit saying `why` if it stops first, or after 90 s."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{who}: the server stopped at start: {why()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.25)
    stop()
    raise SystemExit(f"{who}: the server did not answer /health/ within 90 s")


def child(args: argparse.Namespace, database: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, __file__, *extra, f"--patients={args.patients}"]
    command += [f"--consultations={args.consultations}", f"--distinct-plans={args.distinct_plans}"]
    command += [f"--samples={args.samples}"]
    return subprocess.run(command, env=bench_env(database), stdout=subprocess.PIPE, text=True, check=False)


def prepare_in_child(args: argparse.Namespace, database: str) -> dict[str, Any]:
    (BENCH_DIR / database).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"[{database}] preparing the benchmark database", file=sys.stderr, flush=True)
    rebuild = ["--rebuild"] if args.rebuild else []
    done = child(args, database, f"--prepare={database}", *rebuild)
    if done.returncode == DATASET_EXIT:
        print(f"[{database}] writing it again", file=sys.stderr, flush=True)
        done = child(args, database, f"--prepare={database}", "--rebuild")
    if done.returncode != 0:
        raise SystemExit(f"web_load: preparing the {database} database failed ({done.returncode})")
    work: dict[str, Any] = json.loads((BENCH_DIR / database / "workload.json").read_text(encoding="utf-8"))
    work["prepare_seconds"] = time.monotonic() - started
    return work


def audit_entries(args: argparse.Namespace, database: str) -> int:
    done = child(args, database, "--count-audit")
    return int(done.stdout.strip().splitlines()[-1])


def bench_database(wrk: str, args: argparse.Namespace, database: str) -> list[Result]:
    work = prepare_in_child(args, database)
    counts = work["counts"]
    print(
        f"[{database}] {counts['patients']:,} patients, {counts['consultations']:,} consultations, "
        f"{counts['plans']:,} plans ({counts['drafts']:,} drafts in the benchmark practice); plan documents: "
        f"{args.distinct_plans:,} distinct engine plans reused across consultations; "
        f"prepared in {work['prepare_seconds']:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    before = audit_entries(args, database)
    server = start_server(database, args)
    results: list[Result] = []
    try:
        sessions = [log_in(server.port) for _ in range(args.clients)]
        script = BENCH_DIR / database / "load.lua"
        write_script(script, sessions, work)
        print(
            f"[{database}] server: {server_shape(args, database)}; {args.clients} "
            f"sessions logged in; {len(work['queries']):,} search texts, {len(work['plans']):,} plans",
            file=sys.stderr,
            flush=True,
        )
        for run in range(1, args.repeat + 1):
            for scenario in args.scenarios:
                result = measure(wrk, script, server, args, database, scenario, run)
                print(f"  {row(result)}", file=sys.stderr, flush=True)
                results.append(result)
    finally:
        server.stop()
    after = audit_entries(args, database)
    measured = sum(r.requests for r in results)
    print(
        f"[{database}] audit entries written during the run: {after - before:,} "
        f"(measured requests {measured:,}; warm-ups, log-ins and session checks add to them)",
        file=sys.stderr,
        flush=True,
    )
    if after - before < measured:
        print(f"[{database}] WARNING: fewer audit entries than requests", file=sys.stderr)
    return results


HEADER = (
    f"{'database':<9} {'scenario':<13} {'run':>3} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'p99 ms':>7} {'max ms':>7} {'errors':>6} {'cpu ms':>6} {'db cpu':>6} {'wrk':>5} {'others':>6} {'ref':>5}  "
    f"p95<={TARGET_P95_MS:g}"
)


def row(r: Result) -> str:
    return (
        f"{r.database:<9} {r.scenario:<13} {r.run:>3} {r.requests:>9,} {r.rate:>7.1f} {r.p50:>7.1f} {r.p95:>7.1f} "
        f"{r.p99:>7.1f} {r.worst:>7.0f} {r.errors:>6} {r.server_cpu_ms:>6.1f} {r.database_cpu_ms:>6.1f} "
        f"{r.load_cpu_ms:>5.1f} {r.others:>6.2f} {r.reference_ms:>5.1f}  {r.verdict}"
    )


def add_load_options(parser: argparse.ArgumentParser, scenarios: dict[str, str]) -> None:
    """The options every load benchmark on this harness takes (bench/calendar_load.py too)."""
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds per scenario (default 20)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds before each (default 3)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients, each its own session")
    parser.add_argument("--repeat", type=int, default=1, help="run every scenario this many times")
    parser.add_argument(
        "--scenarios",
        type=lambda text: text.split(","),
        default=list(scenarios),
        help=f"comma-separated, of: {', '.join(scenarios)}",
    )
    # By default the server runs as `lasercare serve` runs it: CPUs + 1 single-threaded workers (the database is on
    # this machine).
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: lasercare serve's)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1, as lasercare serve)")
    parser.add_argument("--rebuild", action="store_true", help="write the dataset again")
    parser.add_argument("--prepare-only", action="store_true", help="write the datasets, measure nothing")
    parser.add_argument("--src", type=Path, help="serve the lasercare package under this folder (A/B comparisons)")


def check_scenarios(parser: argparse.ArgumentParser, args: argparse.Namespace, scenarios: dict[str, str]) -> None:
    unknown = set(args.scenarios) - set(scenarios)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_load_options(parser, SCENARIOS)
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--consultations", type=int, default=300_000)
    parser.add_argument("--distinct-plans", type=int, default=5_000, help="engine plans made and then reused")
    parser.add_argument("--samples", type=int, default=5_000, help="search texts and plan ids drawn for the load")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--prepare", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--count-audit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    check_scenarios(parser, args, SCENARIOS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.prepare:
        return prepare(args, args.prepare)
    if args.count_audit:
        print(count_audit())
        return 0
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if args.prepare_only:
        for database in databases:
            prepare_in_child(args, database)
        return 0
    wrk = ensure_wrk()
    results: list[Result] = []
    for database in databases:
        results += bench_database(wrk, args, database)
    print(f"\n{args.clients} clients on loopback, {args.seconds:g} s per scenario after {args.warmup:g} s of warm-up")
    shapes = " / ".join(f"{server_shape(args, database)} ({database})" for database in databases)
    print(f"server: lasercare serve, {shapes}, {os.cpu_count()} CPUs")
    if args.src:
        print(f"code served: {args.src}")
    print("cpu ms: CPU of the server's processes per request (with SQLite, the database's work is in there too);")
    print("db cpu: CPU of PostgreSQL's backends per request. Both count only this benchmark's processes.")
    print("wrk: CPU of the load generator per request, on the same cores.")
    print("ref: ms a fixed piece of Python work took on one core just before the run (the machine's speed then).")
    print(f"others: cores' worth of CPU that other work on the machine took during the run (of {os.cpu_count()}).")
    for database in databases:
        print()
        print(HEADER)
        for result in results:
            if result.database == database:
                print(row(result))
    if args.json:
        args.json.write_text(json.dumps([{**r.__dict__, "rate": r.rate} for r in results], indent=2) + "\n")
    return 0 if all(r.verdict == "PASS" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
