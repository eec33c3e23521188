"""Durability: a burst of writes of every kind, `kill -9` of the whole server, a restart, and nothing acknowledged
lost, no change without its audit entry (docs/security.md, "The audit log survives a crash").

    .venv/bin/python bench/durability.py [--database sqlite|postgres|both] [--seconds 30] [--clients 4] [--rounds 3]

For each database it
1. makes a fresh database (SQLite in var/bench-durability/sqlite/, PostgreSQL as the database
   lasercare_durability at 127.0.0.1:5432, dropped at the end), migrates it and sets up one practice: per client a
   clinician with a password made for this run, a room and a laser, a patient with an accepted plan and a portal
   account, and a patient with an earlier consultation;
2. starts the real server (`python -m lasercare serve --no-migrate`) in a process group of its own;
3. runs --clients clients, each signed in through the real log-in forms (staff and portal, CSRF token included),
   writing through the pages in turn: a new patient, an edit of a patient, the staff's and the portal's reminder
   choices, a consultation (and the engine's plan, superseding the patient's earlier one), signing that plan off
   and accepting it, booking a session, a change request from the portal for that booking, a side-effect report
   from the portal, and cancelling the booking. A write is acknowledged when the server answers it with success (a
   redirect, or the 200 page that says it was received);
4. every --seconds / --rounds seconds, in the middle of the burst, `kill -9`s the server's process group (the
   gunicorn master, its workers and the reminder dispatcher), restarts the server on the same data and, with the
   clients paused, reads the database: every acknowledged write must be there, and every change in the database
   (each patient, edit, consultation, plan and its sign-off, acceptance or supersession, booking and cancellation,
   reminder choice, change request and side-effect report) must have its audit entry.

Prints a progress line on stderr and a table on stdout (--json FILE writes it too). Exits 1 when an acknowledged
write was lost or a change lacks its audit entry.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web_load

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-durability"
PG_SERVER = web_load.PG_SERVER
PG_DATABASE = "lasercare_durability"
PRACTICE = "Durability Clinic"
# The intake of bench/booking_race.py: a plan the engine accepts and that no safety question holds.
INTAKE = {
    "patient": {"age": 45, "sex": "female"},
    "phototype": {"fitzpatrick": "II"},
    "concerns": [{"code": "sun_spots", "severity": 2}],
}
KINDS = (
    "new patient",
    "edit patient",
    "reminder choices (staff)",
    "consultation and plan",
    "plan signed off",
    "plan accepted",
    "session booked",
    "change request (portal)",
    "side-effect report (portal)",
    "session cancelled",
    "reminder choices (portal)",
)


def child_env(database: str) -> dict[str, str]:
    web_load.use_dataset(BENCH_DIR, PG_DATABASE)
    environment = web_load.bench_env(database)
    # Any e-mail the server sends (a reminder falling due) stays in memory instead of filling the data folder.
    environment["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    return environment


# --- in a child process with Django: the practice and its accounts ---------------------------------------------


def prepare(clients: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from lasercare.practice.clinic.models import Device, Location, Practice, Room, StaffUser
    from lasercare.practice.clinic.roles import Role
    from lasercare.practice.consultations import services as consultations
    from lasercare.practice.patients.models import Patient
    from lasercare.practice.patients.services import save_patient
    from lasercare.practice.portal.models import PatientAccount
    from lasercare.practice.scheduling import rules
    from lasercare.practice.scheduling import services as scheduling

    call_command("migrate", interactive=False, verbosity=0)
    practice = Practice.objects.create(name=PRACTICE)
    Location.objects.create(practice=practice, name="Main", address="1 Bench Street")
    today = timezone.localdate()
    accounts = []
    for n in range(clients):
        password = secrets.token_urlsafe(18)  # made for this run's database, kept in its folder only
        clinician = StaffUser(username=f"durable-{n}", first_name="Robin", last_name=f"Durable{n}", practice=practice)
        clinician.role = Role.CLINICIAN
        clinician.set_password(password)
        clinician.save()

        def patient(given: str, n: int = n) -> Patient:
            made = Patient(
                practice=practice,
                given_names=given,
                family_name=f"Durable{n}",
                date_of_birth=date(1980, 1, 1),
                sex="female",
                email=f"{given.lower()}.durable{n}@example.org",
                address="1 Bench Street",
            )
            return save_patient(None, made)

        booked = patient("Bea")
        plan = consultations.record_consultation(None, clinician, booked, held_on=today, intake=INTAKE)
        plan = consultations.decide_plan(None, clinician, plan, accepted=True)
        course = scheduling.course(plan)
        portal_password = secrets.token_urlsafe(18)
        account = PatientAccount(practice=practice, patient=booked, email=booked.email, activated_at=timezone.now())
        account.set_password(portal_password)
        account.save()
        consulted = patient("Cleo")
        consultations.record_consultation(None, clinician, consulted, held_on=today, intake=INTAKE)
        room = Room.objects.create(practice=practice, name=f"Room {n + 1}")
        device = Device.objects.create(
            practice=practice,
            name=f"Laser {n + 1}",
            model="Durable",
            serial_number=f"D{n}",
            modality=course.modality,
            wavelengths_nm="1550",
        )
        first_day = max(rules.window(course, 1, []).earliest, today) + timedelta(days=7)
        accounts.append(
            {
                "username": clinician.username,
                "password": password,
                "practitioner": clinician.pk,
                "room": room.pk,
                "device": device.pk,
                "booked_patient": str(booked.public_id),
                "booked_plan": str(plan.public_id),
                "first_day": first_day.isoformat(),
                "portal_email": account.email,
                "portal_password": portal_password,
                "consulted_patient": str(consulted.public_id),
            }
        )
    return {"practice": practice.pk, "clients": accounts}


# --- the server: started in a process group of its own, killed whole --------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def kill(self) -> int:
        """SIGKILL to the whole group: the arbiter, every worker and the reminder dispatcher, no clean-up anywhere."""
        killed = len(web_load.server_processes(self.process.pid))
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        return killed

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(database: str, port: int) -> Server:
    log = (BENCH_DIR / database / "server.log").open("ab")
    command = [sys.executable, "-m", "lasercare", "serve", "--no-migrate", f"--bind=127.0.0.1:{port}"]
    process = subprocess.Popen(
        command, env=child_env(database), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    server = Server(process, port)
    web_load.await_health(
        process, port, server.stop, "durability", lambda: f"see {BENCH_DIR / database / 'server.log'}"
    )
    return server


# --- a browser's worth of HTTP: cookies, CSRF, forms ---------------------------------------------------------------


class SignedOutError(Exception):
    """A POST was answered with the sign-in page: not a success, and the client signs in again."""


class ServerDownError(Exception):
    """The connection failed or broke: the server was killed while the request was on its way."""


@dataclass
class Page:
    status: int
    location: str
    body: str


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port
        self.jar: dict[str, str] = {}

    def request(self, method: str, path: str, data: list[tuple[str, str]] | None = None) -> Page:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items())}
        body = None
        if data is not None:
            token = self.jar.get("csrftoken", "")
            body = urllib.parse.urlencode([*data, ("csrfmiddlewaretoken", token)])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            raise ServerDownError(str(error)) from None
        location = response.headers.get("Location", "")
        if method == "POST" and ("/login/" in location or "/portal/sign-in/" in location) and "sign-in" not in path:
            raise SignedOutError(location)
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                self.jar[name] = morsel.value
        return Page(response.status, location, text)

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]]) -> Page:
        return self.request("POST", path, data)

    def sign_in(self, path: str, data: list[tuple[str, str]]) -> None:
        """Through the real form: its page first, for the CSRF cookie."""
        self.jar.clear()
        self.get(path)
        page = self.post(path, data)
        if page.status != 302:
            raise RuntimeError(f"durability: signing in at {path} answered {page.status}, not a redirect")


class Form(HTMLParser):
    """The fields of the first form on a page that posts to `action`, as a browser would send it unchanged:
    text, hidden and date inputs, checked boxes and radios, selected options, textareas. The choices each radio,
    checkbox and select offers are kept too."""

    def __init__(self, page: str, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.values: list[tuple[str, str]] = []
        self.choices: dict[str, list[str]] = {}
        self.select: str | None = None
        self.selected = False
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        # A form without an action posts to its own page.
        if tag == "form" and not self.done and a.get("action", "") in ("", self.action):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                self.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.values.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.selected, self.first_option = name, False, None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.choices.setdefault(self.select, []).append(value)
            self.first_option = value if self.first_option is None else self.first_option
            if "selected" in a:
                self.values.append((self.select, value))
                self.selected = True
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self.select is not None:
            if not self.selected and self.first_option is not None:
                self.values.append((self.select, self.first_option))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea, self.text))
            self.textarea = None
        elif tag == "form":
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def data(self, **changes: str | list[str]) -> list[tuple[str, str]]:
        """The form's values with some replaced (a list for a field sent more than once)."""
        kept = [(k, v) for k, v in self.values if k not in changes]
        for name, value in changes.items():
            kept += [(name, v) for v in ([value] if isinstance(value, str) else value)]
        return kept


