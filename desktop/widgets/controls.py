"""The connection bar, the composer and the member list.

Widgets only emit signals: they do not know the session or the app, and
have no async methods. Every user-visible string goes through ``tr``.

They share the main window with its menus (&Room, &View), the filter bar
and the invite panel: their mnemonics (Alt+letter) are S, N, A (send as),
I (choose file) and M, none taken by the others (tests/desktop/widgets/test_controls.py checks).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.links import EXAMPLE_URL
from roomcast.desktop.sending import BinaryFormat, PayloadError, SendMode, encode
from roomcast.server.protocol import MAX_NAME_CHARS

from .feedback import ErrorLabel
from .send_mode import SendModeSelector, placeholder_for

MAX_RECENT_URLS = 10


class ConnectionBar(QWidget):
    """URL box (remembers recent URLs), display name, Connect/Disconnect."""

    connectRequested = Signal(str, str)  # urls text, name
    disconnectRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url_box = QComboBox(self)
        self.url_box.setEditable(True)
        self.url_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.url_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        address_help = self.tr(
            "A ws:// or wss:// address; several, separated by commas, for failover"
        )
        self.url_box.setToolTip(address_help)
        self.url_box.setAccessibleName(self.tr("Server address"))
        self.url_box.setAccessibleDescription(address_help)
        line = self.url_box.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.setPlaceholderText(EXAMPLE_URL)
        line.setAccessibleName(self.tr("Server address"))
        line.setAccessibleDescription(address_help)
        line.returnPressed.connect(self._on_connect_clicked)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("your name"))
        self.name_edit.setMaxLength(MAX_NAME_CHARS)  # PROTOCOL.md, hello.name
        self.name_edit.setFixedWidth(140)
        self.name_edit.setAccessibleName(self.tr("Display name"))
        self.name_edit.setAccessibleDescription(
            self.tr("The name the others see, 1 to {limit} characters").format(limit=MAX_NAME_CHARS)
        )
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("password (if the room has one)"))
        self.password_edit.setFixedWidth(170)
        self.password_edit.setAccessibleName(self.tr("Room password"))
        self.password_edit.setAccessibleDescription(
            self.tr("Only for rooms that need a password; leave empty otherwise")
        )
        self.password_edit.returnPressed.connect(self._on_connect_clicked)
        self.connect_button = QPushButton(self.tr("Connect"), self)
        self.connect_button.setAccessibleName(self.tr("Connect or disconnect"))
        self.connect_button.setAccessibleDescription(
            self.tr("Connects to the server address, or disconnects when connected")
        )
        self.connect_button.clicked.connect(self._on_connect_clicked)
        # Opens the connection options (headers, subprotocols, TLS...).
        self.more_button = QPushButton(self.tr("Mor&e…"), self)
        self.more_button.setAccessibleName(self.tr("Connection options"))
        self.more_button.setAccessibleDescription(
            self.tr("Headers, subprotocols, query, TLS and timeouts for the next connect")
        )
        self.more_button.setToolTip(self.more_button.accessibleDescription())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        server_label = QLabel(self.tr("&Server:"), self)
        server_label.setBuddy(self.url_box)
        name_label = QLabel(self.tr("&Name:"), self)
        name_label.setBuddy(self.name_edit)
        layout.addWidget(server_label)
        layout.addWidget(self.url_box, 1)
        layout.addWidget(name_label)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.more_button)
        layout.addWidget(self.connect_button)
        self._connected = False

    @property
    def url_text(self) -> str:
        return self.url_box.currentText().strip()

    def set_url(self, url: str) -> None:
        self.url_box.setEditText(url)

    def set_recent_urls(self, urls: list[str]) -> None:
        current = self.url_text
        self.url_box.clear()
        self.url_box.addItems(urls[:MAX_RECENT_URLS])
        self.url_box.setEditText(current)

    def recent_urls(self) -> list[str]:
        return [self.url_box.itemText(i) for i in range(self.url_box.count())]

    def remember_url(self, url: str) -> None:
        urls = [url] + [u for u in self.recent_urls() if u != url]
        self.set_recent_urls(urls[:MAX_RECENT_URLS])
        self.url_box.setEditText(url)

    def set_connected(self, connected: bool) -> None:
        """Connected (or trying to): the button disconnects; else it connects."""
        self._connected = connected
        self.connect_button.setText(self.tr("Disconnect") if connected else self.tr("Connect"))
        for editor in (self.url_box, self.name_edit, self.password_edit):
            editor.setEnabled(not connected)

    def _on_connect_clicked(self) -> None:
        if self._connected:
            self.disconnectRequested.emit()
        else:
            self.connectRequested.emit(self.url_text, self.name_edit.text().strip())


class Composer(QPlainTextEdit):
    """Enter (or Ctrl+Enter) sends, Shift+Enter adds a line; disabled with a
    reason when it can't send.

    What Enter sends depends on the send mode (desktop/sending.py): a chat
    message (:attr:`sendRequested`), or one frame exactly as typed
    (:attr:`frameRequested`, an ``Outgoing``). Text the mode refuses (JSON
    that does not parse, bad hex...) stays, and :attr:`invalidPayload` says
    why; it carries "" once the text is sent.
    """

    sendRequested = Signal(str)
    frameRequested = Signal(object)  # sending.Outgoing: Text, JSON or Binary
    invalidPayload = Signal(str)  # why nothing was sent; "" when that is over
    typing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Message"))
        self.setAccessibleDescription(
            self.tr("Type a message; Enter sends it, Shift+Enter starts a new line")
        )
        self.setTabChangesFocus(True)
        self.setMaximumHeight(90)
        self.mode = SendMode.CHAT
        self.binary_format = BinaryFormat.HEX
        self.blocked_reason: str | None = None
        self.textChanged.connect(self._on_text_changed)
        self.set_blocked(self.tr("Not connected: connect to a server to send messages"))

    def set_mode(self, mode: SendMode, binary_format: BinaryFormat = BinaryFormat.HEX) -> None:
        """What Enter sends from now on (the bar's selector calls this)."""
        self.mode, self.binary_format = mode, binary_format
        self.invalidPayload.emit("")
        self.set_blocked(self.blocked_reason)

    def set_blocked(self, reason: str | None) -> None:
        """None enables sending; a reason disables it and says why."""
        self.setReadOnly(reason is not None)
        self.setPlaceholderText(reason or placeholder_for(self.mode, self.binary_format))
        self.setToolTip(reason or "")
        self.blocked_reason = reason
        self.viewport().update()  # the placeholder is painted by the viewport

    def insert_mention(self, name: str) -> None:
        """Put "@name " at the cursor (a click on a member) and focus the composer."""
        cursor = self.textCursor()
        before = self.toPlainText()[: cursor.position()]
        lead = "" if not before or before[-1].isspace() else " "
        cursor.insertText(f"{lead}@{name} ")
        self.setTextCursor(cursor)
        self.moveCursor(QTextCursor.MoveOperation.NoMove)
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submit()  # Enter and Ctrl+Enter both send
            event.accept()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        text = self.toPlainText()
        if self.blocked_reason is not None or not text.strip():
            return
        try:
            outgoing = encode(self.mode, text, self.binary_format)
        except PayloadError as exc:
            self.invalidPayload.emit(str(exc))
            return  # the text stays, to be fixed
        self.invalidPayload.emit("")
        if outgoing.mode is SendMode.CHAT:
            assert isinstance(outgoing.payload, str)
            self.sendRequested.emit(outgoing.payload)
        else:
            self.frameRequested.emit(outgoing)
        self.clear()

    def _on_text_changed(self) -> None:
        if self.toPlainText() and not self.isReadOnly() and self.mode is SendMode.CHAT:
            self.typing.emit()


class ComposerBar(QWidget):
    """The composer, its send-mode selector (remembered per room by the window)
    and the inline error line."""

    def __init__(self, composer: Composer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composer = composer
        self.selector = SendModeSelector(self)
        self.selector.modeChanged.connect(composer.set_mode)
        self.selector.fileChosen.connect(self._file_chosen)
        self.error_label = ErrorLabel("", self)
        self.error_label.setAccessibleName(self.tr("Why the message was not sent"))
        self.error_label.hide()
        composer.invalidPayload.connect(self._show_error)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(composer, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.selector)
        layout.addLayout(row)
        layout.addWidget(self.error_label)

    def _file_chosen(self, path: str) -> None:
        self.composer.setPlainText(path)
        self.composer.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))


