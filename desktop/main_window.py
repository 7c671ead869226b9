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
from typing import cast

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QSystemTrayIcon,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from server import __version__
from server.notices import Notice, Severity

from .client import ConnectionState, Status
from .export import SessionFileError, read_session, write_session
from .filtering import MessageFilterModel
from .hosting import HostSettings
from .notifications import Notifier
from .resources import app_icon
from .rows import Row
from .saved import SavedConnections
from .session import ChatSession
from .theme import Theme, ThemeController
from .widgets.controls import Composer, ComposerBar, ConnectionBar, MemberList
from .widgets.filter_bar import FilterBar
from .widgets.hosting import HostDialog, InvitePanel
from .widgets.message_view import MessageView
from .widgets.preferences import PreferencesDialog
from .widgets.saved import SavedConnectionsDialog
from .widgets.session_viewer import SessionViewer

#: At most one typing hint per this many seconds (PROTOCOL.md, typing: a hint).
TYPING_EVERY = 3.0
#: A "typing" hint is shown this long unless it is renewed (senders renew every 3 s).
TYPING_SHOWN = 5.0
NOTICE_MS = 6000
NOTIFICATION_MS = 5000


def describe(status: Status) -> str:
    """The status bar's words for a connection state."""
    state = status.state
    if state is ConnectionState.DISCONNECTED:
        if status.detail:
            return QCoreApplication.translate("MainWindow", "Disconnected — {detail}").format(
                detail=status.detail
            )
        return QCoreApplication.translate("MainWindow", "Disconnected")
    if state is ConnectionState.CONNECTING:
        return QCoreApplication.translate("MainWindow", "Connecting to {url}…").format(
            url=status.url
        )
    if state is ConnectionState.RECONNECTING:
        wait = (
            QCoreApplication.translate("MainWindow", " in {seconds} s").format(
                seconds=f"{status.retry_in:.0f}"
            )
            if status.retry_in is not None
            else ""
        )
        reason = f" — {status.detail}" if status.detail else ""
        return QCoreApplication.translate(
            "MainWindow", "Reconnecting{wait} (attempt {attempt}){reason}"
        ).format(wait=wait, attempt=status.attempt, reason=reason)
    if state is ConnectionState.HOSTING:
        return QCoreApplication.translate("MainWindow", "Hosting room {room} at {url}").format(
            room=status.room, url=status.url
        )
    if not status.roomcast:
        return QCoreApplication.translate(
            "MainWindow", "Connected to {url} (not a Roomcast server)"
        ).format(url=status.url)
    if status.room:
        return QCoreApplication.translate(
            "MainWindow", "Connected to room {room} on {url} as {you}"
        ).format(room=status.room, url=status.url, you=status.you)
    return QCoreApplication.translate("MainWindow", "Connected to {url} as {you}").format(
        url=status.url, you=status.you
    )


def typing_text(names: list[str]) -> str:
    """ "alice is typing…", "alice and bob are typing…", "3 people are typing…"."""
    if not names:
        return ""
    if len(names) == 1:
        return QCoreApplication.translate("MainWindow", "{name} is typing…").format(name=names[0])
    if len(names) == 2:
        return QCoreApplication.translate("MainWindow", "{first} and {second} are typing…").format(
            first=names[0], second=names[1]
        )
    return QCoreApplication.translate("MainWindow", "{count} people are typing…").format(
        count=len(names)
    )


