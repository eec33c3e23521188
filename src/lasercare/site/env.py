"""Typed readers for settings that come from the environment (after healthchecks' `hc/settings.py`).

Secrets may be given as a variable or, for container secrets, as a file named by `NAME_FILE`.
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network


class SettingError(Exception):
    """A setting in the environment has a value the app cannot use."""


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, default: str | None = None) -> str | None:
    """The secret in `NAME`, or in the file that `NAME_FILE` names (trailing newline dropped)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read().rstrip("\n")
        except OSError as error:
            raise SettingError(f"{name}_FILE: cannot read {path}: {error.strerror}") from None
    return os.environ.get(name, default)


def envnetworks(name: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Addresses or networks, comma-separated ("10.0.0.5, 192.168.1.0/24"); a setting that is not one is refused."""
    found = []
    for item in envlist(name, []):
        try:
            found.append(ip_network(item, strict=False))
        except ValueError:
            raise SettingError(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    return tuple(found)
