"""The main window: composition and wiring, nothing else.

Connection bar on top, the message list and the member list side by side,
the composer below, the status bar at the bottom. Widgets emit signals; the
window forwards them to the :class:`~desktop.session.ChatSession` and shows
what the session reports. The status bar always shows the connection state,
the server and the member count.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from server import __version__
from server.notices import Notice, Severity

from .client import ConnectionState, Status
from .hosting import HostSettings
from .session import ChatSession
from .widgets.controls import Composer, ConnectionBar, MemberList
from .widgets.hosting import HostDialog, InvitePanel
from .widgets.message_view import MessageView

#: At most one typing hint per this many seconds (PROTOCOL.md, typing: a hint).
TYPING_EVERY = 3.0
NOTICE_MS = 6000


def describe(status: Status) -> str:
    """The status bar's words for a connection state."""
    state = status.state
    if state is ConnectionState.DISCONNECTED:
        return f"Disconnected — {status.detail}" if status.detail else "Disconnected"
    if state is ConnectionState.CONNECTING:
        return f"Connecting to {status.url}…"
    if state is ConnectionState.RECONNECTING:
        wait = f" in {status.retry_in:.0f} s" if status.retry_in is not None else ""
        reason = f" — {status.detail}" if status.detail else ""
        return f"Reconnecting{wait} (attempt {status.attempt}){reason}"
    where = f"room {status.room} on {status.url}" if status.room else str(status.url)
    if state is ConnectionState.HOSTING:
        return f"Hosting room {status.room} at {status.url}"
    if not status.roomcast:
        return f"Connected to {status.url} (not a Roomcast server)"
    return f"Connected to {where} as {status.you}"


