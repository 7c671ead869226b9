"""Fan-out: from "a member posted" to "every member has it", via the history store.

:class:`LocalHub` is the embedded default: one process, one SQLite file.
Messages posted during one event-loop turn are committed in one transaction
at the end of that turn (group commit), then handed to ``deliver`` in seq
order. Only then are they broadcast, which is what acknowledges them
(PROTOCOL.md, Delivery promise). A failed commit hands the messages to
``failed`` instead, so that their senders get an ``internal`` error and the
room's seq is rolled back.

A Redis hub (several server processes sharing rooms) will stand behind the
same two methods: ``submit`` and ``flush``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from .errors import HistoryError
from .history import SQLiteHistory
from .protocol import ChatMessage
from .room import Room

log = logging.getLogger("roomcast.hub")

#: deliver(room, messages): broadcast committed messages, oldest first.
Deliver = Callable[[Room, list[ChatMessage]], None]
#: failed(room, [(message, sender peer)], error): tell the senders.
Failed = Callable[[Room, list[tuple[ChatMessage, Any]], HistoryError], None]


#: One loop turn's posts: (room, message, sender peer).
Batch = list[tuple[Room, ChatMessage, Any]]


class TurnBatcher:
    """Collects the posts of one event-loop turn and hands them over together
    (group commit: one transaction, or one Redis pipeline, per turn)."""

    def __init__(self) -> None:
        self._pending: Batch = []
        self._scheduled: asyncio.Handle | None = None

    def submit(self, room: Room, message: ChatMessage, sender: Any) -> None:
        """Queue a message for the end of this loop turn."""
        self._pending.append((room, message, sender))
        if self._scheduled is None:
            self._scheduled = asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Hand over everything pending now (also called at shutdown)."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        batch, self._pending = self._pending, []
        if batch:
            self._commit(batch)

    def _commit(self, batch: Batch) -> None:
        raise NotImplementedError


class LocalHub(TurnBatcher):
    """In-process fan-out with group commit to a :class:`SQLiteHistory`."""

    def __init__(self, history: SQLiteHistory, deliver: Deliver, failed: Failed) -> None:
        super().__init__()
        self.history = history
        self._deliver = deliver
        self._failed = failed

    def _commit(self, batch: Batch) -> None:
        """Commit the turn's messages, then deliver them (or report the failure)."""
        try:
            self.history.append([(room.name, message) for room, message, _ in batch])
        except HistoryError as exc:
            log.error("%s", exc)
            by_room: dict[Room, list[tuple[ChatMessage, Any]]] = {}
            for room, message, sender in batch:
                by_room.setdefault(room, []).append((message, sender))
            for room, lost in by_room.items():
                room.rollback()
                self._failed(room, lost, exc)
            return
        by_room_msgs: dict[Room, list[ChatMessage]] = {}
        for room, message, _ in batch:
            by_room_msgs.setdefault(room, []).append(message)
        for room, messages in by_room_msgs.items():
            room.committed(messages[-1].seq)
            self.history.prune(room.name, room.delivered_seq, room.retention)
            try:
                self._deliver(room, messages)
            except Exception:
                # One room's broken delivery must not stop the others'.
                log.exception("delivering to room %r failed", room.name)
