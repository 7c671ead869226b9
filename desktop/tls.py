"""TLS trust for the client: a CA file, or one pinned certificate per server, without Qt.

A wss:// server is trusted one of two ways:

- **Verified**: its chain leads to a certificate authority the system trusts,
  or to one in the connection's CA file, and its name matches the URL's host
  (:func:`client_context`).
- **Pinned**: the person compared the SHA-256 fingerprint of the server's
  certificate (its DER bytes, as ``openssl x509 -fingerprint -sha256``
  computes it) with the one the server's operator gave and trusted it. The
  :class:`PinStore` keeps that fingerprint under ``host:port``. The TLS
  handshake then verifies nothing (``client_context(pinned=True)``); the
  caller compares the certificate with :func:`check_pin` after the handshake
  and before sending a byte, and refuses a changed one with a loud
  :class:`CertificateChanged`. A pin is trust in one certificate: a new one,
  even a valid one, is refused until the person trusts it.

A certificate that fails verification and isn't pinned is
:class:`UntrustedCertificate`: its message gives the fingerprint to compare.
:func:`peer_certificate` reads a server's certificate for that, without
trusting it.

Fingerprints are written ``AB:CD:…`` (32 upper-case hex pairs, 95
characters); :func:`parse_fingerprint` also reads plain hex, any case,
``sha256=``/``SHA256:`` prefixes and OpenSSL's ``sha256 Fingerprint=``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import re
import ssl
from collections.abc import Callable, Iterable, Mapping
from typing import Final
from urllib.parse import urlsplit

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated
from roomcast.server.certificates import (
    fingerprint,
)  # one definition: the server pins nothing, it prints it

__all__ = [
    "CLOSE_TIMEOUT",
    "CertificateChanged",
    "PinStore",
    "TlsSetupError",
    "TrustError",
    "UntrustedCertificate",
    "check_pin",
    "client_context",
    "endpoint",
    "fingerprint",
    "parse_fingerprint",
    "peer_certificate",
    "pin_key",
    "verification_reason",
]

#: Seconds to wait for the server's close_notify after reading its certificate.
CLOSE_TIMEOUT: Final = 2.0
#: SHA-256 is 32 bytes.
_DIGEST_BYTES: Final = 32
#: Prefixes a pasted fingerprint may carry (lower case, longest first).
_PREFIXES: Final = ("sha256 fingerprint=", "sha-256=", "sha-256:", "sha256=", "sha256:")
_HEX: Final = re.compile(r"[0-9a-fA-F]{64}")


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate("Tls", text)


# -- errors -------------------------------------------------------------------------


class TlsSetupError(ValueError):
    """The TLS settings can't be used (an unreadable or invalid CA file)."""


class TrustError(Exception):
    """The server's certificate is not one to trust; the message says why and what to do."""

    def __init__(self, message: str, where: str) -> None:
        super().__init__(message)
        self.where = where


class CertificateChanged(TrustError):
    """The certificate differs from the pinned one: possibly an interception."""

    def __init__(self, where: str, expected: str, got: str) -> None:
        super().__init__(
            _t(
                QT_TRANSLATE_NOOP(
                    "Tls",
                    "The certificate of {where} has changed! Pinned SHA-256 {expected}, "
                    "now {got}. This can mean someone is intercepting the connection. "
                    "If the server got a new certificate on purpose, trust the new one "
                    "in the connection options.",
                )
            ).format(where=where, expected=expected, got=got),
            where,
        )
        self.expected = expected
        self.got = got


class UntrustedCertificate(TrustError):
    """The certificate failed verification and is not pinned."""

    def __init__(self, where: str, got: str, reason: str) -> None:
        super().__init__(
            _t(
                QT_TRANSLATE_NOOP(
                    "Tls",
                    "{where} presents a certificate this computer does not trust ({reason}). "
                    "SHA-256 fingerprint: {got}. Compare it with the one the server's "
                    "operator gives you, then trust it to connect.",
                )
            ).format(where=where, got=got, reason=reason),
            where,
        )
        self.got = got
        self.reason = reason


