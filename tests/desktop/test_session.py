"""ChatSession (desktop/session.py): addresses in, rows and signals out.

Hosting through the session is in tests/desktop/test_hosting.py, and the
window's use of it in tests/desktop/test_main_window.py; here the session
stands alone, with a foreign echo server where it needs a peer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import ConnectionState, Status
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Direction, Row, RowKind, SendState, binary_summary
from roomcast.desktop.session import ChatSession
from roomcast.server.notices import Notice, Severity
from tests.helpers import until
from tests.peers import echo_server


def rows(session: ChatSession, kind: RowKind | None = None) -> list[Row]:
    session.model.flush()
    return [r for r in session.model.rows if kind is None or r.kind is kind]


@pytest.fixture
async def session() -> AsyncIterator[ChatSession]:
    chat = ChatSession(MessageListModel())
    try:
        yield chat
    finally:
        await chat.aclose()


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("", "Enter a ws:// or wss:// address to connect to"),
        (" , ", "Enter a ws:// or wss:// address to connect to"),
        (
            "http://example.com/",
            "'http://example.com/' is not a WebSocket URL: it must start with ws:// or wss://",
        ),
        (
            "ws://127.0.0.1:9/, roomcast://",
            "'ws://' has no host: a WebSocket URL looks like ws://HOST:PORT/",
        ),
    ],
)
async def test_an_unusable_address_is_a_warning_and_no_connection(
    session: ChatSession, text: str, warning: str
) -> None:
    notices: list[Notice] = []
    session.notice.connect(notices.append)
    assert not session.connect_to(text, "ann")
    assert session.client is None and not session.can_send
    assert [(n.severity, n.text) for n in notices] == [(Severity.WARNING, warning)]
    [row] = rows(session)
    assert (row.kind, row.text, row.severity) == (RowKind.SYSTEM, warning, Severity.WARNING)


async def test_nothing_is_sent_while_not_connected(session: ChatSession) -> None:
    session.send("hello")
    session.send_raw('{"type": "typing"}')
    session.send_typing()  # a hint: dropped without a word
    session.request_older()
    assert [r.text for r in rows(session)] == [
        "Not connected: the message was not sent",
        "Not connected: the frame was not sent",
    ]
    assert all(r.severity is Severity.WARNING for r in rows(session))


async def test_a_link_connects_and_frames_become_rows_until_disconnected(
    qtbot: QtBot, session: ChatSession
) -> None:
    statuses: list[Status] = []
    session.statusChanged.connect(statuses.append)
    async with echo_server() as url:
        link = url.replace("ws://", "roomcast://", 1)
        assert session.connect_to(link, "ann")
        await until(lambda: session.status.state is ConnectionState.CONNECTED, what="connected")
        assert session.status.url == url  # the link became its ws:// address
        assert not session.status.roomcast  # an echo server is foreign
        assert rows(session, RowKind.SYSTEM)[-1].text == (
            f"Connected to {url} (not a Roomcast server: showing its frames as they come)"
        )

        session.send_raw('{"type": "typing"}')
        session.send_raw("plain text")
        session.send_raw(b"\x00\xffraw")
        await until(lambda: len(rows(session)) == 7, what="the three frames echoed")
        sent = [r for r in rows(session) if r.direction is Direction.OUT]
        back = [r for r in rows(session)[1:] if r.direction is Direction.IN]
        # What we send is shown exactly as it went out; what comes back is
        # classified: JSON (pretty), text, or binary.
        assert [(r.kind, r.text, r.raw) for r in sent] == [
            (RowKind.JSON, '{"type": "typing"}', '{"type": "typing"}'),
            (RowKind.TEXT, "plain text", "plain text"),
            (RowKind.BINARY, binary_summary(b"\x00\xffraw"), b"\x00\xffraw"),
        ]
        assert all(r.mine and r.state is SendState.SENT for r in sent)
        assert [(r.kind, r.text, r.raw) for r in back] == [
            (RowKind.JSON, '{"type": "typing"}', '{"type": "typing"}'),
            (RowKind.TEXT, "plain text", "plain text"),
            (RowKind.BINARY, binary_summary(b"\x00\xffraw"), b"\x00\xffraw"),
        ]
        assert not any(r.mine for r in back)

        session.disconnect_from_server()
        assert session.client is None
        await until(lambda: session.status.state is ConnectionState.DISCONNECTED)
    assert rows(session, RowKind.SYSTEM)[-1].text == "Disconnected"
    states = [s.state for s in statuses]
    assert states[0] is ConnectionState.CONNECTING
    assert ConnectionState.CONNECTED in states
    assert states[-1] is ConnectionState.DISCONNECTED
