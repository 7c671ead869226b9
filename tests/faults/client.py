"""A client that does what PROTOCOL.md says a client does, and keeps count.

:class:`ProtocolClient` is a real ``websockets`` client, written from
PROTOCOL.md alone so that the fault scenarios judge the server against the
contract and not against our desktop client's reading of it:

* it joins with ``hello``: its name, the token from its last welcome, the
  highest seq it holds as ``since`` (0 at first: everything the room keeps)
  and the epoch that seq belongs to (Epochs);
* every message it posts has an id and stays pending until the server's copy
  with that id comes back (its acknowledgement); pending messages are resent
  with the same id after each (re)join and replay, and again a moment after
  an ``internal`` or ``rate_limited`` error that names them (Delivery promise);
* it ignores a message whose seq it already holds *in the current epoch*
  (Order and scope) and replaces its whole view on ``welcome.reset`` (Epochs);
* it reconnects at once after 1012, after a short pause otherwise, and moves
  to its next URL when one cannot be reached (failover);
* a name taken by someone else (after its node was fenced, say) makes it
  join under another name, when ``rename_on_taken``; otherwise it tries the
  same name again a moment later.

Everything it sees is counted (acks with their epoch, resets, repeats, gaps,
errors, close codes); anything the contract rules out is kept in
``anomalies`` instead of being papered over.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from roomcast.server.protocol import SUBPROTOCOL

log = logging.getLogger("roomcast.faults")

#: Seconds before a reconnect (1012 means "now": no pause).
RECONNECT_PAUSE = 0.1
#: Seconds before a message refused with internal / rate_limited is sent again.
RESEND_PAUSE = 0.2


@dataclass(frozen=True, slots=True)
class Seen:
    """One message as a client holds it in its view."""

    seq: int
    id: str
    sender: str
    content: str


@dataclass(frozen=True, slots=True)
class Ack:
    """Our message came back from the server: stored as ``seq`` in ``epoch``."""

    id: str
    seq: int
    epoch: str
    #: Seconds from the post to its acknowledgement.
    waited: float


@dataclass
class ProtocolClient:
    """See the module docstring. ``key`` names the client in its message ids."""

    key: str
    urls: Sequence[str]
    name: str | None = None
    rename_on_taken: bool = True

    # What the client holds: its view of the room in the current epoch.
    view: list[Seen] = field(default_factory=list)
    epoch: str | None = None
    last_seq: int = 0
    token: str | None = None
    you: str | None = None
    #: Our messages not yet acknowledged: id -> content, oldest first.
    pending: dict[str, str] = field(default_factory=dict)
    #: Every id we posted, in order; and the acknowledgements.
    posted: list[str] = field(default_factory=list)
    acks: dict[str, Ack] = field(default_factory=dict)

    # What happened.
    welcomes: list[dict[str, Any]] = field(default_factory=list)
    resets: int = 0
    #: Views given up on a reset: (epoch, view).
    old_views: list[tuple[str | None, list[Seen]]] = field(default_factory=list)
    #: Message frames whose seq the client already held (ignored, as the protocol says).
    repeats: int = 0
    #: (held, got): a message that was not the next seq.
    gaps: list[tuple[int, int]] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    #: Presence frames: (event, name, count).
    presence: list[tuple[str, str, int]] = field(default_factory=list)
    closes: list[tuple[int | None, str]] = field(default_factory=list)
    connect_failures: int = 0
    #: Acknowledgements that came in a replay after a reconnect.
    replay_acks: int = 0
    anomalies: list[str] = field(default_factory=list)
    #: What arrived, briefly: "W<seq>+<replay>[R]" for a welcome, the seq for a
    #: message, "C<code>" for a close (for the story around a gap).
    trace: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = self.name or self.key
        self._base_name = self.name
        self._renames = 0
        self._count = 0
        self._url = 0
        self._task: asyncio.Task[None] | None = None
        self._queue: asyncio.Queue[str] | None = None
        self._ready = False
        self._replay_left = 0
        self._generation = 0
        self._joined_event = asyncio.Event()
        self._posted_at: dict[str, float] = {}

    # -- public ----------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Joined, replay received: posts go out at once."""
        return self._ready

    @property
    def url(self) -> str:
        return self.urls[self._url % len(self.urls)]

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"fault-{self.key}")

    async def joined(self, timeout: float = 10.0) -> None:
        """Wait for the first welcome and its replay."""
        async with asyncio.timeout(timeout):
            await self._joined_event.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def post(self) -> str:
        """Post the next message (id ``KEY-N``, content ``KEY:N``); returns its id."""
        n, self._count = self._count, self._count + 1
        mid, content = f"{self.key}-{n}", f"{self.key}:{n}"
        self.pending[mid] = content
        self.posted.append(mid)
        self._posted_at[mid] = time.monotonic()
        if self._ready:
            self._send(mid)
        return mid

    # -- the connection --------------------------------------------------------

    async def _run(self) -> None:
        while True:
            url = self.url
            try:
                ws = await connect(
                    url,
                    subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                    open_timeout=3.0,
                    close_timeout=1.0,
                    max_size=2**20,
                    compression=None,
                )
            except Exception as exc:  # refused, 503, 1013 at once, timeout: next URL
                log.debug("%s: connecting to %s failed: %r", self.key, url, exc)
                self.connect_failures += 1
                self._url += 1
                await asyncio.sleep(RECONNECT_PAUSE)
                continue
            code = await self._converse(ws)
            if code != 1012:
                await asyncio.sleep(RECONNECT_PAUSE)

    async def _converse(self, ws: ClientConnection) -> int | None:
        self._generation += 1
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queue = queue
        writer = asyncio.get_running_loop().create_task(self._write(ws, queue))
        try:
            hello: dict[str, Any] = {"type": "hello", "name": self.name, "client": "faults"}
            hello["since"] = self.last_seq
            if self.epoch is not None:
                hello["epoch"] = self.epoch
            if self.token is not None:
                hello["token"] = self.token
            await ws.send(json.dumps(hello))
            async for raw in ws:
                if not self._frame(json.loads(raw)):
                    await ws.close()
                    break
        except ConnectionClosed:
            pass
        finally:
            self._ready = False
            self._queue = None
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            with contextlib.suppress(Exception):
                await ws.close()
        rcvd = ws.protocol.close_rcvd
        code, reason = (rcvd.code, rcvd.reason) if rcvd is not None else (None, "")
        self.closes.append((code, reason))
        self.trace.append(f"C{code}")
        return code

    async def _write(self, ws: ClientConnection, queue: asyncio.Queue[str]) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await ws.send(await queue.get())

    def _send(self, mid: str) -> None:
        if self._queue is not None:
            frame = {"type": "message", "content": self.pending[mid], "id": mid}
            self._queue.put_nowait(json.dumps(frame))

    # -- frames ----------------------------------------------------------------

    def _frame(self, frame: dict[str, Any]) -> bool:
        """Handle one frame; False to drop the connection (and join again)."""
        kind = frame.get("type")
        if kind == "welcome":
            self._welcome(frame)
        elif kind == "message":
            self._message(frame)
        elif kind == "error":
            return self._error(frame)
        elif kind == "presence":
            self.presence.append((frame["event"], frame["name"], frame["count"]))
        return True

    def _welcome(self, w: dict[str, Any]) -> None:
        self.welcomes.append(w)
        self.trace.append(f"W{w.get('seq')}+{w.get('replay')}{'R' if w.get('reset') else ''}")
        epoch = w.get("epoch")
        if not isinstance(epoch, str) or not epoch:
            self.anomalies.append(f"{self.key}: welcome without an epoch: {w}")
        changed = self.epoch is not None and epoch != self.epoch
        if changed and not w.get("reset"):
            self.anomalies.append(
                f"{self.key}: epoch {self.epoch} -> {epoch} without welcome.reset (since {self.last_seq})"
            )
        if w.get("reset") or changed:
            # PROTOCOL.md, Epochs: replace everything shown for the room.
            self.resets += 1
            self.old_views.append((self.epoch, self.view))
            self.view = []
            self.last_seq = 0
        if w.get("truncated"):
            self.anomalies.append(f"{self.key}: welcome.truncated (retention is far away)")
        self.epoch = epoch
        self.token = w["token"]
        self.you = w["you"]
        self._replay_left = int(w["replay"])
        if self._replay_left == 0:
            self._become_ready()

    def _message(self, m: dict[str, Any]) -> None:
        seq, mid = int(m["seq"]), str(m["id"])
        self.trace.append(str(seq))
        content = self.pending.pop(mid, None)
        if content is not None:
            if content != m["content"]:
                self.anomalies.append(f"{self.key}: ack of {mid} with other content: {m}")
            assert self.epoch is not None
            waited = time.monotonic() - self._posted_at[mid]
            self.acks[mid] = Ack(mid, seq, self.epoch, waited)
            if self._replay_left > 0:
                self.replay_acks += 1  # stored, but its first ack was lost with the connection
        if self._replay_left > 0:
            self._replay_left -= 1
            if self._replay_left == 0:
                self._become_ready()
        if seq <= self.last_seq:
            self.repeats += 1  # PROTOCOL.md, Order and scope: a seq we hold
            return
        if seq != self.last_seq + 1:
            self.gaps.append((self.last_seq, seq))
        self.view.append(Seen(seq, mid, str(m["from"]), str(m["content"])))
        self.last_seq = seq

    def _error(self, e: dict[str, Any]) -> bool:
        code = str(e.get("code"))
        self.errors[code] += 1
        ref = e.get("ref")
        if code == "name_taken":
            if self.rename_on_taken:
                self._renames += 1
                self.name = f"{self._base_name}-{self._renames + 1}"
                self.token = None
            return False  # join again (under the new name, or the same one later)
        if isinstance(ref, str) and ref in self.pending and code in ("internal", "rate_limited"):
            generation = self._generation
            loop = asyncio.get_running_loop()
            loop.call_later(RESEND_PAUSE, self._resend, ref, generation)
        return True

    def _resend(self, mid: str, generation: int) -> None:
        # A new connection resends everything pending anyway, after its replay.
        if mid in self.pending and self._ready and generation == self._generation:
            self._send(mid)

    def _become_ready(self) -> None:
        if self._ready:
            return
        self._ready = True
        self._joined_event.set()
        for mid in list(self.pending):
            self._send(mid)


