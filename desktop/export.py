"""Save a session's message list to a file, and read one back (no Qt).

A session file keeps everything the message list held, so that a
conversation or a protocol capture can be archived, attached to a bug report
and reopened later in a read-only view exactly as it was shown.

The format is JSON Lines (UTF-8, one JSON object per line, ``\\n`` after
each): line-oriented so that ``grep``, ``jq`` and ``tail`` work on it and a
damaged line can be named in an error message; JSON so that every field has
one unambiguous spelling. The first line is a header::

    {"format": "roomcast-session", "version": 1, "exported": "2025-01-02T03:04:05.000006Z",
     "rows": 2, "url": "ws://host:8765", "room": "lobby"}

(``url`` and ``room`` only when known), then one object per :class:`Row`::

    {"kind": "chat", "text": "hi", "time": "2025-01-02T04:04:05.000006+01:00",
     "author": "ann", "seq": 7, "id": "c1", "mine": true, "state": "sent",
     "direction": "out", "severity": null, "raw": "{\\"type\\": ...}"}

Enums are written as their ``value`` (``severity`` is the logging level:
20, 30 or 40). The frame as it travelled is ``raw`` when it was text,
``raw_b64`` (base64) when it was bytes, and absent when there was none.
A control frame's row (kind ``control``) adds ``opcode`` (``ping``,
``pong`` or ``close``); files without it read as before.
Times keep their own UTC offset and microseconds, so they read back equal.

Reading is strict about what it needs and lenient about what it does not:
any problem in the file is one :class:`SessionFileError` naming the file,
the line and what is wrong (never a traceback), while blank lines and keys
this version does not know are skipped, so that a later version 1 writer
may add fields. A header with a higher ``version`` is refused with a message
that says a newer Roomcast wrote it.

Both directions are streamed, so that a session of a million rows costs
no more memory to save or open than the rows the window holds anyway:

* **Writing** (:class:`SessionWriter`, :func:`write_session`) encodes one
  row at a time into a temporary file beside the target, renamed over it
  only when every row is written: a failure or a cancelled save leaves no
  half file. The header's ``rows`` is known before the first row, so the
  rows come from a collection (:func:`snapshot` takes one of the window's
  rows in a single copy of references).
* **Reading** (:func:`open_session`) reads the header, then yields one
  :class:`Row` per line (:class:`SessionReader`): neither the file's bytes
  nor its decoded objects are ever held, only the current line. A line is
  at most :data:`MAX_LINE_BYTES`, so that a hostile or mistaken file (a disk
  image, one endless line) costs that much memory at most before its error;
  there is no limit on the size of the file itself: the viewer that keeps
  the rows shows its progress (bytes read, :attr:`SessionReader.position`)
  and can stop.
* **On the event loop** (:func:`save_session`, :func:`read_rows`) the same
  work is done in slices of about :data:`SLICE_SECONDS`, giving way to the
  loop between them, so that the window stays responsive (rows are only
  touched on the loop's thread; the one call that may not be sliced, the
  save's final ``fsync``, waits in the loop's executor, holding no row).
  Cancelling a save removes the
  temporary file; cancelling a read keeps the rows handed over so far.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import errno
import json
import os
import secrets
import stat
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, TypeVar

from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, SendState
from roomcast.server.notices import Severity

#: The header's ``format``: how a reader knows the file is one of ours.
FORMAT = "roomcast-session"
#: The header's ``version``: raised only when an older reader would misread the file.
VERSION = 1
#: The longest line (one row, without its newline) a session file may hold,
#: so that reading a mistaken or hostile file (a disk image, a 2 GB line)
#: costs at most this much memory before its error. A row holds a frame of
#: at most 1 MiB (``desktop.client.MAX_INCOMING_BYTES``; ours are at most
#: ``desktop.sending.MAX_FRAME_BYTES``) twice, as ``raw`` and as the text
#: shown, and JSON escapes a character in at most 6 bytes (``\u001b``):
#: 12 MiB, which this leaves room above. The writer refuses a longer row
#: rather than write a file this reader would refuse.
MAX_LINE_BYTES = 32 * 1024 * 1024
#: Work on the event loop (:func:`save_session`, :func:`read_rows`) gives way
#: after about this long: under a frame at 60 Hz, so that the window keeps
#: painting, taking input and serving its connections (issue 20: no stall
#: over 50 ms).
SLICE_SECONDS = 0.010

_KIB = 1024
_MIB = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
#: How much of a bad value an error message quotes.
_SHOWN_CHARS = 40

_E = TypeVar("_E", bound=Enum)
_T = TypeVar("_T")


class SessionFileError(ValueError):
    """A session file that cannot be imported, and why, in words for the user.

    ``str()`` reads like a log line: ``"session.jsonl line 3: 'kind' must be
    one of chat, system, json, text, binary, got 'bogus'"``. ``path`` is
    None when the error is about a row on its own (:func:`load_row`); ``line``
    (1-based) is None when the problem is the file as a whole.
    """

    def __init__(self, path: Path | None, line: int | None, reason: str) -> None:
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        where = [] if self.path is None else [self.path.name or str(self.path)]
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{' '.join(where)}: {self.reason}" if where else self.reason


@dataclass(frozen=True, slots=True)
class Session:
    """What a session file holds: its rows (oldest first) and where they came from."""

    rows: list[Row]
    #: When the file was written (None if the header does not say).
    exported: datetime | None = None
    url: str | None = None
    room: str | None = None


class Pacer:
    """When work done in slices on an event loop should give way: after
    ``slice_seconds`` of it (sans-I/O: it only reads ``clock``).

    Time, not a row count, decides: a row costs from microseconds (a chat
    line) to milliseconds (a 1 MiB frame), and the loop's promise is in time.
    """

    __slots__ = ("_clock", "_slice", "_start")

    def __init__(
        self,
        slice_seconds: float = SLICE_SECONDS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slice = slice_seconds
        self._clock = clock
        self._start = clock()

    def due(self) -> bool:
        """True when the slice is used up (then call :meth:`restart` after giving way)."""
        return self._clock() - self._start >= self._slice

    def restart(self) -> None:
        self._start = self._clock()


# -- writing -------------------------------------------------------------------------


def format_time(time: datetime) -> str:
    """RFC 3339 with microseconds and the time's own offset (``Z`` for UTC).

    The offset is kept rather than converted so that a row reads back with the
    wall-clock time it was shown with. A naive time (which a :class:`Row`
    should never hold) is taken as UTC, as every time Roomcast makes is, so
    that one odd row cannot make a whole export fail.
    """
    if time.utcoffset() is None:
        time = time.replace(tzinfo=UTC)
    text = time.isoformat(timespec="microseconds")
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def dump_row(row: Row) -> dict[str, Any]:
    """One row as a JSON-ready object, with every field (see the module docstring)."""
    obj: dict[str, Any] = {
        "kind": row.kind.value,
        "text": row.text,
        "time": format_time(row.time),
        "author": row.author,
        "seq": row.seq,
        "id": row.id,
        "mine": row.mine,
        "state": None if row.state is None else row.state.value,
        "direction": row.direction.value,
        "severity": None if row.severity is None else row.severity.value,
        "mention": row.mention,
    }
    if row.opcode is not None:  # control frames only (rows.Row.opcode)
        obj["opcode"] = row.opcode.value
    if isinstance(row.raw, str):
        obj["raw"] = row.raw
    elif row.raw is not None:
        obj["raw_b64"] = base64.b64encode(row.raw).decode("ascii")
    return obj


def snapshot(rows: Iterable[Row]) -> list[Row]:
    """The rows as they are now, to save while the conversation goes on.

    One copy of the references (a C-level copy: no Python work per row, so
    it does not stall the window even at a million rows): rows that arrive
    later, history pages prepended and a reset or clear of the timeline do
    not change it. The rows themselves are shared, not copied: the only
    changes the timeline makes in place are to our own messages (their send
    state, and the seq, time and frame of the server's acknowledgement,
    ``desktop/timeline.py``), which a save therefore writes as they stand
    when it reaches them; a row is always written whole, since the rows
    change only on the loop's thread, between the save's slices.
    """
    return list(rows)


class SessionWriter:
    """A session file being written, a row at a time (a context manager).

    The header is written first and promises ``rows`` rows: exactly that
    many :meth:`write` calls, then :meth:`commit`, which flushes the
    temporary file to disk and renames it over ``path``. Leaving the
    ``with`` block any other way (an error, an interrupt, a cancelled task)
    removes the temporary file, so that nothing at ``path`` changes.

    Errors are as :func:`write_session` says; a row whose line would be
    longer than ``max_line_bytes`` is an ``OSError`` (``EFBIG``) naming the
    row, since a reader would refuse the file.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        rows: int,
        url: str | None = None,
        room: str | None = None,
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        header: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "exported": format_time(datetime.now(UTC)),
            "rows": rows,
        }
        if url is not None:
            header["url"] = url
        if room is not None:
            header["room"] = room
        #: The file written (symbolic links resolved, as plain ``open()`` follows them).
        self.target = Path(os.path.realpath(path))
        #: How many rows the header promises.
        self.rows = rows
        #: How many rows are written so far.
        self.written = 0
        self._max_line = max_line_bytes
        self._done = False
        target = self.target
        if target.is_dir():  # say so now, not after writing the whole file beside it
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        try:
            fd, self._temp = _create_temp(target)
        except OSError as exc:
            renamed = _naming(target, exc)
            if renamed is None:
                raise
            raise renamed from exc
        with self._undone_on_failure():
            self._out = os.fdopen(fd, "wb", buffering=_MIB)
            self._out.write(_encode_line(header))

    def write(self, row: Row) -> None:
        """Write one row (in the order they are to be shown)."""
        with self._undone_on_failure():
            if self.written >= self.rows:  # the caller's mistake, not the disk's
                raise ValueError(f"more rows than the {self.rows} the header promised")
            line = _encode_line(dump_row(row))
            if len(line) - 1 > self._max_line:
                reason = (
                    f"row {self.written + 1} is too large for a session file "
                    f"({_size(len(line) - 1)}; one row may take {_size(self._max_line)})"
                )
                raise OSError(errno.EFBIG, reason, str(self.target))
            self._out.write(line)
        self.written += 1

    def commit(self, *, synced: bool = False) -> int:
        """Make the file: flushed to disk (unless :meth:`flush` and an
        ``os.fsync`` of :meth:`fileno` did it: ``synced``), then renamed over
        ``path``. Returns the number of rows written."""
        with self._undone_on_failure():
            if self.written != self.rows:
                raise ValueError(
                    f"{self.written} rows written, but the header promised {self.rows}"
                )
            self._out.flush()
            if not synced:
                os.fsync(self._out.fileno())
            self._out.close()
            os.replace(self._temp, self.target)
            self._done = True
        return self.written

    def flush(self) -> None:
        """What was written, from our buffer to the operating system's."""
        self._out.flush()

    def fileno(self) -> int:
        return self._out.fileno()

    def abort(self) -> None:
        """Give up: the temporary file is removed, ``path`` stays as it was.
        Nothing happens once committed or aborted."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            if hasattr(self, "_out"):
                self._out.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temp)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abort()

    @contextlib.contextmanager
    def _undone_on_failure(self) -> Iterator[None]:
        """Whatever goes wrong (BaseException too: Ctrl+C, a cancelled task)
        removes the temporary file; a file-system error is re-raised naming
        ``path`` (:func:`_naming`)."""
        try:
            yield
        except BaseException as exc:
            self.abort()
            renamed = _naming(self.target, exc) if isinstance(exc, OSError) else None
            if renamed is None:
                raise
            raise renamed from exc


def write_session(
    rows: Iterable[Row],
    path: str | os.PathLike[str],
    *,
    url: str | None = None,
    room: str | None = None,
) -> int:
    """Write ``rows`` to the session file ``path``; returns how many were written.

    The file is written to a temporary file in the same folder, flushed to
    disk and then renamed over ``path``: a failed export (a full disk, a row
    that cannot be written, an interrupt) never leaves half a file, and an
    earlier file at ``path`` stays as it was. The temporary file is removed
    on failure and the error is raised: for the file system an ``OSError``
    whose ``filename`` is ``path`` (resolved), never the temporary file.
    A symbolic link at ``path`` is followed, as plain ``open()`` would.

    Rows are encoded one at a time (:class:`SessionWriter`); ``rows`` that
    is not a collection (a generator) is first listed, which holds
    references only, since the header counts the rows.
    """
    batch = rows if isinstance(rows, Collection) else list(rows)
    with SessionWriter(path, rows=len(batch), url=url, room=room) as writer:
        for row in batch:
            writer.write(row)
        return writer.commit()


async def save_session(
    rows: Collection[Row],
    path: str | os.PathLike[str],
    *,
    url: str | None = None,
    room: str | None = None,
    progress: Callable[[int], None] | None = None,
    slice_seconds: float = SLICE_SECONDS,
) -> int:
    """:func:`write_session` on the running event loop, giving way to it after
    every ``slice_seconds`` of work; ``progress(rows_written)`` is called
    before each pause.

    ``rows`` must not change until this returns: pass a :func:`snapshot`.
    Cancelling the task removes the temporary file (nothing at ``path``
    changes) and raises ``CancelledError`` as usual. The final flush to disk
    (``fsync``, about 100 ms for 34 MB here) waits in the loop's executor,
    so that the window goes on painting meanwhile; the rename is on the loop.
    """
    pacer = Pacer(slice_seconds)
    with SessionWriter(path, rows=len(rows), url=url, room=room) as writer:
        for row in rows:
            writer.write(row)
            if pacer.due():
                if progress is not None:
                    progress(writer.written)
                await asyncio.sleep(0)
                pacer.restart()
        writer.flush()
        await asyncio.get_running_loop().run_in_executor(None, os.fsync, writer.fileno())
        return writer.commit(synced=True)


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new, hidden file beside ``target``, so that the final rename stays on one
    file system (and so is atomic).

    Created with mode 0o666 so that the umask gives the export the permissions
    of any other new file (``tempfile.mkstemp`` would make it private).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    stem = target.name[:200]  # room for the suffix within a 255-byte file name
    for _ in range(100):
        temp = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


def _naming(target: Path, exc: OSError) -> OSError | None:
    """``exc`` about ``target``: the user chose that file and has never heard of
    the hidden temporary file the error would otherwise name. The class follows
    the errno (``PermissionError``, ``FileNotFoundError``...) as usual. None
    when ``exc`` carries no errno to rebuild it from."""
    if exc.errno is None:
        return None
    return OSError(exc.errno, exc.strerror, str(target))


# One encoder each, made once: ``json.dumps`` with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_ENCODE_ASCII = json.JSONEncoder(separators=(",", ":")).encode


def _encode_line(obj: dict[str, Any]) -> bytes:
    """One JSON object and its newline, as UTF-8.

    Non-ASCII text is written as itself, which keeps files small and readable.
    A string can hold a lone surrogate (a foreign server's JSON may escape
    one), which UTF-8 cannot carry; such a line is written with ``\\u`` escapes
    instead, which read back to the very same string.
    """
    text = _ENCODE(obj)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = _ENCODE_ASCII(obj).encode("ascii")
    return data + b"\n"


# -- reading -------------------------------------------------------------------------


class SessionReader:
    """An open session file (:func:`open_session`): the header's fields, then
    its rows one at a time by iterating (once), and a context manager that
    closes the file.

    Iterating raises :class:`SessionFileError` at the first bad line, and at
    the end when the rows found are not the header's count (after reading
    the rest without yielding it, to say how many there are). Nothing is
    kept from one row to the next.
    """

    def __init__(
        self, path: Path, stream: IO[bytes], size: int, *, max_line_bytes: int = MAX_LINE_BYTES
    ) -> None:
        self.path = path
        #: The file's size in bytes when it was opened (for a progress bar).
        self.size = size
        #: Bytes read so far (up to :attr:`size`, unless the file grows).
        self.position = 0
        #: Rows read so far.
        self.count = 0
        self._stream = stream
        self._max_line = max_line_bytes
        self._objects = self._read_objects()
        try:
            for line_no, obj in self._objects:
                header = self._with_path(_header, obj, line_no)
                break
            else:
                raise SessionFileError(path, None, "not a Roomcast session file (it is empty)")
        except BaseException:
            stream.close()
            raise
        #: How many rows the header says the file holds.
        self.rows = header.rows
        #: When the file was written (None if the header does not say).
        self.exported = header.exported
        self.url = header.url
        self.room = header.room

    def __iter__(self) -> Iterator[Row]:
        promised = self.rows
        for line_no, obj in self._objects:
            row = self._with_path(load_row, obj, line_no)
            self.count += 1
            if self.count <= promised:
                yield row
        if self.count != promised:
            reason = f"the header says {_count(promised)}, but the file holds {self.count}"
            raise SessionFileError(self.path, None, reason)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _with_path(self, parse: Callable[[object, int], _T], obj: object, line_no: int) -> _T:
        try:
            return parse(obj, line_no)
        except SessionFileError as exc:  # raised without the path: add it
            raise SessionFileError(self.path, exc.line, exc.reason) from None

    def _read_objects(self) -> Iterator[tuple[int, object]]:
        """Each non-blank line's JSON value with its line number.

        Lines are split on ``\\n`` only: JSON text may hold U+2028 and other
        characters that ``str.splitlines`` would also break at. A UTF-8 byte
        order mark (as some Windows editors add) and ``\\r\\n`` endings are
        accepted. A line is read only up to :data:`MAX_LINE_BYTES` (and its
        newline): a longer one is an error, whatever follows.
        """
        source, stream, limit = self.path, self._stream, self._max_line
        line_no = 0
        try:
            while data := stream.readline(limit + 1):
                line_no += 1
                self.position += len(data)
                if len(data) > limit and not data.endswith(b"\n"):
                    reason = f"longer than {_size(limit)}, the most one line may hold"
                    raise SessionFileError(source, line_no, reason)
                if line_no == 1 and data.startswith(_BOM):
                    data = data[len(_BOM) :]
                data = data.rstrip(b"\r\n")  # so that JSON error columns count within the line
                if not data.strip():
                    continue
                yield line_no, _decode(source, line_no, data)
        except OSError as exc:
            raise SessionFileError(source, None, _cannot_read(exc)) from None


def _decode(source: Path, line_no: int, data: bytes) -> object:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        reason = f"not UTF-8 text (byte 0x{bad:02x} at column {exc.start + 1})"
        raise SessionFileError(source, line_no, reason) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"not valid JSON ({exc.msg} at column {exc.colno})"
        raise SessionFileError(source, line_no, reason) from None
    except RecursionError:
        raise SessionFileError(source, line_no, "not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer beyond sys.get_int_max_str_digits()
        reason = "not valid JSON (a number has too many digits)"
        raise SessionFileError(source, line_no, reason) from None


def open_session(
    path: str | os.PathLike[str], *, max_line_bytes: int = MAX_LINE_BYTES
) -> SessionReader:
    """Open the session file ``path`` and read its header; iterate the
    returned :class:`SessionReader` for the rows, and close it (``with``).

    Raises :class:`SessionFileError` (and nothing else) for anything wrong
    with the file: one that cannot be opened or is not a regular file, a line
    longer than ``max_line_bytes``, text that is not UTF-8 or a line that is
    not JSON, a missing or foreign header, a newer version, a bad field, or
    (at the end of the rows) a row count that does not match the header.
    """
    source = Path(path)
    try:
        info = os.stat(source)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise SessionFileError(source, None, _cannot_read(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise SessionFileError(source, None, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise SessionFileError(source, None, "not a regular file")
    try:
        stream = open(source, "rb", buffering=_MIB)  # noqa: SIM115 (the reader closes it)
    except OSError as exc:
        raise SessionFileError(source, None, _cannot_read(exc)) from None
    return SessionReader(source, stream, info.st_size, max_line_bytes=max_line_bytes)


def read_session(path: str | os.PathLike[str]) -> Session:
    """Read the whole session file ``path`` into memory (every row in a list).

    For a file of any size, iterate :func:`open_session` instead (or
    :func:`read_rows` on the event loop). Raises :class:`SessionFileError`
    as :func:`open_session` says.
    """
    with open_session(path) as reader:
        rows = list(reader)
    return Session(rows=rows, exported=reader.exported, url=reader.url, room=reader.room)


async def read_rows(
    reader: SessionReader,
    take: Callable[[list[Row]], None],
    *,
    slice_seconds: float = SLICE_SECONDS,
) -> int:
    """Read ``reader``'s rows on the running event loop, handing them to
    ``take`` a slice at a time (every ``slice_seconds`` of work, then giving
    way to the loop); returns how many were read.

    Only the current slice's rows are held here. Raises
    :class:`SessionFileError` as iterating ``reader`` does (``take`` has then
    had the rows before the bad line). Cancelling the task stops at the next
    pause, after ``take`` had every row read so far.
    """
    pacer = Pacer(slice_seconds)
    batch: list[Row] = []
    for row in reader:
        batch.append(row)
        if pacer.due():
            take(batch)
            batch = []
            await asyncio.sleep(0)
            pacer.restart()
    if batch:
        take(batch)
    return reader.count


def load_row(obj: object, line_no: int) -> Row:
    """The :class:`Row` a decoded JSON line describes.

    Raises :class:`SessionFileError` (with no path, and ``line_no``) for the
    first missing or ill-typed field. Every written field is required, so that
    a damaged file is reported rather than silently read with defaults; keys
    this version does not know are ignored.
    """
    if not isinstance(obj, dict):
        raise SessionFileError(None, line_no, f"a row must be a JSON object, got {_shown(obj)}")
    fields = _Fields(obj, line_no)
    # Fields are checked in the order they are written, then the row is made
    # in one call (a Row may pack its fields: setting them one by one costs).
    kind = fields.member("kind", RowKind)
    text = fields.string("text")
    time = fields.time("time")
    author = fields.optional_string("author")
    seq = fields.optional_int("seq")
    id_ = fields.optional_string("id")
    mine = fields.boolean("mine")
    state = fields.optional_member("state", SendState)
    direction = fields.member("direction", Direction)
    severity = fields.optional_member("severity", Severity)
    # Optional: files from before "mention" existed read as False, and only
    # control frames have an "opcode".
    mention = fields.boolean("mention") if "mention" in obj else False
    opcode = fields.optional_member("opcode", Opcode) if "opcode" in obj else None
    has_raw = obj.get("raw") is not None
    has_b64 = obj.get("raw_b64") is not None
    if has_raw and has_b64:
        raise SessionFileError(None, line_no, "'raw' and 'raw_b64' cannot both be given")
    raw: str | bytes | None = None
    if has_raw:
        raw = fields.string("raw")
    elif has_b64:
        raw = fields.base64("raw_b64")
    return Row(
        kind=kind,
        text=text,
        time=time,
        author=author,
        seq=seq,
        id=id_,
        mine=mine,
        state=state,
        direction=direction,
        severity=severity,
        raw=raw,
        mention=mention,
        opcode=opcode,
    )


@dataclass(frozen=True, slots=True)
class _Header:
    rows: int
    exported: datetime | None
    url: str | None
    room: str | None


def _header(obj: object, line_no: int) -> _Header:
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        reason = f"not a Roomcast session file (no {FORMAT!r} header)"
        raise SessionFileError(None, line_no, reason)
    fields = _Fields(obj, line_no)
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        reason = f"'version' must be a positive whole number, got {_shown(version)}"
        raise SessionFileError(None, line_no, reason)
    if version > VERSION:
        newer = _shown(version)
        reason = f"written by a newer Roomcast (version {newer}; this one reads {VERSION})"
        raise SessionFileError(None, line_no, reason)
    rows = obj.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        reason = f"'rows' must be a whole number (0 or more), got {_shown(rows)}"
        raise SessionFileError(None, line_no, reason)
    exported = None if obj.get("exported") is None else fields.time("exported")
    url = fields.optional_string("url") if "url" in obj else None
    room = fields.optional_string("room") if "room" in obj else None
    return _Header(rows=rows, exported=exported, url=url, room=room)


class _Fields:
    """Typed access to one JSON object's fields, each failure worded for the user."""

    __slots__ = ("_line", "_obj")

    def __init__(self, obj: dict[Any, Any], line_no: int) -> None:
        self._obj = obj
        self._line = line_no

    def _get(self, key: str) -> object:
        if key not in self._obj:
            raise SessionFileError(None, self._line, f"missing field {key!r}")
        value: object = self._obj[key]
        return value

    def _bad(self, key: str, expected: str, value: object) -> SessionFileError:
        return SessionFileError(
            None, self._line, f"{key!r} must be {expected}, got {_shown(value)}"
        )

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._bad(key, "a string", value)
        return value

    def optional_string(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise self._bad(key, "a string or null", value)
        return value

    def optional_int(self, key: str) -> int | None:
        value = self._get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._bad(key, "a whole number or null", value)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false", value)
        return value

    def time(self, key: str) -> datetime:
        value = self._get(key)
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                if parsed.utcoffset() is not None:
                    return parsed
        raise self._bad(key, "an RFC 3339 time with an offset", value)

    def base64(self, key: str) -> bytes:
        value = self._get(key)
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:  # binascii.Error, or a non-ASCII character
                pass
        raise self._bad(key, "base64 text", value)

    def member(self, key: str, cls: type[_E]) -> _E:
        value = self._get(key)
        found = _member(cls, value)
        if found is None:
            raise self._bad(key, f"one of {_choices(cls)}", value)
        return found

    def optional_member(self, key: str, cls: type[_E]) -> _E | None:
        value = self._get(key)
        if value is None:
            return None
        found = _member(cls, value)
        if found is None:
            raise self._bad(key, f"null or one of {_choices(cls)}", value)
        return found


#: Each enum's members by ``(type, value)``: a lookup per field, not a loop.
_MEMBERS: dict[type[Enum], dict[tuple[type, object], Enum]] = {}


def _member(cls: type[_E], value: object) -> _E | None:
    """The member of ``cls`` whose value is ``value``, of the same type too:
    JSON true is not 1, and 20.0 is not the level 20."""
    table = _MEMBERS.get(cls)
    if table is None:
        table = _MEMBERS[cls] = {(type(m.value), m.value): m for m in cls}
    if not isinstance(value, str | int | float):  # unhashable (a list), or null
        return None
    found = table.get((type(value), value))
    return found if isinstance(found, cls) else None


def _choices(cls: type[Enum]) -> str:
    return ", ".join(str(member.value) for member in cls)


def _shown(value: object) -> str:
    """A bad value as an error message quotes it: strings as Python writes them
    (``'bogus'``), everything else as JSON (``null``, ``true``, ``[1, 2]``), cut
    short so that a huge value cannot flood the message."""
    if isinstance(value, str):
        if len(value) > _SHOWN_CHARS:
            value = value[: _SHOWN_CHARS - 1] + "…"
        return repr(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _count(rows: int) -> str:
    return "1 row" if rows == 1 else f"{rows} rows"


def _size(n: int) -> str:
    if n % _MIB == 0:
        return f"{n // _MIB} MiB"
    if n % _KIB == 0:
        return f"{n // _KIB} KiB"
    return f"{n:,} bytes"


def _cannot_read(exc: OSError | ValueError) -> str:
    if not isinstance(exc, OSError):  # the wording of this one changes between Pythons
        return "cannot read the file (invalid file name)"
    return f"cannot read the file ({exc.strerror or exc})"
