"""One window, many rooms (issue 15): each room its own connection, timeline,
draft, unread count and scroll position; quitting while hosting asks first.

Real servers on port 0, real clients, real widgets offscreen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import Backoff, ConnectionState
from roomcast.desktop.hosting import HostSettings
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rooms import RoomEntry
from roomcast.desktop.rows import RowKind, SendState
from roomcast.desktop.session import ChatSession, Conversation
from tests.desktop.windows import connected, open_window, system_texts, type_and_send
from tests.helpers import Peer, member, running_server, until


def conversation(window: MainWindow, room: str) -> Conversation:
    found = [c for c in window.session.conversations.values() if c.key[1] == room]
    assert len(found) == 1, f"one conversation for {room}"
    return found[0]


def texts(window: MainWindow, room: str) -> list[tuple[int | None, str]]:
    timeline = conversation(window, room).timeline
    timeline.flush()
    return [(r.seq, r.text) for r in timeline.rows if r.kind is RowKind.CHAT]


def listed(window: MainWindow) -> list[str]:
    return [e.title for e in window.session.rooms]


async def post(peer: Peer, *contents: str) -> None:
    for text in contents:
        await peer.send({"type": "message", "content": text, "id": text})
        await peer.until("message", id=text)


def activate(widget: QWidget) -> None:
    widget.show()
    widget.raise_()
    widget.activateWindow()


async def open_room(window: MainWindow, url: str) -> RoomEntry:
    """As a person does it: Ctrl+N, the address, Enter."""
    window.new_room_action.trigger()
    assert window.connection_bar.url_box.isEnabled()
    window.connection_bar.set_url(url)
    window.connection_bar.connect_button.click()
    await until(lambda: window.session.status.state is ConnectionState.CONNECTED, what=url)
    current = window.session.rooms.current
    assert current is not None
    return current


async def test_three_rooms_on_two_servers_and_a_hosted_one(qtbot: QtBot, tmp_path: Path) -> None:
    async with (
        running_server() as one,
        running_server() as two,
        open_window(qtbot, tmp_path) as window,
    ):
        window.connection_bar.name_edit.setText("alice")
        assert await window.session.host(
            HostSettings(room="home", host="127.0.0.1", port=0), "alice"
        )
        await until(lambda: window.session.status.state is ConnectionState.HOSTING)
        home_url = f"ws://127.0.0.1:{window.session.server.port}/r/home"  # type: ignore[union-attr]
        url_a, url_b = one.urls[0] + "r/a", one.urls[0] + "r/b"
        url_c = two.urls[0] + "r/c"
        for url in (url_a, url_b, url_c):
            await open_room(window, url)
            # Focus goes to the composer on connect: a space typed now is text.
            assert window.composer.hasFocus() or QApplication.focusWidget() is window.composer
        assert listed(window) == ["home", "a", "b", "c"]
        hosted = window.session.rooms[0]
        assert hosted.hosted and hosted.status.state is ConnectionState.HOSTING

        window.show_room(window.session.rooms[1])  # "a" is shown, the others work on
        activate(window)
        await until(window.isActiveWindow, what="the window to be active")
        async with (
            member(url_a, "bob") as (bob_a, _),
            member(url_b, "bob") as (bob_b, _),
            member(url_c, "bob") as (bob_c, _),
            member(home_url, "bob") as (bob_home, _),
        ):
            # Interleaved: every room gets messages while "a" is shown.
            for n in range(1, 6):
                await post(bob_a, f"a{n}")
                await post(bob_b, f"b{n}")
                await post(bob_c, f"c{n}")
                await post(bob_home, f"home{n}")
            want = {room: [(n, f"{room}{n}") for n in range(1, 6)] for room in ("a", "b", "c")}
            want["home"] = [(n, f"home{n}") for n in range(1, 6)]
            for room, rows in want.items():
                await until(lambda room=room, rows=rows: texts(window, room) == rows, what=room)
            unread = {e.title: e.unread for e in window.session.rooms}
            assert unread == {"home": 5, "a": 0, "b": 5, "c": 5}  # "a" is read as it comes
            await until(lambda: window.windowTitle() == "(15) a — Roomcast", what="the title")

            # Switching: its rows, read at once, and its count gone.
            window.show_room(window.session.rooms[2])
            assert window.session.status.room == "b"
            assert [t for _, t in _shown(window)] == [f"b{n}" for n in range(1, 6)]
            assert window.session.rooms[2].unread == 0
            await until(lambda: window.windowTitle() == "(10) b — Roomcast", what="the title")
            # Ctrl+PgDown goes on to "c", and around to "home".
            window.next_room_action.trigger()
            assert window.session.status.room == "c"
            window.next_room_action.trigger()
            assert window.session.rooms.current is hosted
            assert window.session.status.state is ConnectionState.HOSTING
            assert window.invite_panel.isVisible()  # the invite, for the hosted room only
            window.next_room_action.trigger()
            assert window.session.status.room == "a"
            assert not window.invite_panel.isVisible()
            await until(lambda: window.windowTitle() == "a — Roomcast", what="the title")

            # Nothing twice, nothing lost, after all that switching.
            await post(bob_b, "b6")
            await until(lambda: texts(window, "b")[-1:] == [(6, "b6")])
            assert texts(window, "b") == [*want["b"], (6, "b6")]
            assert window.session.rooms[2].unread == 1

            # Closing one room leaves the others connected.
            window.close_room(window.session.rooms[2])
            assert listed(window) == ["home", "a", "c"]
            await bob_b.until("presence", event="leave", name="alice")
            await post(bob_c, "c6")
            await until(lambda: texts(window, "c")[-1:] == [(6, "c6")])
            assert all(
                c.status.state in (ConnectionState.CONNECTED, ConnectionState.HOSTING)
                for c in window.session.conversations.values()
            )


def _shown(window: MainWindow) -> list[tuple[int | None, str]]:
    window.session.model.flush()
    return [(r.seq, r.text) for r in window.session.model.rows if r.kind is RowKind.CHAT]


async def test_each_room_keeps_its_draft_and_scroll_position(qtbot: QtBot, tmp_path: Path) -> None:
    async with (
        running_server(rate=1000.0, burst=1000.0) as server,
        open_window(qtbot, tmp_path) as window,
    ):
        window.connection_bar.name_edit.setText("alice")
        url_a, url_b = server.urls[0] + "r/a", server.urls[0] + "r/b"
        async with member(url_a, "bob") as (bob, _):
            await post(bob, *(f"line {n}" for n in range(1, 121)))
        a = await open_room(window, url_a)
        await until(lambda: len(texts(window, "a")) >= 50, what="a's first page")
        # Scroll back to the top of what is there, then a little down.
        view = window.view
        bar = view.verticalScrollBar()
        await until(lambda: bar.maximum() > 0, what="a list that scrolls")
        bar.setValue(bar.maximum() // 3)
        position = view.scroll_position()
        assert not position.at_bottom
        window.composer.setPlainText("half a thought")

        b = await open_room(window, url_b)
        assert window.composer.toPlainText() == ""  # b's own (empty) draft
        window.composer.setPlainText("for b")
        window.show_room(a)
        assert window.composer.toPlainText() == "half a thought"
        assert view.scroll_position().anchor_seq == position.anchor_seq
        window.show_room(b)
        assert window.composer.toPlainText() == "for b"
        assert view.scroll_position().at_bottom


async def test_open_rooms_come_back_at_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server:
        url_a, url_b = server.urls[0] + "r/a", server.urls[0] + "r/b"
        async with open_window(qtbot, tmp_path) as window:
            window.connection_bar.name_edit.setText("alice")
            await open_room(window, url_a)
            b = await open_room(window, url_b)
            window.composer.setPlainText("unsent words")
            window.show_room(window.session.rooms[0])
            window.show_room(b)
            window.save_settings()
            assert window.settings.value("recent_urls")[:2] == [url_b, url_a]
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        session = ChatSession(MessageListModel(), hosted_db=tmp_path / "hosted.sqlite3")
        again = MainWindow(session, settings)
        qtbot.addWidget(again)
        again.show()
        try:
            assert again.restore_rooms() == 2
            assert listed(again) == ["a", "b"]
            assert again.session.rooms.current is again.session.rooms[1]
            assert again.composer.toPlainText() == "unsent words"
            await connected(again)
            await until(
                lambda: all(
                    e.status.state is ConnectionState.CONNECTED for e in again.session.rooms
                ),
                what="both rooms connected again",
            )
            assert [e.status.you for e in again.session.rooms] == ["alice", "alice"]
        finally:
            await session.aclose()


async def test_an_address_that_never_answered_is_given_up_and_not_remembered(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_server() as server:
        port = server.port
    dead = f"ws://127.0.0.1:{port}/r/nowhere"
    quick = lambda: Backoff(initial=0.02, maximum=0.05)  # noqa: E731
    async with open_window(qtbot, tmp_path, backoff=quick) as window:
        session = window.session
        window.connection_bar.set_url(dead)
        window.connection_bar.connect_button.click()
        await until(lambda: session.status.unreachable, what="given up")
        assert session.status.state is ConnectionState.DISCONNECTED
        assert window.state_label.text().startswith("Disconnected — Could not reach 127.0.0.1:")
        assert window.retry_button.isVisible() and window.retry_button.text() == "Retry"
        assert dead not in window.connection_bar.recent_urls()
        assert dead not in (window.settings.value("recent_urls") or [])
        # Retry starts over; a server there now is reached, and then remembered.
        async with running_server(port=port):
            window.retry_button.click()
            await until(lambda: session.status.state is ConnectionState.CONNECTED)
            assert window.connection_bar.recent_urls()[0] == dead
            assert not window.retry_button.isVisible()


async def test_typing_ends_when_the_typist_leaves(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/t"
        await open_room(window, url)
        async with member(url, "eve") as (eve, _):
            await eve.send({"type": "typing"})
            await until(lambda: window.typing_label.text() == "eve is typing…")
            assert window.typing_label.isVisible()
        # eve left (her connection closed): no "eve is typing…" for 5 more seconds.
        await until(lambda: window.typing_label.text() == "", what="the hint gone at once")
        assert not window.typing_label.isVisible()  # no empty row above the composer


async def test_a_refused_password_is_said_once(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server(password="sesame") as server, open_window(qtbot, tmp_path) as window:
        window.connection_bar.password_edit.setText("wrong")
        window.connect_to(server.urls[0] + "r/p", "alice")
        await until(lambda: window.session.status.state is ConnectionState.DISCONNECTED)
        await until(lambda: bool(window.session.status.detail))
        refused = [t for t in system_texts(window) if "password" in t.lower()]
        assert len(refused) == 1, system_texts(window)
        detail = window.session.status.detail
        assert "password" in detail.lower()
        # The status bar says it once: in the state label, not again as a notice.
        assert detail in window.state_label.text()
        assert detail not in window.notice_label.text()


async def test_disconnecting_the_hosted_room_stops_hosting(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        assert await window.session.host(HostSettings(room="h", host="127.0.0.1", port=0), "al")
        await until(lambda: window.session.status.state is ConnectionState.HOSTING)
        assert window.connection_bar.connect_button.text() == "Disconnect"
        qtbot.mouseClick(window.connection_bar.connect_button, Qt.MouseButton.LeftButton)
        await until(lambda: "Stopped hosting" in system_texts(window), what="hosting stopped")
        assert window.session.server is None
        assert window.host_button.text() == "Host a room"
        assert not window.session.rooms[0].hosted


async def test_quit_while_hosting_asks_and_can_keep_hosting_in_the_background(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with open_window(qtbot, tmp_path, tray=True) as window:
        session = window.session
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        assert await session.host(HostSettings(room="home", host="127.0.0.1", port=0), "al")
        url = f"ws://127.0.0.1:{session.server.port}/r/home"  # type: ignore[union-attr]
        async with member(url, "bob") as (bob, _), member(url, "cy") as (cy, _):
            await until(lambda: session.others_connected == 2, what="two guests")
            window.quit_action.trigger()  # Ctrl+Q
            box = window.confirm_box
            assert box is not None and box.isVisible()
            assert box.text() == "2 other people are in your room home."
            assert "stops hosting" in box.informativeText()
            assert window.isVisible() and not closed  # nothing happened yet
            assert window.keep_hosting_button is not None
            window.keep_hosting_button.click()
            await until(lambda: not window.isVisible(), what="the window hidden")
            assert window.in_background and not closed
            assert session.server is not None
            assert "hosting room home" in window.tray.toolTip()  # type: ignore[union-attr]
            # The room goes on without the window.
            await post(bob, "still here")
            await cy.until("message", content="still here")
            # The tray's Stop hosting (the person's explicit word): with the
            # window in the background that quits, and the guests hear why.
            window.tray_stop_action.trigger()
            await until(lambda: bool(closed), what="the window closed for good")
            await session.aclose()
            code, reason = await bob.closed()
            assert code == 1001 and reason is not None and "stopped hosting" in reason


async def test_quit_without_a_tray_offers_stop_or_cancel(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path, tray=False) as window:
        session = window.session
        assert await session.host(HostSettings(room="home", host="127.0.0.1", port=0), "al")
        url = f"ws://127.0.0.1:{session.server.port}/r/home"  # type: ignore[union-attr]
        async with member(url, "bob") as (bob, _):
            await until(lambda: session.others_connected == 1)
            window.close()
            box = window.confirm_box
            assert box is not None and box.isVisible()
            assert box.text() == "1 other person is in your room home."
            assert window.keep_hosting_button is None
            box.reject()  # Cancel: the window and the room stay
            await until(lambda: not box.isVisible())
            assert window.isVisible() and session.server is not None
            await post(bob, "fine")


async def test_typing_in_the_composer_after_connecting_never_presses_a_button(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/focus"
        window.connection_bar.set_url(url)
        window.connection_bar.name_edit.setText("alice")
        qtbot.mouseClick(window.connection_bar.connect_button, Qt.MouseButton.LeftButton)
        await connected(window)
        async with member(url, "bob") as (bob, _):
            focused = QApplication.focusWidget()
            assert focused is window.composer
            await type_and_send(qtbot, window, "a message with spaces")
            frame = await bob.until("message")
            assert frame["content"] == "a message with spaces"
        assert window.session.status.state is ConnectionState.CONNECTED  # not disconnected


async def test_every_mnemonic_in_the_window_reaches_one_control(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Alt+letter: the menu bar's titles and every control of the window share
    one scope; each menu's items are a scope of their own."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu

    from tests.desktop.mnemonics import mnemonic

    def clash(texts: list[str]) -> dict[str, list[str]]:
        seen: dict[str, list[str]] = {}
        for text in texts:
            if (letter := mnemonic(text)) is not None:
                seen.setdefault(letter, []).append(text)
        return {k: v for k, v in seen.items() if len(v) > 1}

    async with open_window(qtbot, tmp_path) as window:
        assert await window.session.host(HostSettings(room="m", host="127.0.0.1", port=0), "al")
        window.filter_bar.activate()  # every control on show: the find bar too
        top = [a.text() for a in window.menuBar().actions()]
        for widget in window.findChildren(QWidget):
            if isinstance(widget, QMenu):
                continue
            if isinstance(widget, QAbstractButton) or (
                isinstance(widget, QLabel) and widget.buddy() is not None
            ):
                top.append(widget.text())
            elif isinstance(widget, QGroupBox):
                top.append(widget.title())
        assert sum(mnemonic(t) is not None for t in top) >= 10  # the walk saw them
        assert clash(top) == {}
        menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
        assert len(menus) >= 2
        for menu in menus:
            assert clash([a.text() for a in menu.actions()]) == {}, menu.title()


async def test_the_side_column_collapses_when_empty_and_stays_narrow(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from roomcast.desktop.main_window import SIDE_MAX_WIDTH
    from tests.peers import echo_server

    async with echo_server() as echo, running_server() as server:
        async with open_window(qtbot, tmp_path) as window:
            window.resize(1400, 700)
            window.connect_to(echo, "alice")  # a foreign server: no members to list
            await until(lambda: window.session.status.state is ConnectionState.CONNECTED)
            assert not window.side.isVisible()
            await open_room(window, server.urls[0] + "r/side")
            await until(window.side.isVisible, what="the member list")
            assert 0 < window.side.width() <= SIDE_MAX_WIDTH
            assert window.view.width() > 2 * window.side.width()


async def test_a_queued_message_is_headed_with_your_name(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server:
        port = server.port
    async with open_window(qtbot, tmp_path) as window:
        window.connect_to(f"ws://127.0.0.1:{port}/r/later", "alice")  # nobody there yet
        await until(lambda: window.session.status.state is not ConnectionState.DISCONNECTED)
        await type_and_send(qtbot, window, "waiting for the server")
        window.session.model.flush()
        [row] = [r for r in window.session.model.rows if r.kind is RowKind.CHAT]
        assert (row.author, row.text) == ("alice", "waiting for the server")


async def test_a_server_killed_under_one_room_loses_nothing_in_any_room(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """kill -9 of the server of one open room, while another room keeps
    talking and we type into the dead one: after the restart (same history
    file) each room holds every message once, in seq order, ours included;
    the other room never noticed; the restarted server's RSS stays small."""
    import signal

    from tests.helpers import server_process
    from tests.hostile.harness import status_kib

    db = str(tmp_path / "killed.sqlite3")
    quick = lambda: Backoff(initial=0.05, maximum=0.2)  # noqa: E731
    async with running_server() as steady, open_window(qtbot, tmp_path, backoff=quick) as window:
        window.connection_bar.name_edit.setText("alice")
        with server_process("--db", db) as first:
            port = first.url.rsplit(":", 1)[1].split("/")[0]
            url_a, url_b = f"ws://127.0.0.1:{port}/r/a", steady.urls[0] + "r/b"
            a = await open_room(window, url_a)
            b = await open_room(window, url_b)
            async with member(url_a, "bob") as (bob_a, _):
                await post(bob_a, "a1", "a2", "a3")
            await until(lambda: [t for _, t in texts(window, "a")] == ["a1", "a2", "a3"])
            first.proc.send_signal(signal.SIGKILL)
            await first.exited()
        await until(lambda: a.status.state is ConnectionState.RECONNECTING, what="a is down")
        window.show_room(a)
        await type_and_send(qtbot, window, "typed while a is down")
        async with member(url_b, "bob") as (bob_b, _):
            await post(bob_b, "b1", "b2", "b3")  # the other room goes on meanwhile
        assert b.status.state is ConnectionState.CONNECTED
        with server_process("--db", db, "--port", port) as second:
            await until(lambda: a.status.state is ConnectionState.CONNECTED, what="a is back")
            async with member(url_a, "bob") as (bob_a, _):
                await post(bob_a, "a4")
                await until(lambda: texts(window, "a")[-1:] == [(5, "a4")], what="a4")
            assert texts(window, "a") == [
                (1, "a1"),
                (2, "a2"),
                (3, "a3"),
                (4, "typed while a is down"),
                (5, "a4"),
            ]
            assert texts(window, "b") == [(1, "b1"), (2, "b2"), (3, "b3")]
            ours = [r for r in conversation(window, "a").timeline.rows if r.mine]
            assert [(r.text, r.state) for r in ours] == [("typed while a is down", SendState.SENT)]
            # Nothing piled up server-side for a client that resumed.
            assert status_kib(second.proc.pid, "VmRSS") < 150 * 1024
