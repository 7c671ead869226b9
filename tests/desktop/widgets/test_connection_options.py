"""The connection options fields (desktop/widgets/connection_options.py): typed into
with the keyboard, offscreen; the pins are a real PinStore."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from roomcast.desktop.connection_options import ConnectionOptions
from roomcast.desktop.tls import PinStore, fingerprint
from roomcast.desktop.widgets.connection_options import ConnectionOptionsWidget
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive

TOKEN = "Bearer abc.def"


def make(qtbot: QtBot, pins: PinStore | None = None) -> ConnectionOptionsWidget:
    widget = ConnectionOptionsWidget(pins)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    # Near the left edge: a check box stretched across a form row only reacts on its box and text.
    pos = QPoint(6, button.height() // 2) if isinstance(button, QCheckBox) else None
    if pos is None:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_typed_fields_make_the_options(qtbot: QtBot, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    widget = make(qtbot)
    assert widget.options() == ConnectionOptions()
    edits: list[None] = []
    widget.changed.connect(lambda: edits.append(None))

    click(qtbot, widget.headers.add_button)
    row = widget.headers.rows[0]
    assert widget.focusWidget() is row.name  # the new row is where the keyboard goes
    type_into(qtbot, row.name, "X-Team")
    type_into(qtbot, row.value, "blue")
    click(qtbot, widget.headers.add_button)  # left empty: ignored
    type_into(qtbot, widget.subprotocols_edit, "chat.v2, json")
    click(qtbot, widget.query.add_button)
    type_into(qtbot, widget.query.rows[0].name, "room")
    type_into(qtbot, widget.query.rows[0].value, "a b")
    type_into(qtbot, widget.ca_file_edit, str(ca))
    widget.open_timeout_spin.setValue(30)
    widget.ping_interval_spin.setValue(0)  # "no pings"
    assert widget.ping_interval_spin.text() == "no pings"

    assert widget.options() == ConnectionOptions(
        headers=(("X-Team", "blue"),),
        subprotocols=("chat.v2", "json"),
        query=(("room", "a b"),),
        ca_file=str(ca),
        open_timeout=30,
        ping_interval=None,
    )
    assert edits  # every edit said so
    assert widget.error_text() == ""


def test_offer_no_subprotocol_is_the_empty_tuple_and_empty_is_automatic(qtbot: QtBot) -> None:
    widget = make(qtbot)
    assert widget.subprotocols_edit.placeholderText() == "automatic"
    click(qtbot, widget.no_subprotocol_box)
    assert not widget.subprotocols_edit.isEnabled()
    assert widget.options().subprotocols == ()
    click(qtbot, widget.no_subprotocol_box)
    assert widget.subprotocols_edit.isEnabled()
    assert widget.options().subprotocols is None


def test_set_options_shows_them_and_round_trips(qtbot: QtBot) -> None:
    widget = make(qtbot)
    edits: list[None] = []
    widget.changed.connect(lambda: edits.append(None))
    o = ConnectionOptions(
        headers=(("Authorization", TOKEN), ("X-Team", "blue")),
        subprotocols=(),
        query=(("k", "v"),),
        open_timeout=5,
        ping_interval=60,
        ping_timeout=None,
    )
    widget.set_options(o)
    assert edits == []  # only the person's edits count
    assert widget.no_subprotocol_box.isChecked()
    assert widget.ping_timeout_spin.text() == "no timeout"
    assert widget.options() == o
    widget.set_options(ConnectionOptions())
    assert widget.headers.rows == []
    assert widget.options() == ConnectionOptions()


def test_secret_values_are_masked_until_shown(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_options(ConnectionOptions(headers=(("Authorization", TOKEN), ("X-Team", "blue"))))
    secret, plain = widget.headers.rows
    assert secret.value.echoMode() is QLineEdit.EchoMode.Password
    assert plain.value.echoMode() is QLineEdit.EchoMode.Normal
    # A value that looks like a credential is masked whatever the name.
    type_into(qtbot, plain.value, "Basic dXNlcjpw")
    assert plain.value.echoMode() is QLineEdit.EchoMode.Password

    click(qtbot, widget.show_secrets_box)
    assert secret.value.echoMode() is QLineEdit.EchoMode.Normal
    assert plain.value.echoMode() is QLineEdit.EchoMode.Normal
    click(qtbot, widget.show_secrets_box)
    assert secret.value.echoMode() is QLineEdit.EchoMode.Password


def test_values_kept_in_the_keyring_show_a_placeholder(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_options(ConnectionOptions(headers=(("X-Custom", ""),)), saved_secrets=["X-Custom"])
    row = widget.headers.rows[0]
    assert row.value.placeholderText() == "saved in the keyring — leave empty to keep it"
    assert row.value.echoMode() is QLineEdit.EchoMode.Password
    assert widget.saved_secrets() == {"X-Custom"}
    assert widget.options().headers == (("X-Custom", ""),)


def test_problems_are_shown_inline_not_in_a_message_box(qtbot: QtBot) -> None:
    widget = make(qtbot)
    click(qtbot, widget.headers.add_button)
    type_into(qtbot, widget.headers.rows[0].name, "Host")

    assert widget.error_text() == (
        "The Host header is set by the WebSocket handshake itself: it can't be added."
    )
    assert widget.error_label.isVisible()
    assert widget.findChildren(QMessageBox) == []
    with pytest.raises(ValueError, match=r"^The Host header"):
        widget.options()

    type_into(qtbot, widget.headers.rows[0].name, "Sec-WebSocket-Protocol")
    assert widget.error_text() == (
        "Don't add a Sec-WebSocket-Protocol header: use the subprotocols field."
    )
    type_into(qtbot, widget.headers.rows[0].name, "X-Fine")
    assert widget.error_text() == ""
    assert not widget.error_label.isVisible()

    widget.ping_interval_spin.setValue(0.5)
    assert widget.error_text() == (
        "The ping interval must be 1 to 3600 seconds (or no pings), not 0.5."
    )


def test_remove_takes_the_row_away_and_keeps_the_keyboard_near(qtbot: QtBot) -> None:
    widget = make(qtbot)
    widget.set_options(ConnectionOptions(query=(("a", "1"), ("b", "2"), ("c", "3"))))
    first, second, third = widget.query.rows
    assert second.remove.accessibleName() == "Remove query parameter 2"

    click(qtbot, second.remove)

    assert widget.query.rows == [first, third]
    assert widget.options().query == (("a", "1"), ("c", "3"))
    assert widget.focusWidget() is third.remove
    assert third.remove.accessibleName() == "Remove query parameter 2"  # renumbered
    assert third.name.accessibleName() == "Query parameter 2 name"
    click(qtbot, third.remove)
    click(qtbot, first.remove)
    assert widget.focusWidget() is widget.query.add_button
    assert widget.options().query == ()


def test_tab_walks_the_rows_where_they_are(qtbot: QtBot) -> None:
    pins = PinStore()
    pins.pin("h", 443, fingerprint(b"x"))
    widget = make(qtbot, pins)
    widget.set_url("wss://h/")  # Forget is enabled: Tab visits it
    widget.set_options(ConnectionOptions(headers=(("X-A", "1"),)))
    added = widget.headers.add_row("X-B", "2")
    order = widget.tab_order()
    assert order[:8] == [
        widget.headers.add_button,
        widget.headers.rows[0].name,
        widget.headers.rows[0].value,
        widget.headers.rows[0].remove,
        added.name,
        added.value,
        added.remove,
        widget.show_secrets_box,
    ]
    widget.headers.add_button.setFocus()
    visited: list[QWidget] = []
    for _ in order[1:]:
        qtbot.keyClick(widget.focusWidget(), Qt.Key.Key_Tab)
        focused = widget.focusWidget()
        assert focused is not None
        # A spin box's line edit has the focus for it.
        parent = focused.parentWidget()
        visited.append(parent if focused not in order and parent is not None else focused)
    assert visited == order[1:]


def test_the_trusted_certificate_row_shows_and_forgets_the_pin(qtbot: QtBot) -> None:
    saves: list[list[str]] = []
    pins = PinStore()
    pins.on_change = lambda: saves.append(pins.to_settings())
    fp = fingerprint(b"a certificate")
    pins.pin("chat.example", 9443, fp)
    widget = make(qtbot, pins)

    widget.set_url("wss://chat.example:9443/r/team")
    assert widget.pin_label.text().replace("\n", ":") == fp
    assert widget.pin_label.accessibleDescription() == f"SHA-256 {fp}"
    assert widget.forget_button.isEnabled()

    widget.set_url("wss://chat.example/r/team")  # port 443: nothing pinned
    assert widget.pin_label.text() == (
        "None: the certificate must be signed by a trusted authority"
    )
    assert not widget.forget_button.isEnabled()
    widget.set_url("ws://chat.example:9443/")
    assert widget.pin_label.text() == "Not used: only wss:// addresses have certificates"

    widget.set_url("wss://CHAT.example:9443/")
    click(qtbot, widget.forget_button)
    assert pins.get("chat.example", 9443) is None
    assert saves[-1] == []  # the GUI was told, to save it
    assert not widget.forget_button.isEnabled()

    # Pinned elsewhere while the row was shown: refresh_pin catches up.
    pins.pin("chat.example", 9443, fp)
    widget.refresh_pin()
    assert widget.forget_button.isEnabled()


def test_browse_fills_in_the_chosen_ca_file(qtbot: QtBot, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    widget = make(qtbot)
    click(qtbot, widget.browse_button)
    dialog = widget.file_dialog
    assert isinstance(dialog, QFileDialog)
    assert dialog.isVisible()
    assert dialog.isModal()  # open(): window-modal, no nested event loop
    with qtbot.waitSignal(dialog.fileSelected, timeout=2000):
        dialog.selectFile(str(ca))
        dialog.accept()
    assert widget.ca_file_edit.text() == str(ca)
    assert widget.options().ca_file == str(ca)


def test_every_interactive_widget_is_named_and_described(qtbot: QtBot) -> None:
    pins = PinStore()
    pins.pin("h", 443, fingerprint(b"x"))
    widget = make(qtbot, pins)
    widget.set_url("wss://h/")
    widget.set_options(ConnectionOptions(headers=(("Authorization", TOKEN),), query=(("k", "v"),)))
    widget.ping_interval_spin.setValue(0.5)  # shows the (selectable) error label
    widgets = interactive(widget)
    assert widget.error_label in widgets
    assert widget.pin_label in widgets
    assert len(widgets) >= 18
    for w in widgets:
        assert w.accessibleName(), w
        assert w.accessibleDescription(), w
    assert repeated(mnemonics(widget)) == {}
    # Few, and none of the main window's or the saved-connections dialog's
    # letters: the widget lives in both (test_rooms_window, test_saved).
    assert sorted(mnemonics(widget)) == ["F", "H", "K", "Q", "W"]
    assert stray_ampersands(widget) == []
