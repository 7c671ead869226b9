"""Host a room: the real button, the embedded server on the window's loop, invites, stopping.

Real widgets offscreen, the qasync loop, real sockets; joiners are a plain
websockets client and a second window.
"""

from __future__ import annotations

import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from roomcast.desktop import client, timeline, tls
from roomcast.desktop.client import ConnectionState
from roomcast.desktop.hosting import (
    ALL_NETWORKS,
    HOST_STOPPED_REASON,
    LOCAL_ONLY,
    TLS_FOLDER,
    HostSettings,
    browser_link,
    certificate_names,
    host_error_text,
    hosted_certificate,
    hosted_db_path,
    hosted_tls_dir,
    invite_urls,
)
from roomcast.desktop.i18n import install_translators
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import RowKind
from roomcast.desktop.session import ChatSession
from roomcast.server import defaults
from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.certificates import CERT_FILE, fingerprint
from roomcast.server.errors import ListenError
from roomcast.server.netinfo import lan_ipv4_addresses
from roomcast.server.notices import Severity
from tests.desktop.windows import chat_texts, open_window, system_texts, type_and_send
from tests.helpers import ROOT, WAIT, member, need, peer, run_unprivileged, until
from tests.server.web.conftest import CHROMIUM, HAVE_CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def host_with_the_button(
    qtbot: QtBot, window: MainWindow, port: int, scope_local: bool = True
) -> None:
    window.connection_bar.name_edit.setText("hostess")
    qtbot.mouseClick(window.host_button, Qt.MouseButton.LeftButton)
    dialog = window.host_dialog
    assert dialog is not None and dialog.isVisible()
    if scope_local:
        dialog.local_only.setChecked(True)
    dialog.port.setValue(port)
    dialog.room.setText("team")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the defaults are one Enter away


async def test_host_join_chat_stop_and_host_again(qtbot: QtBot, tmp_path: Path) -> None:
    port = free_port()
    async with (
        open_window(qtbot, tmp_path) as host,
        open_window(qtbot, tmp_path / "joiner") as joiner,
    ):
        await host_with_the_button(qtbot, host, port)
        await until(lambda: host.session.status.state is ConnectionState.HOSTING, what="hosting")
        address = host.invite_panel.addresses()[0]
        assert address == f"ws://127.0.0.1:{port}/r/team"
        # Only this computer can join: a QR code would only lead a phone to itself.
        assert host.invite_panel.copy_button.isVisible()
        assert not host.invite_panel.qr_label.isVisible()
        assert host.state_label.text() == f"Hosting room team at {address}"
        assert host.host_button.text() == "Stop hosting"

        # A plain websockets client and a second window join by the address shown.
        async with member(address, "bob") as (bob, welcome):
            assert welcome["members"] == ["hostess", "bob"]
            joiner.connect_to(address, "joy")
            await until(lambda: joiner.session.status.state is ConnectionState.CONNECTED)
            await until(lambda: host.members_label.text() == "3 members")
            await type_and_send(qtbot, host, "welcome all")
            assert (await bob.until("message"))["content"] == "welcome all"
            await until(lambda: "welcome all" in chat_texts(joiner))
            await type_and_send(qtbot, joiner, "hi host")
            await bob.send({"type": "message", "content": "hi from bob"})
            await until(lambda: {"hi host", "hi from bob"} <= set(chat_texts(host)))

            # Stop hosting: others are connected, so it asks first.
            qtbot.mouseClick(host.host_button, Qt.MouseButton.LeftButton)
            box = host.confirm_box
            assert box is not None and box.isVisible()
            assert (
                box.text()
                == "2 other people are connected to your room. Stop hosting and disconnect them?"
            )
            qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
            assert await bob.closed() == (1001, HOST_STOPPED_REASON)
        await until(lambda: host.session.hosting is None, what="hosting stopped")
        assert host.host_button.text() == "Host a room"
        assert not host.invite_panel.isVisible()
        await until(lambda: "The host stopped hosting" in system_texts(joiner))
        # The joiner backs off like after any drop; it does not spin.
        assert joiner.session.status.state is ConnectionState.RECONNECTING

        # Hosting again on the same port at once works, with the room's history.
        await host_with_the_button(qtbot, host, port)
        await until(
            lambda: host.session.status.state is ConnectionState.HOSTING, what="hosting again"
        )
        joiner.session.retry_now()
        await until(lambda: joiner.session.status.state is ConnectionState.CONNECTED)
        await type_and_send(qtbot, joiner, "back again")
        await until(lambda: "back again" in chat_texts(host))


