"""ChatSession: the one object that owns the app's async work.

It wraps Qt-free :class:`~desktop.client.RoomClient` objects (and, when
hosting, a :class:`~server.app.RoomServer`) and turns what they report into
rows of :class:`~desktop.timeline.Timeline` objects and into Qt signals.
Widgets never see a client; a client never sees Qt.

One :class:`Conversation` per room the window has shown (keyed by server and
room, ``desktop.links.room_key``) keeps that room's timeline and client for
the window's lifetime: connecting to another room stops the client of the
room shown before and shows the other room's timeline in the window's one
:class:`~desktop.models.MessageListModel`; coming back resumes the client
(``since`` and ``epoch``) into the rows it left, so what the room said
meanwhile arrives once. A timeline's epoch is the room's (PROTOCOL.md,
Epochs): a reset replaces its rows (``Timeline.welcome``).

Every task it starts is kept (strong reference), caught at the top,
logged and surfaced as a notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from server.app import RoomServer, ServerConfig
from server.defaults import HOST_STOPPED_REASON
from server.errors import ConfigError, ListenError
from server.netinfo import is_wildcard, lan_ipv4_addresses
from server.notices import Notice, Notices, Severity
from server.protocol import (
    ChatMessage,
    Error,
    HistoryPage,
    Presence,
    TypingNotice,
    Welcome,
)

from .client import ConnectionState, Incoming, OutboxEntry, RoomClient, Status
from .hosting import (
    LOCAL_ONLY,
    HostSettings,
    host_error_text,
    hosted_db_path,
    invite_urls,
)
from .links import room_key, split_urls, validate_url
from .models import MessageListModel
from .notifications import mentions
from .rows import Direction, Row, RowKind, SendState, binary_summary, parse_ts, pretty_json
from .timeline import Timeline, reset_text

log = logging.getLogger("roomcast.session")

HISTORY_PAGE = 50


@dataclass(eq=False)
class Conversation:
    """One room the window has shown: its rows and the client that talks to it
    (stopped while another room is shown), kept for the window's lifetime."""

    key: tuple[str, str]
    timeline: Timeline
    client: RoomClient
    #: The client's last status (the window shows the current conversation's).
    status: Status = field(default_factory=lambda: Status(ConnectionState.DISCONNECTED))
    #: A history request is on its way (one at a time).
    older_pending: bool = False


