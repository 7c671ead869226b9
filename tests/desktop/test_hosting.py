"""Host a room: the real button, the embedded server on the window's loop, invites, stopping.

Real widgets offscreen, the qasync loop, real sockets; joiners are a plain
websockets client and a second window.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop import client, timeline
from desktop.client import ConnectionState
from desktop.hosting import HOST_STOPPED_REASON, LOCAL_ONLY, HostSettings, host_error_text
from desktop.i18n import install_translators
from desktop.main_window import MainWindow
from server import defaults
from server.app import RoomServer, ServerConfig
from server.errors import ListenError
from tests.desktop.windows import chat_texts, open_window, system_texts, type_and_send
from tests.helpers import ROOT, WAIT, member, run_unprivileged, until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def host_with_the_button(
    qtbot: QtBot, window: MainWindow, port: int, scope_local: bool = True
) -> None:
    window.connection_bar.name_edit.setText("hostess")
    qtbot.mouseClick(window.host_button, Qt.MouseButton.LeftButton)
    dialog = window.host_dialog
    assert dialog is not None and dialog.isVisible()
    if scope_local:
        dialog.local_only.setChecked(True)
    dialog.port.setValue(port)
    dialog.room.setText("team")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the defaults are one Enter away


async def test_host_join_chat_stop_and_host_again(qtbot: QtBot, tmp_path: Path) -> None:
    port = free_port()
    async with (
        open_window(qtbot, tmp_path) as host,
        open_window(qtbot, tmp_path / "joiner") as joiner,
    ):
        await host_with_the_button(qtbot, host, port)
        await until(lambda: host.session.status.state is ConnectionState.HOSTING, what="hosting")
        address = host.invite_panel.addresses()[0]
        assert address == f"ws://127.0.0.1:{port}/r/team"
        # Only this computer can join: a QR code would only lead a phone to itself.
        assert host.invite_panel.copy_button.isVisible()
        assert not host.invite_panel.qr_label.isVisible()
        assert host.state_label.text() == f"Hosting room team at {address}"
        assert host.host_button.text() == "Stop hosting"

        # A plain websockets client and a second window join by the address shown.
        async with member(address, "bob") as (bob, welcome):
            assert welcome["members"] == ["hostess", "bob"]
            joiner.connect_to(address, "joy")
            await until(lambda: joiner.session.status.state is ConnectionState.CONNECTED)
            await until(lambda: host.members_label.text() == "3 members")
            await type_and_send(qtbot, host, "welcome all")
            assert (await bob.until("message"))["content"] == "welcome all"
            await until(lambda: "welcome all" in chat_texts(joiner))
            await type_and_send(qtbot, joiner, "hi host")
            await bob.send({"type": "message", "content": "hi from bob"})
            await until(lambda: {"hi host", "hi from bob"} <= set(chat_texts(host)))

            # Stop hosting: others are connected, so it asks first.
            qtbot.mouseClick(host.host_button, Qt.MouseButton.LeftButton)
            box = host.confirm_box
            assert box is not None and box.isVisible()
            assert (
                box.text()
                == "2 other people are connected to your room. Stop hosting and disconnect them?"
            )
            qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
            assert await bob.closed() == (1001, HOST_STOPPED_REASON)
        await until(lambda: host.session.hosting is None, what="hosting stopped")
        assert host.host_button.text() == "Host a room"
        assert not host.invite_panel.isVisible()
        await until(lambda: "The host stopped hosting" in system_texts(joiner))
        # The joiner backs off like after any drop; it does not spin.
        assert joiner.session.status.state is ConnectionState.RECONNECTING

        # Hosting again on the same port at once works, with the room's history.
        await host_with_the_button(qtbot, host, port)
        await until(
            lambda: host.session.status.state is ConnectionState.HOSTING, what="hosting again"
        )
        joiner.session.retry_now()
        await until(lambda: joiner.session.status.state is ConnectionState.CONNECTED)
        await type_and_send(qtbot, joiner, "back again")
        await until(lambda: "back again" in chat_texts(host))


async def test_port_in_use_is_a_clear_notice(qtbot: QtBot, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with open_window(qtbot, tmp_path) as window:
            ok = await window.session.host(
                HostSettings(room="team", host=LOCAL_ONLY, port=port), "h"
            )
            assert ok is False
            text = f"Port {port} is in use by another program; choose another port to host on."
            assert text in system_texts(window)
            assert window.session.server is None
            assert window.host_button.text() == "Host a room"


async def test_the_hosting_error_texts_are_translated() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = client.translate, timeline.translate
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ListenError) as caught:
            await RoomServer(ServerConfig(host="127.0.0.1", port=port, db=":memory:")).start()
    english = f"Port {port} is in use by another program; choose another port to host on."
    assert host_error_text(caught.value) == english
    installed = install_translators(app, QLocale("de_DE"))
    try:
        assert installed, "resources/i18n/roomcast_de.qm did not load (make i18n builds it)"
        assert host_error_text(caught.value) == (
            f"Port {port} wird von einem anderen Programm verwendet; "
            "wählen Sie einen anderen Port zum Hosten."
        )
    finally:
        for translator in installed:
            app.removeTranslator(translator)
        client.translate, timeline.translate = before
    assert host_error_text(caught.value) == english


def test_permission_denied_below_1024_is_a_clear_notice() -> None:
    # A real EACCES: a process that drops root tries to host on port 80.
    printed = run_unprivileged(
        "import asyncio\n"
        "from desktop.hosting import host_error_text\n"
        "from server.app import RoomServer, ServerConfig\n"
        "from server.errors import ListenError",
        "try:\n"
        "    asyncio.run(RoomServer(ServerConfig(host='127.0.0.1', port=80)).start())\n"
        "    print('started')\n"
        "except ListenError as exc:\n"
        "    print(host_error_text(exc))",
    )
    assert printed == (
        "Permission denied for port 80: ports below 1024 need administrator rights; "
        "choose a port above 1024.\n"
    )


NO_NETWORK_SCRIPT = """
import asyncio, os, sys, tempfile
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from qasync import QEventLoop
from desktop.hosting import ALL_NETWORKS, HostSettings
from desktop.models import MessageListModel
from desktop.rows import RowKind
from desktop.session import ChatSession

