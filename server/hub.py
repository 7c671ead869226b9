"""Hubs: where rooms live, names are claimed, and messages are stored and fanned out.

:class:`Hub` is the one interface the server (``app.RoomServer``) talks to;
it never asks which hub it has. Two implement it fully:

* :class:`LocalHub`, the embedded default: one process, one SQLite file
  (:class:`~server.history.SQLiteHistory`), rooms in memory;
* ``redis_hub.RedisHub`` (``--redis``): rooms shared by several processes
  through Redis Streams.

The rules every hub keeps (PROTOCOL.md, Delivery promise):

* Posts of one event-loop turn are stored together at the end of the turn
  (:class:`TurnBatcher`: one transaction, or one pipeline). Only a stored
  message is handed to :meth:`HubEvents.deliver`, whose broadcast is what
  acknowledges it; a failed store goes to :meth:`HubEvents.failed` instead,
  and the senders are told to resend.
* A message id stored before is not stored again: the hub reports it to
  :meth:`HubEvents.duplicate` (the sender alone gets the stored copy) once
  that copy is committed.
* Names are unique room-wide; :meth:`Hub.claim` raises ``NameTaken`` (the
  client may try another) or ``SharedStateDown`` (try later).
* Membership changes reach the others through :meth:`HubEvents.presence`,
  whichever process holds the connections; a name reclaimed with its token
  closes the connection that held it (:meth:`HubEvents.replaced`).

Methods that may need I/O return either their result or an awaitable of it
(``Room | Awaitable[Room]``): the local hub answers at once, so joining a
local room costs no task and no extra loop turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import HistoryError
from .history import HistoryStore, SQLiteHistory
from .protocol import ChatMessage, Post, Presence
from .room import Member, Room

log = logging.getLogger("roomcast.hub")


@dataclass(frozen=True, slots=True)
class Joined:
    """The result of :meth:`Hub.claim`."""

    member: Member
    #: Everyone in the room after the join, the joiner included (welcome.members).
    members: tuple[str, ...]
    #: A connection on this node that held the name and was reclaimed by token:
    #: close it with 1000 (PROTOCOL.md, hello.token).
    replaced: Member | None


class HubEvents(Protocol):
    """What a hub tells the server. ``sender`` is the opaque peer given to submit."""

    def deliver(self, room: Room, messages: list[ChatMessage]) -> None:
        """Stored messages, oldest first: broadcast them to every member."""

    def failed(self, room: Room, lost: list[tuple[ChatMessage, Any]], error: HistoryError) -> None:
        """These messages were not stored: tell their senders to resend."""

    def duplicate(self, room: Room, seq: int, sender: Any) -> None:
        """The sender's message id was stored before, as ``seq``."""

    def presence(self, room: Room, subject: Member | None, frames: Sequence[Presence]) -> None:
        """Membership changed: tell every member but ``subject`` (the joiner)."""

    def replaced(self, member: Member) -> None:
        """Another connection took this member's name with its token: close this one."""


class Hub(Protocol):
    """Everything the server needs from where rooms live. See the module docstring."""

    @property
    def history(self) -> HistoryStore: ...

    async def start(self) -> None:
        """Reach the store (raises ConfigError when it cannot be used at all)."""

    async def close(self) -> None:
        """Store what is pending and let go of the store."""

    def health(self) -> dict[str, Any]:
        """Fields for ``/healthz``; ``status: degraded`` when the store is unreachable."""
        ...

    def open_room(self, name: str) -> Room | Awaitable[Room]:
        """The room's state, loaded from the store (raises HistoryError)."""
        ...

    def close_room(self, room: Room) -> None:
        """Nobody is in the room on this node any more."""

    def claim(
        self,
        room: Room,
        peer: Any,
        name: str | None,
        token: str | None,
        replacing: Member | None,
    ) -> Joined | Awaitable[Joined]:
        """Join ``peer`` as ``name`` (guest-N when None), reclaiming with ``token``;
        ``replacing`` is its guest membership, which the join takes the place of."""
        ...

    def release(self, room: Room, member: Member) -> None:
        """The member left (the others are told)."""

    def submit(self, room: Room, member: Member, post: Post, sender: Any) -> None:
        """Store and deliver a post, at the end of this loop turn."""

    def flush(self) -> None:
        """Store what this turn submitted now (at shutdown)."""


#: One loop turn's posts: (room, message, sender peer).
Batch = list[tuple[Room, ChatMessage, Any]]


class TurnBatcher:
    """Collects the messages of one event-loop turn and hands them over together
    (group commit: one transaction, or one Redis pipeline, per turn)."""

    def __init__(self) -> None:
        self._pending: Batch = []
        self._scheduled: asyncio.Handle | None = None

    def _queue(self, room: Room, message: ChatMessage, sender: Any) -> None:
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
    """Rooms of one process, with group commit to a :class:`SQLiteHistory`."""

    def __init__(self, history: SQLiteHistory, events: HubEvents, *, retention: int) -> None:
        super().__init__()
        self._history = history
        self.events = events
        self.retention = retention

    @property
    def history(self) -> SQLiteHistory:
        return self._history

    async def start(self) -> None:
        pass  # the file was opened (and checked) when the hub was made

    async def close(self) -> None:
        self.flush()
        self._history.close()

    def health(self) -> dict[str, Any]:
        return {}

    # -- rooms and names (PROTOCOL.md, Joining) -----------------------------------

    def open_room(self, name: str) -> Room:
        latest, ids = self._history.load(name, self.retention)
        return Room(name, last_seq=latest, retention=self.retention, ids=ids)

    def close_room(self, room: Room) -> None:
        pass  # nothing is held for a room beyond the Room itself

    def claim(
        self,
        room: Room,
        peer: Any,
        name: str | None,
        token: str | None,
        replacing: Member | None,
    ) -> Joined:
        joined = room.join(peer, name, token, replacing=replacing)  # raises NameTaken
        self.events.presence(room, joined.member, joined.presence)
        return Joined(joined.member, tuple(room.names()), joined.replaced)

    def release(self, room: Room, member: Member) -> None:
        self.events.presence(room, None, room.leave(member))

    # -- messages -------------------------------------------------------------------

    def submit(self, room: Room, member: Member, post: Post, sender: Any) -> None:
        result = room.post(member, post)
        if isinstance(result, ChatMessage):
            self._queue(room, result, sender)
        elif result <= room.delivered_seq:
            # A duplicate id (PROTOCOL.md, message.id): not stored again. Once
            # committed, the sender alone gets the stored copy; while its batch
            # is in flight, the coming broadcast is the acknowledgement.
            self.events.duplicate(room, result, sender)

    def _commit(self, batch: Batch) -> None:
        """Commit the turn's messages, then deliver them (or report the failure)."""
        try:
            self._history.append([(room.name, message) for room, message, _ in batch])
        except HistoryError as exc:
            log.error("%s", exc)
            by_room: dict[Room, list[tuple[ChatMessage, Any]]] = {}
            for room, message, sender in batch:
                by_room.setdefault(room, []).append((message, sender))
            for room, lost in by_room.items():
                room.rollback()
                self.events.failed(room, lost, exc)
            return
        by_room_msgs: dict[Room, list[ChatMessage]] = {}
        for room, message, _ in batch:
            by_room_msgs.setdefault(room, []).append(message)
        for room, messages in by_room_msgs.items():
            room.committed(messages[-1].seq)
            self._history.prune(room.name, room.delivered_seq, room.retention)
            try:
                self.events.deliver(room, messages)
            except Exception:
                # One room's broken delivery must not stop the others'.
                log.exception("delivering to room %r failed", room.name)
