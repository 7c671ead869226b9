"""The rooms open in one window, without Qt.

A window keeps several rooms open at once (a team room, a test server, the
room it hosts), each one connection with its own timeline, draft, unread
count and reconnect loop (``desktop/session.py`` owns the clients and
timelines). This module holds what the room list shows and the rules about
it, as plain data:

* **Order.** Rooms are listed in the order they were opened; the user can
  move one up or down (:meth:`RoomList.move`). Opening a room that is open
  already shows it; it is never listed twice (one entry per
  ``desktop.links.room_key``).
* **Unread.** A chat message from someone else is unread unless its room is
  shown in a window someone looks at (:meth:`RoomList.arrived`); a message
  that names you is also a mention. Showing a room in a window looked at
  (:meth:`RoomList.seen`) reads it. Our own messages, system rows, foreign
  frames and history scrolled back in never count.
* **Typing.** "alice is typing…" lasts :data:`TYPING_SHOWN` seconds unless
  renewed (PROTOCOL.md, typing: a hint, renewed every 3 s), and ends at once
  when alice's message arrives or she leaves (:class:`TypingHints`).
* **Saved.** The set of rooms, their order, the shown one, drafts and scroll
  positions survive a restart (:meth:`RoomList.saved`, :func:`parse_saved`).
  Passwords are never saved here, and a hosted room is not reopened: hosting
  again is the person's decision, not the app's.

A listener (the Qt model, ``desktop/room_model.py``) is told of every change,
as ``desktop.timeline.TimelineListener`` is for rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .client import ConnectionState, Status
from .connection_options import ConnectionOptions, from_settings, to_settings
from .sending import BinaryFormat, SendMode

#: The send modes and binary formats a saved room may name (desktop/sending.py).
SEND_MODES = frozenset(mode.value for mode in SendMode)
BINARY_FORMATS = frozenset(fmt.value for fmt in BinaryFormat)

__all__ = [
    "TYPING_SHOWN",
    "RoomEntry",
    "RoomList",
    "RoomListListener",
    "SavedRoom",
    "TypingHints",
    "parse_saved",
]

#: A "typing" hint is shown this long unless renewed (senders renew every 3 s).
TYPING_SHOWN = 5.0
#: At most this many rooms come back at the next start (a settings file edited
#: by hand, or grown by a bug, must not open a thousand connections).
MAX_SAVED_ROOMS = 50

Key = tuple[str, str]


class TypingHints:
    """Who is typing in one room, with when each hint runs out."""

    __slots__ = ("_until",)

    def __init__(self) -> None:
        self._until: dict[str, float] = {}

    def typing(self, name: str, now: float) -> None:
        """``name`` sent a typing hint at ``now`` (monotonic seconds)."""
        self._until[name] = now + TYPING_SHOWN

    def stopped(self, name: str) -> bool:
        """``name``'s message arrived, or ``name`` left: no longer typing.
        True when that changed anything."""
        return self._until.pop(name, None) is not None

    def clear(self) -> bool:
        """Everyone stopped (we left the room). True when anyone was typing."""
        had = bool(self._until)
        self._until.clear()
        return had

    def names(self, now: float) -> list[str]:
        """Who is still typing at ``now``, in the order they started."""
        self._until = {n: t for n, t in self._until.items() if t > now}
        return list(self._until)


@dataclass(eq=False)
class RoomEntry:
    """One open room as the room list shows it."""

    key: Key
    #: The addresses it was opened with (a failover list), as typed.
    urls: tuple[str, ...]
    #: The display name asked for in this room (None: the server picks one).
    name: str | None = None
    #: The room this window hosts (its server runs in this process).
    hosted: bool = False
    status: Status = field(default_factory=lambda: Status(ConnectionState.DISCONNECTED))
    #: What the composer held when another room was shown.
    draft: str = ""
    unread: int = 0
    mentions: int = 0
    #: Where the list was scrolled (``ScrollPosition.to_dict()``), or None.
    scroll: dict[str, Any] | None = None
    typing: TypingHints = field(default_factory=TypingHints)
    #: The composer's send mode in this room (desktop/sending.py), and for
    #: Binary, the format typed ("hex", "base64", "file"): remembered per room.
    send_mode: str = "chat"
    binary_format: str = "hex"
    #: Headers, subprotocols, query, TLS, timeouts (None: the defaults).
    #: Saved without secret header values, like passwords.
    options: ConnectionOptions | None = None

    @property
    def title(self) -> str:
        """What the list calls it: the room's name, else the room part of its key."""
        return self.status.room or self.key[1]

    @property
    def server(self) -> str:
        """Where it is: the server part of the key without the scheme."""
        return ", ".join(s.split("://", 1)[-1] for s in self.key[0].split(", "))

    @property
    def urls_text(self) -> str:
        return " ".join(self.urls)


class RoomListListener(Protocol):
    """Who shows a room list (the Qt model). Each call brackets or reports one
    change; none may change the list."""

    def rooms_inserting(self, row: int) -> None: ...
    def rooms_inserted(self) -> None: ...
    def rooms_removing(self, row: int) -> None: ...
    def rooms_removed(self) -> None: ...
    def rooms_moving(self, row: int, to: int) -> None:
        """Row ``row`` moves so that it ends up at ``to`` (after the move)."""

    def rooms_moved(self) -> None: ...
    def room_changed(self, row: int) -> None: ...


