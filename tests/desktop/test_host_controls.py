"""The window's hosting extras (desktop/host_controls.py): the host's member
table under the hosted room, and rooms on the network, with a real window,
the embedded server and real clients."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from roomcast.desktop.client import ConnectionState
from roomcast.desktop.discovery import Browser, DiscoveredRoom
from roomcast.desktop.hosting import ALL_NETWORKS, LOCAL_ONLY, HostSettings
from roomcast.desktop.members import Column
from roomcast.server.netinfo import lan_ipv4_addresses
from tests.desktop.windows import open_window
from tests.helpers import member, need, until


def cell(window: object, row: int, column: Column) -> str:
    model = window.host_controls.panel.model  # type: ignore[attr-defined]
    return str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole))


def names(window: object) -> list[str]:
    model = window.host_controls.panel.model  # type: ignore[attr-defined]
    return [cell(window, r, Column.NAME) for r in range(model.rowCount())]


async def test_the_hosts_table_lists_members_and_kicks_through_its_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with open_window(qtbot, tmp_path) as window:
        session, panel = window.session, window.host_controls.panel
        assert not panel.isVisible()
        assert await session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "hostess")
        await until(lambda: session.status.state is ConnectionState.HOSTING, what="hosting")
        async with member(session.invite[0], "bob") as (bob, _):
            await bob.send({"type": "message", "content": "hi"})
            await until(lambda: panel.isVisible(), what="the table under the hosted room")
            await until(lambda: len(names(window)) == 2, what="bob in the table")
            row = names(window).index("bob")
            assert cell(window, row, Column.ADDRESS) == "127.0.0.1"
            await until(lambda: cell(window, names(window).index("bob"), Column.SENT) == "1")
            # Each refresh pings: bob's websockets client answers, a round trip shows.
            await until(
                lambda: cell(window, names(window).index("bob"), Column.RTT).endswith("ms"),
                what="bob's round trip",
            )
            assert panel.select_member("team", "bob")
            dialog = panel.open_kick_dialog()
            assert dialog is not None
            dialog.reason_edit.setText("too loud")
            dialog.accept()
            assert await bob.closed() == (1008, "removed by the host: too loud")
        await until(lambda: names(window) == ["hostess (you)"], what="bob gone from the table")
        # The host's own row cannot be kicked.
        assert panel.select_member("team", "hostess")
        assert panel.open_kick_dialog() is None
        # View > People in the hosted room hides it, and that is remembered.
        window.host_controls.people_action.setChecked(False)
        assert not panel.isVisible()
        assert window.settings.value("host/people_panel") == "off"
        window.host_controls.people_action.setChecked(True)
        assert panel.isVisible()
        await session.stop_hosting()
        assert not panel.isVisible()


async def test_the_panels_password_and_ban_reach_the_server(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        session, panel = window.session, window.host_controls.panel
        assert await session.host(HostSettings(room="team", host=LOCAL_ONLY, port=0), "hostess")
        await until(lambda: session.status.state is ConnectionState.HOSTING)
        panel.passwordRequested.emit("s3cret")
        assert session.server is not None and session.server.password == "s3cret"
        assert window.invite_panel.password_note.isVisible()
        async with member(session.invite[0], "bob", password="s3cret") as (bob, _):
            await until(lambda: "bob" in names(window))
            panel.banRequested.emit("name", "bob")
            assert await bob.closed() == (1008, "banned by the host")
        await until(lambda: panel.bans() == [("name", "bob")], what="the ban listed")
        panel.unbanRequested.emit("name", "bob")
        assert session.hosted_bans() == ([], [])
        await until(lambda: panel.bans() == [])


async def test_rooms_on_the_network_join_pins_the_advertised_certificate(
    qtbot: QtBot, tmp_path: Path
) -> None:
    async with (
        open_window(qtbot, tmp_path / "host") as host,
        open_window(qtbot, tmp_path / "guest") as guest,
    ):
        settings = HostSettings(room="team", host=ALL_NETWORKS, port=0, advertise=False)
        assert await host.session.host(settings, "hostess")
        port, fp = host.session.hosted_port, host.session.hosted_fingerprint
        assert port is not None and fp is not None
        found = DiscoveredRoom(
            key="team on hostess._roomcast._tcp.local.",
            room="team",
            host_name="hostess",
            address="127.0.0.1",
            port=port,
            password=False,
            fingerprint=fp,
            secure=True,
        )
        dialog = guest.host_controls.open_network_rooms()
        assert dialog.isVisible() and guest.host_controls.network_action.isEnabled()
        dialog.set_rooms([found])
        guest.connection_bar.name_edit.setText("gus")
        dialog.joinRequested.emit(found)
        await until(lambda: guest.session.status.state is ConnectionState.CONNECTED, what="joined")
        assert guest.session.pins.get("127.0.0.1", port) == fp
        assert guest.session.status.you == "gus"
        # An advert naming another certificate for a pinned address never replaces the pin.
        spoofed = DiscoveredRoom(
            key="team on mallory._roomcast._tcp.local.",
            room="team",
            host_name="mallory",
            address="127.0.0.1",
            port=port,
            password=False,
            fingerprint="AB:" * 31 + "AB",
            secure=True,
        )
        assert guest.session.join_discovered(spoofed, "gus") is None
        assert guest.session.pins.get("127.0.0.1", port) == fp
        dialog.close()
        await until(lambda: guest.session._browser is None, what="no longer browsing")


async def test_a_room_hosted_for_the_network_is_advertised_until_hosting_stops(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The window's session announces the hosted room; a Browser on this machine
    (multicast loops back) finds it with its fingerprint, sees the password
    flag change, and sees it go when hosting stops."""
    need(bool(lan_ipv4_addresses()), "no LAN IPv4 address to advertise on")
    seen: list[list[DiscoveredRoom]] = []
    browser = Browser(seen.append)
    await browser.start()
    try:
        async with open_window(qtbot, tmp_path) as window:
            session = window.session
            settings = HostSettings(room="team", host=ALL_NETWORKS, port=0)
            assert settings.advertise and settings.advertised
            assert await session.host(settings, "hostess")

            def ours() -> DiscoveredRoom | None:
                rooms = [r for r in browser.sorted_rooms() if r.port == session.hosted_port]
                return rooms[0] if rooms else None

            await until(lambda: ours() is not None, what="the room on the network")
            found = ours()
            assert found is not None
            assert (found.room, found.host_name) == ("team", "hostess")
            assert found.fingerprint == session.hosted_fingerprint and not found.password
            assert session.set_hosted_password("pw")
            await until(lambda: (r := ours()) is not None and r.password, what="password: yes")
            await session.stop_hosting()
            await until(lambda: ours() is None, what="the goodbye")
            assert session._advertiser is None
    finally:
        await browser.close()