app = QApplication([])
loop = QEventLoop(app)
asyncio.set_event_loop(loop)

async def main():
    model = MessageListModel()
    session = ChatSession(model, hosted_db=os.path.join(tempfile.mkdtemp(), "h.sqlite3"))
    ok = await session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "h")
    model.flush()
    print(ok, session.invite[0].rsplit(":", 1)[0])
    for row in model.rows:
        if row.kind is RowKind.SYSTEM:
            print(row.text)
    await session.aclose()

loop.run_until_complete(main())
"""


def test_no_network_interface_still_hosts_for_this_computer() -> None:
    # A network namespace with only the loopback interface: no LAN address at all.
    result = subprocess.run(
        [
            "unshare",
            "--net",
            "sh",
            "-c",
            'ip link set lo up && exec "$0" -c "$1"',
            sys.executable,
            NO_NETWORK_SCRIPT,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT * 3,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "True ws://127.0.0.1"
    assert "No network interface found: only this computer can join for now" in lines


def test_the_defaults_are_the_servers() -> None:
    # Defined once in server/defaults.py: the close reason the client recognises
    # is the very one the hosting app sends, and a hosted room's port is the
    # headless server's.
    assert HOST_STOPPED_REASON is defaults.HOST_STOPPED_REASON
    assert client.HOST_STOPPED_REASON is defaults.HOST_STOPPED_REASON
    assert HostSettings().port == defaults.PORT


def test_invite_never_contains_the_password() -> None:
    from desktop.hosting import invite_urls

    urls = invite_urls(HostSettings(room="team", host=LOCAL_ONLY, password="s3cret"), 9000)
    assert urls == ["ws://127.0.0.1:9000/r/team"]
    assert all("s3cret" not in u for u in urls)


async def test_server_side_problems_reach_the_hosts_window(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as host:
        await host.session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "hostess")
        await until(lambda: host.session.status.state is ConnectionState.HOSTING)
        async with member(host.session.invite[0], "flood") as (flood, _):
            for _ in range(200):  # far past the default burst: closed for abuse
                await flood.send({"type": "typing"})
            assert (await flood.closed())[0] == 1008
        text = "Host: closed flood in room 'team': kept flooding after rate_limited"
        await until(lambda: text in system_texts(host), what=text)
