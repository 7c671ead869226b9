"""server/netinfo.py: the machine's own addresses, on the machine's real interfaces."""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import sys

import pytest

from roomcast.server import netinfo
from roomcast.server.netinfo import is_loopback, is_wildcard, lan_ipv4_addresses

LINUX = sys.platform.startswith("linux")


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("", True),
        ("0.0.0.0", True),
        ("::", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("localhost", False),
        ("192.168.1.10", False),
        ("0.0.0.1", False),
        ("[::]", False),
    ],
)
def test_is_wildcard(host: str, expected: bool) -> None:
    assert is_wildcard(host) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.5.6.7", True),  # all of 127/8
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("[::1]", False),  # a URL's bracketed form is not an address
        ("128.0.0.1", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_lan_addresses_are_sorted_unique_usable_ipv4() -> None:
    found = lan_ipv4_addresses()
    assert isinstance(found, list)
    addresses = [ipaddress.IPv4Address(a) for a in found]  # raises on anything else
    assert [str(a) for a in addresses] == found  # canonical text
    assert addresses == sorted(set(addresses))
    for a in addresses:
        assert not (a.is_loopback or a.is_unspecified or a.is_link_local), a
    assert lan_ipv4_addresses() == found  # stable from one call to the next


@pytest.mark.skipif(not LINUX, reason="interface addresses are read with a Linux ioctl")
def test_linux_interfaces_include_loopback_which_the_lan_list_leaves_out() -> None:
    interfaces = netinfo._linux_interface_addresses()
    assert "127.0.0.1" in interfaces  # lo: the ioctl really reads the interfaces
    lan = set(lan_ipv4_addresses())
    assert "127.0.0.1" not in lan
    usable = {a for a in interfaces if not ipaddress.IPv4Address(a).is_loopback}
    assert usable - {a for a in usable if ipaddress.IPv4Address(a).is_link_local} <= lan


@pytest.mark.skipif(not LINUX or shutil.which("ip") is None, reason="needs Linux and iproute2's ip")
def test_lan_addresses_agree_with_ip_addr() -> None:
    out = subprocess.run(
        ["ip", "-4", "-o", "addr", "show"],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    listed = {line.split()[3].split("/")[0] for line in out.splitlines() if " inet " in line}
    assert "127.0.0.1" in listed
    expected = {
        a
        for a in listed
        if not (ipaddress.IPv4Address(a).is_loopback or ipaddress.IPv4Address(a).is_link_local)
    }
    assert expected <= set(lan_ipv4_addresses())