class RoomList:
    """The open rooms, in the user's order, and which one is shown."""

    def __init__(self) -> None:
        self._entries: list[RoomEntry] = []
        self.current: RoomEntry | None = None
        self.listener: RoomListListener | None = None

    # -- reading ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[RoomEntry]:
        return iter(list(self._entries))

    def __getitem__(self, row: int) -> RoomEntry:
        return self._entries[row]

    def get(self, key: Key) -> RoomEntry | None:
        return next((e for e in self._entries if e.key == key), None)

    def row_of(self, entry: RoomEntry) -> int:
        return self._entries.index(entry)

    def totals(self) -> tuple[int, int]:
        """Unread messages and mentions over every room."""
        return sum(e.unread for e in self._entries), sum(e.mentions for e in self._entries)

    # -- changing ----------------------------------------------------------------

    def add(self, entry: RoomEntry) -> RoomEntry:
        """List ``entry`` last; the entry already listed under its key if any."""
        found = self.get(entry.key)
        if found is not None:
            return found
        row = len(self._entries)
        if self.listener is not None:
            self.listener.rooms_inserting(row)
        self._entries.append(entry)
        if self.listener is not None:
            self.listener.rooms_inserted()
        return entry

    def remove(self, entry: RoomEntry) -> RoomEntry | None:
        """Unlist ``entry``. Returns the room to show instead when ``entry`` was
        shown (the one below it, else the one above, else None)."""
        row = self._entries.index(entry)
        if self.listener is not None:
            self.listener.rooms_removing(row)
        del self._entries[row]
        if self.listener is not None:
            self.listener.rooms_removed()
        if self.current is not entry:
            return self.current
        self.current = None
        if not self._entries:
            return None
        return self._entries[min(row, len(self._entries) - 1)]

    def move(self, entry: RoomEntry, delta: int) -> bool:
        """Move ``entry`` ``delta`` places (negative: up). False at either end."""
        row = self._entries.index(entry)
        to = max(0, min(len(self._entries) - 1, row + delta))
        if to == row:
            return False
        if self.listener is not None:
            self.listener.rooms_moving(row, to)
        self._entries.insert(to, self._entries.pop(row))
        if self.listener is not None:
            self.listener.rooms_moved()
        return True

    def changed(self, entry: RoomEntry) -> None:
        """Something the list shows of ``entry`` changed (status, counts)."""
        if self.listener is not None and entry in self._entries:
            self.listener.room_changed(self._entries.index(entry))

    # -- the unread rule (module docstring) ------------------------------------------

    def arrived(self, entry: RoomEntry, *, mention: bool, looked_at: bool) -> bool:
        """A chat message from someone else arrived in ``entry``. True when it
        counts as unread (its room is not shown, or no one looks at the window)."""
        if entry is self.current and looked_at:
            return False
        entry.unread += 1
        entry.mentions += mention
        self.changed(entry)
        return True

    def seen(self, entry: RoomEntry) -> bool:
        """``entry`` is shown in a window looked at: everything in it is read.
        True when that changed a count."""
        if not entry.unread and not entry.mentions:
            return False
        entry.unread = entry.mentions = 0
        self.changed(entry)
        return True

    # -- saved across restarts -----------------------------------------------------

    def saved(self) -> dict[str, Any]:
        """The open rooms as plain data (no passwords; hosted rooms left out)."""
        kept = [e for e in self._entries if not e.hosted]
        current = self.current
        return {
            "rooms": [
                {
                    "urls": list(e.urls),
                    "name": e.name or "",
                    "draft": e.draft,
                    "scroll": e.scroll,
                    "send_mode": e.send_mode,
                    "binary_format": e.binary_format,
                    **({"options": to_settings(e.options)} if e.options else {}),
                }
                for e in kept
            ],
            "current": kept.index(current) if current in kept else None,
        }


@dataclass(frozen=True)
class SavedRoom:
    """One room to reopen at start."""

    urls: tuple[str, ...]
    name: str | None
    draft: str
    scroll: dict[str, Any] | None
    send_mode: str = "chat"
    binary_format: str = "hex"
    options: ConnectionOptions | None = None


def parse_saved(data: object) -> tuple[list[SavedRoom], int | None]:
    """The rooms :meth:`RoomList.saved` wrote, and the index of the shown one.

    Settings files are edited by hand and written by older versions: anything
    malformed is skipped, never raised (at most :data:`MAX_SAVED_ROOMS`).
    """
    if not isinstance(data, Mapping):
        return [], None
    rooms: list[SavedRoom] = []
    raw_rooms = data.get("rooms")
    for item in raw_rooms if isinstance(raw_rooms, Sequence) else ():
        if len(rooms) >= MAX_SAVED_ROOMS:
            break
        if not isinstance(item, Mapping):
            continue
        urls = item.get("urls")
        if not isinstance(urls, Sequence) or isinstance(urls, str) or not urls:
            continue
        if not all(isinstance(u, str) and u for u in urls):
            continue
        name, draft, scroll = item.get("name"), item.get("draft"), item.get("scroll")
        mode, fmt = item.get("send_mode"), item.get("binary_format")
        options = item.get("options")
        rooms.append(
            SavedRoom(
                urls=tuple(urls),
                name=name if isinstance(name, str) and name else None,
                draft=draft if isinstance(draft, str) else "",
                scroll=dict(scroll) if isinstance(scroll, Mapping) else None,
                send_mode=mode if mode in SEND_MODES else "chat",
                binary_format=fmt if fmt in BINARY_FORMATS else "hex",
                options=from_settings(options) if isinstance(options, Mapping) else None,
            )
        )
    current = data.get("current")
    shown = current if isinstance(current, int) and 0 <= current < len(rooms) else None
    return rooms, shown
