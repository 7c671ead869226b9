"""The main window's inspector: what it adds for looking at any server's frames.

:class:`Inspector` is a controller (like ``FindController``): it makes the
widgets, the window places them, and it wires them to the session. It owns
no network task and no async method (the session does that):

* **Frame details** (``FrameDetail``) for the row selected in the list.
* **Control frames**: View > Show control frames makes every room's client
  record ping, pong and close frames as rows (``RoomClient.record_control``).
* **Send modes** (``SendModeSelector`` in the composer bar): remembered per
  room (``RoomEntry.send_mode``), restored when a room is shown.
* **Saved messages** (``SavedMessagesPanel``) for the room shown and for
  all rooms, kept in the settings; Ctrl+1…9 send the first nine.
* **Connection options** (``ConnectionOptionsWidget`` under the connection
  bar, its "More…" button): headers, subprotocols, query, TLS trust and
  timeouts for the next connect; shown for the room shown.
* **Trust on first use**: a certificate the system does not trust stops the
  connection (``Status.untrusted``); a dialog shows its fingerprint and
  offers to pin it. Pins are kept in the settings (``tls/pins``).
* **Copy as command**: the room's connection as ``websocat`` and ``wscat``
  command lines.

**The panes' default.** Frame details are shown for a room that is not a
Roomcast room (an inspector's room) and hidden for chat rooms; saved
messages likewise, when there are some for the room. Once the person shows
or hides one (View menu), that choice holds everywhere, and is remembered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMessageBox, QVBoxLayout

from . import tls
from .client import Status
from .connection_options import ConnectionOptions, websocat_command, wscat_command
from .models import Roles
from .rooms import RoomEntry
from .rows import Row
from .sending import BinaryFormat, PayloadError, SendMode, encode
from .snippets import SavedMessage
from .snippets_settings import (
    SavedMessagesSettingsError,
    load_saved_messages,
    save_saved_messages,
)
from .widgets.connection_options import ConnectionOptionsWidget
from .widgets.frame_detail import FrameDetail
from .widgets.snippets import SavedMessagesPanel

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["PINS_KEY", "Inspector"]

#: Where the pinned certificates are kept in the settings.
PINS_KEY = "tls/pins"
_DETAILS_KEY = "inspector/details"  # "on", "off", or absent: automatic
_SAVED_KEY = "inspector/saved_messages"
_CONTROL_KEY = "inspector/control_frames"


def _choice(value: object) -> bool | None:
    return {"on": True, "off": False}.get(str(value)) if value is not None else None


class Inspector(QObject):
    """The inspector's widgets and actions for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        session, settings = window.session, window.settings
        self.session, self.settings = session, settings

        session.pins = tls.PinStore.from_settings(
            settings.value(PINS_KEY, []), on_change=self._save_pins
        )
        self.detail = FrameDetail(window)
        # "More…": a dialog of its own, not a panel that pushes the list down.
        self.options_dialog = QDialog(window)
        self.options_dialog.setWindowTitle(self.tr("Connection options"))
        self.options_widget = ConnectionOptionsWidget(session.pins, self.options_dialog)
        self.options_widget.changed.connect(self._options_changed)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self.options_dialog)
        close.rejected.connect(self.options_dialog.reject)
        hint = QLabel(
            self.tr("Used when you connect: for the room shown, Disconnect and Connect again."),
            self.options_dialog,
        )
        hint.setWordWrap(True)
        dialog_layout = QVBoxLayout(self.options_dialog)
        dialog_layout.addWidget(self.options_widget)
        dialog_layout.addWidget(hint)
        dialog_layout.addWidget(close)
        self.saved_messages = load_saved_messages(settings)
        self.saved_messages.on_change = self._save_messages
        self.panel = SavedMessagesPanel(self.saved_messages, window)
        self.trust_box: QMessageBox | None = None
        self._details_choice = _choice(settings.value(_DETAILS_KEY))
        self._saved_choice = _choice(settings.value(_SAVED_KEY))
        self._asked: str | None = None  # the fingerprint the trust box asks about

        self.detail_action = QAction(self.tr("Frame de&tails"), self)
        self.detail_action.setCheckable(True)
        self.detail_action.setShortcut(QKeySequence("Ctrl+I"))
        self.detail_action.toggled.connect(self._details_toggled)
        self.saved_action = QAction(self.tr("Saved &messages"), self)
        self.saved_action.setCheckable(True)
        self.saved_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.saved_action.toggled.connect(self._saved_toggled)
        self.control_action = QAction(self.tr("Show &control frames"), self)
        self.control_action.setCheckable(True)
        self.control_action.setToolTip(
            self.tr("Record pings, pongs and close frames as rows, in every room, from now on")
        )
        self.control_action.toggled.connect(self._control_toggled)
        self.control_action.setChecked(str(settings.value(_CONTROL_KEY, "off")) == "on")
        self.websocat_action = QAction(self.tr("Copy as &websocat command"), self)
        self.websocat_action.triggered.connect(lambda: self.copy_command("websocat"))
        self.wscat_action = QAction(self.tr("Copy as wsca&t command"), self)
        self.wscat_action.triggered.connect(lambda: self.copy_command("wscat"))

        bar = window.composer_bar
        bar.selector.modeChanged.connect(self._mode_changed)
        window.composer.frameRequested.connect(session.send_outgoing)
        window.connection_bar.more_button.clicked.connect(self.show_options)
        self.panel.sendRequested.connect(self.send_saved)
        self.panel.saveRequested.connect(self._save_current)
        window.view.selectionModel().currentChanged.connect(self._current_row_changed)
        window.filter_model.modelReset.connect(lambda: self.detail.show_row(None))
        window.filter_model.layoutChanged.connect(self._refresh_detail)
        session.currentChanged.connect(self._entered_room)
        session.statusChanged.connect(self._on_status)

    # -- panes ----------------------------------------------------------------------

    @property
    def inspecting(self) -> bool:
        """The room shown is not a Roomcast room: the panes' automatic default."""
        status = self.session.status
        return self.session.rooms.current is not None and not status.roomcast

    def update_panes(self) -> None:
        """Show or hide the detail pane and the saved messages, as chosen or by default."""
        details = self._details_choice
        saved = self._saved_choice
        show_details = self.inspecting if details is None else details
        if saved is None:  # an empty list is not worth the room it takes
            scope = _scope(self.session.rooms.current)
            saved = self.inspecting and bool(self.saved_messages.for_scope(scope))
        show_saved = saved
        self.detail.setVisible(show_details)
        self.panel.setVisible(show_saved)
        for action, shown in ((self.detail_action, show_details), (self.saved_action, show_saved)):
            action.blockSignals(True)
            action.setChecked(shown)
            action.blockSignals(False)
        if show_details:
            self._refresh_detail()

    def _details_toggled(self, on: bool) -> None:
        self._details_choice = on
        self.settings.setValue(_DETAILS_KEY, "on" if on else "off")
        self.window.update_side()

    def _saved_toggled(self, on: bool) -> None:
        self._saved_choice = on
        self.settings.setValue(_SAVED_KEY, "on" if on else "off")
        self.window.update_side()

    def _control_toggled(self, on: bool) -> None:
        self.session.record_control = on
        self.settings.setValue(_CONTROL_KEY, "on" if on else "off")

    def _current_row_changed(
        self, current: QModelIndex | QPersistentModelIndex, _: object = None
    ) -> None:
        if self.detail.isVisible():
            row = current.data(Roles.RowRole) if current.isValid() else None
            self.detail.show_row(row if isinstance(row, Row) else None)

    def _refresh_detail(self) -> None:
        self._current_row_changed(self.window.view.currentIndex())

    # -- rooms ----------------------------------------------------------------------

    def _entered_room(self, entry: RoomEntry | None) -> None:
        """Another room is shown: its send mode, its options, its panes."""
        selector = self.window.composer_bar.selector
        if entry is not None:
            selector.set_mode(SendMode(entry.send_mode), BinaryFormat(entry.binary_format))
            self.options_widget.set_url(entry.urls[0] if entry.urls else "")
            self.options_widget.set_options(entry.options or ConnectionOptions())
            self._options_changed()
        else:
            selector.set_mode(SendMode.CHAT)
            self.options_widget.set_url("")
        self.panel.set_scope(_scope(entry))
        self.detail.show_row(None)

    def _mode_changed(self, mode: SendMode, binary_format: BinaryFormat) -> None:
        entry = self.session.rooms.current
        if entry is not None:
            entry.send_mode, entry.binary_format = mode.value, binary_format.value

    def show_options(self) -> QDialog:
        """The connection options, in their dialog (open(): no nested loop)."""
        self.options_dialog.open()
        return self.options_dialog

    def _options_changed(self) -> None:
        """The "More…" button is bold while the options are not the defaults."""
        try:
            custom = not self.options_widget.options().is_default
        except ValueError:
            custom = True
        button = self.window.connection_bar.more_button
        font = button.font()
        font.setBold(custom)
        button.setFont(font)

    def connection_options(self) -> ConnectionOptions | None:
        """The options the connection bar's "More…" part holds for the next
        connect (None: the defaults); ValueError (shown there) when invalid."""
        options = self.options_widget.options()
        return None if options.is_default else options

    # -- sending --------------------------------------------------------------------

    def send_saved(self, message: SavedMessage) -> None:
        """A saved message, sent in its mode (checked now: a file may be gone)."""
        try:
            outgoing = encode(message.mode, message.payload, message.binary_format)
        except PayloadError as exc:
            self.window.show_notice(str(exc), mark="⚠ ")
            return
        self.session.send_outgoing(outgoing)

    def _save_current(self) -> None:
        selector = self.window.composer_bar.selector
        self.panel.add_from(
            self.window.composer.toPlainText(), selector.mode(), selector.binary_format()
        )

    def _save_messages(self) -> None:
        try:
            save_saved_messages(self.settings, self.saved_messages)
        except SavedMessagesSettingsError as exc:
            self.window.show_notice(str(exc), mark="✖ ")

    # -- TLS trust --------------------------------------------------------------------

    def _save_pins(self) -> None:
        self.settings.setValue(PINS_KEY, self.session.pins.to_settings())
        self.options_widget.refresh_pin()

    def _on_status(self, status: Status) -> None:
        self.update_panes()
        if status.untrusted is not None and status.untrusted != self._asked:
            self.ask_to_trust(status)
        elif status.untrusted is None:
            self._asked = None

    def ask_to_trust(self, status: Status) -> QMessageBox:
        """The server's certificate is not trusted: show why and its fingerprint;
        "Trust and connect" pins it for that host and port."""
        fingerprint = status.untrusted
        assert fingerprint is not None
        self._asked = fingerprint
        box = self.trust_box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Untrusted certificate"))
        box.setText(status.detail)
        box.setInformativeText(
            self.tr(
                "Trust it only if the fingerprint matches the one the server's operator "
                "gave you. A trusted certificate that later changes is refused."
            )
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        trust = box.addButton(self.tr("&Trust and connect"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done() -> None:
            if box.clickedButton() is trust:
                self.session.trust_certificate(fingerprint)

        box.finished.connect(done)
        box.open()  # not exec(): no nested event loop under qasync
        return box

    # -- copy as command ----------------------------------------------------------------

    def command(self, tool: str) -> str | None:
        """The room shown as a ``websocat`` or ``wscat`` command line; None when
        no room is shown."""
        conversation = self.session.current
        if conversation is None:
            return None
        url = conversation.entry.urls[0]
        options = conversation.client.options or ConnectionOptions()
        offered = conversation.client.offered(url)
        try:
            host, port = tls.endpoint(url)
        except ValueError:
            pinned = False
        else:
            pinned = (
                url.lower().startswith("wss:") and self.session.pins.get(host, port) is not None
            )
        make = websocat_command if tool == "websocat" else wscat_command
        return make(url, options, subprotocols=offered, insecure=pinned)

    def copy_command(self, tool: str) -> None:
        text = self.command(tool)
        if text is None:
            self.window.show_notice(self.tr("Open a room first: there is no connection to copy"))
            return
        QGuiApplication.clipboard().setText(text)
        self.window.show_notice(self.tr("Copied: {command}").format(command=text))

    def menu_actions(self) -> list[QAction]:
        """For the View menu."""
        return [self.detail_action, self.saved_action, self.control_action]


def _scope(entry: RoomEntry | None) -> str:
    """A saved message's room scope: the room's key as one string."""
    return "" if entry is None else " ".join(entry.key)