class ChatSession(QObject):
    """Connection, rows and notices for one window."""

    statusChanged = Signal(object)  # client.Status
    notice = Signal(object)  # server.notices.Notice
    membersChanged = Signal(list, str)  # names, you
    typingReceived = Signal(str)  # who is typing
    messageReceived = Signal(object)  # a live chat Row (not history) that just arrived
    hostingChanged = Signal(object)  # HostSettings while hosting, None when not
    inviteChanged = Signal(list)  # the join addresses while hosting

    def __init__(
        self,
        model: MessageListModel,
        parent: QObject | None = None,
        *,
        hosted_db: str | Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.client: RoomClient | None = None
        #: The embedded room server while hosting (same loop, no thread).
        self.server: RoomServer | None = None
        self.hosting: HostSettings | None = None
        self.invite: list[str] = []
        self._hosted_db = hosted_db
        self._tasks: set[asyncio.Task[Any]] = set()
        self._status = Status(state=ConnectionState.DISCONNECTED)
        #: Every room shown so far, by ``room_key``.
        self.conversations: dict[tuple[str, str], Conversation] = {}
        #: The conversation the window shows (its timeline is the model's).
        self.current: Conversation | None = None
        self._hosted_key: tuple[str, str] | None = None

    # -- state -------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self._status

    @property
    def can_send(self) -> bool:
        return self.client is not None

    # -- actions (called by the window) ---------------------------------------

    def connect_to(self, urls_text: str, name: str | None, password: str | None = None) -> bool:
        """Show that room's conversation and start connecting (resuming it when
        the window has shown it before). False (and a notice) when the address
        is unusable."""
        urls = split_urls(urls_text)
        if not urls:
            self.report(Severity.WARNING, self.tr("Enter a ws:// or wss:// address to connect to"))
            return False
        try:
            checked = [validate_url(u) for u in urls]
        except ValueError as exc:
            self.report(Severity.WARNING, str(exc))
            return False
        conversation = self._conversation(room_key(checked))
        client = conversation.client
        client.name, client.password = name or None, password
        previous = self.current
        if previous is not None and previous is not conversation and previous.client.running:
            self.spawn(previous.client.stop(), "closing the previous connection")
        self.client = client
        self._show(conversation)
        if client.running:  # still closing, or asked to connect again: start over
            self.spawn(self._restart(client, checked), "reconnecting")
        else:
            client.start(checked)
        return True

    def _conversation(self, key: tuple[str, str]) -> Conversation:
        """The conversation of this room: the one kept, or a new one."""
        found = self.conversations.get(key)
        if found is not None:
            return found
        client = RoomClient(
            on_status=lambda status: self._on_status(conversation, status),
            on_frame=lambda incoming: self._on_frame(conversation, incoming),
            on_notice=lambda notice: self._on_client_notice(conversation, notice),
            on_outbox=lambda entry: self._on_outbox(conversation, entry),
            on_reset=lambda welcome: self._on_reset(conversation, welcome),
        )
        conversation = Conversation(key, Timeline(*key), client)
        self.conversations[key] = conversation
        return conversation

    def _show(self, conversation: Conversation) -> None:
        """The window shows this conversation: its rows, its status."""
        self.current = conversation
        self.model.show(conversation.timeline)
        if conversation.status != self._status:
            self._publish(conversation.status)

    async def _restart(self, client: RoomClient, urls: Sequence[str]) -> None:
        await client.stop()
        client.start(urls)

    def disconnect_from_server(self) -> None:
        """Leave: our client closes with 1000 and stays stopped.

        (Not ``disconnect``: that is QObject's, for signals.)"""
        client, self.client = self.client, None
        if client is not None:
            self.spawn(client.stop(), "disconnecting")

    def send(self, text: str) -> None:
        if self.client is None:
            self.report(Severity.WARNING, self.tr("Not connected: the message was not sent"))
            return
        self.client.send_message(text)

    def send_raw(self, text: str) -> None:
        """Send one text frame as it is (the composer's raw JSON mode) and show it."""
        if self.client is None or self._status.state is not ConnectionState.CONNECTED:
            self.report(Severity.WARNING, self.tr("Not connected: the frame was not sent"))
            return
        self.client.send_raw(text)
        try:
            shown = pretty_json(json.loads(text))
        except ValueError:
            shown = text
        self.model.append(
            Row(
                kind=RowKind.JSON,
                text=shown,
                direction=Direction.OUT,
                mine=True,
                state=SendState.SENT,
                raw=text,
            )
        )

    def send_typing(self) -> None:
        if self.client is not None and self._status.roomcast:
            self.client.send_typing()

    def retry(self, message_id: str) -> None:
        if self.client is not None:
            self.client.retry(message_id)

    def retry_now(self) -> None:
        if self.client is not None:
            self.client.retry_now()

    def request_older(self) -> None:
        """Scroll-back (PROTOCOL.md, history): the messages before the oldest shown."""
        if self.client is not None and self.current is not None:
            self._request_older(self.current)

    def _request_older(self, conversation: Conversation) -> None:
        if not conversation.status.roomcast or conversation.older_pending:
            return
        lowest = conversation.timeline.lowest_seq()
        if lowest is not None and lowest <= 1:
            return
        conversation.older_pending = True
        conversation.client.request_history(lowest, HISTORY_PAGE)

    async def aclose(self) -> None:
        """Orderly shutdown: our clients close with 1000, then the hosted server
        closes (1001 to the others) and flushes, then our tasks end."""
        self.client = None
        for conversation in self.conversations.values():
            await conversation.client.stop()
        await self.stop_hosting()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.model.flush()

    # -- hosting -------------------------------------------------------------

    async def host(self, settings: HostSettings, name: str | None) -> bool:
        """Run a RoomServer on this loop, then join it like any member.

        False (and an error notice) when it cannot start: port in use,
        permission denied, a database that cannot be opened.
        """
        if self.server is not None:
            self.report(Severity.WARNING, self.tr("Already hosting: stop hosting first"))
            return False
        config = ServerConfig(
            host=settings.host,
            port=settings.port,
            db=self._hosted_db if self._hosted_db is not None else hosted_db_path(),
            password=settings.password,
            shutdown_reason=HOST_STOPPED_REASON,
        )
        notices = Notices(logging.getLogger("roomcast.host"))
        notices.subscribe(self._on_server_notice)
        server = RoomServer(config, notices=notices)
        try:
            await server.start()
        except ListenError as exc:
            self.report(Severity.ERROR, host_error_text(exc))
            return False
        except ConfigError as exc:
            self.report(Severity.ERROR, self.tr("Cannot host: {error}").format(error=exc))
            return False
        self.server = server
        self.hosting = settings
        lan = lan_ipv4_addresses() if is_wildcard(settings.host) else []
        self.invite = invite_urls(settings, server.port, lan)
        self.hostingChanged.emit(settings)
        self.inviteChanged.emit(list(self.invite))
        own = f"ws://{LOCAL_ONLY}:{server.port}/r/{settings.room}"
        self._hosted_key = room_key([own])
        self.connect_to(own, name, settings.password)
        # Said in the hosted room's conversation, which the window now shows.
        if is_wildcard(settings.host) and not lan:
            self.report(
                Severity.WARNING,
                self.tr("No network interface found: only this computer can join for now"),
            )
        self._system(
            self.tr("Hosting room {room}: invite {address}").format(
                room=settings.room, address=self.invite[0]
            ),
            Severity.INFO,
        )
        return True

    async def stop_hosting(self) -> None:
        """Our client leaves (1000), then everyone else gets 1001 "host stopped
        hosting", history is flushed and the port is free again."""
        server, self.server = self.server, None
        if server is None:
            return
        hosted = self._hosted()
        if hosted is not None:
            if self.client is hosted.client:
                self.client = None
            await hosted.client.stop()
        await server.close()
        await server.wait_closed()
        self.hosting = None
        self.invite = []
        self._system(self.tr("Stopped hosting"), Severity.INFO)
        self.hostingChanged.emit(None)
        self.inviteChanged.emit([])

    @property
    def others_connected(self) -> int:
        """Connections to our hosted server besides our own."""
        if self.server is None:
            return 0
        connections: int = self.server.health()["connections"]
        hosted = self._hosted()
        ours = hosted is not None and hosted.client.status.state is ConnectionState.CONNECTED
        return max(0, connections - (1 if ours else 0))

    def _hosted(self) -> Conversation | None:
        """The conversation of the room we host (or hosted last)."""
        return self.conversations.get(self._hosted_key) if self._hosted_key else None

    def _on_server_notice(self, notice: Notice) -> None:
        # Server-side problems (abuse, slow consumers, history) reach the host's window.
        self.report(notice.severity, self.tr("Host: {text}").format(text=notice.text))

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run a task we own: kept alive, and its failure becomes a notice."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and (exc := t.exception()) is not None:
                log.error("%s failed", what, exc_info=exc)
                self.report(
                    Severity.ERROR,
                    self.tr("Unexpected error while {what}: {error}").format(what=what, error=exc),
                )

        task.add_done_callback(done)
        return task

    # -- client callbacks (each for its conversation) --------------------------

    def _on_status(self, conversation: Conversation, status: Status) -> None:
        if (
            self.server is not None
            and conversation.key == self._hosted_key
            and status.state is ConnectionState.CONNECTED
        ):
            # PROTOCOL-wise a member like any other; to the person, the host.
            url = self.invite[0] if self.invite else status.url
            status = dataclasses.replace(status, state=ConnectionState.HOSTING, url=url)
        previous, conversation.status = conversation.status, status
        if status.state is not previous.state:
            self._status_row(conversation.timeline, previous, status)
            # A first visit shows the room's latest messages; the view asks
            # for older pages as the user scrolls up.
            if (
                status.state in (ConnectionState.CONNECTED, ConnectionState.HOSTING)
                and status.roomcast
                and conversation.timeline.lowest_seq() is None
            ):
                self._request_older(conversation)
        if conversation is self.current:
            self._publish(status)

    def _publish(self, status: Status) -> None:
        """The window's status: the current conversation's."""
        previous, self._status = self._status, status
        if status.members != previous.members or status.you != previous.you:
            self.membersChanged.emit(list(status.members), status.you or "")
        self.statusChanged.emit(status)

    def _status_row(self, timeline: Timeline, previous: Status, status: Status) -> None:
        if status.state is ConnectionState.CONNECTED:
            text = self.tr("Connected to {url}").format(url=status.url)
            if not status.roomcast:
                text += " (not a Roomcast server: showing its frames as they come)"
            _system_row(timeline, text, Severity.INFO)
        elif status.state is ConnectionState.DISCONNECTED and previous.state is not (
            ConnectionState.DISCONNECTED
        ):
            _system_row(timeline, status.detail or self.tr("Disconnected"), Severity.INFO)

    def _on_client_notice(self, conversation: Conversation, notice: Notice) -> None:
        if notice.severity >= Severity.WARNING:
            _system_row(conversation.timeline, notice.text, notice.severity)
        if conversation is self.current:
            self.notice.emit(notice)

    def _on_outbox(self, conversation: Conversation, entry: OutboxEntry) -> None:
        timeline = conversation.timeline
        if timeline.row_for_id(entry.id) is None:
            timeline.append(
                Row(
                    kind=RowKind.CHAT,
                    text=entry.content,
                    author=conversation.status.you or "you",
                    id=entry.id,
                    mine=True,
                    state=entry.state,
                    direction=Direction.OUT,
                )
            )
            return
        timeline.set_state(entry.id, entry.state, entry.seq)
        if entry.state is SendState.FAILED and entry.error:
            _system_row(
                timeline,
                self.tr("Message not sent: {error}").format(error=entry.error),
                Severity.WARNING,
            )

    def _on_reset(self, conversation: Conversation, welcome: Welcome) -> None:
        """PROTOCOL.md, Epochs: the room's history started over. Its timeline
        shows what the server sends next, under one row that says so."""
        conversation.timeline.welcome(welcome.epoch, reset=True)
        if conversation is self.current:
            self.notice.emit(Notice(Severity.WARNING, reset_text()))

    def _on_frame(self, conversation: Conversation, incoming: Incoming) -> None:
        frame = incoming.frame
        raw = incoming.raw
        timeline = conversation.timeline
        if incoming.kind == "binary":
            assert isinstance(raw, bytes)
            timeline.append(Row(kind=RowKind.BINARY, text=binary_summary(raw), raw=raw))
        elif incoming.kind == "text":
            timeline.append(Row(kind=RowKind.TEXT, text=str(raw), raw=raw))
        elif incoming.kind == "json":
            timeline.append(Row(kind=RowKind.JSON, text=pretty_json(incoming.data), raw=raw))
        elif isinstance(frame, ChatMessage):
            row = self._chat_row(conversation, frame, raw)
            if timeline.append(row) and conversation is self.current:
                self.messageReceived.emit(row)
        elif isinstance(frame, Welcome):
            # A new connection: a history request of the one before is lost.
            conversation.older_pending = False
            timeline.welcome(frame.epoch)  # the client reported a reset already
            _system_row(
                timeline,
                self.tr("Joined room {room} as {you} ({count} here)").format(
                    room=frame.room, you=frame.you, count=len(frame.members)
                ),
                Severity.INFO,
            )
            if frame.truncated:
                _system_row(
                    timeline,
                    self.tr(
                        "Some messages could not be restored: "
                        "the gap was longer than the room keeps"
                    ),
                    Severity.WARNING,
                )
        elif isinstance(frame, Presence):
            text = (
                self.tr("{name} joined ({count} here)")
                if frame.event == "join"
                else self.tr("{name} left ({count} here)")
            )
            _system_row(timeline, text.format(name=frame.name, count=frame.count), Severity.INFO)
        elif isinstance(frame, HistoryPage):
            conversation.older_pending = False
            timeline.prepend_history(
                [self._chat_row(conversation, m, None) for m in frame.messages]
            )
        elif isinstance(frame, TypingNotice):
            if conversation is self.current:
                self.typingReceived.emit(frame.sender)
        elif isinstance(frame, Error):
            _system_row(
                timeline,
                self.tr("Server error ({code}): {message}").format(
                    code=frame.code, message=frame.message
                ),
                Severity.WARNING,
            )

    @staticmethod
    def _chat_row(conversation: Conversation, message: ChatMessage, raw: str | bytes | None) -> Row:
        you = conversation.status.you
        mine = message.sender == you
        return Row(
            mention=not mine and mentions(message.content, you),
            kind=RowKind.CHAT,
            text=message.content,
            time=parse_ts(message.ts),
            author=message.sender,
            seq=message.seq,
            id=message.id,
            mine=mine,
            state=SendState.SENT if mine else None,
            raw=raw if raw is not None else message.serialize(),
        )

    # -- helpers ----------------------------------------------------------------

    def _system(self, text: str, severity: Severity) -> None:
        """A system row in the conversation shown."""
        _system_row(self.model.timeline, text, severity)

    def report(self, severity: Severity, text: str) -> None:
        """Show a notice: the status bar, and a row for warnings and errors."""
        log.log(int(severity), "%s", text)
        if severity >= Severity.WARNING:
            self._system(text, severity)
        self.notice.emit(Notice(severity, text))


def _system_row(timeline: Timeline, text: str, severity: Severity) -> None:
    timeline.append(Row(kind=RowKind.SYSTEM, text=text, severity=severity))
