"""The `lasercare` command.

Each command imports what it needs when it runs, so `lasercare plan` never pays for the web app or the imaging
libraries (the cold-start budget of docs/cli.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported at run time: see engine/values.py
    from collections.abc import Sequence
    from typing import Any, TextIO

    from lasercare.engine import Knowledge, TreatmentPlan


EXIT_OK = 0
EXIT_KNOWLEDGE = 1  # the knowledge base or clinic policy file is broken
EXIT_INVALID = 2  # the input (intake, arguments) is invalid

COMMANDS = {
    "plan": "make a cited treatment plan from a consultation intake (JSON or TOML)",
    "knowledge": "check the knowledge base and clinic policy, or show what it says about a code",
    "demo": "print the plan of a built-in demo intake",
}

# Commands that live in a module of their own: the module has `add_arguments(parser)` and `run(args) -> int`,
# and is imported only when its command is the one given, so `lasercare plan` never imports Django,
# OpenCV or numpy.
MODULE_COMMANDS = {
    "serve": ("lasercare.serve_cli", "set up the database and serve the practice web app"),
    "analyze": ("lasercare.imaging_cli", "measure skin tone, spots, redness and texture on photos"),
    "safety": ("lasercare.safety_cli", "laser safety: exposure limits, eyewear optical density, hazard distance"),
    "reminders": ("lasercare.reminders_cli", "send the e-mail reminders that are due (the dispatcher)"),
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=120)
        # argparse measures sub-commands two columns short of where it prints them, which wraps the
        # longest command name onto a line of its own; start with room for it.
        self._action_max_length = 15


# A consultation day the plan's date arithmetic (waits, intervals, follow-ups years ahead) can always carry out.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)
# No intake of the contract comes near these; they stop a hostile document before it costs memory or recursion.
MAX_INTAKE_BYTES = 1_000_000
MAX_INTAKE_DEPTH = 32


def _day(text: str) -> date:
    if not (len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real calendar date") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside the days a plan can be made for ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"
        )
    return day


def _deeper_than(document: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (iterative: a deep document must not recurse)."""
    level: list[Any] = [document]
    for _ in range(limit):
        level = [
            inner
            for value in level
            for inner in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else ())
            if isinstance(inner, (dict, list))
        ]
        if not level:
            return False
    return True


def parse_intake_text(text: str, label: str, *, toml: bool = False) -> Any:
    """A JSON (or TOML) intake document within the size and nesting limits. Raises ValueError saying why not."""
    if len(text) > MAX_INTAKE_BYTES and len(text.encode()) > MAX_INTAKE_BYTES:
        raise ValueError(f"{label}: {len(text.encode()):,} bytes; the limit is {MAX_INTAKE_BYTES:,}")
    try:
        if toml:
            import tomllib

            try:
                document = tomllib.loads(text)
            except tomllib.TOMLDecodeError as error:
                raise ValueError(f"{label}: not valid TOML: {error}") from None
        else:
            try:
                document = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"{label}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
                ) from None
    except RecursionError:
        document = None
    if document is None or _deeper_than(document, MAX_INTAKE_DEPTH):
        raise ValueError(
            f"{label}: nested more than {MAX_INTAKE_DEPTH} levels deep (an intake of the contract needs far fewer)"
        )
    return document


_POLICY_HELP = "clinic policy file (TOML) overriding the practice-policy defaults; default: $LASERCARE_POLICY"


