"""Room state and rules, sans I/O: members, names, tokens, seq, idempotency, rates.

A :class:`Room` decides; it sends nothing. Its methods return what must be
sent to whom (:class:`Join`, :class:`Presence` frames, the stored
:class:`~server.protocol.ChatMessage`), and the I/O layer (``app.py``) does
the sending. Every rule cites PROTOCOL.md.

The rules, in one place:

* Names are unique in a room, compared by their key (PROTOCOL.md, Names:
  ``names.name_key``, so "Alice", "alice" and "Аlice" with a Cyrillic А are
  one name). A ``hello`` whose name another member holds gets
  ``name_taken`` and the client stays unjoined (it may send another
  ``hello``) — we do not invent suffixes — unless it carries that name's
  ``token``: then the older connection is replaced (PROTOCOL.md, hello),
  and the name keeps the spelling it was held with.
* ``hello`` without a name, or any other first frame, joins as ``guest-N``
  (N counts up per room; names whose key is taken are skipped).
* ``seq`` is assigned here, +1 per stored message, gap-free: a batch that
  fails to commit is rolled back with :meth:`Room.rollback`.
* Idempotency on ``id`` is room-wide for as long as the message is retained
  (PROTOCOL.md, Order and scope): the room remembers the ids of its last
  ``retention`` messages, plus those waiting to commit.
* Only committed messages count for ``welcome.seq``, replay and history
  (PROTOCOL.md, Delivery promise): ``delivered_seq`` trails ``last_seq``
  while a batch is in flight.
"""

from __future__ import annotations

import hmac
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from .defaults import ABUSE_AFTER, ABUSE_WINDOW, RETENTION
from .errors import NameTaken
from .names import guest_name, name_key
from .protocol import ChatMessage, Post, Presence


def utc_timestamp(now: datetime | None = None) -> str:
    """RFC 3339 UTC with milliseconds, as PROTOCOL.md asks for ``ts``."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_token() -> str:
    return secrets.token_urlsafe(18)


def name_taken(name: str, room: str, held: str | None = None) -> NameTaken:
    """PROTOCOL.md, hello: the name is held and no (or the wrong) token came.

    ``held`` is the spelling a member holds, when it differs from ``name``
    (PROTOCOL.md, Names: the two compare equal)."""
    like = f" (too like {held!r}, which a member holds)" if held and held != name else ""
    return NameTaken(
        f"the name {name!r} is taken in room {room!r}{like}: "
        "choose another, or send the token from your earlier welcome"
    )


def new_message_id() -> str:
    """An id for a message whose sender gave none (PROTOCOL.md, message.id)."""
    return "s-" + secrets.token_hex(8)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of a token or password the peer sent.

    Compared as UTF-8 bytes: ``hmac.compare_digest`` raises TypeError for a
    ``str`` with non-ASCII characters, and a peer's text is anything.
    """
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def stored_message(sender: str, post: Post, *, seq: int, ts: str | None = None) -> ChatMessage:
    """The message a post becomes: the server builds every field it relays
    (PROTOCOL.md: no client can forge ``from``, ``seq`` or ``ts``). The one
    place a stored message is made, for every hub (``seq`` 0: Redis assigns it)."""
    return ChatMessage(
        seq=seq,
        ts=ts or utc_timestamp(),
        sender=sender,
        content=post.content,
        id=post.id if post.id is not None else new_message_id(),
    )


class Verdict(Enum):
    """What the rate limiter says about one frame."""

    OK = "ok"
    LIMITED = "limited"  # answer rate_limited, drop the frame
    ABUSIVE = "abusive"  # close 1008: the peer keeps going after being told


