"""The host's member panel and its dialogs: real widgets offscreen, signals only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from roomcast.desktop.members import Column
from roomcast.desktop.widgets.members import (
    BAN_ADDRESS,
    BAN_NAME,
    BanDialog,
    KickDialog,
    MembersPanel,
    PasswordDialog,
)
from roomcast.server.protocol import MAX_PASSWORD_CHARS
from tests.desktop.member_info import NOW, info
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.desktop.windows import interactive

HOST_ADDRESS = "127.0.0.1"


ALICE = info("alice", address=HOST_ADDRESS)  # the host
BOB = info("bob", address="192.168.1.20")
CAROL = info("carol", address="192.168.1.33")


class Signals:
    """Everything the panel asked for, in order."""

    def __init__(self, panel: MembersPanel) -> None:
        self.seen: list[tuple[object, ...]] = []
        panel.kickRequested.connect(lambda *a: self.seen.append(("kick", *a)))
        panel.banRequested.connect(lambda *a: self.seen.append(("ban", *a)))
        panel.unbanRequested.connect(lambda *a: self.seen.append(("unban", *a)))
        panel.passwordRequested.connect(lambda p: self.seen.append(("password", p)))


@pytest.fixture
def panel(qtbot: QtBot) -> MembersPanel:
    panel = MembersPanel(refresh_ms=50)
    qtbot.addWidget(panel)
    panel.set_members([ALICE, BOB, CAROL], NOW)
    panel.set_self_name("alice")
    return panel


def unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in interactive(root)
        if not w.accessibleName() or not w.accessibleDescription()
    ]


def action(menu: QMenu, text: str) -> QAction:
    return next(a for a in menu.actions() if a.text() == text)


def row_index(panel: MembersPanel, name: str) -> QModelIndex:
    row = panel.model.row_of("chat", name)
    return panel.proxy.mapFromSource(panel.model.index(row, Column.NAME))


# -- the panel ---------------------------------------------------------------------


def test_the_table_shows_members_and_marks_the_host(panel: MembersPanel) -> None:
    assert panel.title.text() == "People in this room (3)"
    shown = [panel.proxy.index(r, Column.NAME).data() for r in range(panel.proxy.rowCount())]
    assert shown == ["alice (you)", "bob", "carol"]
    assert panel.view.isColumnHidden(Column.ROOM)
    panel.set_members([BOB, info("dave", "other")], NOW)
    assert panel.title.text() == "People in 2 rooms (2)"
    assert not panel.view.isColumnHidden(Column.ROOM)


def test_kick_and_ban_need_a_member_who_is_not_the_host(panel: MembersPanel) -> None:
    assert panel.selected_member() is None
    assert not panel.kick_button.isEnabled()
    assert not panel.ban_button.isEnabled()
    assert panel.select_member("chat", "bob")
    assert panel.selected_member() == BOB
    assert panel.kick_button.isEnabled() and panel.ban_button.isEnabled()
    assert panel.select_member("chat", "alice")
    assert not panel.kick_button.isEnabled()
    assert not panel.ban_button.isEnabled()
    assert "cannot remove yourself" in panel.kick_button.toolTip()
    assert panel.open_kick_dialog() is None
    assert panel.open_ban_dialog() is None
    assert panel.open_kick_dialog(ALICE) is None


def test_delete_in_the_table_opens_the_kick_dialog(qtbot: QtBot, panel: MembersPanel) -> None:
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert panel.kick_dialog is None  # nobody selected
    panel.select_member("chat", "alice")
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert panel.kick_dialog is None  # the host
    panel.select_member("chat", "carol")
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert isinstance(panel.kick_dialog, KickDialog)
    assert panel.kick_dialog.member == CAROL
    panel.kick_dialog.reject()


def test_the_selection_survives_a_refresh_and_goes_with_its_member(panel: MembersPanel) -> None:
    panel.select_member("chat", "carol")
    busy = info("carol", address="192.168.1.33", sent=5, rtt=0.3)
    panel.set_members([ALICE, BOB, info("aaron"), busy], NOW + 1)
    assert panel.selected_member() == busy
    assert panel.kick_button.isEnabled()
    panel.set_members([ALICE, BOB], NOW + 2)
    assert panel.selected_member() is None
    assert not panel.kick_button.isEnabled()


def test_kick_dialog_emits_the_kick_with_its_reason(qtbot: QtBot, panel: MembersPanel) -> None:
    signals = Signals(panel)
    panel.select_member("chat", "bob")
    panel.kick_button.click()
    dialog = panel.kick_dialog
    assert isinstance(dialog, KickDialog)
    assert dialog.isVisible()
    assert "bob (192.168.1.20)" in dialog.who.text()
    assert dialog.preview.text() == "The member sees: “removed by the host”"
    qtbot.keyClicks(dialog.reason_edit, "  too   much spam ")
    assert dialog.preview.text() == "The member sees: “removed by the host: too much spam”"
    dialog.ok_button.click()
    assert signals.seen == [("kick", "chat", "bob", "too much spam")]
    assert panel.kick_dialog is None


def test_kick_with_bans_kicks_first_then_bans(panel: MembersPanel) -> None:
    signals = Signals(panel)
    dialog = panel.open_kick_dialog(CAROL)
    assert dialog is not None
    dialog.ban_name_box.setChecked(True)
    dialog.ban_address_box.setChecked(True)
    dialog.accept()
    assert signals.seen == [
        ("kick", "chat", "carol", ""),
        ("ban", BAN_NAME, "carol"),
        ("ban", BAN_ADDRESS, "192.168.1.33"),
    ]


def test_a_cancelled_kick_emits_nothing(panel: MembersPanel) -> None:
    signals = Signals(panel)
    dialog = panel.open_kick_dialog(BOB)
    assert dialog is not None
    dialog.ban_name_box.setChecked(True)
    dialog.reject()
    assert signals.seen == []


def test_the_hosts_own_address_cannot_be_banned(panel: MembersPanel) -> None:
    """Banning it would close the host's own connection too."""
    local = info("local-bot", address=HOST_ADDRESS)
    panel.set_members([ALICE, BOB, local], NOW)
    assert panel.can_remove(local)
    assert not panel.can_ban_address(local)
    assert panel.can_ban_address(BOB)
    kick = panel.open_kick_dialog(local)
    assert kick is not None
    assert not kick.ban_address_box.isEnabled()
    assert "shut you out" in kick.ban_address_box.toolTip()
    kick.ban_address_box.setChecked(True)
    assert kick.bans() == []
    kick.reject()
    ban = panel.open_ban_dialog(local)
    assert ban is not None
    assert not ban.address_box.isEnabled()
    ban.reject()
    signals = Signals(panel)
    panel.ban_address(local)
    assert signals.seen == []


