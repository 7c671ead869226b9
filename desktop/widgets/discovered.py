"""The "Rooms on your network" dialog: rooms hosted with Roomcast nearby, found by themselves.

The window runs a :class:`~desktop.discovery.Browser` and hands its list to
:meth:`NetworkRoomsDialog.set_rooms`; the dialog shows it (a lock marks the
rooms that need a password; each row says where the room is and how its
certificate's fingerprint starts) and emits :attr:`joinRequested` with the
:class:`~desktop.discovery.DiscoveredRoom` chosen: Join (the default
button, so Enter in the list), or a double click. The window joins it,
pinning the advertised fingerprint. While nothing is found the dialog says
it is looking; after ``quiet_after`` seconds it says that nothing was
found yet. A problem (discovery could not start) is shown inline
(:meth:`set_error`). Widgets emit signals only: no zeroconf here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ..discovered_model import DiscoveredRoomsModel, DiscoveredRoomsRoles
from ..discovery import DiscoveredRoom
from .feedback import ErrorLabel

__all__ = ["QUIET_AFTER", "NetworkRoomsDialog", "RoomDelegate", "lock_icon"]

_ModelIndex = QModelIndex | QPersistentModelIndex

#: Seconds of finding nothing after which "looking" becomes "nothing found yet".
QUIET_AFTER: Final = 5.0
#: The lock's size in pixels.
LOCK_SIZE: Final = 16


def lock_icon(colour: QColor, size: int = LOCK_SIZE) -> QIcon:
    """A padlock, drawn (no icon theme has one everywhere, no font an emoji)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(colour, max(1.5, size / 9))
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # The shackle: an arch over the body.
        shackle = QPainterPath(QPointF(size * 0.3, size * 0.5))
        shackle.lineTo(size * 0.3, size * 0.33)
        shackle.arcTo(QRectF(size * 0.3, size * 0.1, size * 0.4, size * 0.4), 180, -180)
        shackle.lineTo(size * 0.7, size * 0.5)
        painter.drawPath(shackle)
        # The body.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(size * 0.15, size * 0.45, size * 0.7, size * 0.5), 2, 2)
    finally:
        painter.end()
    return QIcon(pixmap)


class RoomDelegate(QStyledItemDelegate):
    """Two lines per room ("chat — Alice", then its details), a lock before the
    rooms that need a password and room for one before the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        text = parent.palette().color(QPalette.ColorRole.Text) if parent else QColor("black")
        self.lock = lock_icon(text)
        blank = QPixmap(LOCK_SIZE, LOCK_SIZE)
        blank.fill(Qt.GlobalColor.transparent)
        self._blank = QIcon(blank)

    def initStyleOption(self, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        super().initStyleOption(option, index)
        details = index.data(DiscoveredRoomsRoles.DetailsRole)
        if details:
            # A line separator, as QStyledItemDelegate.displayText turns "\n" into.
            option.text = f"{option.text}\u2028{details}"
        locked = bool(index.data(DiscoveredRoomsRoles.PasswordRole))
        option.icon = self.lock if locked else self._blank
        option.decorationSize = QSize(LOCK_SIZE, LOCK_SIZE)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration


class NetworkRoomsDialog(QDialog):
    """The rooms found on this network; Join (or a double click) asks to join one.

    Non-modal: open it with ``show()`` (or ``open()``), never ``exec()`` (no
    nested event loop under qasync). Join emits :attr:`joinRequested` and
    closes the dialog.
    """

    #: The DiscoveredRoom to join.
    joinRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, quiet_after: float = QUIET_AFTER) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Rooms on your network"))
        self.setAccessibleName(self.tr("Rooms on your network"))
        self.setAccessibleDescription(
            self.tr(
                "Rooms hosted with Roomcast on this network, found by themselves; "
                "pick one and press Join"
            )
        )
        self.model = DiscoveredRoomsModel(self)

        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(RoomDelegate(self.view))
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setAccessibleName(self.tr("Rooms found"))
        self.view.setAccessibleDescription(
            self.tr("Enter or a double click joins the selected room")
        )
        # Not activated: Enter in the list already reaches the default button (Join).
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status.setAccessibleName(self.tr("Search status"))
        self.status.setAccessibleDescription(self.tr("Whether rooms were found on this network"))

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.status)
        self.pages.addWidget(self.view)

        self.error = ErrorLabel("", self)
        self.error.setAccessibleName(self.tr("Problem"))
        self.error.setAccessibleDescription(self.tr("Why rooms cannot be looked for"))
        self.error.hide()

        self.buttons = QDialogButtonBox(self)
        self.join_button = QPushButton(self.tr("&Join"), self)
        self.join_button.setAccessibleName(self.tr("Join"))
        self.join_button.setAccessibleDescription(
            self.tr("Join the selected room, trusting the certificate it announces")
        )
        self.join_button.setDefault(True)
        self.join_button.setEnabled(False)
        self.buttons.addButton(self.join_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setAccessibleDescription(self.tr("Close this list; rooms can be joined later"))
        self.join_button.clicked.connect(self.join_selected)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        self.resize(420, 320)

        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(round(quiet_after * 1000))
        self._quiet.timeout.connect(self._show_status)
        self.restart_search()

    # -- what the window calls ----------------------------------------------------

    def set_rooms(self, rooms: Iterable[DiscoveredRoom]) -> None:
        """Show the rooms found now (the Browser's whole list). The selection
        stays on its room; when that room leaves, nothing is selected (the
        view would move it to a neighbour, which Join would then join)."""
        chosen = self.selected()
        self.model.set_rooms(rooms)
        if chosen is not None and self.model.row_of(chosen.key) < 0:
            selection = self.view.selectionModel()
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), selection.SelectionFlag.NoUpdate)
        self._show_status()

    def set_error(self, text: str) -> None:
        """Show a problem above the list ("" hides it)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def restart_search(self) -> None:
        """Say "looking" again for ``quiet_after`` seconds (a new search began)."""
        self._quiet.start()
        self._show_status()

    def selected(self) -> DiscoveredRoom | None:
        rows = self.view.selectionModel().selectedRows()
        room = rows[0].data(DiscoveredRoomsRoles.RoomRole) if rows else None
        return room if isinstance(room, DiscoveredRoom) else None

    def join_selected(self) -> None:
        """Emit :attr:`joinRequested` with the selected room and close."""
        self._join(self.selected())

    # -- inside -------------------------------------------------------------------

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._join(index.data(DiscoveredRoomsRoles.RoomRole))

    def _join(self, room: object) -> None:
        if isinstance(room, DiscoveredRoom):
            self.joinRequested.emit(room)
            self.accept()

    def _update_buttons(self) -> None:
        self.join_button.setEnabled(self.selected() is not None)

    def _show_status(self) -> None:
        if self.model.rowCount():
            self.pages.setCurrentWidget(self.view)
            return
        if self._quiet.isActive():
            self.status.setText(self.tr("Looking for rooms on this network…"))
        else:
            self.status.setText(
                self.tr(
                    "No rooms found yet. Rooms hosted with Roomcast on this network "
                    "appear here by themselves."
                )
            )
        self.pages.setCurrentWidget(self.status)
