"""desktop/snippets.py: saved messages' rules (names, scopes, order, limits,
settings) without Qt."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from roomcast.desktop import snippets
from roomcast.desktop.sending import BinaryFormat, SendMode
from roomcast.desktop.snippets import (
    MAX_NAME_CHARS,
    MAX_PAYLOAD_BYTES,
    MAX_SAVED_MESSAGES,
    MAX_TOTAL_PAYLOAD_BYTES,
    PREVIEW_CHARS,
    SavedMessage,
    SavedMessages,
    preview,
)

ROOM = "ws://127.0.0.1:8765/lobby"
OTHER = "ws://127.0.0.1:8765/other"


def msg(
    name: str, scope: str = "", payload: str = "hello", mode: SendMode = SendMode.TEXT
) -> SavedMessage:
    return SavedMessage(name, mode, payload, scope=scope)


def names(messages: list[SavedMessage]) -> list[str]:
    return [m.name for m in messages]


def refusal(act: Callable[[], object]) -> str:
    """The message of the ValueError ``act`` raises."""
    with pytest.raises(ValueError, match=r".") as caught:
        act()
    return str(caught.value)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


# -- adding -------------------------------------------------------------------------


def test_add_keeps_order_and_strips_the_name() -> None:
    store = SavedMessages()
    kept = store.add(msg("  Subscribe  "))
    store.add(msg("Ping"))
    assert kept.name == "Subscribe"
    assert names(store.all()) == ["Subscribe", "Ping"]
    assert len(store) == 2
    assert list(store) == store.all()


def test_names_are_unique_within_a_scope_only() -> None:
    store = SavedMessages()
    store.add(msg("Ping"))
    store.add(msg("Ping", ROOM))  # a room's may share a global one's name
    store.add(msg("ping"))  # compared exactly
    with pytest.raises(
        ValueError, match=re.escape("A saved message named 'Ping' already exists here.")
    ):
        store.add(msg(" Ping", ROOM))
    assert len(store) == 3


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A saved message needs a name."),
        ("   ", "A saved message needs a name."),
        ("x" * 65, "A saved message's name has at most 64 characters (this one has 65)."),
        ("tab\there", "A saved message's name can't contain control characters."),
        ("del\x7f", "A saved message's name can't contain control characters."),
    ],
)
def test_bad_names(name: str, message: str) -> None:
    store = SavedMessages()
    assert refusal(lambda: store.add(msg(name))) == message
    assert len(store) == 0


def test_name_of_64_characters_is_fine() -> None:
    assert SavedMessages().add(msg("x" * MAX_NAME_CHARS)).name == "x" * 64


def test_empty_payload_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("There is nothing to save: the text is empty.")):
        SavedMessages().add(msg("Empty", payload=""))


def test_payload_limit() -> None:
    store = SavedMessages()
    store.add(msg("Max", payload="x" * MAX_PAYLOAD_BYTES))
    assert (
        refusal(lambda: store.add(msg("Over", payload="é" * (MAX_PAYLOAD_BYTES // 2 + 1))))
        == "A saved message holds at most 256 KiB (this one is more than 256 KiB)."
    )
    assert (
        refusal(lambda: store.add(msg("Far over", payload="x" * 300 * 1024)))
        == "A saved message holds at most 256 KiB (this one is 300 KiB)."
    )
    assert names(store.all()) == ["Max"]


def test_count_limit() -> None:
    store = SavedMessages()
    for i in range(MAX_SAVED_MESSAGES):
        store.add(msg(f"m{i}"))
    assert (
        refusal(lambda: store.add(msg("one more")))
        == "At most 200 messages can be saved: remove one to save another."
    )
    assert len(store) == MAX_SAVED_MESSAGES


def test_total_payload_limit() -> None:
    store = SavedMessages()
    per = MAX_PAYLOAD_BYTES
    for i in range(MAX_TOTAL_PAYLOAD_BYTES // per):
        store.add(msg(f"big{i}", payload="x" * per))
    assert store.total_payload_bytes() == MAX_TOTAL_PAYLOAD_BYTES
    assert refusal(lambda: store.add(msg("straw", payload="x"))) == (
        "Saved messages hold at most 2 MiB together: remove some to save this one."
    )


# -- scopes -------------------------------------------------------------------------


def test_for_scope_lists_the_rooms_own_then_the_global_ones() -> None:
    store = SavedMessages()
    store.add(msg("g1"))
    store.add(msg("r1", ROOM))
    store.add(msg("o1", OTHER))
    store.add(msg("g2"))
    store.add(msg("r2", ROOM))
    assert names(store.for_scope(ROOM)) == ["r1", "r2", "g1", "g2"]
    assert names(store.for_scope(OTHER)) == ["o1", "g1", "g2"]
    assert names(store.for_scope("")) == ["g1", "g2"]
    assert names(store.for_scope("ws://nowhere/")) == ["g1", "g2"]


def test_get() -> None:
    store = SavedMessages()
    store.add(msg("Ping", payload="global"))
    store.add(msg("Ping", ROOM, payload="room"))
    got = store.get("Ping", ROOM)
    assert got is not None
    assert got.payload == "room"
    global_one = store.get("Ping")
    assert global_one is not None
    assert global_one.payload == "global"
    assert store.get("Ping", OTHER) is None


# -- replacing, removing, moving ----------------------------------------------------


def test_replace_in_place() -> None:
    store = SavedMessages()
    for n in ("a", "b", "c"):
        store.add(msg(n))
    new = SavedMessage(" B2 ", SendMode.BINARY, "de ad", BinaryFormat.HEX)
    kept = store.replace("b", "", new)
    assert kept.name == "B2"
    assert store.all() == [msg("a"), SavedMessage("B2", SendMode.BINARY, "de ad"), msg("c")]


def test_replace_may_keep_its_own_name() -> None:
    store = SavedMessages()
    store.add(msg("a"))
    store.replace("a", "", msg("a", payload="changed"))
    assert store.all() == [msg("a", payload="changed")]


def test_replace_refuses_a_name_taken_by_another() -> None:
    store = SavedMessages()
    store.add(msg("a"))
    store.add(msg("b"))
    with pytest.raises(ValueError, match=re.escape("named 'a' already exists")):
        store.replace("b", "", msg("a"))
    assert names(store.all()) == ["a", "b"]


def test_replace_into_another_scope_goes_last_there() -> None:
    store = SavedMessages()
    store.add(msg("r1", ROOM))
    store.add(msg("g1"))
    store.add(msg("r2", ROOM))
    store.replace("g1", "", msg("g1", ROOM))
    assert names(store.for_scope(ROOM)) == ["r1", "r2", "g1"]
    assert store.get("g1") is None


def test_replace_of_a_missing_message() -> None:
    with pytest.raises(ValueError, match=re.escape("There is no saved message named 'x'.")):
        SavedMessages().replace("x", "", msg("x"))


def test_remove() -> None:
    store = SavedMessages()
    store.add(msg("Ping"))
    store.add(msg("Ping", ROOM))
    assert store.remove("Ping", ROOM) is True
    assert store.remove("Ping", ROOM) is False
    assert store.all() == [msg("Ping")]


def test_move_within_its_scope() -> None:
    store = SavedMessages()
    for name, scope in (("g1", ""), ("r1", ROOM), ("g2", ""), ("r2", ROOM), ("g3", "")):
        store.add(msg(name, scope))
    assert store.move("g3", "", -1) is True
    assert names(store.for_scope("")) == ["g1", "g3", "g2"]
    assert store.move("g3", "", -5) is True  # stops at the top
    assert names(store.for_scope("")) == ["g3", "g1", "g2"]
    assert store.move("g3", "", -1) is False
    assert store.move("r1", ROOM, 1) is True
    assert names(store.for_scope(ROOM)) == ["r2", "r1", "g3", "g1", "g2"]
    assert store.move("r1", ROOM, 1) is False  # a room's stay above the global ones
    # The other scope's slots did not move.
    assert [m.scope for m in store.all()] == ["", ROOM, "", ROOM, ""]


def test_move_of_a_missing_message() -> None:
    with pytest.raises(ValueError, match="There is no saved message"):
        SavedMessages().move("x", "", 1)


# -- changes ------------------------------------------------------------------------


def test_every_change_is_reported_to_the_owner_and_the_listeners() -> None:
    store = SavedMessages()
    owner, view = Counter(), Counter()
    store.on_change = owner
    store.add_listener(view)
    store.add(msg("a"))
    store.add(msg("b"))
    store.replace("a", "", msg("a", payload="new"))
    store.move("b", "", -1)
    store.remove("a")
    assert (owner.calls, view.calls) == (5, 5)
    # Nothing changed, nothing reported.
    store.remove("nope")
    store.move("b", "", -1)
    refusal(lambda: store.add(msg("b")))
    assert (owner.calls, view.calls) == (5, 5)
    store.remove_listener(view)
    store.remove("b")
    assert (owner.calls, view.calls) == (6, 5)


def test_a_failing_listener_changes_nothing_else() -> None:
    store = SavedMessages()
    after = Counter()

    def broken() -> None:
        raise RuntimeError("boom")

    store.on_change = broken
    store.add_listener(after)
    store.add(msg("a"))
    assert after.calls == 1
    assert names(store.all()) == ["a"]


# -- settings -----------------------------------------------------------------------


def test_settings_round_trip() -> None:
    store = SavedMessages()
    store.add(SavedMessage("Join", SendMode.JSON, '{"type": "join"}\n', scope=ROOM))
    store.add(SavedMessage("Hi", SendMode.CHAT, "hello, world"))
    store.add(SavedMessage("Blob", SendMode.BINARY, "3q2+7w==", BinaryFormat.BASE64))
    store.add(SavedMessage("Img", SendMode.BINARY, "/tmp/x.png", BinaryFormat.FILE, OTHER))
    data = store.to_settings()
    assert data[0] == {
        "name": "Join",
        "mode": "json",
        "payload": '{"type": "join"}\n',
        "binary_format": "hex",
        "scope": ROOM,
    }
    assert SavedMessages.from_settings(data).all() == store.all()


@pytest.mark.parametrize("data", [None, 42, "text", {"name": "x"}, b"bytes"])
def test_from_settings_of_no_list_is_empty(data: Any) -> None:
    assert len(SavedMessages.from_settings(data)) == 0


def test_from_settings_skips_damaged_entries_and_keeps_the_rest() -> None:
    good = {"name": "ok", "mode": "text", "payload": "x", "binary_format": "hex", "scope": ""}
    data = [
        "not a dict",
        None,
        {"mode": "text", "payload": "x"},  # no name
        {"name": "m", "mode": "telepathy", "payload": "x"},  # unknown mode
        {"name": "f", "mode": "binary", "payload": "x", "binary_format": "octal"},
        {"name": "n", "mode": "text", "payload": 5},  # not text
        {"name": "", "mode": "text", "payload": "x"},  # bad name
        {"name": "e", "mode": "text", "payload": ""},  # empty payload
        good,
        dict(good),  # a duplicate
        {"name": "minimal", "mode": "chat", "payload": "hi"},  # format and scope default
        {"name": "s", "mode": "text", "payload": "x", "scope": "x" * 5000},  # absurd scope
    ]
    store = SavedMessages.from_settings(data)
    assert store.all() == [
        SavedMessage("ok", SendMode.TEXT, "x"),
        SavedMessage("minimal", SendMode.CHAT, "hi"),
    ]


def test_from_settings_stops_at_the_count_limit() -> None:
    data = [
        {"name": f"m{i}", "mode": "text", "payload": "x"} for i in range(MAX_SAVED_MESSAGES + 5)
    ]
    store = SavedMessages.from_settings(data)
    assert len(store) == MAX_SAVED_MESSAGES
    assert store.all()[-1].name == f"m{MAX_SAVED_MESSAGES - 1}"


def test_constructor_takes_messages_and_checks_them() -> None:
    store = SavedMessages([msg("a"), msg("b", ROOM)])
    assert names(store.all()) == ["a", "b"]
    refusal(lambda: SavedMessages([msg("a"), msg("a")]))


# -- preview --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "shown"),
    [
        ("one line", "one line"),
        ("  padded  ", "padded"),
        ('{\n  "type": "join"\n}', "{…"),
        ("\n\nfirst\nsecond", "first…"),
        ("x" * PREVIEW_CHARS, "x" * PREVIEW_CHARS),
        ("x" * (PREVIEW_CHARS + 1), "x" * (PREVIEW_CHARS - 1) + "…"),
    ],
)
def test_preview(payload: str, shown: str) -> None:
    assert preview(msg("p", payload=payload)) == shown


def test_messages_go_through_translate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snippets, "translate", lambda context, text: f"[{context}] {text}")
    assert (
        refusal(lambda: SavedMessages().add(msg("")))
        == "[SavedMessages] A saved message needs a name."
    )
