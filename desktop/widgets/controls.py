"""The connection bar, the composer and the member list.

Widgets only emit signals: they do not know the session or the app, and
have no async methods.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

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
        self.url_box.setToolTip(
            "A ws:// or wss:// address; several, separated by commas, for failover"
        )
        self.url_box.setAccessibleName("Server address")
        line = self.url_box.lineEdit()
        line.setPlaceholderText("ws://127.0.0.1:8765/r/team")
        line.returnPressed.connect(self._on_connect_clicked)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("your name")
        self.name_edit.setMaxLength(32)  # PROTOCOL.md, hello.name: 1-32 characters
        self.name_edit.setFixedWidth(140)
        self.name_edit.setAccessibleName("Display name")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password (if the room has one)")
        self.password_edit.setFixedWidth(170)
        self.password_edit.setAccessibleName("Room password")
        self.password_edit.returnPressed.connect(self._on_connect_clicked)
        self.connect_button = QPushButton("Connect", self)
        self.connect_button.setAccessibleName("Connect or disconnect")
        self.connect_button.clicked.connect(self._on_connect_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Server:", self))
        layout.addWidget(self.url_box, 1)
        layout.addWidget(QLabel("Name:", self))
        layout.addWidget(self.name_edit)
        layout.addWidget(self.password_edit)
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
        self.connect_button.setText("Disconnect" if connected else "Connect")
        for editor in (self.url_box, self.name_edit, self.password_edit):
            editor.setEnabled(not connected)

    def _on_connect_clicked(self) -> None:
        if self._connected:
            self.disconnectRequested.emit()
        else:
            self.connectRequested.emit(self.url_text, self.name_edit.text().strip())


class Composer(QPlainTextEdit):
    """Enter sends, Shift+Enter adds a line; disabled with a reason when it can't send."""

    sendRequested = Signal(str)
    typing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Message")
        self.setTabChangesFocus(True)
        self.setMaximumHeight(90)
        self.textChanged.connect(self._on_text_changed)
        self.set_blocked("Not connected: connect to a server to send messages")

    def set_blocked(self, reason: str | None) -> None:
        """None enables sending; a reason disables it and says why."""
        self.setReadOnly(reason is not None)
        self.setPlaceholderText(reason or "Message — Enter sends, Shift+Enter adds a line")
        self.setToolTip(reason or "")
        self.blocked_reason = reason
        self.viewport().update()  # the placeholder is painted by the viewport

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submit()
            event.accept()
            return
        super().keyPressEvent(event)

    def submit(self) -> None:
        text = self.toPlainText()
        if self.blocked_reason is not None or not text.strip():
            return
        self.sendRequested.emit(text)
        self.clear()

    def _on_text_changed(self) -> None:
        if self.toPlainText() and not self.isReadOnly():
            self.typing.emit()


class MemberList(QWidget):
    """Who is in the room (shown when the server speaks Roomcast)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Members", self)
        self.model = QStringListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName("Members")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view)

    def set_members(self, names: list[str], you: str | None = None) -> None:
        shown = [f"{n} (you)" if n == you else n for n in names]
        self.model.setStringList(shown)
        self.title.setText(f"Members ({len(names)})")

    def members(self) -> list[str]:
        return self.model.stringList()
