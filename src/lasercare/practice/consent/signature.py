"""The drawn signature: SVG path data of straight strokes, read strictly.

The signature is drawn server-side into an <svg> element on the signed consent, so whatever is stored must be
nothing but path data: "M" and "L" commands with plain numbers inside the pad's drawing area. Anything else (other
commands, exponents, attributes, markup, a path too long to be a signature) is refused rather than cleaned, and
what is stored is the path rewritten in one canonical form. No Django here: tested directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# The pad's drawing area, in the units the static JavaScript writes (it scales the canvas to them).
WIDTH = 600
HEIGHT = 200
MAX_LENGTH = 40_000  # characters of path data as sent
MAX_POINTS = 4_000
MIN_POINTS = 2  # at least one stroke with a length: a tap is not a signature
MIN_EXTENT = 10  # units the signature spans, across or down: a tap or a slip of the finger is not a signature

_NUMBER = r"\d{1,4}(?:\.\d{1,2})?"
_COMMAND = re.compile(rf"([ML])\s*({_NUMBER})(?:\s*,\s*|\s+)({_NUMBER})\s*")
_ONLY_ALLOWED = re.compile(r"[ML0-9., ]*")


class SignatureError(ValueError):
    """The signature cannot be accepted; the message says why in plain words."""


@dataclass(frozen=True)
class Signature:
    points: tuple[tuple[str, float, float], ...]  # (command, x, y)

    @property
    def path_data(self) -> str:
        """The canonical form stored and drawn: "M10 20L11.5 21M…"."""
        return "".join(f"{command}{_number(x)} {_number(y)}" for command, x, y in self.points)

    @property
    def strokes(self) -> int:
        return sum(1 for command, _x, _y in self.points if command == "M")


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def read_signature(data: str) -> Signature:
    """The signature in `data`, or SignatureError saying what is wrong with it."""
    text = data.strip()
    if not text:
        raise SignatureError(_("The drawn signature is missing: please sign in the box."))
    if len(text) > MAX_LENGTH:
        raise SignatureError(_("The drawn signature is too long to store: clear it and sign again."))
    if _ONLY_ALLOWED.fullmatch(text) is None:
        raise SignatureError(_("The drawn signature could not be read: clear it and sign again."))
    points: list[tuple[str, float, float]] = []
    position = 0
    while position < len(text):
        found = _COMMAND.match(text, position)
        if found is None:
            raise SignatureError(_("The drawn signature could not be read: clear it and sign again."))
        command, x, y = found.group(1), float(found.group(2)), float(found.group(3))
        if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
            raise SignatureError(_("The drawn signature goes outside the signing box: clear it and sign again."))
        points.append((command, x, y))
        if len(points) > MAX_POINTS:
            raise SignatureError(_("The drawn signature is too long to store: clear it and sign again."))
        position = found.end()
    if points[0][0] != "M":
        raise SignatureError(_("The drawn signature could not be read: clear it and sign again."))
    xs, ys = [x for _c, x, _y in points], [y for _c, _x, y in points]
    too_small = max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_EXTENT
    if len(points) < MIN_POINTS or all(command == "M" for command, _x, _y in points) or too_small:
        raise SignatureError(_("The drawn signature is too short: please sign with your usual signature."))
    return Signature(points=tuple(points))
