"""The browser guest page (issue 17): what the server serves, to whom, with which headers.

server/guest_page.py as units (Accept, If-None-Match, which files of a
folder are served), then over real sockets: ``/`` and ``/r/NAME`` serve the
page to a browser (``Accept: text/html``) and 426 to anyone else; the files
under ``/static/roomcast/`` with their content types, CSP, nosniff, no
referrer, ``no-cache`` and a strong ETag answered 304; nothing else of the
folder is served; the Origin rule on the upgrade (the server's own address
and, with a certificate, its own https name, yes; anything else 403); and
the banner's browser link.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import tomllib
from importlib import resources
from pathlib import Path

import pytest
import trustme
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from roomcast.server import guest_page
from roomcast.server.gate import Gate
from roomcast.server.guest_page import (
    CONTENT_TYPES,
    CSP,
    NOT_INSTALLED,
    PAGE,
    STATIC_PREFIX,
    WEB_BUDGET,
    WEB_FOLDER,
    WebFiles,
    etag_matches,
    etag_of,
    static_name,
    wants_html,
)
from tests.helpers import ROOT, peer, running_server, server_process

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's
WEB = ROOT / "server" / WEB_FOLDER
#: What the browser loads besides the page: what index.html and app.js name.
SHIPPED = sorted(
    p.name for p in WEB.iterdir() if p.is_file() and p.suffix in (".html", ".css", ".js")
)


async def http_get(
    url: str,
    path: str,
    headers: dict[str, str] | None = None,
    *,
    context: ssl.SSLContext | None = None,
    method: str = "GET",
) -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP/1.1 GET over a real socket, the path sent as written (no
    normalisation of ``..``); headers by lower-case name, body as bytes."""
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    reader, writer = await asyncio.open_connection(
        host, int(port), ssl=context, server_hostname=host if context else None
    )
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host_port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    raw = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = {k.lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    return int(status_line.split()[1]), parsed, body


def assert_page_headers(headers: dict[str, str]) -> None:
    assert headers["content-security-policy"] == CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-cache"
    assert re.fullmatch(r'"[A-Za-z0-9_-]{43}"', headers["etag"]), headers["etag"]  # strong


# -- server/guest_page.py, as units ------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (HTML, True),  # Chromium and Firefox navigating
        ("text/html", True),
        ("TEXT/HTML; charset=utf-8", True),
        ("application/json, text/html;q=0.5", True),
        ("text/html;q=0", False),  # explicitly not acceptable (RFC 9110 12.4.2)
        ("text/html;q=0.000", False),
        ("text/html;q=x", False),
        ("*/*", False),  # curl, python-requests: they get 426
        ("text/*", False),
        ("application/json", False),
        ("text/htmlx", False),
        ("", False),
        (None, False),
    ],
)
def test_wants_html(accept: str | None, wanted: bool) -> None:
    assert wants_html(accept) is wanted


ETAG = etag_of(b"body")


@pytest.mark.parametrize(
    ("if_none_match", "matches"),
    [
        (ETAG, True),
        (f"W/{ETAG}", True),  # If-None-Match compares weakly (RFC 9110 13.1.2)
        (f'"other", {ETAG}', True),
        ("*", True),
        ('"other"', False),
        (ETAG.strip('"'), False),  # not quoted: not this entity tag
        ("", False),
    ],
)
def test_etag_matches(if_none_match: str, matches: bool) -> None:
    assert etag_matches(if_none_match, ETAG) is matches


def test_the_etag_is_a_hash_of_the_bytes() -> None:
    assert etag_of(b"a") == etag_of(b"a") != etag_of(b"b")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/static/roomcast/app.js", "app.js"),
        ("/static/roomcast/app.js?v=2", "app.js"),
        ("/static/roomcast/", ""),
        ("/static/roomcast/test/x.mjs", "test/x.mjs"),
        ("/static/other/app.js", None),
        ("/app.js", None),
    ],
)
def test_static_name(path: str, name: str | None) -> None:
    assert static_name(path) == name


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    web = tmp_path / "web"
    (web / "test").mkdir(parents=True)
    for name in ("index.html", "style.css", "app.js", "README.md", ".hidden.js", "x.mjs"):
        (web / name).write_text(f"/* {name} */")
    (web / "test" / "protocol.test.mjs").write_text("test")
    (web / "sub.js").mkdir()  # a folder named like a file
    return web


