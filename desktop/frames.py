"""The WebSocket inspector's core, without Qt: what the detail pane shows of one frame.

Every frame is one :class:`~desktop.rows.Row`; :func:`details` turns a row
into :class:`FrameDetails` (direction, time, size, opcode, the payload as it
travelled, as text, as JSON). The rules:

* **Bytes as they travelled.** ``payload`` is always bytes: a text frame's
  UTF-8 encoding (RFC 6455, 5.6), a binary or control frame's bytes. Sizes
  count these bytes, not characters.
* **Text when it is text.** A text frame is text; a binary frame whose bytes
  are UTF-8 text (the client classified it TEXT or JSON: desktop/client.py,
  ``classify``) is shown as text too, and says so (``binary_as_text``). A
  BINARY row is never decoded.
* **JSON when it parses.** JSON and chat rows' text is parsed; one that does
  not parse (a raw frame we sent, nesting too deep for Python's parser) is
  just text.
* **Control frames** (RFC 6455, 5.5) are described by :func:`control_text`;
  a close frame's payload is a 2-byte big-endian code then a UTF-8 reason
  (5.5.1), read by :func:`close_payload` without ever raising.
* **The JSON tree is lazy.** :func:`json_tree` builds the root only; a
  node's ``children`` are built on first access, one level at a time, and
  its ``path`` is found by walking up, not by recursion: a 100,000-item array
  costs one level, and 10,000 levels of nesting never meet the recursion
  limit.
* **Hex dumps** are the classic ``hexdump -C`` lines (:func:`hexdump`),
  capped at a byte limit with a last line that says how many bytes were left
  out.

User-visible texts are marked with :func:`QT_TRANSLATE_NOOP` (context
``Frames``); desktop/i18n.py sets :data:`translate` to Qt's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from roomcast.desktop.rows import Direction, Opcode, Row, RowKind, opcode_of
from roomcast.desktop.texts import QT_TRANSLATE_NOOP, untranslated

__all__ = [
    "BYTES_PER_LINE",
    "SUMMARY_CHARS",
    "FrameDetails",
    "JsonKind",
    "JsonNode",
    "arrow",
    "close_payload",
    "compact_size",
    "compact_time",
    "control_text",
    "details",
    "full_time",
    "hexdump",
    "json_tree",
    "translate",
]

#: Bytes on one line of a hex dump, as ``hexdump -C`` and ``xxd`` print them.
BYTES_PER_LINE: Final = 16
#: Hex bytes are grouped in eights, with one more space between groups.
_HEX_GROUP: Final = 8
#: A string node's summary shows at most this many characters of the string.
SUMMARY_CHARS: Final = 200
#: The units of :func:`compact_size`, 1024 apart.
_SIZE_UNITS: Final = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_CONTEXT: Final = "Frames"


# --------------------------------------------------------------------------
# Translation markers (the pattern of desktop/client.py)
# --------------------------------------------------------------------------


#: Shows a marked text in the user's language: ``desktop/i18n.py`` sets it to
#: ``QCoreApplication.translate``; headless it changes nothing (desktop/texts.py).
translate: Callable[[str, str], str] = untranslated


def _t(text: str) -> str:
    return translate(_CONTEXT, text)


# --------------------------------------------------------------------------
# Small formatters
# --------------------------------------------------------------------------

#: Printable ASCII stays; every other byte is "." in a hex dump's text column.
_PRINTABLE: Final = bytes(b if 0x20 <= b < 0x7F else ord(".") for b in range(256))


def hexdump(data: bytes, *, width: int = BYTES_PER_LINE, limit: int | None = None) -> str:
    """``data`` as ``hexdump -C`` lines: offset, hex bytes in groups of 8, text.

    ``00000000  7b 22 74 79 70 65 22 3a  22 6d 65 73 73 61 67 65  |{"type":"message|``

    At most ``limit`` bytes are dumped; a last line then says how many more
    there were. Empty data dumps to "".
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    shown = data if limit is None else data[: max(limit, 0)]
    # Each byte is "xx" with a space between, and two between groups of 8.
    hex_width = 3 * width - 1 + (width - 1) // _HEX_GROUP
    text = shown.translate(_PRINTABLE).decode("ascii")
    lines = []
    for offset in range(0, len(shown), width):
        chunk = shown[offset : offset + width]
        groups = "  ".join(
            chunk[i : i + _HEX_GROUP].hex(" ") for i in range(0, len(chunk), _HEX_GROUP)
        )
        lines.append(f"{offset:08x}  {groups:<{hex_width}}  |{text[offset : offset + width]}|")
    left_out = len(data) - len(shown)
    if left_out == 1:
        lines.append(_t(QT_TRANSLATE_NOOP("Frames", "… 1 more byte not shown")))
    elif left_out > 1:
        lines.append(
            _t(QT_TRANSLATE_NOOP("Frames", "… {count} more bytes not shown")).format(
                count=f"{left_out:,}"
            )
        )
    return "\n".join(lines)


def compact_time(dt: datetime) -> str:
    """Local time with milliseconds: ``14:03:07.042``."""
    local = dt.astimezone()
    return f"{local:%H:%M:%S}.{local.microsecond // 1000:03d}"


def full_time(dt: datetime) -> str:
    """Local date and time with milliseconds and the UTC offset:
    ``2025-03-04 14:03:07.042 +01:00``."""
    local = dt.astimezone()
    offset = local.utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 1000:03d} {sign}{hours:02d}:{minutes:02d}"
    )


