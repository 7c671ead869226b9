"""Screenshot of the window after a short conversation (``make screenshot``).

Runs under a real X server (``xvfb-run``): a room server on the app's own
qasync loop, the real main window connected to it as "alice", and two more
members (plain websockets clients) chatting. Saves the screen around the
window to ``docs/screenshots/conversation.png``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop
from websockets.asyncio.client import connect

from desktop.client import ConnectionState
from desktop.main_window import MainWindow
from desktop.models import MessageListModel
from desktop.session import ChatSession
from server.app import RoomServer, ServerConfig

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
OUT = SHOTS / "conversation.png"
HOSTING = SHOTS / "hosting.png"


async def until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def new_window(width: int, height: int) -> tuple[MainWindow, ChatSession]:
    """A shown window whose settings and hosted history live in a throwaway folder."""
    folder = tempfile.mkdtemp()
    settings = QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat)
    session = ChatSession(MessageListModel(), hosted_db=f"{folder}/hosted.sqlite3")
    window = MainWindow(session, settings)
    window.resize(width, height)
    window.show()
    return window, session


async def converse(app: QApplication) -> Path:
    async with RoomServer(ServerConfig(port=0)) as server:
        url = server.urls[0] + "r/team"
        window, session = new_window(980, 620)
        async with connect(url) as bob, connect(url) as carol:
            for ws, name in ((bob, "bob"), (carol, "carol")):
                await ws.send(json.dumps({"type": "hello", "name": name}))
            window.connect_to(url, "alice")
            await until(lambda: session.status.state is ConnectionState.CONNECTED)
            lines = [
                (bob, "Morning! Is the build green?"),
                (carol, "Yes — 165 tests, 10 seconds. <b>this stays literal</b>"),
                (None, "Great, I'll host the demo room at 3."),
                (bob, "Sharing the invite in a minute.\nSecond line of the same message."),
            ]
            for ws, text in lines:
                if ws is None:
                    window.composer.setPlainText(text)
                    window.composer.submit()
                else:
                    await ws.send(json.dumps({"type": "message", "content": text}))
                await asyncio.sleep(0.2)
            await carol.send(json.dumps({"type": "typing"}))
            await asyncio.sleep(0.5)
            session.model.flush()
            app.processEvents()
            grab(window, OUT)
        await session.aclose()
        window.close()
    return OUT


def grab(window: MainWindow, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = window.frameGeometry()
    shot = window.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    shot.save(str(path))


async def host(app: QApplication) -> Path:
    """The window hosting a room for the network, with the invite shown."""
    from desktop.hosting import ALL_NETWORKS, HostSettings

    window, session = new_window(980, 660)
    window.connection_bar.name_edit.setText("alice")
    await session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "alice")
    await until(lambda: session.status.state is ConnectionState.HOSTING)
    async with connect(session.invite[0]) as bob:
        await bob.send(json.dumps({"type": "hello", "name": "bob"}))
        await asyncio.sleep(0.2)
        await bob.send(json.dumps({"type": "message", "content": "Joined from the invite!"}))
        await asyncio.sleep(0.5)
        session.model.flush()
        app.processEvents()
        grab(window, HOSTING)
    await session.aclose()
    window.close()
    return HOSTING


def main() -> int:
    app = QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # the coroutine decides when we are done
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        paths = [loop.run_until_complete(converse(app)), loop.run_until_complete(host(app))]
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    for path in paths:
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
