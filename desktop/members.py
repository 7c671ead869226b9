"""The host's member table as plain data and words (no Qt).

While hosting, the window asks the room server for its members once a second
(:class:`server.admin.MemberInfo` rows) and shows them in a table. What that
table says, in which order, and what changed from one second to the next are
decided here, so that the Qt model (``desktop.member_model``) only adapts
and the rules are tested without a display:

* each cell's text, its tooltip with the exact value, and the value the
  column is sorted by (:func:`cell_text`, :func:`cell_tooltip`,
  :func:`sort_key`);
* two warnings a host should notice (:class:`Alert`): a ping that has gone
  unanswered for a while, which must win over the last, stale, round trip;
  and unsent bytes that pile up instead of draining, a member that stopped
  reading (the server closes it with 1013 once they pass ``--max-buffer``,
  PROTOCOL.md, Close codes);
* :class:`MemberTable`, the rows in a stable order (room, then name ignoring
  case) with :meth:`MemberTable.diff` saying which rows left, which came and
  which changed, so that the model emits precise insert, remove and
  ``dataChanged`` signals and a selected row stays selected.

Texts are marked with ``QT_TRANSLATE_NOOP`` and translated through
``desktop.client.translate``, like desktop/hosting.py's. Sizes use the
1024-based units of the rest of the app (:func:`desktop.frames.compact_size`).
"""

from __future__ import annotations

import bisect
import ipaddress
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, IntEnum
from typing import Final, TypeAlias

from roomcast.desktop import client
from roomcast.desktop.frames import compact_size, full_time
from roomcast.desktop.texts import QT_TRANSLATE_NOOP
from roomcast.server.admin import MemberInfo

__all__ = [
    "NO_ANSWER_AFTER",
    "NUMERIC_COLUMNS",
    "UNSENT_WARNING_BYTES",
    "Alert",
    "Changes",
    "Column",
    "Key",
    "MemberRow",
    "MemberTable",
    "address_sort_key",
    "alert_text",
    "alerts_text",
    "cell_text",
    "cell_tooltip",
    "changed_columns",
    "duration_text",
    "header_text",
    "header_tooltip",
    "is_no_answer",
    "is_same_name",
    "name_text",
    "order_key",
    "rtt_text",
    "rtt_tooltip",
    "sent_text",
    "since_text",
    "since_tooltip",
    "sort_key",
    "unsent_text",
    "unsent_tooltip",
]

_CONTEXT: Final = "Members"

#: A ping that has waited this long (seconds) shows as "no answer for N s"
#: instead of the last round trip. The server pings every 20 s and gives up
#: after 20 more (server.defaults.PING_INTERVAL, PING_TIMEOUT); a healthy
#: member answers in milliseconds, so 5 s is a connection in trouble.
NO_ANSWER_AFTER: Final = 5.0
#: Unsent bytes from which a queue that is not going down is flagged. The
#: server drops a member at 4 MiB (server.defaults.MAX_BUFFER); 64 KiB is
#: twice websockets' write high-water mark, so a busy but reading member
#: does not trip it.
UNSENT_WARNING_BYTES: Final = 64 * 1024
#: RTT below this many seconds is shown in milliseconds.
_MS_BELOW: Final = 10.0

#: A row's identity: (room, name). Names are unique in a room (server.names).
Key: TypeAlias = tuple[str, str]


def _t(text: str) -> str:
    return client.translate(_CONTEXT, text)


# -- columns ------------------------------------------------------------------------


class Column(IntEnum):
    """The table's columns, in order. ROOM is always there; a view hides it
    while every member is in the same room."""

    ROOM = 0
    NAME = 1
    ADDRESS = 2
    SINCE = 3
    RTT = 4
    UNSENT = 5
    SENT = 6


#: Right-aligned: numbers, so that their digits line up.
NUMERIC_COLUMNS: Final = frozenset({Column.RTT, Column.UNSENT, Column.SENT})

