"""The "Saved connections" dialog: pick one to connect, or add, edit and delete them.

It reads and writes the :class:`~desktop.saved.SavedConnections` store it is
given and emits :attr:`SavedConnectionsDialog.optionsRequested` then
:attr:`SavedConnectionsDialog.connectRequested`; the window does the
connecting. Each connection's options (headers, subprotocols, query, TLS,
timeouts) are edited in the collapsible "Options" section, a
:class:`~desktop.widgets.connection_options.ConnectionOptionsWidget`.
Problems (a bad URL, a locked keyring) are shown inline, in the dialog,
never in a message box.
"""

from __future__ import annotations

import dataclasses
import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.connection_options import ConnectionOptions, with_secrets
from roomcast.desktop.links import EXAMPLE_URL, join_urls, split_urls, validate_url
from roomcast.desktop.saved import (
    MAX_CONNECTION_NAME_CHARS,
    SavedConnection,
    SavedConnections,
    SavedConnectionsError,
    keyring_available,
)
from roomcast.desktop.tls import PinStore
from roomcast.server.protocol import MAX_NAME_CHARS, MAX_PASSWORD_CHARS

from .connection_options import ConnectionOptionsWidget

__all__ = ["SavedConnectionsDialog"]

#: Item data: the saved connection's name.
NAME_ROLE = Qt.ItemDataRole.UserRole
ERROR_STYLE = "color: #b00020;"


