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
* Every room carries its store's epoch (``Room.epoch``, PROTOCOL.md Epochs).
  A hub that finds the store went backwards under an open room reports
  :meth:`HubEvents.store_reset`; one that lost its lease on its members'
  names reports :meth:`HubEvents.fenced`.

Methods that may need I/O return either their result or an awaitable of it
(``Room | Awaitable[Room]``): the local hub answers at once (unless another
program holds its SQLite file locked), so joining a local room costs no task
and no extra loop turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import HistoryError
from .history import RETRY_FIRST, HistoryStore, Loaded, SQLiteHistory, next_retry
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

    def store_reset(self, room: Room, why: str) -> None:
        """The room's store went backwards or was replaced under this node (a
        Redis restart without persistence, a failover that lost writes): its
        connections here are closed with 1012 so that they resume and get the
        reset (PROTOCOL.md, Epochs). The hub forgets the room; the next
        connection opens it afresh."""

    def fenced(self, why: str) -> None:
        """This node was taken for dead (its heartbeat lease lapsed): every
        member here is closed with 1012, to rejoin and reclaim its name."""


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


#: A wait this long for a SQLite file locked by another program is logged once it ends.
LOCK_WAIT_WARNING = 1.0

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
        batch = self._take_pending()
        if batch:
            self._commit(batch)

    def _take_pending(self) -> Batch:
        """This turn's messages so far, taken out of the turn."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        batch, self._pending = self._pending, []
        return batch

    def _commit(self, batch: Batch) -> None:
        raise NotImplementedError


class LocalHub(TurnBatcher):
    """Rooms of one process, with group commit to a :class:`SQLiteHistory`.

    A commit never waits on the event loop for a lock that another program
    holds on the file (a backup, the ``sqlite3`` shell): the store says
    "busy" within a few milliseconds, and the batch waits, retried with
    ``loop.call_later`` (5 ms doubling to 200 ms). Later turns' batches wait
    behind it and are retried with it, so that commit order stays seq order
    (PROTOCOL.md, Order and scope). Nothing waiting is acknowledged before
    its commit (PROTOCOL.md, Delivery promise). Once the oldest has waited
    ``history.busy_deadline`` seconds, everything waiting fails like any
    failed commit: each room rolls back every message it has not committed
    (seq stays gap-free) and the senders are told to resend.
    """

    def __init__(self, history: SQLiteHistory, events: HubEvents, *, retention: int) -> None:
        super().__init__()
        self._history = history
        self.events = events
        self.retention = retention
        #: Messages waiting for the file's write lock, in seq order (empty: none).
        self._waiting: Batch = []
        self._delay = RETRY_FIRST
        #: loop.time() when the oldest waiting message first found the file locked.
        self._waiting_since = 0.0
        #: Senders of a duplicate id whose original is not committed yet, by
        #: (room, seq): its broadcast acknowledges them, and if its commit
        #: fails they are told to resend too.
        self._riders: dict[tuple[Room, int], list[Any]] = {}
        self._settled = asyncio.Event()
        self._settled.set()

    @property
    def history(self) -> SQLiteHistory:
        return self._history

    async def start(self) -> None:
        try:
            await self._history.start()  # waits (off the loop) if the file was locked
        except BaseException:
            self._history.close()
            raise

    async def close(self) -> None:
        self.flush()
        # What waits for the lock gets its chance, up to the deadline: stored,
        # or its senders told to resend (PROTOCOL.md, Delivery promise).
        await self._settled.wait()
        self._history.close()

    def health(self) -> dict[str, Any]:
        return {}

    # -- rooms and names (PROTOCOL.md, Joining) -----------------------------------

    def open_room(self, name: str) -> Room | Awaitable[Room]:
        loaded = self._history.load(name, self.retention)
        if isinstance(loaded, tuple):
            return self._room(name, loaded)
        return self._room_when_loaded(name, loaded)  # the file is locked: retried off the loop

    async def _room_when_loaded(self, name: str, loading: Awaitable[Loaded]) -> Room:
        return self._room(name, await loading)

    def _room(self, name: str, loaded: Loaded) -> Room:
        latest, ids = loaded
        return Room(
            name, last_seq=latest, retention=self.retention, ids=ids, epoch=self._history.epoch
        )

    def close_room(self, room: Room) -> None:
        self._history.forget(room.name)  # its pruning mark, reloaded on open

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
        else:
            self._riders.setdefault((room, result), []).append(sender)

    def _commit(self, batch: Batch) -> None:
        """Commit the turn's messages, then deliver them (or report the failure)."""
        if self._waiting:
            self._waiting += batch  # behind the batch that waits for the lock
        else:
            self._store(batch)

    def _store(self, batch: Batch) -> None:
        try:
            stored = self._history.append([(room.name, message) for room, message, _ in batch])
        except HistoryError as exc:
            self._fail(batch, exc)
            return
        except Exception as exc:
            # A bug, not the store: still, no message may be left neither
            # stored nor failed (its room's seq would never move past it).
            log.exception("storing %d message(s) failed", len(batch))
            self._fail(batch, HistoryError(f"cannot store {len(batch)} message(s): {exc!r}"))
            return
        if stored:
            self._deliver(batch)
            return
        # Another connection holds the write lock: wait, off the loop.
        loop = asyncio.get_running_loop()
        if self._settled.is_set():
            self._settled.clear()
            self._waiting_since = loop.time()
            self._delay = RETRY_FIRST
        waited = loop.time() - self._waiting_since
        if waited >= self._history.busy_deadline:
            self._fail(
                batch,
                HistoryError(
                    f"cannot store {len(batch)} message(s): the history database "
                    f"{self._history.path} stayed locked by another program for {waited:.1f} s"
                ),
            )
            return
        self._waiting = batch
        loop.call_later(self._delay, self._store_waiting)
        self._delay = next_retry(self._delay)

    def _store_waiting(self) -> None:
        # This turn's posts so far join the wait (they come later in seq
        # order), so that what waits is every message not yet committed.
        batch, self._waiting = self._waiting + self._take_pending(), []
        self._store(batch)

    def _deliver(self, batch: Batch) -> None:
        self._settle()
        by_room: dict[Room, list[ChatMessage]] = {}
        for room, message, _ in batch:
            by_room.setdefault(room, []).append(message)
        for room, messages in by_room.items():
            room.committed(messages[-1].seq)
            if self._riders:
                for message in messages:
                    self._riders.pop((room, message.seq), None)
            self._history.prune(room.name, room.delivered_seq, room.retention)
            try:
                self.events.deliver(room, messages)
            except Exception:
                # One room's broken delivery must not stop the others'.
                log.exception("delivering to room %r failed", room.name)

    def _fail(self, batch: Batch, error: HistoryError) -> None:
        """Not stored: every room of the batch forgets what it has not committed
        (all of it is in the batch), and the senders are told to resend."""
        self._settle()
        log.error("%s", error)
        by_room: dict[Room, list[tuple[ChatMessage, Any]]] = {}
        for room, message, sender in batch:
            lost = by_room.setdefault(room, [])
            lost.append((message, sender))
            if self._riders:
                lost += [(message, rider) for rider in self._riders.pop((room, message.seq), ())]
        for room, lost in by_room.items():
            room.rollback()
            try:
                self.events.failed(room, lost, error)
            except Exception:
                log.exception("reporting the failure to room %r failed", room.name)

    def _settle(self) -> None:
        """Nothing waits for the lock any more."""
        if not self._settled.is_set():
            waited = asyncio.get_running_loop().time() - self._waiting_since
            if waited >= LOCK_WAIT_WARNING:
                log.warning(
                    "the history database %s was locked by another program; messages waited %.1f s",
                    self._history.path,
                    waited,
                )
            self._settled.set()