class MemberList(QWidget):
    """Who is in the room (shown when the server speaks Roomcast), you first,
    then the others in alphabetical order, ignoring case. A click (or Enter)
    on a name asks to mention it in the composer; Alt+M goes to the list."""

    mentionRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("&Members"), self)
        self.model = QStringListModel(self)
        self.view = QListView(self)
        self.title.setBuddy(self.view)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName(self.tr("Members"))
        self.view.setAccessibleDescription(
            self.tr("Who is in the room; activate a name to mention it in your message")
        )
        # activated: Enter, double click, or a single click where the style
        # says so; a single click always mentions, but only once.
        self.view.activated.connect(self._on_activated)
        single = self.view.style().styleHint(QStyle.StyleHint.SH_ItemView_ActivateItemOnSingleClick)
        if not single:
            self.view.clicked.connect(self._on_activated)
        self._names: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view)

    def set_members(self, names: list[str], you: str | None = None) -> None:
        """Show ``names``: ``you`` first (marked), the rest sorted ignoring case."""
        self._names = sorted(names, key=lambda n: (n != you, n.casefold(), n))
        shown = [self.tr("{name} (you)").format(name=n) if n == you else n for n in self._names]
        self.model.setStringList(shown)
        self.title.setText(self.tr("&Members ({count})").format(count=len(names)))

    def members(self) -> list[str]:
        return self.model.stringList()

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if 0 <= index.row() < len(self._names):
            self.mentionRequested.emit(self._names[index.row()])
