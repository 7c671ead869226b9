"""desktop/widgets/controls.py: the connection bar and the member list on
their own, the mnemonics of everything the main window holds; and in a real
window raw JSON mode, mentions from the member list, typing hints (throttled
out, expiring in), Ctrl+L."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

import roomcast.desktop.rooms as rooms_module
from roomcast.desktop import client, timeline
from roomcast.desktop.i18n import install_translators
from roomcast.desktop.links import EXAMPLE_URL
from roomcast.desktop.rows import Direction, RowKind
from roomcast.desktop.sending import SendMode
from roomcast.desktop.widgets.controls import (
    MAX_RECENT_URLS,
    Composer,
    ComposerBar,
    ConnectionBar,
    MemberList,
)
from roomcast.desktop.widgets.filter_bar import FilterBar
from roomcast.desktop.widgets.hosting import InvitePanel
from roomcast.server.protocol import MAX_NAME_CHARS
from tests.desktop.mnemonics import mnemonic, mnemonics, repeated, stray_ampersands
from tests.desktop.windows import connected, open_window, rows_of, type_and_send
from tests.helpers import member, running_server, until
from tests.peers import echo_server


def test_the_connection_bar_asks_for_an_address_and_a_protocol_name(qtbot: QtBot) -> None:
    bar = ConnectionBar()
    qtbot.addWidget(bar)
    line = bar.url_box.lineEdit()
    assert line is not None and line.placeholderText() == EXAMPLE_URL
    assert bar.name_edit.maxLength() == MAX_NAME_CHARS
    assert bar.name_edit.accessibleDescription() == (
        f"The name the others see, 1 to {MAX_NAME_CHARS} characters"
    )
    qtbot.keyClicks(bar.name_edit, "x" * (MAX_NAME_CHARS + 5))
    assert bar.name_edit.text() == "x" * MAX_NAME_CHARS


def test_the_connection_bar_emits_what_was_typed_and_remembers_urls(qtbot: QtBot) -> None:
    bar = ConnectionBar()
    qtbot.addWidget(bar)
    bar.set_url(" ws://a/r/x, ws://b/r/x ")
    bar.name_edit.setText("ann")
    with qtbot.waitSignal(bar.connectRequested, timeout=0) as signal:
        qtbot.mouseClick(bar.connect_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["ws://a/r/x, ws://b/r/x", "ann"]
    bar.set_connected(True)
    assert bar.connect_button.text() == "Disconnect" and not bar.name_edit.isEnabled()
    with qtbot.waitSignal(bar.disconnectRequested, timeout=0):
        qtbot.mouseClick(bar.connect_button, Qt.MouseButton.LeftButton)
    for n in range(MAX_RECENT_URLS + 2):
        bar.remember_url(f"ws://h/r/{n}")
    recent = bar.recent_urls()
    assert len(recent) == MAX_RECENT_URLS
    assert recent[0] == f"ws://h/r/{MAX_RECENT_URLS + 1}"


def test_the_member_list_is_you_first_then_sorted_ignoring_case(qtbot: QtBot) -> None:
    members = MemberList()
    qtbot.addWidget(members)
    members.set_members(["bob", "alice", "Zed", "dave", "Alice", "carol"], you="dave")
    assert members.members() == ["dave (you)", "Alice", "alice", "bob", "carol", "Zed"]
    assert members.title.text() == "&Members (6)"
    # The rows are the names: activating one mentions that name.
    with qtbot.waitSignal(members.mentionRequested, timeout=0) as signal:
        members.view.activated.emit(members.model.index(5, 0))
    assert signal.args == ["Zed"]
    with qtbot.waitSignal(members.mentionRequested, timeout=0) as signal:
        members.view.activated.emit(members.model.index(0, 0))
    assert signal.args == ["dave"]
    members.set_members(["b", "C", "a"])  # you unknown (not a Roomcast welcome yet)
    assert members.members() == ["a", "b", "C"]


def test_the_member_list_title_takes_alt_m_to_the_list(qtbot: QtBot) -> None:
    members = MemberList()
    qtbot.addWidget(members)
    assert members.title.buddy() is members.view
    assert mnemonics(members) == {"M": ["&Members"]}


def test_the_main_windows_widgets_share_no_mnemonic() -> None:
    """The window holds all of these at once, under its menus &Room and &View:
    Alt+letter must reach exactly one control."""
    menus = {"R": ["&Room"], "V": ["&View"]}
    widgets = [
        ConnectionBar(),
        ComposerBar(Composer()),
        FilterBar(),
        MemberList(),
        InvitePanel(),
    ]
    found = [mnemonics(w) for w in widgets]
    assert repeated(menus, *found) == {}
    # Every label with an ampersand has a buddy: none shows a literal "&".
    assert [t for w in widgets for t in stray_ampersands(w)] == []
    # The send-mode selector keeps a mnemonic, just not a menu's.
    assert mnemonic(widgets[1].selector.label.text()) == "A"  # type: ignore[attr-defined]


@pytest.fixture
def german() -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = client.translate, timeline.translate
    installed = install_translators(app, QLocale("de_DE"))
    try:
        assert installed, "resources/i18n/roomcast_de.qm did not load (make i18n builds it)"
        yield
    finally:
        for translator in installed:
            app.removeTranslator(translator)
        client.translate, timeline.translate = before


def test_the_main_windows_widgets_share_no_mnemonic_in_german(german: None) -> None:
    menus = {"R": ["&Raum"], "A": ["&Ansicht"]}  # the German &Room and &View
    widgets = [
        ConnectionBar(),
        ComposerBar(Composer()),
        FilterBar(),
        MemberList(),
        InvitePanel(),
    ]
    found = [mnemonics(w) for w in widgets]
    # The composer bar's send-mode selector, translated, not the English text.
    assert found[1] == {"D": ["Sen&den als:"], "W": ["Datei &wählen …"]}
    assert repeated(menus, *found) == {}


def _window_texts(window: QWidget) -> list[str]:
    """The texts with a mnemonic that live in ``window`` itself: its menu bar's
    titles and its controls; not the items of its menus (each menu is a scope
    of its own) nor the widgets of its dialogs (other windows)."""
    texts: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QMenuBar):
            texts.extend(action.text() for action in widget.actions())
    return [text for text in texts if mnemonic(text) is not None]


async def test_the_whole_main_window_shares_no_mnemonic_in_german(
    german: None, qtbot: QtBot, tmp_path: Path
) -> None:
    """All of the German window at once (menu bar, connection bar, composer,
    filter bar, members, saved messages...), then each menu, then the
    connection options dialog: Alt+letter reaches one control in each."""
    async with open_window(qtbot, tmp_path) as window:
        texts = _window_texts(window)
        assert "&Raum" in texts and "Sen&den als:" in texts  # translated, not English
        by_letter: dict[str, list[str]] = {}
        for text in texts:
            by_letter.setdefault(mnemonic(text) or "", []).append(text)
        assert {k: v for k, v in by_letter.items() if len(v) > 1} == {}
        menus = [a.menu() for a in window.menuBar().actions()]
        assert [m.title() for m in menus if isinstance(m, QMenu)] == ["&Raum", "&Ansicht"]
        for menu in menus:
            assert isinstance(menu, QMenu)
            assert repeated(mnemonics(menu)) == {}, menu.title()
        assert repeated(mnemonics(window.inspector.options_dialog)) == {}


def test_mnemonic_reads_qt_ampersands() -> None:
    assert mnemonic("&Room") == "R"
    assert mnemonic("Ra&w JSON") == "W"
    assert mnemonic("Tom && Jerry") is None
    assert mnemonic("Tom && &Jerry") == "J"
    assert mnemonic("trailing &") is None
    assert mnemonic("plain") is None


async def test_json_mode_rejects_invalid_json_with_the_error_shown(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with echo_server() as url, open_window(qtbot, tmp_path) as window:
        window.connect_to(url, "alice")
        await connected(window)
        bar = window.composer_bar
        bar.selector.set_mode(SendMode.JSON)
        assert window.composer.mode is SendMode.JSON
        await type_and_send(qtbot, window, '{"op": "ping",}')
        assert bar.error_label.isVisibleTo(window)
        assert bar.error_label.text() == (
            "Not valid JSON: Expecting property name enclosed in double quotes "
            "(line 1, column 15); nothing was sent"
        )
        assert window.composer.toPlainText() == '{"op": "ping",}'  # kept to fix
        assert rows_of(window, RowKind.JSON) == []

        window.composer.clear()
        await type_and_send(qtbot, window, '{"op": "ping", "n": [1, 2]}')
        assert not bar.error_label.isVisibleTo(window)
        # Sent as it is, shown as it went out; the echo server sends it back.
        await until(lambda: len(rows_of(window, RowKind.JSON)) == 2, what="sent and echoed")
        sent, echoed = rows_of(window, RowKind.JSON)
        assert (sent.direction, sent.raw) == (Direction.OUT, '{"op": "ping", "n": [1, 2]}')
        assert sent.text == '{"op": "ping", "n": [1, 2]}'
        assert (echoed.direction, echoed.raw) == (Direction.IN, '{"op": "ping", "n": [1, 2]}')
        assert json.loads(echoed.text) == {"op": "ping", "n": [1, 2]}


async def test_clicking_a_member_mentions_it(qtbot: QtBot, tmp_path: Path) -> None:
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _):
            window.connect_to(url, "alice")
            await connected(window)
            await until(lambda: len(window.members.members()) == 2)
            assert window.members.members() == ["alice (you)", "bob"]
            view = window.members.view
            qtbot.keyClicks(window.composer, "hi")
            rect = view.visualRect(view.model().index(1, 0))
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            assert window.composer.toPlainText() == "hi @bob "
            assert window.composer.hasFocus()
            qtbot.keyClick(window.composer, Qt.Key.Key_Return)
            got = await bob.until("message")
            assert got["content"] == "hi @bob"


async def test_typing_hints_are_throttled_out_and_expire_in(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rooms_module, "TYPING_SHOWN", 0.4)
    async with running_server() as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        async with member(url, "bob") as (bob, _), member(url, "carol") as (carol, _):
            window.connect_to(url, "alice")
            await connected(window)
            # Ours: a burst of keystrokes sends one typing frame (one per 3 s).
            qtbot.keyClicks(window.composer, "hello there")
            got = await bob.until("typing")
            assert got == {"type": "typing", "from": "alice"}
            assert [f for f in await bob.quiet(0.3) if f["type"] == "typing"] == []

            # Theirs: shown under the list, together, then gone.
            await bob.send({"type": "typing"})
            await until(lambda: window.typing_label.text() == "bob is typing…")
            await carol.send({"type": "typing"})
            await until(lambda: window.typing_label.text() == "bob and carol are typing…")
            await bob.send({"type": "message", "content": "done", "id": "b1"})
            await until(lambda: window.typing_label.text() == "carol is typing…")
            await until(lambda: window.typing_label.text() == "", what="the hint to expire")


async def test_ctrl_l_goes_to_the_address(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        window.connection_bar.set_url("ws://example.invalid/r/x")
        window.activateWindow()
        await until(window.isActiveWindow, what="the window to be active")
        window.composer.setFocus()
        await until(window.composer.hasFocus)
        qtbot.keyClick(window.composer, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        line = window.connection_bar.url_box.lineEdit()
        await until(line.hasFocus, what="the address to get the focus")
        assert line.selectedText() == "ws://example.invalid/r/x"
        assert window.focus_url_action.shortcut().toString() == "Ctrl+L"