_HEADERS: Final = {
    Column.ROOM: QT_TRANSLATE_NOOP("Members", "Room"),
    Column.NAME: QT_TRANSLATE_NOOP("Members", "Name"),
    Column.ADDRESS: QT_TRANSLATE_NOOP("Members", "Address"),
    Column.SINCE: QT_TRANSLATE_NOOP("Members", "Connected since"),
    Column.RTT: QT_TRANSLATE_NOOP("Members", "Round trip"),
    Column.UNSENT: QT_TRANSLATE_NOOP("Members", "Unsent"),
    Column.SENT: QT_TRANSLATE_NOOP("Members", "Messages"),
}

_HEADER_TIPS: Final = {
    Column.ROOM: QT_TRANSLATE_NOOP("Members", "The room the member joined"),
    Column.NAME: QT_TRANSLATE_NOOP("Members", "The member's name"),
    Column.ADDRESS: QT_TRANSLATE_NOOP("Members", "The IP address the member connects from"),
    Column.SINCE: QT_TRANSLATE_NOOP("Members", "When the member joined, and for how long"),
    Column.RTT: QT_TRANSLATE_NOOP(
        "Members", "How long the member's last answer to a ping took to arrive"
    ),
    Column.UNSENT: QT_TRANSLATE_NOOP(
        "Members", "Bytes waiting to be sent to the member: it grows when the member stops reading"
    ),
    Column.SENT: QT_TRANSLATE_NOOP("Members", "Messages the member posted since joining"),
}


def header_text(column: Column) -> str:
    return _t(_HEADERS[column])


def header_tooltip(column: Column) -> str:
    return _t(_HEADER_TIPS[column])


# -- words for one value ---------------------------------------------------------------


def is_no_answer(waiting: float, *, no_answer_after: float = NO_ANSWER_AFTER) -> bool:
    """Has the current ping waited long enough to be news?"""
    return waiting >= no_answer_after


def rtt_text(rtt: float | None, waiting: float, *, no_answer_after: float = NO_ANSWER_AFTER) -> str:
    """``12 ms``; ``—`` before the first answer; ``no answer for 7 s`` once a
    ping has waited ``no_answer_after`` seconds, whatever the last RTT was."""
    if is_no_answer(waiting, no_answer_after=no_answer_after):
        return _t(QT_TRANSLATE_NOOP("Members", "no answer for {seconds} s")).format(
            seconds=int(waiting)
        )
    if rtt is None:
        return "—"
    if rtt < 0.001:
        return _t(QT_TRANSLATE_NOOP("Members", "under 1 ms"))
    if rtt < _MS_BELOW:
        return _t(QT_TRANSLATE_NOOP("Members", "{ms} ms")).format(ms=round(rtt * 1000))
    return _t(QT_TRANSLATE_NOOP("Members", "{seconds} s")).format(seconds=round(rtt))


def rtt_tooltip(rtt: float | None, waiting: float) -> str:
    """The exact values: ``Last round trip: 12.345 ms``, and the wait of a ping
    that is out."""
    lines = [
        _t(QT_TRANSLATE_NOOP("Members", "No answer to a ping yet"))
        if rtt is None
        else _t(QT_TRANSLATE_NOOP("Members", "Last round trip: {ms} ms")).format(
            ms=f"{rtt * 1000:.3f}"
        )
    ]
    if waiting > 0:
        lines.append(
            _t(QT_TRANSLATE_NOOP("Members", "A ping has waited {seconds} s for its answer")).format(
                seconds=f"{waiting:.1f}"
            )
        )
    return "\n".join(lines)


def unsent_text(unsent: int) -> str:
    """``0 B``, ``512 KiB``, ``1.2 MiB``: the app's 1024-based sizes."""
    return compact_size(max(unsent, 0))


def unsent_tooltip(unsent: int) -> str:
    return _t(
        QT_TRANSLATE_NOOP("Members", "{count} bytes not yet taken by the member's connection")
    ).format(count=f"{unsent:,}")


def sent_text(sent: int) -> str:
    return f"{sent:,}"