# --- what was sent and acknowledged ----------------------------------------------------------------------------


@dataclass
class Ledger:
    """Per kind: sent, acknowledged, and the facts each acknowledged write must leave in the database."""

    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    acknowledged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    failed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))  # an answer, but not success
    errors: int = 0  # pages the clients could not read as expected
    new_patients: set[str] = field(default_factory=set)
    edits: dict[str, int] = field(default_factory=dict)  # patient -> the last edit number acknowledged
    edits_acknowledged: dict[str, int] = field(default_factory=dict)  # patient -> how many edits were
    plans: set[str] = field(default_factory=set)  # plans made by an acknowledged consultation
    proposed: set[str] = field(default_factory=set)
    accepted: set[str] = field(default_factory=set)
    bookings: set[tuple[str, str]] = field(default_factory=set)  # (plan, start) of acknowledged bookings
    cancelled: set[str] = field(default_factory=set)
    change_requests: set[str] = field(default_factory=set)  # the marker in each acknowledged request's message
    reports: set[str] = field(default_factory=set)  # the marker in each acknowledged report's description
    # patient -> (the last choice acknowledged, the last sent): consecutive choices differ, so the database tells
    # whether it holds the last acknowledged one.
    choices: dict[str, tuple[int, int]] = field(default_factory=dict)
    choices_acknowledged: dict[str, int] = field(default_factory=dict)  # patient -> how many were
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def write(self, kind: str) -> Iterator[Callable[[], None]]:
        """Counts a write sent; the caller calls the function given when the server acknowledged it."""
        acknowledged = []
        with self.lock:
            self.sent[kind] += 1
        yield lambda: acknowledged.append(True)
        with self.lock:
            if acknowledged:
                self.acknowledged[kind] += 1