async def test_a_password_set_while_the_name_is_probed_is_announced(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The advert starts about 1.2 s after hosting (RFC 6762 8.1, probing): a
    password set meanwhile is what the room is listed with, not the one it
    had when hosting began."""
    need(bool(lan_ipv4_addresses()), "no LAN IPv4 address to advertise on")
    browser = Browser(lambda rooms: None)
    await browser.start()
    try:
        async with open_window(qtbot, tmp_path) as window:
            session = window.session
            assert await session.host(HostSettings(room="team", host=ALL_NETWORKS, port=0), "h")
            advertiser = session._advertiser
            assert advertiser is not None
            await until(lambda: advertiser._starting, what="the advertiser starting")
            assert advertiser.advert is None  # its name is being probed
            assert session.set_hosted_password("pw")

            def ours() -> DiscoveredRoom | None:
                rooms = [r for r in browser.sorted_rooms() if r.port == session.hosted_port]
                return rooms[0] if rooms else None

            await until(lambda: (r := ours()) is not None and r.password, what="password: yes")
            assert advertiser.advert is not None and advertiser.advert.password
            await session.stop_hosting()
    finally:
        await browser.close()


async def test_only_this_computer_is_never_advertised(qtbot: QtBot, tmp_path: Path) -> None:
    async with open_window(qtbot, tmp_path) as window:
        settings = HostSettings(room="team", host=LOCAL_ONLY, port=0)
        assert settings.advertise and not settings.advertised
        assert await window.session.host(settings, "hostess")
        assert window.session._advertiser is None