def duration_text(seconds: float) -> str:
    """``for less than a minute``, ``for 3 min``, ``for 2 h 5 min``, ``for 3 d 4 h``.

    Whole minutes at most, so the text changes once a minute, not every
    refresh. A negative duration (the clocks disagree) counts as none.
    """
    minutes = int(max(seconds, 0.0)) // 60
    if minutes < 1:
        return _t(QT_TRANSLATE_NOOP("Members", "for less than a minute"))
    hours, minutes = divmod(minutes, 60)
    if hours < 1:
        return _t(QT_TRANSLATE_NOOP("Members", "for {minutes} min")).format(minutes=minutes)
    days, hours = divmod(hours, 24)
    if days < 1:
        if minutes == 0:
            return _t(QT_TRANSLATE_NOOP("Members", "for {hours} h")).format(hours=hours)
        return _t(QT_TRANSLATE_NOOP("Members", "for {hours} h {minutes} min")).format(
            hours=hours, minutes=minutes
        )
    if hours == 0:
        return _t(QT_TRANSLATE_NOOP("Members", "for {days} d")).format(days=days)
    return _t(QT_TRANSLATE_NOOP("Members", "for {days} d {hours} h")).format(days=days, hours=hours)


def since_text(since: float, now: float) -> str:
    """``14:03, for 3 min``: the local time of joining, and how long ago."""
    local = datetime.fromtimestamp(since).astimezone()
    return _t(QT_TRANSLATE_NOOP("Members", "{time}, {duration}")).format(
        time=f"{local:%H:%M}", duration=duration_text(now - since)
    )


def since_tooltip(since: float) -> str:
    return _t(QT_TRANSLATE_NOOP("Members", "Joined {time}")).format(
        time=full_time(datetime.fromtimestamp(since).astimezone())
    )


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def is_same_name(a: str, b: str) -> bool:
    """Do ``a`` and ``b`` name the same member? Ignoring case and Unicode form,
    which the server's name key also ignores (server.names.name_key), so at
    most one member of a room matches."""
    return _fold(a) == _fold(b)


def name_text(name: str, is_self: bool) -> str:
    """``alice``, or ``alice (you)`` for the host's own row."""
    if is_self:
        return _t(QT_TRANSLATE_NOOP("Members", "{name} (you)")).format(name=name)
    return name


def address_sort_key(address: str) -> str:
    """IPv4 before IPv6, each in numeric order (10.0.0.9 before 10.0.0.10),
    then anything that is not an IP address, alphabetically."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"9{address}"
    return f"{ip.version}{int(ip):032x}"


def order_key(info: MemberInfo) -> tuple[str, str, str]:
    """The table's own order: room, then name ignoring case (then as written,
    so that the order is total)."""
    return (info.room, _fold(info.name), info.name)


# -- rows ------------------------------------------------------------------------------


class Alert(Enum):
    """What a host should look at, and the column that shows it."""

    #: The current ping has waited ``no_answer_after`` seconds or more.
    NO_ANSWER = "no answer"
    #: ``unsent_warning`` bytes or more wait, and fewer did not the last time.
    BACKLOG = "backlog"

    @property
    def column(self) -> Column:
        return Column.RTT if self is Alert.NO_ANSWER else Column.UNSENT


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member as shown: the server's row, when it was read, and its alerts."""

    info: MemberInfo
    #: When the row was read (Unix time): "for 3 min" counts to it.
    now: float
    alerts: tuple[Alert, ...] = ()
    #: The ``no_answer_after`` the row was made with (its RTT text uses it).
    no_answer_after: float = NO_ANSWER_AFTER

    @property
    def key(self) -> Key:
        return (self.info.room, self.info.name)


def alert_text(alert: Alert, info: MemberInfo) -> str:
    if alert is Alert.NO_ANSWER:
        return _t(
            QT_TRANSLATE_NOOP(
                "Members",
                "No answer to a ping for {seconds} s: the connection may be stuck",
            )
        ).format(seconds=int(info.waiting))
    return _t(
        QT_TRANSLATE_NOOP(
            "Members", "{size} waiting to be sent and not going down: the member may not be reading"
        )
    ).format(size=unsent_text(info.unsent))


