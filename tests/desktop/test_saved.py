"""Saved connections (desktop/saved.py): the store over a real ini file and a
real keyring backend (tests/desktop/keyrings.py). The dialog's tests are in
tests/desktop/widgets/test_saved.py.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.core
import pytest

from roomcast.desktop.connection_options import ConnectionOptions
from roomcast.desktop.saved import (
    KEYRING_SERVICE,
    NoKeyringError,
    PasswordStoreError,
    SavedConnection,
    SavedConnections,
    keyring_available,
    keyring_header_user,
    keyring_user,
)
from tests.desktop.keyrings import (
    FIRST,
    NO_KEYRING,
    SECOND,
    SECRET,
    LockedKeyring,
    MemoryKeyring,
    reopened,
)


def test_the_password_round_trips_through_the_keyring_and_never_reaches_the_ini_file(
    store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    stored = store.save(SavedConnection("Team", (FIRST, SECOND), "alice"), SECRET)

    assert stored == SavedConnection("Team", (FIRST, SECOND), "alice", has_password=True)
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Team"): SECRET}
    again = reopened(ini)
    assert again.all() == [stored]
    assert again.password("Team") == SECRET
    data = ini.read_bytes()
    assert b"backup.example.org" in data  # the file is the one written...
    assert SECRET.encode() not in data  # ...and the password is not in it
    assert SECRET not in data.decode("latin-1")


def test_a_single_url_survives_the_ini_file(store: SavedConnections, ini: Path) -> None:
    # An ini file gives a one-element list back as a plain string.
    store.save(SavedConnection("Solo", (FIRST,)))
    assert reopened(ini).get("Solo") == SavedConnection("Solo", (FIRST,))


def test_save_replaces_by_name_keeps_order_and_none_keeps_the_password(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    store.save(SavedConnection("B", (SECOND,)))
    store.save(SavedConnection("A", (SECOND,), "bob"))  # password None: keep it

    assert store.names() == ["A", "B"]
    assert store.get("A") == SavedConnection("A", (SECOND,), "bob", has_password=True)
    assert store.password("A") == "pa"
    assert store.password("B") is None
    assert store.get("missing") is None


def test_an_empty_password_forgets_the_saved_one(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    stored = store.save(SavedConnection("A", (FIRST,)), "")
    assert not stored.has_password
    assert memory.passwords == {}
    assert store.password("A") is None


def test_fields_are_stripped_and_duplicate_urls_dropped(store: SavedConnections) -> None:
    stored = store.save(SavedConnection("  Team ", (f" {FIRST} ", FIRST, SECOND), " alice "))
    assert stored == SavedConnection("Team", (FIRST, SECOND), "alice")


def test_delete_removes_the_keyring_entry(
    store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    store.save(SavedConnection("B", (SECOND,)), "pb")

    store.delete("A")

    assert reopened(ini).names() == ["B"]
    assert memory.passwords == {(KEYRING_SERVICE, keyring_user("B")): "pb"}
    store.delete("A")  # already gone: nothing happens


def test_delete_does_not_mind_a_password_removed_by_hand(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("A", (FIRST,)), "pa")
    memory.passwords.clear()
    store.delete("A")
    assert store.all() == []


def test_rename_moves_the_password(store: SavedConnections, memory: MemoryKeyring) -> None:
    store.save(SavedConnection("Old", (FIRST,), "alice"), "pw")

    renamed = store.rename("Old", "New")

    assert renamed == SavedConnection("New", (FIRST,), "alice", has_password=True)
    assert store.names() == ["New"]
    assert memory.passwords == {(KEYRING_SERVICE, "connection:New"): "pw"}
    store.save(SavedConnection("Other", (SECOND,)))
    with pytest.raises(ValueError, match=r"^A saved connection named 'Other' already exists\.$"):
        store.rename("New", "Other")
    with pytest.raises(ValueError, match=r"^There is no saved connection named 'Gone'\.$"):
        store.rename("Gone", "Whatever")


def test_without_a_keyring_the_rest_is_saved_and_no_keyring_error_says_so(
    store: SavedConnections, no_keyring: None, ini: Path
) -> None:
    assert not keyring_available()

    with pytest.raises(NoKeyringError) as caught:
        store.save(SavedConnection("Team", (FIRST,), "alice"), SECRET)

    assert str(caught.value) == NO_KEYRING
    assert reopened(ini).all() == [SavedConnection("Team", (FIRST,), "alice", has_password=False)]
    assert store.password("Team") is None
    assert SECRET.encode() not in ini.read_bytes()
    # Without a password to store, saving is fine.
    store.save(SavedConnection("Other", (SECOND,)))
    store.delete("Other")


def test_a_locked_keyring_is_a_message_not_a_traceback(
    store: SavedConnections, use_keyring: None, ini: Path
) -> None:
    keyring.set_keyring(LockedKeyring())

    with pytest.raises(PasswordStoreError) as caught:
        store.save(SavedConnection("Team", (FIRST,)), SECRET)

    assert str(caught.value) == (
        "The system keyring is locked: the password was not saved. "
        "It will be asked for when you connect."
    )
    assert not isinstance(caught.value, NoKeyringError)
    assert store.get("Team") == SavedConnection("Team", (FIRST,), has_password=False)
    assert SECRET.encode() not in ini.read_bytes()


def test_reading_a_password_from_a_locked_or_missing_keyring_says_what_to_do(
    store: SavedConnections, memory: MemoryKeyring, use_keyring: None
) -> None:
    store.save(SavedConnection("Team", (FIRST,)), SECRET)

    keyring.set_keyring(LockedKeyring())
    with pytest.raises(PasswordStoreError) as locked:
        store.password("Team")
    assert str(locked.value) == (
        "The system keyring is locked: the saved password could not be read. "
        "Type it in the Password field."
    )
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(PasswordStoreError) as missing:
        store.password("Team")
    assert str(missing.value) == (
        "No system keyring is available: the saved password could not be read. "
        "Type it in the Password field."
    )
    with pytest.raises(PasswordStoreError) as deleting:
        store.delete("Team")
    assert str(deleting.value) == (
        "No system keyring is available: the connection was deleted, "
        "but its password could not be removed from it."
    )
    assert store.all() == []


def test_keyring_available_only_for_a_backend_that_stores(use_keyring: None) -> None:
    keyring.set_keyring(MemoryKeyring())
    assert keyring_available()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert not keyring_available()
    keyring.set_keyring(keyring.backends.null.Keyring())
    assert not keyring_available()
    # A chainer with nothing to chain: what keyring builds when every backend is filtered out.
    keyring.core.init_backend(limit=lambda backend: False)
    try:
        keyring.set_keyring(keyring.backends.chainer.ChainerBackend())
        assert not keyring_available()
    finally:
        keyring.core.init_backend()


@pytest.mark.parametrize(
    ("conn", "message"),
    [
        (SavedConnection("", (FIRST,)), "A saved connection needs a name."),
        (SavedConnection("   ", (FIRST,)), "A saved connection needs a name."),
        (
            SavedConnection("x" * 65, (FIRST,)),
            "A connection name has at most 64 characters (this one has 65).",
        ),
        (
            SavedConnection("tab\there", (FIRST,)),
            "A connection name can't contain control characters.",
        ),
        (
            SavedConnection("Team", ()),
            "A saved connection needs at least one server address (ws:// or wss://).",
        ),
        (
            SavedConnection("Team", (FIRST, "http://example.org/")),
            "'http://example.org/' is not a WebSocket URL: it must start with ws:// or wss://",
        ),
        (
            SavedConnection("Team", ("ws://",)),
            "'ws://' has no host: a WebSocket URL looks like ws://HOST:PORT/",
        ),
        (
            SavedConnection("Team", (FIRST,), "x" * 33),
            "Not a valid display name: name must be 1-32 characters, got 33.",
        ),
    ],
)
def test_invalid_fields_are_value_errors_and_store_nothing(
    store: SavedConnections, memory: MemoryKeyring, conn: SavedConnection, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        store.save(conn, SECRET)
    assert str(caught.value) == message
    assert store.all() == []
    assert memory.passwords == {}


def test_sixty_four_characters_is_a_name(store: SavedConnections) -> None:
    assert store.save(SavedConnection("x" * 64, (FIRST,))).name == "x" * 64


# -- connection options ----------------------------------------------------------------

TOKEN = "Bearer tok-3a9f-only-in-the-keyring"


def team_options(token: str = TOKEN) -> ConnectionOptions:
    return ConnectionOptions(
        headers=(("Authorization", token), ("X-Team", "blue")),
        subprotocols=("chat.v2",),
        query=(("room", "a b"),),
        ping_interval=None,
        open_timeout=30,
    )


def test_options_round_trip_and_secret_header_values_live_in_the_keyring(
    store: SavedConnections, memory: MemoryKeyring, ini: Path
) -> None:
    stored = store.save(SavedConnection("Team", (FIRST,), options=team_options()))

    blank = dataclasses.replace(team_options(), headers=(("Authorization", ""), ("X-Team", "blue")))
    assert stored == SavedConnection(
        "Team", (FIRST,), options=blank, secret_headers=("Authorization",)
    )
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Team:header:Authorization"): TOKEN}
    assert keyring_header_user("Team", "Authorization") == "connection:Team:header:Authorization"
    again = reopened(ini)
    assert again.all() == [stored]  # listing reads no secret
    assert again.options("Team") == team_options()
    assert again.options("Nobody") == ConnectionOptions()
    data = ini.read_bytes()
    assert b"chat.v2" in data  # the options are in the file...
    assert b"tok-3a9f" not in data  # ...the secret value is not


def test_a_connection_without_options_writes_none(store: SavedConnections, ini: Path) -> None:
    store.save(SavedConnection("Plain", (FIRST,)))
    assert b"options" not in ini.read_bytes()
    assert reopened(ini).options("Plain") == ConnectionOptions()


def test_an_empty_secret_value_keeps_the_saved_one_and_dropped_headers_leave_the_keyring(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(
        SavedConnection(
            "Team",
            (FIRST,),
            options=ConnectionOptions(headers=(("Authorization", TOKEN), ("Cookie", "sid=1"))),
        ),
        "pw",
    )
    # As the dialog saves it again: the secret values left empty.
    kept = store.save(
        SavedConnection(
            "Team",
            (FIRST,),
            options=ConnectionOptions(headers=(("Authorization", ""), ("Cookie", "sid=2"))),
        )
    )
    assert kept.secret_headers == ("Authorization", "Cookie")
    assert store.options("Team").headers == (("Authorization", TOKEN), ("Cookie", "sid=2"))
    assert store.password("Team") == "pw"

    store.save(
        SavedConnection("Team", (FIRST,), options=ConnectionOptions(headers=(("X-Team", "b"),)))
    )
    assert memory.passwords == {(KEYRING_SERVICE, "connection:Team"): "pw"}
    assert store.options("Team").headers == (("X-Team", "b"),)


def test_rename_and_delete_take_the_header_values_along(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    store.save(SavedConnection("Old", (FIRST,), options=team_options()), "pw")

    renamed = store.rename("Old", "New")

    assert renamed.secret_headers == ("Authorization",)
    assert memory.passwords == {
        (KEYRING_SERVICE, "connection:New"): "pw",
        (KEYRING_SERVICE, "connection:New:header:Authorization"): TOKEN,
    }
    assert store.options("New") == team_options()
    store.delete("New")
    assert memory.passwords == {}


def test_without_a_keyring_secret_headers_are_not_saved_and_the_message_says_so(
    store: SavedConnections, no_keyring: None, ini: Path
) -> None:
    with pytest.raises(NoKeyringError) as caught:
        store.save(SavedConnection("Team", (FIRST,), options=team_options()))

    assert str(caught.value) == (
        "No system keyring is available: the headers with secret values (Authorization) "
        "were not saved. Add them in the connection options when you connect."
    )
    saved = reopened(ini).get("Team")
    assert saved is not None
    assert saved.options.headers == (("X-Team", "blue"),)  # the rest is saved
    assert saved.secret_headers == ()
    assert b"tok-3a9f" not in ini.read_bytes()

    # With a password too: both are said, in one NoKeyringError.
    with pytest.raises(NoKeyringError) as both:
        store.save(SavedConnection("Team", (FIRST,), options=team_options()), SECRET)
    assert str(both.value) == NO_KEYRING + " " + str(caught.value)


def test_reading_header_values_from_a_locked_keyring_or_one_that_lost_them(
    store: SavedConnections, memory: MemoryKeyring, use_keyring: None
) -> None:
    store.save(SavedConnection("Team", (FIRST,), options=team_options()))
    memory.passwords.clear()  # removed by hand
    assert store.options("Team").headers == (("X-Team", "blue"),)  # not sent empty

    keyring.set_keyring(LockedKeyring())
    with pytest.raises(PasswordStoreError) as locked:
        store.options("Team")
    assert str(locked.value) == (
        "The system keyring is locked: the saved header values could not be read. "
        "Type them in the connection options."
    )
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(PasswordStoreError) as missing:
        store.options("Team")
    assert str(missing.value).startswith("No system keyring is available: the saved header")


def test_invalid_options_are_value_errors_and_store_nothing(
    store: SavedConnections, memory: MemoryKeyring
) -> None:
    bad = ConnectionOptions(headers=(("Authorization", TOKEN), ("Host", "evil")))
    with pytest.raises(ValueError, match=r"^The Host header is set by the WebSocket handshake"):
        store.save(SavedConnection("Team", (FIRST,), options=bad))
    assert store.all() == []
    assert memory.passwords == {}


def test_damaged_options_in_the_settings_file_read_as_defaults(
    store: SavedConnections, ini: Path
) -> None:
    store.save(SavedConnection("Team", (FIRST,), options=ConnectionOptions(open_timeout=30)))
    text = ini.read_text()
    assert "open_timeout" in text
    ini.write_text(
        "\n".join(
            "1\\options=not json {" if line.startswith("1\\options=") else line
            for line in text.splitlines()
        )
    )
    assert reopened(ini).get("Team") == SavedConnection("Team", (FIRST,))