def compact_size(n: int) -> str:
    """``0 B``, ``45 B``, ``1.2 KiB``, ``34 KiB``, ``3.4 MiB``: 1024-based, one
    decimal below 10, none from 10 on."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in _SIZE_UNITS[1:]:
        value /= 1024
        if round(value, 1) < 10:
            return f"{value:.1f} {unit}"
        # 1023.7 KiB rounds to 1024: that is 1.0 MiB.
        if round(value) < 1024 or unit == _SIZE_UNITS[-1]:
            return f"{round(value)} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def arrow(direction: Direction) -> str:
    """↑ for a frame we sent, ↓ for one we received."""
    return "↑" if direction is Direction.OUT else "↓"


# --------------------------------------------------------------------------
# Control frames (RFC 6455, 5.5)
# --------------------------------------------------------------------------


def close_payload(data: bytes) -> tuple[int | None, str]:
    """A close frame's code and reason (RFC 6455, 5.5.1): ``(None, "")`` when
    the payload is empty, or is a single byte (which 5.5.1 does not allow).
    A reason that is not UTF-8 is decoded with replacement characters."""
    if len(data) < 2:
        return None, ""
    return int.from_bytes(data[:2], "big"), data[2:].decode("utf-8", errors="replace")


def _byte_count(n: int) -> str:
    if n == 0:
        return _t(QT_TRANSLATE_NOOP("Frames", "empty"))
    if n == 1:
        return _t(QT_TRANSLATE_NOOP("Frames", "1 byte"))
    return _t(QT_TRANSLATE_NOOP("Frames", "{count} bytes")).format(count=f"{n:,}")


def control_text(opcode: Opcode, payload: bytes) -> str:
    """The row text of a control frame: ``ping · 4 bytes``, ``pong · empty``,
    ``close 1000 · bye``, ``close 1001``, ``close · no code``.

    The opcode's name is the protocol's and stays untranslated.
    """
    if opcode is not Opcode.CLOSE:
        return f"{opcode.value} · {_byte_count(len(payload))}"
    if len(payload) == 1:
        return _t(QT_TRANSLATE_NOOP("Frames", "close · invalid payload (1 byte)"))
    code, reason = close_payload(payload)
    if code is None:
        return _t(QT_TRANSLATE_NOOP("Frames", "close · no code"))
    if not reason:
        return f"close {code}"
    return f"close {code} · {reason}"


# --------------------------------------------------------------------------
# One frame's details
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrameDetails:
    """What the detail pane shows of one frame."""

    direction: Direction
    time: datetime
    #: The payload's size in bytes as it travelled.
    size: int
    opcode: Opcode
    #: The payload as text: a text frame's, or a binary frame's that is UTF-8
    #: text; a ping's or pong's that is; None otherwise.
    text: str | None
    #: The payload's bytes as they travelled (UTF-8 for a text frame).
    payload: bytes
    #: The parsed JSON when ``is_json`` (JSON's ``null`` is None too).
    json: object = None
    is_json: bool = False
    #: A binary frame that is shown as text because its bytes are UTF-8.
    binary_as_text: bool = False


#: Rows whose text is worth parsing as JSON: the client already knows a TEXT
#: row's text does not parse, and a chat row is a Roomcast frame (PROTOCOL.md).
_JSON_KINDS: Final = frozenset({RowKind.JSON, RowKind.CHAT})
#: Rows whose bytes are UTF-8 text (desktop/client.py, ``classify``).
_TEXT_KINDS: Final = frozenset({RowKind.JSON, RowKind.TEXT, RowKind.CHAT})


def details(row: Row) -> FrameDetails | None:
    """The frame behind ``row``; None for notices and rows without a frame
    (our own chat message before the server's copy of it came back)."""
    raw = row.raw
    opcode = opcode_of(row)
    if row.kind is RowKind.SYSTEM or raw is None or opcode is None:
        return None
    text: str | None = None
    binary_as_text = False
    if isinstance(raw, str):
        payload = raw.encode("utf-8", errors="surrogatepass")
        text = raw
    else:
        payload = bytes(raw)
        if (opcode is Opcode.BINARY and row.kind in _TEXT_KINDS) or opcode in (
            Opcode.PING,
            Opcode.PONG,
        ):
            text = _utf8(payload)
            binary_as_text = text is not None and opcode is Opcode.BINARY
    value: object = None
    is_json = False
    if text is not None and row.kind in _JSON_KINDS:
        try:
            value = json.loads(text)
            is_json = True
        except (ValueError, RecursionError):
            pass
    return FrameDetails(
        direction=row.direction,
        time=row.time,
        size=len(payload),
        opcode=opcode,
        text=text,
        payload=payload,
        json=value,
        is_json=is_json,
        binary_as_text=binary_as_text,
    )


#: Control characters other than tab and line breaks: bytes with these are
#: data, not text, even when they are valid UTF-8 (desktop/client.py, ``classify``).
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _utf8(data: bytes) -> str | None:
    """``data`` as text when it is UTF-8 text; None for empty or other bytes."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text and not _CONTROL.search(text) else None


# --------------------------------------------------------------------------
# The lazy JSON tree
# --------------------------------------------------------------------------

JsonKind = Literal["object", "array", "string", "number", "boolean", "null"]

#: RFC 9535 (JSONPath), 2.5.1.1: a member name that may follow a dot
#: (``name-first *name-char``); every other name is written ``["..."]``.
_SHORTHAND: Final = re.compile(
    r"[A-Za-z_\u0080-\ud7ff\ue000-\U0010ffff][A-Za-z0-9_\u0080-\ud7ff\ue000-\U0010ffff]*"
)


#: The kinds of the types json.loads makes, found with one look-up (a large
#: array's children are built in one go); other values go through _kind.
_KINDS: Final[dict[type, JsonKind]] = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def _kind(value: object) -> JsonKind:
    # bool before number: True is an int to Python, not to JSON.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return "string"


class JsonNode:
    """One value of a JSON document, with its place in the document.

    ``key`` is the member's name, ``[i]`` for an array's item, ``$`` for the
    root; ``row`` its index among its parent's children. ``children`` is
    built on first access; ``summary`` and ``path`` when asked for.
    """

    __slots__ = ("_children", "_summary", "key", "kind", "parent", "row", "value")

    def __init__(
        self, key: str, value: object, parent: JsonNode | None = None, row: int = 0
    ) -> None:
        self.key = key
        self.value = value
        self.kind: JsonKind = _KINDS.get(type(value)) or _kind(value)
        self.parent = parent
        self.row = row
        self._children: list[JsonNode] | None = None
        self._summary: str | None = None

    def __repr__(self) -> str:
        return f"JsonNode({self.key!r}, {self.kind}, {self.summary!r})"

    @property
    def child_count(self) -> int:
        """How many children, without building them."""
        if self.kind in ("object", "array"):
            assert isinstance(self.value, dict | list | tuple)
            return len(self.value)
        return 0

    @property
    def children(self) -> list[JsonNode]:
        """An object's members in document order, an array's items; built once."""
        if self._children is None:
            value = self.value
            if isinstance(value, dict):
                self._children = [
                    JsonNode(str(key), item, self, i) for i, (key, item) in enumerate(value.items())
                ]
            elif isinstance(value, list | tuple):
                self._children = [JsonNode(f"[{i}]", item, self, i) for i, item in enumerate(value)]
            else:
                self._children = []
        return self._children

    @property
    def summary(self) -> str:
        """One line for the Value column: ``{3 keys}``, ``[10 items]``,
        ``"text"`` (JSON-escaped, cut at :data:`SUMMARY_CHARS`), ``42``,
        ``true``, ``null``."""
        if self._summary is None:
            self._summary = _summary(self.kind, self.value)
        return self._summary

    @property
    def path(self) -> str:
        """Where the node is, JSONPath-like (RFC 9535): ``$.items[3].name``,
        ``$["a b"]``. Found by walking up, so any depth is fine."""
        parts: list[str] = []
        node: JsonNode | None = self
        while node is not None and node.parent is not None:
            if node.parent.kind == "array":
                parts.append(f"[{node.row}]")
            elif _SHORTHAND.fullmatch(node.key):
                parts.append(f".{node.key}")
            else:
                parts.append(f"[{json.dumps(node.key, ensure_ascii=False)}]")
            node = node.parent
        parts.append("$")
        return "".join(reversed(parts))

    def to_json(self) -> str:
        """The node's value as pretty-printed JSON (what "Copy value" copies)."""
        return json.dumps(self.value, indent=2, ensure_ascii=False)


def _summary(kind: JsonKind, value: object) -> str:
    if kind == "object" or kind == "array":
        assert isinstance(value, dict | list | tuple)
        n = len(value)
        if kind == "object":
            if n == 0:
                return "{}"
            words = (
                _t(QT_TRANSLATE_NOOP("Frames", "1 key"))
                if n == 1
                else _t(QT_TRANSLATE_NOOP("Frames", "{count} keys")).format(count=f"{n:,}")
            )
            return "{" + words + "}"
        if n == 0:
            return "[]"
        words = (
            _t(QT_TRANSLATE_NOOP("Frames", "1 item"))
            if n == 1
            else _t(QT_TRANSLATE_NOOP("Frames", "{count} items")).format(count=f"{n:,}")
        )
        return "[" + words + "]"
    if kind == "string":
        text = value if isinstance(value, str) else str(value)
        if len(text) <= SUMMARY_CHARS:
            return json.dumps(text, ensure_ascii=False)
        return json.dumps(text[:SUMMARY_CHARS], ensure_ascii=False)[:-1] + '…"'
    return json.dumps(value)


def json_tree(value: object) -> JsonNode:
    """The root (``$``) of ``value``'s tree; nothing below it is built yet."""
    return JsonNode("$", value)