# -- fingerprints ----------------------------------------------------------------------


def parse_fingerprint(text: str) -> str:
    """``text`` as ``AB:CD:…``, or ValueError.

    Reads ``AB:CD:…``, plain hex, any case, with a ``sha256=``, ``SHA256:`` or
    OpenSSL's ``sha256 Fingerprint=`` prefix; after a prefix, also base64 (as
    ``ssh-keygen`` writes SHA-256 digests).
    """
    s = text.strip()
    body = s
    prefixed = False
    for prefix in _PREFIXES:
        if s.lower().startswith(prefix):
            body, prefixed = s[len(prefix) :].strip(), True
            break
    digest: bytes | None = None
    if ":" in body:
        groups = body.split(":")
        if all(len(g) == 2 for g in groups) and _HEX.fullmatch("".join(groups)):
            digest = bytes.fromhex("".join(groups))
    elif _HEX.fullmatch(body.replace(" ", "")):
        digest = bytes.fromhex(body.replace(" ", ""))
    elif prefixed and body:
        with contextlib.suppress(binascii.Error, ValueError):
            decoded = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
            digest = decoded if len(decoded) == _DIGEST_BYTES else None
    if digest is None:
        raise ValueError(
            _t(
                QT_TRANSLATE_NOOP(
                    "Tls",
                    "{text!r} is not a SHA-256 fingerprint: it is 64 hexadecimal digits, "
                    "like AB:CD:EF:…",
                )
            ).format(text=text.strip()[:120])
        )
    return ":".join(f"{b:02X}" for b in digest)


# -- pins ------------------------------------------------------------------------------


def pin_key(host: str, port: int) -> str:
    """``host:port`` as pins are filed: the host in lower case, IPv6 in brackets.

    Raises ValueError for an empty host or a port outside 1–65535.
    """
    h = host.strip().strip("[]").lower()
    if not h or not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError(f"not a server address: {host!r}, port {port!r}")
    return f"[{h}]:{port}" if ":" in h else f"{h}:{port}"


def endpoint(url: str) -> tuple[str, int]:
    """(host, port) of a ws:// or wss:// URL, the scheme's default port filled in.

    Raises ValueError for a URL without a host or with a bad port.
    """
    parts = urlsplit(url.strip())
    if not parts.hostname:
        raise ValueError(f"{url!r} has no host")
    port = parts.port  # ValueError when it is not a number
    return parts.hostname, port or (443 if parts.scheme.lower() == "wss" else 80)


