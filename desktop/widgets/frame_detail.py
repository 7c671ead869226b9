"""The inspector's detail pane: everything about the one frame selected.

What a frame is made of is the Qt-free core's (desktop/frames.py,
``details``); this pane only shows it:

* **Header**: direction (↓ Received, ↑ Sent), the local time with
  milliseconds and UTC offset, the size in bytes as it travelled, the opcode
  (a control frame's text, ``close 1000 · bye``), and a note when a binary
  frame is shown as text.
* **Tabs**: *Tree* (the JSON, first level open; disabled when the payload is
  not JSON), *Text* (disabled when it is not text), *Hex* (``hexdump -C``
  lines, at most :data:`HEX_LIMIT` bytes). Each is filled only when it is
  shown: a megabyte frame costs a second in a text view or as a dump, and
  stepping through frames on one tab should not pay for the other two.
* **Which tab**: the best for the frame (JSON → Tree, text → Text, other →
  Hex), unless the person picked a tab and that tab is enabled for this
  frame too: stepping through frames keeps their choice.
* **Copy** copies what the current tab shows: the selected node's value as
  JSON (the whole payload pretty-printed when none is selected), the text,
  the hex dump. **Copy raw** copies the payload exactly: a text frame's text,
  other frames' bytes as hex (as the message list's "Copy raw" does).
* Notices (system rows) are not frames, and our own chat message has none
  until the server's copy comes back: the pane says so instead.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.frames import (
    FrameDetails,
    JsonNode,
    arrow,
    control_text,
    details,
    full_time,
    hexdump,
)
from roomcast.desktop.json_model import Column, JsonTreeModel
from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, pretty_json

__all__ = ["HEX_LIMIT", "FrameDetail", "Tab"]

#: The Hex tab dumps at most this many bytes (65,536 lines): a larger frame's
#: dump ends with a line saying how many bytes are not shown.
HEX_LIMIT: Final = 1024 * 1024
#: The Key column fits the widest key of this many rows of the tree.
KEY_WIDTH_ROWS: Final = 200


class Tab(IntEnum):
    TREE = 0
    TEXT = 1
    HEX = 2


class FrameDetail(QWidget):
    """The selected frame's header, its Tree, Text and Hex tabs, and the copy buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._details: FrameDetails | None = None
        #: The tab the person chose last; None until they choose one.
        self._picked: Tab | None = None
        #: True while show_row sets the tabs: their changes are not the person's.
        self._choosing = False
        #: The tabs filled with the frame shown (see _fill).
        self._filled: set[Tab] = set()

        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setEnabled(False)  # drawn greyed: it is a hint, not content
        self.placeholder.setAccessibleName(self.tr("Frame details"))

        self.direction_label = QLabel(self)
        self.direction_label.setAccessibleName(self.tr("Direction"))
        self.time_label = QLabel(self)
        self.time_label.setAccessibleName(self.tr("Time"))
        self.size_label = QLabel(self)
        self.size_label.setAccessibleName(self.tr("Size"))
        self.opcode_label = QLabel(self)
        self.opcode_label.setAccessibleName(self.tr("Opcode"))
        self.note_label = QLabel(self)
        self.note_label.setAccessibleName(self.tr("Note"))
        self.note_label.setWordWrap(True)
        for label in (self.time_label, self.opcode_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.model = JsonTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        # Every row is one line: the view need not measure 100,000 of them.
        self.tree.setUniformRowHeights(True)
        # Fitting the key column measures a few hundred rows, not a thousand.
        self.tree.header().setResizeContentsPrecision(KEY_WIDTH_ROWS)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu)
        self.tree.setAccessibleName(self.tr("JSON tree"))
        self.tree.setAccessibleDescription(
            self.tr("The frame's JSON: keys and values; Ctrl+C copies the selected value")
        )
        copy_value = QAction(self.tr("Copy value"), self.tree)
        copy_value.setShortcut(QKeySequence.StandardKey.Copy)
        copy_value.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_value.triggered.connect(self.copy)
        self.tree.addAction(copy_value)

        self.text_view = QPlainTextEdit(self)
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName(self.tr("Frame text"))
        self.text_view.setAccessibleDescription(self.tr("The frame's payload as text"))

        self.hex_view = QPlainTextEdit(self)
        self.hex_view.setReadOnly(True)
        self.hex_view.setFont(mono)
        self.hex_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.hex_view.setAccessibleName(self.tr("Frame bytes"))
        self.hex_view.setAccessibleDescription(
            self.tr("The frame's bytes: offset, hexadecimal and printable characters")
        )

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.tree, self.tr("Tree"))
        self.tabs.addTab(self.text_view, self.tr("Text"))
        self.tabs.addTab(self.hex_view, self.tr("Hex"))
        self.tabs.setAccessibleName(self.tr("Frame views"))
        self.tabs.setAccessibleDescription(self.tr("The payload as a JSON tree, as text, as bytes"))
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setAccessibleName(self.tr("Copy"))
        self.copy_button.setAccessibleDescription(
            self.tr("Copy what the current tab shows: the selected value, the text or the hex dump")
        )
        self.copy_button.clicked.connect(self.copy)
        self.copy_raw_button = QPushButton(self.tr("Copy raw"), self)
        self.copy_raw_button.setAccessibleName(self.tr("Copy raw"))
        self.copy_raw_button.setAccessibleDescription(
            self.tr("Copy the payload exactly: a text frame's text, other frames' bytes as hex")
        )
        self.copy_raw_button.clicked.connect(self.copy_raw)

        # The fields stand apart by space alone: a screen reader reads no separators.
        header = QHBoxLayout()
        header.setSpacing(self.fontMetrics().horizontalAdvance("M") * 2)
        header.setContentsMargins(4, 4, 4, 0)
        bold = self.direction_label.font()
        bold.setBold(True)
        self.direction_label.setFont(bold)
        for label in (self.direction_label, self.time_label, self.size_label, self.opcode_label):
            header.addWidget(label)
        header.addStretch(1)
        # On the header's line: the pane is short, the payload gets the height.
        header.addWidget(self.copy_button)
        header.addWidget(self.copy_raw_button)

        frame_page = QWidget(self)
        frame_layout = QVBoxLayout(frame_page)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addLayout(header)
        frame_layout.addWidget(self.note_label)
        self.note_label.setContentsMargins(4, 0, 4, 0)
        frame_layout.addWidget(self.tabs, 1)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(frame_page)
        self._frame_page = frame_page
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.show_row(None)

    # -- what the window calls ---------------------------------------------------------

    @property
    def details(self) -> FrameDetails | None:
        """The frame shown; None while the placeholder is."""
        return self._details

    def current_tab(self) -> Tab:
        return Tab(self.tabs.currentIndex())

    def show_row(self, row: Row | None) -> None:
        """Show ``row``'s frame, or why there is none (no row selected, a notice)."""
        found = None if row is None else details(row)
        self._details = found
        self._filled.clear()
        self.model.clear()
        self.text_view.clear()
        self.hex_view.clear()
        if found is None:
            if row is None:
                self.placeholder.setText(self.tr("Select a frame to see its details"))
            elif row.kind is RowKind.SYSTEM:
                self.placeholder.setText(self.tr("Notices are not frames"))
            else:
                self.placeholder.setText(self.tr("No frame was recorded for this row yet"))
            self.stack.setCurrentWidget(self.placeholder)
            return
        self._show_header(found)
        self._choose_tab(found)
        self.stack.setCurrentWidget(self._frame_page)

    def copy(self) -> None:
        """Copy what the current tab shows (see the module's docstring)."""
        text = self.current_text()
        if text is not None:
            QGuiApplication.clipboard().setText(text)

    def copy_raw(self) -> None:
        """Copy the payload exactly: a text frame's text, other bytes as hex."""
        found = self._details
        if found is None:
            return
        if found.opcode is Opcode.TEXT and found.text is not None:
            QGuiApplication.clipboard().setText(found.text)
        else:
            QGuiApplication.clipboard().setText(found.payload.hex(" "))

    def current_text(self) -> str | None:
        """What "Copy" copies now; None when no frame is shown."""
        found = self._details
        if found is None:
            return None
        tab = self.current_tab()
        if tab is Tab.TREE and found.is_json:
            node = self.selected_node()
            return node.to_json() if node is not None else pretty_json(found.json)
        if tab is Tab.TEXT and found.text is not None:
            return found.text
        self._fill(Tab.HEX)
        return self.hex_view.toPlainText()

    def selected_node(self) -> JsonNode | None:
        """The tree's selected node, if one is."""
        selected = self.tree.selectionModel().selectedRows(Column.KEY)
        return self.model.node(selected[0]) if selected else None

    def copy_value(self, index: QModelIndex) -> None:
        """The node at ``index``'s value, as pretty JSON, to the clipboard."""
        node = self.model.node(index)
        if node is not None:
            QGuiApplication.clipboard().setText(node.to_json())

    def copy_path(self, index: QModelIndex) -> None:
        """The node at ``index``'s path (``$.items[3].name``) to the clipboard."""
        node = self.model.node(index)
        if node is not None:
            QGuiApplication.clipboard().setText(node.path)

    def tree_menu(self, index: QModelIndex) -> QMenu | None:
        """The tree's context menu for the node at ``index`` (None off the nodes)."""
        if self.model.node(index) is None:
            return None
        target = self.model.index(index.row(), Column.KEY, index.parent())
        menu = QMenu(self)
        menu.addAction(self.tr("Copy &value")).triggered.connect(lambda: self.copy_value(target))
        menu.addAction(self.tr("Copy &path")).triggered.connect(lambda: self.copy_path(target))
        return menu

    # -- inside ------------------------------------------------------------------------

    def _show_header(self, found: FrameDetails) -> None:
        if found.direction is Direction.OUT:
            self.direction_label.setText(arrow(found.direction) + " " + self.tr("Sent"))
        else:
            self.direction_label.setText(arrow(found.direction) + " " + self.tr("Received"))
        self.time_label.setText(full_time(found.time))
        if found.size == 1:
            self.size_label.setText(self.tr("1 byte"))
        else:
            self.size_label.setText(self.tr("{count} bytes").format(count=f"{found.size:,}"))
        if found.opcode in (Opcode.TEXT, Opcode.BINARY):
            self.opcode_label.setText(found.opcode.value)
        else:
            # A control frame: its payload says more than its name (a close's code and reason).
            self.opcode_label.setText(control_text(found.opcode, found.payload))
        self.note_label.setText(self.tr("binary frame, shown as text (valid UTF-8)"))
        self.note_label.setVisible(found.binary_as_text)

    def _choose_tab(self, found: FrameDetails) -> None:
        enabled = {Tab.TREE: found.is_json, Tab.TEXT: found.text is not None, Tab.HEX: True}
        if found.is_json:
            best = Tab.TREE
        elif found.text is not None:
            best = Tab.TEXT
        else:
            best = Tab.HEX
        picked = self._picked
        chosen = picked if picked is not None and enabled[picked] else best
        self._choosing = True
        try:
            # The chosen tab first: disabling the current tab would move Qt's choice.
            self.tabs.setTabEnabled(chosen, True)
            self.tabs.setCurrentIndex(chosen)
            for tab, on in enabled.items():
                self.tabs.setTabEnabled(tab, on)
        finally:
            self._choosing = False
        self._fill(chosen)

    def _on_tab_changed(self, index: int) -> None:
        if self._choosing or index < 0:
            return
        self._picked = Tab(index)
        self._fill(Tab(index))

    def _fill(self, tab: Tab) -> None:
        """Put the frame shown in ``tab``, the first time the tab is shown."""
        found = self._details
        if found is None or tab in self._filled:
            return
        self._filled.add(tab)
        if tab is Tab.TREE:
            if found.is_json:
                self.model.set_value(found.json)
                self.tree.expand(self.model.root_index())
                self.tree.resizeColumnToContents(Column.KEY)
        elif tab is Tab.TEXT:
            self.text_view.setPlainText(found.text or "")
        else:
            self.hex_view.setPlainText(hexdump(found.payload, limit=HEX_LIMIT))

    def _on_tree_menu(self, pos: QPoint) -> None:
        menu = self.tree_menu(self.tree.indexAt(pos))
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(pos))
            menu.deleteLater()