class MainWindow(QMainWindow):
    def __init__(self, session: ChatSession, settings: QSettings) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.setWindowTitle("Roomcast")
        self.resize(900, 640)

        self.connection_bar = ConnectionBar(self)
        # The list shows the session's rows through the find bar's filter (Ctrl+F).
        self.filter_model = MessageFilterModel(session.model, self)
        self.filter_bar = FilterBar(self)
        self.filter_bar.hide()
        self.view = MessageView(self.filter_model, self)
        self.view.setAccessibleName(self.tr("Messages"))
        self.view.setAccessibleDescription(
            self.tr("Every frame of the connection, oldest first; the newest at the bottom")
        )
        self.members = MemberList(self)
        self.invite_panel = InvitePanel(self)
        self.invite_panel.hide()
        self.composer = Composer(self)
        self.composer_bar = ComposerBar(self.composer, self)
        # "alice is typing…", under the list (PROTOCOL.md, typing).
        self.typing_label = QLabel("", self)
        self.typing_label.setAccessibleName(self.tr("Who is typing"))
        self._typing_until: dict[str, float] = {}
        self._typing_timer = QTimer(self)
        self._typing_timer.setInterval(500)
        self._typing_timer.timeout.connect(self._refresh_typing)
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

        toolbar = QToolBar(self.tr("Room"), self)
        toolbar.setObjectName("room-toolbar")
        toolbar.setMovable(False)
        self.host_button = QPushButton(self.tr("Host a room"), self)
        self.host_button.setAccessibleName(self.tr("Host a room or stop hosting"))
        self.host_button.setAccessibleDescription(
            self.tr("Runs a room on this computer that others can join, or stops it")
        )
        self.host_button.clicked.connect(self._host_clicked)
        toolbar.addWidget(self.host_button)
        self.addToolBar(toolbar)
        self.host_dialog: HostDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._close_confirmed = False

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.connection_bar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.typing_label)
        layout.addWidget(self.composer_bar)
        self.setCentralWidget(central)

        self.state_label = QLabel(self.tr("Disconnected"), self)
        self.state_label.setAccessibleName(self.tr("Connection state"))
        self.members_label = QLabel("", self)
        self.members_label.setAccessibleName(self.tr("Member count"))
        self.retry_button = QPushButton(self.tr("Retry now"), self)
        self.retry_button.setAccessibleName(self.tr("Retry now"))
        self.retry_button.setAccessibleDescription(
            self.tr("Reconnect at once instead of waiting for the next attempt")
        )
        self.retry_button.hide()
        # Notices get their own label: QStatusBar.showMessage would hide the
        # connection state, which must always be visible.
        self.notice_label = QLabel("", self)
        self.notice_label.setAccessibleName(self.tr("Latest notice"))
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
        self.connection_bar.disconnectRequested.connect(self.session.disconnect_from_server)
        self.composer.sendRequested.connect(self.session.send)
        self.composer.rawRequested.connect(self.session.send_raw)
        self.composer.typing.connect(self._typing)
        self.members.mentionRequested.connect(self.composer.insert_mention)
        self.retry_button.clicked.connect(self.session.retry_now)
        self.view.olderRequested.connect(self.session.request_older)
        self.filter_bar.filterChanged.connect(self.filter_model.set_filter)
        self.filter_bar.closed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        self.view.retryRequested.connect(self.session.retry)
        self.session.statusChanged.connect(self._on_status)
        self.session.notice.connect(self._on_notice)
        self.session.membersChanged.connect(self._on_members)
        self.session.typingReceived.connect(self._on_typing)
        self.session.messageReceived.connect(self._on_message)
        self.session.hostingChanged.connect(self._on_hosting)
        self.session.inviteChanged.connect(self._on_invite)

        # Unread counts and notifications (desktop/notifications.py has the rules).
        self.notifier = Notifier(self._looked_at, self)
        self.notifier.unreadChanged.connect(self._on_unread)
        self.notifier.notificationRequested.connect(self._notify)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Roomcast")
            self.tray.activated.connect(self._tray_activated)
            self.tray.show()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.theme = ThemeController(app, self)
        self.preferences: PreferencesDialog | None = None
        self.viewers: list[SessionViewer] = []
        self.saved_connections = SavedConnections(settings)
        self.saved_dialog: SavedConnectionsDialog | None = None
        self._build_menus()

        self._load_settings()
        self._on_status(self.session.status)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        room = menu.addMenu(self.tr("&Room"))
        self.focus_url_action = QAction(self.tr("Go to the server &address"), self)
        self.focus_url_action.setShortcut(QKeySequence("Ctrl+L"))
        self.focus_url_action.triggered.connect(self.focus_url)
        room.addAction(self.focus_url_action)
        self.saved_action = QAction(self.tr("&Saved connections…"), self)
        self.saved_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.saved_action.triggered.connect(self.open_saved_connections)
        room.addAction(self.saved_action)
        room.addSeparator()
        self.export_action = QAction(self.tr("&Export session…"), self)
        self.export_action.setShortcut(QKeySequence.StandardKey.Save)
        self.export_action.triggered.connect(self.ask_export)
        room.addAction(self.export_action)
        self.import_action = QAction(self.tr("&Open a saved session…"), self)
        self.import_action.setShortcut(QKeySequence.StandardKey.Open)
        self.import_action.triggered.connect(self.ask_import)
        room.addAction(self.import_action)
        room.addSeparator()
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        room.addAction(self.quit_action)
        view = menu.addMenu(self.tr("&View"))
        self.find_action = QAction(self.tr("&Find…"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.filter_bar.activate)
        view.addAction(self.find_action)
        view.addSeparator()
        self.dnd_action = QAction(self.tr("&Do not disturb"), self)
        self.dnd_action.setCheckable(True)
        self.dnd_action.toggled.connect(self.set_do_not_disturb)
        view.addAction(self.dnd_action)
        self.preferences_action = QAction(self.tr("&Preferences…"), self)
        self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences_action.triggered.connect(self.open_preferences)
        view.addAction(self.preferences_action)
        self.room_menu, self.view_menu = room, view

    # -- comforts ---------------------------------------------------------------

    def open_saved_connections(self) -> SavedConnectionsDialog:
        """Room > Saved connections: names, URL lists, display names; passwords
        in the system keyring (desktop/saved.py), never in the settings file."""
        dialog = self.saved_dialog = SavedConnectionsDialog(self.saved_connections, self)
        dialog.connectRequested.connect(self._connect_saved)
        if not self.saved_connections.all() and self.connection_bar.url_text:
            dialog.start_new(self.connection_bar.url_text, self.connection_bar.name_edit.text())
        dialog.open()  # not exec(): no nested event loop under qasync
        return dialog

    def _connect_saved(self, urls: str, display_name: str, password: str) -> None:
        # A saved connection's name does not become the default name, and its
        # password does not go through the bar's field.
        name = display_name or self.connection_bar.name_edit.text().strip()
        self.connection_bar.set_url(urls)
        self._start(urls, name, password or None)

    def ask_export(self) -> QFileDialog:
        """File > Export session: every row, with direction, time and raw frame."""
        room = self.session.status.room or "session"
        stamp = time.strftime("%Y%m%d-%H%M")
        dialog = QFileDialog(self, self.tr("Export session"), f"roomcast-{room}-{stamp}.jsonl")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(self.tr("Roomcast sessions (*.jsonl)"))
        dialog.setDefaultSuffix("jsonl")
        dialog.fileSelected.connect(self.export_session)
        dialog.open()  # not exec(): no nested event loop under qasync
        return dialog

    def export_session(self, path: str) -> int | None:
        model = self.session.model
        model.flush()
        status = self.session.status
        try:
            count = write_session(
                model.rows, path, url=status.url or None, room=status.room or None
            )
        except OSError as exc:
            self.session.report(
                Severity.ERROR,
                self.tr("Could not export the session to {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                ),
            )
            return None
        self.show_notice(self.tr("Exported {count} rows to {path}").format(count=count, path=path))
        return count

    def ask_import(self) -> QFileDialog:
        dialog = QFileDialog(self, self.tr("Open a saved session"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Roomcast sessions (*.jsonl);;All files (*)"))
        dialog.fileSelected.connect(self.open_saved_session)
        dialog.open()
        return dialog

    def open_saved_session(self, path: str) -> SessionViewer | None:
        """A saved session in a read-only window; a bad file is a notice, not a crash."""
        try:
            saved = read_session(path)
        except SessionFileError as exc:
            self.session.report(
                Severity.ERROR,
                self.tr("Could not open the saved session: {error}").format(error=exc),
            )
            return None
        viewer = SessionViewer(saved, path, self)
        self.viewers.append(viewer)
        viewer.destroyed.connect(
            lambda: self.viewers.remove(viewer) if viewer in self.viewers else None
        )
        viewer.show()
        return viewer

    def focus_url(self) -> None:
        """Ctrl+L: to the server address, selected, as in a browser."""
        self.connection_bar.url_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        line = self.connection_bar.url_box.lineEdit()
        if line is not None:
            line.selectAll()

    def open_preferences(self) -> PreferencesDialog:
        dialog = self.preferences = PreferencesDialog(
            self,
            notifications=self.notifier.enabled,
            do_not_disturb=self.notifier.do_not_disturb,
            theme=self.theme.theme,
        )
        dialog.notificationsChanged.connect(self.set_notifications)
        dialog.doNotDisturbChanged.connect(self.dnd_action.setChecked)
        dialog.themeChanged.connect(self.set_theme)
        dialog.open()  # not exec(): no nested event loop under qasync
        return dialog

    def set_notifications(self, on: bool) -> None:
        self.notifier.enabled = on
        self.settings.setValue("notify/enabled", on)

    def set_do_not_disturb(self, on: bool) -> None:
        self.notifier.do_not_disturb = on
        if self.dnd_action.isChecked() != on:
            self.dnd_action.setChecked(on)
        self.settings.setValue("notify/dnd", on)

    def set_theme(self, theme: Theme) -> None:
        self.theme.apply(theme)
        self.settings.setValue("theme", theme.value)

    def _looked_at(self) -> bool:
        return self.isActiveWindow() and not self.isMinimized()

    def _on_message(self, row: Row) -> None:
        if row.author:
            self._typing_until.pop(row.author, None)  # it came: no longer typing
            self._refresh_typing()
        self.notifier.message_arrived(row)

    def _on_unread(self, unread: int, mentions: int) -> None:
        self._refresh_state_label()
        if self.tray is not None:
            tip = (
                self.tr("Roomcast — {count} unread").format(count=unread) if unread else "Roomcast"
            )
            self.tray.setToolTip(tip)

    def _notify(self, title: str, body: str, mention: bool) -> None:
        if self.tray is not None:
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if mention
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, body, icon, NOTIFICATION_MS)
        else:
            QApplication.alert(self)  # no tray: at least flash the taskbar entry

    def _tray_activated(self, _reason: QSystemTrayIcon.ActivationReason) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self._looked_at():
            self.notifier.activated()
        super().changeEvent(event)

    # -- actions --------------------------------------------------------------

    def connect_to(self, urls: str, name: str | None = None) -> None:
        """Fill in the bar and connect (the command line's URL uses this)."""
        self.connection_bar.set_url(urls)
        if name:
            self.connection_bar.name_edit.setText(name)
        self._connect(urls, self.connection_bar.name_edit.text().strip())

    def _connect(self, urls: str, name: str) -> None:
        password = self.connection_bar.password_edit.text() or None
        if self._start(urls, name, password) and name:
            self.settings.setValue("name", name)

    def _start(self, urls: str, name: str, password: str | None) -> bool:
        """Connect the session; on success remember the address. False when unusable."""
        if not self.session.connect_to(urls, name or None, password):
            return False
        self.connection_bar.remember_url(urls)
        self.connection_bar.set_connected(True)
        self.settings.setValue("recent_urls", self.connection_bar.recent_urls())
        return True

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
        # QSettings.value() is typed as object; with a type argument it is that type.
        s = self.settings
        last = HostSettings(
            room=cast(str, s.value("host/room", "chat", str)) or "chat",
            host=cast(str, s.value("host/host", HostSettings.host, str)) or HostSettings.host,
            # An ini file gives the port back as a string.
            port=int(cast(str | int, s.value("host/port", HostSettings.port)) or HostSettings.port),
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
        self.host_button.setText(self.tr("Stop hosting") if settings else self.tr("Host a room"))
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
                self.tr("{detail} — connect again to send").format(detail=status.detail)
                if status.detail
                else self.tr("Not connected: connect to a server to send messages")
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
            (self.tr("1 member") if count == 1 else self.tr("{count} members").format(count=count))
            if status.roomcast
            else ""
        )
        self._refresh_state_label()

    def _refresh_state_label(self) -> None:
        status = self.session.status
        if self._retry_deadline is not None:
            left = max(0.0, self._retry_deadline - time.monotonic())
            status = dataclasses.replace(status, retry_in=left)
        self.state_label.setText(describe(status))
        room = status.room if status.roomcast and status.room else None
        badge = self.notifier.badge()
        self.setWindowTitle(f"{badge}{room} — Roomcast" if room else f"{badge}Roomcast")

    def show_notice(self, text: str, ms: int = NOTICE_MS) -> None:
        self.notice_label.setText(text)
        self._notice_clear.start(ms)

    def _on_notice(self, notice: Notice) -> None:
        prefix = {Severity.WARNING: "⚠ ", Severity.ERROR: "✖ "}.get(notice.severity, "")
        self.show_notice(prefix + notice.text)

    def _on_members(self, names: list[str], you: str) -> None:
        self.members.set_members(names, you or None)

    def _on_typing(self, who: str) -> None:
        self._typing_until[who] = time.monotonic() + TYPING_SHOWN
        self._refresh_typing()

    def _refresh_typing(self) -> None:
        """Drop expired typing hints; show who is still typing, in arrival order."""
        now = time.monotonic()
        self._typing_until = {n: t for n, t in self._typing_until.items() if t > now}
        self.typing_label.setText(typing_text(list(self._typing_until)))
        if self._typing_until:
            self._typing_timer.start()
        else:
            self._typing_timer.stop()

    # -- settings ---------------------------------------------------------------

    def _load_settings(self) -> None:
        s = self.settings
        name = cast(str, s.value("name", "", str))
        self.connection_bar.name_edit.setText(name or "")
        recent = cast(list[object], s.value("recent_urls", [], list)) or []
        self.connection_bar.set_recent_urls([str(u) for u in recent])
        if recent:
            self.connection_bar.set_url(str(recent[0]))
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = s.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self.notifier.enabled = _flag(s.value("notify/enabled", True))
        self.set_do_not_disturb(_flag(s.value("notify/dnd", False)))
        try:
            theme = Theme(str(s.value("theme", Theme.SYSTEM.value)))
        except ValueError:
            theme = Theme.SYSTEM
        self.theme.apply(theme)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.setValue("recent_urls", self.connection_bar.recent_urls())
        self.settings.setValue("version", __version__)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)


def _flag(value: object) -> bool:
    """QSettings' ini files give booleans back as "true"/"false" strings."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