# --- one client ------------------------------------------------------------------------------------------------


ERROR_MESSAGE = 'class="message error"'  # a refusal shown on the page a POST redirected to
UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Client:
    """A clinician at the desk and their patient in the portal, writing through the pages in turn."""

    def __init__(self, number: int, account: dict[str, Any], ledger: Ledger, port: int, seed: int) -> None:
        self.number = number
        self.account = account
        self.ledger = ledger
        self.staff = Browser(port)
        self.portal = Browser(port)
        self.rng = random.Random(seed)
        self.written = 0
        self.patients = [account["consulted_patient"]]  # those this client edits: its own
        self.edit_number: dict[str, int] = {}
        self.choice_number = 0
        self.plan: str | None = None  # the latest plan of the consulted patient
        self.booking: str | None = None  # the booked patient's upcoming booking, when there is one
        self.slot = 0

    def sign_in(self) -> None:
        a = self.account
        self.staff.sign_in("/login/", [("username", a["username"]), ("password", a["password"])])
        self.portal.sign_in("/portal/sign-in/", [("email", a["portal_email"]), ("password", a["portal_password"])])

    def marker(self, what: str) -> str:
        self.written += 1
        return f"durable {what} {self.number}-{self.written}"

    def steps(self) -> list[Callable[[], None]]:
        return [
            self.new_patient,
            self.edit_patient,
            self.staff_choices,
            self.consultation,
            self.propose,
            self.accept,
            self.book,
            self.change_request,
            self.report,
            self.cancel,
            self.portal_choices,
        ]

    def new_patient(self) -> None:
        form = Form(self.staff.get("/patients/new/").body, "/patients/new/")
        data = form.data(
            given_names=f"Nova{self.number}x{self.written}",
            family_name="Durable",
            date_of_birth=f"19{self.rng.randint(40, 99)}-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}",
            sex="female",
            phone=f"07700 9{self.rng.randint(10000, 99999)}",
            address=self.marker("address"),
        )
        with self.ledger.write("new patient") as acknowledged:
            page = self.staff.post("/patients/new/", data)
            found = re.fullmatch(f"/patients/({UUID_RE})/", page.location)
            if page.status == 302 and found:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.new_patients.add(found[1])
                self.patients.append(found[1])
            else:
                self.failed("new patient", page)

    def edit_patient(self) -> None:
        patient = self.rng.choice(self.patients)
        path = f"/patients/{patient}/edit/"
        form = Form(self.staff.get(path).body, path)
        number = self.edit_number.get(patient, 0) + 1
        self.edit_number[patient] = number  # taken even when unanswered: the database may hold it
        with self.ledger.write("edit patient") as acknowledged:
            page = self.staff.post(path, form.data(address=f"durable edit {number}"))
            if page.status == 302:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.edits[patient] = number
                    self.ledger.edits_acknowledged[patient] = self.ledger.edits_acknowledged.get(patient, 0) + 1
            else:
                self.failed("edit patient", page)

    def _choices(self, kind: str, browser: Browser, path: str) -> None:
        form = Form(browser.get(path).body, path)
        self.choice_number += 1
        number = self.choice_number
        patient = self.account["booked_patient"]
        # Odd and even choices differ in `preparation`: the database says which was saved last.
        changes: dict[str, str | list[str]] = {"receive": "yes", "aftercare": "on", "appointments": "on"}
        changes["preparation"] = "on" if number % 2 else []
        with self.ledger.lock:
            self.ledger.choices[patient] = (self.ledger.choices.get(patient, (0, 0))[0], number)
        with self.ledger.write(kind) as acknowledged:
            page = browser.post(path, form.data(**changes))
            if page.status == 302:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.choices[patient] = (number, number)
                    self.ledger.choices_acknowledged[patient] = self.ledger.choices_acknowledged.get(patient, 0) + 1
            else:
                self.failed(kind, page)

    def staff_choices(self) -> None:
        self._choices("reminder choices (staff)", self.staff, f"/patients/{self.account['booked_patient']}/reminders/")

    def portal_choices(self) -> None:
        self._choices("reminder choices (portal)", self.portal, "/portal/reminders/")

    def consultation(self) -> None:
        path = f"/patients/{self.account['consulted_patient']}/consultations/new/"
        form = Form(self.staff.get(path).body, path)
        with self.ledger.write("consultation and plan") as acknowledged:
            page = self.staff.post(path, form.data(notes=self.marker("consultation")))
            found = re.fullmatch(f"/plans/({UUID_RE})/", page.location)
            if page.status == 302 and found:
                acknowledged()
                self.plan = found[1]
                with self.ledger.lock:
                    self.ledger.plans.add(found[1])
            else:
                self.failed("consultation and plan", page)

    def _plan_action(self, kind: str, action: str, done: set[str]) -> None:
        if self.plan is None:
            return
        plan = self.plan
        with self.ledger.write(kind) as acknowledged:
            page = self.staff.post(f"/plans/{plan}/{action}/", [])
            # The page redirects whether or not the plan could be signed off: the message it shows next says which.
            if page.status == 302 and ERROR_MESSAGE not in self.staff.get(page.location).body:
                acknowledged()
                with self.ledger.lock:
                    done.add(plan)
            else:
                self.failed(kind, page)

    def propose(self) -> None:
        self._plan_action("plan signed off", "propose", self.ledger.proposed)

    def accept(self) -> None:
        self._plan_action("plan accepted", "accept", self.ledger.accepted)
        self.plan = None

    def upcoming_booking(self) -> str | None:
        """The booked patient's active booking, from the course page's table (ended ones are listed below it)."""
        page = self.staff.get(f"/plans/{self.account['booked_plan']}/course/")
        found = re.findall(f'<td><a href="/bookings/({UUID_RE})/">', page.body)
        return found[0] if found else None

    def book(self) -> None:
        self.booking = self.upcoming_booking()
        if self.booking is not None:
            return  # booked before a restart, unacknowledged: it is cancelled in its turn
        a = self.account
        plan = a["booked_plan"]
        self.slot += 1
        day = date.fromisoformat(a["first_day"]) + timedelta(days=self.slot % 20)
        start = f"{7 + self.slot % 13:02d}:{15 * self.rng.randrange(4):02d}"
        data = [
            ("session_number", "1"),
            ("day", day.isoformat()),
            ("start", start),
            ("minutes", "45"),
            ("practitioner", str(a["practitioner"])),
            ("room", str(a["room"])),
            ("device", str(a["device"])),
            ("early_reason", ""),
        ]
        with self.ledger.write("session booked") as acknowledged:
            page = self.staff.post(f"/plans/{plan}/course/book/", data)
            if page.status == 302:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.bookings.add((plan, f"{day.isoformat()} {start}"))
            else:
                self.failed("session booked", page)
        self.booking = self.upcoming_booking()

    def change_request(self) -> None:
        if self.booking is None:
            return
        path = f"/portal/appointments/{self.booking}/change/"
        form = Form(self.portal.get(path).body, path)
        if not form.choices.get("wish"):
            return  # asked already (before a restart)
        marker = self.marker("change request")
        with self.ledger.write("change request (portal)") as acknowledged:
            page = self.portal.post(path, form.data(wish=form.choices["wish"][0], message=marker))
            if page.status == 302:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.change_requests.add(marker)
            else:
                self.failed("change request (portal)", page)

    def report(self) -> None:
        path = "/portal/side-effects/"
        form = Form(self.portal.get(path).body, path)
        marker = self.marker("report")
        symptom = form.choices["symptoms"][-1]
        with self.ledger.write("side-effect report (portal)") as acknowledged:
            page = self.portal.post(path, form.data(symptoms=symptom, description=marker))
            # Received, the report's page answers 200 with no form on it; refused, the form again with 400.
            if page.status == 200 and 'name="symptoms"' not in page.body:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.reports.add(marker)
            else:
                self.failed("side-effect report (portal)", page)

    def cancel(self) -> None:
        booking = self.booking or self.upcoming_booking()
        if booking is None:
            return
        with self.ledger.write("session cancelled") as acknowledged:
            page = self.staff.post(f"/bookings/{booking}/cancel/", [("reason", "Durability run: the patient asked")])
            if page.status == 302 and ERROR_MESSAGE not in self.staff.get(page.location).body:
                acknowledged()
                with self.ledger.lock:
                    self.ledger.cancelled.add(booking)
            else:
                self.failed("session cancelled", page)
        self.booking = None

    def failed(self, kind: str, page: Page) -> None:
        with self.ledger.lock:
            self.ledger.failed[kind] += 1
            if self.ledger.failed[kind] <= 2:
                print(f"\n  {kind}: answered {page.status} {page.location}", file=sys.stderr)