class RoomClientProbe:
    """The desktop app's :class:`desktop.client.RoomClient`, watched through its
    callbacks, with the attributes of :class:`ProtocolClient` that the harness
    reads. What the app's user would do is done here: a message refused with
    ``internal`` is retried (the app's "resend"), and a name found taken on a
    rejoin is exchanged for another one (the app asks the user for one)."""

    def __init__(self, key: str, urls: Sequence[str], name: str | None = None) -> None:
        from roomcast.desktop.client import Backoff, RoomClient

        self.key = key
        self.urls = list(urls)
        self.client = RoomClient(
            name=name or key,
            on_frame=self._on_frame,
            on_outbox=self._on_outbox,
            on_reset=self._on_reset,
            on_status=self._on_status,
            backoff=Backoff(initial=0.05, maximum=0.5),
        )
        self.view: list[Seen] = []
        self.old_views: list[tuple[str | None, list[Seen]]] = []
        self.posted: list[str] = []
        self.acks: dict[str, Ack] = {}
        self.welcomes: list[dict[str, Any]] = []
        self.resets = 0
        self.replay_acks = 0
        self.repeats = 0  # RoomClient drops repeated seqs before on_frame: not seen here
        self.gaps: list[tuple[int, int]] = []
        self.errors: Counter[str] = Counter()
        self.presence: list[tuple[str, str, int]] = []
        self.closes: list[tuple[int | None, str]] = []
        self.anomalies: list[str] = []
        self.trace: list[str] = []
        self._posted_at: dict[str, float] = {}
        self._renames = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._joined_event = asyncio.Event()

    # -- what the harness reads ------------------------------------------------

    @property
    def ready(self) -> bool:
        from roomcast.desktop.client import ConnectionState

        return self.client.status.state is ConnectionState.CONNECTED and not self._replaying

    @property
    def _replaying(self) -> bool:
        return bool(getattr(self.client, "_replay_left", 0))  # a private peek, for settle()

    @property
    def epoch(self) -> str | None:
        return self.client.epoch or None

    @property
    def last_seq(self) -> int:
        return self.client.last_seq

    @property
    def you(self) -> str | None:
        """The name of the last welcome (the status forgets it once stopped)."""
        return self.welcomes[-1]["you"] if self.welcomes else None

    @property
    def pending(self) -> dict[str, str]:
        return {e.id: e.content for e in self.client.outbox}

    def start(self) -> None:
        self.client.start(self.urls)

    async def joined(self, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            await self._joined_event.wait()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.client.stop()

    def post(self) -> str:
        n = len(self.posted)
        entry = self.client.send_message(f"{self.key}:{n}")
        self.posted.append(entry.id)
        self._posted_at[entry.id] = time.monotonic()
        return entry.id

    # -- callbacks -------------------------------------------------------------

    def _on_status(self, status: Any) -> None:
        from roomcast.desktop.client import ConnectionState

        if status.state is ConnectionState.RECONNECTING and status.retry_in is None:
            self.closes.append((None, status.detail))
            self.trace.append("C")

    def _on_reset(self, welcome: Any) -> None:
        self.resets += 1
        self.old_views.append((None, self.view))
        self.view = []

    def _on_frame(self, incoming: Any) -> None:
        from roomcast.server.protocol import ChatMessage, Error, Presence, Welcome

        frame = incoming.frame
        if isinstance(frame, Welcome):
            self.trace.append(f"W{frame.seq}+{frame.replay}{'R' if frame.reset else ''}")
            self.welcomes.append(
                {"you": frame.you, "seq": frame.seq, "epoch": frame.epoch, "reset": frame.reset}
            )
            if not frame.epoch:
                self.anomalies.append(f"{self.key}: welcome without an epoch")
            if not frame.replay:
                self._joined_event.set()
        elif isinstance(frame, ChatMessage):
            self.trace.append(str(frame.seq))
            held = self.view[-1].seq if self.view else 0
            if frame.seq <= held:
                self.anomalies.append(f"{self.key}: RoomClient passed on seq {frame.seq} again")
                return
            if frame.seq != held + 1:
                self.gaps.append((held, frame.seq))
            self.view.append(Seen(frame.seq, frame.id, frame.sender, frame.content))
            if not self._replaying:
                self._joined_event.set()
        elif isinstance(frame, Error):
            self.errors[frame.code] += 1
            if frame.code == "name_taken":
                self._spawn(self._rename())
        elif isinstance(frame, Presence):
            self.presence.append((frame.event, frame.name, frame.count))

    def _on_outbox(self, entry: Any) -> None:
        from roomcast.desktop.rows import SendState

        if entry.state is SendState.SENT and entry.seq is not None:
            waited = time.monotonic() - self._posted_at.get(entry.id, time.monotonic())
            self.acks[entry.id] = Ack(entry.id, entry.seq, self.client.epoch, waited)
            if self._replaying:
                self.replay_acks += 1
        elif entry.state is SendState.FAILED:
            self._spawn(self._retry(entry.id))

    async def _retry(self, mid: str) -> None:
        await asyncio.sleep(RESEND_PAUSE)
        from roomcast.desktop.rows import SendState

        if any(e.id == mid and e.state is SendState.FAILED for e in self.client.outbox):
            self.client.retry(mid)

    async def _rename(self) -> None:
        """The name was refused (final for RoomClient): choose another and start again."""
        while self.client.running:
            await asyncio.sleep(0.02)
        self._renames += 1
        self.client.name = f"{self.key}-{self._renames + 1}"
        self.client.start(self.urls)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def make_client(kind: str, key: str, urls: Sequence[str]) -> ProtocolClient | RoomClientProbe:
    """A ``protocol`` client (ours, from PROTOCOL.md) or the desktop app's ``roomclient``."""
    if kind == "roomclient":
        return RoomClientProbe(key, urls)
    return ProtocolClient(key, urls)
