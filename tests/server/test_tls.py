"""wss://: the server with a certificate made at test time by trustme.

In-process (RoomServer) and through the CLI's --certfile/--keyfile; a client
that does not trust the issuing CA is refused by its own TLS check.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from websockets.exceptions import InvalidMessage

from tests.helpers import WAIT, Peer, member, peer, running_server, server_process


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def client_ctx(ca: trustme.CA) -> ssl.SSLContext:
    """A client context that trusts the test CA, and verifies names as usual."""
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.fixture
def combined_pem(ca: trustme.CA, tmp_path: Path) -> Path:
    """The private key and the certificate chain in one PEM file."""
    path = tmp_path / "server.pem"
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(path)
    return path


@contextlib.asynccontextmanager
async def tls_member(
    url: str, name: str, context: ssl.SSLContext
) -> AsyncIterator[tuple[Peer, dict[str, Any]]]:
    """Like tests.helpers.member, over TLS (member() sends its keywords in the hello)."""
    async with peer(url, ssl=context) as client:
        await client.send({"type": "hello", "name": name})
        yield client, await client.until("welcome")


async def post_and_receive(client: Peer, content: str, msg_id: str) -> dict[str, object]:
    await client.send({"type": "message", "content": content, "id": msg_id})
    return await client.until("message", id=msg_id)


async def test_in_process_server_serves_wss(combined_pem: Path, client_ctx: ssl.SSLContext) -> None:
    async with running_server(certfile=str(combined_pem), keyfile=None) as server:
        url = server.urls[0]
        assert url == f"wss://127.0.0.1:{server.port}/"
        async with tls_member(url, "alice", client_ctx) as (alice, welcome):
            assert welcome["type"] == "welcome"
            assert welcome["you"] == "alice"
            assert welcome["seq"] == 0
            tls = alice.ws.transport.get_extra_info("ssl_object")
            assert tls is not None
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
            echo = await post_and_receive(alice, "over TLS", "t-1")
            assert echo["seq"] == 1
            assert echo["from"] == "alice"
            assert echo["content"] == "over TLS"


async def test_client_that_does_not_trust_the_ca_is_refused(
    combined_pem: Path, client_ctx: ssl.SSLContext
) -> None:
    async with running_server(certfile=str(combined_pem)) as server:
        url = server.urls[0]
        stranger = ssl.create_default_context()  # the system CAs only
        with pytest.raises(ssl.SSLCertVerificationError) as failure:
            async with peer(url, ssl=stranger):
                pass
        assert failure.value.verify_code == 20, failure.value
        assert failure.value.verify_message == "unable to get local issuer certificate"
        # The refused handshake left the server serving everyone else.
        async with tls_member(url, "bob", client_ctx) as (_, welcome):
            assert welcome["you"] == "bob"


async def test_plain_ws_client_gets_no_room_on_a_wss_port(combined_pem: Path) -> None:
    async with running_server(certfile=str(combined_pem)) as server:
        plain = server.urls[0].replace("wss://", "ws://", 1)
        # The server speaks TLS: the plain HTTP upgrade gets no HTTP answer.
        with pytest.raises(InvalidMessage, match="did not receive a valid HTTP response"):
            async with member(plain, "plain"):
                pass
        assert server.health()["connections"] == 0


# ---------------------------------------------------------------------------
# The CLI: --certfile and --keyfile
# ---------------------------------------------------------------------------


async def test_cli_serves_wss_with_certfile_and_keyfile(
    ca: trustme.CA, client_ctx: ssl.SSLContext, tmp_path: Path
) -> None:
    issued = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    for i, pem in enumerate(issued.cert_chain_pems):
        pem.write_to_path(certfile, append=i > 0)
    issued.private_key_pem.write_to_path(keyfile)

    with server_process(
        "--db", ":memory:", "--certfile", str(certfile), "--keyfile", str(keyfile)
    ) as server:
        assert re.fullmatch(r"wss://127\.0\.0\.1:\d+/", server.url), server.url
        async with (
            tls_member(server.url, "alice", client_ctx) as (alice, _),
            tls_member(server.url, "bob", client_ctx) as (bob, welcome),
        ):
            assert welcome["members"] == ["alice", "bob"]
            echo = await post_and_receive(alice, "hello over wss", "c-1")
            assert (echo["seq"], echo["from"]) == (1, "alice")
            relayed = await bob.until("message", id="c-1")
            assert relayed == echo
        server.proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.to_thread(server.proc.communicate, timeout=WAIT)
        assert server.proc.returncode == 0, err
        assert "Traceback" not in err, err
