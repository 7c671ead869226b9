"""The saved connections dialog (desktop/widgets/saved.py), over a real store
and keyring backend (tests/desktop/keyrings.py), and the window using it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from roomcast.desktop.connection_options import ConnectionOptions
from roomcast.desktop.saved import KEYRING_SERVICE, SavedConnection, SavedConnections
from roomcast.desktop.tls import PinStore, fingerprint
from roomcast.desktop.widgets.saved import SavedConnectionsDialog
from tests.desktop.keyrings import FIRST, NO_KEYRING, SECOND, SECRET, MemoryKeyring
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive


def open_dialog(qtbot: QtBot, store: SavedConnections) -> SavedConnectionsDialog:
    dialog = SavedConnectionsDialog(store)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def select_row(qtbot: QtBot, dialog: SavedConnectionsDialog, row: int) -> None:
    item = dialog.list.item(row)
    rect = dialog.list.visualItemRect(item)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def fill(
    qtbot: QtBot,
    dialog: SavedConnectionsDialog,
    name: str,
    urls: str,
    display: str = "",
    password: str = "",
) -> None:
    for edit, text in (
        (dialog.name_edit, name),
        (dialog.urls_edit, urls),
        (dialog.display_name_edit, display),
        (dialog.password_edit, password),
    ):
        edit.clear()
        if text:
            qtbot.keyClicks(edit, text)


def test_save_then_connect_emits_the_urls_display_name_and_saved_password(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, store)
    assert dialog.list.count() == 0
    fill(qtbot, dialog, "Team", f"{FIRST}, {SECOND}", "alice", SECRET)

    click(qtbot, dialog.save_button)

    assert dialog.message_text() == "Saved “Team”."
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["Team"]
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Team"): SECRET}
    assert dialog.password_edit.text() == ""  # the field is not where it is kept

    # A second dialog, as the next time it is opened: select the entry and connect.
    dialog.reject()
    second = open_dialog(qtbot, store)
    second.list.setCurrentRow(-1)
    select_row(qtbot, second, 0)
    assert second.urls_edit.text() == f"{FIRST}, {SECOND}"
    with qtbot.waitSignal(second.connectRequested, timeout=2000) as emitted:
        click(qtbot, second.connect_button)
    assert emitted.args == [f"{FIRST}, {SECOND}", "alice", SECRET]
    assert second.result() == QDialog.DialogCode.Accepted
    assert not second.isVisible()


def test_a_typed_password_wins_over_the_saved_one(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("Team", (FIRST,), "alice"), SECRET)
    dialog = open_dialog(qtbot, store)
    assert dialog.name_edit.text() == "Team"  # the first one is selected
    qtbot.keyClicks(dialog.password_edit, "typed")
    with qtbot.waitSignal(dialog.connectRequested, timeout=2000) as emitted:
        click(qtbot, dialog.connect_button)
    assert emitted.args == [FIRST, "alice", "typed"]


def test_enter_in_the_list_connects_once(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)))
    store.save(SavedConnection("B", (SECOND,), "bob"), "pb")
    dialog = open_dialog(qtbot, store)
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Down)
    assert dialog.name_edit.text() == "B"
    emitted: list[tuple[str, str, str]] = []
    dialog.connectRequested.connect(lambda *args: emitted.append(args))
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert emitted == [(SECOND, "bob", "pb")]


def test_double_click_connects(qtbot: QtBot, store: SavedConnections) -> None:
    store.save(SavedConnection("A", (FIRST,), "alice"))
    dialog = open_dialog(qtbot, store)
    rect = dialog.list.visualItemRect(dialog.list.item(0))
    # QTest's double click is only the second press: the view wants the first one too.
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(dialog.connectRequested, timeout=2000) as emitted:
        qtbot.mouseDClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert emitted.args == [FIRST, "alice", ""]


def test_unchecking_remember_and_saving_forgets_the_password(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("Team", (FIRST,)), SECRET)
    dialog = open_dialog(qtbot, store)
    assert dialog.password_edit.placeholderText() == "saved — leave empty to keep it"
    click(qtbot, dialog.remember_box)
    assert not dialog.remember_box.isChecked()
    click(qtbot, dialog.save_button)
    assert memory.passwords == {}
    assert store.get("Team") == SavedConnection("Team", (FIRST,))


def test_errors_are_shown_inline_and_nothing_is_saved(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, store)
    fill(qtbot, dialog, "Team", "http://example.org/")

    click(qtbot, dialog.save_button)

    assert dialog.message_text() == (
        "'http://example.org/' is not a WebSocket URL: it must start with ws:// or wss://"
    )
    assert dialog.message.isVisible()
    assert dialog.findChildren(QMessageBox) == []
    assert store.all() == []
    with qtbot.assertNotEmitted(dialog.connectRequested):
        click(qtbot, dialog.connect_button)
    assert dialog.isVisible()
    fill(qtbot, dialog, "", FIRST)
    click(qtbot, dialog.save_button)
    assert dialog.message_text() == "A saved connection needs a name."


def test_without_a_keyring_the_dialog_says_so_and_connects_with_the_typed_password(
    qtbot: QtBot, store: SavedConnections, no_keyring: None, ini: Path
) -> None:
    dialog = open_dialog(qtbot, store)
    assert not dialog.remember_box.isEnabled()
    assert dialog.password_note.text().startswith("No system keyring is available")
    fill(qtbot, dialog, "Team", FIRST, "alice", SECRET)

    click(qtbot, dialog.save_button)

    assert dialog.message_text() == NO_KEYRING
    assert store.get("Team") == SavedConnection("Team", (FIRST,), "alice", has_password=False)
    assert SECRET.encode() not in ini.read_bytes()
    assert dialog.password_edit.text() == SECRET  # still there for Connect
    with qtbot.waitSignal(dialog.connectRequested, timeout=2000) as emitted:
        click(qtbot, dialog.connect_button)
    assert emitted.args == [FIRST, "alice", SECRET]


def test_delete_removes_the_entry_and_its_keyring_password(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    store.save(SavedConnection("B", (SECOND,)), "pb")
    dialog = open_dialog(qtbot, store)
    select_row(qtbot, dialog, 0)

    click(qtbot, dialog.delete_button)

    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["B"]
    assert dialog.name_edit.text() == "B"
    assert dialog.message_text() == "Deleted “A”."
    assert store.names() == ["B"]
    assert memory.passwords == {(KEYRING_SERVICE, "connection:B"): "pb"}
    click(qtbot, dialog.delete_button)
    assert dialog.list.count() == 0
    assert not dialog.delete_button.isEnabled()
    assert memory.passwords == {}


def test_start_new_prefills_the_addresses_for_a_new_name(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)))
    dialog = open_dialog(qtbot, store)
    dialog.start_new(f"{SECOND} {FIRST}", "carol")
    assert dialog.selected_name() is None
    assert not dialog.delete_button.isEnabled()
    assert (dialog.name_edit.text(), dialog.urls_edit.text()) == ("", f"{SECOND}, {FIRST}")
    qtbot.keyClicks(dialog.name_edit, "B")
    click(qtbot, dialog.save_button)
    assert store.get("B") == SavedConnection("B", (SECOND, FIRST), "carol")
    assert dialog.selected_name() == "B"


def test_escape_closes(qtbot: QtBot, store: SavedConnections) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_every_interactive_widget_is_named_described_and_in_tab_order(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("Team", (FIRST,)))
    dialog = open_dialog(qtbot, store)
    dialog.show_error("a problem")  # the inline message label is selectable: it counts
    widgets = interactive(dialog)
    assert len(widgets) == 12  # the Options section is collapsed: only its toggle shows
    assert dialog.options_toggle in widgets
    assert dialog.message in widgets
    for widget in widgets:
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget

    expected = [
        dialog.list,
        dialog.name_edit,
        dialog.urls_edit,
        dialog.display_name_edit,
        dialog.password_edit,
        dialog.remember_box,
        dialog.options_toggle,
        dialog.save_button,
        dialog.delete_button,
        dialog.connect_button,
        dialog.close_button,
    ]
    chain: list[QWidget] = []
    current: QWidget | None = dialog.list
    while current is not None:
        if current in expected and current not in chain:
            chain.append(current)
        current = current.nextInFocusChain()
        if current is dialog.list:
            break
    assert chain == expected

    # Every field has a label with a mnemonic that focuses it.
    buddies = {
        label.buddy(): label.text() for label in dialog.findChildren(QLabel) if label.buddy()
    }
    options = dialog.options
    assert buddies == {
        dialog.list: "Sa&ved connections:",
        dialog.name_edit: "&Name:",
        dialog.urls_edit: "&URLs:",
        dialog.display_name_edit: "&Display name:",
        dialog.password_edit: "&Password:",
        # The Options section's own fields (tests/desktop/widgets/test_connection_options.py).
        options.headers: "&Headers:",
        options.subprotocols_edit: "Subprotocols:",
        options.query: "&Query parameters:",
        options.ca_file_edit: "CA file:",
        options.open_timeout_spin: "Open timeout:",
        options.ping_interval_spin: "&Keepalive ping interval:",
        options.ping_timeout_spin: "Ping timeout:",
    }


def test_no_mnemonic_is_taken_twice(qtbot: QtBot, store: SavedConnections) -> None:
    dialog = open_dialog(qtbot, store)
    found = mnemonics(dialog)
    assert repeated(found) == {}
    # The dialog's own, then the Options toggle (T) and the options' fields.
    own = ["C", "D", "L", "N", "O", "P", "R", "S", "U", "V"]
    options = ["F", "H", "K", "Q", "W"]
    assert sorted(found) == sorted([*own, "T", *options])
    assert stray_ampersands(dialog) == []


async def test_the_window_connects_from_a_saved_connection(
    qtbot: QtBot, tmp_path: Path, memory: MemoryKeyring
) -> None:
    from tests.desktop.windows import connected, open_window
    from tests.helpers import running_server

    async with running_server(password="s3cret") as server, open_window(qtbot, tmp_path) as window:
        url = server.urls[0] + "r/team"
        window.saved_connections.save(
            SavedConnection(name="Team", urls=(url,), display_name="alice"), "s3cret"
        )
        dialog = window.open_saved_connections()
        assert dialog.select("Team")
        dialog.connect_selected()
        await connected(window)
        assert window.session.status.you == "alice"
        assert window.connection_bar.url_text == url
        # The password went to the server from the keyring, never via settings.
        assert memory.get_password("Roomcast", "connection:Team") == "s3cret"
        window.settings.sync()
        ini_bytes = await asyncio.to_thread(Path(window.settings.fileName()).read_bytes)
        assert b"s3cret" not in ini_bytes


# -- connection options ----------------------------------------------------------------

TOKEN = "Bearer tok-only-in-the-keyring-51c2"


def test_options_are_saved_with_secrets_in_the_keyring_and_come_back_on_connect(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    dialog = open_dialog(qtbot, store)
    fill(qtbot, dialog, "Feed", FIRST)
    assert not dialog.options.isVisible()
    click(qtbot, dialog.options_toggle)
    assert dialog.options.isVisible()
    click(qtbot, dialog.options.headers.add_button)
    row = dialog.options.headers.rows[0]
    qtbot.keyClicks(row.name, "Authorization")
    qtbot.keyClicks(row.value, TOKEN)
    qtbot.keyClicks(dialog.options.subprotocols_edit, "chat.v2")
    assert dialog.options_summary.text() == "1 header(s) · subprotocols"

    click(qtbot, dialog.save_button)

    assert dialog.message_text() == "Saved “Feed”."
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Feed:header:Authorization"): TOKEN}
    assert TOKEN.encode() not in ini.read_bytes()
    saved = store.get("Feed")
    assert saved is not None
    assert saved.options == ConnectionOptions(
        headers=(("Authorization", ""),), subprotocols=("chat.v2",)
    )

    # The next time: the value is not read into the field; Connect reads it from the keyring.
    dialog.reject()
    second = open_dialog(qtbot, store)
    row = second.options.headers.rows[0]
    assert (row.name.text(), row.value.text()) == ("Authorization", "")
    assert row.value.placeholderText() == "saved in the keyring — leave empty to keep it"
    chosen: list[object] = []
    second.optionsRequested.connect(chosen.append)
    with qtbot.waitSignal(second.connectRequested, timeout=2000) as emitted:
        click(qtbot, second.connect_button)
    assert emitted.args == [FIRST, "", ""]
    assert chosen == [
        ConnectionOptions(headers=(("Authorization", TOKEN),), subprotocols=("chat.v2",))
    ]


def test_a_typed_header_value_wins_over_the_saved_one(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(
        SavedConnection(
            "Feed", (FIRST,), options=ConnectionOptions(headers=(("Authorization", TOKEN),))
        )
    )
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.options.headers.rows[0].value, "Bearer typed")
    chosen: list[object] = []
    dialog.optionsRequested.connect(chosen.append)
    click(qtbot, dialog.connect_button)
    assert chosen == [ConnectionOptions(headers=(("Authorization", "Bearer typed"),))]
    assert memory.passwords[(KEYRING_SERVICE, "connection:Feed:header:Authorization")] == TOKEN


def test_a_bad_option_is_shown_inline_with_the_options_open_and_nothing_saved(
    qtbot: QtBot, store: SavedConnections, memory: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, store)
    fill(qtbot, dialog, "Feed", FIRST)
    dialog.options.headers.add_row("Upgrade", "h2c")
    assert not dialog.options.isVisible()

    click(qtbot, dialog.save_button)

    message = "The Upgrade header is set by the WebSocket handshake itself: it can't be added."
    assert dialog.message_text() == message
    assert dialog.options.isVisible()  # opened, to show the field that is wrong
    assert dialog.options.error_text() == message
    assert dialog.findChildren(QMessageBox) == []
    assert store.all() == []
    with qtbot.assertNotEmitted(dialog.connectRequested):
        click(qtbot, dialog.connect_button)
    assert dialog.isVisible()


def test_the_options_show_the_pin_of_the_first_address(
    qtbot: QtBot, store: SavedConnections
) -> None:
    pins = PinStore()
    fp = fingerprint(b"a pinned certificate")
    pins.pin("chat.example", 9443, fp)
    store.save(SavedConnection("Pinned", ("wss://chat.example:9443/r/team", SECOND)))
    dialog = SavedConnectionsDialog(store, pins=pins)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.show_options(True)
    assert dialog.options.pin_label.text().replace("\n", ":") == fp
    click(qtbot, dialog.options.forget_button)
    assert pins.items() == []


def test_the_options_follow_the_toggle_in_tab_order(qtbot: QtBot, store: SavedConnections) -> None:
    dialog = open_dialog(qtbot, store)
    dialog.show_options(True)
    widgets = interactive(dialog)
    for widget in widgets:
        assert widget.accessibleName(), widget
        assert widget.accessibleDescription(), widget
    chain: list[QWidget] = []
    current: QWidget | None = dialog.remember_box
    for _ in range(200):
        current = current.nextInFocusChain() if current is not None else None
        if current is None or current is dialog.save_button:
            break
        if current in widgets and current.isEnabled() and current not in chain:
            chain.append(current)
    spins = (
        dialog.options.open_timeout_spin,
        dialog.options.ping_interval_spin,
        dialog.options.ping_timeout_spin,
    )
    expected = [
        dialog.options_toggle,
        *(w for w in dialog.options.tab_order() if w.isEnabled()),
    ]
    # A spin box's line edit takes the focus for it: count the spin box.
    assert [w.parentWidget() if w.parentWidget() in spins else w for w in chain] == expected
