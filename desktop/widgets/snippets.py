"""Saved messages: the panel listing a room's saved messages, and their dialog.

:class:`SavedMessagesPanel` shows what the current scope offers (the room's
own messages, then the global ones; ``desktop/snippets.py`` has the rules)
through :class:`~desktop.snippet_model.SavedMessagesModel`. It never sends:
a double click, Enter, the Send button or Ctrl+1 … Ctrl+9 (the first nine,
:attr:`SavedMessagesPanel.send_actions`) emit
:attr:`SavedMessagesPanel.sendRequested` with the message, and the window
encodes and sends it. "Save current…" emits
:attr:`SavedMessagesPanel.saveRequested`; the window answers with
:meth:`SavedMessagesPanel.add_from` and the composer's text and mode, which
opens :class:`SavedMessageDialog` for the name and the scope.

Keyboard: Tab reaches the list and each button; in the list Enter sends,
Alt+Up and Alt+Down move the selected message. Buttons carry no mnemonics:
the panel lives in the main window, whose letters are taken. Problems (a
name taken) are shown inline in the dialog, never in a message box.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippet_model import SHORTCUT_COUNT, SavedMessagesModel, shortcut_for
from roomcast.desktop.snippets import MAX_NAME_CHARS, SavedMessage, SavedMessages

from .feedback import ErrorLabel
from .send_mode import SendModeSelector, placeholder_for

__all__ = ["SavedMessageDialog", "SavedMessagesPanel"]


class SavedMessageDialog(QDialog):
    """Name, payload, mode and scope of one saved message.

    Save calls ``commit`` with the message typed; a ValueError it raises is
    shown in the dialog, which stays open; otherwise :attr:`saved` is emitted
    with what ``commit`` returned and the dialog closes. Open it with
    ``open()``, not ``exec()``: no nested event loop under qasync.
    """

    saved = Signal(object)  # the SavedMessage as kept

    def __init__(
        self,
        commit: Callable[[SavedMessage], SavedMessage],
        message: SavedMessage,
        room_scope: str,
        parent: QWidget | None = None,
        *,
        editing: bool = False,
    ) -> None:
        super().__init__(parent)
        self.commit = commit
        self.room_scope = room_scope
        title = self.tr("Edit saved message") if editing else self.tr("Save message")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setAccessibleDescription(
            self.tr("Name a message to send again with a click or a shortcut")
        )

        self.name_edit = QLineEdit(message.name, self)
        self.name_edit.setMaxLength(MAX_NAME_CHARS)
        self.name_edit.setPlaceholderText(self.tr("e.g. Subscribe to trades"))
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.name_edit.setAccessibleDescription(
            self.tr("1 to 64 characters, unique among this room's or all rooms' saved messages")
        )
        self.payload_edit = QPlainTextEdit(message.payload, self)
        self.payload_edit.setTabChangesFocus(True)
        self.payload_edit.setAccessibleName(self.tr("Message"))
        self.payload_edit.setAccessibleDescription(
            self.tr("The text as the message field would hold it")
        )
        self.mode_selector = SendModeSelector(self)
        self.mode_selector.set_mode(message.mode, message.binary_format)
        self.mode_selector.modeChanged.connect(self._on_mode_changed)
        self.mode_selector.fileChosen.connect(self.payload_edit.setPlainText)
        self._on_mode_changed(message.mode, message.binary_format)

        self.room_radio = QRadioButton(self.tr("&This room only"), self)
        self.room_radio.setAccessibleName(self.tr("This room only"))
        self.room_radio.setAccessibleDescription(
            self.tr("Offer this message in this room only")
            if room_scope
            else self.tr("Not available: no room is open")
        )
        self.global_radio = QRadioButton(self.tr("A&ll rooms"), self)
        self.global_radio.setAccessibleName(self.tr("All rooms"))
        self.global_radio.setAccessibleDescription(self.tr("Offer this message in every room"))
        self.room_radio.setEnabled(bool(room_scope))
        if room_scope and (message.scope == room_scope or (not editing and not message.scope)):
            self.room_radio.setChecked(True)
        else:
            self.global_radio.setChecked(True)

        self.error_label = ErrorLabel("", self)
        self.error_label.setAccessibleName(self.tr("Problem"))
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setAccessibleName(self.tr("Save"))
        self.save_button.setAccessibleDescription(self.tr("Keep this message under its name"))
        self.save_button.setDefault(True)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.cancel_button.setAccessibleDescription(self.tr("Close without saving"))
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

        name_label = QLabel(self.tr("&Name:"), self)
        name_label.setBuddy(self.name_edit)
        payload_label = QLabel(self.tr("&Message:"), self)
        payload_label.setBuddy(self.payload_edit)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.room_radio)
        scope_row.addWidget(self.global_radio)
        scope_row.addStretch(1)
        form = QFormLayout()
        form.addRow(name_label, self.name_edit)
        form.addRow(payload_label, self.payload_edit)
        form.addRow(self.mode_selector)
        form.addRow(scope_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.setFocus()

    def message(self) -> SavedMessage:
        """The message as the fields say."""
        return SavedMessage(
            name=self.name_edit.text(),
            mode=self.mode_selector.mode(),
            payload=self.payload_edit.toPlainText(),
            binary_format=self.mode_selector.binary_format(),
            scope=self.room_scope if self.room_radio.isChecked() else "",
        )

    def save(self) -> None:
        try:
            kept = self.commit(self.message())
        except ValueError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.error_label.hide()
        self.saved.emit(kept)
        self.accept()

    def _on_mode_changed(self, mode: SendMode, binary_format: BinaryFormat) -> None:
        self.payload_edit.setPlaceholderText(placeholder_for(mode, binary_format))


class SavedMessagesPanel(QWidget):
    """The saved messages of the current scope, with Send, Save current…,
    Edit…, Remove and Move up / down."""

    sendRequested = Signal(object)  # the SavedMessage to send
    saveRequested = Signal()  # "Save current…": answer with add_from()

    def __init__(self, store: SavedMessages | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SavedMessagesModel(store, parent=self)
        #: The dialog open (saving or editing), if any.
        self.dialog: SavedMessageDialog | None = None

        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(False)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Each row is two lines: shading tells one message from the next.
        self.view.setAlternatingRowColors(True)
        self.view.setAccessibleName(self.tr("Saved messages"))
        self.view.setAccessibleDescription(
            self.tr(
                "Enter or a double click sends the selected message; "
                "Ctrl+1 to Ctrl+9 send the first nine; Alt+Up and Alt+Down move it"
            )
        )
        # Not `activated`: where the style activates on a single click, a
        # click meant to select would send.
        self.view.doubleClicked.connect(lambda index: self._send_row(index.row()))
        self.view.installEventFilter(self)
        self.title = QLabel(self.tr("Saved messa&ges"), self)
        self.title.setBuddy(self.view)
        self.empty_label = QLabel(
            self.tr("No saved messages yet: type one and press Save current…"), self
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName(self.tr("No saved messages"))

        def button(
            text: str, name: str, description: str, slot: Callable[[], object]
        ) -> QPushButton:
            b = QPushButton(text, self)
            b.setAccessibleName(name)
            b.setAccessibleDescription(description)
            b.setToolTip(description)
            b.setAutoDefault(False)
            b.clicked.connect(slot)
            return b

        self.send_button = button(
            self.tr("Send"),
            self.tr("Send"),
            self.tr("Send the selected message (Enter in the list)"),
            self.send_selected,
        )
        self.save_button = button(
            self.tr("Save current…"),
            self.tr("Save current"),
            self.tr("Save what the message field holds, with its send mode, under a name"),
            self.saveRequested.emit,
        )
        self.edit_button = button(
            self.tr("Edit…"),
            self.tr("Edit"),
            self.tr("Change the selected message's name, text, mode or rooms"),
            self.edit_selected,
        )
        self.remove_button = button(
            self.tr("Remove"),
            self.tr("Remove"),
            self.tr("Forget the selected message"),
            self.remove_selected,
        )
        self.up_button = button(
            self.tr("Up"),
            self.tr("Move up"),
            self.tr("Move the selected message up (Alt+Up in the list)"),
            lambda: self.move_selected(-1),
        )
        self.down_button = button(
            self.tr("Down"),
            self.tr("Move down"),
            self.tr("Move the selected message down (Alt+Down in the list)"),
            lambda: self.move_selected(1),
        )

        #: Ctrl+1 … Ctrl+9: send the first nine messages of the scope. They
        #: work while the panel is shown; the window may add them to a menu.
        self.send_actions: list[QAction] = []
        for row in range(SHORTCUT_COUNT):
            action = QAction(self)
            action.setShortcut(shortcut_for(row))
            action.triggered.connect(lambda _checked=False, row=row: self._send_row(row))
            self.addAction(action)
            self.send_actions.append(action)

        # The selection is kept across the model's resets (a move, an edit).
        self._keep: tuple[str, str] | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._after_reset)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update())

        # Two rows of three: the side column is narrow (main_window.SIDE_MAX_WIDTH).
        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for i, b in enumerate(
            (
                self.send_button,
                self.save_button,
                self.edit_button,
                self.remove_button,
                self.up_button,
                self.down_button,
            )
        ):
            buttons.addWidget(b, i // 3, i % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        self._update()

    # -- the store and the scope ----------------------------------------------------

    @property
    def store(self) -> SavedMessages:
        return self.model.store

    def set_store(self, store: SavedMessages) -> None:
        self.model.set_store(store)

    def scope(self) -> str:
        return self.model.scope

    def set_scope(self, scope: str) -> None:
        """Show what room ``scope`` offers ("" when no room is open: the global ones)."""
        self.model.set_scope(scope)

    def selected(self) -> SavedMessage | None:
        """The selected message (not merely the list's current row: the one
        Qt makes current when the list gets the focus is not chosen)."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.message(rows[0].row()) if rows else None

    def select(self, name: str, scope: str) -> bool:
        """Make ``name`` of ``scope`` the current row; False when it is not shown."""
        row = self.model.row_of(name, scope)
        if row < 0:
            return False
        self.view.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        return True

    # -- actions --------------------------------------------------------------------

    def send_selected(self) -> None:
        msg = self.selected()
        if msg is not None:
            self.sendRequested.emit(msg)

    def add_from(
        self, text: str, mode: SendMode, binary_format: BinaryFormat = BinaryFormat.HEX
    ) -> SavedMessageDialog:
        """Ask a name (and this room or all) for the composer's ``text`` and keep it."""
        draft = SavedMessage("", mode, text, binary_format, self.scope())
        return self._open_dialog(SavedMessageDialog(self.store.add, draft, self.scope(), self))

    def edit_selected(self) -> SavedMessageDialog | None:
        msg = self.selected()
        if msg is None:
            return None

        def commit(new: SavedMessage) -> SavedMessage:
            return self.store.replace(msg.name, msg.scope, new)

        return self._open_dialog(
            SavedMessageDialog(commit, msg, self.scope() or msg.scope, self, editing=True)
        )

    def remove_selected(self) -> None:
        msg = self.selected()
        if msg is not None:
            row = self.model.row_of(msg.name, msg.scope)
            self.store.remove(msg.name, msg.scope)
            # The next one (or the new last one) takes its place, for a run of removals.
            following = self.model.message(min(row, self.model.rowCount() - 1))
            if following is not None:
                self.select(following.name, following.scope)

    def move_selected(self, delta: int) -> None:
        msg = self.selected()
        if msg is not None:
            self.store.move(msg.name, msg.scope, delta)

    # -- inside ---------------------------------------------------------------------

    def _open_dialog(self, dialog: SavedMessageDialog) -> SavedMessageDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.saved.connect(lambda kept: self.select(kept.name, kept.scope))
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()
        return dialog

    def _dialog_closed(self, dialog: SavedMessageDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _send_row(self, row: int) -> None:
        msg = self.model.message(row)
        if msg is not None:
            self.sendRequested.emit(msg)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key, mods = event.key(), event.modifiers()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            ):
                # The current row, selected or not: the one the focus frame is on.
                current = self.view.currentIndex()
                if current.isValid() and self.selected() is None:
                    self.view.selectionModel().select(
                        current, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    )
                self.send_selected()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and mods == Qt.KeyboardModifier.AltModifier:
                self.move_selected(-1 if key == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(watched, event)

    def _remember_selection(self) -> None:
        msg = self.selected()
        self._keep = (msg.name, msg.scope) if msg is not None else None

    def _after_reset(self) -> None:
        if self._keep is not None:
            self.select(*self._keep)
        self._keep = None
        self._update()

    def _update(self) -> None:
        count = self.model.rowCount()
        has = self.selected() is not None
        for b in (self.send_button, self.edit_button, self.remove_button):
            b.setEnabled(has)
        self.up_button.setEnabled(has and count > 1)
        self.down_button.setEnabled(has and count > 1)
        self.empty_label.setVisible(count == 0)
        for row, action in enumerate(self.send_actions):
            msg = self.model.message(row)
            action.setEnabled(msg is not None)
            if msg is None:
                action.setText(self.tr("Send saved message {number}").format(number=row + 1))
            else:
                action.setText(self.tr("Send “{name}”").format(name=msg.name.replace("&", "&&")))
