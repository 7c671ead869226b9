"""What the message list shows, as plain Python data (no Qt).

Every frame that arrives becomes exactly one :class:`Row`: nothing is
dropped from view. ``models.MessageListModel`` is a thin Qt adapter over a
list of these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from server.notices import Severity


class RowKind(Enum):
    CHAT = "chat"  # a Roomcast chat message (server `message` frame, or our own pending one)
    SYSTEM = "system"  # joins, leaves, connection events, errors
    JSON = "json"  # JSON that is not a Roomcast frame (shown pretty-printed)
    TEXT = "text"  # a text frame that is not JSON (shown raw)
    BINARY = "binary"  # a binary frame ("binary · N bytes" and a hex preview)


class Direction(Enum):
    IN = "in"
    OUT = "out"


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


def parse_ts(ts: str) -> datetime:
    """PROTOCOL.md ``ts`` (RFC 3339 UTC) to an aware datetime; now if unreadable."""
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def hex_preview(data: bytes, limit: int = 32) -> str:
    shown = data[:limit].hex(" ")
    return shown + (" …" if len(data) > limit else "")


def binary_summary(data: bytes) -> str:
    return f"binary · {len(data)} bytes\n{hex_preview(data)}"
