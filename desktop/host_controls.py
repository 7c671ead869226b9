"""The main window's hosting extras (issue 18): the host's view of the room,
and the rooms others host on this network.

:class:`HostControls` is a controller like :class:`~desktop.inspector.Inspector`:
it makes the widgets, the window places them, and it wires them to the
session. It owns no network task and no async method; the session does
(``ChatSession.hosted_members``/``kick_member``/``ban``/…, ``browse``):

* **People in the hosted room** (``MembersPanel``) under the message list
  while the hosted room is shown: address, since, round trip, unsent bytes
  and messages of each member, refreshed every second while visible (each
  refresh also pings them, so the next one has fresh round trips); kick,
  ban and the room password. View > People in the hosted room hides it.
* **Rooms on your network** (``NetworkRoomsDialog``): the session looks for
  advertised rooms while the dialog is open; joining one opens its invite,
  which pins the advertised certificate (``ChatSession.join_discovered``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from .discovery import DiscoveredRoom
from .widgets.discovered import NetworkRoomsDialog
from .widgets.members import MembersPanel

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["HostControls"]

_PEOPLE_KEY = "host/people_panel"  # "off" once hidden; shown by default


class HostControls(QObject):
    """The member table and the rooms-on-the-network dialog for one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = session = window.session
        self.panel = MembersPanel(window)
        self.panel.setObjectName("hostMembers")
        self.panel.hide()
        self.panel.refreshRequested.connect(self.refresh)
        self.panel.kickRequested.connect(session.kick_member)
        self.panel.banRequested.connect(self._ban)
        self.panel.unbanRequested.connect(self._unban)
        self.panel.passwordRequested.connect(session.set_hosted_password)

        self.people_action = QAction(self.tr("People in the &hosted room"), self)
        self.people_action.setCheckable(True)
        self.people_action.setChecked(window.settings.value(_PEOPLE_KEY) != "off")
        self.people_action.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.people_action.toggled.connect(self._people_toggled)
        self.network_action = QAction(self.tr("Rooms on &your network…"), self)
        self.network_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.network_action.triggered.connect(self.open_network_rooms)
        self.dialog: NetworkRoomsDialog | None = None

    # -- people in the hosted room ----------------------------------------------------

    def update(self, hosted_room_shown: bool) -> None:
        """The window's side and panes changed: show the table for the hosted room."""
        self.panel.setVisible(hosted_room_shown and self.people_action.isChecked())
        if self.panel.isVisible():
            self.refresh()

    def refresh(self) -> None:
        session = self.session
        hosted = session.hosting
        self.panel.set_members(session.hosted_members())
        names, addresses = session.hosted_bans()
        self.panel.set_bans(names, addresses)
        self.panel.set_password_state(hosted is not None and hosted.password is not None)
        self.panel.set_self_name(session.hosted_name())

    def _people_toggled(self, on: bool) -> None:
        self.window.settings.setValue(_PEOPLE_KEY, "on" if on else "off")
        self.window.update_side()

    def _ban(self, kind: str, value: str) -> None:
        self.session.ban(kind, value)
        self.refresh()

    def _unban(self, kind: str, value: str) -> None:
        self.session.unban(kind, value)
        self.refresh()

    # -- rooms on the network ---------------------------------------------------------

    def open_network_rooms(self) -> NetworkRoomsDialog:
        """Show the dialog (one per window) and look for rooms while it is open."""
        if self.dialog is None:
            dialog = self.dialog = NetworkRoomsDialog(self.window)
            dialog.joinRequested.connect(self._join)
            dialog.finished.connect(self._network_closed)
        self.session.browse(self._rooms_changed, self._browse_failed)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _rooms_changed(self, rooms: list[DiscoveredRoom]) -> None:
        if self.dialog is not None:
            self.dialog.set_rooms(rooms)

    def _browse_failed(self, text: str) -> None:
        if self.dialog is not None:
            self.dialog.set_error(text)

    def _network_closed(self) -> None:
        self.session.stop_browsing()

    def _join(self, room: DiscoveredRoom) -> None:
        name = self.window.connection_bar.name_edit.text().strip() or None
        self.session.join_discovered(room, name)
