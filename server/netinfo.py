"""The machine's own addresses, for invite links and for the Origin check."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys

_SIOCGIFADDR = 0x8915  # Linux: the IPv4 address of an interface


def lan_ipv4_addresses() -> list[str]:
    """Every non-loopback IPv4 address of this machine, sorted, without duplicates."""
    found: set[str] = set()
    if sys.platform.startswith("linux"):
        found.update(_linux_interface_addresses())
    with contextlib.suppress(OSError):
        found.update(socket.gethostbyname_ex(socket.gethostname())[2])
    usable = []
    for text in found:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if not (address.is_loopback or address.is_unspecified or address.is_link_local):
            usable.append(address)
    return [str(a) for a in sorted(usable)]


def _linux_interface_addresses() -> list[str]:
    import fcntl  # POSIX only: imported here so that Windows can import this module

    addresses = []
    try:
        interfaces = socket.if_nameindex()
    except OSError:
        return []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in interfaces:
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:
                continue  # no IPv4 address on this interface
            addresses.append(socket.inet_ntoa(answer[20:24]))
    return addresses


def is_wildcard(host: str) -> bool:
    return host in ("", "0.0.0.0", "::")  # noqa: S104 - naming the wildcard, not binding it


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
