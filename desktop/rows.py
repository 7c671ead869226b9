"""What the message list shows, as plain Python data (no Qt).

Every frame that arrives becomes exactly one :class:`Row`: nothing is
dropped from view. ``models.MessageListModel`` is a thin Qt adapter over a
list of these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated
from roomcast.server.notices import Severity


class RowKind(Enum):
    CHAT = "chat"  # a Roomcast chat message (server `message` frame, or our own pending one)
    SYSTEM = "system"  # joins, leaves, connection events, errors
    JSON = "json"  # JSON that is not a Roomcast frame (shown pretty-printed)
    TEXT = "text"  # a text frame that is not JSON (shown raw)
    BINARY = "binary"  # a binary frame ("binary · N bytes" and a hex preview)
    #: A ping, pong or close frame (RFC 6455, 5.5), recorded only while the
    #: window's "Show control frames" is on: ``opcode`` says which, ``raw``
    #: holds the payload (for a close: the 2-byte code and the UTF-8 reason).
    CONTROL = "control"


class Direction(Enum):
    IN = "in"
    OUT = "out"


class Opcode(Enum):
    """A WebSocket frame's opcode (RFC 6455, 5.2), as the inspector names it."""

    TEXT = "text"
    BINARY = "binary"
    PING = "ping"
    PONG = "pong"
    CLOSE = "close"


class SendState(Enum):
    PENDING = "pending"  # in the outbox, not yet acknowledged
    SENT = "sent"  # acknowledged (Roomcast) or written (foreign server)
    FAILED = "failed"  # refused by the server; can be retried


# How a Row packs its small fields into one int (``Row._f``): every enum
# field is an index into its table, the booleans are bits. Small ints are
# shared objects, so the flags of most rows cost no allocation at all.
_KINDS: tuple[RowKind, ...] = tuple(RowKind)
_KIND_CODE = {kind: i for i, kind in enumerate(_KINDS)}
_DIRECTIONS: tuple[Direction, ...] = tuple(Direction)
_STATES: tuple[SendState | None, ...] = (None, *SendState)
_STATE_CODE = {state: i for i, state in enumerate(_STATES)}
_SEVERITIES: tuple[Severity | None, ...] = (None, *Severity)
_SEVERITY_CODE = {severity: i for i, severity in enumerate(_SEVERITIES)}
_OPCODES: tuple[Opcode | None, ...] = (None, *Opcode)
_OPCODE_CODE = {opcode: i for i, opcode in enumerate(_OPCODES)}

_KIND_MASK = 0b111  # bits 0-2
_OUT = 1 << 3  # direction is OUT
_MINE = 1 << 4
_MENTION = 1 << 5
_STATE_SHIFT, _STATE_MASK = 6, 0b11 << 6
_SEVERITY_SHIFT, _SEVERITY_MASK = 8, 0b11 << 8
_OPCODE_SHIFT, _OPCODE_MASK = 10, 0b111 << 10
#: The text is a slice of the raw frame (its UTF-8 bytes ``[start, start + length)``).
_SPAN = 1 << 13
#: The text is ``binary_summary(raw)`` (made when asked for).
_SUMMARY = 1 << 14
#: ``_raw`` holds the UTF-8 bytes of a *text* frame (``raw`` decodes them).
_UTF8 = 1 << 15
_FLAGS = (1 << 16) - 1
_START_SHIFT = 16
_LENGTH_SHIFT = 40
_SPAN_MAX = (1 << 24) - 1  # frames up to 16 MiB have their text as a span
#: The id is a slice of the raw frame too (start, then length: ids are short).
_ID_SHIFT = 64
_ID_LENGTH_SHIFT = 88
_ID_MAX = 255
_ID_BITS = ((1 << 32) - 1) << _ID_SHIFT
_TEXT_SPAN_BITS = ((1 << 48) - 1) << _START_SHIFT
_INTERNED: dict[int, int] = {}


