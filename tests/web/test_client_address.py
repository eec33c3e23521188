"""The client's address, for the audit log and log-in throttling: only a trusted proxy is believed about it."""

from __future__ import annotations

from ipaddress import ip_network
from typing import TYPE_CHECKING

import pytest
from django.test import RequestFactory

from lasercare.practice.audit.services import client_address

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings as SettingsWrapper

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings: SettingsWrapper) -> SettingsWrapper:
    settings.TRUSTED_PROXIES = (ip_network("10.0.0.0/24"),)
    settings.AUDIT_CLIENT_ADDRESS_HEADER = ""
    return settings


def address(peer: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_without_a_proxy_the_address_is_the_peers(settings: SettingsWrapper) -> None:
    settings.TRUSTED_PROXIES, settings.AUDIT_CLIENT_ADDRESS_HEADER = (), ""
    assert address("203.0.113.9", forwarded="198.51.100.1") == "203.0.113.9"


def test_a_trusted_proxy_names_the_client(behind_proxy: SettingsWrapper) -> None:
    assert address(PROXY, forwarded="203.0.113.9") == "203.0.113.9"


def test_what_a_client_wrote_in_the_header_before_the_proxy_is_not_believed(behind_proxy: SettingsWrapper) -> None:
    # The client sent "X-Forwarded-For: 192.0.2.1"; the proxy appended the address it saw.
    assert address(PROXY, forwarded="192.0.2.1, 203.0.113.9") == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(behind_proxy: SettingsWrapper) -> None:
    assert address(PROXY, forwarded="203.0.113.9, 10.0.0.7") == "203.0.113.9"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_another_address(behind_proxy: SettingsWrapper) -> None:
    assert address("203.0.113.50", forwarded="192.0.2.1") == "203.0.113.50"


def test_a_header_that_is_not_an_address_leaves_the_proxys(behind_proxy: SettingsWrapper) -> None:
    assert address(PROXY, forwarded="not-an-address") == PROXY


def test_the_older_setting_still_reads_the_last_address_of_its_header(settings: SettingsWrapper) -> None:
    settings.TRUSTED_PROXIES, settings.AUDIT_CLIENT_ADDRESS_HEADER = (), "HTTP_X_FORWARDED_FOR"
    assert address(PROXY, forwarded="192.0.2.1, 203.0.113.9") == "203.0.113.9"