class RateLimiter:
    """A token bucket per connection, plus a count of ignored warnings.

    ``rate`` frames per second on average, bursts of up to ``burst``. A peer
    that has ``abuse_after`` frames refused within ``abuse_window`` seconds is
    abusive: answering each of them would only amplify the flood.
    """

    __slots__ = (
        "abuse_after",
        "abuse_window",
        "burst",
        "rate",
        "refused",
        "refused_since",
        "stamp",
        "tokens",
    )

    def __init__(
        self,
        rate: float,
        burst: float,
        *,
        abuse_after: int = ABUSE_AFTER,
        abuse_window: float = ABUSE_WINDOW,
        now: float = 0.0,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now
        self.abuse_after = abuse_after
        self.abuse_window = abuse_window
        self.refused = 0
        self.refused_since = now

    def take(self, now: float) -> Verdict:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return Verdict.OK
        if now - self.refused_since > self.abuse_window:
            self.refused = 0
            self.refused_since = now
        self.refused += 1
        return Verdict.ABUSIVE if self.refused >= self.abuse_after else Verdict.LIMITED


@dataclass(eq=False, slots=True)
class Member:
    """One joined connection. ``peer`` is whatever the I/O layer sends through."""

    name: str
    token: str
    peer: Any
    #: The name's comparison key (PROTOCOL.md, Names: ``names.name_key``).
    key: str = ""
    #: False while the welcome and replay are being sent: live frames wait in
    #: ``backlog`` so that the member sees them after the replay, in order
    #: (None when none wait: most members never need one).
    live: bool = False
    backlog: list[bytes] | None = None
    backlog_bytes: int = 0
    #: The hub's record of this membership (RedisHub: the exact holder value
    #: in Redis, unique to this connection, so that a late release of an
    #: older connection can never delete a newer claim of the same name).
    claim: str = ""
    #: For the host's view (server/admin.py): when it joined (Unix time) and
    #: how many messages it posted on this connection.
    since: float = 0.0
    sent: int = 0


@dataclass(frozen=True, slots=True)
class Join:
    """The result of :meth:`Room.join`."""

    member: Member
    #: For the others: a leave (when a guest took a name) and then a join.
    presence: tuple[Presence, ...]
    #: The connection this join replaced through its token (close it 1000).
    replaced: Member | None


class Room:
    """The state of one room on one server process."""

    def __init__(
        self,
        name: str,
        *,
        last_seq: int = 0,
        retention: int = RETENTION,
        ids: Iterable[tuple[str, int]] = (),
        epoch: str = "",
    ) -> None:
        self.name = name
        #: PROTOCOL.md, Epochs: the lifetime of this room's history.
        self.epoch = epoch
        self.retention = retention
        self.members: dict[str, Member] = {}
        self.tokens: dict[str, str] = {}
        self.last_seq = last_seq
        self.delivered_seq = last_seq
        self.ids: OrderedDict[str, int] = OrderedDict(ids)
        self._guests = 0

    # -- membership (PROTOCOL.md, Joining) ---------------------------------

    @property
    def count(self) -> int:
        return len(self.members)

    def names(self) -> list[str]:
        return list(self.members)

    def holder(self, key: str) -> Member | None:
        """The member whose name has this comparison key (PROTOCOL.md, Names)."""
        for member in self.members.values():
            if member.key == key:
                return member
        return None

    def guest_name(self) -> str:
        while True:
            self._guests += 1
            name = guest_name(self._guests)
            if self.holder(name_key(name)) is None:
                return name

    def join(
        self,
        peer: Any,
        name: str | None = None,
        token: str | None = None,
        *,
        replacing: Member | None = None,
    ) -> Join:
        """Add a member; ``replacing`` is a guest membership this one takes over.

        Raises :class:`NameTaken` and changes nothing when the name is held.
        """
        replaced: Member | None = None
        if name is None:
            name = self.guest_name()
        key = name_key(name)
        holder = self.holder(key)
        if holder is not None and holder is not replacing:
            if token is None or not same_secret(token, holder.token):
                raise name_taken(name, self.name, holder.name)
            replaced = holder
            name = holder.name  # reclaimed by token: the name keeps its spelling
        presence: list[Presence] = []
        if replacing is not None:
            presence += self._remove(replacing)
        if replaced is not None:
            # The name stays in the room: the others see no leave and no join.
            del self.members[name]
        known = self.tokens.get(name)
        if known is None or token is None or not same_secret(token, known):
            known = self.tokens[name] = new_token()
        if key == name:
            key = name  # most names are their own key: one string, not two (issue 20)
        member = Member(name=name, token=known, peer=peer, key=key)
        self.members[name] = member
        if replaced is None:
            presence.append(Presence(event="join", name=name, count=self.count))
        return Join(member=member, presence=tuple(presence), replaced=replaced)

    def leave(self, member: Member) -> tuple[Presence, ...]:
        """Remove a member (idempotent); the presence frames for the others."""
        return self._remove(member)

    def _remove(self, member: Member) -> tuple[Presence, ...]:
        if self.members.get(member.name) is not member:
            return ()
        del self.members[member.name]
        # A token only keeps a name while it is held: once free, anyone may
        # take it, so the token is of no more use (and the room keeps one per
        # current member, not one per name ever used).
        self.tokens.pop(member.name, None)
        return (Presence(event="leave", name=member.name, count=self.count),)

    def others(self, member: Member | None) -> list[Member]:
        return [m for m in self.members.values() if m is not member]

    # -- messages (PROTOCOL.md, Client → server: message) ------------------

    def post(self, member: Member, post: Post, ts: str | None = None) -> ChatMessage | int:
        """Assign the next seq and return the message to commit.

        A duplicate ``id`` returns the stored message's seq instead (int):
        nothing is stored or broadcast again (PROTOCOL.md, message.id).
        """
        if post.id is not None:
            known = self.ids.get(post.id)
            if known is not None:
                return known
        self.last_seq += 1
        message = stored_message(member.name, post, seq=self.last_seq, ts=ts)
        self.ids[message.id] = message.seq
        # Retention bounds the idempotency window too (PROTOCOL.md, Order and scope).
        while len(self.ids) > self.retention:
            self.ids.popitem(last=False)
        return message

    def committed(self, seq: int) -> None:
        self.delivered_seq = seq

    def rollback(self) -> list[str]:
        """Forget every message after ``delivered_seq`` (their commit failed).

        Returns their ids. Keeps seq gap-free: the next message reuses the seq.
        """
        dropped = [mid for mid, seq in self.ids.items() if seq > self.delivered_seq]
        for mid in dropped:
            del self.ids[mid]
        self.last_seq = self.delivered_seq
        return dropped

    # -- resume and scroll-back (PROTOCOL.md, Delivery promise) -------------

    @property
    def first_retained(self) -> int:
        """The oldest seq the room still serves."""
        return max(1, self.delivered_seq - self.retention + 1)

    def replay_window(self, since: int, epoch: str | None = None) -> tuple[int, int, bool, bool]:
        """For ``hello.since`` (and ``hello.epoch``): (after, upto, truncated,
        reset) — replay seqs after..upto.

        PROTOCOL.md, Epochs: a ``since`` of another epoch, or above the room's
        latest seq, means the client's view is of a history that no longer
        exists: reset, and replay as for ``since: 0``. A hello without an epoch
        (an older client) is taken as matching.
        """
        reset = (epoch is not None and epoch != self.epoch) or since > self.delivered_seq
        if reset:
            since = 0
        floor = self.first_retained - 1
        truncated = since < floor
        after = min(max(since, floor), self.delivered_seq)
        return after, self.delivered_seq, truncated, reset

    @property
    def idle(self) -> bool:
        """No members and nothing in flight: the room may be dropped from memory."""
        return not self.members and self.last_seq == self.delivered_seq
