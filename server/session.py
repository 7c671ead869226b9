"""The rules of one connection, sans I/O.

A :class:`Session` is told what happened on its connection (a frame
arrived, the room opened, a join completed, history was read, the
connection closed) and answers with what to do, as a list of actions
(:class:`Send`, :class:`Relay`, :class:`Close`, :class:`Join`,
:class:`Submit`, :class:`Replay`, :class:`Fetch`, ...). It does no I/O,
holds no asyncio object and reads no clock: the adapter
(``app.RoomServer``) passes ``now``, carries the actions out and reports
their results back. Room state (members, seq, history windows) belongs to
:class:`~server.room.Room`, which the session only reads; storing and
fan-out belong to the hub. So every rule of PROTOCOL.md "Joining" for one
connection is here and testable without sockets (``tests/server/test_session.py``).

Phases, and what a frame does in each (PROTOCOL.md, Joining)::

    OPENING   the room is being opened (shared rooms ask Redis): frames wait
    AUTH      a password room: the first frame must be hello with the password
    OPEN      not joined; hello may still come
    GUEST     joined as guest-N at connect (no subprotocol); hello may still come
    MEMBER    joined; hello is no longer valid
    CLOSED    closing or closed: whatever the peer still sends is dropped

The table :data:`RULES` maps (phase, kind of frame) to what happens. Kinds:
``hello``, a ``request`` (message, typing, history), ``binary``, ``bad`` (a
frame that does not parse) and ``bad-hello`` (a hello that does not parse).

What a text frame *is* depends on what the client offered, not on the phase
(PROTOCOL.md 1.1, Joining), and is decided in one place, :meth:`Session.parse`:
from a client that offered ``roomcast.v1`` every frame must be a JSON object
with a known ``type`` (else ``invalid_json`` / ``invalid_frame`` /
``unknown_type``); a client that offered none speaks like the tutorial's, and
a text frame from it that is not a JSON object with a known ``type`` is a
``request``: a ``message`` whose content is the frame's text
(:func:`~server.protocol.plain_post`; the same content limits, the same rate).
So the rule holds whichever hub stores the message, local or Redis.

Orthogonal to the phase, a session may be *waiting* for one result (a join,
a replay page, a history page, a stored copy, the socket to drain): frames
that arrive meanwhile wait in an inbox and are handled in order once the
result is in; past ``inbox_pause`` of them the adapter stops reading the
socket (TCP backpressure) until the inbox drains. The rate limit counts
every frame after authentication, before it is parsed (a flood costs no
parsing).

Pages are sent against the socket (issue 14): a replay or a history answer
is read ``page_bytes`` of content at a time, and after each page the session
waits until the socket has drained (:class:`AwaitDrain`) before it reads the
next page or handles the next frame. A client that catches up reads as fast
as it likes and is never closed for it; one that does not read makes the
server hold one page and what the transport holds, never more.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias

from .defaults import ABUSE_AFTER, BURST, HELLO_TIMEOUT, RATE
from .errors import (
    InvalidFrame,
    ProtocolError,
    RateLimited,
    RoomcastError,
    ServerError,
    TooMany,
    Unauthorized,
    UnsupportedData,
)
from .limits import AddressLimits
from .names import name_key
from .protocol import (
    ChatMessage,
    ClientFrame,
    Error,
    Hello,
    HistoryPage,
    HistoryRequest,
    Post,
    ServerFrame,
    Typing,
    TypingNotice,
    Welcome,
    parse_client_frame,
)
from .room import Member, RateLimiter, Room, Verdict, same_secret

#: Replay pages read from history at a time (PROTOCOL.md, Delivery promise).
REPLAY_PAGE: Final = 500
#: Content bytes read and sent per page before the socket must drain: well
#: below the default max_buffer, so that a page never closes a fast reader.
PAGE_BYTES: Final = 512 * 1024
#: Frames waiting behind one that awaits a result before the connection stops
#: being read (TCP backpressure on a client that floods during its replay).
INBOX_PAUSE: Final = 64


# ---------------------------------------------------------------------------
# Actions: what the adapter must do
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Send:
    """Send these frames to this connection, in order."""

    frames: tuple[ServerFrame, ...]


@dataclass(frozen=True, slots=True)
class Relay:
    """Send a frame to the room's other members (never stored)."""

    frame: ServerFrame


