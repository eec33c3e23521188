"""`lasercare serve`: migrate, collect static files, optionally create the demo practice, and serve the web app
with gunicorn (a production server: several worker processes, no auto-reload, no debug pages)."""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
from urllib.parse import unquote, urlsplit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "The database is SQLite under ./var/ unless DATABASE_URL names another (see docs/deployment.md).\n\n"
        "Examples:\n  lasercare serve --demo\n  DATABASE_URL=postgres://lasercare@127.0.0.1/lasercare lasercare serve "
        "--bind 0.0.0.0:8000 --workers 4"
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on (default: %(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: CPUs + 1 with SQLite, CPUs + 2 with PostgreSQL on this machine, 2 x CPUs + 1 "
        "with a database on another machine, at most 8)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (default: %(default)s: each worker serves one request at a time, and every request "
        "waits in the one queue all workers take from; behind the TLS proxy this is fastest. More than 1 keeps "
        "clients' connections open between requests, for use without a proxy)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="create the demo practice (one account per role, ~30 patients) when the database has no practice",
    )
    parser.add_argument("--demo-patients", type=int, default=30, metavar="N", help="patients in the demo practice")
    parser.add_argument("--no-migrate", action="store_true", help="do not apply database migrations first")
    parser.add_argument(
        "--no-reminders",
        action="store_true",
        help="do not run the reminders' dispatcher beside the server (when 'lasercare reminders run' runs elsewhere)",
    )


def public_address_warning(bind: str, site_url: str) -> str:
    """What to tell the person starting the server when the links in e-mails would not lead to it: the public
    address (LASERCARE_SITE_URL) is unset, so e-mails link to the default, and the server listens elsewhere."""
    from lasercare.web.public import DEFAULT

    if site_url.strip() or urlsplit(DEFAULT).netloc == bind:
        return ""
    return (
        f"lasercare: LASERCARE_SITE_URL is not set, so the links in e-mails (reminders, portal invitations and "
        f"sign-in links, urgent-report alerts) point at {DEFAULT}/, but the server listens on {bind}. Set "
        "LASERCARE_SITE_URL to the address patients and staff use, e.g. https://clinic.example.org "
        "(docs/deployment.md)."
    )


def prepare(args: argparse.Namespace) -> None:
    warning = public_address_warning(args.bind, os.environ.get("LASERCARE_SITE_URL", ""))
    if warning:
        print(warning, file=sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lasercare.site.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.demo:
        _demo(args.demo_patients)


def _demo(patients: int) -> None:
    from lasercare.practice.clinic.models import Practice
    from lasercare.practice.demo import create_demo_practice

    if Practice.objects.exists():
        print("lasercare: the database already has a practice; no demo data added.", file=sys.stderr)
        return

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            filled = done * 30 // total
            sys.stderr.write(f"\rDemo practice [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} patients")
            if done == total:
                sys.stderr.write("\n")

    _, accounts = create_demo_practice(patients=patients, progress=progress)
    print("\nDemo practice created. These passwords are shown once; change them under 'Password'.\n")
    for account in accounts:
        print(f"  {account.role:<22} username {account.username:<10} password {account.password}")
    print(
        "\nStaff sign in at /login/; the patient signs in to the patient portal at /portal/sign-in/ (both are linked "
        "from the front door, /).\n"
    )


def default_workers(cpus: int, database_url: str) -> int:
    """One worker per CPU and one more with SQLite, which works inside the worker: the requests are CPU-bound, and
    more processes only took turns on the same cores (5 workers on 2 CPUs cost 20-25% more CPU per request than 3:
    docs/performance.md). One more again with PostgreSQL on this machine: a worker waits for each statement's round
    trip and each commit, and a fourth worker on 2 CPUs kept them busy (bench/web_load.py, the same minutes: the plan
    page's p95 125 -> 92 ms, the awaiting list's 98 -> 93, at no more CPU per request). A database on another
    machine leaves a worker's CPU idle while it waits on the network, and twice as many workers keep the CPUs busy
    (gunicorn's own advice)."""
    if not database_url:
        return min(8, cpus + 1)
    host = unquote(urlsplit(database_url).hostname or "")  # none, or a socket's folder, is this machine too
    local = host in {"", "localhost", "127.0.0.1", "::1"} or host.startswith("/")
    return min(8, (cpus + 2) if local else (2 * cpus + 1))


def run(args: argparse.Namespace) -> int:
    from lasercare.site.env import SettingError

    try:
        prepare(args)
    except SettingError as error:
        print(f"lasercare: {error}", file=sys.stderr)
        return 2
    from gunicorn.app.base import BaseApplication

    from lasercare.site.wsgi import application

    workers = args.workers or default_workers(os.cpu_count() or 1, os.environ.get("DATABASE_URL", ""))

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", workers)
            self.cfg.set("threads", args.threads)
            # One request at a time per process, taken from the listening socket that all workers share: a
            # request waits in a single queue for the first free worker. Threaded workers keep each client's
            # connection in one process, and a request waited there behind that process's others while another
            # process was free: p95 1.5-2 times higher at the same throughput (docs/performance.md).
            self.cfg.set("worker_class", "sync" if args.threads == 1 else "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("max_requests", 5000)
            self.cfg.set("max_requests_jitter", 500)
            # The access log carries paths, which hold only opaque ids, never names (docs/security.md); a calendar
            # feed's path holds its secret, which the log class blanks.
            self.cfg.set("accesslog", os.environ.get("LASERCARE_ACCESS_LOG") or None)
            self.cfg.set("logger_class", "lasercare.site.access_log.AccessLog")
            if not args.no_reminders:
                # Once the master handles signals, so that stopping the server always stops the dispatcher too.
                self.cfg.set("when_ready", lambda arbiter: dispatchers.append(start_dispatcher()))

        def load(self) -> object:
            return application

    # The migrations and the demo practice left this process connected to the database, and every worker would
    # inherit that one connection: a PostgreSQL connection used by several processes at once mixes their
    # conversations (seen as "prepared statement already exists"), and SQLite forbids it. Each worker opens its own.
    from django.db import connections

    connections.close_all()
    print(f"lasercare: serving http://{args.bind}/ with {workers} workers (Ctrl+C stops)", flush=True)
    # The workers fork from this process with Django and the knowledge base loaded. Frozen, those objects are left
    # out of every later collection: a full collection in a worker took 20-25 ms (docs/performance.md).
    gc.freeze()
    dispatchers: list[subprocess.Popen[bytes]] = []
    try:
        Server().run()
    finally:
        for dispatcher in dispatchers:
            stop_dispatcher(dispatcher)
    return 0


def start_dispatcher() -> subprocess.Popen[bytes]:
    """The reminders' dispatcher (`lasercare reminders run`) as a child process: a thread in this process would be
    inherited half-way by every worker gunicorn forks, with whatever lock it held at that moment."""
    return subprocess.Popen([sys.executable, "-m", "lasercare", "reminders", "run"])


def stop_dispatcher(dispatcher: subprocess.Popen[bytes]) -> None:
    """Stop it with the server: SIGTERM lets it finish the e-mail it is sending."""
    if dispatcher.poll() is None:
        dispatcher.terminate()
        try:
            dispatcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            dispatcher.kill()
            dispatcher.wait()
