"""The main window: composition and wiring, nothing else.

Connection bar on top; below it the room list (every open room, each its
own connection), the shown room's messages and its member list side by
side; the composer below, the status bar at the bottom. Widgets emit
signals; the window forwards them to the :class:`~desktop.session.ChatSession`
and shows what the session reports. The status bar always shows the shown
room's connection state, its server and its member count; the room list
shows every room's state and unread count.

Quitting (or closing the window) while others are in the room we host asks
first, and offers to keep hosting in the background where a tray exists.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QSystemTrayIcon,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from roomcast.server import __version__
from roomcast.server.notices import Notice, Severity

from .client import ConnectionState, Status
from .connection_options import ConnectionOptions
from .export import SessionFileError, open_session, snapshot
from .filtering import MessageFilterModel
from .host_controls import HostControls
from .hosting import HostSettings
from .inspector import Inspector
from .notifications import Notifier
from .resources import app_icon
from .room_model import RoomListModel
from .rooms import RoomEntry, parse_saved
from .rows import Row
from .saved import SavedConnections
from .session import ChatSession
from .theme import Theme, ThemeController
from .transfers import SessionSave
from .widgets.controls import Composer, ComposerBar, ConnectionBar, MemberList
from .widgets.filter_bar import FilterBar, FindController
from .widgets.hosting import HostDialog, InvitePanel
from .widgets.message_view import MessageView, ScrollPosition
from .widgets.preferences import PreferencesDialog
from .widgets.rooms import RoomSidebar
from .widgets.saved import SavedConnectionsDialog
from .widgets.session_viewer import SessionViewer

#: At most one typing hint per this many seconds (PROTOCOL.md, typing: a hint).
TYPING_EVERY = 3.0
NOTICE_MS = 6000
NOTIFICATION_MS = 5000
#: The member column: wide enough for a long name, never a third of the window.
SIDE_MAX_WIDTH = 260
ROOMS_MAX_WIDTH = 300
#: An export's progress dialog appears only if it is expected to take longer.
EXPORT_PROGRESS_AFTER_MS = 500


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
    #: The window closed for good (not hidden to keep hosting): the app ends.
    closed = Signal()

    def __init__(
        self, session: ChatSession, settings: QSettings, *, tray: bool | None = None
    ) -> None:
        """``tray``: whether the desktop has a system tray (None: ask Qt)."""
        super().__init__()
        self.session = session
        self.settings = settings
        self.setWindowTitle("Roomcast")
        self.resize(1000, 640)

        self.connection_bar = ConnectionBar(self)
        self.room_model = RoomListModel(session.rooms, self)
        self.room_list = RoomSidebar(self.room_model, self)
        self.room_list.setMinimumWidth(150)
        self.room_list.setMaximumWidth(ROOMS_MAX_WIDTH)
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
        # "alice is typing…", under the list (PROTOCOL.md, typing); hidden when no one is.
        self.typing_label = QLabel("", self)
        self.typing_label.setAccessibleName(self.tr("Who is typing"))
        self.typing_label.hide()
        self._typing_timer = QTimer(self)
        self._typing_timer.setInterval(500)
        self._typing_timer.timeout.connect(self._refresh_typing)
        # The side column (invite, members) collapses when it has nothing to show.
        self.side = QWidget(self)
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.invite_panel)
        side_layout.addWidget(self.members, 1)
        self.side.setMaximumWidth(SIDE_MAX_WIDTH)
        # Frame details, saved messages, send modes, connection options, trust.
        self.inspector = Inspector(self)
        side_layout.addWidget(self.inspector.panel, 1)
        # The list, and under it the selected frame's details.
        self.center = QSplitter(Qt.Orientation.Vertical, self)
        self.center.addWidget(self.view)
        self.center.addWidget(self.inspector.detail)
        # The host's view of the hosted room (desktop/host_controls.py).
        self.host_controls = HostControls(self)
        self.center.addWidget(self.host_controls.panel)
        self.center.setCollapsible(0, False)
        self.center.setStretchFactor(0, 3)
        self.center.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.room_list)
        self.splitter.addWidget(self.center)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([190, 620, 190])
        self.members.hide()
        self.side.hide()

        toolbar = QToolBar(self.tr("Hosting"), self)
        toolbar.setObjectName("room-toolbar")
        toolbar.setMovable(False)
        self.host_button = QPushButton(self.tr("Host a room"), self)
        self.host_button.setAccessibleName(self.tr("Host a room or stop hosting"))
        self.host_button.setAccessibleDescription(
            self.tr("Runs a room on this computer that others can join, or stops it")
        )
        self.host_button.clicked.connect(self._host_clicked)
        toolbar.addWidget(self.host_button)
        self.network_button = QPushButton(self.tr("Rooms on your network…"), self)
        self.network_button.setAccessibleName(self.tr("Rooms on your network"))
        self.network_button.setAccessibleDescription(
            self.tr("Rooms hosted with Roomcast on this network, to join with a click")
        )
        self.network_button.clicked.connect(self.host_controls.open_network_rooms)
        toolbar.addWidget(self.network_button)
        self.addToolBar(toolbar)
        self.host_dialog: HostDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self._close_confirmed = False
        #: Hidden while hosting goes on (the tray offers Show and Stop).
        self.in_background = False

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
        # connection state, which must always be visible. The notice gives way
        # (Ignored: it never squeezes the state) and keeps its full text as a tooltip.
        self.notice_label = QLabel("", self)
        self.notice_label.setAccessibleName(self.tr("Latest notice"))
        self.notice_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._notice_clear = QTimer(self)
        self._notice_clear.setSingleShot(True)
        self._notice_clear.timeout.connect(self._clear_notice)
        self._notice_text = ""
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
        #: "Open another room" (Ctrl+N): the bar is free for a new address
        #: until a room connects or another room is shown.
        self._opening = False
        #: Scroll positions saved at the last quit, restored once the room's
        #: first history page is there.
        self._restore_scroll: dict[tuple[str, str], ScrollPosition] = {}
        #: A saved connection's options, for the connectRequested that follows.
        self._pending_options: ConnectionOptions | None = None

        session.looked_at = self._looked_at
        self.connection_bar.connectRequested.connect(self._connect)
        self.connection_bar.disconnectRequested.connect(self._disconnect_clicked)
        self.composer.sendRequested.connect(self.session.send)
        self.composer.typing.connect(self._typing)
        self.members.mentionRequested.connect(self.composer.insert_mention)
        self.retry_button.clicked.connect(self.session.retry_now)
        self.view.olderRequested.connect(self.session.request_older)
        self.finder = FindController(self.filter_bar, self.filter_model, self.view, self)
        self.filter_bar.closed.connect(lambda: self.view.setFocus(Qt.FocusReason.OtherFocusReason))
        self.view.retryRequested.connect(self.session.retry)
        self.room_list.roomActivated.connect(self.show_room)
        self.room_list.closeRequested.connect(self.close_room)
        self.room_list.moveRequested.connect(self.session.move_room)
        self.room_list.newRequested.connect(self.open_another_room)
        # Every message in a room not shown changes its count: the title and
        # tray follow once per event-loop turn, not once per message.
        self._rooms_changed = QTimer(self)
        self._rooms_changed.setSingleShot(True)
        self._rooms_changed.setInterval(0)
        self._rooms_changed.timeout.connect(self._on_rooms_changed)
        self.room_model.dataChanged.connect(self._rooms_changed.start)
        self.room_model.rowsRemoved.connect(self._rooms_changed.start)
        self.session.statusChanged.connect(self._on_status)
        self.session.notice.connect(self._on_notice)
        self.session.membersChanged.connect(self._on_members)
        self.session.typingChanged.connect(self._on_typing)
        self.session.unreadMessage.connect(self._on_unread_message)
        self.session.currentChanging.connect(self._leaving_room)
        self.session.currentChanged.connect(self._entered_room)
        self.session.roomReached.connect(self._on_room_reached)
        self.session.historyLoaded.connect(self._on_history_loaded)
        self.session.hostingChanged.connect(self._on_hosting)
        self.session.inviteChanged.connect(self._on_invite)

        # Notifications (desktop/notifications.py) over the rooms' unread counts.
        self.notifier = Notifier(session.rooms.totals, self._looked_at, self)
        self.notifier.notificationRequested.connect(self._notify)
        self.tray: QSystemTrayIcon | None = None
        self.tray_menu: QMenu | None = None
        has_tray = QSystemTrayIcon.isSystemTrayAvailable() if tray is None else tray
        if has_tray:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Roomcast")
            self.tray.activated.connect(self._tray_activated)
            self.tray_menu = QMenu(self)
            self.tray_show_action = self.tray_menu.addAction(self.tr("Show Roomcast"))
            self.tray_show_action.triggered.connect(self.bring_back)
            self.tray_stop_action = self.tray_menu.addAction(self.tr("Stop hosting"))
            self.tray_stop_action.setEnabled(False)
            self.tray_stop_action.triggered.connect(self._stop_hosting_from_tray)
            self.tray_menu.addSeparator()
            self.tray_quit_action = self.tray_menu.addAction(self.tr("Quit Roomcast"))
            self.tray_quit_action.triggered.connect(self.quit_now)
            self.tray.setContextMenu(self.tray_menu)
            self.tray.show()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.theme = ThemeController(app, self)
        self.preferences: PreferencesDialog | None = None
        self.viewers: list[SessionViewer] = []
        #: The export running (or the last one): its result is the rows written.
        self.export_task: asyncio.Task[int | None] | None = None
        self.saved_connections = SavedConnections(settings)
        self.saved_dialog: SavedConnectionsDialog | None = None
        self._build_menus()

        self._load_settings()
        self._on_status(self.session.status)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        room = menu.addMenu(self.tr("&Room"))
        self.new_room_action = QAction(self.tr("&New room…"), self)
        self.new_room_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_room_action.triggered.connect(self.open_another_room)
        room.addAction(self.new_room_action)
        self.close_room_action = QAction(self.tr("&Close room"), self)
        self.close_room_action.setShortcut(QKeySequence("Ctrl+W"))
        self.close_room_action.triggered.connect(self._close_current_room)
        room.addAction(self.close_room_action)
        self.next_room_action = QAction(self.tr("Ne&xt room"), self)
        self.next_room_action.setShortcut(QKeySequence("Ctrl+PgDown"))
        self.next_room_action.triggered.connect(lambda: self.step_room(1))
        room.addAction(self.next_room_action)
        self.previous_room_action = QAction(self.tr("P&revious room"), self)
        self.previous_room_action.setShortcut(QKeySequence("Ctrl+PgUp"))
        self.previous_room_action.triggered.connect(lambda: self.step_room(-1))
        room.addAction(self.previous_room_action)
        room.addSeparator()
        self.focus_url_action = QAction(self.tr("Go to the server &address"), self)
        self.focus_url_action.setShortcut(QKeySequence("Ctrl+L"))
        self.focus_url_action.triggered.connect(self._go_to_address)
        room.addAction(self.focus_url_action)
        room.addAction(self.host_controls.network_action)
        self.saved_action = QAction(self.tr("&Saved connections…"), self)
        self.saved_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.saved_action.triggered.connect(self.open_saved_connections)
        room.addAction(self.saved_action)
        room.addAction(self.inspector.websocat_action)
        room.addAction(self.inspector.wscat_action)
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
        for action in self.inspector.menu_actions():
            view.addAction(action)
        view.addAction(self.host_controls.people_action)
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
        dialog = self.saved_dialog = SavedConnectionsDialog(
            self.saved_connections, self, pins=self.session.pins
        )
        dialog.optionsRequested.connect(self._saved_options)
        dialog.connectRequested.connect(self._connect_saved)
        if not self.saved_connections.all() and self.connection_bar.url_text:
            dialog.start_new(self.connection_bar.url_text, self.connection_bar.name_edit.text())
        dialog.open()  # not exec(): no nested event loop under qasync
        return dialog

    def _saved_options(self, options: ConnectionOptions) -> None:
        self._pending_options = None if options.is_default else options

    def _connect_saved(self, urls: str, display_name: str, password: str) -> None:
        # A saved connection's name does not become the default name, and its
        # password does not go through the bar's field.
        name = display_name or self.connection_bar.name_edit.text().strip()
        options, self._pending_options = self._pending_options, None
        self.connection_bar.set_url(urls)
        self._start(urls, name, password or None, options)

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

    def export_session(self, path: str) -> asyncio.Task[int | None]:
        """Write the rows shown now to ``path`` (rows arriving meanwhile are not
        in the file): a slice at a time on the event loop, with a progress
        dialog whose Cancel leaves no file (desktop/export.py). The task's
        result is the number of rows written, None if cancelled or failed."""
        model = self.session.model
        model.flush()
        rows = snapshot(model.rows)
        status = self.session.status
        progress = QProgressDialog(
            self.tr("Exporting the session to {path}…").format(path=path),
            self.tr("Cancel"),
            0,
            len(rows),
            self,
        )
        # Not modal: the conversation goes on while a long export runs (and a
        # modal one's setValue would process events inside our slice).
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(EXPORT_PROGRESS_AFTER_MS)
        self.export_action.setEnabled(False)  # one export at a time
        saving = SessionSave(
            rows, path, url=status.url or None, room=status.room or None, parent=self
        )
        saving.progressed.connect(progress.setValue)
        progress.canceled.connect(saving.cancel)
        saving.finished.connect(lambda count: self._exported(path, count))
        saving.failed.connect(lambda exc: self._export_failed(path, exc))

        def done(_: asyncio.Task[int | None]) -> None:
            # Here, not in a slot: a task cancelled before it ran never emits.
            # (Closing emits canceled: the task is done, it is a no-op.)
            progress.close()
            progress.deleteLater()
            saving.deleteLater()
            self.export_action.setEnabled(True)

        saving.task.add_done_callback(done)
        self.export_task = saving.task
        return saving.task

    def _exported(self, path: str, count: int | None) -> None:
        if count is None:
            self.show_notice(
                self.tr("Export cancelled: nothing was written to {path}").format(path=path)
            )
        else:
            self.show_notice(
                self.tr("Exported {count} rows to {path}").format(count=count, path=path)
            )

    def _export_failed(self, path: str, exc: OSError) -> None:
        self.session.report(
            Severity.ERROR,
            self.tr("Could not export the session to {path}: {reason}").format(
                path=path, reason=exc.strerror or exc
            ),
        )

    def ask_import(self) -> QFileDialog:
        dialog = QFileDialog(self, self.tr("Open a saved session"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(self.tr("Roomcast sessions (*.jsonl);;All files (*)"))
        dialog.fileSelected.connect(self.open_saved_session)
        dialog.open()
        return dialog

    def open_saved_session(self, path: str) -> SessionViewer | None:
        """A saved session in a read-only window, filled as the file is read
        (desktop/widgets/session_viewer.py); a bad file is a notice, not a crash."""
        try:
            reader = open_session(path)  # the header only: the rows are read in the viewer
        except SessionFileError as exc:
            self._cannot_open(str(exc))
            return None
        viewer = SessionViewer(reader, path, self)
        # Closing it frees its rows (a saved session may hold a million).
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.failed.connect(self._cannot_open)
        self.viewers.append(viewer)
        viewer.destroyed.connect(
            lambda: self.viewers.remove(viewer) if viewer in self.viewers else None
        )
        viewer.show()
        return viewer

    def _cannot_open(self, error: str) -> None:
        self.session.report(
            Severity.ERROR,
            self.tr("Could not open the saved session: {error}").format(error=error),
        )

    def _go_to_address(self) -> None:
        """Ctrl+L: the address of the room shown is fixed while it is connected,
        so a new address opens another room."""
        if self.connection_bar.url_box.isEnabled():
            self.focus_url()
        else:
            self.open_another_room()

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

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is not QSystemTrayIcon.ActivationReason.Context:
            self.bring_back()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self._looked_at():
            self.session.looked_at_again()
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
        try:
            options = self.inspector.connection_options()
        except ValueError as exc:  # shown in the options too
            self.inspector.show_options()
            self.show_notice(str(exc), mark="⚠ ")
            return
        if self._start(urls, name, password, options) and name:
            self.settings.setValue("name", name)

    def _start(
        self,
        urls: str,
        name: str,
        password: str | None,
        options: ConnectionOptions | None = None,
    ) -> bool:
        """Open (or show) the room and connect it with these connection options.
        False when the address is unusable. The address joins Recent once it
        connects (roomReached)."""
        self._opening = False
        if self.session.open_room(urls, name or None, password, options=options) is None:
            return False
        self.connection_bar.set_connected(True)
        self.composer.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _disconnect_clicked(self) -> None:
        """Disconnect the room shown; for the hosted room that means stop hosting
        (asked first when others are in it)."""
        entry = self.session.rooms.current
        if entry is not None and entry.hosted:
            self.ask_to_stop_hosting(
                lambda: self.session.spawn(self.session.stop_hosting(), "stopping hosting")
            )
        else:
            self.session.disconnect_from_server()

    # -- rooms ----------------------------------------------------------------

    def show_room(self, entry: RoomEntry) -> None:
        self._opening = False
        self.session.show_room(entry)

    def step_room(self, delta: int) -> None:
        """Ctrl+PgDown / Ctrl+PgUp: the next or previous room, wrapping around."""
        rooms = self.session.rooms
        if not len(rooms):
            return
        current = rooms.current
        row = rooms.row_of(current) if current is not None else -1
        self.show_room(rooms[(row + delta) % len(rooms)])

    def open_another_room(self) -> None:
        """Ctrl+N: the bar takes a new address; the rooms open stay connected."""
        self._opening = True
        self.connection_bar.set_connected(False)
        self.connection_bar.set_url("")
        self.connection_bar.password_edit.clear()
        self.focus_url()

    def close_room(self, entry: RoomEntry) -> None:
        """Close one room (Ctrl+W, the list's Delete); the others are untouched.
        The hosted room stops being hosted, asked first when others are in it."""
        if entry.hosted:
            self.ask_to_stop_hosting(lambda: self.session.close_room(entry))
        else:
            self.session.close_room(entry)

    def _close_current_room(self) -> None:
        if self.session.rooms.current is not None:
            self.close_room(self.session.rooms.current)

    def _leaving_room(self, entry: RoomEntry | None) -> None:
        """Another room is about to be shown: keep this one's draft and place."""
        if entry is None:
            return
        entry.draft = self.composer.toPlainText()
        position = self.view.scroll_position()
        entry.scroll = position.to_dict()

    def _entered_room(self, entry: RoomEntry | None) -> None:
        """Show this room's draft, place, address and state; type at once."""
        self.room_list.select(entry)
        self.composer.setPlainText(entry.draft if entry is not None else "")
        self.composer.moveCursor(self.composer.textCursor().MoveOperation.End)
        if entry is not None:
            position = ScrollPosition.from_dict(entry.scroll) if entry.scroll else None
            self.view.restore_scroll_position(position)
            self.connection_bar.set_url(entry.urls_text)
            if entry.name:
                self.connection_bar.name_edit.setText(entry.name)
        else:
            self.connection_bar.set_url("")
        self._refresh_typing()
        self.update_side()
        self._refresh_state_label()
        self.composer.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_room_reached(self, entry: RoomEntry) -> None:
        """It answered: now the address is worth keeping in Recent."""
        if entry.hosted:
            return  # the hosted room's address changes with each port
        self.connection_bar.remember_url(entry.urls_text)
        if entry is not self.session.rooms.current:
            current = self.session.rooms.current
            self.connection_bar.set_url(current.urls_text if current is not None else "")
        self.settings.setValue("recent_urls", self.connection_bar.recent_urls())

    def _on_history_loaded(self, entry: RoomEntry) -> None:
        position = self._restore_scroll.pop(entry.key, None)
        if position is not None and entry is self.session.rooms.current:
            self.view.restore_scroll_position(position)

    def _on_rooms_changed(self) -> None:
        """A room's state or unread count changed: the title and tray follow."""
        self._refresh_state_label()
        if self.tray is not None and not self.in_background:
            unread = self.notifier.unread
            tip = (
                self.tr("Roomcast — {count} unread").format(count=unread) if unread else "Roomcast"
            )
            self.tray.setToolTip(tip)

    def _on_unread_message(self, entry: RoomEntry, row: Row) -> None:
        several = len(self.session.rooms) > 1
        self.notifier.message_arrived(row, entry.title if several else None)

    def saved_rooms(self) -> str:
        return json.dumps(self.session.rooms.saved())

    def restore_rooms(self) -> int:
        """Reopen the rooms open at the last quit, in their order, and show the
        one shown then. Returns how many were reopened."""
        raw = self.settings.value("rooms", "")
        try:
            data = json.loads(raw) if isinstance(raw, str) and raw else None
        except ValueError:
            data = None
        saved, shown = parse_saved(data)
        default_name = self.connection_bar.name_edit.text().strip() or None
        opened: list[RoomEntry] = []
        for room in saved:
            # Opened, not shown: only the room shown at the last quit is.
            entry = self.session.open_room(
                " ".join(room.urls), room.name or default_name, show=False, options=room.options
            )
            if entry is None:
                continue
            entry.draft = room.draft
            entry.send_mode, entry.binary_format = room.send_mode, room.binary_format
            position = ScrollPosition.from_dict(room.scroll) if room.scroll else None
            if position is not None and not position.at_bottom:
                self._restore_scroll[entry.key] = position
            opened.append(entry)
        if opened:
            self.show_room(opened[shown if shown is not None and shown < len(opened) else -1])
            self.connection_bar.set_connected(True)
        return len(opened)

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
            advertise=cast(bool, s.value("host/advertise", HostSettings.advertise, bool)),
        )
        dialog = self.host_dialog = HostDialog(self, previous=last)
        dialog.accepted.connect(lambda: self._start_hosting(dialog.settings()))
        dialog.open()
        return dialog

    def _start_hosting(self, chosen: HostSettings) -> None:
        self.settings.setValue("host/room", chosen.room)
        self.settings.setValue("host/host", chosen.host)
        self.settings.setValue("host/port", chosen.port)
        self.settings.setValue("host/advertise", chosen.advertise)
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
        box.setWindowTitle(self.tr("Stop hosting?"))
        box.setText(
            (
                self.tr("1 other person is connected to your room.")
                if others == 1
                else self.tr("{count} other people are connected to your room.").format(
                    count=others
                )
            )
            + " "
            + self.tr("Stop hosting and disconnect them?")
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def finished(answer: int) -> None:
            if answer == QMessageBox.StandardButton.Yes:
                then()

        box.finished.connect(finished)
        box.open()  # not exec(): no nested event loop under qasync

    def ask_to_quit_while_hosting(self) -> QMessageBox:
        """Quit or close while others are in our room: say how many, and offer
        to keep hosting in the background (where a tray can bring us back),
        to stop and quit, or to stay."""
        others = self.session.others_connected
        hosting = self.session.hosting
        room = hosting.room if hosting is not None else ""
        box = self.confirm_box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Quit while hosting?"))
        box.setText(
            (
                self.tr("1 other person is in your room {room}.")
                if others == 1
                else self.tr("{count} other people are in your room {room}.")
            ).format(count=others, room=room)
        )
        box.setInformativeText(
            self.tr("Quitting stops hosting and disconnects them.")
            + (
                " " + self.tr("You can also keep the room open with Roomcast in the tray.")
                if self.tray is not None
                else ""
            )
        )
        self.keep_hosting_button: QPushButton | None = None
        if self.tray is not None:
            self.keep_hosting_button = box.addButton(
                self.tr("Keep hosting in the background"), QMessageBox.ButtonRole.AcceptRole
            )
        self.quit_hosting_button = box.addButton(
            self.tr("Stop hosting and quit"), QMessageBox.ButtonRole.DestructiveRole
        )
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)

        def finished(_answer: int) -> None:
            clicked = box.clickedButton()
            if clicked is self.quit_hosting_button:
                self.quit_now()
            elif clicked is not None and clicked is self.keep_hosting_button:
                self.keep_hosting_in_background()

        box.finished.connect(finished)
        box.open()  # not exec(): no nested event loop under qasync
        return box

    def keep_hosting_in_background(self) -> None:
        """Hide the window; the room goes on; the tray says so and offers Stop."""
        if self.tray is None:
            return
        self.save_settings()
        self.in_background = True
        self.hide()
        hosting = self.session.hosting
        room = hosting.room if hosting is not None else ""
        self.tray.setToolTip(self.tr("Roomcast — hosting room {room}").format(room=room))
        self.tray.showMessage(
            self.tr("Roomcast is still hosting {room}").format(room=room),
            self.tr("Use the tray icon to show the window or to stop hosting."),
            QSystemTrayIcon.MessageIcon.Information,
            NOTIFICATION_MS,
        )

    def bring_back(self) -> None:
        """The tray's "Show Roomcast" (or a click on the icon)."""
        self.in_background = False
        self.showNormal()
        self.raise_()
        self.activateWindow()
        self._on_rooms_changed()

    def _stop_hosting_from_tray(self) -> None:
        """The tray's "Stop hosting": in the background that is the last thing
        keeping the app alive, so it quits too."""
        if self.in_background:
            self.quit_now()
        else:
            self.session.spawn(self.session.stop_hosting(), "stopping hosting")

    def quit_now(self) -> None:
        """Quit without asking again (the question was answered)."""
        self._close_confirmed = True
        self.close()

    def _on_hosting(self, settings: HostSettings | None) -> None:
        self.host_button.setText(self.tr("Stop hosting") if settings else self.tr("Host a room"))
        self.invite_panel.setVisible(settings is not None)
        if settings is None:
            self.invite_panel.clear()
        if self.tray is not None:
            self.tray_stop_action.setEnabled(settings is not None)
        self.update_side()

    def _on_invite(self, addresses: list[str]) -> None:
        hosting = self.session.hosting
        if addresses and hosting is not None:
            self.invite_panel.set_invite(addresses, hosting.room, hosting.password is not None)
        self.update_side()

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
        if not self._opening:
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
        waiting = status.state is ConnectionState.RECONNECTING
        # "Could not reach …": the client stopped trying; Retry starts it again.
        self.retry_button.setText(self.tr("Retry") if status.unreachable else self.tr("Retry now"))
        self.retry_button.setVisible(waiting or status.unreachable)
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
        if status.detail and status.detail == self._notice_text:
            # One place per failure: the state label says it now.
            self._clear_notice()
        self.update_side()
        self._refresh_state_label()

    def update_side(self) -> None:
        """The side column shows the members of a Roomcast room, for the room
        we host the invite, and the saved messages when they are shown
        (desktop/inspector.py); with none of them it collapses."""
        status = self.session.status
        current = self.session.rooms.current
        invite = self.session.hosting is not None and current is not None and current.hosted
        self.inspector.update_panes()
        self.invite_panel.setVisible(invite)
        self.host_controls.update(invite)
        self.members.setVisible(status.roomcast)
        saved = self.inspector.panel.isVisibleTo(self.side)
        self.side.setVisible(invite or status.roomcast or saved)

    def _refresh_state_label(self) -> None:
        status = self.session.status
        if self._retry_deadline is not None:
            left = max(0.0, self._retry_deadline - time.monotonic())
            status = dataclasses.replace(status, retry_in=left)
        self.state_label.setText(describe(status))
        room = status.room if status.roomcast and status.room else None
        current = self.session.rooms.current
        if room is None and current is not None:
            room = current.title
        badge = self.notifier.badge()
        self.setWindowTitle(f"{badge}{room} — Roomcast" if room else f"{badge}Roomcast")

    def show_notice(self, text: str, ms: int = NOTICE_MS, *, mark: str = "") -> None:
        """Show ``text`` beside the state for ``ms``; ``mark`` ("⚠ ", "✖ ") goes
        before it on screen only (what was said is ``text``)."""
        self._notice_text = text
        self.notice_label.setText(mark + text)
        self.notice_label.setToolTip(mark + text)
        self._notice_clear.start(ms)

    def _clear_notice(self) -> None:
        self._notice_text = ""
        self.notice_label.clear()
        self.notice_label.setToolTip("")

    def _on_notice(self, notice: Notice) -> None:
        if notice.text in (self._notice_text, self.session.status.detail):
            return  # said already (the notice shown, or the state label)
        mark = {Severity.WARNING: "⚠ ", Severity.ERROR: "✖ "}.get(notice.severity, "")
        self.show_notice(notice.text, mark=mark)

    def _on_members(self, names: list[str], you: str) -> None:
        self.members.set_members(names, you or None)

    def _on_typing(self, names: list[str]) -> None:
        self._show_typing(names)

    def _refresh_typing(self) -> None:
        """Drop expired typing hints; show who is still typing, in arrival order."""
        self._show_typing(self.session.typing_names())

    def _show_typing(self, names: list[str]) -> None:
        self.typing_label.setText(typing_text(names))
        self.typing_label.setVisible(bool(names))
        if names:
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
        splitter = s.value("splitter3")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        center = s.value("center")  # the list over the frame details
        if isinstance(center, QByteArray):
            self.center.restoreState(center)
        self.notifier.enabled = _flag(s.value("notify/enabled", True))
        self.set_do_not_disturb(_flag(s.value("notify/dnd", False)))
        try:
            theme = Theme(str(s.value("theme", Theme.SYSTEM.value)))
        except ValueError:
            theme = Theme.SYSTEM
        self.theme.apply(theme)

    def save_settings(self) -> None:
        current = self.session.rooms.current
        if current is not None:  # the shown room's draft and place are in the widgets
            self._leaving_room(current)
        self.settings.setValue("geometry", self.saveGeometry())
        # "splitter3": three panes now; an older two-pane state is not restored into it.
        self.settings.setValue("splitter3", self.splitter.saveState())
        self.settings.setValue("center", self.center.saveState())
        self.settings.setValue("recent_urls", self.connection_bar.recent_urls())
        self.settings.setValue("rooms", self.saved_rooms())
        self.settings.setValue("version", __version__)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._close_confirmed and self.session.others_connected:
            # Guests would get 1001 at once: ask first (Mumble and Discord do).
            event.ignore()
            if self.in_background:
                self.bring_back()
            self.ask_to_quit_while_hosting()
            return
        if not self.in_background:
            self.save_settings()
        if self.export_task is not None:
            # An export cut short by quitting leaves no file, not half of one.
            self.export_task.cancel()
        super().closeEvent(event)
        if self.tray is not None:
            self.tray.hide()
        self.closed.emit()


def _flag(value: object) -> bool:
    """QSettings' ini files give booleans back as "true"/"false" strings."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