async def test_port_in_use_is_a_clear_notice(qtbot: QtBot, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with open_window(qtbot, tmp_path) as window:
            ok = await window.session.host(
                HostSettings(room="team", host=LOCAL_ONLY, port=port), "h"
            )
            assert ok is False
            text = f"Port {port} is in use by another program; choose another port to host on."
            assert text in system_texts(window)
            assert window.session.server is None
            assert window.host_button.text() == "Host a room"


async def test_the_hosting_error_texts_are_translated() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = client.translate, timeline.translate
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ListenError) as caught:
            await RoomServer(ServerConfig(host="127.0.0.1", port=port, db=":memory:")).start()
    english = f"Port {port} is in use by another program; choose another port to host on."
    assert host_error_text(caught.value) == english
    installed = install_translators(app, QLocale("de_DE"))
    try:
        assert installed, "resources/i18n/roomcast_de.qm did not load (make i18n builds it)"
        assert host_error_text(caught.value) == (
            f"Port {port} wird von einem anderen Programm verwendet; "
            "wählen Sie einen anderen Port zum Hosten."
        )
    finally:
        for translator in installed:
            app.removeTranslator(translator)
        client.translate, timeline.translate = before
    assert host_error_text(caught.value) == english


def test_permission_denied_below_1024_is_a_clear_notice() -> None:
    # A real EACCES: a process that drops root tries to host on port 80.
    printed = run_unprivileged(
        "import asyncio\n"
        "from roomcast.desktop.hosting import host_error_text\n"
        "from roomcast.server.app import RoomServer, ServerConfig\n"
        "from roomcast.server.errors import ListenError",
        "try:\n"
        "    asyncio.run(RoomServer(ServerConfig(host='127.0.0.1', port=80)).start())\n"
        "    print('started')\n"
        "except ListenError as exc:\n"
        "    print(host_error_text(exc))",
    )
    assert printed == (
        "Permission denied for port 80: ports below 1024 need administrator rights; "
        "choose a port above 1024.\n"
    )


NO_NETWORK_SCRIPT = """
import asyncio, os, sys, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop
from roomcast.desktop.hosting import ALL_NETWORKS, HostSettings
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import RowKind
from roomcast.desktop.session import ChatSession

app = QApplication([])
loop = QEventLoop(app)
asyncio.set_event_loop(loop)

async def main():
    model = MessageListModel()
    session = ChatSession(model, hosted_db=os.path.join(tempfile.mkdtemp(), "h.sqlite3"))
    ok = await session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "h")
    model.flush()
    print(ok, session.invite[0].rsplit(":", 1)[0])
    for row in model.rows:
        if row.kind is RowKind.SYSTEM:
            print(row.text)
    await session.aclose()

loop.run_until_complete(main())
"""


