"""A saved session (desktop/export.py), opened read-only in its own window.

Given an open :class:`~desktop.export.SessionReader`, the viewer shows the
rows as they are read: a slice at a time on the event loop by a
:class:`~desktop.transfers.SessionRead` it owns (no threads), so that a file of a million
rows never freezes the app, with a progress bar (bytes read of the file's
size: it does not trust the header's count) and a Cancel button. Cancel
stops reading and keeps what was read on show, marked as incomplete; a
damaged line found partway closes the viewer and reports the error
(:attr:`SessionViewer.failed`): a file is shown whole or as far as the user
chose to read it, never silently cut.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..export import Session, SessionReader
from ..filtering import MessageFilterModel
from ..models import MessageListModel
from ..rows import Row
from ..transfers import SessionRead
from .filter_bar import FilterBar, FindController
from .message_view import MessageView

#: The progress bar's steps (per mille of the file): its range is an int, and
#: a file may be larger than 2 GiB.
PROGRESS_STEPS = 1000


class SessionViewer(QMainWindow):
    """Every row of an exported session, as it was; nothing can be sent from here.

    ``session`` is either every row at once (a :class:`Session`) or an open
    :class:`SessionReader`, read on the running event loop (see the module
    docstring); the viewer closes the reader when done.
    """

    #: Reading ended: every row is shown, or (Cancel) the rows read until then.
    loaded = Signal()
    #: The file turned out to be damaged partway: the error, for the window
    #: that opened it to report. The viewer closes itself.
    failed = Signal(str)

    def __init__(
        self, session: Session | SessionReader, path: str | Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        name = Path(path).name
        self._source = session
        #: How many rows the file says it holds.
        self._total = len(session.rows) if isinstance(session, Session) else session.rows
        self._reading: SessionRead | None = None
        self._stopped = False
        self.model = MessageListModel(self)
        # Find (Ctrl+F) as in the main window: count, next and previous.
        self.filter_model = MessageFilterModel(self.model, self)
        self.filter_bar = FilterBar(self)
        self.filter_bar.hide()
        self.view = MessageView(self.filter_model, self)
        self.finder = FindController(self.filter_bar, self.filter_model, self.view, self)
        find = QAction(self.tr("Find…"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.filter_bar.activate)
        self.addAction(find)
        self.view.setAccessibleName(self.tr("Saved messages"))
        self.view.setAccessibleDescription(
            self.tr("The rows of a saved session, read-only, oldest first")
        )
        self.info = QLabel(self)
        self.info.setAccessibleName(self.tr("About this saved session"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setAccessibleName(self.tr("Reading the saved session"))
        self.cancel_button = QPushButton(self.tr("Stop reading"), self)
        self.cancel_button.clicked.connect(self.stop_reading)
        self.setWindowTitle(self.tr("{file} (read-only) — Roomcast").format(file=name))
        close = QAction(self.tr("Close"), self)
        close.setShortcuts([QKeySequence(QKeySequence.StandardKey.Close), QKeySequence("Esc")])
        close.triggered.connect(self._escape)
        self.addAction(close)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        top = QHBoxLayout()
        top.addWidget(self.info, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        layout.addLayout(top)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self.resize(760, 560)
        if isinstance(session, Session):
            # One insert in file order; rows keep their seq, ids and states as saved.
            self.model.timeline.prepend_history(session.rows)
            self._reading_ended()
        else:
            self._reading = SessionRead(session, self)
            self._reading.rows_read.connect(self._take)
            self._reading.failed.connect(self._failed)
            self._reading.ended.connect(self._ended)
            self._show_info()
        self.view.scroll_to_bottom()

    @property
    def reading(self) -> bool:
        """True while the file is still being read."""
        return self._reading is not None

    @property
    def stopped(self) -> bool:
        """True when reading was stopped before the end of the file."""
        return self._stopped

    def stop_reading(self) -> None:
        """Cancel: stop at the next slice; the rows read so far stay shown."""
        if self._reading is not None:
            self._stopped = True
            self._reading.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window stops reading: nothing is left to show the rows.
        if self._reading is not None:
            self._reading.abandon()
        super().closeEvent(event)

    def _failed(self, error: str) -> None:
        self._reading = None
        self.failed.emit(error)
        self.close()

    def _ended(self, stopped: bool) -> None:
        self._reading = None
        self._stopped = stopped
        self.model.flush()
        self._reading_ended()
        self.view.scroll_to_bottom()

    def _take(self, rows: list[Row]) -> None:
        """A slice of rows read: shown with the next batch of the model (at
        most one insert per frame, as live rows are)."""
        self.model.timeline.extend(rows)
        source = self._source
        if isinstance(source, SessionReader):
            self.progress.setValue(PROGRESS_STEPS * source.position // max(source.size, 1))
        self._show_info()

    def _reading_ended(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()
        self._show_info()
        self.loaded.emit()

    def _show_info(self) -> None:
        source = self._source
        if self._reading is not None and isinstance(source, SessionReader):
            count = self.tr("reading {count} of {total} rows…").format(
                count=f"{source.count:,}", total=f"{source.rows:,}"
            )
        elif self._stopped:
            count = self.tr("{count} of {total} rows (reading stopped)").format(
                count=f"{self.model.rowCount():,}", total=f"{self._total:,}"
            )
        else:
            count = self.tr("{count} rows").format(count=f"{self.model.rowCount():,}")
        details = [count]
        where = source.room or source.url or ""
        if where:
            details.append(where)
        if source.exported:
            when = source.exported.astimezone().strftime("%Y-%m-%d %H:%M")
            details.append(self.tr("saved {when}").format(when=when))
        self.info.setText(self.tr("Read-only: ") + " · ".join(details))

    def _escape(self) -> None:
        """Esc (or Ctrl+W): closes the find bar first when it is open, then the window."""
        if self.filter_bar.isVisible():
            self.filter_bar.clear_and_close()
            self.view.setFocus()
        else:
            self.close()