def test_only_top_level_html_css_and_js_are_loaded(folder: Path) -> None:
    files = WebFiles.load(folder)
    assert sorted(files.assets) == ["app.js", "index.html", "style.css"]
    assert files.installed
    asset = files.assets["style.css"]
    assert (asset.body, asset.content_type) == (b"/* style.css */", "text/css; charset=utf-8")
    assert files.static_answer("README.md", None) is None
    assert files.static_answer("test/protocol.test.mjs", None) is None
    assert files.static_answer("../app.py", None) is None


def test_a_missing_page_is_503_not_a_crash(folder: Path, tmp_path: Path) -> None:
    (folder / "index.html").unlink()
    for files in (WebFiles.load(folder), WebFiles.load(tmp_path / "nowhere"), WebFiles()):
        assert not files.installed
        answer = files.page_answer(None)
        assert (answer.status, answer.body) == (503, NOT_INSTALLED.encode())


def test_the_shipped_files_are_served_and_within_the_budget() -> None:
    files = WebFiles.load()  # server/web through importlib.resources
    assert PAGE in SHIPPED
    assert sorted(files.assets) == SHIPPED
    assert files.size == sum((WEB / n).stat().st_size for n in SHIPPED)
    assert files.size < WEB_BUDGET, f"{files.size} bytes; the budget is {WEB_BUDGET}"
    # Found as package resources, so an installed wheel finds them too.
    assert Path(str(resources.files("roomcast.server") / WEB_FOLDER)) == WEB


def test_the_wheel_ships_what_is_served() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"][f"roomcast.server.{WEB_FOLDER}"]
    assert sorted(patterns) == sorted(f"*{suffix}" for suffix in CONTENT_TYPES)


# -- over sockets: the page and its files --------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/r/team", "/r/team?invite=1", "/r/a.b_c-9"])
async def test_a_browser_gets_the_page_at_a_room_path(path: str) -> None:
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], path, {"Accept": HTML})
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert body == (WEB / PAGE).read_bytes()
        assert int(headers["content-length"]) == len(body)
        assert headers["vary"] == "Accept"
        assert_page_headers(headers)
        assert server.health()["connections"] == 0  # nothing was upgraded


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html;q=0"])
@pytest.mark.parametrize("path", ["/", "/r/team"])
async def test_anyone_else_still_gets_426(path: str, accept: str | None) -> None:
    async with running_server() as server:
        headers = {"Accept": accept} if accept is not None else {}
        status, got, body = await http_get(server.urls[0], path, headers)
        assert status == 426
        assert got["upgrade"] == "websocket"
        assert body.startswith(b"This is a Roomcast room")
        assert "content-security-policy" not in got


@pytest.mark.parametrize("name", SHIPPED)
async def test_every_file_is_served_with_its_type_and_headers(name: str) -> None:
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], STATIC_PREFIX + name)
        assert status == 200
        assert headers["content-type"] == CONTENT_TYPES[Path(name).suffix]
        assert body == (WEB / name).read_bytes()
        assert_page_headers(headers)
        assert headers["etag"] == etag_of(body)


async def test_a_matching_etag_is_304_without_a_body() -> None:
    async with running_server() as server:
        url = server.urls[0]
        _, first, _ = await http_get(url, STATIC_PREFIX + "app.js")
        status, headers, body = await http_get(
            url, STATIC_PREFIX + "app.js", {"If-None-Match": first["etag"]}
        )
        assert (status, body) == (304, b"")
        assert headers["etag"] == first["etag"]
        assert "content-length" not in headers
        assert_page_headers(headers)
        # The page revalidates the same way.
        status, _, body = await http_get(
            url, "/r/team", {"Accept": HTML, "If-None-Match": etag_of((WEB / PAGE).read_bytes())}
        )
        assert (status, body) == (304, b"")
        # Another tag: the whole file.
        status, _, body = await http_get(url, STATIC_PREFIX + "app.js", {"If-None-Match": '"x"'})
        assert (status, body) == (200, (WEB / "app.js").read_bytes())