def test_ban_dialog_emits_what_is_ticked(panel: MembersPanel) -> None:
    signals = Signals(panel)
    panel.select_member("chat", "bob")
    panel.ban_button.click()
    dialog = panel.ban_dialog
    assert isinstance(dialog, BanDialog)
    assert dialog.name_box.isChecked() and not dialog.address_box.isChecked()
    dialog.name_box.setChecked(False)
    assert not dialog.ok_button.isEnabled()  # nothing to ban
    dialog.address_box.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.name_box.setChecked(True)
    dialog.ok_button.click()
    assert signals.seen == [("ban", BAN_NAME, "bob"), ("ban", BAN_ADDRESS, "192.168.1.20")]


def test_names_are_shown_as_typed(panel: MembersPanel) -> None:
    odd = info("<b>R&D</b>", address="10.0.0.7")
    panel.set_members([ALICE, odd], NOW)
    ban = panel.open_ban_dialog(odd)
    assert ban is not None
    assert ban.name_box.text() == "Ban the &name “<b>R&&D</b>”"  # "&D" is no mnemonic
    assert repeated(mnemonics(ban)) == {}
    ban.reject()
    kick = panel.open_kick_dialog(odd)
    assert kick is not None
    assert kick.who.textFormat() == Qt.TextFormat.PlainText
    assert "<b>R&D</b>" in kick.who.text()
    kick.reject()