@dataclass(frozen=True, slots=True)
class Close:
    """Close the connection. ``abort``: drop what is queued (RFC 6455 7.1.7).
    ``report``: a line for the operator's log (a warning), if any."""

    code: int
    reason: str
    abort: bool = False
    report: str | None = None


@dataclass(frozen=True, slots=True)
class Join:
    """Claim ``hello.name`` (or a guest name) in the room; answer with
    :meth:`Session.joined` or :meth:`Session.join_refused`. ``replacing``: the
    guest membership this join takes the place of."""

    hello: Hello
    replacing: Member | None


@dataclass(frozen=True, slots=True)
class Leave:
    """Give the member's name back; the others see it leave."""

    member: Member


@dataclass(frozen=True, slots=True)
class Submit:
    """Store and broadcast a post (the hub acknowledges it by broadcasting)."""

    member: Member
    post: Post


@dataclass(frozen=True, slots=True)
class Replay:
    """Read messages after < seq <= upto, at most ``limit`` and ``max_bytes`` of
    content (the first always); answer :meth:`Session.replayed`."""

    after: int
    upto: int
    limit: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Fetch:
    """Read the newest ``limit`` messages floor <= seq < before, at most
    ``max_bytes`` of content (the newest always); answer :meth:`Session.history_loaded`."""

    before: int
    floor: int
    limit: int
    max_bytes: int


@dataclass(frozen=True, slots=True)
class AwaitDrain:
    """Call :meth:`Session.drained` once what was sent has (mostly) left: at
    once if the socket is below its high-water mark, else when it drains."""


@dataclass(frozen=True, slots=True)
class Resend:
    """Read the stored message ``seq``; answer :meth:`Session.resent`."""

    seq: int


