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


@dataclass(slots=True, eq=False)
class Row:
    kind: RowKind
    #: The text shown: chat content, the system text, pretty JSON, raw text,
    #: or the binary summary. Always rendered as plain text.
    text: str
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    author: str | None = None
    seq: int | None = None
    #: The client message id (chat rows) — how an acknowledgement finds its row.
    id: str | None = None
    mine: bool = False
    state: SendState | None = None
    direction: Direction = Direction.IN
    severity: Severity | None = None
    #: The frame as it travelled (text or bytes), for "Copy raw".
    raw: str | bytes | None = None
    #: A chat message from someone else that names us (notifications.mentions):
    #: the list marks it.
    mention: bool = False
    #: Only set on CONTROL rows; data rows' opcode follows from ``raw``
    #: (str: text, bytes: binary) — see :func:`opcode_of`.
    opcode: Opcode | None = None


def opcode_of(row: Row) -> Opcode | None:
    """How the row's frame travelled; None for rows that are not a frame
    (system rows, our own chat rows before the server's copy arrived)."""
    if row.opcode is not None:
        return row.opcode
    if isinstance(row.raw, bytes):
        return Opcode.BINARY
    if isinstance(row.raw, str):
        return Opcode.TEXT
    return None


def frame_size(row: Row) -> int | None:
    """The payload's size in bytes as it travelled (UTF-8 for text frames)."""
    if isinstance(row.raw, bytes):
        return len(row.raw)
    if isinstance(row.raw, str):
        return len(row.raw.encode("utf-8"))
    return None


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