async def test_head_is_get_without_the_body_and_other_methods_are_refused() -> None:
    async with running_server() as server:
        url = server.urls[0]
        _, full, _ = await http_get(url, STATIC_PREFIX + "style.css")
        status, headers, body = await http_get(url, STATIC_PREFIX + "style.css", method="HEAD")
        assert (status, body) == (200, b"")
        assert {k: v for k, v in headers.items() if k != "date"} == {
            k: v for k, v in full.items() if k != "date"
        }
        status, headers, _ = await http_get(url, "/r/team", {"Accept": HTML}, method="HEAD")
        assert (status, headers["content-type"]) == (200, "text/html; charset=utf-8")
        status, headers, _ = await http_get(url, STATIC_PREFIX + "app.js", method="POST")
        assert (status, headers["allow"]) == (405, "GET, HEAD")
        status, _, _ = await http_get(url, "/r/team", {"Accept": HTML}, method="POST")
        assert status == 426  # not the page: a room path, not upgraded


@pytest.mark.parametrize(
    "path",
    [
        "/static/roomcast/../app.py",
        "/static/roomcast/%2e%2e/app.py",
        "/static/roomcast/..%2fapp.py",
        "/static/roomcast/test/protocol.test.mjs",
        "/static/roomcast/README.md",
        "/static/roomcast/",
        "/static/roomcast/nope.js",
        "/static/roomcast//app.js",
        "/static/roomcast/APP.JS",
        "/static/app.js",
    ],
)
async def test_nothing_else_is_served(path: str) -> None:
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], path, {"Accept": HTML})
        assert status == 404
        assert b"Roomcast" not in body and b"<" not in body
        assert headers["content-type"] == "text/plain; charset=utf-8"


async def test_page_loads_spend_no_websocket_handshakes() -> None:
    """A page load is five requests; with a burst of two handshakes the
    visitor's socket still opens afterwards (the TCP cap bounds a flood)."""
    async with running_server(handshake_rate=0.01, handshake_burst=2) as server:
        url = server.urls[0]
        for _ in range(3):
            assert (await http_get(url, "/r/team", {"Accept": HTML}))[0] == 200
            for name in SHIPPED:
                assert (await http_get(url, STATIC_PREFIX + name))[0] == 200
        port = server.port
        async with peer(url + "r/team", origin=f"http://127.0.0.1:{port}") as p:
            assert p.ws.subprotocol == "roomcast.v1"


async def test_a_page_that_is_not_installed_is_503_and_the_rooms_still_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A broken install: the server finds no server/web folder when it starts.
    monkeypatch.setattr(guest_page, "WEB_FOLDER", "not-installed")
    async with running_server() as server:
        status, headers, body = await http_get(server.urls[0], "/", {"Accept": HTML})
        assert (status, body) == (503, NOT_INSTALLED.encode())
        assert headers["content-type"] == "text/plain; charset=utf-8"
        assert server.page_urls == []
        async with peer(server.urls[0], subprotocols=None) as p:
            assert (await p.recv())["type"] == "welcome"


# -- the Origin rule on the upgrade ---------------------------------------------------------


async def test_the_pages_own_origin_is_upgraded_and_a_foreign_one_is_403() -> None:
    async with running_server() as server:
        port = server.port
        (page,) = server.page_urls
        assert page == f"http://127.0.0.1:{port}/"
        # What a browser sends from the page it loaded at page_urls (or localhost).
        for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
            async with peer(server.urls[0] + "r/team", origin=origin) as p:
                await p.send({"type": "hello", "name": "web"})
                assert (await p.until("welcome"))["you"] == "web"
        for origin in ("http://evil.example", f"http://evil.example:{port}", "null"):
            with pytest.raises(InvalidStatus) as info:
                async with peer(server.urls[0] + "r/team", origin=origin):
                    pass
            assert info.value.response.status_code == 403


async def test_a_wildcard_server_accepts_its_page_from_every_address_it_prints() -> None:
    """Bound to 0.0.0.0: the page reached through any printed (LAN) address
    opens its socket through that address, with that Origin."""
    async with running_server(host="0.0.0.0") as server:
        assert len(server.page_urls) == len(server.urls) >= 1
        for page, url in zip(server.page_urls, server.urls, strict=True):
            status, _, _ = await http_get(page, "/r/team", {"Accept": HTML})
            assert status == 200
            async with peer(url + "r/team", origin=page.rstrip("/")) as p:
                assert p.ws.subprotocol == "roomcast.v1"  # upgraded
            with pytest.raises(InvalidStatus) as info:
                async with peer(url + "r/team", origin="http://evil.example"):
                    pass
            assert info.value.response.status_code == 403


