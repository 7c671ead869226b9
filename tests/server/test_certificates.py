"""server/certificates.py and ``roomcast-server --self-signed``: a certificate of
its own, made once and kept, private, and an invite that carries its
fingerprint, which a Roomcast client pins and joins with (issue 18)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from roomcast.desktop import tls
from roomcast.desktop.client import Backoff, ConnectionState, RoomClient
from roomcast.desktop.links import from_link, link_fingerprint
from roomcast.server.certificates import CERT_FILE, fingerprint, self_signed
from tests.helpers import server_process, until
from tests.server.test_main import SAFE, one_error_line, run_cli


def test_made_once_private_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "tls"
    first = self_signed(folder, ["127.0.0.1", "chat.example", "192.0.2.7"])
    assert first.made and first.path == folder / CERT_FILE
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    cert = x509.load_pem_x509_certificate(first.path.read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    # The fingerprint a client pins is the one desktop/tls.py computes.
    assert first.fingerprint == fingerprint(der) == tls.fingerprint(der)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {
        "127.0.0.1",
        "192.0.2.7",
    }
    assert names.get_values_for_type(x509.DNSName) == ["chat.example"]
    # Kept: the next start presents the certificate people pinned.
    again = self_signed(folder, ["192.0.2.7", "127.0.0.1"])
    assert (again.made, again.fingerprint) == (False, first.fingerprint)
    # An address it does not name: a new one.
    moved = self_signed(folder, ["127.0.0.1", "198.51.100.4"])
    assert moved.made and moved.fingerprint != first.fingerprint
    # A damaged file is made again, not a crash.
    moved.path.write_bytes(b"not a certificate")
    assert self_signed(folder, ["127.0.0.1"]).made


async def test_the_servers_invite_carries_the_fingerprint_a_client_joins_with(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "tls"
    with server_process("--db", ":memory:", "--self-signed", "--self-signed-dir", str(folder)) as s:
        assert s.url.startswith("wss://")
        banner = "\n".join(s.banner)
        printed = re.search(r"Certificate: self-signed, SHA-256 (\S+)", banner)
        invite = re.search(r"Invite: (roomcasts://\S+)", banner)
        assert printed and invite, banner
        assert printed.group(1) == self_signed(folder, ["127.0.0.1"]).fingerprint
        link = invite.group(1)
        assert tls.parse_fingerprint(link_fingerprint(link) or "") == printed.group(1)
        # A client that pins what the invite says joins without any CA.
        pins = tls.PinStore()
        host, port = tls.endpoint(from_link(link))
        pins.pin(host, port, link_fingerprint(link) or "")
        client = RoomClient(name="alice", pins=pins, backoff=Backoff(initial=0.05, maximum=0.2))
        client.start([from_link(link)])
        try:
            await until(
                lambda: client.status.state is ConnectionState.CONNECTED and client.status.roomcast,
                what="joined over the pinned certificate",
            )
        finally:
            await client.stop()
    # Restarted: the same certificate, so the pin still holds.
    with server_process("--db", ":memory:", "--self-signed", "--self-signed-dir", str(folder)) as s:
        assert printed.group(1) in "\n".join(s.banner)


def test_self_signed_and_a_certificate_file_exclude_each_other() -> None:
    result = run_cli(*SAFE, "--self-signed", "--certfile", "/etc/ssl/x.pem")
    assert result.returncode == 2
    assert one_error_line(result.stderr) == (
        "roomcast-server: error: --self-signed and --certfile exclude each other: "
        "pick one certificate (see --help)"
    )


def test_an_unwritable_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    result = run_cli(*SAFE, "--self-signed", "--self-signed-dir", str(blocker / "tls"))
    assert result.returncode == 2
    assert one_error_line(result.stderr).startswith(
        f"roomcast-server: error: --self-signed: cannot keep the certificate in {blocker / 'tls'}"
    )


def test_a_stale_loose_temp_file_does_not_leak_its_mode_to_the_key(tmp_path: Path) -> None:
    made = self_signed(tmp_path, ["127.0.0.1"])
    stale = made.path.with_suffix(".tmp")
    stale.write_bytes(b"left over")
    stale.chmod(0o644)
    made.path.unlink()
    again = self_signed(tmp_path, ["127.0.0.1"])
    assert again.made
    assert again.path.stat().st_mode & 0o777 == 0o600
    assert not stale.exists()


def test_kept_for_the_names_it_needs_made_for_the_names_it_offers(tmp_path: Path) -> None:
    """``make_for``: keep any certificate naming ``hosts``, make one naming more
    (the app keeps one that names loopback, makes one for the network too)."""
    made = self_signed(tmp_path, ["127.0.0.1"], make_for=["127.0.0.1", "192.0.2.7", "pc.local"])
    assert made.made
    cert = x509.load_pem_x509_certificate(made.path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    named = {str(n) for n in names.get_values_for_type(x509.IPAddress)}
    assert named == {"127.0.0.1", "192.0.2.7"}
    assert names.get_values_for_type(x509.DNSName) == ["pc.local"]
    kept = self_signed(tmp_path, ["127.0.0.1"], make_for=["127.0.0.1", "198.51.100.9"])
    assert not kept.made and kept.fingerprint == made.fingerprint
