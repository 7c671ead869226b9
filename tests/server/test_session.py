"""server/session.py: one connection's rules, without sockets (PROTOCOL.md, Joining).

Each row of a table is a script of inputs (frames and events) and the
actions the session answers with, written compactly by :func:`describe`.
A small driver completes joins against a real :class:`~server.room.Room`
and reads replay and history pages from a dict, as the hub would; actions
named in ``hold`` are left pending so a row can show what waits meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from roomcast.server.errors import NameTaken, RoomcastError, ServerError
from roomcast.server.protocol import (
    ChatMessage,
    Error,
    HistoryPage,
    TypingNotice,
    Welcome,
)
from roomcast.server.room import Room
from roomcast.server.session import (
    RULES,
    Action,
    AwaitDrain,
    CancelTimer,
    Close,
    Fetch,
    GoLive,
    Join,
    Leave,
    PauseReading,
    Phase,
    Relay,
    Replay,
    Resend,
    ResumeReading,
    Rule,
    Rules,
    Send,
    Session,
    StartTimer,
    Submit,
)

OPEN = Rules(server_name="roomcast/test")
LOCKED = Rules(server_name="roomcast/test", password="s3cret")
SLOW = Rules(server_name="roomcast/test", rate=1.0, burst=2.0, abuse_after=3)


def hello(**fields: Any) -> str:
    return json.dumps({"type": "hello", **fields})


def post(content: str, id: str | None = None) -> str:
    frame: dict[str, Any] = {"type": "message", "content": content}
    if id is not None:
        frame["id"] = id
    return json.dumps(frame)


TYPING = '{"type":"typing"}'


def history(before: int | None = None, limit: int = 50) -> str:
    frame: dict[str, Any] = {"type": "history", "limit": limit}
    if before is not None:
        frame["before"] = before
    return json.dumps(frame)


def describe(action: Action) -> str:
    """One action as a short word: what a row expects."""
    match action:
        case Send(frames):
            return "send:" + ",".join(_frame_word(f) for f in frames)
        case Relay(frame):
            assert isinstance(frame, TypingNotice)
            return f"relay:typing/{frame.sender}"
        case Close(code, _, abort, report):
            return f"close:{code}" + ("!" if abort else "") + ("+log" if report else "")
        case Join(hello, replacing):
            name = hello.name or "guest"
            return f"join:{name}" + (f"~{replacing.name}" if replacing else "")
        case Leave(member):
            return f"leave:{member.name}"
        case Submit(member, p):
            return f"submit:{member.name}/{p.content}"
        case Replay(after, upto, limit, _):
            return f"replay:{after}-{upto}/{limit}"
        case Fetch(before, floor, limit, _):
            return f"fetch:{floor}<={before}/{limit}"
        case AwaitDrain():
            return "drain"
        case Resend(seq):
            return f"resend:{seq}"
        case GoLive(member):
            return "live"
        case StartTimer(seconds):
            return f"timer:{seconds:g}"
        case CancelTimer():
            return "cancel-timer"
        case PauseReading():
            return "pause"
        case ResumeReading():
            return "resume"
    raise AssertionError(action)


def _frame_word(frame: object) -> str:
    if isinstance(frame, Error):
        return f"error/{frame.code}"
    if isinstance(frame, Welcome):
        reset = "/reset" if frame.reset else ""
        return f"welcome/{frame.you}/seq={frame.seq}/replay={frame.replay}{reset}"
    if isinstance(frame, ChatMessage):
        return f"m{frame.seq}"
    if isinstance(frame, HistoryPage):
        return "history/" + "".join(f"m{m.seq}" for m in frame.messages)
    raise AssertionError(frame)


def stored(seq: int) -> ChatMessage:
    return ChatMessage(
        seq=seq, ts="2026-12-05T12:00:00.000Z", sender="x", content=f"m{seq}", id=f"i{seq}"
    )


@dataclass
class Driver:
    """Feeds a Session and carries out its waiting actions as a hub would."""

    rules: Rules = OPEN
    subprotocol: bool = True
    messages: int = 0
    holders: Sequence[str] = ()
    hold: set[type] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    pending: list[Action] = field(default_factory=list)
    down: bool = False

    def __post_init__(self) -> None:
        self.room = Room("lobby", last_seq=self.messages)
        for name in self.holders:
            self.room.join(f"other-{name}", name)
        self.session = Session(self.rules, subprotocol=self.subprotocol, now=0.0)
        self.now = 0.0

    def run(self, steps: Sequence[object]) -> list[str]:
        for step in steps:
            self.step(step)
        return self.log

    def step(self, step: object) -> None:
        s = self.session
        match step:
            case "open":
                self.feed(s.opened(self.room, self.now))
            case ("tick", float(seconds)):
                self.now += seconds
            case "timeout":
                self.feed(s.timed_out())
            case "closed":
                self.feed(s.connection_lost())
            case ("slow", int(unsent)):
                self.feed(s.slow(unsent))
            case ("dup", int(seq)):
                self.feed(s.duplicate(seq))
            case "release":
                held, self.pending = self.pending, []
                for action in held:
                    self.complete(action)
            case str() | bytes():
                self.feed(s.receive(step, self.now))
            case _:
                raise AssertionError(step)

    def feed(self, actions: list[Action]) -> None:
        for action in actions:
            self.log.append(describe(action))
            if type(action) in self.hold:
                self.pending.append(action)
            else:
                self.complete(action)

    def complete(self, action: Action) -> None:
        s, room = self.session, self.room
        match action:
            case Join(hello, replacing):
                if self.down:
                    self.feed(s.join_refused(ServerError("Redis is unreachable")))
                    return
                try:
                    joined = room.join(s, hello.name, hello.token, replacing=replacing)
                except NameTaken as exc:
                    self.feed(s.join_refused(exc))
                    return
                self.feed(s.joined(joined.member, room.names()))
            case Replay(after, upto, limit, _):
                page = [stored(n) for n in range(after + 1, upto + 1)][:limit]
                self.feed(s.replayed(page))
            case Fetch(before, floor, limit, _):
                seqs = list(range(max(floor, 1), before))[-limit:]
                self.feed(s.history_loaded([stored(n) for n in seqs]))
            case AwaitDrain():
                self.feed(s.drained())
            case Resend(seq):
                self.feed(s.resent(stored(seq)))
            case _:
                pass  # sends, closes, timers: recorded in the log only


# -- the table itself -------------------------------------------------------------


def test_every_phase_and_kind_has_a_rule() -> None:
    kinds = {"hello", "request", "binary", "bad", "bad-hello"}
    assert set(RULES) == {(phase, kind) for phase in Phase for kind in kinds}
    assert {rule for (phase, _), rule in RULES.items() if phase is Phase.CLOSED} == {Rule.DROP}
    assert {rule for (phase, _), rule in RULES.items() if phase is Phase.OPENING} == {Rule.WAIT}


WELCOME_ANN = "send:welcome/ann/seq=0/replay=0"
WELCOME_GUEST = "send:welcome/guest-1/seq=0/replay=0"

# (id, driver settings, steps, expected actions, final phase)
JOINING: list[tuple[str, dict[str, Any], list[object], list[str], Phase]] = [
    (
        "hello first joins with the name",
        {},
        ["open", hello(name="ann")],
        ["join:ann", WELCOME_ANN, "live"],
        Phase.MEMBER,
    ),
    (
        "a message first joins as guest-N, then is posted",
        {},
        ["open", post("hi")],
        ["join:guest", WELCOME_GUEST, "live", "submit:guest-1/hi"],
        Phase.MEMBER,
    ),
    (
        "typing first joins as guest-N, then is relayed",
        {},
        ["open", TYPING],
        ["join:guest", WELCOME_GUEST, "live", "relay:typing/guest-1"],
        Phase.MEMBER,
    ),
    (
        "bad JSON first joins as guest-N, then is answered",
        {},
        ["open", "{nope"],
        ["join:guest", WELCOME_GUEST, "live", "send:error/invalid_json"],
        Phase.MEMBER,
    ),
    (
        "binary first joins as guest-N, then is answered (never relayed)",
        {},
        ["open", b"\x00\x01"],
        ["join:guest", WELCOME_GUEST, "live", "send:error/unsupported_data"],
        Phase.MEMBER,
    ),
    (
        "a hello that does not parse is answered; the client may hello again",
        {},
        ["open", hello(name="x" * 33), hello(name="ann")],
        ["send:error/invalid_frame", "join:ann", WELCOME_ANN, "live"],
        Phase.MEMBER,
    ),
    (
        "hello is a first frame only",
        {},
        ["open", hello(name="ann"), hello(name="bob")],
        ["join:ann", WELCOME_ANN, "live", "send:error/invalid_frame"],
        Phase.MEMBER,
    ),
    (
        "hello after a guest's first message is late",
        {},
        ["open", post("hi"), hello(name="ann")],
        ["join:guest", WELCOME_GUEST, "live", "submit:guest-1/hi", "send:error/invalid_frame"],
        Phase.MEMBER,
    ),
    (
        "no subprotocol: a guest from the moment it connects",
        {"subprotocol": False},
        ["open"],
        ["join:guest", WELCOME_GUEST, "live"],
        Phase.GUEST,
    ),
    (
        "no subprotocol: a hello takes the guest membership's place",
        {"subprotocol": False},
        ["open", hello(name="ann")],
        ["join:guest", WELCOME_GUEST, "live", "join:ann~guest-1", WELCOME_ANN, "live"],
        Phase.MEMBER,
    ),
    (
        "no subprotocol: a message ends the chance to send hello",
        {"subprotocol": False},
        ["open", post("hi"), hello(name="ann")],
        [
            "join:guest",
            WELCOME_GUEST,
            "live",
            "submit:guest-1/hi",
            "send:error/invalid_frame",
        ],
        Phase.MEMBER,
    ),
    (
        "a taken name is refused; the client stays unjoined and may try another",
        {"holders": ["ann"]},
        ["open", hello(name="ann"), hello(name="bob")],
        [
            "join:ann",
            "send:error/name_taken",
            "join:bob",
            "send:welcome/bob/seq=0/replay=0",
            "live",
        ],
        Phase.MEMBER,
    ),
    (
        "a guest whose hello names a taken name stays the guest",
        {"holders": ["ann"], "subprotocol": False},
        ["open", hello(name="ann")],
        ["join:guest", WELCOME_GUEST, "live", "join:ann~guest-1", "send:error/name_taken"],
        Phase.GUEST,
    ),
    (
        "the store is down: internal, then 1013 (try later)",
        {"down": True},
        ["open", hello(name="ann")],
        ["join:ann", "send:error/internal", "close:1013"],
        Phase.CLOSED,
    ),
    (
        "frames before the room is open wait, then are handled in order",
        {},
        [hello(name="ann"), post("one"), "open"],
        ["join:ann", WELCOME_ANN, "live", "submit:ann/one"],
        Phase.MEMBER,
    ),
]


@pytest.mark.parametrize(
    ("settings", "steps", "expected", "phase"),
    [pytest.param(*row[1:], id=row[0]) for row in JOINING],
)
def test_joining(
    settings: dict[str, Any], steps: list[object], expected: list[str], phase: Phase
) -> None:
    driver = Driver(**settings)
    assert driver.run(steps) == expected
    assert driver.session.phase is phase


PASSWORD: list[tuple[str, list[object], list[str], Phase]] = [
    (
        "the password clock starts when the room opens",
        ["open"],
        ["timer:10"],
        Phase.AUTH,
    ),
    (
        "hello with the password joins",
        ["open", hello(name="ann", password="s3cret")],
        ["timer:10", "cancel-timer", "join:ann", WELCOME_ANN, "live"],
        Phase.MEMBER,
    ),
    (
        "a wrong password is refused with 1008",
        ["open", hello(name="ann", password="guess")],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "a non-ASCII password is compared, not crashed on",
        ["open", hello(name="ann", password="gü€ss")],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "a hello without a password is refused",
        ["open", hello(name="ann")],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "anything but hello first is refused (nothing is sent before the password)",
        ["open", post("hi")],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "binary first is refused",
        ["open", b"\x00"],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "no hello in time is refused",
        ["open", "timeout"],
        ["timer:10", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
    (
        "the clock does nothing once the client is in",
        ["open", hello(name="ann", password="s3cret"), "timeout"],
        ["timer:10", "cancel-timer", "join:ann", WELCOME_ANN, "live"],
        Phase.MEMBER,
    ),
    (
        "frames after a refusal are dropped",
        ["open", post("hi"), hello(name="ann", password="s3cret")],
        ["timer:10", "cancel-timer", "send:error/unauthorized", "close:1008"],
        Phase.CLOSED,
    ),
]


@pytest.mark.parametrize(
    ("steps", "expected", "phase"), [pytest.param(*row[1:], id=row[0]) for row in PASSWORD]
)
def test_password_room(steps: list[object], expected: list[str], phase: Phase) -> None:
    driver = Driver(rules=LOCKED)
    assert driver.run(steps) == expected
    assert driver.session.phase is phase


def test_password_room_name_taken_may_hello_again_without_the_clock() -> None:
    driver = Driver(rules=LOCKED, holders=["ann"])
    log = driver.run(
        ["open", hello(name="ann", password="s3cret"), hello(name="bob"), ("tick", 60.0)]
    )
    assert log == [
        "timer:10",
        "cancel-timer",
        "join:ann",
        "send:error/name_taken",
        "join:bob",
        "send:welcome/bob/seq=0/replay=0",
        "live",
    ]


RESUME: list[tuple[str, int, dict[str, Any], list[str]]] = [
    ("nothing missed: live at once", 5, {"since": 5}, ["send:welcome/ann/seq=5/replay=0", "live"]),
    (
        "missed messages follow the welcome, then live",
        5,
        {"since": 2},
        ["send:welcome/ann/seq=5/replay=3", "replay:2-5/500", "send:m3,m4,m5", "live"],
    ),
    (
        "since 0 replays everything the room keeps",
        2,
        {"since": 0},
        ["send:welcome/ann/seq=2/replay=2", "replay:0-2/500", "send:m1,m2", "live"],
    ),
    ("no since: no replay", 5, {}, ["send:welcome/ann/seq=5/replay=0", "live"]),
    (
        "same epoch: an ordinary resume",
        5,
        {"since": 3, "epoch": "e1"},
        ["send:welcome/ann/seq=5/replay=2", "replay:3-5/500", "send:m4,m5", "live"],
    ),
    (
        "another epoch: reset, and everything the room keeps",
        5,
        {"since": 3, "epoch": "e0"},
        ["send:welcome/ann/seq=5/replay=5/reset", "replay:0-5/500", "send:m1,m2,m3,m4,m5", "live"],
    ),
    (
        "a since above the room's head (a wiped store, an old client): reset",
        2,
        {"since": 9},
        ["send:welcome/ann/seq=2/replay=2/reset", "replay:0-2/500", "send:m1,m2", "live"],
    ),
    (
        "a since above the head of an empty room: reset, nothing to replay",
        0,
        {"since": 4, "epoch": "e1"},
        ["send:welcome/ann/seq=0/replay=0/reset", "live"],
    ),
]


@pytest.mark.parametrize(
    ("messages", "fields", "expected"), [pytest.param(*row[1:], id=row[0]) for row in RESUME]
)
def test_resume(messages: int, fields: dict[str, Any], expected: list[str]) -> None:
    driver = Driver(messages=messages)
    driver.room.delivered_seq = messages
    driver.room.epoch = "e1"
    assert driver.run(["open", hello(name="ann", **fields)]) == ["join:ann", *expected]


def test_replay_is_read_page_by_page() -> None:
    rules = Rules(server_name="roomcast/test", replay_page=2)
    driver = Driver(rules=rules, messages=5)
    assert driver.run(["open", hello(name="ann", since=0)]) == [
        "join:ann",
        "send:welcome/ann/seq=5/replay=5",
        "replay:0-5/2",
        "send:m1,m2",
        "drain",  # the next page only once this one has left
        "replay:2-5/2",
        "send:m3,m4",
        "drain",
        "replay:4-5/2",
        "send:m5",
        "live",
    ]


# -- the inbox: frames wait, in order, behind a result ---------------------------------


def test_frames_wait_behind_a_replay_and_follow_it_in_order() -> None:
    driver = Driver(messages=3, hold={Replay})
    driver.run(["open", hello(name="ann", since=0), post("one"), TYPING])
    assert driver.log == ["join:ann", "send:welcome/ann/seq=3/replay=3", "replay:0-3/500"]
    assert driver.session.waiting == "replay"
    driver.step("release")
    assert driver.log[3:] == ["send:m1,m2,m3", "live", "submit:ann/one", "relay:typing/ann"]


def test_frames_wait_behind_a_history_page() -> None:
    driver = Driver(messages=4, hold={Fetch})
    driver.room.delivered_seq = 4
    driver.run(["open", hello(name="ann"), history(limit=2), post("after")])
    assert driver.log[-1] == "fetch:1<=5/2"
    driver.step("release")
    assert driver.log[-3:] == ["send:history/m3m4", "drain", "submit:ann/after"]


def test_a_stored_copy_is_resent_in_order_with_other_answers() -> None:
    driver = Driver(hold={Fetch})
    driver.run(["open", hello(name="ann"), history(), ("dup", 7), post("next")])
    # The duplicate's stored copy waits its turn behind the history page.
    assert driver.log[-1] == "fetch:1<=1/50"
    driver.step("release")
    assert driver.log[-5:] == [
        "send:history/",
        "drain",
        "resend:7",
        "send:m7",
        "submit:ann/next",
    ]


def test_a_flood_behind_a_wait_pauses_reading_until_the_inbox_drains() -> None:
    rules = Rules(server_name="roomcast/test", inbox_pause=3, rate=1000, burst=1000)
    driver = Driver(rules=rules, messages=1, hold={Replay})
    driver.run(["open", hello(name="ann", since=0), post("a"), post("b")])
    assert "pause" not in driver.log
    driver.step(post("c"))
    assert driver.log[-1] == "pause"
    driver.step(post("d"))  # still queued, no second pause
    assert driver.log.count("pause") == 1
    before = len(driver.log)
    driver.step("release")
    assert driver.log[before:] == [
        "send:m1",
        "live",
        "submit:ann/a",
        "submit:ann/b",
        "submit:ann/c",
        "submit:ann/d",
        "resume",
    ]


# -- rate limiting ---------------------------------------------------------------------


def test_rate_limit_answers_with_the_dropped_messages_id() -> None:
    driver = Driver(rules=SLOW)
    driver.run(["open", hello(name="ann"), post("one"), post("two", id="c2")])
    # hello and "one" used the burst of two; "two" is refused, its id in ref.
    assert driver.log[-1] == "send:error/rate_limited"
    assert driver.session.phase is Phase.MEMBER


def test_rate_limit_refills_with_time() -> None:
    driver = Driver(rules=SLOW)
    driver.run(["open", hello(name="ann"), post("one"), ("tick", 1.0), post("two")])
    assert driver.log[-1] == "submit:ann/two"


def test_sustained_flooding_is_closed_with_1008() -> None:
    driver = Driver(rules=SLOW)
    log = driver.run(["open", hello(name="ann"), *[post(str(n)) for n in range(5)]])
    assert log[-1] == "close:1008+log"
    assert log.count("send:error/rate_limited") == 3
    assert driver.session.closed
    driver.step(post("more"))
    assert driver.log == log  # dropped: nothing more is answered


def test_rate_limited_error_names_the_ref() -> None:
    session = Session(SLOW, subprotocol=True, now=0.0)
    room = Room("lobby")
    session.opened(room, 0.0)
    session.receive(hello(name="ann"), 0.0)
    joined = room.join(session, "ann")
    session.joined(joined.member, room.names())
    session.receive(post("one"), 0.0)
    actions = session.receive(post("two", id="c2"), 0.0)
    (send,) = actions
    assert isinstance(send, Send)
    (error,) = send.frames
    assert isinstance(error, Error)
    assert (error.code, error.ref) == ("rate_limited", "c2")


# -- the end of a connection -----------------------------------------------------------


END: list[tuple[str, list[object], list[str]]] = [
    ("a member that disconnects leaves", ["open", hello(name="ann"), "closed"], ["leave:ann"]),
    ("an unjoined client leaves nothing", ["open", "closed"], []),
    (
        "a slow consumer leaves and is aborted with 1013",
        ["open", hello(name="ann"), ("slow", 5_000_000)],
        ["leave:ann", "close:1013!+log"],
    ),
    (
        "a slow consumer is dropped once",
        ["open", hello(name="ann"), ("slow", 5_000_000), ("slow", 6_000_000), "closed"],
        ["leave:ann", "close:1013!+log"],
    ),
    ("frames after close are dropped", ["open", "closed", hello(name="ann")], []),
]


@pytest.mark.parametrize(("steps", "expected"), [pytest.param(*r[1:], id=r[0]) for r in END])
def test_end(steps: list[object], expected: list[str]) -> None:
    driver = Driver()
    log = driver.run(steps)
    joined = [WELCOME_ANN, "live"] if hello(name="ann") in steps[:2] else []
    start = ["join:ann", *joined] if joined else []
    assert log == start + expected
    assert driver.session.closed


def test_a_join_that_completes_after_the_connection_closed_gives_the_name_back() -> None:
    driver = Driver(hold={Join})
    driver.run(["open", hello(name="ann"), "closed", "release"])
    assert driver.log == ["join:ann", "leave:ann"]


def test_a_replaced_member_is_closed_without_a_leave() -> None:
    driver = Driver()
    driver.run(["open", hello(name="ann")])
    assert [describe(a) for a in driver.session.replaced()] == ["close:1000"]
    assert driver.session.member is None
    assert driver.session.connection_lost() == []


def test_a_failed_result_closes_with_1011() -> None:
    driver = Driver(hold={Fetch})
    driver.run(["open", hello(name="ann"), history()])
    assert [describe(a) for a in driver.session.failed()] == ["close:1011"]


# -- what a member's frames become -----------------------------------------------------


def test_history_request_reads_below_the_newest_and_above_retention() -> None:
    driver = Driver(messages=30)
    driver.room.delivered_seq = 30
    driver.room.retention = 20  # keeps 11..30
    driver.run(["open", hello(name="ann"), history(before=15, limit=3), history(limit=2)])
    assert driver.log[3:] == [
        "fetch:11<=15/3",
        "send:history/m12m13m14",
        "drain",  # the second request waits until the first page has left
        "fetch:11<=31/2",
        "send:history/m29m30",
        "drain",
    ]


def test_history_page_is_complete_at_the_oldest_kept_message() -> None:
    session = Session(OPEN, subprotocol=True, now=0.0)
    room = Room("lobby", last_seq=3)
    session.opened(room, 0.0)
    session.receive(hello(name="ann"), 0.0)
    session.joined(room.join(session, "ann").member, room.names())
    session.receive(history(), 0.0)
    send, drain = session.history_loaded([stored(1), stored(2)])
    assert isinstance(send, Send)
    assert isinstance(drain, AwaitDrain)
    (page,) = send.frames
    assert isinstance(page, HistoryPage)
    assert page.complete


def test_welcome_names_every_member_and_carries_the_token() -> None:
    driver = Driver(holders=["bob"])
    driver.run(["open", hello(name="ann")])
    member = driver.session.member
    assert member is not None
    welcome = Welcome(
        room="lobby",
        you="ann",
        token=member.token,
        members=("bob", "ann"),
        seq=0,
        replay=0,
        truncated=False,
        server="roomcast/test",
        epoch="e1",
    )
    session = Session(OPEN, subprotocol=True, now=0.0)
    room = Room("lobby", epoch="e1")
    session.opened(room, 0.0)
    session.receive(hello(name="ann"), 0.0)
    actions = session.joined(member, ["bob", "ann"])
    assert actions[0] == Send((welcome,))


def test_join_refused_keeps_a_server_errors_text() -> None:
    session = Session(OPEN, subprotocol=True, now=0.0)
    session.opened(Room("lobby"), 0.0)
    session.receive(hello(name="ann"), 0.0)
    error: RoomcastError = ServerError("cannot join now (Redis is down); reconnect later")
    send, close = session.join_refused(error)
    assert send == Send((Error(code="internal", message=str(error)),))
    assert close == Close(1013, "shared state (Redis) unavailable, try again later")


def test_a_history_flood_is_answered_one_page_at_a_time() -> None:
    """Issue 14, 1: sixty history requests in one write never build sixty pages
    at once: each waits until the page before it has left the socket."""
    rules = Rules(server_name="roomcast/test", rate=1000, burst=1000)
    driver = Driver(rules=rules, messages=200, hold={AwaitDrain})
    driver.room.delivered_seq = 200
    driver.run(["open", hello(name="ann"), *[history(limit=200)] * 60])
    assert driver.log.count("send:history/" + "".join(f"m{n}" for n in range(1, 201))) == 1
    assert driver.session.waiting == "drain"
    for left in range(59, 0, -1):
        driver.step("release")
        assert sum(w.startswith("send:history") for w in driver.log) == 61 - left


def test_a_full_room_refuses_a_newcomer_but_not_a_held_name() -> None:
    """The member cap (issue 14): too_many and 1013 for a join that adds a
    member; a join whose name is held adds nobody (a reclaim, or name_taken)."""
    from roomcast.server.limits import AddressLimits

    full = Rules(server_name="roomcast/test", limits=AddressLimits(max_members=1))
    newcomer = Driver(rules=full, holders=["bob"])
    assert newcomer.run(["open", hello(name="ann")]) == ["send:error/too_many", "close:1013"]
    held = Driver(rules=full, holders=["bob"])
    assert held.run(["open", hello(name="BOB")]) == ["join:BOB", "send:error/name_taken"]


# -- tutorial clients: plain text is a message (PROTOCOL.md 1.1, Joining) ----------------

HELLO_SERVER = "Hello, Server!"
GUEST_IN = ["join:guest", WELCOME_GUEST, "live"]

#: Frames that are not a JSON object with a known type, and what a roomcast.v1
#: client gets for each: (id, frame, error code for roomcast.v1).
NOT_ROOMCAST: list[tuple[str, str, str]] = [
    ("plain text", HELLO_SERVER, "invalid_json"),
    ("a JSON array", '["Hello", "Server"]', "invalid_frame"),
    ("a JSON string", '"Hello, Server!"', "invalid_frame"),
    ("a JSON number", "42", "invalid_frame"),
    ("null", "null", "invalid_frame"),
    ("an object without type", '{"content": "hi"}', "invalid_frame"),
    ("an object whose type is not a string", '{"type": 7}', "invalid_frame"),
    ("an object with an unknown type", '{"type": "chat", "text": "hi"}', "unknown_type"),
    ("a server frame's type", '{"type": "welcome"}', "unknown_type"),
    ("whitespace", "   ", "invalid_json"),
    ("text with quotes and markup", '<img src=x onerror="alert(1)">', "invalid_json"),
]


@pytest.mark.parametrize(("frame", "code"), [pytest.param(*r[1:], id=r[0]) for r in NOT_ROOMCAST])
def test_a_tutorial_clients_text_is_posted_as_a_message_with_that_content(
    frame: str, code: str
) -> None:
    driver = Driver(subprotocol=False)
    assert driver.run(["open", frame]) == [*GUEST_IN, f"submit:guest-1/{frame}"]
    assert driver.session.phase is Phase.MEMBER


@pytest.mark.parametrize(("frame", "code"), [pytest.param(*r[1:], id=r[0]) for r in NOT_ROOMCAST])
def test_a_roomcast_v1_client_gets_an_error_for_the_same_frames(frame: str, code: str) -> None:
    driver = Driver(subprotocol=True)
    assert driver.run(["open", hello(name="ann"), frame]) == [
        "join:ann",
        WELCOME_ANN,
        "live",
        f"send:error/{code}",
    ]


def test_the_posted_message_is_exactly_the_frames_text() -> None:
    driver = Driver(subprotocol=False, hold={Submit})
    text = '  {"a": [1, 2]}\n'  # not trimmed, not re-encoded
    driver.run(["open", text])
    (submit,) = driver.pending
    assert isinstance(submit, Submit)
    assert (submit.post.content, submit.post.id) == (text, None)


TUTORIAL: list[tuple[str, list[object], list[str]]] = [
    (
        "a known type is still parsed as one: a message frame",
        ["open", post("hi", id="c1")],
        [*GUEST_IN, "submit:guest-1/hi"],
    ),
    (
        "typing is still typing",
        ["open", TYPING],
        [*GUEST_IN, "relay:typing/guest-1"],
    ),
    (
        "a known type with a bad field is answered, not posted",
        ["open", '{"type": "message"}', '{"type": "history", "limit": 0}'],
        [*GUEST_IN, "send:error/invalid_frame", "send:error/invalid_frame"],
    ),
    (
        "an empty text frame is not a message: invalid_frame",
        ["open", ""],
        [*GUEST_IN, "send:error/invalid_frame"],
    ),
    (
        "text of exactly the content limit is posted",
        ["open", "x" * 16_384],
        [*GUEST_IN, "submit:guest-1/" + "x" * 16_384],
    ),
    (
        "longer text is too_large, as a too-long message is; the connection stays open",
        ["open", "x" * 16_385, HELLO_SERVER],
        [*GUEST_IN, "send:error/too_large", f"submit:guest-1/{HELLO_SERVER}"],
    ),
    (
        "binary is still unsupported_data, never posted",
        ["open", b"Hello, Server!"],
        [*GUEST_IN, "send:error/unsupported_data"],
    ),
    (
        "after a hello the client keeps its dialect: text is posted under its name",
        ["open", hello(name="ann"), HELLO_SERVER],
        [*GUEST_IN, "join:ann~guest-1", WELCOME_ANN, "live", f"submit:ann/{HELLO_SERVER}"],
    ),
    (
        "plain text ends the chance to send hello, like any other message",
        ["open", HELLO_SERVER, hello(name="ann")],
        [*GUEST_IN, f"submit:guest-1/{HELLO_SERVER}", "send:error/invalid_frame"],
    ),
    (
        "text that waited for the room to open is posted once it is",
        [HELLO_SERVER, "open"],
        [*GUEST_IN, f"submit:guest-1/{HELLO_SERVER}"],
    ),
]


@pytest.mark.parametrize(("steps", "expected"), [pytest.param(*r[1:], id=r[0]) for r in TUTORIAL])
def test_tutorial_client(steps: list[object], expected: list[str]) -> None:
    assert Driver(subprotocol=False).run(steps) == expected


def test_a_tutorial_clients_text_counts_against_the_same_rate() -> None:
    driver = Driver(rules=SLOW, subprotocol=False)
    log = driver.run(["open", "one", "two", "three", "four", "five", "six"])
    assert log[:5] == [*GUEST_IN, "submit:guest-1/one", "submit:guest-1/two"]
    assert log[5:] == ["send:error/rate_limited"] * 3 + ["close:1008+log"]


def test_a_tutorial_client_in_a_password_room_must_still_hello_first() -> None:
    driver = Driver(rules=LOCKED, subprotocol=False)
    assert driver.run(["open", HELLO_SERVER]) == [
        "timer:10",
        "cancel-timer",
        "send:error/unauthorized",
        "close:1008",
    ]
    joined = Driver(rules=LOCKED, subprotocol=False)
    log = joined.run(["open", hello(name="ann", password="s3cret"), HELLO_SERVER])
    assert log[-1] == f"submit:ann/{HELLO_SERVER}"
