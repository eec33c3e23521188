"""`lasercare reminders run [--once]`: the dispatcher that sends the e-mail reminders that are due.

Every INTERVAL seconds it queues a send job for each reminder due (lasercare.practice.reminders.sending): the jobs
run in this process with the embedded default (TASKS_BACKEND unset), on the RQ workers in production. Any number
of dispatchers may run at once: each reminder is claimed by one and sent once. `lasercare serve` runs one in the
background unless told not to (--no-reminders).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from types import FrameType

DEFAULT_INTERVAL = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "E-mail settings (EMAIL_BACKEND, EMAIL_HOST, ...) and the job backend (TASKS_BACKEND) come from the\n"
        "environment, as for 'lasercare serve' (docs/reminders.md, docs/deployment.md).\n\n"
        "Examples:\n  lasercare reminders run            # every minute until stopped (Ctrl+C, SIGTERM)\n"
        "  lasercare reminders run --once     # send what is due now, then exit (e.g. from cron)"
    )
    sub = parser.add_subparsers(dest="reminders_command", metavar="ACTION", title="actions")
    run = sub.add_parser(
        "run",
        help="send the reminders that are due, every INTERVAL seconds until stopped",
        description="Send the e-mail reminders that are due: preparation before each session, the appointment the "
        "day before, aftercare check-ins after it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit status: 0 when stopped (SIGTERM, SIGINT) or after --once; 2 when the settings are invalid.",
    )
    run.add_argument("--once", action="store_true", help="dispatch once and exit")
    run.add_argument(
        "--interval",
        type=int,
        default=DEFAULT_INTERVAL,
        metavar="SECONDS",
        help="seconds between two dispatches (default: %(default)s)",
    )


class _Stop:
    requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def run(args: argparse.Namespace) -> int:
    if args.reminders_command != "run":
        print("lasercare: reminders: give an action: run (see 'lasercare reminders --help')", file=sys.stderr)
        return 2
    if args.interval < 1:
        print("lasercare: reminders run: --interval must be at least 1 second", file=sys.stderr)
        return 2
    # Before anything slow: a SIGTERM while Django sets up still stops the dispatcher cleanly.
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lasercare.site.settings")
    from lasercare.site.env import SettingError

    try:
        import django

        django.setup()
    except SettingError as error:
        print(f"lasercare: {error}", file=sys.stderr)
        return 2
    from django.db import close_old_connections

    from lasercare.practice.clinic.throttle import forget_old
    from lasercare.practice.reminders.sending import dispatch_due

    if not args.once:
        print(f"lasercare reminders: dispatching every {args.interval} s", file=sys.stderr, flush=True)
    while not stop.requested:
        close_old_connections()
        queued = dispatch_due()
        if queued:
            # Counts only: a reminder's patient is never named in a log.
            print(f"lasercare reminders: {queued} reminder(s) dispatched", file=sys.stderr, flush=True)
        # The practice's other periodic chore: failed log-ins past the throttling window count for nothing.
        forget_old()
        if args.once:
            return 0
        waited = 0.0
        while waited < args.interval and not stop.requested:
            time.sleep(0.2)
            waited += 0.2
    return 0
