"""The window against real servers: Roomcast, the Node.js ws tutorial server, an echo server.

Real widgets offscreen, real sockets, the qasync loop (tests/desktop/conftest.py).
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import ConnectionState
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import Roles
from roomcast.desktop.rows import RowKind, SendState
from roomcast.server.app import RoomServer, ServerConfig
from tests.desktop.windows import (
    chat_texts,
    connected,
    open_window,
    rows_of,
    system_texts,
    type_and_send,
)
from tests.helpers import Peer, member, redis_server, running_server, server_process, until
from tests.peers import echo_server, node_broadcast_server


async def test_connect_send_with_keyboard_and_receive(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _):
            window.connection_bar.set_url(url)
            window.connection_bar.name_edit.setText("alice")
            qtbot.mouseClick(window.connection_bar.connect_button, Qt.MouseButton.LeftButton)
            await connected(window)
            assert window.state_label.text() == f"Connected to room team on {url} as alice"
            await until(lambda: window.members_label.text() == "2 members")
            assert window.members.members() == ["alice (you)", "bob"]  # you first

            await type_and_send(qtbot, window, "hello bob")
            assert window.composer.toPlainText() == ""
            got = await bob.until("message")
            assert (got["from"], got["content"]) == ("alice", "hello bob")
            await until(lambda: rows_of(window, RowKind.CHAT)[-1].state is SendState.SENT)

            await bob.send({"type": "message", "content": "<img src=x onerror=alert(1)> <b>hi</b>"})
            await until(lambda: len(chat_texts(window)) == 2)
            row = rows_of(window, RowKind.CHAT)[-1]
            # Plain text, literally: never interpreted as HTML.
            assert row.text == "<img src=x onerror=alert(1)> <b>hi</b>"
            assert (row.author, row.mine) == ("bob", False)
            assert window.view.itemDelegate().display_text(row) == row.text


async def test_shift_enter_adds_a_line(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        window.connect_to(server.urls[0], "alice")
        await connected(window)
        qtbot.keyClicks(window.composer, "one")
        qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(window.composer, "two")
        assert window.composer.toPlainText() == "one\ntwo"
        qtbot.keyClick(window.composer, Qt.Key.Key_Return)
        await until(lambda: chat_texts(window) == ["one\ntwo"])


async def test_composer_says_why_it_cannot_send(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        assert window.composer.isReadOnly()
        assert window.composer.placeholderText() == (
            "Not connected: connect to a server to send messages"
        )
        assert window.state_label.text() == "Disconnected"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ws://127.0.0.1:1/", "Connection refused by 127.0.0.1:1 — is the server running?"),
        ("ws://nonexistent.invalid:8765/", "Unknown host: nonexistent.invalid"),
    ],
)
async def test_connection_errors_are_shown(
    qtbot: QtBot, tmp_path: Path, url: str, expected: str
) -> None:
    async with open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await until(lambda: expected in system_texts(window), what=expected)
        await until(lambda: window.session.status.state is ConnectionState.RECONNECTING)
        assert window.state_label.text().startswith("Reconnecting in ")
        assert window.state_label.text().endswith(f"(attempt 1) — {expected}")
        assert window.retry_button.isVisible()


async def test_handshake_rejected_shows_the_http_status(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        window.connect_to(server.urls[0] + "nope", "alice")
        text = "The server refused the WebSocket upgrade: HTTP 404 Not Found"
        await until(lambda: text in system_texts(window), what=text)


async def test_bad_password_stops_and_says_why(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server(password="right") as server, open_window(qtbot, tmp_path) as window:
        window.connect_to(server.urls[0], "alice")  # no password given
        text = "Refused by the server: password required"
        await until(lambda: text in system_texts(window), what=text)
        await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)
        # No reconnect loop after an auth failure, until the user acts.
        assert window.connection_bar.connect_button.text() == "Connect"
        assert window.composer.isReadOnly()


async def test_host_stopped_hosting_then_reconnect_with_resume(
    qtbot: QtBot, tmp_path: Path
) -> None:
    db = tmp_path / "history.sqlite3"
    first = RoomServer(ServerConfig(port=0, db=db))
    await first.start()
    port = first.port
    url = first.urls[0]
    async with open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await connected(window)
        await type_and_send(qtbot, window, "before")
        await until(lambda: rows_of(window, RowKind.CHAT)[-1].state is SendState.SENT)
        await first.close("host stopped hosting")
        await until(lambda: "The host stopped hosting" in system_texts(window))
        assert window.session.status.state is ConnectionState.RECONNECTING
        # Typed while the server is gone: kept in the outbox.
        await type_and_send(qtbot, window, "while away")
        # Someone talks while this window is away (a server on another port,
        # same database: the window cannot reach it), then the server comes
        # back on the window's port and database.
        async with running_server(db=db) as interim, member(interim.urls[0], "bob") as (bob, _):
            await bob.send({"type": "message", "content": "missed 1", "id": "b1"})
            await bob.until("message", id="b1")
        second = RoomServer(ServerConfig(port=port, db=db))
        await second.start()
        try:
            window.session.retry_now()
            await until(
                lambda: any(
                    r.text == "while away" and r.state is SendState.SENT
                    for r in rows_of(window, RowKind.CHAT)
                ),
                what="the outbox message acknowledged",
            )
            async with member(url, "bob") as (bob, _):
                await bob.send({"type": "message", "content": "live", "id": "b2"})
                await until(lambda: chat_texts(window)[-1:] == ["live"], what="live message")
            texts = chat_texts(window)
            # Every message once, in seq order: the replayed one, then the outbox.
            assert texts == ["before", "missed 1", "while away", "live"]
            seqs = [r.seq for r in rows_of(window, RowKind.CHAT)]
            assert seqs == [1, 2, 3, 4]
            assert all(r.state is SendState.SENT for r in rows_of(window, RowKind.CHAT) if r.mine)
        finally:
            await second.close()


async def test_node_ws_tutorial_server(qtbot: QtBot, tmp_path: Path) -> None:
    with node_broadcast_server() as url:
        async with open_window(qtbot, tmp_path) as a, open_window(qtbot, tmp_path / "b") as b:
            a.connect_to(url, "alice")
            b.connect_to(url, "bob")
            await connected(a)
            await connected(b)
            await until(lambda: not a.session.status.roomcast and not b.session.status.roomcast)
            assert a.state_label.text() == f"Connected to {url} (not a Roomcast server)"
            await type_and_send(qtbot, a, "hi from alice")
            # The tutorial shape arrives at b as JSON, shown pretty-printed.
            await until(lambda: any("hi from alice" in r.text for r in rows_of(b, RowKind.JSON)))
            row = next(r for r in rows_of(b, RowKind.JSON) if "hi from alice" in r.text)
            assert '"type": "message"' in row.text
            assert rows_of(a, RowKind.CHAT)[-1].state is SendState.SENT


async def test_the_classic_tutorial_server_shows_json_not_hex(qtbot: QtBot, tmp_path: Path) -> None:
    # Issue 16: `client.send(message)` without `{ binary: isBinary }` forwards
    # every text message as a binary frame (npm ws 8). Its bytes are the JSON.
    from roomcast.desktop.row_roles import accessible_description, tooltip_text
    from tests.helpers import peer

    hello = '{"type":"message","content":"Hello, Server!"}'
    with node_broadcast_server("tutorial-server.js") as url:
        async with open_window(qtbot, tmp_path) as window:
            window.connect_to(url, "alice")
            await connected(window)
            async with peer(url, subprotocols=None) as browser:
                await browser.send(hello)
                await until(
                    lambda: any("Hello, Server!" in r.text for r in rows_of(window, RowKind.JSON)),
                    what="the JSON row",
                )
                await browser.send("plain words")
                await until(lambda: bool(rows_of(window, RowKind.TEXT)), what="the text row")
            # (npm ws echoes roomcast.v1, so our hello went out; the tutorial
            # server broadcast it back to us too, as binary: shown, as it came.)
            [row] = [r for r in rows_of(window, RowKind.JSON) if "Hello, Server!" in r.text]
            # Small enough for one line (rows.pretty_json).
            assert row.text == '{"type": "message", "content": "Hello, Server!"}'
            assert row.raw == hello.encode()  # the bytes as they travelled
            assert rows_of(window, RowKind.BINARY) == []  # no hex
            assert accessible_description(row) == "JSON frame, received, in a binary frame"
            assert tooltip_text(row).endswith(f"binary frame, {len(hello)} bytes")
            [text] = rows_of(window, RowKind.TEXT)
            assert (text.text, text.raw) == ("plain words", b"plain words")


async def test_echo_server_frames_are_shown_never_dropped(qtbot: QtBot, tmp_path: Path) -> None:
    async with echo_server() as url, open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await connected(window)
        await until(lambda: not window.session.status.roomcast)
        window.session.client.send_raw("plain text, not JSON")  # type: ignore[union-attr]
        window.session.client.send_raw('{"weird": [1, 2, {"x": null}]}')  # type: ignore[union-attr]
        await until(lambda: len(rows_of(window, RowKind.TEXT)) == 1)
        await until(lambda: any('"weird"' in r.text for r in rows_of(window, RowKind.JSON)))
        assert rows_of(window, RowKind.TEXT)[0].text == "plain text, not JSON"


async def test_first_visit_shows_recent_history_and_scrolls_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_server(rate=10_000, burst=10_000) as server:
        url = server.urls[0]
        async with member(url, "bob") as (bob, _):
            for n in range(1, 61):
                await bob.send({"type": "message", "content": f"old {n}", "id": f"o{n}"})
            await bob.until("message", id="o60")
            async with open_window(qtbot, tmp_path) as window:
                window.resize(600, 400)
                window.connect_to(url, "alice")
                # The latest page (PROTOCOL.md, history: 50 by default here).
                await until(lambda: len(chat_texts(window)) == 50, what="the first page")
                assert chat_texts(window)[0] == "old 11"
                assert chat_texts(window)[-1] == "old 60"
                # Scrolling to the top asks for the rest.
                window.view.scrollToTop()
                window.view.verticalScrollBar().setValue(0)
                await until(lambda: len(chat_texts(window)) == 60, what="the older page")
                assert chat_texts(window) == [f"old {n}" for n in range(1, 61)]


async def test_truncated_resume_shows_a_visible_row(qtbot: QtBot, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    first = RoomServer(ServerConfig(port=0, db=db, retention=3))
    await first.start()
    port, url = first.port, first.urls[0]
    async with open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await connected(window)
        await first.close()
        await until(lambda: window.session.status.state is ConnectionState.RECONNECTING)
        async with (
            running_server(db=db, retention=3) as interim,
            member(interim.urls[0], "bob") as (bob, _),
        ):
            for n in range(1, 11):
                await bob.send({"type": "message", "content": f"m{n}", "id": f"m{n}"})
            await bob.until("message", id="m10")
        second = RoomServer(ServerConfig(port=port, db=db, retention=3))
        await second.start()
        try:
            window.session.retry_now()
            text = "Some messages could not be restored: the gap was longer than the room keeps"
            await until(lambda: text in system_texts(window), what=text)
            await until(lambda: chat_texts(window) == ["m8", "m9", "m10"])
        finally:
            await second.close()


async def test_settings_remember_name_urls_and_layout(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server:
        async with open_window(qtbot, tmp_path) as window:
            window.connect_to(server.urls[0], "alice")
            await connected(window)
            window.splitter.setSizes([220, 480, 200])  # rooms, messages, members
            sizes = window.splitter.sizes()
            window.close()
        async with open_window(qtbot, tmp_path) as again:
            assert again.connection_bar.name_edit.text() == "alice"
            assert again.connection_bar.recent_urls() == [server.urls[0]]
            assert again.connection_bar.url_text == server.urls[0]
            # Restored (scaled to the window's width, which offscreen Qt may size anew).
            restored = again.splitter.sizes()
            assert abs(restored[1] / restored[0] - sizes[1] / sizes[0]) < 0.05


async def test_comma_separated_urls_fail_over_between_shared_nodes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Two roomcast-server nodes sharing the room through a real Redis; the
    # window's node is killed with SIGKILL and it carries on on the other.
    with (
        redis_server() as redis,
        server_process("--redis", redis.url) as a,
        server_process("--redis", redis.url) as b,
    ):
        url_a, url_b = a.url + "r/team", b.url + "r/team"
        async with open_window(qtbot, tmp_path) as window, member(url_b, "bob") as (bob, _):
            window.connection_bar.set_url(f"{url_a}, {url_b}")
            window.connection_bar.name_edit.setText("alice")
            qtbot.mouseClick(window.connection_bar.connect_button, Qt.MouseButton.LeftButton)
            await connected(window)
            assert window.session.status.url == url_a
            await type_and_send(qtbot, window, "before")
            assert (await bob.until("message"))["content"] == "before"

            a.proc.send_signal(signal.SIGKILL)
            await type_and_send(qtbot, window, "after")  # queued while it fails over
            got = await bob.until("message")
            assert (got["seq"], got["from"], got["content"]) == (2, "alice", "after")
            await connected(window)
            assert window.session.status.url == url_b
            assert chat_texts(window) == ["before", "after"]
            await until(lambda: rows_of(window, RowKind.CHAT)[-1].state is SendState.SENT)


async def test_ctrl_f_filters_the_list_and_esc_restores_it(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _):
            window.connect_to(url, "alice")
            await connected(window)
            for n, text in enumerate(["alpha", "beta", "Alphabet soup"]):
                await bob.send({"type": "message", "content": text, "id": f"b{n}"})
            await until(lambda: len(chat_texts(window)) == 3)
            total = window.view.model().rowCount()
            window.activateWindow()
            await until(window.isActiveWindow)
            window.view.setFocus()
            qtbot.keyClick(window.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
            bar = window.filter_bar
            await until(lambda: bar.isVisible() and bar.search.hasFocus(), what="the find bar")
            qtbot.keyClicks(bar.search, "ALPH")
            shown = window.view.model()
            await until(lambda: shown.rowCount() == 2, what="two rows match")
            texts = [shown.index(i, 0).data() for i in range(shown.rowCount())]
            assert texts == ["alpha", "Alphabet soup"]
            qtbot.keyClick(bar.search, Qt.Key.Key_Escape)
            await until(lambda: shown.rowCount() == total, what="every row back")
            assert not bar.isVisible()


# -- one timeline per room (issue 13) ----------------------------------------------------


async def switch_to(qtbot: QtBot, window: MainWindow, url: str) -> None:
    """As a person does it: Disconnect (if connected), the other address, Connect."""
    bar = window.connection_bar
    if bar.connect_button.text() == "Disconnect":
        qtbot.mouseClick(bar.connect_button, Qt.MouseButton.LeftButton)
        await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)
    bar.set_url(url)
    qtbot.mouseClick(bar.connect_button, Qt.MouseButton.LeftButton)
    await until(lambda: window.session.status.room is not None, what=f"joined {url}")
    await connected(window)


def chat_rows(window: MainWindow) -> list[tuple[int | None, str]]:
    return [(r.seq, r.text) for r in rows_of(window, RowKind.CHAT)]


def shown_in_the_list(window: MainWindow) -> list[str]:
    """What the list view shows (through the find bar's filter), chat rows only."""
    view = window.view.model()
    texts = [view.index(i, 0).data(Roles.RowRole) for i in range(view.rowCount())]
    return [r.text for r in texts if r.kind is RowKind.CHAT]


async def post(peer: Peer, *texts: str) -> None:
    for text in texts:
        await peer.send({"type": "message", "content": text, "id": text})
        await peer.until("message", id=text)


async def test_room_a_then_b_then_a_again_shows_every_message_once(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Issue 13, item 8: one window, two rooms with the same seqs, and back.
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url_a, url_b = server.urls[0] + "r/a", server.urls[0] + "r/b"
        window.connection_bar.name_edit.setText("alice")
        async with member(url_a, "bob") as (bob_a, _), member(url_b, "bob") as (bob_b, _):
            await switch_to(qtbot, window, url_a)
            await post(bob_a, *(f"a{n}" for n in range(1, 6)))
            a_first = [(n, f"a{n}") for n in range(1, 6)]
            await until(lambda: chat_rows(window) == a_first, what="A's 1-5")

            await switch_to(qtbot, window, url_b)
            assert window.session.status.room == "b"
            assert chat_rows(window) == []  # B's own list, not A's
            await post(bob_b, *(f"b{n}" for n in range(1, 6)))
            b_all = [(n, f"b{n}") for n in range(1, 6)]
            await until(lambda: chat_rows(window) == b_all, what="B's 1-5, none taken for A's")
            await post(bob_a, "a6", "a7")  # while the window is away from A

            await switch_to(qtbot, window, url_a)
            a_all = [(n, f"a{n}") for n in range(1, 8)]
            await until(lambda: chat_rows(window) == a_all, what="A's rows and what it missed")
            await post(bob_a, "a8")  # a sync point: nothing else arrives before it
            await until(lambda: chat_rows(window)[-1:] == [(8, "a8")])
            assert chat_rows(window) == [*a_all, (8, "a8")]
            assert shown_in_the_list(window) == [f"a{n}" for n in range(1, 9)]
            assert (
                system_texts(window).count(
                    "The server's history was reset; showing what it has now"
                )
                == 0
            )

            await switch_to(qtbot, window, url_b)
            await post(bob_b, "b6")
            await until(lambda: chat_rows(window)[-1:] == [(6, "b6")])
            assert chat_rows(window) == [*b_all, (6, "b6")]
            assert shown_in_the_list(window) == [f"b{n}" for n in range(1, 7)]
        # Each room is one conversation, kept for the window's lifetime.
        assert sorted(key[1] for key in window.session.conversations) == ["a", "b"]


async def test_a_server_restarted_with_an_empty_history_shows_one_reset_row(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Issue 13, item 1: the server restarts with :memory:; its seqs start over.
    first = RoomServer(ServerConfig(host="127.0.0.1", port=0, db=":memory:"))
    await first.start()
    port, url = first.port, first.urls[0] + "r/team"
    reset = "The server's history was reset; showing what it has now"
    async with open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await connected(window)
        async with member(url, "bob") as (bob, _):
            await post(bob, "old 1", "old 2", "old 3")
        await until(lambda: [t for _, t in chat_rows(window)] == ["old 1", "old 2", "old 3"])
        await first.close()
        await until(lambda: window.session.status.state is ConnectionState.RECONNECTING)
        await type_and_send(qtbot, window, "while away")  # kept in the outbox

        second = RoomServer(ServerConfig(host="127.0.0.1", port=port, db=":memory:"))
        await second.start()
        try:
            window.session.retry_now()
            await until(lambda: reset in system_texts(window), what="the reset row")
            await until(lambda: chat_rows(window) == [(1, "while away")], what="the outbox, resent")
            async with member(url, "bob") as (bob, _):
                await post(bob, "new 1", "new 2")
                await until(lambda: len(chat_rows(window)) == 3, what="the new messages")
            assert chat_rows(window) == [(1, "while away"), (2, "new 1"), (3, "new 2")]
            rows = window.session.model.rows
            texts = [r.text for r in rows]
            assert texts.count(reset) == 1
            assert texts.index(reset) < texts.index("while away")
            assert all(r.state is SendState.SENT for r in rows_of(window, RowKind.CHAT) if r.mine)
            assert shown_in_the_list(window) == ["while away", "new 1", "new 2"]
            assert window.session.model.timeline.epoch == window.session.client.epoch  # type: ignore[union-attr]
        finally:
            await second.close()
