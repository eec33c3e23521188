"""`lasercare safety`: exposure limits, eyewear optical density and hazard distance from the command line.

The numbers come from lasercare.lasersafety (docs/laser-safety.md); this module only reads arguments and files
and prints. It supports, and does not replace, the practice's laser safety officer.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_NOT_COVERED = 1  # `check`: some device wavelength or IPL band has no eyewear that covers it
EXIT_INVALID = 2

_OPTION_OF_FIELD = {
    "wavelength_nm": "--wavelength-nm",
    "exposure_s": "--exposure-s",
    "pulse_energy_j": "--pulse-energy-j",
    "pulse_s": "--pulse-s",
    "rep_hz": "--rep-hz",
    "power_w": "--power-w",
    "beam_mm": "--beam-mm",
    "divergence_mrad": "--divergence-mrad",
    "power_w/pulse_energy_j": "--power-w / --pulse-energy-j",
}

_LIMITS = (
    "It supports, and does not replace, the practice's laser safety officer. Point source (direct beam) assumed;\n"
    "tables: Directive 2006/25/EC Annex II (ICNIRP/IEC limits); see docs/laser-safety.md for every simplification."
)


def _formatter() -> type[argparse.HelpFormatter]:
    from lasercare.cli import _Formatter

    return _Formatter


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `safety` sub-commands: mpe, eyewear and check."""
    formatter = _formatter()
    parser.description = (
        "Laser safety: maximum permissible exposure, the optical density and EN 207 scale number eyewear needs, and "
        "the nominal ocular hazard distance.\n" + _LIMITS
    )
    parser.epilog = (
        "Run 'lasercare safety ACTION --help' for its options and examples. Documentation: docs/laser-safety.md."
    )
    sub = parser.add_subparsers(dest="safety_command", metavar="ACTION", title="actions")

    mpe = sub.add_parser(
        "mpe",
        help="maximum permissible exposure of the eye and skin for one exposure",
        formatter_class=formatter,
        description="The maximum permissible exposure (MPE) of the eye and of the skin for a single exposure, as "
        "radiant exposure (J/cm2)\nand mean irradiance (W/cm2), with the table and row that set it.\n" + _LIMITS,
        epilog="Exit status: 0 with a result; 2 when an option is impossible (the message names it).\n\n"
        "Examples:\n"
        "  lasercare safety mpe --wavelength-nm 1064 --exposure-s 10e-9      # Q-switched Nd:YAG pulse\n"
        "  lasercare safety mpe --wavelength-nm 532 --exposure-s 0.25        # KTP, aversion response\n"
        "  lasercare safety mpe --wavelength-nm 10600 --exposure-s 10 --json  # CO2",
    )
    mpe.add_argument("--wavelength-nm", type=float, required=True, metavar="W", help="wavelength, 180 to 1000000 nm")
    mpe.add_argument("--exposure-s", type=float, required=True, metavar="T", help="exposure duration in seconds")
    mpe.add_argument("--json", action="store_true", help="print the result as JSON")

    eyewear = sub.add_parser(
        "eyewear",
        help="required optical density, EN 207 scale number and NOHD for a beam",
        formatter_class=formatter,
        description="The optical density (OD = log10(exposure/MPE)) and EN 207 scale number (L-number) eyewear needs "
        "against a laser's\ndirect beam at its aperture, and the nominal ocular hazard distance (NOHD) when the "
        "divergence is given.\nA pulsed laser is given by its pulse energy and duration (and repetition rate for a "
        "train), a continuous one by its power.\n" + _LIMITS,
        epilog="Exit status: 0 with a result; 2 when an option is impossible (the message names it).\n\n"
        "Examples:\n"
        "  lasercare safety eyewear --wavelength-nm 1064 --pulse-energy-j 1.0 --pulse-s 6e-9 --rep-hz 10 "
        "--beam-mm 4 --divergence-mrad 2\n"
        "  lasercare safety eyewear --wavelength-nm 755 --pulse-energy-j 0.2 --pulse-s 750e-12 --rep-hz 10 "
        "--beam-mm 3\n"
        "  lasercare safety eyewear --wavelength-nm 10600 --power-w 30 --beam-mm 2 --divergence-mrad 4 --json\n"
        "  lasercare safety eyewear --wavelength-nm 1550 --pulse-energy-j 0.07 --pulse-s 3e-3 --rep-hz 200 "
        "--beam-mm 0.2 --divergence-mrad 200",
    )
    eyewear.add_argument(
        "--wavelength-nm", type=float, required=True, metavar="W", help="wavelength, 180 to 1000000 nm"
    )
    eyewear.add_argument("--pulse-energy-j", type=float, metavar="E", help="energy of one pulse, joules")
    eyewear.add_argument("--pulse-s", type=float, metavar="T", help="duration of one pulse, seconds")
    eyewear.add_argument("--rep-hz", type=float, metavar="F", help="pulse repetition rate, Hz (omit for one pulse)")
    eyewear.add_argument("--power-w", type=float, metavar="P", help="continuous power, watts")
    eyewear.add_argument("--beam-mm", type=float, required=True, metavar="D", help="beam diameter at the aperture, mm")
    eyewear.add_argument(
        "--divergence-mrad", type=float, metavar="X", help="full-angle divergence, mrad (needed for the NOHD)"
    )
    eyewear.add_argument(
        "--exposure-s",
        type=float,
        metavar="T",
        help="exposure duration, s (default: 100 s above 400 nm, 30000 s below; IEC 60825-14 clause 5.1)",
    )
    eyewear.add_argument("--json", action="store_true", help="print the result as JSON")

    check = sub.add_parser(
        "check",
        help="check a devices file against an eyewear inventory file",
        formatter_class=formatter,
        description="Check every laser wavelength of a devices file (worst case over its settings) and every IPL band "
        "against\nan eyewear inventory file. Files are TOML (.toml) or JSON; formats in docs/laser-safety.md.\n"
        "IPL is not a laser: it is covered only by eyewear whose manufacturer rates it for the IPL's band.\n" + _LIMITS,
        epilog="Exit status: 0 when every device is covered; 1 when some device wavelength or IPL band is not\n"
        "(each is named with the OD it lacks); 2 when a file is missing or invalid (the message names the entry\n"
        "and field).\n\n"
        "Examples:\n  lasercare safety check devices.toml eyewear.toml\n"
        "  lasercare safety check devices.json eyewear.json --json",
    )
    check.add_argument("devices", metavar="DEVICES", help="devices file (.toml or .json)")
    check.add_argument("eyewear", metavar="EYEWEAR", help="eyewear inventory file (.toml or .json)")
    check.add_argument("--json", action="store_true", help="print the result as JSON")