def alerts_text(row: MemberRow) -> str:
    """Every alert of ``row``, one a line; "" when there is none."""
    return "\n".join(alert_text(alert, row.info) for alert in row.alerts)


def cell_text(row: MemberRow, column: Column, *, is_self: bool = False) -> str:
    info = row.info
    match column:
        case Column.ROOM:
            return info.room
        case Column.NAME:
            return name_text(info.name, is_self)
        case Column.ADDRESS:
            return info.address
        case Column.SINCE:
            return since_text(info.since, row.now)
        case Column.RTT:
            return rtt_text(info.rtt, info.waiting, no_answer_after=row.no_answer_after)
        case Column.UNSENT:
            return unsent_text(info.unsent)
        case Column.SENT:
            return sent_text(info.sent)
    raise AssertionError(column)  # pragma: no cover


def cell_tooltip(row: MemberRow, column: Column, *, is_self: bool = False) -> str:
    """The exact value behind a cell, and the row's alerts where they show."""
    info = row.info
    match column:
        case Column.NAME:
            text = name_text(info.name, is_self)
            if is_self:
                text += "\n" + _t(
                    QT_TRANSLATE_NOOP("Members", "You host this room: you cannot remove yourself")
                )
        case Column.SINCE:
            text = since_tooltip(info.since)
        case Column.RTT:
            text = rtt_tooltip(info.rtt, info.waiting)
        case Column.UNSENT:
            text = unsent_tooltip(info.unsent)
        case Column.SENT:
            text = _t(QT_TRANSLATE_NOOP("Members", "{count} messages posted since joining")).format(
                count=f"{info.sent:,}"
            )
        case _:
            text = cell_text(row, column, is_self=is_self)
    shown = [alert_text(a, info) for a in row.alerts if column in (a.column, Column.NAME)]
    return "\n".join([text, *shown])


def sort_key(row: MemberRow, column: Column) -> str | int | float:
    """What a column is sorted by: the raw number for numbers; for the round
    trip the wait of an unanswered ping (it is at least that slow), and -1.0
    before the first answer (below every measured value)."""
    info = row.info
    match column:
        case Column.ROOM:
            return info.room
        case Column.NAME:
            return _fold(info.name)
        case Column.ADDRESS:
            return address_sort_key(info.address)
        case Column.SINCE:
            return info.since
        case Column.RTT:
            if is_no_answer(info.waiting, no_answer_after=row.no_answer_after):
                return info.waiting
            return -1.0 if info.rtt is None else info.rtt
        case Column.UNSENT:
            return info.unsent
        case Column.SENT:
            return info.sent
    raise AssertionError(column)  # pragma: no cover


def _shown(row: MemberRow, column: Column) -> tuple[object, ...]:
    """Everything a cell shows or answers, to tell whether it changed."""
    flagged = tuple(a for a in row.alerts if column in (a.column, Column.NAME))
    info = row.info
    match column:
        case Column.SINCE:
            return (info.since, cell_text(row, column))
        case Column.RTT:
            return (info.rtt, info.waiting, cell_text(row, column), flagged)
        case Column.UNSENT:
            return (info.unsent, flagged)
        case Column.NAME:
            return (info.name, flagged)
        case _:
            return (cell_text(row, column),)


def _row_order(row: MemberRow) -> tuple[str, str, str]:
    return order_key(row.info)


def changed_columns(before: MemberRow, after: MemberRow) -> list[Column]:
    """The columns whose text, tooltip, sort value or alert differ, in order."""
    return [c for c in Column if _shown(before, c) != _shown(after, c)]


# -- the table -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Changes:
    """What :meth:`MemberTable.diff` found between the table and a new list."""

    #: Keys no longer in the list, in the table's order.
    removed: tuple[Key, ...] = ()
    #: New rows, in the table's order.
    inserted: tuple[MemberRow, ...] = ()
    #: (before, after) for rows whose shown values differ, in the table's order.
    changed: tuple[tuple[MemberRow, MemberRow], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.removed or self.inserted or self.changed)


