"""The browser guest page (issue 17): what is served, to whom, with which headers. Sans I/O.

PROTOCOL.md, Transport reserves ``GET /`` without an upgrade for the guest
page. The rules, as :class:`~server.gate.Gate` applies them:

* ``GET /`` and ``GET /r/NAME`` (a room path; the query is ignored) without
  ``Upgrade: websocket``, from a client whose ``Accept`` names ``text/html``
  (a browser navigating): 200 with ``index.html``. Without ``text/html`` in
  ``Accept`` (curl's ``*/*``, an API client, a WebSocket client that forgot
  to upgrade): 426 as before, so that the client learns why
  (:func:`wants_html`). ``*/*`` alone is not a browser's navigation.
* ``GET /static/roomcast/FILE``: FILE is one of the files of ``server/web/``
  whose suffix is in :data:`CONTENT_TYPES` (``*.html``, ``*.css``, ``*.js``),
  read once when the server starts (:meth:`WebFiles.load`). Nothing else
  is served: no subfolder (``test/``), no other suffix (``README.md``), no
  dot file. The name is looked up in that fixed set, never joined to a
  path, so ``..`` (encoded or not) cannot leave the folder: anything else
  is 404.
* Every page or asset response carries :data:`PAGE_HEADERS`: the
  Content-Security-Policy :data:`CSP` (no inline script or style, sockets to
  ``'self'`` / ``ws:`` / ``wss:`` only, never framed), ``nosniff``, no
  referrer; ``Cache-Control: no-cache`` with a strong ``ETag`` (a hash of
  the bytes), so that a browser revalidates every load and an unchanged
  file costs a 304 without a body (RFC 9110 13.1.2, 15.4.5; RFC 9111 5.2.2.4).
* The page is missing (a checkout without ``server/web/index.html``, a
  broken install): 503 with a line of text that says so, for the page
  only; the server itself runs as always.

The files are found with :mod:`importlib.resources` (``server/web`` in a
checkout or in an installed wheel, where pyproject.toml's package data puts
them). They are small (:data:`WEB_BUDGET`); a folder above it is still
served, with a warning in the log.
"""

from __future__ import annotations

import base64
import hashlib

# importlib.resources imports its readers on first use: imported with this
# module, they are there for a server that has since dropped its privileges
# (and may not read the interpreter's files any more).
import importlib.readers  # noqa: F401
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Final

log = logging.getLogger("roomcast.server")

#: Where the assets are served: ``/static/roomcast/<file>``.
STATIC_PREFIX: Final = "/static/roomcast/"
#: The folder of the ``server`` package that holds them.
WEB_FOLDER: Final = "web"
#: The page itself, served at ``/`` and ``/r/NAME`` (and under STATIC_PREFIX).
PAGE: Final = "index.html"
#: What is served, by suffix, and as what (RFC 9239: JavaScript is text/javascript).
CONTENT_TYPES: Final[Mapping[str, str]] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
#: A served file's name: one path segment, no leading dot.
FILE_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\Z")
#: Issue 17: the served files stay under 60 KB uncompressed in total.
WEB_BUDGET: Final = 60 * 1024
#: Issue 17: the page runs no inline script or style and talks only to its
#: own server (``connect-src`` needs ``ws:``/``wss:`` spelled out: CSP level 3
#: lets ``'self'`` match them, older browsers do not).
CSP: Final = (
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: Revalidate every time (the ETag makes that a 304): a new server version's
#: files are never mixed with a cached old ``app.js``.
CACHE_CONTROL: Final = "no-cache"
#: On every page and asset response, 200 and 304 alike.
PAGE_HEADERS: Final[tuple[tuple[str, str], ...]] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", CACHE_CONTROL),
)
NOT_INSTALLED: Final = (
    "The browser guest page is not installed on this server "
    "(server/web/index.html is missing); use the Roomcast app or a WebSocket client.\n"
)


@dataclass(frozen=True, slots=True)
class Asset:
    """One served file, read once."""

    name: str
    body: bytes
    content_type: str
    #: Strong entity tag (RFC 9110 8.8.3): the bytes' SHA-256, quoted.
    etag: str


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP response to send: status, headers (besides Date, Connection and
    Content-Length, which the wire adds), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True)
