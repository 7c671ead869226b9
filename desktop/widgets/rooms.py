"""The room list: every room open in the window, like Element's or Quassel's.

Each row is one connection (a Roomcast room, or a foreign server's URL): its
name, where it is, a dot for its connection state and a badge with its unread
count (red when someone mentioned you). The hosted room carries a "hosting"
mark. The list emits signals; the window acts on them.

Keyboard: Ctrl+PgUp/PgDn (handled by the window) switch rooms; Alt+Up and
Alt+Down move the selected room; Delete closes it. The context menu has the
same actions.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..client import ConnectionState
from ..room_model import RoomListModel, RoomRoles
from ..rooms import RoomEntry

_ModelIndex = QModelIndex | QPersistentModelIndex

#: Dot colours per state (the same in light and dark: saturated mid tones).
_STATE_COLOURS = {
    ConnectionState.CONNECTED: QColor("#2e9d4f"),
    ConnectionState.HOSTING: QColor("#2f7de1"),
    ConnectionState.CONNECTING: QColor("#d89614"),
    ConnectionState.RECONNECTING: QColor("#d89614"),
    ConnectionState.DISCONNECTED: QColor("#8a8a8a"),
}
_MENTION_COLOUR = QColor("#d0363a")
PAD = 6
DOT = 8


class RoomDelegate(QStyledItemDelegate):
    """Two lines per room: the name (bold while unread) and where it is, a
    state dot before them and the unread badge after."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _ModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(160, 2 * metrics.height() + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _ModelIndex) -> None:
        entry = index.data(RoomRoles.EntryRole)
        if not isinstance(entry, RoomEntry):
            return
        style_option = QStyleOptionViewItem(option)
        self.initStyleOption(style_option, index)
        style_option.text = ""
        widget = style_option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, style_option, painter, widget)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        # The state dot.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(
            _STATE_COLOURS[entry.status.state if not entry.hosted else ConnectionState.HOSTING]
        )
        painter.drawEllipse(rect.left() + PAD, rect.top() + PAD + (line - DOT) // 2, DOT, DOT)
        left = rect.left() + 2 * PAD + DOT
        right = rect.right() - PAD
        # The unread badge.
        if entry.unread:
            badge = str(entry.unread) if entry.unread < 1000 else "999+"
            bold = QFont(font)
            bold.setBold(True)
            bold_metrics = QFontMetrics(bold)
            width = max(line, bold_metrics.horizontalAdvance(badge) + PAD * 2)
            box = QRect(right - width, rect.top() + PAD, width, line)
            painter.setBrush(
                _MENTION_COLOUR if entry.mentions else palette.color(QPalette.ColorRole.Highlight)
            )
            painter.drawRoundedRect(box, line / 2, line / 2)
            painter.setPen(QColor("white"))
            painter.setFont(bold)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
            right = box.left() - PAD
        # Name, then where.
        name_font = QFont(font)
        name_font.setBold(entry.unread > 0)
        painter.setFont(name_font)
        painter.setPen(palette.color(text_role))
        name = entry.title + ("  · " + self.tr("hosting") if entry.hosted else "")
        name_rect = QRect(left, rect.top() + PAD, max(0, right - left), line)
        painter.drawText(
            name_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(name_font).elidedText(
                name, Qt.TextElideMode.ElideRight, name_rect.width()
            ),
        )
        painter.setFont(font)
        where = QColor(palette.color(text_role))
        where.setAlphaF(0.65)
        painter.setPen(where)
        server_rect = QRect(left, rect.top() + PAD + line, max(0, rect.right() - PAD - left), line)
        painter.drawText(
            server_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(entry.server, Qt.TextElideMode.ElideMiddle, server_rect.width()),
        )
        painter.restore()


class RoomSidebar(QWidget):
    """The room list with its header (a title and the "new room" button)."""

    roomActivated = Signal(object)  # RoomEntry the user chose
    closeRequested = Signal(object)  # RoomEntry
    moveRequested = Signal(object, int)  # RoomEntry, -1 up / +1 down
    newRequested = Signal()

    def __init__(self, model: RoomListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QListView(self)
        self.view.setModel(model)
        self.view.setItemDelegate(RoomDelegate(self.view))
        self.view.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName(self.tr("Open rooms"))
        self.view.setAccessibleDescription(
            self.tr(
                "Every room open in this window; Alt+Up and Alt+Down move one, Delete closes it"
            )
        )
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.view.installEventFilter(self)
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._on_current_changed)
        self.view.clicked.connect(self._on_clicked)
        self.title = QLabel(self.tr("Rooms"), self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.new_button = QToolButton(self)
        self.new_button.setText("+")
        self.new_button.setToolTip(self.tr("Open another room (Ctrl+N)"))
        self.new_button.setAccessibleName(self.tr("Open another room"))
        self.new_button.setAccessibleDescription(
            self.tr("Type another server address; the rooms open now stay connected")
        )
        self.new_button.clicked.connect(self.newRequested)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        self._selecting = False

    def select(self, entry: RoomEntry | None) -> None:
        """Mark ``entry`` as the room shown (no signal)."""
        index = self.model.index_of(entry)
        self._selecting = True
        try:
            selection = self.view.selectionModel()
            if index.isValid():
                selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
                self.view.scrollTo(index)
            else:
                selection.clearSelection()
        finally:
            self._selecting = False

    def selected(self) -> RoomEntry | None:
        entry = self.view.currentIndex().data(RoomRoles.EntryRole)
        return entry if isinstance(entry, RoomEntry) else None

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting:
            return
        entry = current.data(RoomRoles.EntryRole)
        if isinstance(entry, RoomEntry):
            self.roomActivated.emit(entry)

    def _on_clicked(self, index: QModelIndex) -> None:
        entry = index.data(RoomRoles.EntryRole)
        if isinstance(entry, RoomEntry):
            self.roomActivated.emit(entry)

    def context_menu(self, entry: RoomEntry) -> QMenu:
        menu = QMenu(self)
        row = self.model.rooms.row_of(entry)
        up = menu.addAction(self.tr("Move up"))
        up.setShortcut("Alt+Up")
        up.setEnabled(row > 0)
        up.triggered.connect(lambda: self.moveRequested.emit(entry, -1))
        down = menu.addAction(self.tr("Move down"))
        down.setShortcut("Alt+Down")
        down.setEnabled(row < len(self.model.rooms) - 1)
        down.triggered.connect(lambda: self.moveRequested.emit(entry, 1))
        menu.addSeparator()
        close = menu.addAction(self.tr("Close room"))
        close.setShortcut("Delete")
        close.triggered.connect(lambda: self.closeRequested.emit(entry))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.view.indexAt(self.view.viewport().mapFrom(self, event.pos()))
        entry = index.data(RoomRoles.EntryRole) if index.isValid() else self.selected()
        if isinstance(entry, RoomEntry):
            self.context_menu(entry).popup(event.globalPos())

    def eventFilter(self, watched: object, event: object) -> bool:
        if (
            watched is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
        ):
            entry = self.selected()
            if entry is not None:
                key, mods = event.key(), event.modifiers()
                if mods == Qt.KeyboardModifier.AltModifier and key in (
                    Qt.Key.Key_Up,
                    Qt.Key.Key_Down,
                ):
                    self.moveRequested.emit(entry, -1 if key == Qt.Key.Key_Up else 1)
                    return True
                if key == Qt.Key.Key_Delete and mods == Qt.KeyboardModifier.NoModifier:
                    self.closeRequested.emit(entry)
                    return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]
