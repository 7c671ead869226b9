"""ChatSession: the one object that owns the app's async work.

It wraps Qt-free :class:`~desktop.client.RoomClient` objects (and, when
hosting, a :class:`~server.app.RoomServer`) and turns what they report into
rows of :class:`~desktop.timeline.Timeline` objects and into Qt signals.
Widgets never see a client; a client never sees Qt.

One :class:`Conversation` per open room (keyed by server and room,
``desktop.links.room_key``) holds that room's timeline, its client and its
entry in the room list (``desktop/rooms.py``). Every open room stays
connected, with its own reconnect loop; the window's one
:class:`~desktop.models.MessageListModel` shows the current room's timeline
(:meth:`ChatSession.show_room`), and the others keep taking rows (and
counting unread) meanwhile. Closing a room stops its client. A timeline's
epoch is the room's (PROTOCOL.md, Epochs): a reset replaces its rows
(``Timeline.welcome``).

Every task it starts is kept (strong reference), caught at the top,
logged and surfaced as a notice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from roomcast.server.app import RoomServer, ServerConfig
from roomcast.server.defaults import HOST_STOPPED_REASON
from roomcast.server.errors import ConfigError, ListenError
from roomcast.server.names import name_key
from roomcast.server.netinfo import is_loopback, is_wildcard, lan_ipv4_addresses
from roomcast.server.notices import Notice, Notices, Severity
from roomcast.server.protocol import (
    MAX_PASSWORD_CHARS,
    ChatMessage,
    Error,
    HistoryPage,
    Presence,
    TypingNotice,
    Welcome,
)

from . import tls
from .client import (
    Backoff,
    ConnectionState,
    ControlFrame,
    Incoming,
    OutboxEntry,
    RoomClient,
    Status,
    classify,
)
from .connection_options import ConnectionOptions
from .discovery import Advert, Advertiser, Browser, DiscoveredRoom, discovery_error_text
from .frames import control_text
from .hosting import (
    LOCAL_ONLY,
    HostSettings,
    certificate_error_text,
    host_error_text,
    hosted_certificate,
    hosted_db_path,
    hosted_tls_dir,
    invite_urls,
    room_path,
)
from .links import from_link, link_fingerprint, room_key, split_links, split_urls, validate_url
from .models import MessageListModel
from .notifications import mentions
from .rooms import RoomEntry, RoomList
from .rows import Direction, Row, RowKind, SendState, binary_summary, parse_ts, pretty_json
from .sending import Outgoing, SendMode
from .timeline import Timeline, reset_text

if TYPE_CHECKING:
    from roomcast.server.admin import MemberInfo

log = logging.getLogger("roomcast.session")

HISTORY_PAGE = 50


@dataclass(eq=False)
class Conversation:
    """One open room: its list entry, its rows and the client that talks to it.
    Every open room's client runs at once; closing the room stops it."""

    entry: RoomEntry
    timeline: Timeline
    client: RoomClient
    #: A history request is on its way (one at a time).
    older_pending: bool = False
    #: The room was CONNECTED at least once since it was opened.
    reached: bool = False
    #: Disconnect was asked: the client is closing (it still runs a moment).
    leaving: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.entry.key

    @property
    def status(self) -> Status:
        """The client's last status (the window shows the current room's)."""
        return self.entry.status