class SavedConnectionsDialog(QDialog):
    """The saved connections on the left, the selected one's fields on the right.

    Save stores the fields under the Name (a new name adds a connection);
    Connect emits :attr:`optionsRequested` with the connection options (secret
    header values filled in: typed, else saved), then :attr:`connectRequested`
    with the URLs, the display name and the password (the one typed, else the
    saved one) and closes the dialog. ``pins``: the window's pinned
    certificates, shown (and forgettable) in the options.
    Open it with ``open()``, not ``exec()``: no nested event loop under qasync.
    """

    #: The ConnectionOptions for the connectRequested emitted right after it.
    optionsRequested = Signal(object)
    connectRequested = Signal(str, str, str)  # urls text, display name, password ("" for none)

    def __init__(
        self,
        store: SavedConnections,
        parent: QWidget | None = None,
        *,
        pins: PinStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Saved connections"))
        self.setAccessibleName(self.tr("Saved connections"))
        self.setAccessibleDescription(
            self.tr("Pick a saved connection to connect to, or add, change and delete them")
        )
        self._keyring = keyring_available()

        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Saved connections"))
        self.list.setAccessibleDescription(
            self.tr("Select one to edit it below; Enter or a double click connects")
        )
        self.list.currentItemChanged.connect(self._on_current_changed)
        # Not itemActivated: Enter in the list already reaches the default button (Connect).
        self.list.itemDoubleClicked.connect(lambda _item: self.connect_selected())
        list_label = QLabel(self.tr("Sa&ved connections:"), self)
        list_label.setBuddy(self.list)

        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(MAX_CONNECTION_NAME_CHARS)
        self.name_edit.setPlaceholderText(self.tr("e.g. Team chat"))
        self.name_edit.setAccessibleName(self.tr("Connection name"))
        self.name_edit.setAccessibleDescription(
            self.tr("1 to 64 characters; saving under a new name adds a connection")
        )
        self.urls_edit = QLineEdit(self)
        self.urls_edit.setPlaceholderText(EXAMPLE_URL)
        self.urls_edit.setToolTip(
            self.tr("A ws:// or wss:// address; several, separated by commas, for failover")
        )
        self.urls_edit.setAccessibleName(self.tr("Server addresses"))
        self.urls_edit.setAccessibleDescription(
            self.tr("A ws:// or wss:// address; several, separated by commas, for failover")
        )
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setMaxLength(MAX_NAME_CHARS)
        self.display_name_edit.setPlaceholderText(self.tr("your name (optional)"))
        self.display_name_edit.setAccessibleName(self.tr("Display name"))
        self.display_name_edit.setAccessibleDescription(
            self.tr("The name others see in the room; empty uses your usual name")
        )
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setMaxLength(MAX_PASSWORD_CHARS)
        self.password_edit.setAccessibleName(self.tr("Room password"))
        self.remember_box = QCheckBox(self.tr("&Remember the password"), self)
        self.remember_box.setAccessibleName(self.tr("Remember the password"))
        self.password_note = QLabel(self)
        self.password_note.setWordWrap(True)
        self.password_note.setAccessibleName(self.tr("Where the password is kept"))
        if self._keyring:
            self.remember_box.setChecked(True)
            self.remember_box.setAccessibleDescription(
                self.tr("Keep the password in the system keyring; uncheck and save to forget it")
            )
            self.password_note.setText(
                self.tr("Passwords are kept in the system keyring, never in the settings file.")
            )
        else:
            self.remember_box.setChecked(False)
            self.remember_box.setEnabled(False)
            self.remember_box.setAccessibleDescription(
                self.tr("Not available: there is no system keyring to keep the password in")
            )
            self.password_note.setText(
                self.tr(
                    "No system keyring is available: passwords can't be saved. "
                    "One typed here is used when you press Connect."
                )
            )
        self.password_note.setAccessibleDescription(self.password_note.text())

        self.options_toggle = QToolButton(self)
        self.options_toggle.setText(self.tr("Op&tions"))
        self.options_toggle.setCheckable(True)
        self.options_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.options_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.options_toggle.setAutoRaise(True)
        self.options_toggle.setAccessibleName(self.tr("Connection options"))
        self.options_toggle.setAccessibleDescription(
            self.tr("Show or hide headers, subprotocols, query parameters, TLS trust and timeouts")
        )
        self.options_toggle.toggled.connect(self.show_options)
        self.options_summary = QLabel(self)
        self.options_summary.setAccessibleName(self.tr("Options in use"))
        self.options = ConnectionOptionsWidget(pins, self)
        self.options.hide()
        self.options.changed.connect(self._update_summary)
        self.urls_edit.textChanged.connect(self._url_changed)

        self.message = QLabel(self)
        self.message.setObjectName("savedMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName(self.tr("Status message"))
        self.message.hide()

        self.save_button = QPushButton(self.tr("&Save"), self)
        self.save_button.setAccessibleName(self.tr("Save"))
        self.save_button.setAccessibleDescription(
            self.tr("Save these fields under the connection name")
        )
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_current)
        self.delete_button = QPushButton(self.tr("De&lete"), self)
        self.delete_button.setAccessibleName(self.tr("Delete"))
        self.delete_button.setAccessibleDescription(
            self.tr("Delete the selected connection and its saved password")
        )
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.connect_button = QPushButton(self.tr("&Connect"), self)
        self.connect_button.setAccessibleName(self.tr("Connect"))
        self.connect_button.setAccessibleDescription(
            self.tr("Connect with these addresses, display name and password")
        )
        self.connect_button.setDefault(True)
        self.connect_button.clicked.connect(self.connect_selected)
        self.close_button = QPushButton(self.tr("Cl&ose"), self)
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.setAccessibleDescription(self.tr("Close this dialog without connecting"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        for text, field in (
            (self.tr("&Name:"), self.name_edit),
            (self.tr("&URLs:"), self.urls_edit),
            (self.tr("&Display name:"), self.display_name_edit),
            (self.tr("&Password:"), self.password_edit),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        form.addRow("", self.remember_box)
        form.addRow("", self.password_note)
        left = QVBoxLayout()
        left.addWidget(list_label)
        left.addWidget(self.list, 1)
        toggle_row = QHBoxLayout()
        toggle_row.addWidget(self.options_toggle)
        toggle_row.addWidget(self.options_summary, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(toggle_row)
        right.addWidget(self.options)
        right.addWidget(self.message)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)

        order: list[QWidget] = [
            self.list,
            self.name_edit,
            self.urls_edit,
            self.display_name_edit,
            self.password_edit,
            self.remember_box,
            self.options_toggle,
            *self.options.tab_order(),
            self.save_button,
            self.delete_button,
            self.connect_button,
            self.close_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        self.resize(640, 360)
        self.refresh()
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._fill(None)
            self.name_edit.setFocus()

    # -- what the buttons do --------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """Reload the list from the store; select ``select`` (else keep the selection)."""
        keep = select if select is not None else self.selected_name()
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for conn in self.store.all():
                item = QListWidgetItem(conn.name, self.list)
                item.setData(NAME_ROLE, conn.name)
                item.setToolTip(conn.urls_text)
                if conn.name == keep:
                    self.list.setCurrentItem(item)
        finally:
            self.list.blockSignals(False)
        self.delete_button.setEnabled(self.selected_name() is not None)

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        if item is None:
            return None
        name = item.data(NAME_ROLE)
        return name if isinstance(name, str) else None

    def select(self, name: str) -> bool:
        """Select the saved connection ``name``; False when there is none."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NAME_ROLE) == name:
                self.list.setCurrentItem(item)
                return True
        return False

    def start_new(self, urls: str = "", display_name: str = "") -> None:
        """Clear the selection and fill in a new connection (e.g. the one in the URL box);
        the person types a name and presses Save."""
        self.list.setCurrentRow(-1)  # no current item: Delete is disabled
        self._fill(SavedConnection("", tuple(split_urls(urls)), display_name.strip()))
        self.name_edit.setFocus()

    def save_current(self) -> None:
        """Save the fields under the Name; problems are shown in the dialog."""
        try:
            options = self.options.options()
        except ValueError as exc:
            self.show_options(True)
            self.show_error(str(exc))
            return
        conn = SavedConnection(
            name=self.name_edit.text(),
            urls=tuple(split_urls(self.urls_edit.text())),
            display_name=self.display_name_edit.text(),
            options=options,
        )
        typed = self.password_edit.text()
        # Unchecked forgets the saved one; empty keeps it. Without a keyring the store
        # saves the rest and says the password was not saved; the field keeps it for Connect.
        forget = self._keyring and not self.remember_box.isChecked()
        password = "" if forget else typed or None
        try:
            stored = self.store.save(conn, password)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        except SavedConnectionsError as exc:
            # The rest was saved: show it, and say what went wrong with the password.
            self.refresh(select=conn.name.strip())
            self._fill(self.store.get(conn.name.strip()), keep_password=True)
            self.show_error(str(exc))
            return
        self.refresh(select=stored.name)
        self._fill(stored)
        self.show_info(self.tr("Saved “{name}”.").format(name=stored.name))

    def delete_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        row = self.list.currentRow()
        try:
            self.store.delete(name)
            problem = None
        except SavedConnectionsError as exc:
            problem = str(exc)
        self.refresh()
        if self.list.count():
            self.list.setCurrentRow(min(row, self.list.count() - 1))
        else:
            self._fill(None)
        if problem:
            self.show_error(problem)
        else:
            self.show_info(self.tr("Deleted “{name}”.").format(name=name))

    def connect_selected(self) -> None:
        """Emit :attr:`connectRequested` for the fields and close; or say what is wrong."""
        urls = split_urls(self.urls_edit.text())
        if not urls:
            self.show_error(self.tr("Type a server address (ws:// or wss://) to connect to."))
            return
        try:
            urls = [validate_url(url) for url in urls]
        except ValueError as exc:
            self.show_error(str(exc))
            return
        try:
            options = self.options.options()
        except ValueError as exc:
            self.show_options(True)
            self.show_error(str(exc))
            return
        password = self.password_edit.text()
        name = self.name_edit.text().strip()
        if not password and name:
            try:
                password = self.store.password(name) or ""
            except SavedConnectionsError as exc:
                self.show_error(str(exc))
                self.password_edit.setFocus()
                return
        try:
            options = self._with_saved_secrets(name, options)
        except SavedConnectionsError as exc:
            self.show_options(True)
            self.show_error(str(exc))
            return
        self.optionsRequested.emit(options)
        self.connectRequested.emit(join_urls(urls), self.display_name_edit.text().strip(), password)
        self.accept()

    def show_options(self, shown: bool) -> None:
        """Expand (or collapse) the Options section."""
        self.options_toggle.setChecked(shown)  # re-enters through toggled: harmless
        self.options_toggle.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.options.setVisible(shown)
        if shown:
            hint = self.sizeHint()
            self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    def _with_saved_secrets(self, name: str, options: ConnectionOptions) -> ConnectionOptions:
        """``options`` with the header values left empty to keep the saved ones filled
        in from the keyring (read only when some are needed)."""
        kept = self.options.saved_secrets()
        wanted = {h for h, v in options.headers if not v and h in kept}
        if not wanted or not name:
            return options
        saved = self.store.options(name)
        values = {h: v for h, v in saved.headers if h in wanted and v}
        # A value the keyring lost is left out rather than sent empty.
        headers = tuple((h, v) for h, v in options.headers if h not in wanted or h in values)
        return with_secrets(dataclasses.replace(options, headers=headers), values)

    # -- messages -------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self._show_message(text)

    def show_info(self, text: str) -> None:
        self.message.setStyleSheet("")
        self._show_message(text)

    def message_text(self) -> str:
        """The inline message, "" when none is shown."""
        return self.message.text() if not self.message.isHidden() else ""

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)
        self.message.show()

    def _clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    # -- the fields -----------------------------------------------------------

    def _on_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        name = current.data(NAME_ROLE) if current is not None else None
        self._fill(self.store.get(name) if isinstance(name, str) else None)
        self._clear_message()
        self.delete_button.setEnabled(current is not None)

    def _fill(self, conn: SavedConnection | None, *, keep_password: bool = False) -> None:
        self.name_edit.setText(conn.name if conn else "")
        self.urls_edit.setText(conn.urls_text if conn else "")
        self.display_name_edit.setText(conn.display_name if conn else "")
        if not keep_password:
            # keep_password keeps the typed secrets too: those the store could not keep.
            self.password_edit.clear()
            self.options.set_options(
                conn.options if conn else ConnectionOptions(),
                saved_secrets=conn.secret_headers if conn else (),
            )
            self._update_summary()
        if self._keyring:
            self.remember_box.setChecked(True)
        saved = conn is not None and conn.has_password
        if saved:
            hint = self.tr("saved — leave empty to keep it")
            description = self.tr(
                "A password is saved in the system keyring; type another to replace it"
            )
        else:
            hint = self.tr("optional")
            description = self.tr("Leave empty when the room has no password")
        self.password_edit.setPlaceholderText(hint)
        self.password_edit.setAccessibleDescription(description)

    def _url_changed(self, text: str) -> None:
        urls = split_urls(text)
        self.options.set_url(urls[0] if urls else "")

    def _update_summary(self) -> None:
        """A word on what the collapsed Options hold: "3 headers · CA file"."""
        parts: list[str] = []
        headers = len(self.options.headers.pairs())
        query = len(self.options.query.pairs())
        if headers:
            parts.append(self.tr("%n header(s)", "", headers))
        if self.options.no_subprotocol_box.isChecked():
            parts.append(self.tr("no subprotocol"))
        elif self.options.subprotocols_edit.text().strip():
            parts.append(self.tr("subprotocols"))
        if query:
            parts.append(self.tr("%n query parameter(s)", "", query))
        if self.options.ca_file_edit.text().strip():
            parts.append(self.tr("CA file"))
        text = " · ".join(parts)
        self.options_summary.setText(text)
        self.options_summary.setAccessibleDescription(text or self.tr("defaults"))
