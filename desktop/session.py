"""ChatSession: the one object that owns the app's async work.

It wraps a Qt-free :class:`~desktop.client.RoomClient` (and, when hosting,
a :class:`~server.app.RoomServer`) and turns what they report into rows in
the :class:`~desktop.models.MessageListModel` and into Qt signals. Widgets
never see the client; the client never sees Qt.

Every task it starts is kept (strong reference), caught at the top,
logged and surfaced as a notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Coroutine
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
from .links import split_urls
from .models import MessageListModel
from .notifications import mentions
from .rows import Direction, Row, RowKind, SendState, binary_summary, parse_ts, pretty_json

log = logging.getLogger("roomcast.session")

HISTORY_PAGE = 50


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
        self._older_pending = False

    # -- state -------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self._status

    @property
    def can_send(self) -> bool:
        return self.client is not None

    # -- actions (called by the window) ---------------------------------------

    def connect_to(self, urls_text: str, name: str | None, password: str | None = None) -> bool:
        """Start connecting. False (and a notice) when the address is unusable."""
        urls = split_urls(urls_text)
        if not urls:
            self.report(Severity.WARNING, self.tr("Enter a ws:// or wss:// address to connect to"))
            return False
        client = RoomClient(
            name=name or None,
            password=password,
            on_status=self._on_status,
            on_frame=self._on_frame,
            on_notice=self._on_client_notice,
            on_outbox=self._on_outbox,
        )
        try:
            client.start(urls)
        except ValueError as exc:
            self.report(Severity.WARNING, str(exc))
            return False
        old, self.client = self.client, client
        if old is not None:
            self.spawn(old.stop(), "closing the previous connection")
        return True

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
        if self.client is None or not self._status.roomcast or self._older_pending:
            return
        lowest = self.model.lowest_seq()
        if lowest is not None and lowest <= 1:
            return
        self._older_pending = True
        self.client.request_history(lowest, HISTORY_PAGE)

    async def aclose(self) -> None:
        """Orderly shutdown: our client closes with 1000, then the hosted server
        closes (1001 to the others) and flushes, then our tasks end."""
        client, self.client = self.client, None
        if client is not None:
            await client.stop()
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
        self.hostingChanged.emit(settings)
        self.inviteChanged.emit(list(self.invite))
        own = f"ws://{LOCAL_ONLY}:{server.port}/r/{settings.room}"
        self.connect_to(own, name, settings.password)
        return True

    async def stop_hosting(self) -> None:
        """Our client leaves (1000), then everyone else gets 1001 "host stopped
        hosting", history is flushed and the port is free again."""
        server, self.server = self.server, None
        if server is None:
            return
        client, self.client = self.client, None
        if client is not None:
            await client.stop()
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
        return max(0, connections - (1 if self.client else 0))

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

    # -- client callbacks -----------------------------------------------------

    def _on_status(self, status: Status) -> None:
        if self.server is not None and status.state is ConnectionState.CONNECTED:
            # PROTOCOL-wise a member like any other; to the person, the host.
            url = self.invite[0] if self.invite else status.url
            status = dataclasses.replace(status, state=ConnectionState.HOSTING, url=url)
        previous, self._status = self._status, status
        if status.state is not previous.state:
            self._status_row(previous, status)
            # A first visit shows the room's latest messages; the view asks
            # for older pages as the user scrolls up.
            if (
                status.state in (ConnectionState.CONNECTED, ConnectionState.HOSTING)
                and status.roomcast
                and self.model.lowest_seq() is None
            ):
                self.request_older()
        if status.members != previous.members or status.you != previous.you:
            self.membersChanged.emit(list(status.members), status.you or "")
        self.statusChanged.emit(status)

    def _status_row(self, previous: Status, status: Status) -> None:
        if status.state is ConnectionState.CONNECTED:
            text = self.tr("Connected to {url}").format(url=status.url)
            if not status.roomcast:
                text += " (not a Roomcast server: showing its frames as they come)"
            self._system(text, Severity.INFO)
        elif status.state is ConnectionState.DISCONNECTED and previous.state is not (
            ConnectionState.DISCONNECTED
        ):
            self._system(status.detail or self.tr("Disconnected"), Severity.INFO)

    def _on_client_notice(self, notice: Notice) -> None:
        if notice.severity >= Severity.WARNING:
            self._system(notice.text, notice.severity)
        self.notice.emit(notice)

    def _on_outbox(self, entry: OutboxEntry) -> None:
        if self.model.row_for_id(entry.id) is None:
            self.model.append(
                Row(
                    kind=RowKind.CHAT,
                    text=entry.content,
                    author=self._status.you or "you",
                    id=entry.id,
                    mine=True,
                    state=entry.state,
                    direction=Direction.OUT,
                )
            )
            return
        self.model.set_state(entry.id, entry.state, entry.seq)
        if entry.state is SendState.FAILED and entry.error:
            self._system(
                self.tr("Message not sent: {error}").format(error=entry.error), Severity.WARNING
            )

    def _on_frame(self, incoming: Incoming) -> None:
        frame = incoming.frame
        raw = incoming.raw
        if incoming.kind == "binary":
            assert isinstance(raw, bytes)
            self.model.append(Row(kind=RowKind.BINARY, text=binary_summary(raw), raw=raw))
        elif incoming.kind == "text":
            self.model.append(Row(kind=RowKind.TEXT, text=str(raw), raw=raw))
        elif incoming.kind == "json":
            self.model.append(Row(kind=RowKind.JSON, text=pretty_json(incoming.data), raw=raw))
        elif isinstance(frame, ChatMessage):
            row = self._chat_row(frame, raw)
            self.model.append(row)
            self.messageReceived.emit(row)
        elif isinstance(frame, Welcome):
            self._system(
                self.tr("Joined room {room} as {you} ({count} here)").format(
                    room=frame.room, you=frame.you, count=len(frame.members)
                ),
                Severity.INFO,
            )
            if frame.truncated:
                self._system(
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
            self._system(text.format(name=frame.name, count=frame.count), Severity.INFO)
        elif isinstance(frame, HistoryPage):
            self._older_pending = False
            self.model.prepend_history([self._chat_row(m, None) for m in frame.messages])
        elif isinstance(frame, TypingNotice):
            self.typingReceived.emit(frame.sender)
        elif isinstance(frame, Error):
            self._system(
                self.tr("Server error ({code}): {message}").format(
                    code=frame.code, message=frame.message
                ),
                Severity.WARNING,
            )

    def _chat_row(self, message: ChatMessage, raw: str | bytes | None) -> Row:
        mine = message.sender == self._status.you
        return Row(
            mention=not mine and mentions(message.content, self._status.you),
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
        self.model.append(Row(kind=RowKind.SYSTEM, text=text, severity=severity))

    def report(self, severity: Severity, text: str) -> None:
        """Show a notice: the status bar, and a row for warnings and errors."""
        log.log(int(severity), "%s", text)
        if severity >= Severity.WARNING:
            self._system(text, severity)
        self.notice.emit(Notice(severity, text))