# -- the password ------------------------------------------------------------------------


def test_password_dialog_needs_two_equal_entries(qtbot: QtBot, panel: MembersPanel) -> None:
    signals = Signals(panel)
    panel.password_button.click()
    dialog = panel.password_dialog
    assert isinstance(dialog, PasswordDialog)
    assert dialog.password_edit.maxLength() == MAX_PASSWORD_CHARS
    assert dialog.confirm_edit.maxLength() == MAX_PASSWORD_CHARS
    assert not dialog.ok_button.isEnabled()
    assert dialog.clear_button.isHidden()  # no password to clear
    assert dialog.ok_button.text() == "Set &password"
    assert "Members already in the room stay" in dialog.explanation.text()
    qtbot.keyClicks(dialog.password_edit, "hunter2")
    assert not dialog.ok_button.isEnabled()
    assert dialog.mismatch.isHidden()  # not while the confirmation is empty
    qtbot.keyClicks(dialog.confirm_edit, "hunter3")
    assert not dialog.ok_button.isEnabled()
    assert not dialog.mismatch.isHidden()
    dialog.accept()  # Enter with OK disabled does nothing
    assert dialog.isVisible()
    assert signals.seen == []
    dialog.confirm_edit.setText("hunter2")
    assert dialog.ok_button.isEnabled()
    assert dialog.mismatch.isHidden()
    dialog.ok_button.click()
    assert signals.seen == [("password", "hunter2")]


def test_show_the_password_unmasks_both_fields() -> None:
    dialog = PasswordDialog(False)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_box.setChecked(True)
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.confirm_edit.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_box.setChecked(False)
    assert dialog.confirm_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.deleteLater()


def test_clear_emits_none(panel: MembersPanel) -> None:
    signals = Signals(panel)
    panel.set_password_state(True)
    assert panel.password_state.text() == "Password: on"
    dialog = panel.open_password_dialog()
    assert dialog.ok_button.text() == "Change &password"
    assert not dialog.clear_button.isHidden()
    dialog.clear_button.click()
    assert signals.seen == [("password", None)]
    assert panel.password_dialog is None


def test_change_emits_the_new_password(panel: MembersPanel) -> None:
    signals = Signals(panel)
    panel.set_password_state(True)
    dialog = panel.open_password_dialog()
    dialog.password_edit.setText("new one")
    dialog.confirm_edit.setText("new one")
    dialog.ok_button.click()
    assert signals.seen == [("password", "new one")]


# -- bans ---------------------------------------------------------------------------


def test_unban_emits_the_selected_ban(panel: MembersPanel) -> None:
    signals = Signals(panel)
    assert panel.bans_title.text() == "Nobody is banned."
    assert panel.bans_list.isHidden()
    panel.set_bans(["eve"], ["10.0.0.9"])
    assert not panel.bans_list.isHidden()
    assert [panel.bans_list.item(i).text() for i in range(2)] == [
        "Name: eve",
        "Address: 10.0.0.9",
    ]
    assert not panel.unban_button.isEnabled()
    panel.bans_list.item(1).setSelected(True)
    assert panel.unban_button.isEnabled()
    panel.unban_button.click()
    assert signals.seen == [("unban", BAN_ADDRESS, "10.0.0.9")]
    # The window answers with the bans that remain; the selection stays where it can.
    panel.set_bans(["eve", "mallory"], ["10.0.0.9"])
    assert panel.selected_ban() == (BAN_ADDRESS, "10.0.0.9")
    panel.set_bans(["eve"], [])
    assert panel.selected_ban() is None
    assert not panel.unban_button.isEnabled()
    assert panel.bans() == [(BAN_NAME, "eve")]