class Row:
    """One row of the message list (see the module docstring).

    Built and read like a dataclass with the fields ``kind``, ``text``,
    ``time``, ``author``, ``seq``, ``id``, ``mine``, ``state``, ``direction``,
    ``severity``, ``raw``, ``mention``, ``opcode`` (in that order, with the
    defaults documented on each); two rows are equal only if they are the
    same row. A window holds up to a million of them (issue 20), so a row
    keeps each thing once, in a little over half the memory of a dataclass
    with a slot per field (407 B for a typical chat row, not 728;
    docs/benchmarks.md, "The window"):

    * the text of a chat message (or a text frame) that appears as it is in
      its raw frame is not held twice: it is a slice of the frame, cut when
      asked for; a binary frame's summary is made from the frame when asked;
    * a text frame is held as its UTF-8 bytes (a str with one emoji takes 4
      bytes a character), decoded when ``raw`` is read;
    * the time is a POSIX timestamp (``ts``) when that gives back the same
      aware UTC datetime, else the datetime itself;
    * the enum and boolean fields are bits of one small int.
    """

    __slots__ = ("_f", "_id", "_raw", "_text", "_ts", "author", "seq")

    #: Who sent a chat row (None: not a chat row, or our own before the welcome).
    author: str | None
    #: The server's number of a chat row (PROTOCOL.md, seq), once it has one.
    seq: int | None

    def __init__(
        self,
        kind: RowKind,
        text: str,
        time: datetime | None = None,
        author: str | None = None,
        seq: int | None = None,
        id: str | None = None,  # the field's name
        mine: bool = False,
        state: SendState | None = None,
        direction: Direction = Direction.IN,
        severity: Severity | None = None,
        raw: str | bytes | None = None,
        mention: bool = False,
        opcode: Opcode | None = None,
    ) -> None:
        self._f = _intern(
            _KIND_CODE.get(kind, 0)
            | (_OUT if direction is Direction.OUT else 0)
            | (_MINE if mine else 0)
            | (_MENTION if mention else 0)
            | _STATE_CODE[state] << _STATE_SHIFT
            | _SEVERITY_CODE[severity] << _SEVERITY_SHIFT
            | _OPCODE_CODE[opcode] << _OPCODE_SHIFT
        )
        self._ts: float | datetime = 0.0
        self.time = datetime.now(UTC) if time is None else time
        self.author = author
        self.seq = seq
        self._raw: str | bytes | None = None
        self._text: str | None = text
        self._id: str | None = id
        if raw is not None:
            self.raw = raw

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        kind = args[0] if args else kwargs.get("kind")
        if kind not in _KIND_CODE and cls is Row:
            # Not a RowKind: like the dataclass Row was, nothing is checked at
            # run time (type checkers do); such a row keeps its kind aside.
            row: Row = object.__new__(_OddRow)
            row._odd = kind  # type: ignore[attr-defined]
            return row
        return object.__new__(cls)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELD_NAMES)
        return f"Row({fields})"

    # -- the packed fields ---------------------------------------------------------

    @property
    def kind(self) -> RowKind:
        return _KINDS[self._f & _KIND_MASK]

    @kind.setter
    def kind(self, kind: RowKind) -> None:
        text = self.text  # a binary summary is one of a binary row
        self._f = _intern(self._f & ~_KIND_MASK | _KIND_CODE[kind])
        self.text = text

    @property
    def direction(self) -> Direction:
        return Direction.OUT if self._f & _OUT else Direction.IN

    @direction.setter
    def direction(self, direction: Direction) -> None:
        self._set_bit(_OUT, direction is Direction.OUT)

    @property
    def mine(self) -> bool:
        return bool(self._f & _MINE)

    @mine.setter
    def mine(self, mine: bool) -> None:
        self._set_bit(_MINE, mine)

    @property
    def mention(self) -> bool:
        """A chat message from someone else that names us (notifications.mentions):
        the list marks it."""
        return bool(self._f & _MENTION)

    @mention.setter
    def mention(self, mention: bool) -> None:
        self._set_bit(_MENTION, mention)

    @property
    def state(self) -> SendState | None:
        return _STATES[(self._f & _STATE_MASK) >> _STATE_SHIFT]

    @state.setter
    def state(self, state: SendState | None) -> None:
        self._f = _intern(self._f & ~_STATE_MASK | _STATE_CODE[state] << _STATE_SHIFT)

    @property
    def severity(self) -> Severity | None:
        return _SEVERITIES[(self._f & _SEVERITY_MASK) >> _SEVERITY_SHIFT]

    @severity.setter
    def severity(self, severity: Severity | None) -> None:
        code = _SEVERITY_CODE[severity] << _SEVERITY_SHIFT
        self._f = _intern(self._f & ~_SEVERITY_MASK | code)

    @property
    def opcode(self) -> Opcode | None:
        """Only set on CONTROL rows; data rows' opcode follows from ``raw``
        (str: text, bytes: binary) — see :func:`opcode_of`."""
        return _OPCODES[(self._f & _OPCODE_MASK) >> _OPCODE_SHIFT]

    @opcode.setter
    def opcode(self, opcode: Opcode | None) -> None:
        self._f = _intern(self._f & ~_OPCODE_MASK | _OPCODE_CODE[opcode] << _OPCODE_SHIFT)

    def _set_bit(self, bit: int, on: bool) -> None:
        self._f = _intern(self._f | bit if on else self._f & ~bit)

    # -- time ---------------------------------------------------------------------

    @property
    def time(self) -> datetime:
        """When the row's frame arrived (or the server says it was sent): aware."""
        ts = self._ts
        if type(ts) is float:
            return datetime.fromtimestamp(ts, UTC)
        assert isinstance(ts, datetime)
        return ts

    @time.setter
    def time(self, value: datetime) -> None:
        if value.tzinfo is UTC:
            ts = value.timestamp()
            try:
                exact = datetime.fromtimestamp(ts, UTC) == value  # µs survive the float
            except (OverflowError, OSError, ValueError):  # near the end of year 9999
                exact = False
            if exact:
                self._ts = ts
                return
        self._ts = value  # another offset (kept as it was shown), or naive

    @property
    def ts(self) -> float:
        """:attr:`time` as a POSIX timestamp (what the layout reads for every row)."""
        ts = self._ts
        if type(ts) is float:
            return ts
        assert isinstance(ts, datetime)
        return ts.timestamp()

    # -- the frame and the text -------------------------------------------------------

    @property
    def raw(self) -> str | bytes | None:
        """The frame as it travelled (text or bytes), for "Copy raw"."""
        raw = self._raw
        if self._f & _UTF8:
            assert isinstance(raw, bytes)
            return raw.decode("utf-8", "surrogatepass")
        return raw

    @raw.setter
    def raw(self, raw: str | bytes | None) -> None:
        text, id_ = self.text, self.id
        f = self._f & ~(_UTF8 | _SPAN | _SUMMARY) & _FLAGS
        if isinstance(raw, str):
            stored: str | bytes | None = raw.encode("utf-8", "surrogatepass")
            f |= _UTF8
        else:
            stored = raw
        self._raw = stored
        self._f = _intern(f)
        self.text = text
        self.id = id_

    @property
    def raw_size(self) -> int | None:
        """The frame's size in bytes as it travelled (UTF-8 for text frames)."""
        raw = self._raw
        if raw is None:
            return None
        if isinstance(raw, bytes):
            return len(raw)
        return len(raw.encode("utf-8"))

    @property
    def text(self) -> str:
        """The text shown: chat content, the system text, pretty JSON, raw text,
        or the binary summary. Always rendered as plain text."""
        text = self._text
        if text is not None:
            return text
        f = self._f
        raw = self._raw
        assert isinstance(raw, bytes)
        if f & _SPAN:
            start = (f >> _START_SHIFT) & _SPAN_MAX
            end = start + ((f >> _LENGTH_SHIFT) & _SPAN_MAX)
            return raw[start:end].decode("utf-8", "surrogatepass")
        return binary_summary(raw)

    @text.setter
    def text(self, text: str) -> None:
        f = self._f & ~(_SPAN | _SUMMARY | _TEXT_SPAN_BITS)
        raw = self._raw
        self._text = text
        if isinstance(raw, bytes) and text:
            if f & _UTF8 or self.kind is not RowKind.BINARY:
                encoded = text.encode("utf-8", "surrogatepass")
                start = raw.find(encoded) if len(raw) <= _SPAN_MAX else -1
                if start >= 0:
                    self._text = None
                    f |= _SPAN | start << _START_SHIFT | len(encoded) << _LENGTH_SHIFT
            elif len(raw) <= 4 * _SPAN_MAX and text == binary_summary(raw):
                self._text = None
                f |= _SUMMARY
        self._f = _intern(f)

    @property
    def id(self) -> str | None:
        """The client message id (chat rows) — how an acknowledgement finds its row."""
        id_ = self._id
        if id_ is not None or not self._f & _ID_BITS:
            return id_
        raw = self._raw
        assert isinstance(raw, bytes)
        start = (self._f >> _ID_SHIFT) & _SPAN_MAX
        end = start + ((self._f >> _ID_LENGTH_SHIFT) & _ID_MAX)
        return raw[start:end].decode("utf-8", "surrogatepass")

    @id.setter
    def id(self, id_: str | None) -> None:
        f = self._f & ~_ID_BITS
        self._id = id_
        raw = self._raw
        if id_ and isinstance(raw, bytes) and len(raw) <= _SPAN_MAX:
            # As a JSON string of the frame (PROTOCOL.md, message: "id").
            encoded = id_.encode("utf-8", "surrogatepass")
            start = raw.find(encoded) if len(encoded) <= _ID_MAX else -1
            if start >= 0:
                self._id = None
                f |= start << _ID_SHIFT | len(encoded) << _ID_LENGTH_SHIFT
        self._f = _intern(f)


