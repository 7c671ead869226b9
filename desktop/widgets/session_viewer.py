"""A saved session (desktop/export.py), opened read-only in its own window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from ..export import Session
from ..filtering import MessageFilterModel
from ..models import MessageListModel
from .filter_bar import FilterBar, FindController
from .message_view import MessageView


class SessionViewer(QMainWindow):
    """Every row of an exported session, as it was; nothing can be sent from here."""

    def __init__(self, session: Session, path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = Path(path).name
        self.model = MessageListModel(self)
        # One insert in file order; rows keep their seq, ids and states as saved.
        self.model.timeline.prepend_history(session.rows)
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
        where = session.room or session.url or ""
        when = session.exported.astimezone().strftime("%Y-%m-%d %H:%M") if session.exported else ""
        details = [self.tr("{count} rows").format(count=self.model.rowCount())]
        if where:
            details.append(where)
        if when:
            details.append(self.tr("saved {when}").format(when=when))
        self.info = QLabel(self.tr("Read-only: ") + " · ".join(details), self)
        self.info.setAccessibleName(self.tr("About this saved session"))
        self.setWindowTitle(self.tr("{file} (read-only) — Roomcast").format(file=name))
        close = QAction(self.tr("Close"), self)
        close.setShortcuts([QKeySequence(QKeySequence.StandardKey.Close), QKeySequence("Esc")])
        close.triggered.connect(self._escape)
        self.addAction(close)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.info)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self.resize(760, 560)
        self.view.scroll_to_bottom()

    def _escape(self) -> None:
        """Esc (or Ctrl+W): closes the find bar first when it is open, then the window."""
        if self.filter_bar.isVisible():
            self.filter_bar.clear_and_close()
            self.view.setFocus()
        else:
            self.close()