class PinStore:
    """Pinned certificates: ``host:port`` → fingerprint. Qt-free.

    ``on_change`` (no arguments) runs after every change, so the GUI can save
    :meth:`to_settings`; one that raises is not this store's problem and
    propagates.
    """

    def __init__(
        self,
        pins: Mapping[str, str] | None = None,
        *,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._pins: dict[str, str] = dict(pins or {})
        self.on_change = on_change

    def get(self, host: str, port: int) -> str | None:
        """The pinned fingerprint of ``host:port``, None when there is none."""
        try:
            return self._pins.get(pin_key(host, port))
        except ValueError:
            return None

    def pin(self, host: str, port: int, fp: str) -> None:
        """Trust the certificate whose fingerprint is ``fp`` for ``host:port`` (replacing
        any other). ValueError for a bad fingerprint or address."""
        key, value = pin_key(host, port), parse_fingerprint(fp)
        if self._pins.get(key) != value:
            self._pins[key] = value
            self._changed()

    def forget(self, host: str, port: int) -> bool:
        """Stop trusting ``host:port``'s pinned certificate; False when there was none."""
        try:
            key = pin_key(host, port)
        except ValueError:
            return False
        if self._pins.pop(key, None) is None:
            return False
        self._changed()
        return True

    def items(self) -> list[tuple[str, str]]:
        """(``host:port``, fingerprint) pairs, sorted."""
        return sorted(self._pins.items())

    def __len__(self) -> int:
        return len(self._pins)

    def to_settings(self) -> list[str]:
        """Each pin as ``host:port FINGERPRINT``, sorted."""
        return [f"{key} {fp}" for key, fp in self.items()]

    @classmethod
    def from_settings(
        cls, data: object, *, on_change: Callable[[], None] | None = None
    ) -> PinStore:
        """A store from :meth:`to_settings`' list; damaged entries are skipped. An ini
        file gives a one-entry list back as a plain string: that is read too."""
        entries: Iterable[object]
        if isinstance(data, str):
            entries = [data]
        elif isinstance(data, list | tuple):
            entries = data
        else:
            entries = []
        pins: dict[str, str] = {}
        for entry in entries:
            if not isinstance(entry, str):
                continue
            key, _, fp = entry.strip().rpartition(" ")
            host, sep, port = key.strip().rpartition(":")
            if not sep or not port.isdigit():
                continue
            try:
                pins[pin_key(host, int(port))] = parse_fingerprint(fp)
            except ValueError:
                continue
        return cls(pins, on_change=on_change)

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def check_pin(der: bytes, expected: str, where: str) -> None:
    """Raise :class:`CertificateChanged` unless ``der``'s fingerprint is ``expected``."""
    got = fingerprint(der)
    want = parse_fingerprint(expected)
    if got != want:
        raise CertificateChanged(where, want, got)


def verification_reason(exc: BaseException) -> str:
    """OpenSSL's words for a failed verification ("self-signed certificate",
    "certificate has expired"...), for :class:`UntrustedCertificate`."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    text = str(exc).strip()
    return text if text and text != "()" else type(exc).__name__


# -- contexts and certificates ---------------------------------------------------------


def client_context(*, ca_file: str = "", pinned: bool = False) -> ssl.SSLContext:
    """The TLS context for a wss:// connection.

    ``pinned``: no CA verification and no hostname check, because the caller
    compares the certificate with the pin (:func:`check_pin`) before sending
    anything; ``ca_file`` is then not used. Otherwise the system's
    certificate authorities plus those in ``ca_file`` (PEM), with hostname
    checks. Raises :class:`TlsSetupError` when ``ca_file`` can't be read or
    holds no certificate.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if pinned:
        context.check_hostname = False  # before verify_mode: Python insists on that order
        context.verify_mode = ssl.CERT_NONE
        return context
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except ssl.SSLError as exc:
            raise TlsSetupError(
                _t(
                    QT_TRANSLATE_NOOP(
                        "Tls",
                        "The CA file {path} holds no certificate that can be used "
                        "(it must be PEM, -----BEGIN CERTIFICATE-----): {reason}.",
                    )
                ).format(path=ca_file, reason=verification_reason(exc))
            ) from None
        except OSError as exc:
            raise TlsSetupError(
                _t(QT_TRANSLATE_NOOP("Tls", "The CA file {path} can't be read: {reason}.")).format(
                    path=ca_file, reason=exc.strerror or type(exc).__name__
                )
            ) from None
    return context


async def peer_certificate(
    host: str,
    port: int,
    *,
    timeout: float,  # noqa: ASYNC109 - one limit for TCP and the TLS handshake together
    server_hostname: str | None = None,
) -> bytes:
    """The certificate (DER) ``host:port`` presents, read without trusting it.

    Opens a TLS connection that verifies nothing, reads the certificate and
    closes; nothing is sent over it. ``server_hostname`` is the name sent as
    SNI (default ``host``). OSError, TimeoutError and ssl.SSLError propagate.
    """
    bare = host.strip().strip("[]")
    context = client_context(pinned=True)
    async with asyncio.timeout(timeout):
        _reader, writer = await asyncio.open_connection(
            bare, port, ssl=context, server_hostname=server_hostname or bare
        )
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        # The server's close_notify may never come: don't wait for it long.
        with contextlib.suppress(OSError, ssl.SSLError, TimeoutError):
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await writer.wait_closed()
    if not der:
        raise ssl.SSLError(f"{pin_key(bare, port)} presented no certificate")
    return bytes(der)
