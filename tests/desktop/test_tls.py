"""TLS trust (desktop/tls.py) against real TLS servers on 127.0.0.1: one with a
certificate from a trustme CA, others with self-signed certificates made here
with ``cryptography``."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from roomcast.desktop import tls
from roomcast.desktop.tls import (
    CertificateChanged,
    PinStore,
    TlsSetupError,
    UntrustedCertificate,
    check_pin,
    client_context,
    endpoint,
    fingerprint,
    parse_fingerprint,
    peer_certificate,
    pin_key,
    verification_reason,
)
from tests.desktop.certs import self_signed

WAIT = 10.0


@contextlib.asynccontextmanager
async def tls_server(certfile: Path) -> AsyncIterator[int]:
    """A TLS server on 127.0.0.1 that holds each connection until the client leaves;
    yields its port."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile)

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ssl.SSLError):
            await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def handshake(port: int, context: ssl.SSLContext, hostname: str = "127.0.0.1") -> bytes:
    """Connect with ``context``; the server's certificate (DER)."""
    async with asyncio.timeout(WAIT):
        _reader, writer = await asyncio.open_connection(
            "127.0.0.1", port, ssl=context, server_hostname=hostname
        )
    der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
    assert isinstance(der, bytes)
    return der


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


# -- fingerprints ----------------------------------------------------------------------


def test_fingerprint_is_what_openssl_and_cryptography_compute(tmp_path: Path) -> None:
    cert = self_signed(tmp_path)
    fp = fingerprint(cert.der)
    assert len(fp) == 95
    assert fp == fp.upper()
    assert fp.count(":") == 31
    expected = x509.load_der_x509_certificate(cert.der).fingerprint(hashes.SHA256())
    assert fp == ":".join(f"{b:02X}" for b in expected)
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to compare with")
    der_file = tmp_path / "cert.der"
    der_file.write_bytes(cert.der)
    out = subprocess.run(
        [
            openssl,
            "x509",
            "-inform",
            "DER",
            "-in",
            str(der_file),
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # "sha256 Fingerprint=AB:CD:..." (OpenSSL 3) or "SHA256 Fingerprint=..." (1.1)
    assert out.strip().split("=", 1)[1] == fp
    assert parse_fingerprint(out) == fp


def test_parse_fingerprint_reads_the_usual_spellings() -> None:
    digest = bytes(range(32))
    fp = ":".join(f"{b:02X}" for b in digest)
    plain = digest.hex()
    for text in (
        fp,
        fp.lower(),
        plain,
        plain.upper(),
        f"  {plain}  ",
        f"sha256={plain}",
        f"SHA256:{fp}",
        f"SHA-256: {fp}",
        f"sha256 Fingerprint={fp}\n",
        "SHA256:" + base64.b64encode(digest).decode().rstrip("="),
        " ".join(f"{b:02x}" for b in digest),
    ):
        assert parse_fingerprint(text) == fp, text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "AB:CD",
        "zz" * 32,
        "0" * 63,
        "0" * 65,
        "A:BC" + ":00" * 31,
        base64.b64encode(bytes(32)).decode(),  # base64 only after a SHA256: prefix
        "SHA256:" + base64.b64encode(bytes(20)).decode(),
    ],
)
def test_parse_fingerprint_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a SHA-256 fingerprint: it is 64 hexadecimal"):
        parse_fingerprint(text)


# -- pins ------------------------------------------------------------------------------


def test_pin_store_files_pins_by_host_and_port_and_tells_on_change() -> None:
    changes: list[int] = []
    pins = PinStore(on_change=lambda: changes.append(len(pins)))
    fp = fingerprint(b"one")
    pins.pin("Example.ORG", 443, fp.lower())
    assert pins.get("example.org", 443) == fp
    assert pins.get("example.org", 8443) is None
    pins.pin("::1", 9443, fp)
    pins.pin("[::1]", 9443, fp)  # the same pin again: no change
    assert pins.items() == [("[::1]:9443", fp), ("example.org:443", fp)]
    assert changes == [1, 2]
    assert pins.forget("EXAMPLE.org", 443)
    assert not pins.forget("example.org", 443)
    assert not pins.forget("", 1)
    assert changes == [1, 2, 1]
    assert pin_key("[FE80::1]", 8765) == "[fe80::1]:8765"
    with pytest.raises(ValueError, match=r"^not a server address: 'example.org', port 0$"):
        pins.pin("example.org", 0, fp)
    with pytest.raises(ValueError, match=r"is not a SHA-256 fingerprint"):
        pins.pin("example.org", 443, "not a fingerprint")
    assert len(pins) == 1


def test_pin_store_settings_round_trip_and_skip_damage() -> None:
    fp1, fp2 = fingerprint(b"one"), fingerprint(b"two")
    pins = PinStore({"example.org:443": fp1})
    pins.pin("::1", 9443, fp2)
    data = pins.to_settings()
    assert data == [f"[::1]:9443 {fp2}", f"example.org:443 {fp1}"]
    assert PinStore.from_settings(data).items() == pins.items()
    assert PinStore.from_settings(data[1]).items() == [("example.org:443", fp1)]  # ini: a str
    damaged = [*data, "no-port " + fp1, "h:99999 " + fp1, "h:1 nothex", 7, "", None]
    assert PinStore.from_settings(damaged).items() == pins.items()
    for junk in (None, 3, {"a": "b"}, b"x"):
        assert PinStore.from_settings(junk).items() == []


def test_endpoint_fills_in_the_default_port() -> None:
    assert endpoint("wss://Example.org/r/x") == ("example.org", 443)
    assert endpoint("ws://example.org/") == ("example.org", 80)
    assert endpoint("wss://[::1]:9443/") == ("::1", 9443)
    with pytest.raises(ValueError, match=r"has no host"):
        endpoint("wss:///nohost")