class _OddRow(Row):
    """A row whose kind is not a RowKind (see Row.__new__)."""

    __slots__ = ("_odd",)

    @property
    def kind(self) -> Any:
        return self._odd

    @kind.setter
    def kind(self, kind: Any) -> None:
        self._odd = kind


@dataclass(eq=False)
class _RowFields:
    """Row's fields as the dataclass it was: ``dataclasses.fields(row)`` and
    ``dataclasses.replace(row, ...)`` keep working (export and its tests use
    them); the storage is Row's own."""

    kind: RowKind
    text: str
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    author: str | None = None
    seq: int | None = None
    id: str | None = None
    mine: bool = False
    state: SendState | None = None
    direction: Direction = Direction.IN
    severity: Severity | None = None
    raw: str | bytes | None = None
    mention: bool = False
    opcode: Opcode | None = None


Row.__dataclass_fields__ = _RowFields.__dataclass_fields__  # type: ignore[attr-defined]
Row.__dataclass_params__ = _RowFields.__dataclass_params__  # type: ignore[attr-defined]
_FIELD_NAMES = tuple(_RowFields.__dataclass_fields__)


def _intern(f: int) -> int:
    """One shared int object per flag combination (a span is per row)."""
    if f > _FLAGS:
        return f
    return _INTERNED.setdefault(f, f)