class ChatSession(QObject):
    """The open rooms of one window: connections, rows and notices."""

    statusChanged = Signal(object)  # client.Status of the room shown
    notice = Signal(object)  # server.notices.Notice
    membersChanged = Signal(list, str)  # names, you (the room shown)
    typingChanged = Signal(list)  # who is typing in the room shown
    #: A chat message from someone else that counts as unread
    #: (desktop/rooms.py, the unread rule): (RoomEntry, Row).
    unreadMessage = Signal(object, object)
    #: The room shown is about to change (RoomEntry or None): save its draft now.
    currentChanging = Signal(object)
    currentChanged = Signal(object)  # the RoomEntry shown now, or None
    #: A room reached CONNECTED for the first time since it was opened.
    roomReached = Signal(object)  # RoomEntry
    #: A page of older messages landed in a room.
    historyLoaded = Signal(object)  # RoomEntry
    hostingChanged = Signal(object)  # HostSettings while hosting, None when not
    inviteChanged = Signal(list)  # the join addresses while hosting

    def __init__(
        self,
        model: MessageListModel,
        parent: QObject | None = None,
        *,
        hosted_db: str | Path | None = None,
        backoff: Callable[[], Backoff] = Backoff,
        pins: tls.PinStore | None = None,
        tls_dir: str | Path | None = None,
    ) -> None:
        """``backoff`` makes each room client's reconnect schedule (tests
        shorten it; the default is RoomClient's). ``pins``: the certificates
        trusted by fingerprint, shared by every room's client. ``hosted_db``:
        the history of hosted rooms; ``tls_dir``: where the certificate of
        rooms hosted for the network is kept (default: beside ``hosted_db``,
        ``desktop.hosting.hosted_tls_dir``)."""
        super().__init__(parent)
        self.model = model
        self._backoff = backoff
        self.pins = pins if pins is not None else tls.PinStore()
        self._record_control = False
        #: The embedded room server while hosting (same loop, no thread).
        self.server: RoomServer | None = None
        self.hosting: HostSettings | None = None
        #: What to give people while hosting (``invite_urls``): roomcasts://
        #: invites with the certificate's fingerprint for the network, ws://
        #: addresses for this computer only.
        self.invite: list[str] = []
        #: The SHA-256 fingerprint (``AB:CD:…``) of the certificate the hosted
        #: room is served with; None when not hosting or hosting unencrypted.
        self.hosted_fingerprint: str | None = None
        #: The hosted room's mDNS advert (desktop/discovery.py) while advertised.
        self._advertiser: Advertiser | None = None
        #: Looking for rooms on the network (the "Rooms on your network" dialog).
        self._browser: Browser | None = None
        self._hosted_db = hosted_db
        self.tls_dir = Path(tls_dir) if tls_dir is not None else hosted_tls_dir(hosted_db)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._status = Status(state=ConnectionState.DISCONNECTED)
        #: The open rooms, in the user's order (what the room list shows).
        self.rooms = RoomList()
        #: Every open room, by ``room_key``.
        self.conversations: dict[tuple[str, str], Conversation] = {}
        #: The room the window shows (its timeline is the model's).
        self.current: Conversation | None = None
        self._hosted_key: tuple[str, str] | None = None
        #: Is the window looked at (active, not minimised)? Set by the window;
        #: the unread rule needs it.
        self.looked_at: Callable[[], bool] = lambda: True

    # -- state -------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self._status

    @property
    def client(self) -> RoomClient | None:
        """The shown room's client while it runs (connecting, connected or
        waiting to reconnect); None when it stopped or nothing is shown."""
        current = self.current
        if current is None or current.leaving or not current.client.running:
            return None
        return current.client

    @property
    def can_send(self) -> bool:
        return self.client is not None

    @property
    def record_control(self) -> bool:
        """Record ping, pong and close frames as rows ("Show control frames"),
        in every open room from now on."""
        return self._record_control

    @record_control.setter
    def record_control(self, on: bool) -> None:
        self._record_control = on
        for conversation in self.conversations.values():
            conversation.client.record_control = on

    # -- actions (called by the window) ---------------------------------------

    def connect_to(self, urls_text: str, name: str | None, password: str | None = None) -> bool:
        """Open that room (or show it when it is open), show it and connect it.
        Other rooms stay connected. False (and a notice) when the address is
        unusable."""
        return self.open_room(urls_text, name, password) is not None

    def open_room(
        self,
        urls_text: str,
        name: str | None,
        password: str | None = None,
        *,
        show: bool = True,
        options: ConnectionOptions | None = None,
    ) -> RoomEntry | None:
        """Open that room (the entry already listed for it, or a new one listed
        last) and connect it; show it unless ``show`` is False (rooms reopened
        at start). ``options``: headers, subprotocols, TLS... (None: the
        defaults); other options than before reconnect it. None (and a
        notice) when the address is unusable."""
        urls = split_urls(urls_text)
        if not urls:
            self.report(Severity.WARNING, self.tr("Enter a ws:// or wss:// address to connect to"))
            return None
        try:
            checked = [validate_url(u) for u in urls]
        except ValueError as exc:
            self.report(Severity.WARNING, str(exc))
            return None
        if not self._pin_invites(urls_text):
            return None
        conversation = self._conversation(room_key(checked), tuple(checked))
        client, entry = conversation.client, conversation.entry
        changed = (client.name, client.password, client.options) != (
            name or None,
            password,
            options,
        )
        client.name, client.password, client.options = name or None, password, options
        entry.name, entry.options = name or None, options
        if show:
            self.show_room(entry)
        leaving, conversation.leaving = conversation.leaving, False
        if not client.running:
            entry.urls = tuple(checked)
            client.start(checked)
        elif leaving or changed or tuple(checked) != entry.urls:
            entry.urls = tuple(checked)
            self.spawn(self._restart(client, checked), "reconnecting")
        elif entry.status.state is ConnectionState.RECONNECTING:
            client.retry_now()  # asked again: do not wait for the backoff
        return entry

    def _pin_invites(self, urls_text: str) -> bool:
        """An invite ``roomcasts://H:P/r/ROOM#sha256=HEX`` vouches for the host's
        certificate: pin it for H:P (desktop/tls.py), so that the first
        connection is already checked. A fingerprint that contradicts the one
        trusted before is refused, loudly (False): which one is right is the
        person's call (More… → Trusted certificate → Forget)."""
        for word in split_links(urls_text):
            fingerprint = link_fingerprint(word)
            if fingerprint is None:
                continue
            url = from_link(word)
            try:
                host, port = tls.endpoint(url)
                wanted = tls.parse_fingerprint(fingerprint)
            except ValueError as exc:
                self.report(
                    Severity.ERROR,
                    self.tr("The invite's certificate fingerprint is not valid: {error}").format(
                        error=exc
                    ),
                )
                return False
            pinned = self.pins.get(host, port)
            if pinned is not None and pinned != wanted:
                self.report(
                    Severity.ERROR,
                    self.tr(
                        "The invite names another certificate for {where} than the one "
                        "trusted before (trusted SHA-256 {pinned}, invite {wanted}). "
                        "Nothing was opened. If the host made a new certificate, forget the "
                        "old one in More… → Trusted certificate, then open the invite again."
                    ).format(where=f"{host}:{port}", pinned=pinned, wanted=wanted),
                )
                return False
            self.pins.pin(host, port, wanted)
        return True

    def _conversation(self, key: tuple[str, str], urls: tuple[str, ...]) -> Conversation:
        """The conversation of this room: the open one, or a new one listed last."""
        found = self.conversations.get(key)
        if found is not None:
            return found
        client = RoomClient(
            on_status=lambda status: self._on_status(conversation, status),
            on_frame=lambda incoming: self._on_frame(conversation, incoming),
            on_notice=lambda notice: self._on_client_notice(conversation, notice),
            on_outbox=lambda entry: self._on_outbox(conversation, entry),
            on_reset=lambda welcome: self._on_reset(conversation, welcome),
            on_control=lambda frame: self._on_control(conversation, frame),
            backoff=self._backoff(),
            pins=self.pins,
        )
        client.record_control = self._record_control
        conversation = Conversation(RoomEntry(key, urls), Timeline(*key), client)
        self.conversations[key] = conversation
        self.rooms.add(conversation.entry)
        return conversation

    def show_room(self, entry: RoomEntry | None) -> None:
        """The window shows this room: its rows, its status, its typing."""
        conversation = self.conversations.get(entry.key) if entry is not None else None
        if conversation is self.current:
            if conversation is not None and self.looked_at():
                self.rooms.seen(conversation.entry)
            return
        self.currentChanging.emit(self.current.entry if self.current else None)
        self.current = conversation
        self.rooms.current = conversation.entry if conversation else None
        if conversation is None:
            self.model.show(Timeline())
            self._publish(Status(ConnectionState.DISCONNECTED))
            self.typingChanged.emit([])
        else:
            self.model.show(conversation.timeline)
            if self.looked_at():
                self.rooms.seen(conversation.entry)
            self._publish(conversation.status, force=True)
            self.typingChanged.emit(conversation.entry.typing.names(time.monotonic()))
        self.currentChanged.emit(conversation.entry if conversation else None)

    def close_room(self, entry: RoomEntry) -> None:
        """Leave the room and unlist it; the others are untouched. The room we
        host stops being hosted (the window asks first)."""
        conversation = self.conversations.pop(entry.key, None)
        if conversation is None:
            return
        if entry.key == self._hosted_key and self.server is not None:
            self.spawn(self.stop_hosting(), "stopping hosting")
        else:
            self.spawn(conversation.client.stop(), "leaving the room")
        instead = self.rooms.remove(entry)
        if conversation is self.current:
            self.current = None  # its timeline is not shown any more
            self.show_room(instead)

    def move_room(self, entry: RoomEntry, delta: int) -> bool:
        return self.rooms.move(entry, delta)

    def looked_at_again(self) -> None:
        """The window is looked at again: the room shown is read."""
        if self.current is not None:
            self.rooms.seen(self.current.entry)

    def typing_names(self) -> list[str]:
        """Who is typing in the room shown, now."""
        if self.current is None:
            return []
        return self.current.entry.typing.names(time.monotonic())

    async def _restart(self, client: RoomClient, urls: Sequence[str]) -> None:
        if client.running:
            await client.stop()
        client.start(urls)

    def disconnect_from_server(self) -> None:
        """Leave the shown room: its client closes with 1000 and stays stopped
        (the room stays listed). (Not ``disconnect``: that is QObject's.)"""
        client = self.client
        if client is not None and self.current is not None:
            self.current.leaving = True
            self.spawn(client.stop(), "disconnecting")

    def send(self, text: str) -> None:
        if self.client is None:
            self.report(Severity.WARNING, self.tr("Not connected: the message was not sent"))
            return
        self.client.send_message(text)

    def send_outgoing(self, outgoing: Outgoing) -> None:
        """Send what the composer made (desktop/sending.py): a chat message
        through the outbox, any other mode as one frame exactly as given."""
        if outgoing.mode is SendMode.CHAT:
            assert isinstance(outgoing.payload, str)
            self.send(outgoing.payload)
        else:
            self.send_raw(outgoing.payload)

    def send_raw(self, payload: str | bytes) -> None:
        """Send one frame exactly as given (text for a str, binary for bytes)
        and show it as it went out."""
        client = self.client
        if client is None or self._status.state not in _LIVE:
            self.report(Severity.WARNING, self.tr("Not connected: the frame was not sent"))
            return
        entry = client.send_raw(payload)
        if entry is not None:
            row = frame_row(classify(payload), Direction.OUT)
            # PENDING until written: in the unsent tail, in the order queued
            # with our chat messages (desktop/timeline.py).
            row.id, row.state = entry.id, entry.state
            self.model.timeline.append(row)

    def trust_certificate(self, fingerprint: str) -> None:
        """Pin the certificate the shown room's server presented (the person
        compared its fingerprint) and connect again."""
        if self.current is not None:
            self.current.client.trust(fingerprint)

    def send_typing(self) -> None:
        if self.client is not None and self._status.roomcast:
            self.client.send_typing()

    def retry(self, message_id: str) -> None:
        if self.client is not None:
            self.client.retry(message_id)

    def retry_now(self) -> None:
        """Reconnect the shown room at once: skip the backoff wait, or start
        again after the client gave up (an address that never answered)."""
        current = self.current
        if current is None:
            return
        if current.leaving or not current.client.running:
            current.leaving = False
            self.spawn(self._restart(current.client, current.entry.urls), "reconnecting")
        else:
            current.client.retry_now()

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
        await asyncio.gather(
            *(c.client.stop() for c in self.conversations.values()), return_exceptions=True
        )
        await self.stop_hosting()
        self.stop_browsing()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.model.flush()

    # -- hosting -------------------------------------------------------------

    async def host(self, settings: HostSettings, name: str | None) -> bool:
        """Run a RoomServer on this loop, then join it like any member.

        A room others can reach (``settings.encrypted``) is served over
        ``wss://`` with the certificate kept in :attr:`tls_dir` (made the
        first time, ``desktop.hosting.hosted_certificate``); our own client
        pins it for the loopback address it joins by, so it asks nothing.
        False (and an error notice) when it cannot start: port in use,
        permission denied, a database that cannot be opened, a certificate
        that cannot be kept.
        """
        if self.server is not None:
            self.report(Severity.WARNING, self.tr("Already hosting: stop hosting first"))
            return False
        wildcard = is_wildcard(settings.host)
        lan = lan_ipv4_addresses() if wildcard else []
        certificate = None
        if settings.encrypted:
            try:
                certificate = hosted_certificate(self.tls_dir, lan if wildcard else [settings.host])
            except OSError as exc:
                self.report(Severity.ERROR, certificate_error_text(self.tls_dir, exc))
                return False
        config = ServerConfig(
            host=settings.host,
            port=settings.port,
            db=self._hosted_db if self._hosted_db is not None else hosted_db_path(),
            password=settings.password,
            shutdown_reason=HOST_STOPPED_REASON,
            certfile=str(certificate.path) if certificate is not None else None,
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
        fingerprint = certificate.fingerprint if certificate is not None else None
        self.hosted_fingerprint = fingerprint
        self.invite = invite_urls(settings, server.port, lan, fingerprint)
        scheme = "wss" if fingerprint else "ws"
        own = f"{scheme}://{LOCAL_ONLY}:{server.port}{room_path(settings.room)}"
        if fingerprint:
            # Our own certificate, reached over loopback: trusted without a question.
            self.pins.pin(LOCAL_ONLY, server.port, fingerprint)
        self._hosted_key = room_key([own])
        previous = self.conversations.get(self._hosted_key)
        if previous is not None and previous.client.running:
            await previous.client.stop()  # the room of an earlier server on this port
        self.connect_to(own, name, settings.password)
        hosted = self._hosted()
        assert hosted is not None
        hosted.entry.hosted = True
        self.rooms.changed(hosted.entry)
        self.hostingChanged.emit(settings)
        self.inviteChanged.emit(list(self.invite))
        # Said in the hosted room's conversation, which the window now shows.
        if wildcard and not lan:
            self.report(
                Severity.WARNING,
                self.tr("No network interface found: only this computer can join for now"),
            )
        _system_row(
            hosted.timeline,
            self.tr("Hosting room {room}: invite {address}").format(
                room=settings.room, address=self.invite[0]
            ),
            Severity.INFO,
        )
        if fingerprint:
            _system_row(
                hosted.timeline,
                self.tr("Encrypted with this computer's certificate, SHA-256 {fingerprint}").format(
                    fingerprint=fingerprint
                ),
                Severity.INFO,
            )
        if settings.advertised and lan:
            self._advertiser = Advertiser()
            self.spawn(self._advertise(self._advertiser, name, lan), "announcing the room")
        return True

    def _advert(self, name: str | None, lan: Sequence[str]) -> Advert | None:
        """What the hosted room tells the network (room, our name, password yes
        or no, the certificate's fingerprint); None when it is not hosted any
        more."""
        server, hosting = self.server, self.hosting
        if server is None or hosting is None or self.hosted_fingerprint is None:
            return None
        return Advert(
            room=hosting.room,
            host_name=name or socket.gethostname(),
            port=server.port,
            addresses=tuple(lan),
            password=hosting.password is not None,
            fingerprint=self.hosted_fingerprint,
            secure=True,
        )

    async def _advertise(
        self, advertiser: Advertiser, name: str | None, lan: Sequence[str]
    ) -> None:
        try:
            advert = self._advert(name, lan)
            if advert is None:
                return
            await advertiser.start(advert)
        except (OSError, ValueError) as exc:  # no multicast; a name DNS-SD cannot carry
            if self._advertiser is advertiser:
                self._advertiser = None
            self.report(
                Severity.WARNING,
                self.tr("The room is not announced on the network: {reason}").format(
                    reason=discovery_error_text(exc)
                ),
            )
            return
        if self._advertiser is not advertiser:  # hosting stopped meanwhile
            await advertiser.close()
        else:  # the password may have changed while the name was probed
            await self._readvertise()

    async def _readvertise(self) -> None:
        """Announce the password flag again when it no longer says what the room does."""
        advertiser, hosting = self._advertiser, self.hosting
        advert = advertiser.advert if advertiser is not None else None
        if advertiser is None or advert is None or hosting is None:
            return
        password = hosting.password is not None
        if advert.password != password:
            await advertiser.update(dataclasses.replace(advert, password=password))

    # -- rooms on the network ------------------------------------------------

    def browse(
        self,
        on_change: Callable[[list[DiscoveredRoom]], None],
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Look for rooms on the network until :meth:`stop_browsing`;
        ``on_change`` gets the whole list at each change. A failure to start
        is one warning notice, also given to ``on_error``."""
        if self._browser is not None:
            return
        browser = self._browser = Browser(on_change)
        self.spawn(self._browse(browser, on_error), "looking for rooms on the network")

    async def _browse(self, browser: Browser, on_error: Callable[[str], None] | None) -> None:
        try:
            await browser.start()
        except OSError as exc:
            if self._browser is browser:
                self._browser = None
            text = discovery_error_text(exc)
            self.report(Severity.WARNING, text)
            if on_error is not None:
                on_error(text)
            return
        if self._browser is not browser:  # stopped while it started
            await browser.close()

    def stop_browsing(self) -> None:
        browser, self._browser = self._browser, None
        if browser is not None and browser.running:
            self.spawn(browser.close(), "no longer looking for rooms")

    def join_discovered(self, room: DiscoveredRoom, name: str | None) -> RoomEntry | None:
        """Open a room found on the network through its invite, which carries
        the advertised fingerprint: pinned for that address when nothing is
        pinned there yet. A different pin there is never replaced by an advert
        (anyone on the network can advertise): the invite is refused with the
        message that says how to accept a new certificate deliberately."""
        return self.open_room(room.invite, name)

    async def stop_hosting(self) -> None:
        """Our client leaves (1000), then everyone else gets 1001 "host stopped
        hosting", history is flushed and the port is free again. The room stays
        listed (with its rows) until it is closed."""
        server, self.server = self.server, None
        if server is None:
            return
        hosted = self._hosted()
        advertiser, self._advertiser = self._advertiser, None
        if advertiser is not None:
            await advertiser.close()  # goodbye: the room leaves others' lists at once
        if hosted is not None:
            await hosted.client.stop()
        await server.close()
        await server.wait_closed()
        self.hosting = None
        self.invite = []
        self.hosted_fingerprint = None
        if hosted is not None:
            hosted.entry.hosted = False
            self.rooms.changed(hosted.entry)
            _system_row(hosted.timeline, self.tr("Stopped hosting"), Severity.INFO)
        self.notice.emit(Notice(Severity.INFO, self.tr("Stopped hosting")))
        self.hostingChanged.emit(None)
        self.inviteChanged.emit([])

    @property
    def others_connected(self) -> int:
        """Connections to our hosted server besides our own."""
        if self.server is None:
            return 0
        connections: int = self.server.health()["connections"]
        hosted = self._hosted()
        ours = hosted is not None and hosted.status.state in _LIVE
        return max(0, connections - (1 if ours else 0))

    @property
    def hosted_port(self) -> int | None:
        """The port the hosted room listens on (the one chosen, or the one the
        system gave for port 0); None when not hosting."""
        return self.server.port if self.server is not None else None

    # -- host controls (issue 18: the host's view of the room) ----------------------

    def hosted_members(self) -> list[MemberInfo]:
        """Everyone joined to the hosted server, ourselves included; [] when not
        hosting. Each look pings them (``RoomServer.look``)."""
        return self.server.look() if self.server is not None else []

    def hosted_name(self) -> str | None:
        """The name our own client holds in the hosted room (None before its welcome)."""
        hosted = self._hosted() if self.server is not None else None
        return hosted.status.you if hosted is not None else None

    def kick_member(self, room: str, name: str, reason: str = "") -> bool:
        """Close ``name``'s connection to ``room`` with 1008 and the host's
        ``reason`` (server/admin.py, ``kick_reason``); they may come back
        unless banned. False (and a warning) when they are not there, or
        when ``name`` is the host's own."""
        server = self._hosting_server()
        if server is None or self._is_own_name(name):
            return False
        if not server.kick(room, name, reason):
            self.report(
                Severity.WARNING,
                self.tr("{name} is not in {room} any more").format(name=name, room=room),
            )
            return False
        self.report(
            Severity.INFO, self.tr("Removed {name} from {room}").format(name=name, room=room)
        )
        return True

    def ban(self, kind: str, value: str) -> bool:
        """Refuse a name (``kind`` "name") or an address ("address") until
        hosting stops; members that match are removed. False (and a warning)
        for a value that cannot be banned: an empty name, not an IP address,
        the host's own name, or loopback (the host's own client joins by it)."""
        if kind not in _BAN_KINDS:
            raise ValueError(f"a ban is by name or address, not {kind!r}")
        server = self._hosting_server()
        if server is None:
            return False
        try:
            if kind == "name":
                if self._is_own_name(value):
                    return False
                removed = server.ban_name(value)
                text = self.tr("Banned the name {value} until you stop hosting")
            else:
                if is_loopback(value.strip().strip("[]")):
                    raise ValueError(
                        self.tr("it is this computer, and your own connection comes from it")
                    )
                removed = server.ban_address(value)
                text = self.tr("Banned the address {value} until you stop hosting")
        except ValueError as exc:
            self.report(
                Severity.WARNING,
                self.tr("Cannot ban {value}: {error}").format(value=value, error=exc),
            )
            return False
        if removed:
            text += " " + self.tr("({count} removed)").format(count=removed)
        self.report(Severity.INFO, text.format(value=value))
        return True

    def unban(self, kind: str, value: str) -> bool:
        """Let a banned name or address join again; False when it was not banned."""
        if kind not in _BAN_KINDS:
            raise ValueError(f"a ban is by name or address, not {kind!r}")
        server = self._hosting_server()
        if server is None:
            return False
        lifted = server.unban_name(value) if kind == "name" else server.unban_address(value)
        if lifted:
            self.report(Severity.INFO, self.tr("{value} may join again").format(value=value))
        else:
            self.report(Severity.WARNING, self.tr("{value} was not banned").format(value=value))
        return lifted

    def hosted_bans(self) -> tuple[list[str], list[str]]:
        """The banned (names, addresses); both empty when not hosting."""
        if self.server is None:
            return [], []
        bans = self.server.bans
        return list(bans.names), list(bans.addresses)

    def set_hosted_password(self, password: str | None) -> bool:
        """Set, change or (None or "") clear the hosted room's password at
        once. Members already in stay; the next joins need it. The invite
        panel's "password required" note follows (hostingChanged and
        inviteChanged are emitted; the invites themselves never carry it)."""
        server, hosting = self._hosting_server(), self.hosting
        if server is None or hosting is None:
            return False
        password = password or None
        if password is not None and len(password) > MAX_PASSWORD_CHARS:
            self.report(
                Severity.WARNING,
                self.tr("The password was not changed: it has at most {limit} characters").format(
                    limit=MAX_PASSWORD_CHARS
                ),
            )
            return False
        server.set_password(password)
        self.hosting = dataclasses.replace(hosting, password=password)
        hosted = self._hosted()
        if hosted is not None:
            hosted.client.password = password  # our own reconnects need the new one
        self.spawn(self._readvertise(), "announcing the room")  # "password: yes/no"
        self.hostingChanged.emit(self.hosting)
        self.inviteChanged.emit(list(self.invite))
        if password is None:
            text = self.tr("The room has no password now: anyone with the invite can join")
        else:
            text = self.tr("The room's password is set: people already in stay, new ones need it")
        self.report(Severity.INFO, text)
        return True

    def _is_own_name(self, name: str) -> bool:
        """Is ``name`` the host's own in the hosted room (as PROTOCOL.md, Names
        compares names)? Said as a warning: the host does not remove itself."""
        you = self.hosted_name()
        if you is None or name_key(you) != name_key(name):
            return False
        self.report(
            Severity.WARNING,
            self.tr("{name} is you: stop hosting to leave the room").format(name=name),
        )
        return True

    def _hosting_server(self) -> RoomServer | None:
        if self.server is None:
            self.report(Severity.WARNING, self.tr("Not hosting: there is no room to change"))
        return self.server

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
            url = from_link(self.invite[0]) if self.invite else status.url
            status = dataclasses.replace(status, state=ConnectionState.HOSTING, url=url)
        entry = conversation.entry
        previous, entry.status = entry.status, status
        if status.state is not previous.state:
            self._status_row(conversation.timeline, previous, status)
            if status.state in _LIVE:
                if not conversation.reached:
                    conversation.reached = True
                    self.roomReached.emit(entry)
                # A first visit shows the room's latest messages; the view asks
                # for older pages as the user scrolls up.
                if status.roomcast and conversation.timeline.lowest_seq() is None:
                    self._request_older(conversation)
            elif entry.typing.clear() and conversation is self.current:
                self.typingChanged.emit([])  # we left: no one types to us
        self.rooms.changed(entry)
        if conversation is self.current:
            self._publish(status)

    def _publish(self, status: Status, *, force: bool = False) -> None:
        """The window's status: the current conversation's."""
        previous, self._status = self._status, status
        if force or status.members != previous.members or status.you != previous.you:
            self.membersChanged.emit(list(status.members), status.you or "")
        if status != previous:
            self.statusChanged.emit(status)

    def _status_row(self, timeline: Timeline, previous: Status, status: Status) -> None:
        # One row per event: a failure's text was reported as a notice (and
        # row) already, so a disconnect with a reason adds no second row.
        if status.state is ConnectionState.CONNECTED:
            text = self.tr("Connected to {url}").format(url=status.url)
            if not status.roomcast:
                text = self.tr(
                    "Connected to {url} (not a Roomcast server: showing its frames as they come)"
                ).format(url=status.url)
            _system_row(timeline, text, Severity.INFO)
        elif (
            status.state is ConnectionState.DISCONNECTED
            and previous.state is not ConnectionState.DISCONNECTED
            and not status.detail
        ):
            _system_row(timeline, self.tr("Disconnected"), Severity.INFO)

    def _on_client_notice(self, conversation: Conversation, notice: Notice) -> None:
        if notice.severity >= Severity.WARNING:
            _system_row(conversation.timeline, notice.text, notice.severity)
        if conversation is self.current:
            self.notice.emit(notice)

    def _on_outbox(self, conversation: Conversation, entry: OutboxEntry) -> None:
        """The outbox is the one source of a message's send state."""
        timeline = conversation.timeline
        if timeline.row_for_id(entry.id) is None:
            status = conversation.status
            timeline.append(
                Row(
                    kind=RowKind.CHAT,
                    text=entry.content,
                    # Before the welcome names us: the name we asked for.
                    author=status.you or conversation.entry.name or self.tr("you"),
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
        entry = conversation.entry
        shown = conversation is self.current
        if incoming.kind in ("binary", "text", "json"):
            timeline.append(frame_row(incoming, Direction.IN))
        elif isinstance(frame, ChatMessage):
            self._on_message(conversation, frame, raw)
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
            if frame.event == "leave" and entry.typing.stopped(frame.name) and shown:
                self.typingChanged.emit(self.typing_names())
        elif isinstance(frame, HistoryPage):
            conversation.older_pending = False
            timeline.prepend_history(
                [self._chat_row(conversation, m, None) for m in frame.messages]
            )
            self.historyLoaded.emit(entry)
        elif isinstance(frame, TypingNotice):
            if frame.sender != conversation.status.you:
                entry.typing.typing(frame.sender, time.monotonic())
                if shown:
                    self.typingChanged.emit(self.typing_names())
        elif isinstance(frame, Error) and conversation.status.state in _LIVE:
            # An error before the welcome refuses the join: the client
            # reports it once, as its notice ("Refused by the server: ...").
            _system_row(
                timeline,
                self.tr("Server error ({code}): {message}").format(
                    code=frame.code, message=frame.message
                ),
                Severity.WARNING,
            )

    def _on_control(self, conversation: Conversation, frame: ControlFrame) -> None:
        conversation.timeline.append(
            Row(
                kind=RowKind.CONTROL,
                text=control_text(frame.opcode, frame.payload),
                time=frame.time,
                direction=frame.direction,
                mine=frame.direction is Direction.OUT,
                raw=frame.payload,
                opcode=frame.opcode,
            )
        )

    def _on_message(self, conversation: Conversation, message: ChatMessage, raw: Any) -> None:
        timeline, entry = conversation.timeline, conversation.entry
        you = conversation.status.you
        if message.sender == you and message.id and timeline.row_for_id(message.id) is not None:
            # The server's copy of ours: its state came from the outbox (SENT,
            # just before this frame); the row takes the frame's seq and time.
            timeline.acknowledged(message.id, message.seq, parse_ts(message.ts), raw)
            return
        row = self._chat_row(conversation, message, raw)
        if not timeline.append(row) or row.mine:
            return
        if entry.typing.stopped(message.sender) and conversation is self.current:
            self.typingChanged.emit(self.typing_names())
        if self.rooms.arrived(entry, mention=row.mention, looked_at=self.looked_at()):
            self.unreadMessage.emit(entry, row)

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

    def report(self, severity: Severity, text: str) -> None:
        """Show a notice: the status bar, and a row for warnings and errors (in
        the room shown)."""
        log.log(int(severity), "%s", text)
        if severity >= Severity.WARNING:
            _system_row(self.model.timeline, text, severity)
        self.notice.emit(Notice(severity, text))


#: What a host can ban by (ChatSession.ban; server/admin.py, Bans).
_BAN_KINDS = ("name", "address")
#: States in which a room is joined (or, for a foreign server, open).
_LIVE = (ConnectionState.CONNECTED, ConnectionState.HOSTING)


def frame_row(incoming: Incoming, direction: Direction) -> Row:
    """The row of a frame that is not a Roomcast one (or one we sent as it
    is): received JSON pretty-printed; what we sent exactly as it went out;
    a binary frame that is UTF-8 text shown as that text (its bytes kept)."""
    raw = incoming.raw
    out = direction is Direction.OUT
    extra: dict[str, Any] = {"direction": direction, "mine": out, "raw": raw}
    if out:
        extra["state"] = SendState.SENT
    if incoming.kind == "binary":
        assert isinstance(raw, bytes)
        return Row(kind=RowKind.BINARY, text=binary_summary(raw), **extra)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if incoming.kind == "json" or (out and incoming.kind == "roomcast"):
        return Row(kind=RowKind.JSON, text=text if out else pretty_json(incoming.data), **extra)
    return Row(kind=RowKind.TEXT, text=text, **extra)


def _system_row(timeline: Timeline, text: str, severity: Severity) -> None:
    timeline.append(Row(kind=RowKind.SYSTEM, text=text, severity=severity))