def test_check_pin_passes_the_pinned_certificate_and_refuses_another_loudly(
    tmp_path: Path,
) -> None:
    first, second = self_signed(tmp_path, "first"), self_signed(tmp_path, "second")
    pinned = fingerprint(first.der)
    check_pin(first.der, pinned.lower().replace(":", ""), "127.0.0.1:9443")  # no exception

    with pytest.raises(CertificateChanged) as caught:
        check_pin(second.der, pinned, "127.0.0.1:9443")

    now = fingerprint(second.der)
    assert (caught.value.where, caught.value.expected, caught.value.got) == (
        "127.0.0.1:9443",
        pinned,
        now,
    )
    assert str(caught.value) == (
        f"The certificate of 127.0.0.1:9443 has changed! Pinned SHA-256 {pinned}, "
        f"now {now}. This can mean someone is intercepting the connection. "
        "If the server got a new certificate on purpose, trust the new one in the "
        "connection options."
    )


# -- contexts against real servers -----------------------------------------------------


async def test_peer_certificate_reads_a_self_signed_certificate(tmp_path: Path) -> None:
    cert = self_signed(tmp_path)
    async with tls_server(cert.pem) as port:
        der = await peer_certificate("127.0.0.1", port, timeout=WAIT)
        assert der == cert.der
        assert fingerprint(der) == fingerprint(cert.der)


async def test_a_self_signed_server_is_refused_by_default_and_accepted_when_pinned(
    tmp_path: Path,
) -> None:
    cert = self_signed(tmp_path)
    async with tls_server(cert.pem) as port:
        where = pin_key("127.0.0.1", port)
        with pytest.raises(ssl.SSLCertVerificationError) as refused:
            await handshake(port, client_context())
        reason = verification_reason(refused.value)
        assert reason == "self-signed certificate"
        untrusted = UntrustedCertificate(where, fingerprint(cert.der), reason)
        assert str(untrusted) == (
            f"{where} presents a certificate this computer does not trust "
            f"(self-signed certificate). SHA-256 fingerprint: {fingerprint(cert.der)}. "
            "Compare it with the one the server's operator gives you, then trust it to connect."
        )

        pins = PinStore()
        pins.pin(
            "127.0.0.1", port, fingerprint(await peer_certificate("127.0.0.1", port, timeout=WAIT))
        )
        context = client_context(pinned=True)
        assert context.verify_mode == ssl.CERT_NONE
        assert not context.check_hostname
        # The name doesn't matter to a pinned context: the fingerprint does.
        der = await handshake(port, context, hostname="not-the-name.example")
        expected = pins.get("127.0.0.1", port)
        assert expected is not None
        check_pin(der, expected, where)


async def test_a_changed_certificate_is_refused_loudly(tmp_path: Path) -> None:
    old, new = self_signed(tmp_path, "old"), self_signed(tmp_path, "new")
    async with tls_server(new.pem) as port:
        where = pin_key("127.0.0.1", port)
        der = await handshake(port, client_context(pinned=True))
        with pytest.raises(CertificateChanged) as caught:
            check_pin(der, fingerprint(old.der), where)
        message = str(caught.value)
        assert fingerprint(old.der) in message
        assert fingerprint(new.der) in message
        assert message.startswith(f"The certificate of {where} has changed!")


async def test_a_ca_file_makes_the_cas_certificates_trusted(ca: trustme.CA, tmp_path: Path) -> None:
    server_pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(server_pem)
    ca_pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(ca_pem)
    async with tls_server(server_pem) as port:
        with pytest.raises(ssl.SSLCertVerificationError) as refused:
            await handshake(port, client_context())
        assert verification_reason(refused.value) == "unable to get local issuer certificate"

        context = client_context(ca_file=str(ca_pem))
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
        der = await handshake(port, context, hostname="localhost")
        assert der == await peer_certificate("127.0.0.1", port, timeout=WAIT)
        # Still a verifying context: a name the certificate doesn't have is refused.
        with pytest.raises(ssl.SSLCertVerificationError) as wrong_name:
            await handshake(port, context, hostname="elsewhere.example")
        assert "elsewhere.example" in verification_reason(wrong_name.value)


def test_an_unusable_ca_file_is_a_tls_setup_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(TlsSetupError) as caught:
        client_context(ca_file=str(missing))
    assert str(caught.value) == f"The CA file {missing} can't be read: No such file or directory."
    assert isinstance(caught.value, ValueError)

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(TlsSetupError) as bad:
        client_context(ca_file=str(junk))
    assert str(bad.value).startswith(
        f"The CA file {junk} holds no certificate that can be used "
        "(it must be PEM, -----BEGIN CERTIFICATE-----): "
    )
    # Pinned contexts don't read the CA file.
    assert client_context(ca_file=str(missing), pinned=True).verify_mode == ssl.CERT_NONE


async def test_peer_certificate_raises_what_happened() -> None:
    # A plain TCP server: the TLS handshake gets an HTTP answer.
    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(http, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises((ssl.SSLError, OSError)):
            await peer_certificate("127.0.0.1", port, timeout=WAIT)
    finally:
        server.close()
        await server.wait_closed()

    # A server that accepts and never answers: the timeout ends the wait.
    held: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(TimeoutError):
            await peer_certificate("127.0.0.1", port, timeout=0.2)
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


def test_translate_is_the_hook_the_gui_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tls, "translate", lambda context, text: f"[{context}] {text}")
    with pytest.raises(ValueError, match=r"^\[Tls\] 'x' is not a SHA-256 fingerprint"):
        parse_fingerprint("x")