def _error(message: str) -> None:
    print(f"lasercare: {message}", file=sys.stderr)


def _write_json(document: dict[str, Any]) -> None:
    if sys.stdout.isatty():
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")


def _number(value: float) -> str:
    return f"{value:.3g}"


def _print_mpe(document: dict[str, Any]) -> None:
    print(f"Maximum permissible exposure at {document['wavelength_nm']:g} nm for {document['exposure_s']:g} s")
    for tissue in ("eye", "skin"):
        part = document[tissue]
        print(
            f"  {tissue}: {_number(part['mpe_j_cm2'])} J/cm2 ({_number(part['mpe_w_cm2'])} W/cm2 mean), "
            f"{part['hazard']} limit, averaged over a {part['limiting_aperture_mm']:g} mm aperture"
        )
        print(f"        rule: {part['rule']}")
        for name, factor in part["factors"].items():
            print(f"        {name} = {factor['value']:g}  ({factor['source']})")
    simplifications = dict.fromkeys(document["eye"]["simplifications"] + document["skin"]["simplifications"])
    if simplifications:
        print("Simplifications:")
        for text in simplifications:
            print(f"  - {text}")
    print(f"Note: {document['note']}.")


def _print_requirement(document: dict[str, Any], indent: str = "") -> None:
    print(
        f"{indent}Eyewear for {document['wavelength_nm']:g} nm ({document['mode']}), "
        f"exposure {document['exposure_s']:g} s ({document['exposure_s_source']})"
    )
    per = "per pulse" if document["mode"] != "continuous" else ""
    mpe_w = f", {_number(document['eye_mpe_w_cm2'])} W/cm2" if document["eye_mpe_w_cm2"] is not None else ""
    print(f"{indent}  eye MPE: {_number(document['eye_mpe_j_cm2'])} J/cm2 {per}{mpe_w}".rstrip())
    print(f"{indent}  OD required: {document['od_required']:.2f}  (set by {document['od_rule']})")
    for rule in document["rules"]:
        print(
            f"{indent}    {rule['rule']}: {_number(rule['exposure'])} vs {_number(rule['limit'])} {rule['unit']}"
            f" over {rule['limiting_aperture_mm']:g} mm -> OD {rule['od']:.2f}"
        )
        print(f"{indent}      limit: {rule['limit_rule']}")
    print(f"{indent}  EN 207: {document['en207_marking']} (L-number {document['l_number']})")
    nohd = document["nohd_m"]
    print(
        f"{indent}  NOHD: " + (f"{nohd:g} m" if nohd is not None else "not computed") + f"  ({document['nohd_note']})"
    )
    print(f"{indent}  Simplifications:")
    for text in document["simplifications"]:
        print(f"{indent}    - {text}")


