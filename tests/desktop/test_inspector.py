"""The window as a WebSocket inspector, against three real foreign servers
(tests/peers): the tutorial's Node server, a ``websockets`` server that wants
an Authorization header and a subprotocol, and one that sends pings, binary
and a close with a reason. Each send mode's bytes are checked where they
land: on the server.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from pathlib import Path

import pytest
import trustme
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Close

from roomcast.desktop import tls
from roomcast.desktop.client import ConnectionState
from roomcast.desktop.connection_options import ConnectionOptions
from roomcast.desktop.inspector import PINS_KEY
from roomcast.desktop.links import invite_link
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import Roles
from roomcast.desktop.rows import Direction, Opcode, Row, RowKind
from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippets import SavedMessage
from roomcast.desktop.snippets_settings import load_saved_messages
from roomcast.desktop.widgets.frame_detail import Tab
from tests.desktop.certs import self_signed
from tests.desktop.windows import connected, open_window, system_texts
from tests.helpers import WAIT, running_server, until
from tests.peers import node_broadcast_server
from tests.peers.foreign import (
    CLOSE_CODE,
    CLOSE_REASON,
    JSON_BINARY,
    NON_UTF8,
    PING_PAYLOAD,
    TEXT,
    auth_echo_server,
    control_server,
)


def rows(window: MainWindow) -> list[Row]:
    window.session.model.flush()
    return list(window.session.model.rows)


def frames(window: MainWindow, direction: Direction | None = None) -> list[Row]:
    """The rows that are frames (not notices), in order."""
    return [
        r
        for r in rows(window)
        if r.kind is not RowKind.SYSTEM and (direction is None or r.direction is direction)
    ]


async def send(qtbot: QtBot, window: MainWindow, mode: SendMode, text: str, **kw: object) -> None:
    window.composer_bar.selector.set_mode(mode, **kw)  # type: ignore[arg-type]
    window.composer.setPlainText(text)  # keyClicks cannot type a newline
    window.composer.setFocus()
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)


def select(window: MainWindow, row: Row) -> None:
    """Select ``row`` in the list (the detail pane follows the current row)."""
    model = window.filter_model
    for r in range(model.rowCount()):
        if model.index(r, 0).data(Roles.RowRole) is row:
            window.view.setCurrentIndex(model.index(r, 0))
            return
    raise AssertionError("row not shown")


# -- the tutorial's server -----------------------------------------------------------


async def test_the_tutorial_server_relays_text_as_binary_and_it_is_shown_as_json(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with node_broadcast_server("tutorial-server.js") as url:
        async with open_window(qtbot, tmp_path) as window, connect(url) as other:
            window.connect_to(url, "alice")
            await connected(window)
            assert not window.session.status.roomcast
            # Nothing went out on connect: no hello for everyone to see.
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await other.recv()
            await other.send('{"type":"message","content":"Hello, Server!"}')
            assert await other.recv() == JSON_BINARY  # to every client, the sender too
            await until(lambda: frames(window, Direction.IN), what="the relayed frame")
            row = frames(window, Direction.IN)[0]
            # npm ws 8 forwards the Buffer: a binary frame of JSON text.
            assert (row.kind, row.raw) == (RowKind.JSON, JSON_BINARY)
            assert json.loads(row.text) == {"type": "message", "content": "Hello, Server!"}
            # The inspector's panes are there for a foreign server; the
            # details say how it travelled.
            assert window.inspector.detail.isVisible()
            select(window, row)
            detail = window.inspector.detail
            assert detail.current_tab() is Tab.TREE
            assert "binary" in detail.opcode_label.text()

            # Chat mode to a foreign server: the tutorial's shape; the
            # server relays it to both (as binary, again).
            await send(qtbot, window, SendMode.CHAT, "hi all")
            got = await other.recv()
            assert got == b'{"type":"message","content":"hi all"}'
            await send(qtbot, window, SendMode.TEXT, "Hello, Server!")
            assert await other.recv() == b"Hello, Server!"


# -- a server that wants a token and a subprotocol -----------------------------------


async def test_headers_subprotocol_and_query_reach_the_server_and_each_mode_sends_its_bytes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)))
    async with auth_echo_server(token="s3cret") as server, open_window(qtbot, tmp_path) as window:
        url = server.url + "/feed"
        # Without the header: refused, and the window says how.
        window.connect_to(url, "alice")
        refused = "The server refused the WebSocket upgrade: HTTP 401 Unauthorized"
        await until(lambda: any(refused in t for t in system_texts(window)), what="401")
        await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)

        options = ConnectionOptions(
            headers=(("Authorization", "Bearer s3cret"), ("X-Trace", "t-1")),
            subprotocols=("chat.v2",),
            query=(("room", "a b"),),
        )
        window.inspector.options_widget.set_options(options)
        window.connect_to(url, "alice")
        await connected(window)
        record = server.connections[-1]
        assert record.headers["Authorization"] == "Bearer s3cret"
        assert record.headers["X-Trace"] == "t-1"
        assert record.subprotocol == "chat.v2"
        assert (record.path, record.params) == ("/feed", {"room": ["a b"]})

        await send(qtbot, window, SendMode.CHAT, "hello  ")
        await send(qtbot, window, SendMode.TEXT, "  exactly\nas typed  ")
        await send(qtbot, window, SendMode.JSON, '{"b": 1,  "a": [true]}')
        await send(qtbot, window, SendMode.BINARY, "de ad be ef", binary_format=BinaryFormat.HEX)
        await send(qtbot, window, SendMode.BINARY, "3q2+7w==", binary_format=BinaryFormat.BASE64)
        await send(qtbot, window, SendMode.BINARY, str(blob), binary_format=BinaryFormat.FILE)
        got = await server.wait_frames(6)
        assert [(f.opcode, f.payload) for f in got] == [
            ("text", b'{"type":"message","content":"hello"}'),
            ("text", b"  exactly\nas typed  "),
            ("text", b'{"b": 1,  "a": [true]}'),
            ("binary", b"\xde\xad\xbe\xef"),
            ("binary", b"\xde\xad\xbe\xef"),
            ("binary", bytes(range(256))),
        ]
        # What went out is shown exactly as sent, and the echo comes back.
        await until(lambda: len(frames(window, Direction.IN)) == 6, what="six echoes")
        sent = frames(window, Direction.OUT)
        assert [r.raw for r in sent[1:]] == [
            "  exactly\nas typed  ",
            '{"b": 1,  "a": [true]}',
            b"\xde\xad\xbe\xef",
            b"\xde\xad\xbe\xef",
            bytes(range(256)),
        ]
        assert sent[2].text == '{"b": 1,  "a": [true]}'  # not re-serialized
        # Invalid input is refused where it was typed, and nothing is sent.
        await send(qtbot, window, SendMode.BINARY, "de ad b", binary_format=BinaryFormat.HEX)
        assert window.composer_bar.error_label.text().startswith("Not hex")
        assert window.composer.toPlainText() == "de ad b"
        await asyncio.sleep(0.2)
        assert len(server.data_frames) == 6

        # Copy as command: what reproduces this connection elsewhere.
        window.inspector.websocat_action.trigger()
        websocat = QGuiApplication.clipboard().text()
        assert websocat == (
            f"websocat --protocol chat.v2 '{url}?room=a%20b' "
            "-H 'Authorization: Bearer s3cret' -H 'X-Trace: t-1'"
        )
        window.inspector.wscat_action.trigger()
        assert QGuiApplication.clipboard().text() == (
            f"wscat -c '{url}?room=a%20b' -H 'Authorization: Bearer s3cret' "
            "-H 'X-Trace: t-1' -s chat.v2"
        )


async def test_the_send_mode_is_remembered_per_room_and_saved_messages_send_in_theirs(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with (
        auth_echo_server(require_subprotocol=False) as one,
        auth_echo_server(require_subprotocol=False) as two,
        open_window(qtbot, tmp_path) as window,
    ):
        bearer = ConnectionOptions(headers=(("Authorization", "Bearer s3cret"),))
        window.inspector.options_widget.set_options(bearer)
        window.connect_to(one.url, "alice")
        await connected(window)
        window.composer_bar.selector.set_mode(SendMode.BINARY, BinaryFormat.BASE64)
        first = window.session.rooms.current
        window.open_another_room()
        window.inspector.options_widget.set_options(bearer)
        window.connect_to(two.url, "alice")
        await connected(window)
        assert window.composer_bar.selector.mode() is SendMode.CHAT  # a room of its own
        window.composer_bar.selector.set_mode(SendMode.JSON)
        assert first is not None
        window.show_room(first)
        assert window.composer_bar.selector.mode() is SendMode.BINARY
        assert window.composer_bar.selector.binary_format() is BinaryFormat.BASE64
        assert window.composer.mode is SendMode.BINARY

        # A saved message for this room, sent with Ctrl+1 in its own mode.
        panel = window.inspector.panel
        window.inspector.saved_action.setChecked(True)
        assert panel.isVisible()
        panel.store.add(SavedMessage("ping", SendMode.TEXT, "PING", scope=" ".join(first.key)))
        qtbot.keyClick(panel.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        got = await one.wait_frames(1)
        assert [(f.opcode, f.payload) for f in got] == [("text", b"PING")]
        # Kept in the settings, for the next start.
        window.settings.sync()
        again = load_saved_messages(
            QSettings(window.settings.fileName(), QSettings.Format.IniFormat)
        )
        assert [m.payload for m in again] == ["PING"]


# -- a server with pings, binary and a close --------------------------------------------


async def test_control_frames_binary_and_close_are_shown_as_they_travelled(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with control_server() as server, open_window(qtbot, tmp_path) as window:
        window.inspector.control_action.setChecked(True)
        window.connect_to(server.url, "alice")
        await until(lambda: len(frames(window)) >= 5, what="the frames and the pong")
        kinds = [(r.kind, r.opcode, r.direction, r.raw) for r in frames(window)[:5]]
        assert kinds == [
            (RowKind.CONTROL, Opcode.PING, Direction.IN, PING_PAYLOAD),
            (RowKind.CONTROL, Opcode.PONG, Direction.OUT, PING_PAYLOAD),
            (RowKind.BINARY, None, Direction.IN, NON_UTF8),
            (RowKind.TEXT, None, Direction.IN, TEXT),
            (RowKind.JSON, None, Direction.IN, JSON_BINARY),
        ]
        await server.close_all(CLOSE_CODE, CLOSE_REASON)
        close = Close(CLOSE_CODE, CLOSE_REASON).serialize()
        await until(
            lambda: (
                [r.direction for r in frames(window) if r.opcode is Opcode.CLOSE]
                == [Direction.IN, Direction.OUT]
            ),
            what="the close, both ways",
        )
        closes = [r for r in frames(window) if r.opcode is Opcode.CLOSE]
        assert all(r.raw == close for r in closes)
        assert closes[0].text == f"close {CLOSE_CODE} · {CLOSE_REASON}"
        assert f"(code {CLOSE_CODE}: {CLOSE_REASON})" in system_texts(window)[-1]
        # The binary frame in the detail pane: hex and ASCII, every byte.
        binary = frames(window)[2]
        select(window, binary)
        detail = window.inspector.detail
        assert detail.current_tab() is Tab.HEX
        dump = detail.current_text() or ""
        assert dump.splitlines()[0] == (
            "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
        )
        assert "|@ABCDEFGHIJKLMNO|" in dump
        assert dump.splitlines()[-1] == "00000100  ff fe" + " " * 45 + "|..|"
        # Hidden again: control frames are not even recorded.
        window.inspector.control_action.setChecked(False)
        assert not window.session.current.client.record_control  # type: ignore[union-attr]


# -- TLS: trustme's CA, and a self-signed certificate ------------------------------------


def tls_server(pem: Path, port: int = 0) -> serve:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)

    async def echo(ws: ServerConnection) -> None:
        async for message in ws:
            await ws.send(message)

    return serve(echo, "127.0.0.1", port, ssl=context)


async def test_a_self_signed_certificate_is_refused_pinned_then_refused_when_changed(
    qtbot: QtBot, tmp_path: Path
) -> None:
    one, two = self_signed(tmp_path, "first"), self_signed(tmp_path, "second")
    first, fingerprint = one.pem, tls.fingerprint(one.der)
    second, other = two.pem, tls.fingerprint(two.der)
    async with open_window(qtbot, tmp_path) as window:
        async with tls_server(first) as server:
            port = server.sockets[0].getsockname()[1]
            url = f"wss://127.0.0.1:{port}/"
            window.connect_to(url, "alice")
            await until(lambda: window.inspector.trust_box is not None, what="the question")
            box = window.inspector.trust_box
            assert box is not None
            # Refused by default, with the fingerprint to compare.
            assert window.session.status.state is ConnectionState.DISCONNECTED
            assert box.text() == (
                f"127.0.0.1:{port} presents a certificate this computer does not trust "
                f"(self-signed certificate). SHA-256 fingerprint: {fingerprint}. Compare it "
                "with the one the server's operator gives you, then trust it to connect."
            )
            trust = next(
                b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole
            )
            trust.click()
            await connected(window)
            assert window.session.pins.get("127.0.0.1", port) == fingerprint
            saved = window.settings.value(PINS_KEY)
            assert f"127.0.0.1:{port} {fingerprint}" in (
                saved if isinstance(saved, list) else [saved]
            )
            window.session.disconnect_from_server()
            await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)

        # Another certificate at the same address: refused, loudly.
        async with tls_server(second, port):
            window.connect_to(url, "alice")
            changed = (
                f"The certificate of 127.0.0.1:{port} has changed! Pinned SHA-256 "
                f"{fingerprint}, now {other}."
            )
            await until(
                lambda: window.session.status.detail.startswith(changed),
                what="the changed certificate refused",
            )
            assert window.session.status.state is ConnectionState.DISCONNECTED
            assert window.state_label.text().endswith(window.session.status.detail) or (
                changed in window.state_label.text()
            )


async def test_a_ca_file_in_the_options_trusts_its_certificates(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ca = trustme.CA()
    pem = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(pem)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(ca_file)
    async with running_server(certfile=str(pem)) as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        window.connect_to(url, "alice")
        await until(lambda: window.session.status.untrusted is not None, what="refused")
        box = window.inspector.trust_box
        assert box is not None
        assert "(unable to get local issuer certificate)" in box.text()
        box.reject()
        await asyncio.sleep(0.1)
        assert window.session.status.state is ConnectionState.DISCONNECTED

        window.inspector.options_widget.set_options(ConnectionOptions(ca_file=str(ca_file)))
        window.connect_to(url, "alice")
        await until(lambda: window.session.status.roomcast, what="joined over TLS", timeout=WAIT)
        assert window.session.pins.get("127.0.0.1", server.port) is None  # verified, not pinned


async def test_an_invite_with_the_fingerprint_connects_at_once_and_a_contradiction_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    one, two = self_signed(tmp_path, "host"), self_signed(tmp_path, "impostor")
    fingerprint, other = tls.fingerprint(one.der), tls.fingerprint(two.der)
    async with open_window(qtbot, tmp_path) as window:
        async with tls_server(one.pem) as server:
            port = server.sockets[0].getsockname()[1]
            url = f"wss://127.0.0.1:{port}/r/team"
            # The invite vouches for the certificate: pinned, no question asked.
            window.connect_to(invite_link(url, fingerprint), "alice")
            await connected(window)
            assert window.inspector.trust_box is None
            assert window.session.pins.get("127.0.0.1", port) == fingerprint
            window.session.disconnect_from_server()
            await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)

            # An invite naming another certificate than the one trusted: nothing
            # is opened or pinned, and the window says why.
            notices: list[str] = []
            window.session.notice.connect(lambda n: notices.append(n.text))
            bad = invite_link(f"wss://127.0.0.1:{port}/r/other", other)
            window.connect_to(bad, "alice")
            assert notices and notices[-1].startswith(
                f"The invite names another certificate for 127.0.0.1:{port} than the one "
                f"trusted before (trusted SHA-256 {fingerprint}, invite {other})."
            )
            assert window.session.pins.get("127.0.0.1", port) == fingerprint
            assert len(window.session.rooms) == 1

        # A first invite whose fingerprint is not the server's: refused loudly.
        async with tls_server(one.pem) as server:
            port = server.sockets[0].getsockname()[1]
            window.connect_to(invite_link(f"wss://127.0.0.1:{port}/r/x", other), "alice")
            changed = f"The certificate of 127.0.0.1:{port} has changed! Pinned SHA-256 {other}"
            await until(lambda: window.session.status.detail.startswith(changed), what="refused")
