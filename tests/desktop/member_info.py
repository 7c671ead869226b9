"""Members of a hosted room, as tests make them (server.admin.MemberInfo)."""

from __future__ import annotations

from roomcast.server.admin import MemberInfo

#: The time the tests read the members at (Unix time).
NOW = 1_750_000_000.0


def info(
    name: str = "bob",
    room: str = "chat",
    *,
    address: str = "192.168.1.20",
    since: float = NOW - 180,
    rtt: float | None = 0.012,
    waiting: float = 0.0,
    unsent: int = 0,
    sent: int = 0,
) -> MemberInfo:
    """``name`` in ``room``, joined three minutes before :data:`NOW`."""
    return MemberInfo(room, name, address, since, rtt, waiting, unsent, sent)
