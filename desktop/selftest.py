"""``roomcast --self-test``: the whole app path, headless, in a few seconds.

Hosts a room on port 0 on the app's own qasync loop (offscreen Qt, the real
ChatSession and model), connects a second client from the same process,
exchanges one message each way, stops hosting, and prints one line. The
packaged bundle runs this as its smoke test.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SELF_TEST_TIMEOUT = 20.0


class SelfTestFailed(Exception):
    pass


async def _until(what: str, predicate: Callable[[], object], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SelfTestFailed(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def _exercise(folder: Path) -> str:
    from roomcast.server.notices import Severity

    from .client import ConnectionState, RoomClient
    from .hosting import LOCAL_ONLY, HostSettings
    from .models import MessageListModel
    from .rows import RowKind, SendState
    from .session import ChatSession

    model = MessageListModel()
    session = ChatSession(model, hosted_db=folder / "hosted.sqlite3")
    errors: list[str] = []
    session.notice.connect(
        lambda n: errors.append(n.text) if n.severity >= Severity.ERROR else None
    )
    guest_got: list[str] = []
    guest = RoomClient(
        name="guest",
        on_frame=lambda f: guest_got.append(getattr(f.frame, "content", "")),
    )
    try:
        settings = HostSettings(room="selftest", host=LOCAL_ONLY, port=0)
        if not await session.host(settings, "host"):
            raise SelfTestFailed(f"could not host: {'; '.join(errors) or 'no reason given'}")
        url = session.invite[0]
        await _until(
            "the host to join its room", lambda: session.status.state is ConnectionState.HOSTING
        )
        guest.start([url])
        await _until("the guest to join", lambda: guest.status.state is ConnectionState.CONNECTED)
        session.send("ping from the host")
        await _until(
            "the guest to receive the host's message", lambda: "ping from the host" in guest_got
        )
        guest.send_message("pong from the guest")

        def host_has_pong() -> bool:
            model.flush()
            return any(
                r.kind is RowKind.CHAT and r.text == "pong from the guest" for r in model.rows
            )

        await _until("the host to receive the guest's message", host_has_pong)
        if any(r.state is SendState.FAILED for r in model.rows):
            raise SelfTestFailed("a message failed to send")
        await guest.stop()
        await session.stop_hosting()
        if session.server is not None:
            raise SelfTestFailed("hosting did not stop")
        if errors:
            raise SelfTestFailed("; ".join(errors))
        return url
    finally:
        await guest.stop()
        await session.aclose()


def run_self_test() -> int:
    """Run the self-test; print one line; 0 when everything passed, 1 otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    started = time.monotonic()
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "roomcast"])
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with tempfile.TemporaryDirectory(prefix="roomcast-self-test-") as folder:
            url = loop.run_until_complete(
                asyncio.wait_for(_exercise(Path(folder)), SELF_TEST_TIMEOUT)
            )
    except (SelfTestFailed, TimeoutError) as exc:
        print(f"roomcast self-test FAILED: {exc or 'timed out'}", file=sys.stderr)
        return 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    seconds = time.monotonic() - started
    print(
        f"roomcast self-test passed: hosted {url} on the app's own loop, exchanged a "
        f"message each way with a second client, stopped hosting ({seconds:.1f} s)"
    )
    return 0
