"""Saving and reading session files on the event loop: the tasks, owned here.

Widgets emit signals and have no async methods (docs/architecture.md): the
work of :func:`~desktop.export.save_session` and
:func:`~desktop.export.read_rows`, a slice at a time on the qasync loop (rows
are touched on its thread only), runs in these objects, which own their task and say what happened
by signals. A window shows the progress and offers Cancel; closing the
window cancels the work (the object is the window's child).

Whose cancel it was matters: the user's Cancel is an outcome (``finished``
with None, or ``ended`` with ``stopped``), while a cancel from outside (the
app closing) propagates as a cancelled task, and nothing is reported.
"""

from __future__ import annotations

import asyncio
import os

from PySide6.QtCore import QObject, Signal

from .export import SessionFileError, SessionReader, read_rows, save_session
from .rows import Row


class SessionSave(QObject):
    """Write ``rows`` (a :func:`~desktop.export.snapshot`) to ``path``; starts at once."""

    #: Rows written so far (between two slices).
    progressed = Signal(int)
    #: The rows written (an int), or None when the user cancelled: nothing
    #: was written to the path then.
    finished = Signal(object)
    #: The file could not be written (an OSError naming it, from desktop/export.py).
    failed = Signal(object)

    def __init__(
        self,
        rows: list[Row],
        path: str | os.PathLike[str],
        *,
        url: str | None = None,
        room: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self._rows, self._url, self._room = rows, url, room
        self._cancelled = False
        #: Its result is the rows written, None when cancelled or failed.
        self.task: asyncio.Task[int | None] = asyncio.ensure_future(self._run())

    def cancel(self) -> None:
        """The user's Cancel: the temporary file is removed, ``path`` is untouched."""
        self._cancelled = True
        self.task.cancel()

    async def _run(self) -> int | None:
        try:
            count = await save_session(
                self._rows,
                self.path,
                url=self._url,
                room=self._room,
                progress=self.progressed.emit,
            )
        except asyncio.CancelledError:
            if not self._cancelled:  # not the user's Cancel: the app is closing
                raise
            self.finished.emit(None)
            return None
        except OSError as exc:
            self.failed.emit(exc)
            return None
        finally:
            self._rows = []  # a million rows are not kept alive by a finished save
        self.finished.emit(count)
        return count


class SessionRead(QObject):
    """Read an open :class:`~desktop.export.SessionReader`'s rows; starts at
    once and closes the reader when done."""

    #: A slice of rows read, in file order.
    rows_read = Signal(object)
    #: Reading ended: True when the user stopped it (the rows read until then
    #: were handed over), False at the end of the file.
    ended = Signal(bool)
    #: The file is damaged partway: the SessionFileError's text (naming the line).
    failed = Signal(str)

    def __init__(self, reader: SessionReader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self._stopped = False
        self.task: asyncio.Task[None] = asyncio.ensure_future(self._run())

    @property
    def reading(self) -> bool:
        return not self.task.done()

    def stop(self) -> None:
        """The user's Stop: the rows read so far stay handed over."""
        if not self.task.done():
            self._stopped = True
            self.task.cancel()

    def abandon(self) -> None:
        """Nobody shows the rows any more (the window closed): stop, report nothing."""
        self.task.cancel()

    async def _run(self) -> None:
        try:
            with self.reader:
                await read_rows(self.reader, self.rows_read.emit)
        except SessionFileError as exc:
            self.failed.emit(str(exc))
            return
        except asyncio.CancelledError:
            if not self._stopped:
                raise
        self.ended.emit(self._stopped)