class MainWindow(QMainWindow):
    def __init__(self, session: ChatSession, settings: QSettings) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.setWindowTitle("Roomcast")
        self.resize(900, 640)

        self.connection_bar = ConnectionBar(self)
        self.view = MessageView(session.model, self)
        self.view.setAccessibleName("Messages")
        self.members = MemberList(self)
        self.invite_panel = InvitePanel(self)
        self.invite_panel.hide()
        self.composer = Composer(self)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.invite_panel)
        side_layout.addWidget(self.members, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([660, 240])
        self.members.hide()

        toolbar = QToolBar("Room", self)
        toolbar.setObjectName("room-toolbar")
        toolbar.setMovable(False)
        self.host_button = QPushButton("Host a room", self)
        self.host_button.setAccessibleName("Host a room or stop hosting")
        self.host_button.clicked.connect(self._host_clicked)
        toolbar.addWidget(self.host_button)
        self.addToolBar(toolbar)
        self.host_dialog: HostDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._close_confirmed = False

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.connection_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.composer)
        self.setCentralWidget(central)

        self.state_label = QLabel("Disconnected", self)
        self.state_label.setAccessibleName("Connection state")
        self.members_label = QLabel("", self)
        self.retry_button = QPushButton("Retry now", self)
        self.retry_button.hide()
        # Notices get their own label: QStatusBar.showMessage would hide the
        # connection state, which must always be visible.
        self.notice_label = QLabel("", self)
        self.notice_label.setAccessibleName("Latest notice")
        self._notice_clear = QTimer(self)
        self._notice_clear.setSingleShot(True)
        self._notice_clear.timeout.connect(self.notice_label.clear)
        bar = self.statusBar()
        bar.addWidget(self.state_label)
        bar.addWidget(self.notice_label, 1)
        bar.addPermanentWidget(self.members_label)
        bar.addPermanentWidget(self.retry_button)

        # The "reconnecting in N s" countdown ticks between status reports.
        self._retry_deadline: float | None = None
        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._refresh_state_label)
        self._last_typing = 0.0

        self.connection_bar.connectRequested.connect(self._connect)
        self.connection_bar.disconnectRequested.connect(self.session.disconnect)
        self.composer.sendRequested.connect(self.session.send)
        self.composer.typing.connect(self._typing)
        self.retry_button.clicked.connect(self.session.retry_now)
        self.view.olderRequested.connect(self.session.request_older)
        self.view.retryRequested.connect(self.session.retry)
        self.session.statusChanged.connect(self._on_status)
        self.session.notice.connect(self._on_notice)
        self.session.membersChanged.connect(self._on_members)
        self.session.typingReceived.connect(self._on_typing)
        self.session.hostingChanged.connect(self._on_hosting)
        self.session.inviteChanged.connect(self._on_invite)
        self._load_settings()
        self._on_status(self.session.status)

    # -- actions --------------------------------------------------------------

    def connect_to(self, urls: str, name: str | None = None) -> None:
        """Fill in the bar and connect (the command line's URL uses this)."""
        self.connection_bar.set_url(urls)
        if name:
            self.connection_bar.name_edit.setText(name)
        self._connect(urls, self.connection_bar.name_edit.text().strip())

    def _connect(self, urls: str, name: str) -> None:
        password = self.connection_bar.password_edit.text() or None
        if self.session.connect_to(urls, name or None, password):
            self.connection_bar.remember_url(urls)
            self.connection_bar.set_connected(True)
            if name:
                self.settings.setValue("name", name)
            self.settings.setValue("recent_urls", self.connection_bar.recent_urls())

    # -- hosting ----------------------------------------------------------------

    def _host_clicked(self) -> None:
        if self.session.server is None:
            self.open_host_dialog()
        else:
            self.ask_to_stop_hosting(
                lambda: self.session.spawn(self.session.stop_hosting(), "stopping hosting")
            )

    def open_host_dialog(self) -> HostDialog:
        """The "Host a room" dialog, prefilled with what was hosted last."""
        last = HostSettings(
            room=self.settings.value("host/room", "chat", str) or "chat",
            host=self.settings.value("host/host", HostSettings.host, str) or HostSettings.host,
            port=int(self.settings.value("host/port", HostSettings.port) or HostSettings.port),
        )
        dialog = self.host_dialog = HostDialog(self, previous=last)
        dialog.accepted.connect(lambda: self._start_hosting(dialog.settings()))
        dialog.open()
        return dialog

    def _start_hosting(self, chosen: HostSettings) -> None:
        self.settings.setValue("host/room", chosen.room)
        self.settings.setValue("host/host", chosen.host)
        self.settings.setValue("host/port", chosen.port)
        name = self.connection_bar.name_edit.text().strip() or None
        self.session.spawn(self.session.host(chosen, name), "starting to host")

    def ask_to_stop_hosting(self, then: Callable[[], object]) -> None:
        """Confirm first when others are connected; then run ``then``."""
        others = self.session.others_connected
        if not others:
            then()
            return
        box = self.confirm_box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Stop hosting?")
        people = f"{others} other {'person is' if others == 1 else 'people are'}"
        box.setText(f"{people} connected to your room. Stop hosting and disconnect them?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def finished(answer: int) -> None:
            if answer == QMessageBox.StandardButton.Yes:
                then()

        box.finished.connect(finished)
        box.open()  # not exec(): no nested event loop under qasync

    def _on_hosting(self, settings: HostSettings | None) -> None:
        self.host_button.setText("Stop hosting" if settings else "Host a room")
        if settings is not None and self.session.invite:
            self.connection_bar.set_url(self.session.invite[0])
        self.invite_panel.setVisible(settings is not None)
        if settings is None:
            self.invite_panel.clear()

    def _on_invite(self, addresses: list[str]) -> None:
        hosting = self.session.hosting
        if addresses and hosting is not None:
            self.invite_panel.set_invite(addresses, hosting.room, hosting.password is not None)

    def _typing(self) -> None:
        now = time.monotonic()
        if now - self._last_typing >= TYPING_EVERY:
            self._last_typing = now
            self.session.send_typing()

    # -- what the session reports -------------------------------------------

    def _on_status(self, status: Status) -> None:
        # A client that gave up (refused: bad password...) waits for the user.
        active = self.session.client is not None and status.state is not (
            ConnectionState.DISCONNECTED
        )
        self.connection_bar.set_connected(active)
        if not active:
            self.composer.set_blocked(
                f"{status.detail} — connect again to send"
                if status.detail
                else "Not connected: connect to a server to send messages"
            )
        else:
            # While connecting or reconnecting, messages wait in the outbox.
            self.composer.set_blocked(None)
        self.members.setVisible(status.roomcast)
        waiting = status.state is ConnectionState.RECONNECTING
        self.retry_button.setVisible(waiting)
        self._retry_deadline = (
            time.monotonic() + status.retry_in if waiting and status.retry_in is not None else None
        )
        if self._retry_deadline is not None:
            self._countdown.start()
        else:
            self._countdown.stop()
        count = len(status.members)
        self.members_label.setText(
            f"{count} member{'s' if count != 1 else ''}" if status.roomcast else ""
        )
        self._refresh_state_label()

    def _refresh_state_label(self) -> None:
        status = self.session.status
        if self._retry_deadline is not None:
            left = max(0.0, self._retry_deadline - time.monotonic())
            status = dataclasses.replace(status, retry_in=left)
        self.state_label.setText(describe(status))
        room = status.room if status.roomcast and status.room else None
        self.setWindowTitle(f"{room} — Roomcast" if room else "Roomcast")

    def show_notice(self, text: str, ms: int = NOTICE_MS) -> None:
        self.notice_label.setText(text)
        self._notice_clear.start(ms)

    def _on_notice(self, notice: Notice) -> None:
        prefix = {Severity.WARNING: "⚠ ", Severity.ERROR: "✖ "}.get(notice.severity, "")
        self.show_notice(prefix + notice.text)

    def _on_members(self, names: list[str], you: str) -> None:
        self.members.set_members(names, you or None)

    def _on_typing(self, who: str) -> None:
        self.show_notice(f"{who} is typing…", int(TYPING_EVERY * 1000) + 500)

    # -- settings ---------------------------------------------------------------

    def _load_settings(self) -> None:
        s = self.settings
        name = s.value("name", "", str)
        self.connection_bar.name_edit.setText(name or "")
        recent = s.value("recent_urls", [], list) or []
        self.connection_bar.set_recent_urls([str(u) for u in recent])
        if recent:
            self.connection_bar.set_url(str(recent[0]))
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = s.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("recent_urls", self.connection_bar.recent_urls())
        self.settings.setValue("version", __version__)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)
