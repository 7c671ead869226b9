"""Connection options (desktop/connection_options.py): checks, the query, secrets,
settings and the command lines, without Qt."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from roomcast.desktop import connection_options as co
from roomcast.desktop.connection_options import (
    OPEN_TIMEOUT,
    PING_INTERVAL,
    PING_TIMEOUT,
    ConnectionOptions,
    check_options,
    from_settings,
    is_secret_header,
    marked_secret_names,
    secret_values,
    to_settings,
    websocat_command,
    with_query,
    with_secrets,
    wscat_command,
)

TOKEN = "Bearer eyJhbGciOi.secret-part"


def test_the_defaults_are_the_module_constants_and_change_nothing() -> None:
    o = ConnectionOptions()
    assert (o.open_timeout, o.ping_interval, o.ping_timeout) == (
        OPEN_TIMEOUT,
        PING_INTERVAL,
        PING_TIMEOUT,
    )
    assert (OPEN_TIMEOUT, PING_INTERVAL, PING_TIMEOUT) == (10.0, 20.0, 20.0)
    assert o.is_default
    assert o.subprotocols is None
    assert not ConnectionOptions(subprotocols=()).is_default
    assert not ConnectionOptions(ping_interval=None).is_default
    assert not ConnectionOptions(headers=(("X-A", "1"),)).is_default


def test_check_options_strips_and_keeps_what_is_valid(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    o = ConnectionOptions(
        headers=((" X-Team ", " blue "), ("Authorization", TOKEN), ("X-Empty", "")),
        subprotocols=(" chat.v2 ", "json"),
        query=((" room ", "a b"),),
        ca_file=f" {ca} ",
        open_timeout=1,
        ping_interval=None,
        ping_timeout=3600,
    )
    assert check_options(o) == ConnectionOptions(
        headers=(("X-Team", "blue"), ("Authorization", TOKEN), ("X-Empty", "")),
        subprotocols=("chat.v2", "json"),
        query=(("room", "a b"),),
        ca_file=str(ca),
        open_timeout=1.0,
        ping_interval=None,
        ping_timeout=3600.0,
    )
    assert check_options(ConnectionOptions(subprotocols=())).subprotocols == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ConnectionOptions(headers=(("", "v"),)), "A header needs a name."),
        (
            ConnectionOptions(headers=(("X Team", "v"),)),
            "Header name 'X Team' is not valid: use only letters, digits and "
            "!#$%&'*+-.^_`|~ (RFC 7230).",
        ),
        (
            ConnectionOptions(headers=(("X:Team", "v"),)),
            "Header name 'X:Team' is not valid: use only letters, digits and "
            "!#$%&'*+-.^_`|~ (RFC 7230).",
        ),
        (
            ConnectionOptions(headers=(("X-A", "one\r\nHost: evil"),)),
            "The value of the X-A header contains a line break or another control "
            "character: HTTP doesn't allow that.",
        ),
        (
            ConnectionOptions(headers=(("X-A", "nul\x00"),)),
            "The value of the X-A header contains a line break or another control "
            "character: HTTP doesn't allow that.",
        ),
        (
            ConnectionOptions(headers=(("host", "example.org"),)),
            "The Host header is set by the WebSocket handshake itself: it can't be added.",
        ),
        (
            ConnectionOptions(headers=(("SEC-WEBSOCKET-KEY", "x"),)),
            "The Sec-WebSocket-Key header is set by the WebSocket handshake itself: "
            "it can't be added.",
        ),
        (
            ConnectionOptions(headers=(("Content-Length", "0"),)),
            "The Content-Length header is set by the WebSocket handshake itself: "
            "it can't be added.",
        ),
        (
            ConnectionOptions(headers=(("Sec-WebSocket-Protocol", "chat"),)),
            "Don't add a Sec-WebSocket-Protocol header: use the subprotocols field.",
        ),
        (
            ConnectionOptions(headers=(("X-A", "1"), ("x-a", "2"))),
            "The x-a header is given twice: give it once (several values go in one, "
            "separated by commas).",
        ),
        (
            ConnectionOptions(subprotocols=("chat v2",)),
            "Subprotocol 'chat v2' is not valid: use only letters, digits and "
            "!#$%&'*+-.^_`|~ (RFC 6455, 4.1).",
        ),
        (
            ConnectionOptions(subprotocols=("chat,v2",)),
            "Subprotocol 'chat,v2' is not valid: use only letters, digits and "
            "!#$%&'*+-.^_`|~ (RFC 6455, 4.1).",
        ),
        (
            ConnectionOptions(subprotocols=("",)),
            "Subprotocol '' is not valid: use only letters, digits and "
            "!#$%&'*+-.^_`|~ (RFC 6455, 4.1).",
        ),
        (
            ConnectionOptions(subprotocols=("a", "b", "a")),
            "Subprotocol 'a' is listed twice.",
        ),
        (
            ConnectionOptions(query=((" ", "x"),)),
            "A query parameter needs a name (the one with the value 'x').",
        ),
        (
            ConnectionOptions(open_timeout=0.5),
            "The open timeout must be 1 to 300 seconds, not 0.5.",
        ),
        (
            ConnectionOptions(open_timeout=301),
            "The open timeout must be 1 to 300 seconds, not 301.",
        ),
        (
            ConnectionOptions(open_timeout=float("nan")),
            "The open timeout must be 1 to 300 seconds, not nan.",
        ),
        (
            ConnectionOptions(ping_interval=0),
            "The ping interval must be 1 to 3600 seconds (or no pings), not 0.",
        ),
        (
            ConnectionOptions(ping_timeout=3601),
            "The ping timeout must be 1 to 3600 seconds (or none), not 3601.",
        ),
        (
            ConnectionOptions(ca_file="/nonexistent/roomcast-ca.pem"),
            "The CA file /nonexistent/roomcast-ca.pem does not exist.",
        ),
    ],
)
def test_check_options_says_which_field_is_wrong(options: ConnectionOptions, message: str) -> None:
    with pytest.raises(ValueError, match=r".") as caught:
        check_options(options)
    assert str(caught.value) == message


def test_a_ca_file_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^The CA file .* is not a file\.$"):
        check_options(ConnectionOptions(ca_file=str(tmp_path)))


def test_with_query_appends_percent_encoded_parameters_to_the_urls_own() -> None:
    url = with_query("wss://example.org/feed?v=1", [("token", "a b&c=d/é"), ("x", "")])
    assert url == "wss://example.org/feed?v=1&token=a%20b%26c%3Dd%2F%C3%A9&x="
    assert parse_qsl(urlsplit(url).query, keep_blank_values=True) == [
        ("v", "1"),
        ("token", "a b&c=d/é"),
        ("x", ""),
    ]
    assert with_query("ws://127.0.0.1:8765", [("room", "team")]) == (
        "ws://127.0.0.1:8765/?room=team"
    )
    assert with_query("ws://h/p", []) == "ws://h/p"


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("Authorization", "", True),
        ("proxy-authorization", "x", True),
        ("Cookie", "a=b", True),
        ("X-Api-Key", "k", True),
        ("X-Auth-User", "bob", True),
        ("X-Session-Id", "1", True),
        ("X-Access-Token", "1", True),
        ("X-Client-Secret", "1", True),
        ("X-Password", "1", True),
        ("X-Custom", "Bearer abc", True),
        ("X-Custom", "basic dXNlcjpwYXNz", True),
        ("X-Team", "blue", False),
        ("User-Agent", "roomcast", False),
        ("X-Custom", "Bearer", False),
        ("Origin", "https://example.org", False),
    ],
)
def test_is_secret_header(name: str, value: str, secret: bool) -> None:
    assert is_secret_header(name, value) is secret


def test_secrets_stay_out_of_the_settings_and_come_back_with_with_secrets() -> None:
    o = ConnectionOptions(
        headers=(("Authorization", TOKEN), ("X-Team", "blue"), ("X-Custom", "Basic Zm9vOmJhcg==")),
        subprotocols=(),
        query=(("room", "team"),),
        ping_interval=None,
        ping_timeout=5,
    )
    data = to_settings(o)
    text = json.dumps(data)
    assert "eyJhbGciOi" not in text
    assert "Zm9vOmJhcg" not in text
    assert data == {
        "headers": [
            {"name": "Authorization", "value": "", "secret": True},
            {"name": "X-Team", "value": "blue"},
            {"name": "X-Custom", "value": "", "secret": True},
        ],
        "subprotocols": [],
        "query": [{"name": "room", "value": "team"}],
        "ping_interval": None,
        "ping_timeout": 5,
    }
    assert marked_secret_names(data) == ("Authorization", "X-Custom")
    assert secret_values(o) == {"Authorization": TOKEN, "X-Custom": "Basic Zm9vOmJhcg=="}

    back = from_settings(text)  # the JSON text reads as well as the dict
    assert back == from_settings(data)
    assert back.headers == (("Authorization", ""), ("X-Team", "blue"), ("X-Custom", ""))
    assert with_secrets(back, {"authorization": TOKEN, "X-Custom": "Basic Zm9vOmJhcg=="}) == o
    assert with_secrets(back, {"X-Missing": "v"}) == back


def test_names_given_as_secret_are_marked_whatever_their_value() -> None:
    o = ConnectionOptions(headers=(("X-Custom", ""), ("X-Team", "blue")))
    assert to_settings(o, secret_names=["x-custom"])["headers"] == [
        {"name": "X-Custom", "value": "", "secret": True},
        {"name": "X-Team", "value": "blue"},
    ]


def test_defaults_write_nothing_and_read_back() -> None:
    assert to_settings(ConnectionOptions()) == {}
    assert from_settings({}) == ConnectionOptions()
    full = ConnectionOptions(
        headers=(("X-A", "1"),),
        subprotocols=("a", "b"),
        query=(("k", "v"),),
        ca_file="/etc/ssl/ca.pem",
        open_timeout=30,
        ping_interval=60,
        ping_timeout=None,
    )
    assert from_settings(json.loads(json.dumps(to_settings(full)))) == full


@pytest.mark.parametrize(
    "data",
    [None, 42, "not json", "[1, 2]", [], b"\xff", {"headers": "nope"}, {"open_timeout": "10"}],
)
def test_from_settings_never_raises_and_defaults_the_bad_parts(data: object) -> None:
    assert from_settings(data) == ConnectionOptions()


def test_from_settings_keeps_the_good_parts_of_damaged_data() -> None:
    data = {
        "headers": [
            {"name": "X-Good", "value": "1"},
            {"name": "Host", "value": "evil"},  # refused by check_options: skipped
            {"name": "X-Bad", "value": "a\r\nb"},
            {"name": 7, "value": "x"},
            "junk",
            {"name": "x-good", "value": "again"},  # a second X-Good: skipped
        ],
        "subprotocols": ["ok", "not ok"],
        "query": [{"name": "", "value": "x"}, {"name": "k", "value": "v"}, {"value": "x"}],
        "ca_file": 12,
        "open_timeout": 1e9,
        "ping_interval": True,
        "ping_timeout": None,
        "something_newer": {"a": 1},
    }
    assert from_settings(data) == ConnectionOptions(
        headers=(("X-Good", "1"),),
        subprotocols=None,
        query=(("k", "v"),),
        ping_timeout=None,
    )


def test_command_lines_quote_for_the_shell_and_carry_everything() -> None:
    o = ConnectionOptions(
        headers=(("Authorization", TOKEN), ("X-Note", "it's fine")),
        query=(("room", "a b"),),
        ca_file="/home/me/my ca.pem",
    )
    url = "wss://example.org/feed"
    websocat = websocat_command(url, o, subprotocols=["chat.v2", "json"])
    assert websocat == (
        "SSL_CERT_FILE='/home/me/my ca.pem' websocat --protocol chat.v2,json "
        "'wss://example.org/feed?room=a%20b' "
        "-H 'Authorization: Bearer eyJhbGciOi.secret-part' -H 'X-Note: it'\"'\"'s fine'"
    )
    assert shlex.split(websocat) == [
        "SSL_CERT_FILE=/home/me/my ca.pem",
        "websocat",
        "--protocol",
        "chat.v2,json",
        "wss://example.org/feed?room=a%20b",
        "-H",
        f"Authorization: {TOKEN}",
        "-H",
        "X-Note: it's fine",
    ]
    wscat = wscat_command(url, o, subprotocols=["chat.v2", "json"])
    assert shlex.split(wscat) == [
        "wscat",
        "-c",
        "wss://example.org/feed?room=a%20b",
        "-H",
        f"Authorization: {TOKEN}",
        "-H",
        "X-Note: it's fine",
        "-s",
        "chat.v2",
        "-s",
        "json",
        "--ca",
        "/home/me/my ca.pem",
    ]


def test_command_lines_add_no_insecure_flag_unless_asked() -> None:
    url = "wss://127.0.0.1:9443/"
    plain = ConnectionOptions()
    assert websocat_command(url, plain, subprotocols=[]) == "websocat wss://127.0.0.1:9443/"
    assert wscat_command(url, plain, subprotocols=[]) == "wscat -c wss://127.0.0.1:9443/"
    assert websocat_command(url, plain, subprotocols=[], insecure=True) == (
        "websocat -k wss://127.0.0.1:9443/"
    )
    assert wscat_command(url, plain, subprotocols=["roomcast.v1"], insecure=True) == (
        "wscat -c wss://127.0.0.1:9443/ -s roomcast.v1 --no-check"
    )


def test_translate_is_the_hook_the_gui_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def fake(context: str, text: str) -> str:
        seen.append((context, text))
        return text.upper()

    monkeypatch.setattr(co, "translate", fake)
    with pytest.raises(ValueError, match=r"^A HEADER NEEDS A NAME\.$"):
        check_options(ConnectionOptions(headers=(("", "x"),)))
    assert seen == [("ConnectionOptions", "A header needs a name.")]
