"""Saved connections: the store over a real ini file and a real keyring backend, and the dialog.

keyring has no in-memory backend of its own, so this file has one: a real
``KeyringBackend`` installed with ``keyring.set_keyring`` (the previous backend
is put back after each test). The "no keyring" cases use keyring's own
``fail.Keyring``, the backend keyring picks when it finds nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.core
import keyring.errors
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop.saved import (
    KEYRING_SERVICE,
    NoKeyringError,
    PasswordStoreError,
    SavedConnection,
    SavedConnections,
    keyring_available,
    keyring_user,
)
from desktop.widgets.saved import SavedConnectionsDialog
from tests.desktop.windows import interactive

NO_KEYRING = (
    "No system keyring is available: the password was not saved. "
    "It will be asked for when you connect."
)
SECRET = "correct-horse-battery-staple-7f3a"
FIRST = "ws://127.0.0.1:8765/r/team"
SECOND = "wss://backup.example.org/r/team"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1
    # Every KeyringBackend subclass is registered for discovery; keep this one out,
    # so keyring's own choice of backend in this process is not a test double.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("no such password") from None


class LockedKeyring(MemoryKeyring):
    """A keyring whose every use fails the way a locked Secret Service does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """The test may install any keyring backend: the one before is restored afterwards."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory(use_keyring: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


@pytest.fixture
def no_keyring(use_keyring: None) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "roomcast.ini"


@pytest.fixture
def settings(ini: Path) -> QSettings:
    return QSettings(str(ini), QSettings.Format.IniFormat)


@pytest.fixture
def store(settings: QSettings) -> SavedConnections:
    return SavedConnections(settings)


def reopened(ini: Path) -> SavedConnections:
    """A store over a fresh QSettings on the same file: what the next run sees."""
    return SavedConnections(QSettings(str(ini), QSettings.Format.IniFormat))


# --- the store ------------------------------------------------------------------


def test_the_password_round_trips_through_the_keyring_and_never_reaches_the_ini_file(
    store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    stored = store.save(SavedConnection("Team", (FIRST, SECOND), "alice"), SECRET)

    assert stored == SavedConnection("Team", (FIRST, SECOND), "alice", has_password=True)
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Team"): SECRET}
    again = reopened(ini)
    assert again.all() == [stored]
    assert again.password("Team") == SECRET
    data = ini.read_bytes()
    assert b"backup.example.org" in data  # the file is the one written...
    assert SECRET.encode() not in data  # ...and the password is not in it
    assert SECRET not in data.decode("latin-1")


def test_a_single_url_survives_the_ini_file(store: SavedConnections, ini: Path) -> None:
    # An ini file gives a one-element list back as a plain string.
    store.save(SavedConnection("Solo", (FIRST,)))
    assert reopened(ini).get("Solo") == SavedConnection("Solo", (FIRST,))


def test_save_replaces_by_name_keeps_order_and_none_keeps_the_password(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    store.save(SavedConnection("B", (SECOND,)))
    store.save(SavedConnection("A", (SECOND,), "bob"))  # password None: keep it

    assert store.names() == ["A", "B"]
    assert store.get("A") == SavedConnection("A", (SECOND,), "bob", has_password=True)
    assert store.password("A") == "pa"
    assert store.password("B") is None
    assert store.get("missing") is None


def test_an_empty_password_forgets_the_saved_one(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    stored = store.save(SavedConnection("A", (FIRST,)), "")
    assert not stored.has_password
    assert memory.passwords == {}
    assert store.password("A") is None


def test_fields_are_stripped_and_duplicate_urls_dropped(store: SavedConnections) -> None:
    stored = store.save(SavedConnection("  Team ", (f" {FIRST} ", FIRST, SECOND), " alice "))
    assert stored == SavedConnection("Team", (FIRST, SECOND), "alice")


def test_delete_removes_the_keyring_entry(
    store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    store.save(SavedConnection("B", (SECOND,)), "pb")

    store.delete("A")

    assert reopened(ini).names() == ["B"]
    assert memory.passwords == {(KEYRING_SERVICE, keyring_user("B")): "pb"}
    store.delete("A")  # already gone: nothing happens


def test_delete_does_not_mind_a_password_removed_by_hand(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    memory.passwords.clear()
    store.delete("A")
    assert store.all() == []


def test_rename_moves_the_password(store: SavedConnections, memory: MemoryKeyring) -> None:
    store.save(SavedConnection("Old", (FIRST,), "alice"), "pw")

    renamed = store.rename("Old", "New")

    assert renamed == SavedConnection("New", (FIRST,), "alice", has_password=True)
    assert store.names() == ["New"]
    assert memory.passwords == {(KEYRING_SERVICE, "connection:New"): "pw"}
    store.save(SavedConnection("Other", (SECOND,)))
    with pytest.raises(ValueError, match=r"^A saved connection named 'Other' already exists\.$"):
        store.rename("New", "Other")
    with pytest.raises(ValueError, match=r"^There is no saved connection named 'Gone'\.$"):
        store.rename("Gone", "Whatever")


def test_without_a_keyring_the_rest_is_saved_and_no_keyring_error_says_so(
    store: SavedConnections, no_keyring: None, ini: Path
) -> None:
    assert not keyring_available()

    with pytest.raises(NoKeyringError) as caught:
        store.save(SavedConnection("Team", (FIRST,), "alice"), SECRET)

    assert str(caught.value) == NO_KEYRING
    assert reopened(ini).all() == [SavedConnection("Team", (FIRST,), "alice", has_password=False)]
    assert store.password("Team") is None
    assert SECRET.encode() not in ini.read_bytes()
    # Without a password to store, saving is fine.
    store.save(SavedConnection("Other", (SECOND,)))
    store.delete("Other")


def test_a_locked_keyring_is_a_message_not_a_traceback(
    store: SavedConnections, use_keyring: None, ini: Path
) -> None:
    keyring.set_keyring(LockedKeyring())

    with pytest.raises(PasswordStoreError) as caught:
        store.save(SavedConnection("Team", (FIRST,)), SECRET)

    assert str(caught.value) == (
        "The system keyring is locked: the password was not saved. "
        "It will be asked for when you connect."
    )
    assert not isinstance(caught.value, NoKeyringError)
    assert store.get("Team") == SavedConnection("Team", (FIRST,), has_password=False)
    assert SECRET.encode() not in ini.read_bytes()


def test_reading_a_password_from_a_locked_or_missing_keyring_says_what_to_do(
    store: SavedConnections, memory: MemoryKeyring, use_keyring: None
) -> None:
    store.save(SavedConnection("Team", (FIRST,)), SECRET)

    keyring.set_keyring(LockedKeyring())
    with pytest.raises(PasswordStoreError) as locked:
        store.password("Team")
    assert str(locked.value) == (
        "The system keyring is locked: the saved password could not be read. "
        "Type it in the Password field."
    )
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(PasswordStoreError) as missing:
        store.password("Team")
    assert str(missing.value) == (
        "No system keyring is available: the saved password could not be read. "
        "Type it in the Password field."
    )
    with pytest.raises(PasswordStoreError) as deleting:
        store.delete("Team")
    assert str(deleting.value) == (
        "No system keyring is available: the connection was deleted, "
        "but its password could not be removed from it."
    )
    assert store.all() == []


def test_keyring_available_only_for_a_backend_that_stores(use_keyring: None) -> None:
    keyring.set_keyring(MemoryKeyring())
    assert keyring_available()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert not keyring_available()
    keyring.set_keyring(keyring.backends.null.Keyring())
    assert not keyring_available()
    # A chainer with nothing to chain: what keyring builds when every backend is filtered out.
    keyring.core.init_backend(limit=lambda backend: False)
    try:
        keyring.set_keyring(keyring.backends.chainer.ChainerBackend())
        assert not keyring_available()
    finally:
        keyring.core.init_backend()


@pytest.mark.parametrize(
    ("conn", "message"),
    [
        (SavedConnection("", (FIRST,)), "A saved connection needs a name."),
        (SavedConnection("   ", (FIRST,)), "A saved connection needs a name."),
        (
            SavedConnection("x" * 65, (FIRST,)),
            "A connection name has at most 64 characters (this one has 65).",
        ),
        (
            SavedConnection("tab\there", (FIRST,)),
            "A connection name can't contain control characters.",
        ),
        (
            SavedConnection("Team", ()),
            "A saved connection needs at least one server address (ws:// or wss://).",
        ),
        (
            SavedConnection("Team", (FIRST, "http://example.org/")),
            "'http://example.org/' is not a WebSocket URL: it must start with ws:// or wss://",
        ),
        (
            SavedConnection("Team", ("ws://",)),
            "'ws://' has no host: a WebSocket URL looks like ws://HOST:PORT/",
        ),
        (
            SavedConnection("Team", (FIRST,), "x" * 33),
            "Not a valid display name: name must be 1-32 characters, got 33.",
        ),
    ],
)
def test_invalid_fields_are_value_errors_and_store_nothing(
    store: SavedConnections, memory: MemoryKeyring, conn: SavedConnection, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        store.save(conn, SECRET)
    assert str(caught.value) == message
    assert store.all() == []
    assert memory.passwords == {}


def test_sixty_four_characters_is_a_name(store: SavedConnections) -> None:
    assert store.save(SavedConnection("x" * 64, (FIRST,))).name == "x" * 64


# --- the dialog -------------------------------------------------------------------


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
    assert len(widgets) == 11
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
    assert buddies == {
        dialog.list: "Sa&ved connections:",
        dialog.name_edit: "&Name:",
        dialog.urls_edit: "&URLs:",
        dialog.display_name_edit: "&Display name:",
        dialog.password_edit: "&Password:",
    }


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
