"""server/room.py: the room's rules, without any I/O."""

from __future__ import annotations

import re

import pytest

from roomcast.server.errors import NameTaken
from roomcast.server.protocol import ChatMessage, Post, Presence
from roomcast.server.room import RateLimiter, Room, Verdict, utc_timestamp


def test_join_leave_and_presence() -> None:
    room = Room("lobby")
    a = room.join("peer-a", "alice")
    assert a.presence == (Presence(event="join", name="alice", count=1),)
    b = room.join("peer-b")
    assert b.member.name == "guest-1"
    assert room.names() == ["alice", "guest-1"]
    assert room.leave(a.member) == (Presence(event="leave", name="alice", count=1),)
    assert room.leave(a.member) == ()  # idempotent


def test_name_taken_changes_nothing() -> None:
    room = Room("lobby")
    room.join("p1", "alice")
    with pytest.raises(NameTaken) as info:
        room.join("p2", "alice")
    assert info.value.code == "name_taken"
    assert room.names() == ["alice"]


def test_token_replaces_without_presence() -> None:
    room = Room("lobby")
    first = room.join("p1", "alice").member
    second = room.join("p2", "alice", first.token)
    assert second.replaced is first
    assert second.presence == ()
    assert second.member.token == first.token
    assert room.members["alice"].peer == "p2"
    # The stale member's leave is a no-op: it no longer holds the name.
    assert room.leave(first) == ()


def test_guest_hello_replaces_guest_membership() -> None:
    room = Room("lobby")
    guest = room.join("p").member
    joined = room.join("p", "carol", replacing=guest)
    assert joined.presence == (
        Presence(event="leave", name="guest-1", count=0),
        Presence(event="join", name="carol", count=1),
    )
    assert room.names() == ["carol"]


def test_post_assigns_seq_and_detects_duplicates() -> None:
    room = Room("lobby", last_seq=41)
    m = room.join("p", "alice").member
    first = room.post(m, Post(content="hi", id="c1"), ts="T")
    assert first == ChatMessage(seq=42, ts="T", sender="alice", content="hi", id="c1")
    assert room.post(m, Post(content="hi again", id="c1")) == 42
    generated = room.post(m, Post(content="no id"))
    assert isinstance(generated, ChatMessage)
    assert re.fullmatch(r"s-[0-9a-f]{16}", generated.id)
    assert generated.seq == 43


def test_rollback_keeps_seq_gap_free() -> None:
    room = Room("lobby")
    m = room.join("p", "alice").member
    room.post(m, Post(content="a", id="a"))
    room.committed(1)
    room.post(m, Post(content="b", id="b"))
    room.post(m, Post(content="c", id="c"))
    assert room.rollback() == ["b", "c"]
    again = room.post(m, Post(content="b", id="b"))
    assert isinstance(again, ChatMessage)
    assert again.seq == 2


def test_idempotency_window_is_retention() -> None:
    room = Room("lobby", retention=2)
    m = room.join("p", "alice").member
    for n in range(3):
        room.post(m, Post(content="x", id=f"i{n}"))
    assert list(room.ids) == ["i1", "i2"]


@pytest.mark.parametrize(
    ("delivered", "since", "epoch", "window"),
    [
        (0, 0, None, (0, 0, False, False)),
        (10, 4, None, (4, 10, False, False)),
        (10, 10, None, (10, 10, False, False)),
        (20, 0, None, (10, 20, True, False)),  # retention 10: seqs 11..20 are kept
        (20, 10, None, (10, 20, False, False)),
        (20, 9, None, (10, 20, True, False)),
        # PROTOCOL.md, Epochs: the same epoch resumes; another one resets.
        (10, 4, "e1", (4, 10, False, False)),
        (10, 4, "e0", (0, 10, False, True)),
        (20, 15, "e0", (10, 20, True, True)),  # reset replays as since 0: truncated
        # A client ahead of the room (a wiped or rolled-back store): reset,
        # with or without an epoch (an old client sends none).
        (10, 99, None, (0, 10, False, True)),
        (10, 11, "e1", (0, 10, False, True)),
        (0, 3, None, (0, 0, False, True)),
    ],
)
def test_replay_window(
    delivered: int, since: int, epoch: str | None, window: tuple[int, int, bool, bool]
) -> None:
    room = Room("lobby", last_seq=delivered, retention=10, epoch="e1")
    assert room.replay_window(since, epoch) == window


