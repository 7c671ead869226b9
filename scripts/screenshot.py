"""Screenshots of the window (``make screenshot``).

Runs under a real X server (``xvfb-run``): a room server on the app's own
qasync loop, the real main window connected to it as "alice", and two more
members (plain websockets clients) chatting. Saves the screen around the
window to ``docs/screenshots/``: ``conversation.png``, ``hosting.png``
(hosting for the network: the invite with the certificate's fingerprint,
the member table), ``host-kick.png`` (the kick dialog), ``network-rooms.png``
(rooms others host on the network, found by mDNS), ``light.png`` /
``dark.png`` (the same conversation with the find bar open, in each theme),
``reset.png`` (the room's server restarted without its history: the one
system row, then the new history), ``rooms.png`` (three
rooms open at once, one of them hosted, unread counts on the others),
``quit-hosting.png`` (quitting while guests are in the hosted room),
``session-export.png`` and ``session-reading.png`` (saving 400,000 rows,
and a saved session being read into its viewer, each with its progress and
Cancel) and the
inspector on a foreign server: ``inspector-json.png`` (a JSON frame's tree
in the detail pane, control frames shown), ``inspector-hex.png`` (a binary
frame's hex and ASCII) and ``inspector-send.png`` (the send-mode selector on
Binary, saved messages) and ``inspector-options.png`` (the connection
options dialog); and the browser guest page (Debian's chromium through
Playwright) at a phone's size (``guest-phone.png``, dark) and a desktop's
(``guest-desktop.png``, light), a conversation under way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from qasync import QEventLoop
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from roomcast.desktop.client import ConnectionState
from roomcast.desktop.main_window import MainWindow
from roomcast.desktop.models import MessageListModel
from roomcast.desktop.rows import Row, RowKind
from roomcast.desktop.session import ChatSession
from roomcast.server.app import RoomServer, ServerConfig

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
OUT = SHOTS / "conversation.png"
HOSTING = SHOTS / "hosting.png"
LIGHT = SHOTS / "light.png"
DARK = SHOTS / "dark.png"
RESET = SHOTS / "reset.png"
ROOMS = SHOTS / "rooms.png"
QUIT = SHOTS / "quit-hosting.png"
INSPECT_JSON = SHOTS / "inspector-json.png"
INSPECT_HEX = SHOTS / "inspector-hex.png"
INSPECT_SEND = SHOTS / "inspector-send.png"
INSPECT_OPTIONS = SHOTS / "inspector-options.png"
GUEST_PHONE = SHOTS / "guest-phone.png"
GUEST_DESKTOP = SHOTS / "guest-desktop.png"
NETWORK_ROOMS = SHOTS / "network-rooms.png"
KICK = SHOTS / "host-kick.png"
EXPORTING = SHOTS / "session-export.png"
READING = SHOTS / "session-reading.png"


async def until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


def new_window(
    width: int, height: int, *, tray: bool | None = None
) -> tuple[MainWindow, ChatSession]:
    """A shown window whose settings and hosted history live in a throwaway folder."""
    folder = tempfile.mkdtemp()
    settings = QSettings(f"{folder}/s.ini", QSettings.Format.IniFormat)
    session = ChatSession(MessageListModel(), hosted_db=f"{folder}/hosted.sqlite3")
    window = MainWindow(session, settings, tray=tray)
    window.resize(width, height)
    window.show()
    window.activateWindow()  # looked at: the room shown counts nothing unread
    return window, session


@contextlib.asynccontextmanager
async def chat(window: MainWindow, session: ChatSession, url: str, script: list):  # type: ignore[no-untyped-def,type-arg]
    """alice's window joins ``url`` with bob and carol, who stay connected
    while the body runs; ``script`` is [(who, text)], who being "bob",
    "carol" or None for alice (typed)."""
    proto = [Subprotocol("roomcast.v1")]  # members from the start, not guests
    async with connect(url, subprotocols=proto) as bob, connect(url, subprotocols=proto) as carol:
        members = {"bob": bob, "carol": carol}
        for name, ws in members.items():
            await ws.send(json.dumps({"type": "hello", "name": name}))
        window.connect_to(url, "alice")
        await until(lambda: session.status.state is ConnectionState.CONNECTED)
        for who, text in script:
            if who is None:
                window.composer.setPlainText(text)
                window.composer.submit()
            else:
                await members[who].send(json.dumps({"type": "message", "content": text}))
            await asyncio.sleep(0.15)
        await members["carol"].send(json.dumps({"type": "typing"}))
        await asyncio.sleep(0.5)
        session.model.flush()
        yield


async def converse(app: QApplication) -> Path:
    async with RoomServer(ServerConfig(port=0)) as server:
        url = server.urls[0] + "r/team"
        window, session = new_window(980, 620)
        script = [
            ("bob", "Morning! Is the build green?"),
            ("carol", "Yes — 165 tests, 10 seconds. <b>this stays literal</b>"),
            (None, "Great, I'll host the demo room at 3."),
            ("bob", "Sharing the invite in a minute.\nSecond line of the same message."),
        ]
        async with chat(window, session, url, script):
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


def grab_widget(widget: QWidget, path: Path) -> None:
    frame = widget.frameGeometry()
    shot = widget.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    shot.save(str(path))


async def host(app: QApplication) -> list[Path]:
    """The window hosting a room for the network: the invite panel with the
    certificate's fingerprint, the member table under the conversation; then
    the kick dialog for one of them."""
    from roomcast.desktop import tls
    from roomcast.desktop.hosting import ALL_NETWORKS, HostSettings
    from roomcast.desktop.links import from_link

    window, session = new_window(1180, 880)
    window.connection_bar.name_edit.setText("alice")
    await session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "alice")
    await until(lambda: session.status.state is ConnectionState.HOSTING)
    url = from_link(session.invite[0])
    pinned = tls.client_context(pinned=True)  # we compared the fingerprint ourselves
    proto = [Subprotocol("roomcast.v1")]
    async with (
        connect(url, subprotocols=proto, ssl=pinned) as bob,
        connect(url, subprotocols=proto, ssl=pinned) as carol,
    ):
        for name, ws in (("bob", bob), ("carol", carol)):
            await ws.send(json.dumps({"type": "hello", "name": name}))
        await asyncio.sleep(0.2)
        await bob.send(json.dumps({"type": "message", "content": "Joined from the invite!"}))
        await carol.send(json.dumps({"type": "message", "content": "Same here, over wss."}))
        await bob.send(json.dumps({"type": "message", "content": "Fingerprint matches."}))
        await asyncio.sleep(2.5)  # a refresh or two: round trips measured
        session.model.flush()
        app.processEvents()
        grab(window, HOSTING)
        panel = window.host_controls.panel
        panel.select_member("team", "bob")
        dialog = panel.open_kick_dialog()
        assert dialog is not None
        dialog.reason_edit.setText("please keep it on topic")
        dialog.ban_name_box.setChecked(True)
        await asyncio.sleep(0.3)
        app.processEvents()
        grab_widget(dialog, KICK)
        dialog.reject()
    await session.aclose()
    window.close()
    return [HOSTING, KICK]


async def network_rooms(app: QApplication) -> Path:
    """Rooms on your network: two rooms others host (one with a password),
    listed in the dialog of a third window."""
    from roomcast.desktop.discovery import Advert, Advertiser
    from roomcast.desktop.hosting import ALL_NETWORKS, HostSettings
    from roomcast.server.netinfo import lan_ipv4_addresses

    hosting, hosting_session = new_window(900, 600)
    await hosting_session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "alice")
    other = Advertiser()
    lan = tuple(lan_ipv4_addresses())
    assert lan
    assert hosting_session.hosted_fingerprint is not None
    await other.start(
        Advert(
            room="design-review",
            host_name="Carol's laptop",
            port=8765,
            addresses=lan,
            password=True,
            fingerprint=hosting_session.hosted_fingerprint,
            secure=True,
        )
    )
    window, session = new_window(980, 620)
    dialog = window.host_controls.open_network_rooms()
    dialog.resize(560, 340)
    await until(lambda: dialog.model.rowCount() >= 2, timeout=15.0)
    dialog.view.setCurrentIndex(dialog.model.index(1, 0))
    await asyncio.sleep(0.3)
    app.processEvents()
    grab_widget(dialog, NETWORK_ROOMS)
    dialog.close()
    await other.close()
    await session.aclose()
    await hosting_session.aclose()
    window.close()
    hosting.close()
    return NETWORK_ROOMS


def many_rows(n: int) -> list[Row]:
    """Chat rows as a long inspector or chat session holds them."""
    start = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    names = ("alice", "bob", "carol", "dave")
    return [
        Row(
            kind=RowKind.CHAT,
            text=f"status update {i}: build {i % 97} passed",
            time=start + timedelta(milliseconds=40 * i),
            author=names[i % 4],
            seq=i + 1,
            raw=json.dumps({"type": "message", "seq": i + 1, "content": f"status update {i}"}),
        )
        for i in range(n)
    ]


async def sessions(app: QApplication) -> list[Path]:
    """A long session saved (the progress dialog, Cancel) and a saved one
    being read into its viewer (the progress bar, Stop reading)."""
    window, session = new_window(900, 600)
    rows = many_rows(400_000)
    session.model.timeline.extend(rows)
    session.model.flush()
    folder = Path(tempfile.mkdtemp())
    task = window.export_session(str(folder / "standup.jsonl"))

    def progress_shown() -> bool:
        return any(d.isVisible() for d in window.findChildren(QProgressDialog))

    await until(progress_shown)
    await asyncio.sleep(0.3)  # painted (no processEvents: a save is under way)
    grab_widget(window.findChildren(QProgressDialog)[0], EXPORTING)
    await task
    viewer = window.open_saved_session(str(folder / "standup.jsonl"))
    assert viewer is not None
    viewer.resize(760, 520)
    await until(lambda: viewer.model.rowCount() > 60_000, timeout=60.0)
    await asyncio.sleep(0.1)
    grab_widget(viewer, READING)
    viewer.close()
    await session.aclose()
    window.close()
    return [EXPORTING, READING]


async def themes(app: QApplication) -> list[Path]:
    """The conversation in the light and the dark theme, the find bar open."""
    from roomcast.desktop.filtering import RowFilter
    from roomcast.desktop.theme import Theme

    async with RoomServer(ServerConfig(port=0)) as server:
        url = server.urls[0] + "r/team"
        window, session = new_window(980, 640)
        script = [
            ("bob", "Morning! Is the build green?"),
            ("bob", "The nightly build took 4 minutes."),
            ("carol", "Green here. Release build next?"),
            (None, "Yes, I'll start the release build at 3."),
            ("carol", '{"build": 1842, "status": "passed"}'),
            ("bob", "Lunch first."),
        ]
        shots = []
        async with chat(window, session, url, script):
            window.filter_bar.activate()
            window.filter_bar.search.setText("build")
            window.filter_model.set_filter(RowFilter(text="build"))
            for theme, path in ((Theme.LIGHT, LIGHT), (Theme.DARK, DARK)):
                window.set_theme(theme)
                await asyncio.sleep(0.3)
                app.processEvents()
                grab(window, path)
                shots.append(path)
            window.set_theme(Theme.LIGHT)
        await session.aclose()
        window.close()
    return shots


async def reset(app: QApplication) -> Path:
    """The room's server restarted with :memory: on the same port: the window
    resumes into a new epoch and shows the reset row once, then what is new."""
    first = RoomServer(ServerConfig(port=0))
    await first.start()
    port = first.port
    url = f"ws://127.0.0.1:{port}/r/team"
    window, session = new_window(980, 560)
    async with connect(url) as bob:
        await bob.send(json.dumps({"type": "hello", "name": "bob"}))
        window.connect_to(url, "alice")
        await until(lambda: session.status.state is ConnectionState.CONNECTED)
        for text in ("Deploying the new server now.", "Back in a second."):
            await bob.send(json.dumps({"type": "message", "content": text}))
            await asyncio.sleep(0.15)
    await first.close()
    second = RoomServer(ServerConfig(port=port))  # same address, no history
    await second.start()
    async with connect(url) as bob:
        await bob.send(json.dumps({"type": "hello", "name": "bob"}))
        await until(lambda: session.status.state is ConnectionState.CONNECTED, timeout=20)
        await asyncio.sleep(0.3)
        await bob.send(json.dumps({"type": "message", "content": "New server is up."}))
        await asyncio.sleep(0.5)
        session.model.flush()
        app.processEvents()
        grab(window, RESET)
    await session.aclose()
    window.close()
    await second.close()
    return RESET


async def say(ws, text: str) -> None:  # type: ignore[no-untyped-def]
    await ws.send(json.dumps({"type": "message", "content": text}))
    await asyncio.sleep(0.12)


async def rooms(app: QApplication) -> list[Path]:
    """Three rooms at once: one hosted here, two on two servers; messages
    arrive in all of them while one is shown. Then Quit, with guests in the
    hosted room: the question it asks."""
    from roomcast.desktop.hosting import LOCAL_ONLY, HostSettings

    async with RoomServer(ServerConfig(port=0)) as one, RoomServer(ServerConfig(port=0)) as two:
        window, session = new_window(1100, 640, tray=True)
        window.connection_bar.name_edit.setText("alice")
        await session.host(HostSettings(room="home", host=LOCAL_ONLY, port=0), "alice")
        await until(lambda: session.status.state is ConnectionState.HOSTING)
        home = f"ws://127.0.0.1:{session.server.port}/r/home"  # type: ignore[union-attr]
        team, ops = one.urls[0] + "r/team", two.urls[0] + "r/ops"
        for url in (team, ops):
            window.open_another_room()
            window.connect_to(url, "alice")
            await until(lambda: session.status.state is ConnectionState.CONNECTED)
        proto = [Subprotocol("roomcast.v1")]  # members from the start, not guests
        async with (
            connect(home, subprotocols=proto) as guest,
            connect(team, subprotocols=proto) as bob,
            connect(team, subprotocols=proto) as carol,
            connect(ops, subprotocols=proto) as dan,
        ):
            for ws, name in ((guest, "erin"), (bob, "bob"), (carol, "carol"), (dan, "dan")):
                await ws.send(json.dumps({"type": "hello", "name": name}))
            window.show_room(session.rooms[1])  # team is shown
            await asyncio.sleep(0.3)
            await say(bob, "Morning! Is the build green?")
            await say(carol, "Yes — and the release notes are up.")
            window.composer.setPlainText("Great. I'm hosting the demo room at 3.")
            window.composer.submit()
            await say(dan, "Deploy of 1.4 starts in ten minutes.")
            await say(dan, "@alice can you watch the dashboards?")
            await say(guest, "Hi! Joined from the invite.")
            await say(bob, "Sharing the invite with the others now.")
            await say(guest, "Is the demo at 3 or at 4?")
            await asyncio.sleep(0.5)
            session.model.flush()
            app.processEvents()
            grab(window, ROOMS)
            window.close()  # quit while erin is in "home"
            await asyncio.sleep(0.5)
            app.processEvents()
            grab(window, QUIT)  # the question sits over the window
            box = window.confirm_box
            if box is not None:
                box.reject()
        await session.aclose()
        window.quit_now()
    return [ROOMS, QUIT]


async def inspector(app: QApplication) -> list[Path]:
    """A foreign server's frames: JSON, text, binary, pings; the detail pane."""
    from websockets.asyncio.server import ServerConnection, serve

    from roomcast.desktop.connection_options import ConnectionOptions
    from roomcast.desktop.models import Roles
    from roomcast.desktop.rows import RowKind
    from roomcast.desktop.sending import BinaryFormat, SendMode
    from roomcast.desktop.snippets import SavedMessage

    order = {
        "type": "order",
        "id": 48213,
        "symbol": "ACME",
        "side": "buy",
        "price": 101.25,
        "quantity": 300,
        "flags": ["post-only", "hidden"],
        "account": {"id": "acct-7", "region": "eu-west", "margin": True},
        "note": None,
    }

    async def feed(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "hello", "server": "ticker/2.3", "channels": 3}))
        await ws.ping(b"keepalive")
        await ws.send(json.dumps(order).encode())  # JSON in a binary frame
        await ws.send("plain text status: market open")
        await ws.send(bytes(range(0x20, 0x40)) + b"\x00\x01\x02\xfe\xff" + b"ACME" * 6)
        async for message in ws:
            await ws.send(message)

    window, session = new_window(1180, 760)
    async with serve(feed, "127.0.0.1", 0) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/feed"
        window.inspector.control_action.setChecked(True)
        window.inspector.options_widget.set_options(
            ConnectionOptions(headers=(("Authorization", "Bearer s3cret-token"),))
        )
        window.connect_to(url, "alice")
        await until(lambda: len(session.model.rows) >= 7)
        await asyncio.sleep(0.3)
        session.model.flush()

        def select(kind: RowKind) -> None:
            model = window.filter_model
            for r in range(model.rowCount()):
                row = model.index(r, 0).data(Roles.RowRole)
                if row.kind is kind and isinstance(row.raw, bytes) == (kind is not RowKind.TEXT):
                    window.view.setCurrentIndex(model.index(r, 0))
                    return

        select(RowKind.JSON)
        window.inspector.detail.tree.expandAll()
        app.processEvents()
        await asyncio.sleep(0.2)
        grab(window, INSPECT_JSON)
        select(RowKind.BINARY)
        app.processEvents()
        await asyncio.sleep(0.2)
        grab(window, INSPECT_HEX)

        scope = " ".join(session.rooms.current.key)  # type: ignore[union-attr]
        store = window.inspector.saved_messages
        store.add(SavedMessage("Subscribe ACME", SendMode.JSON, '{"op":"sub","symbol":"ACME"}'))
        store.add(SavedMessage("Heartbeat", SendMode.TEXT, "ping", scope=scope))
        store.add(SavedMessage("Magic bytes", SendMode.BINARY, "ca fe ba be"))
        window.inspector.saved_action.setChecked(True)
        window.composer_bar.selector.set_mode(SendMode.BINARY, BinaryFormat.BASE64)
        window.composer.setPlainText("3q2+7w==")
        app.processEvents()
        await asyncio.sleep(0.2)
        grab(window, INSPECT_SEND)
        dialog = window.inspector.show_options()
        dialog.resize(620, 560)
        app.processEvents()
        await asyncio.sleep(0.3)
        grab_widget(dialog, INSPECT_OPTIONS)
        dialog.close()
        await session.aclose()
        window.close()
    return [INSPECT_JSON, INSPECT_HEX, INSPECT_SEND, INSPECT_OPTIONS]


