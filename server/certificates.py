"""A self-signed certificate for hosting over ``wss://`` without a CA (issue 18).

``roomcast-server --self-signed`` (and, later, the desktop app when it hosts
for the network) serves TLS with a certificate of its own. Nobody's CA
vouches for it; its SHA-256 fingerprint does: the invite carries it
(``roomcasts://HOST:PORT/r/ROOM#sha256=…``, ``desktop/links.py``) and a
Roomcast client pins it (``desktop/tls.py``). The rules:

* **Made once, kept.** The key and the certificate live in one PEM file in a
  folder of the user's (:func:`self_signed`); the next start reuses them, so
  the fingerprint people pinned stays valid. A new one is made only when
  there is none, when it cannot be read, when it expires within
  :data:`RENEW_BEFORE`, or when it does not name an address asked for.
* **Private.** The folder is created ``0700`` and the file ``0600`` from
  the first byte (``os.open`` with the mode, never chmod after writing).
* **What it names.** Every address the server answers on (IP addresses as
  ``IPAddress`` entries, names as ``DNSName``): a browser or a client that
  checks names finds its own; the fingerprint is what Roomcast checks.

The ``cryptography`` package is imported only when a certificate is made or
read: the server runs without it unless asked for TLS of its own.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["CERT_FILE", "RENEW_BEFORE", "VALID_FOR", "SelfSigned", "fingerprint", "self_signed"]

#: The one file: private key, then certificate (what ``--certfile`` takes).
CERT_FILE: Final = "roomcast-self-signed.pem"
#: How long a certificate made here is valid. 825 days: the longest that
#: Apple's TLS stack accepts for a server certificate.
VALID_FOR: Final = datetime.timedelta(days=825)
#: A certificate that expires sooner than this is made again.
RENEW_BEFORE: Final = datetime.timedelta(days=30)


@dataclass(frozen=True)
class SelfSigned:
    """Where the certificate is, its SHA-256 fingerprint, and whether it was made now."""

    path: Path
    fingerprint: str
    made: bool


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as ``AB:CD:…`` (what ``desktop.tls`` pins)."""
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def self_signed(
    folder: Path, hosts: Iterable[str], *, make_for: Iterable[str] | None = None
) -> SelfSigned:
    """The certificate in ``folder`` for ``hosts``: the one kept there when it
    still fits (see the module docstring), else a new one, naming ``make_for``
    when given (a wider list than it takes to keep one: the app keeps any
    certificate that names loopback, and makes one for the network too).
    OSError when the folder cannot be written."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    def names(given: Iterable[str]) -> list[str]:
        return sorted({h.strip("[]").lower() for h in given if h.strip("[]")})

    wanted = names(hosts)
    path = folder / CERT_FILE
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        cert = None
    if cert is not None and _still_fits(cert, wanted):
        der = cert.public_bytes(serialization.Encoding.DER)
        return SelfSigned(path, fingerprint(der), made=False)
    pem, der = _make(names(make_for) if make_for is not None else wanted)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    # A stale temp file keeps its old mode through O_CREAT: remove it first,
    # and O_EXCL makes sure the key goes into a file made here, 0600 from birth.
    temp.unlink(missing_ok=True)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    os.replace(temp, path)
    return SelfSigned(path, fingerprint(der), made=True)


def _still_fits(cert: object, wanted: list[str]) -> bool:
    from cryptography import x509

    assert isinstance(cert, x509.Certificate)
    now = datetime.datetime.now(datetime.UTC)
    if cert.not_valid_after_utc - now < RENEW_BEFORE:
        return False
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    named = {str(ip).lower() for ip in names.get_values_for_type(x509.IPAddress)}
    named |= {name.lower() for name in names.get_values_for_type(x509.DNSName)}
    return set(wanted) <= named


def _make(hosts: list[str]) -> tuple[bytes, bytes]:
    """A new key and self-signed certificate for ``hosts``: (PEM of both, DER)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Roomcast (self-signed)")])
    alt: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ) + cert.public_bytes(serialization.Encoding.PEM)
    return pem, cert.public_bytes(serialization.Encoding.DER)