def run_client(client: Client, up: threading.Event, stop: threading.Event, ready: threading.Barrier) -> None:
    steps = client.steps()
    # Each client starts its round of writes at another kind: on a busy machine a short burst reaches only a few
    # of a client's steps, and every kind is still written and met by the kills.
    step = client.number * 3
    # Signed in before the burst starts: two Argon2 checks per client take seconds on a busy machine.
    try:
        client.sign_in()
        signed_in = True
    finally:
        ready.wait()
    while not stop.is_set():
        up.wait()
        if stop.is_set():
            return
        try:
            if not signed_in:
                client.sign_in()
                signed_in = True
            steps[step % len(steps)]()
            step += 1
        except SignedOutError:
            signed_in = False
            step += 1
        except ServerDownError:
            step += 1  # the write in flight is neither acknowledged nor lost; the next one follows the restart
            time.sleep(0.05)
        except Exception as error:  # a page not as expected: counted, and the client goes on
            step += 1
            with client.ledger.lock:
                client.ledger.errors += 1
                if client.ledger.errors <= 3:
                    print(f"\n  client {client.number}: {type(error).__name__}: {error}", file=sys.stderr)


# --- reading the database after a restart ------------------------------------------------------------------------


class Database:
    def __init__(self, database: str) -> None:
        self.vendor = database
        if database == "sqlite":
            import sqlite3

            self.connection: Any = sqlite3.connect(BENCH_DIR / "sqlite" / "lasercare.sqlite3")
        else:
            import psycopg

            self.connection = psycopg.connect(f"{PG_SERVER}/{PG_DATABASE}", autocommit=True)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self.connection.execute(sql)
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return found

    def close(self) -> None:
        self.connection.close()