@pytest.mark.parametrize(
    ("tls", "origin", "host", "allowed"),
    [
        # With a certificate: an https Origin naming the Host is the server's own page.
        (True, "https://chat.example.com:8765", "chat.example.com:8765", True),
        (True, "https://chat.example.com", "chat.example.com", True),  # 443 both
        (True, "https://chat.example.com", "chat.example.com:443", True),
        (True, "https://CHAT.example.com:8765", "chat.example.COM:8765", True),
        (True, "http://chat.example.com:8765", "chat.example.com:8765", False),  # not https
        (True, "https://evil.example:8765", "chat.example.com:8765", False),
        (True, "https://chat.example.com:8766", "chat.example.com:8765", False),
        (True, "https://chat.example.com:8765/x", "chat.example.com:8765", False),
        (True, "https://u@chat.example.com:8765", "chat.example.com:8765", False),
        (True, "https://chat.example.com:8765", None, False),
        # Without one the Host is a DNS-rebinding page's own name: never trusted.
        (False, "https://chat.example.com:8765", "chat.example.com:8765", False),
        (False, "http://chat.example.com:8765", "chat.example.com:8765", False),
    ],
)
def test_with_tls_an_https_origin_equal_to_the_host_is_own(
    tls: bool, origin: str, host: str | None, allowed: bool
) -> None:
    gate = Gate((), health=lambda: {"status": "ok"}, tls=tls)
    gate.own_hosts = {"127.0.0.1:8765"}
    assert gate.origin_allowed(origin, host) is allowed


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_files(ca: trustme.CA, tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1, localhost and chat.example.test, and a client that trusts it."""
    pem = tmp_path / "server.pem"
    issued = ca.issue_cert("127.0.0.1", "localhost", "chat.example.test")
    issued.private_key_and_cert_chain_pem.write_to_path(pem)
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return pem, context


async def test_over_tls_the_page_is_https_and_its_sockets_are_accepted(
    tls_files: tuple[Path, ssl.SSLContext],
) -> None:
    pem, context = tls_files
    async with running_server(certfile=str(pem)) as server:
        port = server.port
        (page,) = server.page_urls
        assert page == f"https://127.0.0.1:{port}/"
        status, headers, body = await http_get(page, "/r/team", {"Accept": HTML}, context=context)
        assert (status, body) == (200, (WEB / PAGE).read_bytes())
        assert_page_headers(headers)
        # The page at its address opens wss:// to the same address.
        async with peer(server.urls[0] + "r/team", ssl=context, origin=page.rstrip("/")) as p:
            assert p.ws.subprotocol == "roomcast.v1"
        # The page reached by the certificate's name (DNS says chat.example.test):
        # Origin, Host and the certificate agree.
        named = f"wss://chat.example.test:{port}/r/team"
        async with connect(
            named,
            host="127.0.0.1",
            port=port,
            ssl=context,
            origin=f"https://chat.example.test:{port}",  # type: ignore[arg-type]
            subprotocols=["roomcast.v1"],  # type: ignore[list-item]
        ) as ws:
            assert ws.subprotocol == "roomcast.v1"
        # Another page naming that host is still refused.
        with pytest.raises(InvalidStatus) as info:
            async with connect(
                named,
                host="127.0.0.1",
                port=port,
                ssl=context,
                origin=f"https://evil.example:{port}",  # type: ignore[arg-type]
            ):
                pass
        assert info.value.response.status_code == 403


# -- the banner -------------------------------------------------------------------------------


async def test_the_banner_prints_the_browser_link_next_to_the_ws_one() -> None:
    with server_process("--db", ":memory:") as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        page = f"http://127.0.0.1:{port}/"
        assert server.banner[1].strip() == f"ws://127.0.0.1:{port}/"
        assert f"Browser guests: {page} (the lobby) or {page}r/NAME" in server.banner
        status, _, body = await http_get(page, "/r/NAME", {"Accept": HTML})
        assert (status, body) == (200, (WEB / PAGE).read_bytes())
        code, err = await server.stop()
        assert code == 0, err