async def guest() -> list[Path]:
    """The guest page in headless Chromium, served by a room server."""
    import shutil

    from playwright.async_api import async_playwright

    server = RoomServer(ServerConfig(host="127.0.0.1", port=0, db=":memory:"))
    await server.start()
    room = f"ws://127.0.0.1:{server.port}/r/team"
    page_url = room.replace("ws://", "http://")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    shots = [(GUEST_PHONE, 390, 844, "dark"), (GUEST_DESKTOP, 1200, 760, "light")]
    try:
        async with (
            connect(room, subprotocols=[Subprotocol("roomcast.v1")]) as bob,
            async_playwright() as pw,
        ):
            await bob.send(json.dumps({"type": "hello", "name": "bob"}))
            for text in [
                "Morning! The build is green again.",
                "Joining from the browser works too: no install needed.",
                "Link for the notes: https://example.com/notes",
            ]:
                await say(bob, text)
            browser = await pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for path, width, height, scheme in shots:
                context = await browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,  # type: ignore[arg-type]
                    device_scale_factor=2 if width < 500 else 1,
                )
                page = await context.new_page()
                await page.goto(page_url)
                await page.wait_for_selector("#name", state="visible")
                await page.fill("#name", "dana" if width < 500 else "erin")
                await page.click("#join")
                await page.wait_for_selector("#messages li.msg", state="attached")
                await say(bob, "Welcome! Type below, Enter sends.")
                hello = "Hi all, reading along on my phone" if width < 500 else "Hi from a laptop"
                await page.fill("#composer", hello)
                await page.click("#send")
                await asyncio.sleep(0.6)
                await page.fill("#composer", "Typing a reply…")
                await asyncio.sleep(0.3)
                await page.screenshot(path=str(path))
                await context.close()
            await browser.close()
    finally:
        await server.close()
    return [GUEST_PHONE, GUEST_DESKTOP]


def main() -> int:
    app = QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # the coroutine decides when we are done
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        paths = [loop.run_until_complete(converse(app))]
        paths += loop.run_until_complete(host(app))
        paths.append(loop.run_until_complete(network_rooms(app)))
        paths += loop.run_until_complete(themes(app))
        paths.append(loop.run_until_complete(reset(app)))
        paths += loop.run_until_complete(rooms(app))
        paths += loop.run_until_complete(inspector(app))
        paths += loop.run_until_complete(sessions(app))
        paths += loop.run_until_complete(guest())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    for path in paths:
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