def uid(value: object) -> str:
    """A public id as the app writes it into the audit log, whether the database kept 32 hex digits or a uuid."""
    return str(uuid.UUID(str(value)))


@dataclass
class Check:
    lost: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unaudited: dict[str, int] = field(default_factory=dict)  # a kind of change -> how many lack their entry
    changes: dict[str, int] = field(default_factory=dict)  # a kind of change -> how many were checked
    examples: list[str] = field(default_factory=list)

    def change(self, kind: str, audited: bool, example: str) -> None:
        self.changes[kind] = self.changes.get(kind, 0) + 1
        if not audited:
            self.unaudited[kind] = self.unaudited.get(kind, 0) + 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind} without its audit entry: {example}")

    def lose(self, kind: str, example: str) -> None:
        self.lost[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind} acknowledged but absent: {example}")


def verify(database: str, ledger: Ledger) -> Check:
    """Every acknowledged write present; every change in the database with its audit entry."""
    db = Database(database)
    try:
        return _verify(db, ledger)
    finally:
        db.close()


def _verify(db: Database, ledger: Ledger) -> Check:
    check = Check()
    entries: dict[tuple[str, str, str], int] = {}
    details: set[tuple[str, str, str]] = set()
    latest: dict[tuple[str, str], datetime] = {}  # (record kind, id) -> its latest create or update entry
    for action, kind, record_id, detail, at in db.rows(
        "SELECT action, record_type, record_id, detail, at FROM audit_auditentry "
        "WHERE action IN ('create', 'update', 'accept', 'supersede')"
    ):
        entries[(action, kind, record_id)] = entries.get((action, kind, record_id), 0) + 1
        details.add((kind, record_id, detail))
        if action in ("create", "update"):
            latest[(kind, record_id)] = max(moment(at), latest.get((kind, record_id), moment(at)))

    def entry_since(kind: str, record_id: str, changed: object) -> bool:
        """A record's last change (its auto_now time, stamped before the save) has an entry written after it: the
        entry is written after the row in the same transaction, and an earlier change's entry comes before it."""
        found = latest.get((kind, record_id))
        return found is not None and found >= moment(changed)

    patients: dict[str, str] = {}
    for public_id, address, created, updated in db.rows(
        "SELECT public_id, address, created_at, updated_at FROM patients_patient"
    ):
        patient = uid(public_id)
        patients[patient] = address
        check.change("patient created", ("create", "patient", patient) in entries, patient)
        if moment(updated) > moment(created) and re.fullmatch(r"durable edit (\d+)", address):
            # The last edit has its entry, and every acknowledged edit one (an edit in flight at a kill may or
            # may not have been kept, so earlier edits are counted from those acknowledged).
            audited = entry_since("patient", patient, updated)
            audited = audited and entries.get(("update", "patient", patient), 0) >= ledger.edits_acknowledged.get(
                patient, 0
            )
            check.change("patient edited", audited, f"{patient}: {address}")
    for patient in ledger.new_patients - patients.keys():
        check.lose("new patient", patient)
    for patient, number in ledger.edits.items():
        edited = re.fullmatch(r"durable edit (\d+)", patients.get(patient, ""))
        if edited is None or int(edited[1]) < number:
            check.lose("edit patient", f"{patient} edit {number}")

    for (consultation,) in db.rows("SELECT public_id FROM consultations_consultation"):
        check.change("consultation", ("create", "consultation", uid(consultation)) in entries, uid(consultation))
    plans = {
        uid(p): (status, proposed, decided)
        for p, status, proposed, decided in db.rows(
            "SELECT public_id, status, proposed_at IS NOT NULL, decided_at IS NOT NULL FROM consultations_treatmentplan"
        )
    }
    for plan, (status, proposed, decided) in plans.items():
        check.change("plan made", ("create", "plan", plan) in entries, plan)
        accepted = ("accept", "plan", plan) in entries
        if proposed:
            # Signed off by itself (an update, "proposed"), or as part of accepting a draft.
            check.change("plan signed off", ("plan", plan, "proposed") in details or accepted, plan)
        if decided and status in ("accepted", "superseded"):
            check.change("plan accepted", accepted, plan)
        if status == "superseded":
            check.change("plan superseded", ("supersede", "plan", plan) in entries, plan)
    for plan in ledger.plans - plans.keys():
        check.lose("consultation and plan", plan)
    for plan in ledger.proposed:
        if not plans.get(plan, (None, False, False))[1]:
            check.lose("plan signed off", plan)
    for plan in ledger.accepted:
        if not plans.get(plan, (None, False, False))[2]:
            check.lose("plan accepted", plan)

    bookings = db.rows(
        "SELECT b.public_id, b.status, p.public_id, b.starts_at FROM scheduling_booking b "
        "JOIN consultations_treatmentplan p ON p.id = b.plan_id"
    )
    starts = set()
    statuses = {}
    for booking, status, plan, starts_at in bookings:
        booking = uid(booking)
        check.change("session booked", ("create", "booking", booking) in entries, booking)
        if status == "cancelled":
            check.change("session cancelled", ("booking", booking, "cancelled") in details, booking)
        statuses[booking] = status
        starts.add((uid(plan), _local_start(starts_at)))
    for plan, start in ledger.bookings - starts:
        check.lose("session booked", f"{plan} at {start}")
    for booking in ledger.cancelled:
        if statuses.get(booking) != "cancelled":
            check.lose("session cancelled", booking)

    requests = {m: uid(r) for r, m in db.rows("SELECT public_id, message FROM portal_changerequest")}
    for request in requests.values():
        check.change("change request", ("create", "change_request", request) in entries, request)
    for marker in ledger.change_requests - requests.keys():
        check.lose("change request (portal)", marker)
    reports = {m: uid(r) for r, m in db.rows("SELECT public_id, description FROM portal_sideeffectreport")}
    for report in reports.values():
        check.change("side-effect report", ("create", "side_effect_report", report) in entries, report)
    for marker in ledger.reports - reports.keys():
        check.lose("side-effect report (portal)", marker)

    choices = {
        uid(p): (bool(preparation), changed)
        for p, preparation, changed in db.rows(
            "SELECT p.public_id, r.preparation, r.changed_at FROM reminders_reminderpreference r "
            "JOIN patients_patient p ON p.id = r.patient_id"
        )
    }
    for patient, (_, changed) in choices.items():
        audited = entry_since("reminder_preference", patient, changed)
        audited = audited and entries.get(("update", "reminder_preference", patient), 0) >= (
            ledger.choices_acknowledged.get(patient, 0)
        )
        check.change("reminder choices", audited, patient)
    for patient, (acknowledged, sent) in ledger.choices.items():
        # Choice n sets `preparation` to n odd: the database holds the last acknowledged choice, or a later one
        # that was in flight at a kill.
        held = choices.get(patient)
        if acknowledged and (held is None or (held[0] != bool(acknowledged % 2) and sent == acknowledged)):
            check.lose("reminder choices (staff)", f"{patient} choice {acknowledged}")
    return check


