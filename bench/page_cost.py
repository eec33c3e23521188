"""What one page costs the server, measured in-process on the benchmark's data (docs/performance.md).

    .venv/bin/python bench/page_cost.py plan                        # CPU ms per request, SQLite
    .venv/bin/python bench/page_cost.py dashboard --database postgres
    .venv/bin/python bench/page_cost.py plan --instructions          # instructions per request (valgrind)
    .venv/bin/python bench/page_cost.py plan --profile               # where the time goes (cProfile)
    .venv/bin/python bench/page_cost.py plan --instructions --src ../old/src   # the same for another checkout

Pages: dashboard, plan, patients (the list), search, signed-in (the smallest signed-in page: its cost is every
page's floor: the session, the account, the middleware, the base template).

The page is served by Django's WSGI handler in this process, as one signed-in clinician of the benchmark practice,
to the plan ids and search texts the load benchmark uses; the database is the one `bench/web_load.py
--prepare-only` wrote. Nothing goes through a socket or gunicorn.

CPU time on this machine changes with its neighbours (docs/performance.md, "ref"): two versions compared a minute
apart can differ by a third for no reason of their own. `--instructions` counts the instructions the process
executes instead, under valgrind's callgrind, twice (0 and N requests after the same warm-up) and divides the
difference by N. The count repeats to within a few hundred instructions per request whatever else the machine is
doing, so a change of 1% shows. It excludes the kernel's work (reading database pages from the page cache, the
socket) and PostgreSQL's server (another process).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAGES = ("dashboard", "plan", "patients", "search", "signed-in")
WARM_UP = 30


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("page", choices=PAGES)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--requests", type=int, default=300, help="requests measured (default 300; 100 with --instructions)"
    )
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind")
    parser.add_argument("--profile", action="store_true", help="print cProfile's costliest functions")
    parser.add_argument("--sort", default="tottime", help="with --profile: pstats' order (tottime, cumulative)")
    parser.add_argument("--lines", type=int, default=40, help="with --profile: how many functions")
    parser.add_argument("--callers", default="", help="with --profile: also who calls the functions matching this")
    parser.add_argument("--src", type=Path, help="serve the lasercare package under this folder (A/B)")
    parser.add_argument(
        "--other-writes",
        type=int,
        default=0,
        metavar="N",
        help="after each request, N audit entries written by another connection, as other workers' requests "
        "write theirs (on SQLite another connection's write empties this one's page cache)",
    )
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)  # the child under valgrind
    args = parser.parse_args()
    if args.instructions and args.serve is None:
        return count_instructions(args)
    serve(args)
    return 0


def count_instructions(args: argparse.Namespace) -> int:
    if shutil.which("valgrind") is None:
        raise SystemExit("page_cost: --instructions needs valgrind (Debian package `valgrind`).")
    requests = args.requests if args.requests != 300 else 100
    totals = []
    with tempfile.TemporaryDirectory() as scratch:
        children = []
        for n in (0, requests):  # both at once: instruction counts do not depend on what else runs
            command = [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out.{n}",
                sys.executable,
                __file__,
                args.page,
                "--database",
                args.database,
                "--serve",
                str(n),
                "--other-writes",
                str(args.other_writes),
            ]
            if args.src:
                command += ["--src", str(args.src)]
            env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts in both runs
            children.append(
                subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            )
        print(
            f"page_cost: counting {args.page} on {args.database} under valgrind (a minute or two) ...", file=sys.stderr
        )
        for child in children:
            _, err = child.communicate()
            found = re.search(r"Collected : (\d+)", err)
            if child.returncode != 0 or found is None:
                raise SystemExit(f"page_cost: the measured process failed:\n{err[-2000:]}")
            totals.append(int(found.group(1)))
    per_request = (totals[1] - totals[0]) / requests
    print(
        f"{args.page} on {args.database}: {per_request / 1e6:.2f}M instructions per request "
        f"({requests} requests after {WARM_UP} of warm-up)"
    )
    return 0


def serve(args: argparse.Namespace) -> None:
    if args.src:
        sys.path.insert(0, str(args.src.resolve()))
    sys.path.insert(0, str(HERE))
    import web_load

    os.environ.pop("DATABASE_URL", None)
    os.environ.update({k: v for k, v in web_load.bench_env(args.database).items() if k != "PYTHONPATH"})
    workload_file = web_load.BENCH_DIR / args.database / "workload.json"
    if not workload_file.exists():
        raise SystemExit(
            f"page_cost: no benchmark data for {args.database}: run "
            f"`bench/web_load.py --database {args.database} --prepare-only` first."
        )
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    if not client.login(username=web_load.USERNAME, password=web_load.PASSWORD):
        raise SystemExit("page_cost: the benchmark's clinician could not sign in")
    # The search is a POST, and it carries the CSRF cookie and token as a browser's would (the unmasked secret in
    # both is a valid pair).
    csrf_secret = get_random_string(32)
    workload = json.loads(workload_file.read_text(encoding="utf-8"))
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    cookies += f"; {settings.CSRF_COOKIE_NAME}={csrf_secret}"
    handler = WSGIHandler()
    other_worker = _other_worker(args) if args.other_writes else None

    def request(i: int) -> None:
        method, path, body = _request(args.page, workload, i)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_COOKIE": cookies,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_HX_REQUEST": "true" if method == "POST" else "",
            "HTTP_X_CSRFTOKEN": csrf_secret,
        }
        status: list[str] = []

        def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code)

        b"".join(handler(environ, start_response))
        if not status[0].startswith("200"):
            raise SystemExit(f"page_cost: {method} {path} answered {status[0]}")
        if other_worker is not None:
            other_worker(args.other_writes)

    for i in range(WARM_UP):
        request(i)
    if args.serve is not None:
        for i in range(args.serve):
            request(i)
        return
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.requests):
            request(i)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(args.sort)
        stats.print_stats(args.lines)
        if args.callers:
            stats.print_callers(args.callers)
        return
    runs = []
    for _ in range(3):
        started = time.process_time()
        for i in range(args.requests):
            request(i)
        runs.append((time.process_time() - started) / args.requests * 1000)
    print(
        f"{args.page} on {args.database}: CPU ms per request {' / '.join(f'{r:.2f}' for r in runs)} "
        f"(three runs of {args.requests})"
    )


def _other_worker(args: argparse.Namespace) -> Any:
    """Writes audit entries as another gunicorn worker would: its own connection, one commit per entry."""
    import sqlite3

    from django.conf import settings

    if args.database != "sqlite":
        raise SystemExit("page_cost: --other-writes measures SQLite's page cache; PostgreSQL's is shared")
    database = str(settings.DATABASES["default"]["NAME"])
    other = sqlite3.connect(database, isolation_level=None)
    beside = Path(database).with_name(Path(database).stem + "-audit.sqlite3")
    if beside.exists():  # a checkout from before audit migration 0005 keeps the log in a file of its own
        other.execute("ATTACH DATABASE ? AS audit", [str(beside)])

    def write(count: int) -> None:
        for _ in range(count):
            other.execute(
                "INSERT INTO audit_auditentry (at, actor_label, action, record_type, record_id, patient_ref, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'bench', 'view', 'plan', '', '', 'another worker')"
            )

    return write


def _request(page: str, workload: dict[str, Any], i: int) -> tuple[str, str, bytes]:
    if page == "dashboard":
        return "GET", "/", b""
    if page == "plan":
        plans = workload["plans"]
        return "GET", f"/plans/{plans[i % len(plans)]}/", b""
    if page == "patients":
        return "GET", "/patients/", b""
    if page == "signed-in":
        return "GET", "/password/done/", b""
    queries = workload["queries"]  # a search is a POST: no names in URLs
    return "POST", "/patients/", urllib.parse.urlencode({"q": queries[i % len(queries)]}).encode()


if __name__ == "__main__":
    raise SystemExit(main())