def test_no_network_interface_still_hosts_for_this_computer() -> None:
    # A network namespace with only the loopback interface: no LAN address at all.
    result = subprocess.run(
        [
            "unshare",
            "--net",
            "sh",
            "-c",
            'ip link set lo up && exec "$0" -c "$1"',
            sys.executable,
            NO_NETWORK_SCRIPT,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT * 3,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Hosted for the network, so encrypted, even if only this computer can reach it now.
    assert lines[0] == "True roomcasts://127.0.0.1"
    assert "No network interface found: only this computer can join for now" in lines


def test_the_defaults_are_the_servers() -> None:
    # Defined once in server/defaults.py: the close reason the client recognises
    # is the very one the hosting app sends, and a hosted room's port is the
    # headless server's.
    assert HOST_STOPPED_REASON is defaults.HOST_STOPPED_REASON
    assert client.HOST_STOPPED_REASON is defaults.HOST_STOPPED_REASON
    assert HostSettings().port == defaults.PORT


def test_invite_never_contains_the_password() -> None:
    from roomcast.desktop.hosting import invite_urls

    urls = invite_urls(HostSettings(room="team", host=LOCAL_ONLY, password="s3cret"), 9000)
    assert urls == ["ws://127.0.0.1:9000/r/team"]
    assert all("s3cret" not in u for u in urls)


async def test_server_side_problems_reach_the_hosts_window(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as host:
        await host.session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "hostess")
        await until(lambda: host.session.status.state is ConnectionState.HOSTING)
        async with member(host.session.invite[0], "flood") as (flood, _):
            for _ in range(200):  # far past the default burst: closed for abuse
                await flood.send({"type": "typing"})
            assert (await flood.closed())[0] == 1008
        text = "Host: closed flood in room 'team': kept flooding after rate_limited"
        await until(lambda: text in system_texts(host), what=text)


# --- encrypted by default (issue 18) ---------------------------------------------------


def file_fingerprint(path: Path) -> str:
    """The SHA-256 fingerprint of the certificate in a PEM file, as openssl computes it."""
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return fingerprint(cert.public_bytes(Encoding.DER))


def san_names(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} | set(
        names.get_values_for_type(x509.DNSName)
    )


def test_the_certificate_names_the_network_and_is_kept_on_another(tmp_path: Path) -> None:
    first = hosted_certificate(tmp_path, ["192.0.2.10"], hostname="Laptop")
    assert first.made and first.path == tmp_path / CERT_FILE
    assert first.fingerprint == file_fingerprint(first.path)
    assert san_names(first.path) == {
        "192.0.2.10",
        "127.0.0.1",
        "localhost",
        "laptop",
        "laptop.local",
    }
    # Private from the first byte: the key is in that file.
    assert stat.S_IMODE(first.path.stat().st_mode) == 0o600
    assert first.path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    # Another Wi-Fi, another address, even another name: the pins people made hold.
    again = hosted_certificate(tmp_path, ["198.51.100.7"], hostname="desk")
    assert (again.made, again.fingerprint) == (False, first.fingerprint)
    # Gone: a new one, with a new fingerprint.
    first.path.unlink()
    new = hosted_certificate(tmp_path, ["198.51.100.7"], hostname="desk")
    assert new.made and new.fingerprint != first.fingerprint
    assert "198.51.100.7" in san_names(new.path)


@pytest.mark.parametrize(
    ("hostname", "extra"),
    [
        ("laptop", ["laptop", "laptop.local"]),
        ("Laptop.", ["laptop", "laptop.local"]),
        ("box.example.org", ["box.example.org"]),
        ("localhost", []),
        ("Mein Rechner", []),  # a space: no DNS name
        ("bücher", []),  # not ASCII: IDNA is not ours to guess
        ("-bad-", []),
        ("", []),
    ],
)
def test_certificate_names(hostname: str, extra: list[str]) -> None:
    assert certificate_names(["192.0.2.10"], hostname) == [
        "192.0.2.10",
        "127.0.0.1",
        "localhost",
        *extra,
    ]


def test_the_certificate_folder_is_beside_the_hosted_database(tmp_path: Path) -> None:
    assert hosted_tls_dir(tmp_path / "hosted.sqlite3") == tmp_path / TLS_FOLDER
    assert hosted_tls_dir() == hosted_db_path().parent / TLS_FOLDER  # the user's data folder
    assert hosted_tls_dir(":memory:") == hosted_tls_dir()


def test_encrypted_invites_carry_the_fingerprint_never_the_password() -> None:
    fp = fingerprint(b"not really a certificate")
    settings = HostSettings(room="team", host=ALL_NETWORKS, password="s3cret")
    urls = invite_urls(settings, 9000, ["192.0.2.10", "198.51.100.7"], fp)
    hexa = fp.replace(":", "").lower()
    assert urls == [
        f"roomcasts://192.0.2.10:9000/r/team#sha256={hexa}",
        f"roomcasts://198.51.100.7:9000/r/team#sha256={hexa}",
    ]
    assert all("s3cret" not in u for u in urls)
    assert browser_link(urls[0]) == "https://192.0.2.10:9000/r/team"
    assert browser_link("ws://127.0.0.1:9000/r/team") == "http://127.0.0.1:9000/r/team"


def test_who_is_encrypted_and_advertised() -> None:
    network, local = HostSettings(host=ALL_NETWORKS), HostSettings(host=LOCAL_ONLY)
    assert (network.encrypted, network.advertise, network.advertised) == (True, True, True)
    assert (local.encrypted, local.advertise, local.advertised) == (False, True, False)
    quiet = HostSettings(host=ALL_NETWORKS, advertise=False)
    assert quiet.encrypted and not quiet.advertised


def test_a_folder_nobody_may_write_is_one_sentence() -> None:
    # A real EACCES: root's folder, written by a process that dropped root.
    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    printed = run_unprivileged(
        "from pathlib import Path\n"
        "from cryptography import x509\n"
        "from cryptography.hazmat.primitives import hashes, serialization\n"
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "from cryptography.x509.oid import NameOID\n"
        "from roomcast.desktop.hosting import certificate_error_text, hosted_certificate",
        f"folder = Path({str(folder / 'tls')!r})\n"
        "try:\n"
        "    hosted_certificate(folder, ['192.0.2.10'], hostname='laptop')\n"
        "    print('made')\n"
        "except OSError as exc:\n"
        "    print(certificate_error_text(folder, exc))",
    )
    assert printed == (
        "Cannot host for the network: the encryption certificate cannot be kept in "
        f"{folder / 'tls'} (Permission denied).\n"
    )
    assert list(folder.iterdir()) == []


async def test_hosting_for_the_network_is_encrypted_and_keeps_its_certificate(
    qtbot: QtBot, tmp_path: Path
) -> None:
    port = free_port()  # the same port every time: a pin is for a host and a port
    settings = HostSettings(room="team", host=ALL_NETWORKS, port=port)
    async with (
        open_window(qtbot, tmp_path) as host,
        open_window(qtbot, tmp_path / "joiner") as joiner,
    ):
        session = host.session
        assert await session.host(settings, "hostess")
        certfile = tmp_path / TLS_FOLDER / CERT_FILE  # beside the window's hosted database
        fp = file_fingerprint(certfile)
        assert session.hosted_fingerprint == fp
        assert session.hosted_port == port
        assert session.server is not None and session.server.scheme == "wss"
        lan = lan_ipv4_addresses() or [LOCAL_ONLY]
        hexa = fp.replace(":", "").lower()
        assert session.invite == [f"roomcasts://{h}:{port}/r/team#sha256={hexa}" for h in lan]
        assert stat.S_IMODE(certfile.stat().st_mode) == 0o600
        assert stat.S_IMODE(certfile.parent.stat().st_mode) == 0o700

        # Our own client joins over wss://, its certificate pinned: nothing to ask.
        await until(lambda: session.status.state is ConnectionState.HOSTING, what="hosting")
        hosted = session.rooms.current
        assert hosted is not None and hosted.hosted
        assert hosted.urls == (f"wss://127.0.0.1:{port}/r/team",)
        assert session.pins.items() == [(f"127.0.0.1:{port}", fp)]
        assert session.status.untrusted is None
        assert host.state_label.text() == f"Hosting room team at wss://{lan[0]}:{port}/r/team"
        assert f"Encrypted with this computer's certificate, SHA-256 {fp}" in system_texts(host)

        # The invite panel: the invite to copy, the fingerprint to compare, the https page.
        panel = host.invite_panel
        assert panel.isVisible()
        assert panel.addresses() == session.invite
        assert panel.fingerprint() == fp
        assert panel.fingerprint_view.isVisible()
        lines = panel.fingerprint_view.text().split("\n")
        assert ":".join(lines) == fp  # in lines of whole pairs (as many as the panel fits)
        assert {len(line.split(":")) for line in lines} <= {8, 16}
        assert panel.copy_button.text() == "Copy invite"
        assert panel.link() == f"https://{lan[0]}:{port}/r/team"
        assert panel.browser_note.isVisible()

        # Another Roomcast opens the invite: the certificate is pinned from it, nothing asked.
        joiner.connect_to(session.invite[0], "joy")
        await until(
            lambda: joiner.session.status.state is ConnectionState.CONNECTED, what="joy joined"
        )
        assert joiner.session.pins.get(lan[0], port) == fp
        await type_and_send(qtbot, joiner, "hello over tls")
        await until(lambda: "hello over tls" in chat_texts(host))

        # Hosted again: the same certificate, so the pins hold.
        await session.stop_hosting()
        assert session.hosted_fingerprint is None and session.hosted_port is None
        assert await session.host(settings, "hostess")
        assert session.hosted_fingerprint == fp
        joiner.session.retry_now()
        await until(
            lambda: joiner.session.status.state is ConnectionState.CONNECTED, what="joy again"
        )

        # The certificate is lost and made anew: a client that pinned the old one refuses it.
        await session.stop_hosting()
        for kept in certfile.parent.iterdir():
            kept.unlink()
        assert await session.host(settings, "hostess")
        new = file_fingerprint(certfile)
        assert session.hosted_fingerprint == new != fp
        await until(lambda: session.status.state is ConnectionState.HOSTING, what="re-pinned")
        assert session.pins.get(LOCAL_ONLY, port) == new
        joiner.session.retry_now()
        changed = str(tls.CertificateChanged(f"{lan[0]}:{port}", fp, new))
        assert changed.startswith(f"The certificate of {lan[0]}:{port} has changed!")
        await until(lambda: changed in system_texts(joiner), what="the refusal")
        assert joiner.session.status.state is ConnectionState.DISCONNECTED
        assert joiner.session.pins.get(lan[0], port) == fp  # still the old one

        # Accepted deliberately: forget the old pin, compare the new fingerprint, trust it.
        assert joiner.session.pins.forget(lan[0], port)
        joiner.session.retry_now()
        await until(lambda: joiner.session.status.untrusted == new, what="the new fingerprint")
        joiner.session.trust_certificate(new)
        await until(
            lambda: joiner.session.status.state is ConnectionState.CONNECTED, what="trusted"
        )
        assert joiner.session.pins.get(lan[0], port) == new


async def test_only_this_computer_stays_plain_ws(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        session = window.session
        assert await session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "h")
        port = session.hosted_port
        assert session.invite == [f"ws://127.0.0.1:{port}/r/team"]
        assert session.hosted_fingerprint is None
        assert session.server is not None and session.server.scheme == "ws"
        assert not (tmp_path / TLS_FOLDER).exists()  # no certificate made
        await until(lambda: session.status.state is ConnectionState.HOSTING)
        assert len(session.pins) == 0
        panel = window.invite_panel
        assert panel.fingerprint() is None
        assert not panel.fingerprint_view.isVisible()
        assert not panel.browser_note.isVisible()
        assert panel.copy_button.text() == "Copy address"
        assert panel.link() == f"http://127.0.0.1:{port}/r/team"


async def test_a_certificate_that_cannot_be_kept_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    folder = blocker / "tls"  # below a file: no folder can be made there
    model = MessageListModel()
    session = ChatSession(model, hosted_db=tmp_path / "hosted.sqlite3", tls_dir=folder)
    said: list[tuple[Severity, str]] = []
    session.notice.connect(lambda n: said.append((n.severity, n.text)))
    port = free_port()
    try:
        assert not await session.host(HostSettings(room="team", port=port), "h")
    finally:
        await session.aclose()
    text = (
        "Cannot host for the network: the encryption certificate cannot be kept in "
        f"{folder} (Not a directory)."
    )
    assert said == [(Severity.ERROR, text)]
    model.flush()
    assert [r.text for r in model.rows if r.kind is RowKind.SYSTEM] == [text]
    assert (session.server, session.hosting, session.hosted_fingerprint) == (None, None, None)
    assert session.invite == []
    with socket.socket() as probe:
        probe.bind((ALL_NETWORKS, port))  # nothing listens on it


# --- the host's controls ------------------------------------------------------------


async def test_the_host_removes_bans_and_sets_the_password(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        session = window.session
        said: list[str] = []
        session.notice.connect(lambda n: said.append(n.text))
        assert session.hosted_members() == []
        assert session.hosted_bans() == ([], [])
        assert await session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "hostess")
        await until(lambda: session.status.state is ConnectionState.HOSTING)
        url = session.invite[0]
        async with member(url, "bob") as (bob, _):
            await until(lambda: len(session.hosted_members()) == 2, what="bob listed")
            members = session.hosted_members()
            assert [(m.room, m.name, m.address) for m in members] == [
                ("team", "hostess", "127.0.0.1"),
                ("team", "bob", "127.0.0.1"),
            ]
            # The host does not remove itself, nor ban its own address.
            assert not session.kick_member("team", "HOSTESS", "bye")
            assert said[-1] == "HOSTESS is you: stop hosting to leave the room"
            assert not session.ban("address", "127.0.0.1")
            assert said[-1] == (
                "Cannot ban 127.0.0.1: it is this computer, and your own connection comes from it"
            )
            assert session.kick_member("team", "bob", "spam")
            assert said[-1] == "Removed bob from team"
            assert await bob.closed() == (1008, "removed by the host: spam")
        await until(lambda: len(session.hosted_members()) == 1, what="bob gone")
        assert not session.kick_member("team", "bob", "again")
        assert said[-1] == "bob is not in team any more"

        assert session.ban("name", "bob")
        assert said[-1] == "Banned the name bob until you stop hosting"
        assert session.hosted_bans() == (["bob"], [])
        assert not session.ban("address", "not-an-address")
        assert said[-1].startswith("Cannot ban not-an-address: ")
        async with peer(url) as again:
            await again.send({"type": "hello", "name": "Bob"})
            assert await again.closed() == (1008, "banned by the host")
        assert session.unban("name", "bob")
        assert said[-1] == "bob may join again"
        assert not session.unban("name", "bob")
        assert said[-1] == "bob was not banned"
        assert session.hosted_bans() == ([], [])

        # A password: the panel says one is needed (never which), the next joins need it.
        assert not window.invite_panel.password_note.isVisible()
        assert session.set_hosted_password("s3cret")
        assert session.hosting is not None and session.hosting.password == "s3cret"
        assert said[-1] == "The room's password is set: people already in stay, new ones need it"
        assert window.invite_panel.password_note.isVisible()
        assert all("s3cret" not in a for a in window.invite_panel.addresses())
        async with peer(url) as nobody:
            await nobody.send({"type": "hello", "name": "carol"})
            assert (await nobody.until("error"))["code"] == "unauthorized"
        async with member(url, "carol", password="s3cret") as (_, welcome):
            assert welcome["members"] == ["hostess", "carol"]
        assert session.status.state is ConnectionState.HOSTING  # we stayed
        assert session.set_hosted_password(None)
        assert said[-1] == "The room has no password now: anyone with the invite can join"
        assert not window.invite_panel.password_note.isVisible()

        await session.stop_hosting()
        assert session.hosted_members() == []
        assert not session.ban("name", "x")
        assert said[-1] == "Not hosting: there is no room to change"


async def test_a_browser_guest_is_warned_then_joins_over_tls(qtbot: QtBot, tmp_path: Path) -> None:
    """What the invite panel's browser note promises: the https:// page is refused
    as untrusted until the guest continues past the warning, then the page
    joins over wss:// (the same port: the server serves one scheme)."""
    need(HAVE_CHROMIUM, "chromium is not installed (scripts/system-deps chromium)")
    try:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright
    except ImportError:
        need(False, "playwright is not installed (pip install -e '.[test]')")
        raise
    async with open_window(qtbot, tmp_path) as window:
        settings = HostSettings(room="team", host=ALL_NETWORKS, port=0)
        assert await window.session.host(settings, "hostess")
        link = window.invite_panel.link()
        assert link.startswith("https://") and link.endswith("/r/team")
        async with async_playwright() as pw:
            chromium = await pw.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            try:
                strict = await chromium.new_context()
                with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
                    await (await strict.new_page()).goto(link)
                # The guest continued past the warning (Advanced → Proceed).
                page = await (await chromium.new_context(ignore_https_errors=True)).new_page()
                await page.goto(link)
                await page.wait_for_selector("#name", state="visible")
                await page.fill("#name", "guest")
                await page.click("#join")
                await page.wait_for_function(
                    "() => document.documentElement.dataset.state === 'connected'",
                    timeout=WAIT * 1000,
                )
                await page.fill("#composer", "hello over https")
                await page.click("#send")
                await until(
                    lambda: "hello over https" in chat_texts(window), what="the guest's message"
                )
            finally:
                await chromium.close()