def _field_message(field: str, problem: str) -> str:
    return f"{_OPTION_OF_FIELD.get(field, field)}: {problem}"


def _mpe(args: argparse.Namespace) -> int:
    from lasercare.lasersafety import SafetyInputError, single_exposure_mpe
    from lasercare.lasersafety.serialize import mpe_to_dict

    try:
        result = single_exposure_mpe(args.wavelength_nm, args.exposure_s)
    except SafetyInputError as error:
        _error(f"safety mpe: {_field_message(error.field, error.problem)}")
        return EXIT_INVALID
    document = mpe_to_dict(result)
    if args.json:
        _write_json(document)
    else:
        _print_mpe(document)
    return EXIT_OK


def _eyewear(args: argparse.Namespace) -> int:
    from lasercare.lasersafety import LaserBeam, SafetyInputError, eyewear_requirement
    from lasercare.lasersafety.serialize import requirement_to_dict

    try:
        beam = LaserBeam(
            wavelength_nm=args.wavelength_nm,
            beam_mm=args.beam_mm,
            power_w=args.power_w,
            pulse_energy_j=args.pulse_energy_j,
            pulse_s=args.pulse_s,
            rep_hz=args.rep_hz,
            divergence_mrad=args.divergence_mrad,
            exposure_s=args.exposure_s,
        )
        result = eyewear_requirement(beam)
    except SafetyInputError as error:
        _error(f"safety eyewear: {_field_message(error.field, error.problem)}")
        return EXIT_INVALID
    document = requirement_to_dict(result)
    if args.json:
        _write_json(document)
    else:
        _print_requirement(document)
        print(f"Note: {document['note']}.")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from lasercare.cli import read_document
    from lasercare.lasersafety import SafetyInputError
    from lasercare.lasersafety.inventory import check_inventory, read_devices, read_eyewear
    from lasercare.lasersafety.serialize import report_to_dict

    try:
        devices_document = read_document(args.devices)
        eyewear_document = read_document(args.eyewear)
    except ValueError as error:
        _error(f"safety check: {error}")
        return EXIT_INVALID
    try:
        devices = read_devices(devices_document)
    except SafetyInputError as error:
        _error(f"safety check: {args.devices}: {error.field}: {error.problem}")
        return EXIT_INVALID
    try:
        eyewear = read_eyewear(eyewear_document)
    except SafetyInputError as error:
        _error(f"safety check: {args.eyewear}: {error.field}: {error.problem}")
        return EXIT_INVALID
    try:
        report = check_inventory(devices, eyewear)
    except SafetyInputError as error:
        _error(f"safety check: {args.devices}: {error.field}: {error.problem}")
        return EXIT_INVALID
    document = report_to_dict(report)
    if args.json:
        _write_json(document)
    else:
        for item in document["items"]:
            mark = "covered" if item["covered"] else "NOT COVERED"
            if item["kind"] == "ipl":
                low, high = item["band_nm"]
                print(f"{mark}: {item['device']} (IPL {low:g}-{high:g} nm)")
            else:
                print(
                    f"{mark}: {item['device']} at {item['wavelength_nm']:g} nm: OD {item['od_required']:.2f} needed, "
                    f"{item['en207_marking']}, NOHD "
                    + (f"{item['nohd_m']:g} m" if item["nohd_m"] is not None else "not computed")
                )
            if item["covered_by"]:
                print("  by: " + ", ".join(item["covered_by"]))
            for problem in item["problems"]:
                print(f"  problem: {problem}")
            if item["note"]:
                print(f"  note: {item['note']}")
        uncovered = [item for item in document["items"] if not item["covered"]]
        print(
            "Every device is covered."
            if not uncovered
            else f"{len(uncovered)} device wavelength(s) or IPL band(s) not covered."
        )
        print("Worst case over each device's settings; see --json for every rule and simplification.")
    for item in document["items"]:
        if not item["covered"]:
            where = f"{item['wavelength_nm']:g} nm" if item["kind"] == "laser" else "IPL band"
            lacking = f" (lacks OD {item['od_shortfall']:.2f})" if item.get("od_shortfall") else ""
            _error(f"safety check: {item['device']} at {where} is not covered{lacking}: " + "; ".join(item["problems"]))
    return EXIT_OK if report.all_covered else EXIT_NOT_COVERED


def run(args: argparse.Namespace) -> int:
    """Run `lasercare safety ACTION`; exit 0 ok, 1 when `check` finds a device not covered, 2 on invalid input."""
    handlers = {"mpe": _mpe, "eyewear": _eyewear, "check": _check}
    action = getattr(args, "safety_command", None)
    if action not in handlers:
        _error("safety: give an action: mpe, eyewear or check (see 'lasercare safety --help')")
        return EXIT_INVALID
    return handlers[action](args)