class MemberTable:
    """The members, one row per (room, name), in :func:`order_key` order.

    :meth:`update` replaces the rows with a new list and says what changed.
    The Qt model applies the same changes one step at a time
    (:meth:`diff`, then :meth:`remove`, :meth:`insert` and :meth:`replace`)
    so that it can announce each step to its views.
    """

    def __init__(
        self,
        *,
        no_answer_after: float = NO_ANSWER_AFTER,
        unsent_warning: int = UNSENT_WARNING_BYTES,
    ) -> None:
        self.no_answer_after = no_answer_after
        self.unsent_warning = unsent_warning
        #: In :func:`order_key` order, which bisect finds a key's place by.
        self._rows: list[MemberRow] = []

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: int) -> MemberRow:
        return self._rows[index]

    def __iter__(self) -> Iterator[MemberRow]:
        return iter(self._rows)

    def row(self, index: int) -> MemberRow | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def index_of(self, key: Key) -> int:
        """The row of ``key``; -1 when it is not in the table."""
        i = self.insertion_point(key)
        return i if i < len(self._rows) and self._rows[i].key == key else -1

    def rooms(self) -> list[str]:
        """The rooms with at least one member, in order."""
        return list(dict.fromkeys(r.info.room for r in self._rows))

    # -- changing ----------------------------------------------------------------------

    def make_row(self, info: MemberInfo, now: float, before: MemberRow | None = None) -> MemberRow:
        """``info`` as a row read at ``now``; ``before`` is its previous row, which
        tells a queue that grows from one that drains."""
        alerts: list[Alert] = []
        if is_no_answer(info.waiting, no_answer_after=self.no_answer_after):
            alerts.append(Alert.NO_ANSWER)
        if info.unsent >= self.unsent_warning and (
            before is None or info.unsent >= before.info.unsent
        ):
            alerts.append(Alert.BACKLOG)
        return MemberRow(info, now, tuple(alerts), self.no_answer_after)

    def diff(self, members: Iterable[MemberInfo], now: float | None = None) -> Changes:
        """What :meth:`update` would change (the table is left as it is).

        A key listed twice keeps its last row.
        """
        now = time.time() if now is None else now
        latest = {(m.room, m.name): m for m in members}
        removed = tuple(r.key for r in self._rows if r.key not in latest)
        inserted: list[MemberRow] = []
        changed: list[tuple[MemberRow, MemberRow]] = []
        for key, info in latest.items():
            i = self.index_of(key)
            if i < 0:
                inserted.append(self.make_row(info, now))
                continue
            before = self._rows[i]
            after = self.make_row(info, now, before)
            if changed_columns(before, after):
                changed.append((before, after))
        inserted.sort(key=_row_order)
        changed.sort(key=lambda pair: order_key(pair[1].info))
        return Changes(removed, tuple(inserted), tuple(changed))

    def update(self, members: Iterable[MemberInfo], now: float | None = None) -> Changes:
        """Show ``members`` (read at ``now``, Unix time) instead; what changed."""
        changes = self.diff(members, now)
        for key in changes.removed:
            self.remove(key)
        for row in changes.inserted:
            self.insert(row)
        for _, after in changes.changed:
            self.replace(after)
        return changes

    def insertion_point(self, key: Key) -> int:
        """Where a row with ``key`` goes (where it is, if it is there)."""
        room, name = key
        return bisect.bisect_left(self._rows, (room, _fold(name), name), key=_row_order)

    def insert(self, row: MemberRow) -> int:
        """Add ``row`` (its key must be new) where it belongs; its index."""
        if self.index_of(row.key) >= 0:
            raise KeyError(f"{row.key!r} is already in the table")
        i = self.insertion_point(row.key)
        self._rows.insert(i, row)
        return i

    def remove(self, key: Key) -> int:
        """Take ``key``'s row out; the index it had."""
        i = self.index_of(key)
        if i < 0:
            raise KeyError(key)
        del self._rows[i]
        return i

    def replace(self, row: MemberRow) -> int:
        """Put ``row`` in place of the row with its key; its index."""
        i = self.index_of(row.key)
        if i < 0:
            raise KeyError(row.key)
        self._rows[i] = row
        return i