@dataclass(frozen=True, slots=True)
class GoLive:
    """The welcome and replay are out: live frames held back for the member go now."""

    member: Member


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Call :meth:`Session.timed_out` after ``seconds`` unless cancelled."""

    seconds: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    pass


@dataclass(frozen=True, slots=True)
class PauseReading:
    pass


@dataclass(frozen=True, slots=True)
class ResumeReading:
    pass


Action: TypeAlias = (
    Send
    | Relay
    | Close
    | Join
    | Leave
    | Submit
    | Replay
    | Fetch
    | Resend
    | AwaitDrain
    | GoLive
    | StartTimer
    | CancelTimer
    | PauseReading
    | ResumeReading
)


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------


class Phase(enum.Enum):
    OPENING = "opening"
    AUTH = "auth"
    OPEN = "open"
    GUEST = "guest"
    MEMBER = "member"
    CLOSED = "closed"


class Rule(enum.Enum):
    """What a frame does; see :data:`RULES`."""

    WAIT = "wait"  # keep it in the inbox until the room is open
    AUTHENTICATE = "authenticate"  # hello with the password, or 1008
    REFUSE = "refuse"  # unauthorized, 1008
    JOIN = "join"  # claim the hello's name
    JOIN_AS_GUEST = "join-as-guest"  # join as guest-N, then handle the frame
    HANDLE = "handle"  # the member's request (or the error it earned)
    ANSWER = "answer"  # answer the parse error; the phase does not change
    LATE_HELLO = "late-hello"  # invalid_frame: hello is a first frame only
    DROP = "drop"  # closing: nothing more is handled


#: PROTOCOL.md, Joining, as data: (phase, kind of frame) -> rule.
#: A GUEST that sends anything but hello becomes a MEMBER (its chance to send
#: hello is over); a JOIN from OPEN or GUEST becomes MEMBER once joined.
RULES: Final[dict[tuple[Phase, str], Rule]] = {
    (Phase.OPENING, "hello"): Rule.WAIT,
    (Phase.OPENING, "request"): Rule.WAIT,
    (Phase.OPENING, "binary"): Rule.WAIT,
    (Phase.OPENING, "bad"): Rule.WAIT,
    (Phase.OPENING, "bad-hello"): Rule.WAIT,
    (Phase.AUTH, "hello"): Rule.AUTHENTICATE,
    (Phase.AUTH, "request"): Rule.REFUSE,
    (Phase.AUTH, "binary"): Rule.REFUSE,
    (Phase.AUTH, "bad"): Rule.REFUSE,
    (Phase.AUTH, "bad-hello"): Rule.REFUSE,
    (Phase.OPEN, "hello"): Rule.JOIN,
    (Phase.OPEN, "request"): Rule.JOIN_AS_GUEST,
    (Phase.OPEN, "binary"): Rule.JOIN_AS_GUEST,
    (Phase.OPEN, "bad"): Rule.JOIN_AS_GUEST,
    (Phase.OPEN, "bad-hello"): Rule.ANSWER,
    (Phase.GUEST, "hello"): Rule.JOIN,
    (Phase.GUEST, "request"): Rule.HANDLE,
    (Phase.GUEST, "binary"): Rule.HANDLE,
    (Phase.GUEST, "bad"): Rule.HANDLE,
    (Phase.GUEST, "bad-hello"): Rule.ANSWER,
    (Phase.MEMBER, "hello"): Rule.LATE_HELLO,
    (Phase.MEMBER, "request"): Rule.HANDLE,
    (Phase.MEMBER, "binary"): Rule.HANDLE,
    (Phase.MEMBER, "bad"): Rule.HANDLE,
    (Phase.MEMBER, "bad-hello"): Rule.ANSWER,
    (Phase.CLOSED, "hello"): Rule.DROP,
    (Phase.CLOSED, "request"): Rule.DROP,
    (Phase.CLOSED, "binary"): Rule.DROP,
    (Phase.CLOSED, "bad"): Rule.DROP,
    (Phase.CLOSED, "bad-hello"): Rule.DROP,
}

_BINARY_REFUSED: Final = "binary frames are not supported: send JSON in text frames"


@dataclass(frozen=True, slots=True)
class Rules:
    """A server's settings that every session reads (one object per server)."""

    server_name: str
    password: str | None = None
    rate: float = RATE
    burst: float = BURST
    abuse_after: int = ABUSE_AFTER
    hello_timeout: float = HELLO_TIMEOUT
    replay_page: int = REPLAY_PAGE
    #: Content bytes per replay or history page (see the module docstring).
    page_bytes: int = PAGE_BYTES
    inbox_pause: int = INBOX_PAUSE
    #: The server's per-address limits (password backoff, message buckets
    #: that survive reconnects, members per room); None: per connection only.
    limits: AddressLimits | None = None


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A frame after the rate limit and parsing: its kind, and the frame or error."""

    kind: str
    frame: ClientFrame | None = None
    error: ProtocolError | None = None


class Session:
    """One connection's state. See the module docstring for the rules."""

    __slots__ = (
        "_clock",
        "_hello",
        "_inbox",
        "_paused",
        "_pending",
        "_replay",
        "_then",
        "_waiting",
        "address",
        "limiter",
        "member",
        "phase",
        "room",
        "rules",
        "subprotocol",
    )

    def __init__(self, rules: Rules, *, subprotocol: bool, now: float, address: str = "?") -> None:
        self.rules = rules
        #: The peer's address as the limits count it (limits.address_key).
        self.address = address
        #: Did the client offer ``roomcast.v1``? (PROTOCOL.md, Joining)
        self.subprotocol = subprotocol
        self.limiter = RateLimiter(rules.rate, rules.burst, abuse_after=rules.abuse_after, now=now)
        self.phase = Phase.OPENING
        self.room: Room | None = None
        self.member: Member | None = None
        #: The result the session waits for, if any: "room" (opened), "join"
        #: (joined / join_refused), "replay" (replayed), "history"
        #: (history_loaded), "resend" (resent) or "drain" (drained).
        self._waiting: str | None = "room"
        #: Frames waiting behind a result (see the module docstring); None when
        #: none wait, which is nearly always (issue 20: an empty list is 56
        #: bytes on every idle connection).
        self._inbox: list[tuple[str | bytes | _ResendMarker, float]] | None = None
        self._paused = False
        #: Is the password clock running? (StartTimer sent, not yet cancelled.)
        self._clock = False
        #: The hello of the join under way (its since and token).
        self._hello: Hello | None = None
        #: The phase a join ends in, and the frame to handle after it.
        self._then: Phase = Phase.MEMBER
        self._pending: _Parsed | None = None
        #: The replay under way: (after, upto), PROTOCOL.md Delivery promise.
        self._replay: tuple[int, int] | None = None

    # -- events -----------------------------------------------------------------

    @property
    def waiting(self) -> str | None:
        return self._waiting

    @property
    def closed(self) -> bool:
        return self.phase is Phase.CLOSED

    def opened(self, room: Room, now: float) -> list[Action]:
        """The room is open: start the password clock, or join a guest at once."""
        self.room = room
        self._waiting = None
        out: list[Action] = []
        if self.phase is Phase.CLOSED:
            return out
        if self.rules.password is not None:
            self.phase = Phase.AUTH
            self._clock = True
            out.append(StartTimer(self.rules.hello_timeout))
        elif not self.subprotocol:
            # PROTOCOL.md, Joining: a client that offered no subprotocol is a
            # guest from the moment it connects, like the tutorial's.
            self.phase = Phase.OPEN
            self._begin_join(Hello(), None, then=Phase.GUEST, pending=None, out=out)
        else:
            self.phase = Phase.OPEN
        self._drain(out)
        return out

    def receive(self, data: str | bytes, now: float) -> list[Action]:
        """A text (str) or binary (bytes) message arrived."""
        out: list[Action] = []
        if self.phase is Phase.CLOSED:
            return out
        if self._waiting is not None:
            inbox = self._wait_in_inbox((data, now))
            if len(inbox) >= self.rules.inbox_pause and not self._paused:
                self._paused = True
                out.append(PauseReading())
            return out
        self._handle(data, now, out)
        return out

    def joined(self, member: Member, members: Sequence[str]) -> list[Action]:
        """The claim succeeded: welcome, replay what was missed, go live."""
        assert self._waiting == "join"
        assert self.room is not None
        assert self._hello is not None
        out: list[Action] = []
        self._waiting = None
        if self.phase is Phase.CLOSED:
            out.append(Leave(member))
            return out
        room, hello = self.room, self._hello
        self.member = member
        self.phase = self._then
        limits = self.rules.limits
        if limits is not None:
            # The message bucket of this name from this address, kept across
            # reconnects (issue 14): a flooder that reconnects keeps its empty
            # bucket. What this connection counted so far (the hello) is kept.
            name = None if hello.name is None else member.name
            self.limiter = limits.limiter(
                self.address, name, self.limiter.stamp, adopt=self.limiter
            )
        after = upto = room.delivered_seq
        truncated = reset = False
        if hello.since is not None:
            after, upto, truncated, reset = room.replay_window(hello.since, hello.epoch)
        welcome = Welcome(
            room=room.name,
            you=member.name,
            token=member.token,
            members=tuple(members),
            seq=upto,
            replay=upto - after,
            truncated=truncated,
            server=self.rules.server_name,
            epoch=room.epoch,
            reset=reset,
        )
        self._hello = None
        out.append(Send((welcome,)))
        if after < upto:
            # Missed messages follow the welcome, in seq order, as ordinary
            # message frames; live frames wait for the member meanwhile.
            self._waiting = "replay"
            self._replay = (after, upto)
            out.append(self._next_page(after, upto))
            return out
        out.append(GoLive(member))
        self._after_join(out)
        return out

    def join_refused(self, error: RoomcastError) -> list[Action]:
        """The claim failed: the name is taken (try another), or the store is down."""
        assert self._waiting == "join"
        out: list[Action] = []
        self._waiting = None
        self._pending = None
        if self.phase is Phase.CLOSED:
            return out
        out.append(Send((Error.from_exception(error),)))
        if isinstance(error, ServerError):
            self.phase = Phase.CLOSED
            out.append(Close(1013, "shared state (Redis) unavailable, try again later"))
            return out
        # PROTOCOL.md, hello: name_taken leaves the client as it was; it may
        # send another hello (we do not invent suffixes).
        self._drain(out)
        return out

    def replayed(self, page: Sequence[ChatMessage]) -> list[Action]:
        """A replay page was read (oldest first)."""
        assert self._waiting == "replay"
        out: list[Action] = []
        if self.phase is Phase.CLOSED:  # closed meanwhile (a slow consumer, say)
            self._waiting = None
            self._replay = None
            return out
        assert self.member is not None
        assert self._replay is not None
        _, upto = self._replay
        if page:
            out.append(Send(tuple(page)))
            after = page[-1].seq
            if after < upto:
                # The next page once this one has left (flow control).
                self._replay = (after, upto)
                self._waiting = "drain"
                out.append(AwaitDrain())
                return out
        self._replay = None
        self._waiting = None
        out.append(GoLive(self.member))
        self._after_join(out)
        return out

    def history_loaded(self, messages: Sequence[ChatMessage]) -> list[Action]:
        """A scroll-back page was read: answer it (PROTOCOL.md, history)."""
        assert self._waiting == "history"
        assert self.room is not None
        self._waiting = None
        out: list[Action] = []
        if self.phase is Phase.CLOSED:
            return out
        complete = not messages or messages[0].seq <= self.room.first_retained
        out.append(Send((HistoryPage(messages=tuple(messages), complete=complete),)))
        # The next frame (another history request, say) once this page has left.
        self._waiting = "drain"
        out.append(AwaitDrain())
        return out

    def drained(self) -> list[Action]:
        """The socket took what was sent: the next replay page, or the next frame."""
        out: list[Action] = []
        if self._waiting != "drain" or self.phase is Phase.CLOSED:
            return out
        if self._replay is not None:
            self._waiting = "replay"
            out.append(self._next_page(*self._replay))
            return out
        self._waiting = None
        self._drain(out)
        return out

    def duplicate(self, seq: int) -> list[Action]:
        """The hub found this member's message id stored before as ``seq``: the
        sender alone gets the stored copy (PROTOCOL.md, message.id), in order
        with the answers to its other frames."""
        out: list[Action] = []
        if self.phase is Phase.CLOSED:
            return out
        if self._waiting is not None:
            self._wait_in_inbox((_ResendMarker(seq), 0.0))
            return out
        self._waiting = "resend"
        out.append(Resend(seq))
        return out

    def resent(self, message: ChatMessage | None) -> list[Action]:
        assert self._waiting == "resend"
        self._waiting = None
        out: list[Action] = []
        if self.phase is Phase.CLOSED:
            return out
        if message is not None:
            out.append(Send((message,)))
        self._drain(out)
        return out

    def failed(self) -> list[Action]:
        """An awaited result failed unexpectedly (a bug or a store error): 1011."""
        self._waiting = None
        self._inbox = None
        return self._close(Close(1011, "unexpected server error"))

    def timed_out(self) -> list[Action]:
        """The password clock ran out before a hello came."""
        self._clock = False
        if self.phase is not Phase.AUTH:
            return []
        why = f"no hello with the room password within {self.rules.hello_timeout:g} s"
        return self._refuse(why)

    def replaced(self) -> list[Action]:
        """Another connection reclaimed this member's name with its token: the
        name stays in the room, so nobody sees a leave (PROTOCOL.md, hello.token)."""
        self.member = None
        return self._close(Close(1000, "replaced by a new connection"))

    def slow(self, unsent: int) -> list[Action]:
        """PROTOCOL.md, Close codes: a slow consumer is closed with 1013."""
        if self.phase is Phase.CLOSED:
            return []
        who = self.member.name if self.member is not None else "an unjoined client"
        room = self.room.name if self.room is not None else "?"
        out: list[Action] = []
        if self.member is not None:
            out.append(Leave(self.member))
            self.member = None
        self._stop_clock(out)
        self.phase = Phase.CLOSED
        out.append(
            Close(
                1013,
                "slow consumer: too far behind, reconnect later",
                abort=True,
                report=f"closed {who} in room {room!r}: slow consumer ({unsent} bytes unsent)",
            )
        )
        return out

    def close(self, code: int, reason: str) -> list[Action]:
        """The server closes this connection (e.g. the room could not be opened)."""
        return self._close(Close(code, reason))

    def refuse(self, why: str) -> list[Action]:
        """Refused by the host (a banned name): ``unauthorized``, then 1008."""
        return self._refuse(why)

    def connection_lost(self) -> list[Action]:
        """The TCP connection ended: the member leaves."""
        out: list[Action] = []
        self._stop_clock(out)
        self.phase = Phase.CLOSED
        self._inbox = None
        if self.member is not None:
            out.append(Leave(self.member))
            self.member = None
        return out

    def parse(self, data: str | bytes) -> _Parsed:
        """A frame's kind, and the frame or its error: the one place where what
        the client offered decides how its text is read (see the module docstring)."""
        return _parse(data, plain_text=not self.subprotocol)

    # -- internals ----------------------------------------------------------------

    def _next_page(self, after: int, upto: int) -> Replay:
        return Replay(after, upto, self.rules.replay_page, self.rules.page_bytes)

    def _close(self, action: Close) -> list[Action]:
        if self.phase is Phase.CLOSED:
            return []
        out: list[Action] = []
        self._stop_clock(out)
        self.phase = Phase.CLOSED
        out.append(action)
        return out

    def _stop_clock(self, out: list[Action]) -> None:
        if self._clock:
            self._clock = False
            out.append(CancelTimer())

    def _refuse(self, why: str) -> list[Action]:
        out: list[Action] = [Send((Error.from_exception(Unauthorized(why)),))]
        out += self._close(Close(1008, why, report=None))
        return out

    def _wait_in_inbox(
        self, item: tuple[str | bytes | _ResendMarker, float]
    ) -> list[tuple[str | bytes | _ResendMarker, float]]:
        inbox = self._inbox
        if inbox is None:
            inbox = self._inbox = []
        inbox.append(item)
        return inbox

    def _drain(self, out: list[Action]) -> None:
        """Handle what waited in the inbox, until the next wait."""
        while self._inbox and self._waiting is None and self.phase is not Phase.CLOSED:
            data, now = self._inbox.pop(0)
            if isinstance(data, _ResendMarker):
                self._waiting = "resend"
                out.append(Resend(data.seq))
                break
            self._handle(data, now, out)
        if self.phase is Phase.CLOSED or not self._inbox:
            self._inbox = None
        if self._paused and not self._inbox:
            self._paused = False
            out.append(ResumeReading())

    def _handle(self, data: str | bytes, now: float, out: list[Action]) -> None:
        if self.phase is Phase.AUTH:
            self._authenticate(data, now, out)
            return
        verdict = self.limiter.take(now)
        if verdict is not Verdict.OK:
            self._rate_limited(verdict, data, out)
            return
        parsed = self.parse(data)
        rule = RULES[(self.phase, parsed.kind)]
        if rule is Rule.JOIN:
            assert isinstance(parsed.frame, Hello)
            replacing = self.member if self.phase is Phase.GUEST else None
            self._begin_join(parsed.frame, replacing, then=Phase.MEMBER, pending=None, out=out)
        elif rule is Rule.JOIN_AS_GUEST:
            self._begin_join(Hello(), None, then=Phase.MEMBER, pending=parsed, out=out)
        elif rule is Rule.HANDLE:
            self.phase = Phase.MEMBER
            self._request(parsed, out)
        elif rule is Rule.ANSWER:
            assert parsed.error is not None
            out.append(Send((Error.from_exception(parsed.error),)))
        elif rule is Rule.LATE_HELLO:
            error = InvalidFrame("hello is only valid as a client's first frame")
            out.append(Send((Error.from_exception(error),)))
        # WAIT cannot happen here (the inbox holds frames while OPENING), and
        # DROP needs nothing.

    def _authenticate(self, data: str | bytes, now: float, out: list[Action]) -> None:
        """PROTOCOL.md, Joining: in a password room the first frame is hello+password.

        Guessing is slowed per address, not per connection (issue 14): after a
        few wrong passwords an address must wait, doubling, before another one
        is even compared; reconnecting does not reset that.
        """
        password, limits = self.rules.password, self.rules.limits
        self._stop_clock(out)
        parsed = self.parse(data)
        frame = parsed.frame
        if not isinstance(frame, Hello):
            out += self._refuse("this room needs a password: send hello with it first")
            return
        if password is None:
            # The host cleared the password while this client was asked for
            # it (RoomServer.set_password): its hello joins as in an open room.
            self.phase = Phase.OPEN
            self._begin_join(frame, None, then=Phase.MEMBER, pending=None, out=out)
            return
        if frame.password is None:
            out += self._refuse("password required")
            return
        if limits is not None and (why := limits.password_refusal(self.address, now)):
            out += self._refuse(why)
            return
        if not same_secret(frame.password, password):
            if limits is not None:
                limits.password_failed(self.address, now)
            out += self._refuse("wrong password")
            return
        if limits is not None:
            limits.password_ok(self.address)
        self.phase = Phase.OPEN
        self._begin_join(frame, None, then=Phase.MEMBER, pending=None, out=out)

    def _begin_join(
        self,
        hello: Hello,
        replacing: Member | None,
        *,
        then: Phase,
        pending: _Parsed | None,
        out: list[Action],
    ) -> None:
        limits, room = self.rules.limits, self.room
        if limits is not None and room is not None and self._adds_member(hello, replacing):
            why = limits.room_full(len(room.members))
            if why is not None:
                out.append(Send((Error.from_exception(TooMany(why)),)))
                out += self._close(Close(1013, "room is full: try again later"))
                return
        self._waiting = "join"
        self._hello = hello
        self._then = then
        self._pending = pending
        out.append(Join(hello, replacing))

    def _adds_member(self, hello: Hello, replacing: Member | None) -> bool:
        """Would this join make the room one member larger? Not when it takes
        the place of our guest membership, nor when the name is held (it is
        then reclaimed with a token, or name_taken: nobody is added)."""
        if replacing is not None:
            return False
        assert self.room is not None
        return hello.name is None or self.room.holder(name_key(hello.name)) is None

    def _after_join(self, out: list[Action]) -> None:
        """The join is complete: handle the frame that caused it, then the inbox."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._request(pending, out)
        self._drain(out)

    def _request(self, parsed: _Parsed, out: list[Action]) -> None:
        """A member's frame: a request, or the error it earned."""
        member = self.member
        room = self.room
        if member is None or room is None:
            return  # the join failed; the frame that asked for it is dropped
        if parsed.kind == "binary":
            # PROTOCOL.md, Transport: binary frames are answered, never relayed.
            out.append(Send((Error.from_exception(UnsupportedData(_BINARY_REFUSED)),)))
            return
        if parsed.error is not None:
            out.append(Send((Error.from_exception(parsed.error),)))
            return
        frame = parsed.frame
        if isinstance(frame, Post):
            out.append(Submit(member, frame))
        elif isinstance(frame, Typing):
            out.append(Relay(TypingNotice(sender=member.name)))
        elif isinstance(frame, HistoryRequest):
            newest = room.delivered_seq + 1
            before = newest if frame.before is None else min(frame.before, newest)
            self._waiting = "history"
            out.append(Fetch(before, room.first_retained, frame.limit, self.rules.page_bytes))

    def _rate_limited(self, verdict: Verdict, data: str | bytes, out: list[Action]) -> None:
        rules = self.rules
        # The dropped message's id goes in ref, so that its sender can mark it
        # failed at once (PROTOCOL.md, error.ref). Parsing costs little here:
        # a peer that keeps flooding is closed after `abuse_after` of these.
        parsed = self.parse(data)
        ref = parsed.frame.id if isinstance(parsed.frame, Post) else None
        error = RateLimited(
            f"slow down: at most {rules.rate:g} frames per second (bursts of {rules.burst:g}); "
            "this frame was dropped",
            ref=ref,
        )
        out.append(Send((Error.from_exception(error),)))
        if verdict is Verdict.ABUSIVE:
            who = self.member.name if self.member is not None else "an unjoined client"
            room = self.room.name if self.room is not None else "?"
            out += self._close(
                Close(
                    1008,
                    "rate limit exceeded repeatedly",
                    report=f"closed {who} in room {room!r}: kept flooding after rate_limited",
                )
            )


@dataclass(frozen=True, slots=True)
class _ResendMarker:
    """In the inbox: a stored copy to resend when its turn comes."""

    seq: int


def _parse(data: str | bytes, *, plain_text: bool) -> _Parsed:
    if isinstance(data, bytes):
        return _Parsed("binary")
    try:
        frame = parse_client_frame(data, plain_text=plain_text)
    except ProtocolError as exc:
        return _Parsed("bad-hello" if exc.frame_type == "hello" else "bad", error=exc)
    return _Parsed("hello" if isinstance(frame, Hello) else "request", frame=frame)
