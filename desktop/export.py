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
"""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import IO, Any, TypeVar

from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, SendState
from roomcast.server.notices import Severity

#: The header's ``format``: how a reader knows the file is one of ours.
FORMAT = "roomcast-session"
#: The header's ``version``: raised only when an older reader would misread the file.
VERSION = 1
#: Files larger than this are refused before reading: every row is held in
#: memory, and a mistaken pick (a disk image, a huge log) must not exhaust it.
MAX_IMPORT_BYTES = 512 * 1024 * 1024

_KIB = 1024
_MIB = 1024 * 1024
_BOM = b"\xef\xbb\xbf"
#: How much of a bad value an error message quotes.
_SHOWN_CHARS = 40

_E = TypeVar("_E", bound=Enum)


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
    """
    batch = list(rows)  # the header counts them; a model's rows view is copied cheaply
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported": format_time(datetime.now(UTC)),
        "rows": len(batch),
    }
    if url is not None:
        header["url"] = url
    if room is not None:
        header["room"] = room
    target = Path(os.path.realpath(path))
    if target.is_dir():  # say so now, not after writing the whole file beside it
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    try:
        fd, temp = _create_temp(target)
    except OSError as exc:
        renamed = _naming(target, exc)
        if renamed is None:
            raise
        raise renamed from exc
    try:
        with os.fdopen(fd, "wb", buffering=_MIB) as out:
            out.write(_encode_line(header))
            for row in batch:
                out.write(_encode_line(dump_row(row)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        renamed = _naming(target, exc) if isinstance(exc, OSError) else None
        if renamed is None:
            raise
        raise renamed from exc
    return len(batch)


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


def _encode_line(obj: dict[str, Any]) -> bytes:
    """One JSON object and its newline, as UTF-8.

    Non-ASCII text is written as itself, which keeps files small and readable.
    A string can hold a lone surrogate (a foreign server's JSON may escape
    one), which UTF-8 cannot carry; such a line is written with ``\\u`` escapes
    instead, which read back to the very same string.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(obj, separators=(",", ":")).encode("ascii")
    return data + b"\n"


# -- reading -------------------------------------------------------------------------


def read_session(path: str | os.PathLike[str]) -> Session:
    """Read the session file ``path``.

    Raises :class:`SessionFileError` (and nothing else) for anything wrong with
    the file: one that cannot be opened or is not a regular file, one larger
    than :data:`MAX_IMPORT_BYTES`, text that is not UTF-8 or a line that is not
    JSON, a missing or foreign header, a newer version, a bad field, or a row
    count that does not match the header.
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
    if info.st_size > MAX_IMPORT_BYTES:
        raise SessionFileError(
            source,
            None,
            f"too large to import ({_size(info.st_size)}; the limit is {_size(MAX_IMPORT_BYTES)})",
        )
    try:
        with open(source, "rb") as stream:
            return _parse(source, stream)
    except OSError as exc:
        raise SessionFileError(source, None, _cannot_read(exc)) from None


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
    row = Row(  # fields are checked in the order they are written
        kind=fields.member("kind", RowKind),
        text=fields.string("text"),
        time=fields.time("time"),
        author=fields.optional_string("author"),
        seq=fields.optional_int("seq"),
        id=fields.optional_string("id"),
        mine=fields.boolean("mine"),
        state=fields.optional_member("state", SendState),
        direction=fields.member("direction", Direction),
        severity=fields.optional_member("severity", Severity),
    )
    if "mention" in obj:  # optional: files from before it existed read as False
        row.mention = fields.boolean("mention")
    if "opcode" in obj:  # optional: only control frames have one
        row.opcode = fields.optional_member("opcode", Opcode)
    has_raw = obj.get("raw") is not None
    has_b64 = obj.get("raw_b64") is not None
    if has_raw and has_b64:
        raise SessionFileError(None, line_no, "'raw' and 'raw_b64' cannot both be given")
    if has_raw:
        row.raw = fields.string("raw")
    elif has_b64:
        row.raw = fields.base64("raw_b64")
    return row


@dataclass(frozen=True, slots=True)
class _Header:
    rows: int
    exported: datetime | None
    url: str | None
    room: str | None


def _parse(source: Path, stream: IO[bytes]) -> Session:
    header: _Header | None = None
    rows: list[Row] = []
    for line_no, obj in _objects(source, stream):
        try:
            if header is None:
                header = _header(obj, line_no)
            else:
                rows.append(load_row(obj, line_no))
        except SessionFileError as exc:  # raised without the path: add it
            raise SessionFileError(source, exc.line, exc.reason) from None
    if header is None:
        raise SessionFileError(source, None, "not a Roomcast session file (it is empty)")
    if len(rows) != header.rows:
        raise SessionFileError(
            source,
            None,
            f"the header says {_count(header.rows)}, but the file holds {len(rows)}",
        )
    return Session(rows=rows, exported=header.exported, url=header.url, room=header.room)


def _objects(source: Path, stream: IO[bytes]) -> Iterator[tuple[int, object]]:
    """Each non-blank line's JSON value with its line number.

    Lines are split on ``\\n`` only: JSON text may hold U+2028 and other
    characters that ``str.splitlines`` would also break at. A UTF-8 byte order
    mark (as some Windows editors add) and ``\\r\\n`` endings are accepted.
    """
    total = 0
    for line_no, data in enumerate(stream, start=1):
        total += len(data)
        if total > MAX_IMPORT_BYTES:  # the file grew after it was measured
            raise SessionFileError(
                source, None, f"too large to import (over {_size(MAX_IMPORT_BYTES)})"
            )
        if line_no == 1 and data.startswith(_BOM):
            data = data[len(_BOM) :]
        data = data.rstrip(b"\r\n")  # so that JSON error columns count within the line
        if not data.strip():
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = data[exc.start]
            reason = f"not UTF-8 text (byte 0x{bad:02x} at column {exc.start + 1})"
            raise SessionFileError(source, line_no, reason) from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON ({exc.msg} at column {exc.colno})"
            raise SessionFileError(source, line_no, reason) from None
        except RecursionError:
            raise SessionFileError(source, line_no, "not valid JSON (nested too deeply)") from None
        except ValueError:  # an integer beyond sys.get_int_max_str_digits()
            reason = "not valid JSON (a number has too many digits)"
            raise SessionFileError(source, line_no, reason) from None
        yield line_no, obj


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
        for member in cls:
            # Compare types too: JSON true is not 1, and 20.0 is not the level 20.
            if type(value) is type(member.value) and value == member.value:
                return member
        raise self._bad(key, f"one of {_choices(cls)}", value)

    def optional_member(self, key: str, cls: type[_E]) -> _E | None:
        value = self._get(key)
        if value is None:
            return None
        for member in cls:
            if type(value) is type(member.value) and value == member.value:
                return member
        raise self._bad(key, f"null or one of {_choices(cls)}", value)


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