def opcode_of(row: Row) -> Opcode | None:
    """How the row's frame travelled; None for rows that are not a frame
    (system rows, our own chat rows before the server's copy arrived)."""
    if row.opcode is not None:
        return row.opcode
    raw = row._raw
    if raw is None:
        return None
    return Opcode.TEXT if row._f & _UTF8 or isinstance(raw, str) else Opcode.BINARY


def frame_size(row: Row) -> int | None:
    """The payload's size in bytes as it travelled (UTF-8 for text frames)."""
    return row.raw_size


def parse_ts(ts: str) -> datetime:
    """PROTOCOL.md ``ts`` (RFC 3339 UTC) to an aware datetime; now if unreadable."""
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


#: A JSON object or array whose one-line form fits in this many characters
#: (its indentation included) is shown on one line: ``{"price": 101.25,
#: "size": 300}`` is one row of an order book, not four lines.
JSON_LINE_CHARS = 72
#: Only containers with at most this many entries are tried on one line
#: (bounds the cost: each try serializes the container once).
_INLINE_ENTRIES = 16


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated
#: What :func:`pretty_json` shows for a value nested deeper than it can walk
#: (the frame itself is kept: Copy raw has it).
TOO_DEEP = QT_TRANSLATE_NOOP(
    "Rows", "(JSON nested too deeply to show here; Copy raw has the frame)"
)


def pretty_json(value: object) -> str:
    """``value`` as indented JSON, keys in their order, characters as they are;
    small objects and arrays on one line (:data:`JSON_LINE_CHARS`)."""
    lines: list[str] = []
    try:
        _pretty(value, "", "", lines)
    except RecursionError:  # deeper than Python's stack: one line, from the C encoder
        try:
            return json.dumps(value, ensure_ascii=False)
        except RecursionError:
            return translate("Rows", TOO_DEEP)
    return "\n".join(lines)


def _inline(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _pretty(value: object, lead: str, pad: str, lines: list[str], tail: str = "") -> None:
    """Append ``value`` as lines: its first after ``lead`` (a key), each
    indented by ``pad``, the last followed by ``tail`` (a comma)."""
    if isinstance(value, dict | list) and value:
        if len(value) <= _INLINE_ENTRIES:
            one = _inline(value)
            if len(pad) + len(lead) + len(one) + len(tail) <= JSON_LINE_CHARS:
                lines.append(f"{pad}{lead}{one}{tail}")
                return
        inner = pad + "  "
        last = len(value) - 1
        if isinstance(value, dict):
            lines.append(f"{pad}{lead}{{")
            for i, (key, item) in enumerate(value.items()):
                _pretty(item, _inline(str(key)) + ": ", inner, lines, "," if i < last else "")
            lines.append(f"{pad}}}{tail}")
        else:
            lines.append(f"{pad}{lead}[")
            for i, item in enumerate(value):
                _pretty(item, "", inner, lines, "," if i < last else "")
            lines.append(f"{pad}]{tail}")
        return
    lines.append(f"{pad}{lead}{_inline(value)}{tail}")


def hex_preview(data: bytes, limit: int = 32) -> str:
    shown = data[:limit].hex(" ")
    return shown + (" …" if len(data) > limit else "")


def binary_summary(data: bytes) -> str:
    return f"binary · {len(data)} bytes\n{hex_preview(data)}"