class WebFiles:
    """The served files by name (see the module docstring)."""

    assets: Mapping[str, Asset] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Traversable | None = None) -> WebFiles:
        """Read every servable file of ``folder`` (default: ``server/web``).

        Never raises: a missing or unreadable folder or file is logged and
        left out (the page then answers 503, see :meth:`page_answer`).
        """
        assets: dict[str, Asset] = {}
        try:
            root = folder if folder is not None else resources.files("roomcast.server") / WEB_FOLDER
            entries = list(root.iterdir()) if root.is_dir() else []
        except (OSError, ImportError) as exc:
            log.warning("the browser guest page cannot be read: %s", exc)
            entries = []
        for entry in entries:
            name = entry.name
            suffix = name[name.rfind(".") :] if "." in name else ""
            content_type = CONTENT_TYPES.get(suffix)
            if content_type is None or not FILE_NAME_RE.match(name):
                continue
            try:
                if not entry.is_file():
                    continue
                body = entry.read_bytes()
            except OSError as exc:
                log.warning("the guest page file %s cannot be read: %s", name, exc)
                continue
            assets[name] = Asset(name, body, content_type, etag_of(body))
        files = cls(assets)
        if files.size > WEB_BUDGET:
            log.warning(
                "the browser guest page is %d bytes, above its budget of %d", files.size, WEB_BUDGET
            )
        if not files.installed:
            log.warning("the browser guest page is not installed (%s is missing)", PAGE)
        return files

    @property
    def installed(self) -> bool:
        return PAGE in self.assets

    @property
    def size(self) -> int:
        """Bytes of every served file (the budget counts these)."""
        return sum(len(a.body) for a in self.assets.values())

    def page_answer(self, if_none_match: str | None) -> Answer:
        """The page, for ``GET /`` or ``/r/NAME`` from a browser."""
        asset = self.assets.get(PAGE)
        if asset is None:
            plain = (("Content-Type", "text/plain; charset=utf-8"),)
            return Answer(503, plain, NOT_INSTALLED.encode())
        # The same URL answers 426 to a client that does not accept HTML.
        return file_answer(asset, if_none_match, vary="Accept")

    def static_answer(self, name: str, if_none_match: str | None) -> Answer | None:
        """``/static/roomcast/<name>`` (query removed), or None: 404."""
        asset = self.assets.get(name)
        return None if asset is None else file_answer(asset, if_none_match)


def etag_of(body: bytes) -> str:
    digest = hashlib.sha256(body).digest()
    return '"' + base64.urlsafe_b64encode(digest).rstrip(b"=").decode() + '"'


def file_answer(asset: Asset, if_none_match: str | None, *, vary: str | None = None) -> Answer:
    """200 with the bytes, or 304 when ``If-None-Match`` names them."""
    headers = [*PAGE_HEADERS, ("ETag", asset.etag)]
    if vary is not None:
        headers.append(("Vary", vary))
    if if_none_match is not None and etag_matches(if_none_match, asset.etag):
        return Answer(304, tuple(headers))
    headers.append(("Content-Type", asset.content_type))
    return Answer(200, tuple(headers), asset.body)


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 13.1.2: ``*``, or a list of entity tags compared weakly
    (``W/"x"`` matches ``"x"``)."""
    value = if_none_match.strip()
    if value == "*":
        return True
    for tag in value.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def static_name(path: str) -> str | None:
    """The file name a ``/static/roomcast/...`` path asks for (query removed),
    or None when the path is not under :data:`STATIC_PREFIX`."""
    path = path.split("?", 1)[0]
    if not path.startswith(STATIC_PREFIX):
        return None
    return path[len(STATIC_PREFIX) :]


def wants_html(accept: str | None) -> bool:
    """Does this ``Accept`` header (RFC 9110 12.5.1) name ``text/html`` with a
    quality above 0? Browsers' navigations do; ``*/*`` alone (curl, most
    libraries) does not count: those get 426, which tells them what this is."""
    if not accept:
        return False
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if media.lower() != "text/html":
            continue
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    if float(value.strip()) <= 0:
                        break
                except ValueError:
                    break
        else:
            return True
    return False