def _parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's for help or an unknown word, only the selected one's otherwise.

    Building each command's parser was 2 ms of a cold `lasercare plan` (bench/plan_throughput.py: the whole cold
    start is about 34 ms against 8 ms for a bare interpreter, and the target is 4x), for parsers it never used."""
    parser = argparse.ArgumentParser(
        prog="lasercare",
        formatter_class=_Formatter,
        description="lasercare: laser skin rejuvenation from the first consultation to the last follow-up.",
        epilog="Run 'lasercare COMMAND --help' for a command's options and examples. Documentation: docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"lasercare {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    builders = {"plan": _add_plan, "knowledge": _add_knowledge, "demo": _add_demo}
    known = selected in builders or selected in MODULE_COMMANDS
    for name, build in builders.items():
        if not known or name == selected:
            build(sub)
    for name, (module_name, help_text) in MODULE_COMMANDS.items():
        if known and name != selected:
            continue
        command = sub.add_parser(name, help=help_text, formatter_class=_Formatter, description=help_text)
        if name == selected:
            _command_module(module_name).add_arguments(command)
    return parser


def _add_plan(sub: Any) -> None:
    plan = sub.add_parser(
        "plan",
        help=COMMANDS["plan"],
        formatter_class=_Formatter,
        description="Make a treatment plan from a consultation intake in the format of "
        "contracts/intake.schema.json.\nPrints a plan for people, or with --json the plan document "
        "(contracts/plan.schema.json).",
        epilog="Exit status: 0 with a plan; 2 when the intake is invalid (the message names the field, and a key\n"
        "the contract does not have is refused by its path); 1 when the knowledge base or the clinic\n"
        "policy file is broken.\n\n"
        "Examples:\n  lasercare plan intake.json\n  lasercare plan --json --on 2026-12-01 intake.toml\n"
        "  cat intakes.jsonl | lasercare plan --jsonl > plans.jsonl",
    )
    plan.add_argument("intake", nargs="?", help="intake file (.json or .toml), or - for standard input")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument(
        "--jsonl",
        action="store_true",
        help="read one JSON intake per line on standard input, write one JSON plan per line",
    )
    plan.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="consultation day (default: today)")
    plan.add_argument("--policy", metavar="FILE", help=_POLICY_HELP)


def _add_knowledge(sub: Any) -> None:
    knowledge = sub.add_parser(
        "knowledge",
        help=COMMANDS["knowledge"],
        formatter_class=_Formatter,
        description="Inspect the clinical knowledge base (docs/clinical-knowledge.md).",
    )
    ksub = knowledge.add_subparsers(dest="knowledge_command", metavar="ACTION", title="actions")
    check = ksub.add_parser(
        "check",
        help="validate the knowledge base and the clinic policy file; list every problem",
        formatter_class=_Formatter,
    )
    check.add_argument("--policy", metavar="FILE", help=_POLICY_HELP)
    check.add_argument(
        "--json", action="store_true", help="print the counts (sources by kind and by verification status) as JSON"
    )
    show = ksub.add_parser(
        "show",
        help="what the knowledge base says about a modality, finding, medication, source or policy value",
        formatter_class=_Formatter,
        epilog="Examples:\n  lasercare knowledge show nafl_1550\n  lasercare knowledge show hsv_history\n"
        "  lasercare knowledge show 'Doxycycline 100 mg'\n  lasercare knowledge show 'Acutan 40mg'\n"
        "  lasercare knowledge show tetracycline",
    )
    show.add_argument("code", help="a modality, finding, medication class or name, source id or policy key")
    show.add_argument("--json", action="store_true", help="print as JSON")
    show.add_argument("--policy", metavar="FILE", help=_POLICY_HELP)


def _add_demo(sub: Any) -> None:
    demo = sub.add_parser(
        "demo",
        help=COMMANDS["demo"],
        formatter_class=_Formatter,
        description="Print the plan of a built-in demo intake (see src/lasercare/demo_intake.json).",
    )
    demo.add_argument("--json", action="store_true", help="print the plan as JSON")
    demo.add_argument("--on", type=_day, metavar="YYYY-MM-DD", help="consultation day (default: today)")


def _command_module(name: str) -> Any:
    import importlib

    return importlib.import_module(name)


def _version() -> str:
    from lasercare import __version__

    return __version__


def _error(message: str, stream: TextIO | None = None) -> None:
    print(f"lasercare: {message}", file=stream or sys.stderr)


def _policy_path(given: str | None) -> str | None:
    return given or os.environ.get("LASERCARE_POLICY") or None


def _load_knowledge(policy: str | None) -> Knowledge | None:
    from lasercare.engine import KnowledgeError, load_knowledge

    try:
        return load_knowledge(_policy_path(policy))
    except KnowledgeError as error:
        _error(str(error))
        return None


def read_document(name: str) -> Any:
    """A JSON or TOML document (an intake, a device or eyewear file) from a file or standard input.

    Raises ValueError with a readable message."""
    if name == "-":
        text = sys.stdin.read().removeprefix("\ufeff")
        label = "standard input"
    else:
        try:
            # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark.
            with open(name, encoding="utf-8-sig") as handle:
                text = handle.read()
        except FileNotFoundError:
            raise ValueError(f"{name}: no such file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"{name}: cannot be read: {error}") from None
        label = name
    is_toml = name.endswith(".toml") or (name == "-" and not text.lstrip().startswith(("{", "[")))
    return parse_intake_text(text, label, toml=is_toml)


def _write_json(plan: TreatmentPlan) -> None:
    """Indented for a person at a terminal; one compact line for a program."""
    from lasercare.engine import plan_to_dict, plan_to_json

    if sys.stdout.isatty():
        sys.stdout.write(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(plan_to_json(plan) + "\n")


def _plan(args: argparse.Namespace) -> int:
    from lasercare.engine import IntakeError, make_plan, read_intake

    if args.jsonl and args.intake not in (None, "-"):
        _error("plan --jsonl reads standard input; give no INTAKE (or -)")
        return EXIT_INVALID
    if not args.jsonl and args.intake is None:
        _error("plan: give an INTAKE file, or - to read standard input (see 'lasercare plan --help')")
        return EXIT_INVALID
    on = args.on or date.today()
    if args.jsonl:
        knowledge = _load_knowledge(args.policy)
        if knowledge is None:
            return EXIT_KNOWLEDGE
        return _plan_lines(knowledge, on)
    try:
        document = read_document(args.intake)
    except ValueError as error:
        _error(str(error))
        return EXIT_INVALID
    try:
        intake = read_intake(document, on)
    except IntakeError as error:
        _error(f"invalid intake: {error}")
        return EXIT_INVALID
    knowledge = _load_knowledge(args.policy)
    if knowledge is None:
        return EXIT_KNOWLEDGE
    plan = make_plan(intake, on, knowledge)
    if args.json:
        _write_json(plan)
    else:
        from lasercare.engine.report import render_plan

        sys.stdout.write(render_plan(plan))
    return EXIT_OK


def _plan_lines(knowledge: Knowledge, on: date) -> int:
    import gc

    from lasercare.engine import IntakeError, make_plan, plan_to_json, read_intake

    # The knowledge base lives for the whole run: freezing it spares the collector from rescanning it.
    gc.freeze()
    invalid = 0
    write = sys.stdout.write
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            intake = read_intake(parse_intake_text(line, f"line {number}"), on)
        except IntakeError as error:
            invalid += 1
            write(dumps({"error": str(error), "field": error.field, "line": number}) + "\n")
            continue
        except ValueError as error:
            invalid += 1
            write(dumps({"error": str(error).removeprefix(f"line {number}: "), "line": number}) + "\n")
            continue
        write(plan_to_json(make_plan(intake, on, knowledge)) + "\n")
    return EXIT_INVALID if invalid else EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from importlib.resources import files

    from lasercare.engine import make_plan, read_intake
    from lasercare.engine.report import render_plan

    document = json.loads(files("lasercare").joinpath("demo_intake.json").read_text(encoding="utf-8"))
    on = args.on or date.today()
    knowledge = _load_knowledge(None)
    if knowledge is None:
        return EXIT_KNOWLEDGE
    plan = make_plan(read_intake(document, on), on, knowledge)
    if args.json:
        _write_json(plan)
    else:
        print("Demo intake (src/lasercare/demo_intake.json):")
        print(json.dumps(document, indent=2))
        print()
        sys.stdout.write(render_plan(plan))
    return EXIT_OK


def _knowledge(args: argparse.Namespace) -> int:
    from lasercare.knowledge_cli import check_knowledge, show_knowledge

    if args.knowledge_command == "check":
        return check_knowledge(_policy_path(args.policy), as_json=args.json)
    if args.knowledge_command == "show":
        return show_knowledge(args.code, _policy_path(args.policy), as_json=args.json)
    _error("knowledge: give an action: check or show (see 'lasercare knowledge --help')")
    return EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    selected = next((word for word in arguments if not word.startswith("-")), None)
    parser = _parser(selected)
    args = parser.parse_args(arguments)
    handlers = {"plan": _plan, "knowledge": _knowledge, "demo": _demo}
    if args.command is None:
        parser.print_help()
        return EXIT_INVALID
    try:
        if args.command in MODULE_COMMANDS:
            return int(_command_module(MODULE_COMMANDS[args.command][0]).run(args))
        return handlers[args.command](args)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