# -- the context menu -------------------------------------------------------------------


def test_context_menu_actions(qtbot: QtBot, panel: MembersPanel) -> None:
    signals = Signals(panel)
    menu = panel.context_menu(row_index(panel, "bob"))
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "&Kick…",
        "Ban &name",
        "Ban &address",
        "&Copy address",
    ]
    assert all(a.isEnabled() for a in menu.actions())
    assert repeated(mnemonics(menu)) == {}
    action(menu, "Ban &name").trigger()
    action(menu, "Ban &address").trigger()
    assert signals.seen == [("ban", BAN_NAME, "bob"), ("ban", BAN_ADDRESS, "192.168.1.20")]
    action(menu, "&Copy address").trigger()
    assert QGuiApplication.clipboard().text() == "192.168.1.20"
    action(menu, "&Kick…").trigger()
    assert isinstance(panel.kick_dialog, KickDialog)
    assert panel.kick_dialog.member == BOB
    panel.kick_dialog.reject()


def test_the_hosts_own_row_can_only_be_copied(panel: MembersPanel) -> None:
    signals = Signals(panel)
    menu = panel.context_menu(row_index(panel, "alice"))
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    assert enabled == {
        "&Kick…": False,
        "Ban &name": False,
        "Ban &address": False,
        "&Copy address": True,
    }
    panel.ban_name(ALICE)  # even if called anyway
    panel.ban_address(ALICE)
    assert signals.seen == []


def test_a_right_click_selects_the_row_and_pops_the_menu_up(
    qtbot: QtBot, panel: MembersPanel
) -> None:
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.view.visualRect(row_index(panel, "carol"))
    panel.view.customContextMenuRequested.emit(rect.center())
    assert panel.selected_member() == CAROL
    menus = [m for m in panel.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1
    menus[0].close()


# -- refresh -----------------------------------------------------------------------------


def test_refresh_runs_while_shown_and_stops_when_hidden(qtbot: QtBot) -> None:
    panel = MembersPanel(refresh_ms=20)
    qtbot.addWidget(panel)
    assert not panel.refresh_timer.isActive()
    with qtbot.waitSignal(panel.refreshRequested, timeout=1000):
        panel.show()  # once at once: fresh data, not in a second
    count = 0

    def counted() -> None:
        nonlocal count
        count += 1

    panel.refreshRequested.connect(counted)
    qtbot.waitUntil(lambda: count >= 3, timeout=5000)  # and again while shown
    panel.hide()
    assert not panel.refresh_timer.isActive()
    with qtbot.assertNotEmitted(panel.refreshRequested, wait=200):
        pass
    with qtbot.waitSignal(panel.refreshRequested, timeout=1000):
        panel.show()
    assert panel.refresh_timer.isActive()


# -- keyboard and screen readers ------------------------------------------------------------


def test_mnemonics_are_unique_and_every_control_is_named(qtbot: QtBot, panel: MembersPanel) -> None:
    panel.set_bans(["eve"], [])
    panel.show()
    qtbot.waitExposed(panel)
    # Only "Room password…" takes a letter: the main window's controls hold
    # the others (Binary, Keepalive…, Regulärer A&usdruck).
    assert mnemonics(panel) == {"P": ["Room &password…"]}
    assert repeated(mnemonics(panel)) == {}
    assert stray_ampersands(panel) == []
    assert unnamed(panel) == []
    panel.set_password_state(True)
    dialogs: list[QWidget] = [
        d
        for d in (
            panel.open_kick_dialog(BOB),
            panel.open_ban_dialog(BOB),
            panel.open_password_dialog(),
        )
        if d is not None
    ]
    assert len(dialogs) == 3
    for dialog in dialogs:
        qtbot.waitExposed(dialog)
        assert repeated(mnemonics(dialog)) == {}, type(dialog).__name__
        assert stray_ampersands(dialog) == [], type(dialog).__name__
        assert unnamed(dialog) == [], type(dialog).__name__
        dialog.close()