def test_rate_limiter_bucket_and_abuse() -> None:
    limiter = RateLimiter(rate=1, burst=2, abuse_after=3, abuse_window=10, now=0)
    assert [limiter.take(0) for _ in range(2)] == [Verdict.OK, Verdict.OK]
    assert limiter.take(0) is Verdict.LIMITED
    assert limiter.take(1.0) is Verdict.OK  # one token back after a second
    assert limiter.take(1.0) is Verdict.LIMITED
    assert limiter.take(1.0) is Verdict.ABUSIVE  # third refusal within the window
    fresh = RateLimiter(rate=1, burst=1, abuse_after=2, abuse_window=1, now=0)
    assert fresh.take(0) is Verdict.OK
    assert fresh.take(0) is Verdict.LIMITED
    assert fresh.take(5.0) is Verdict.OK
    assert fresh.take(5.0) is Verdict.LIMITED  # the old refusal has expired


def test_utc_timestamp_is_rfc3339_with_milliseconds() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", utc_timestamp())


# PROTOCOL.md, Names: two members cannot hold names that compare equal
# (NFC, case folding, confusable skeleton: server/names.py name_key).


@pytest.mark.parametrize(
    ("held", "wanted"),
    [
        ("alice", "ALICE"),
        ("Alice", "alice"),
        ("alice", "\u0430lice"),  # Cyrillic а
        ("alice", "a1ice"),
        ("Zo\u00eb", "zoe\u0308"),
        ("bob", "B\u039fB"),  # Greek Ο
    ],
    ids=repr,
)
def test_a_name_that_compares_equal_is_taken(held: str, wanted: str) -> None:
    room = Room("lobby")
    holder = room.join("p1", held).member
    with pytest.raises(NameTaken) as info:
        room.join("p2", wanted)
    assert str(info.value) == (
        f"the name {wanted!r} is taken in room 'lobby' (too like {held!r}, which a member "
        "holds): choose another, or send the token from your earlier welcome"
    )
    assert room.names() == [held]
    assert room.members[held] is holder
    # Once the holder has left, the look-alike is free.
    room.leave(holder)
    assert room.join("p2", wanted).member.name == wanted


@pytest.mark.parametrize("spelling", ["alice", "ALICE", "\u0430lice"], ids=repr)
def test_a_token_reclaims_the_name_as_held_whatever_the_spelling(spelling: str) -> None:
    """docs/protocol-notes.md, Names: the token's name keeps its spelling."""
    room = Room("lobby")
    first = room.join("p1", "Alice").member
    again = room.join("p2", spelling, first.token)
    assert again.replaced is first
    assert again.presence == ()
    assert (again.member.name, again.member.token, again.member.peer) == (
        "Alice",
        first.token,
        "p2",
    )
    assert room.names() == ["Alice"]


def test_guest_numbers_skip_names_that_compare_equal() -> None:
    room = Room("lobby")
    room.join("p1", "GUEST-1")
    room.join("p2", "Guest-3")
    room.join("p3", "guest-lo")  # TR39's digit classes: 1 is l and 0 is o, so guest-10
    assert [room.join(f"g{n}").member.name for n in range(8)] == [
        "guest-2",
        *(f"guest-{n}" for n in range(4, 10)),
        "guest-11",
    ]


def test_a_guest_may_take_its_own_guest_name_in_another_case() -> None:
    room = Room("lobby")
    guest = room.join("p").member
    joined = room.join("p", "Guest-1", replacing=guest)
    assert joined.presence == (
        Presence(event="leave", name="guest-1", count=0),
        Presence(event="join", name="Guest-1", count=1),
    )
    assert room.names() == ["Guest-1"]
