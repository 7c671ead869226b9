"""The filter bar above the message list: search text, kinds and direction.

It only *describes* a filter: it emits ``filterChanged(RowFilter)`` and the
window applies it (``MessageFilterModel.set_filter``). Typing is debounced
(``DEBOUNCE_MS``): one filter per pause, not one per keystroke; toggles apply
at once. An invalid regular expression is reported inline, and the last valid
filter stays applied until the expression is fixed. Esc clears the bar and
closes it (emitting the empty filter first, then ``closed()``).

The bar also says how many rows match ("3 of 12", "No matches") and steps
through them: Enter or F3 to the next, Shift+Enter or Shift+F3 to the
previous, wrapping around. :class:`FindController` wires a bar to a
``MessageFilterModel`` and the ``MessageView`` that shows it: the main
window and the saved-session viewer use the same one.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.filtering import BOTH_DIRECTIONS, MessageFilterModel, RowFilter
from roomcast.desktop.rows import Direction, RowKind
from roomcast.desktop.widgets.message_view import MessageView, error_color

#: How long typing must pause before the filter is applied.
DEBOUNCE_MS = 120


class FilterBar(QWidget):
    """Search text, "Regular expression", one check box per row kind, a
    direction choice, an inline error line and a close button.

    Signals:
        filterChanged(object): a new, valid RowFilter to apply.
        closed(): the bar was closed (Esc or the close button); it has already
            emitted the empty filter if another one was applied.
    """

    filterChanged = Signal(object)
    closed = Signal()
    nextRequested = Signal()
    previousRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._applied = RowFilter()  # the last filter emitted
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply)

        self.search = QLineEdit(self)
        self.search.setObjectName("filterSearch")
        self.search.setPlaceholderText(self.tr("Search messages and authors"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search messages"))
        self.search.setAccessibleDescription(
            self.tr(
                "Shows only the messages whose text or author contains this text, "
                "ignoring case. Esc clears the filter and closes the bar."
            )
        )
        self.regex_box = QCheckBox(self.tr("Regular e&xpression"), self)
        self.regex_box.setAccessibleName(self.tr("Regular expression"))
        self.regex_box.setAccessibleDescription(
            self.tr("Treat the search text as a regular expression (ignoring case).")
        )
        self.direction_label = QLabel(self.tr("&Direction:"), self)
        self.direction_combo = QComboBox(self)
        self.direction_combo.addItem(self.tr("All"), None)
        self.direction_combo.addItem(self.tr("Received"), Direction.IN)
        self.direction_combo.addItem(self.tr("Sent"), Direction.OUT)
        self.direction_combo.setAccessibleName(self.tr("Direction"))
        self.direction_combo.setAccessibleDescription(
            self.tr("Show all messages, only those received, or only those sent.")
        )
        self.direction_label.setBuddy(self.direction_combo)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("filterClose")
        self.close_button.setAutoRaise(True)
        self.close_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton)
        )
        self.close_button.setToolTip(self.tr("Close the filter (Esc)"))
        self.close_button.setAccessibleName(self.tr("Close filter"))
        self.close_button.setAccessibleDescription(
            self.tr("Clears the filter, shows every message again and closes this bar.")
        )

        # "3 of 12": where the selected match is among the rows shown.
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName(self.tr("Matches"))
        self.previous_button = self._step_button(
            "▲",
            self.tr("Previous match (Shift+Enter, Shift+F3)"),
            self.tr("Previous match"),
            self.tr("Selects the match above the selected one, wrapping around"),
        )
        self.previous_button.clicked.connect(self.previousRequested)
        self.next_button = self._step_button(
            "▼",
            self.tr("Next match (Enter, F3)"),
            self.tr("Next match"),
            self.tr("Selects the match below the selected one, wrapping around"),
        )
        self.next_button.clicked.connect(self.nextRequested)
        self.search.installEventFilter(self)

        self.kinds_label = QLabel(self.tr("Show:"), self)
        names = {
            RowKind.CHAT: (self.tr("&Chat"), self.tr("Chat messages")),
            # S&ystem: Alt+S is the connection bar's Server (the same window).
            RowKind.SYSTEM: (self.tr("S&ystem"), self.tr("System notices")),
            RowKind.JSON: (self.tr("&JSON"), self.tr("JSON frames")),
            RowKind.TEXT: (self.tr("Raw &text"), self.tr("Raw text frames")),
            RowKind.BINARY: (self.tr("&Binary"), self.tr("Binary frames")),
            RowKind.CONTROL: (self.tr("C&ontrol"), self.tr("Control frames: ping, pong, close")),
        }
        self.kind_boxes: dict[RowKind, QCheckBox] = {}
        for kind, (label, spoken) in names.items():
            box = QCheckBox(label, self)
            box.setChecked(True)
            box.setAccessibleName(spoken)
            box.setAccessibleDescription(self.tr("Show or hide this kind of row."))
            self.kind_boxes[kind] = box

        self.error_label = QLabel(self)
        self.error_label.setObjectName("filterError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setAccessibleName(self.tr("Filter error"))
        self.error_label.hide()
        self._color_error()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        top.addWidget(self.regex_box)
        top.addWidget(self.direction_label)
        top.addWidget(self.direction_combo)
        top.addWidget(self.close_button)
        kinds = QHBoxLayout()
        kinds.setContentsMargins(0, 0, 0, 0)
        kinds.addWidget(self.kinds_label)
        for box in self.kind_boxes.values():
            kinds.addWidget(box)
        kinds.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(kinds)
        layout.addWidget(self.error_label)

        order: list[QWidget] = [
            self.search,
            self.previous_button,
            self.next_button,
            self.regex_box,
            self.direction_combo,
            *self.kind_boxes.values(),
            self.close_button,
        ]
        for before, after in pairwise(order):
            QWidget.setTabOrder(before, after)
        self.setFocusProxy(self.search)

        self.search.textChanged.connect(self._text_edited)
        self.regex_box.toggled.connect(self.apply)
        self.direction_combo.currentIndexChanged.connect(self.apply)
        for box in self.kind_boxes.values():
            box.toggled.connect(self.apply)
        self.close_button.clicked.connect(self.clear_and_close)

    # -- reading -------------------------------------------------------------------

    def row_filter(self) -> RowFilter:
        """The filter the controls describe now (its regex may be invalid)."""
        kinds = frozenset(kind for kind, box in self.kind_boxes.items() if box.isChecked())
        direction = self.direction_combo.currentData()
        return RowFilter(
            text=self.search.text(),
            regex=self.regex_box.isChecked(),
            kinds=kinds,
            directions=BOTH_DIRECTIONS if direction is None else frozenset({direction}),
        )

    @property
    def applied(self) -> RowFilter:
        """The last filter emitted (the one the list shows)."""
        return self._applied

    @property
    def error(self) -> str:
        """The error shown under the controls ("" when there is none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # -- acting --------------------------------------------------------------------

    def activate(self) -> None:
        """Show the bar and put the cursor in the search field (Ctrl+F)."""
        self.show()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def apply(self) -> None:
        """Emit the filter the controls describe now, if valid and new (typing
        calls this after the debounce; the other controls at once)."""
        self._debounce.stop()
        current = self.row_filter()
        try:
            current.compile()
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self._show_error("")
        if current != self._applied:
            self._applied = current
            self.filterChanged.emit(current)

    def reset(self) -> None:
        """Back to the empty filter: no text, every kind, both directions (emitted)."""
        widgets: list[QWidget] = [self.search, self.regex_box, self.direction_combo]
        widgets.extend(self.kind_boxes.values())
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.search.clear()
            self.regex_box.setChecked(False)
            self.direction_combo.setCurrentIndex(0)
            for box in self.kind_boxes.values():
                box.setChecked(True)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.apply()

    def clear_and_close(self) -> None:
        """Esc: show every row again, hide the bar, emit ``closed()``."""
        self.reset()
        self.hide()
        self.closed.emit()

    def _step_button(self, arrow: str, tip: str, name: str, description: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(arrow)
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setAccessibleName(name)
        button.setAccessibleDescription(description)
        return button

    def set_matches(self, current: int | None, shown: int, active: bool) -> None:
        """Say how many rows match (``shown``) and which one is selected
        (``current``, 0-based, or None); nothing while no filter is active."""
        if not active:
            text = ""
        elif not shown:
            text = self.tr("No matches")
        elif current is None:
            text = (
                self.tr("1 match") if shown == 1 else self.tr("{count} matches").format(count=shown)
            )
        else:
            text = self.tr("{current} of {count}").format(current=current + 1, count=shown)
        self.count_label.setText(text)
        for button in (self.previous_button, self.next_button):
            button.setEnabled(shown > 0)

    # -- events --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the search field: the next match; Shift+Enter: the previous.
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.apply()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previousRequested.emit()
            else:
                self.nextRequested.emit()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the controls ignore (the line edit ignores Esc) arrive here.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            self.clear_and_close()
            event.accept()
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_error()

    # -- internals -----------------------------------------------------------------

    def _text_edited(self, text: str) -> None:
        self._check_regex()
        self._debounce.start()

    def _check_regex(self) -> None:
        """Report a bad regular expression as it is typed (applied or not)."""
        try:
            self.row_filter().compile()
        except ValueError as exc:
            self._show_error(str(exc))
        else:
            self._show_error("")

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.error_label.setAccessibleDescription(message)
        self.search.setAccessibleDescription(
            message
            or self.tr(
                "Shows only the messages whose text or author contains this text, "
                "ignoring case. Esc clears the filter and closes the bar."
            )
        )

    def _color_error(self) -> None:
        """The error line in the window text colour leaning to red (from the
        palette, so it reads on light and dark themes alike)."""
        palette = QPalette(self.error_label.palette())
        palette.setColor(
            QPalette.ColorRole.WindowText,
            error_color(self.palette(), QPalette.ColorRole.WindowText),
        )
        self.error_label.setPalette(palette)


class FindController(QObject):
    """Find in one list: the bar's filter applied to the proxy, the match
    count kept up to date as rows come and go, next/previous selecting and
    showing a match, Ctrl+F, F3 and Shift+F3 on ``window``."""

    def __init__(
        self,
        bar: FilterBar,
        proxy: MessageFilterModel,
        view: MessageView,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.bar, self.proxy, self.view = bar, proxy, view
        bar.filterChanged.connect(self._apply)
        bar.nextRequested.connect(lambda: self.step(1))
        bar.previousRequested.connect(lambda: self.step(-1))
        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset):
            signal.connect(self.refresh)
        selection = view.selectionModel()
        if selection is not None:  # a click on a row makes it the current match
            selection.currentChanged.connect(self.refresh)
        self.next_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.FindNext), window)
        self.next_shortcut.activated.connect(lambda: self.step(1))
        self.previous_shortcut = QShortcut(
            QKeySequence(QKeySequence.StandardKey.FindPrevious), window
        )
        self.previous_shortcut.activated.connect(lambda: self.step(-1))

    def _apply(self, row_filter: RowFilter) -> None:
        self.proxy.set_filter(row_filter)
        self.refresh()

    def current(self) -> int | None:
        index = self.view.currentIndex()
        return index.row() if index.isValid() and index.model() is self.proxy else None

    def refresh(self, *_: object) -> None:
        self.bar.set_matches(self.current(), self.proxy.rowCount(), self.proxy.active)

    def step(self, delta: int) -> None:
        """Select the next (``delta`` 1) or previous (-1) match, wrapping around;
        from nothing selected, the first or the last."""
        if not self.bar.isVisible():
            self.bar.activate()
        count = self.proxy.rowCount()
        if not count:
            self.refresh()
            return
        current = self.current()
        if current is None:  # from before the first (or after the last) row
            current = -1 if delta > 0 else 0
        index = self.proxy.index((current + delta) % count, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.refresh()