def moment(value: object) -> datetime:
    """A time read from either database as an aware UTC datetime (SQLite keeps text in UTC, PostgreSQL a timestamp)."""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _local_start(value: object) -> str:
    """A booking's start as the bench sent it: the day and the time in the practice's zone (the server's)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/London"))
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# --- one database: prepare, burst, kill, restart, verify ----------------------------------------------------------


@dataclass
class Result:
    database: str
    rounds: int
    seconds: float
    processes_killed: int
    per_round: list[dict[str, float]]
    sent: dict[str, int]
    acknowledged: dict[str, int]
    failed: dict[str, int]
    lost: dict[str, int]
    changes: dict[str, int]
    unaudited: dict[str, int]
    examples: list[str]

    @property
    def passed(self) -> bool:
        return not any(self.lost.values()) and not any(self.unaudited.values())


def fresh_database(database: str) -> None:
    shutil.rmtree(BENCH_DIR / database, ignore_errors=True)
    (BENCH_DIR / database).mkdir(parents=True)
    if database == "postgres":
        postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        postgres(f"CREATE DATABASE {PG_DATABASE}")


def postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def run(database: str, args: argparse.Namespace) -> Result:
    fresh_database(database)
    print(f"[{database}] preparing a practice for {args.clients} clients", file=sys.stderr, flush=True)
    done = subprocess.run(
        [sys.executable, __file__, "--prepare", str(args.clients)],
        env=child_env(database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"durability: preparing the {database} database failed")
    made = json.loads(done.stdout.strip().splitlines()[-1])
    port = web_load.free_port()
    server = start_server(database, port)
    ledger = Ledger()
    up, stop = threading.Event(), threading.Event()
    up.set()
    clients = [Client(n, a, ledger, port, args.seed + n) for n, a in enumerate(made["clients"])]
    ready = threading.Barrier(len(clients) + 1)
    threads = [threading.Thread(target=run_client, args=(c, up, stop, ready), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    ready.wait()
    rng = random.Random(args.seed)
    round_seconds = args.seconds / args.rounds
    killed = 0
    rounds: list[dict[str, float]] = []  # per round: writes sent and acknowledged before its kill, the restart's time
    check = Check()
    started = time.monotonic()
    try:
        for number in range(1, args.rounds + 1):
            # The kill lands somewhere in the second half of the round's burst, never at a chosen quiet moment.
            burst = round_seconds * rng.uniform(0.5, 1.0)
            until = time.monotonic() + burst
            while time.monotonic() < until:
                time.sleep(0.5)
                progress(database, number, args.rounds, ledger, time.monotonic() - started)
            up.clear()  # the clients' next writes wait for the restart; the ones in flight meet the kill
            killed += server.kill()
            down = time.monotonic()
            time.sleep(0.5)  # the clients notice the broken connections
            with ledger.lock:
                at_kill = sum(ledger.sent.values()), sum(ledger.acknowledged.values())
            server = start_server(database, port)
            restart = time.monotonic() - down
            check = verify(database, ledger)
            rounds.append({"sent": at_kill[0] - sum(r["sent"] for r in rounds), "restart_seconds": round(restart, 1)})
            rounds[-1]["acknowledged"] = at_kill[1] - sum(r["acknowledged"] for r in rounds[:-1])
            progress(database, number, args.rounds, ledger, time.monotonic() - started, check)
            if number < args.rounds:
                up.set()
    finally:
        stop.set()
        up.set()
        for thread in threads:
            thread.join(timeout=90)
        server.stop()
        sys.stderr.write("\n")
        if database == "postgres" and not args.keep:
            postgres(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return Result(
        database=database,
        rounds=args.rounds,
        seconds=time.monotonic() - started,
        processes_killed=killed,
        per_round=rounds,
        sent=dict(ledger.sent),
        acknowledged=dict(ledger.acknowledged),
        failed=dict(ledger.failed),
        lost=check.lost,
        changes=check.changes,
        unaudited=check.unaudited,
        examples=check.examples,
    )


def progress(
    database: str, number: int, rounds: int, ledger: Ledger, elapsed: float, check: Check | None = None
) -> None:
    with ledger.lock:
        sent, acknowledged = sum(ledger.sent.values()), sum(ledger.acknowledged.values())
    line = f"\r[{database}] round {number}/{rounds}, {elapsed:4.0f} s: {sent} writes sent, {acknowledged} acknowledged"
    if check is not None:
        line += (
            f"; killed and restarted: {sum(check.lost.values())} lost, "
            f"{sum(check.unaudited.values())} of {sum(check.changes.values())} changes without their audit entry"
        )
    sys.stderr.write(line.ljust(150))
    sys.stderr.flush()


def table(results: list[Result]) -> str:
    lines = []
    for r in results:
        lines.append(
            f"\n{r.database}: {r.rounds} kill -9 rounds ({r.processes_killed} server processes killed), "
            f"{r.seconds:.0f} s; {'PASS' if r.passed else 'FAIL'}"
        )
        lines.append(
            "  per round, writes sent / acknowledged before the kill, and seconds from the kill to /health/ again: "
            + ", ".join(f"{x['sent']:g}/{x['acknowledged']:g} ({x['restart_seconds']:g} s)" for x in r.per_round)
        )
        lines.append(f"  {'write':<28} {'sent':>6} {'acked':>6} {'refused':>7} {'at kill':>7} {'lost':>5}")
        for kind in [*KINDS, "all"]:
            sent, acked, refused, lost = (
                sum(figures.values()) if kind == "all" else figures[kind]
                for figures in (r.sent, r.acknowledged, r.failed, r.lost)
            )
            lines.append(f"  {kind:<28} {sent:>6} {acked:>6} {refused:>7} {sent - acked - refused:>7} {lost:>5}")
        lines.append(f"  {'change in the database':<28} {'found':>6} {'without audit entry':>20}")
        for kind, count in r.changes.items():
            lines.append(f"  {kind:<28} {count:>6} {r.unaudited.get(kind, 0):>20}")
        lines += [f"  {example}" for example in r.examples]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--seconds", type=float, default=30, help="seconds of writes per database (default 30)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="kill -9 and restart cycles per database (default 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        print(json.dumps(prepare(args.prepare)))
        return 0
    if args.clients < 1 or args.rounds < 1 or args.seconds <= 0:
        parser.error("--clients, --rounds and --seconds must be positive")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = [run(database, args) for database in databases]
    print(f"{args.clients} clients writing through the pages for {args.seconds:g} s per database, over loopback")
    print("acked: the server answered with success; refused: it answered, but not with success; at kill: no answer")
    print("(the write was in flight when the server was killed: present or not, it needs its audit entry);")
    print("lost: acknowledged but absent after kill -9 and restart")
    print(table(results))
    if args.json:
        args.json.write_text(
            json.dumps([{**asdict(r), "passed": r.passed} for r in results], indent=2) + "\n", encoding="utf-8"
        )
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
