"""desktop/links.py: roomcast:// links, failover lists and WebSocket URLs, as tables."""

from __future__ import annotations

import pytest

from roomcast.desktop.links import (
    EXAMPLE_URL,
    from_link,
    host_port,
    invite_link,
    join_urls,
    link_fingerprint,
    split_urls,
    validate_url,
)
from tests.helpers import run_module_code


@pytest.mark.parametrize(
    ("link", "url"),
    [
        ("roomcast://127.0.0.1:8765/r/team", "ws://127.0.0.1:8765/r/team"),
        ("roomcasts://chat.example.com/r/team", "wss://chat.example.com/r/team"),
        ("ROOMCAST://host:1/", "ws://host:1/"),
        ("RoomCastS://host/", "wss://host/"),
        ("ws://host:1/r/a", "ws://host:1/r/a"),
        ("wss://host/r/a", "wss://host/r/a"),
        ("http://host/", "http://host/"),
        ("roomcastx://host/", "roomcastx://host/"),
        ("roomcast", "roomcast"),
        ("roomcast:host", "roomcast:host"),
        ("", ""),
    ],
)
def test_from_link(link: str, url: str) -> None:
    assert from_link(link) == url


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("", []),
        ("  ,  , ", []),
        ("ws://a/", ["ws://a/"]),
        ("ws://a/, ws://b/", ["ws://a/", "ws://b/"]),
        ("ws://a/ ws://b/", ["ws://a/", "ws://b/"]),
        ("ws://a/,ws://b/", ["ws://a/", "ws://b/"]),
        (" ws://a/ ,\tws://b/\n", ["ws://a/", "ws://b/"]),
        ("roomcast://a/r/x, roomcasts://b/r/x", ["ws://a/r/x", "wss://b/r/x"]),
        # Not validated here: a list keeps what the person typed, for the error.
        ("http://a/ nonsense", ["http://a/", "nonsense"]),
        ("ws://a/ ws://a/", ["ws://a/", "ws://a/"]),
    ],
)
def test_split_urls(text: str, urls: list[str]) -> None:
    assert split_urls(text) == urls


@pytest.mark.parametrize(
    ("urls", "text"),
    [
        ([], ""),
        (["ws://a/"], "ws://a/"),
        (("ws://a/", "wss://b/"), "ws://a/, wss://b/"),
    ],
)
def test_join_urls_is_what_split_urls_reads_back(urls: list[str], text: str) -> None:
    assert join_urls(urls) == text
    assert split_urls(text) == list(urls)


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("ws://127.0.0.1:8765/r/team", "ws://127.0.0.1:8765/r/team"),
        (" ws://[::1]:8765/r/team ", "ws://[::1]:8765/r/team"),
        ("wss://example.com", "wss://example.com"),
        ("WS://Example.com/r/a", "WS://Example.com/r/a"),
        (EXAMPLE_URL, EXAMPLE_URL),
    ],
)
def test_valid_urls_come_back_stripped(url: str, valid: str) -> None:
    assert validate_url(url) == valid


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://example.com/",
            "'http://example.com/' is not a WebSocket URL: it must start with ws:// or wss://",
        ),
        ("localhost:8765", "'localhost:8765' is not a WebSocket URL"),
        ("", "'' is not a WebSocket URL"),
        # A link is mapped (split_urls) before it is validated.
        ("roomcast://host/r/a", "'roomcast://host/r/a' is not a WebSocket URL"),
        ("ws://", "'ws://' has no host: a WebSocket URL looks like ws://HOST:PORT/"),
        ("wss:///r/x", "'wss:///r/x' has no host"),
        ("ws://host:port/", "'ws://host:port/' is not a valid WebSocket URL: "),
        ("ws://host:99999/", "'ws://host:99999/' is not a valid WebSocket URL: "),
    ],
)
def test_invalid_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ValueError, match="URL") as caught:
        validate_url(url)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("ws://example.com/r/a", "example.com:80"),
        ("wss://example.com/r/a", "example.com:443"),
        ("WSS://example.com", "example.com:443"),
        ("ws://127.0.0.1:8765/r/team", "127.0.0.1:8765"),
        ("ws://[::1]:9000/", "[::1]:9000"),
        ("ws://host:port/", "host:80"),
        ("ws:///r/a", "?:80"),
    ],
)
def test_host_port(url: str, where: str) -> None:
    assert host_port(url) == where


def test_the_example_is_a_valid_url_on_the_servers_default_port() -> None:
    from roomcast.server.defaults import HOST, PORT

    assert validate_url(EXAMPLE_URL) == f"ws://{HOST}:{PORT}/r/team"


def test_importing_links_imports_neither_qt_nor_websockets() -> None:
    # roomcast --help parses its URL arguments with this module: it stays light.
    result = run_module_code(
        "import sys, desktop.links; "
        "print(sorted(m for m in ('PySide6', 'websockets', 'qasync') if m in sys.modules))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


FP = "ab" * 32


def test_an_invite_link_round_trips_the_fingerprint() -> None:
    url = "wss://192.168.1.5:8765/r/team"
    link = invite_link(url, ":".join(["AB"] * 32))
    assert link == f"roomcasts://192.168.1.5:8765/r/team#sha256={FP}"
    assert link_fingerprint(link) == FP
    assert from_link(link) == url  # the fragment never reaches the server
    assert validate_url(from_link(link)) == url
    assert split_urls(f"{link}, ws://b:1/r/team") == [url, "ws://b:1/r/team"]
    assert invite_link("ws://h:1/r/a") == "roomcast://h:1/r/a"


@pytest.mark.parametrize(
    "text",
    [
        "wss://h:1/r/a#sha256=" + FP,  # not a link: a ws URL keeps its fragment
        "roomcasts://h:1/r/a",
        "roomcasts://h:1/r/a#",
        "roomcasts://h:1/r/a#sha1=" + FP,
        "roomcasts://h:1/r/a#sha256=",
    ],
)
def test_no_fingerprint_where_none_is_given(text: str) -> None:
    assert link_fingerprint(text) is None
