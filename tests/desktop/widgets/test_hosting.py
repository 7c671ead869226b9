"""The Host dialog and the invite panel: real widgets offscreen, real sockets, no mocks."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from roomcast.desktop.links import invite_link
from roomcast.desktop.widgets.hosting import (
    DEFAULT_PORT,
    LOCAL_HOST,
    MAX_INVITE_LINES,
    NETWORK_HOST,
    HostDialog,
    HostSettings,
    InvitePanel,
    fingerprint_lines,
    is_loopback_address,
    qr_pixmap,
)
from roomcast.server.certificates import fingerprint
from tests.desktop.mnemonics import mnemonics, repeated, stray_ampersands
from tests.helpers import need, run_unprivileged

FIRST = "ws://192.168.1.23:8765/r/chat"
SECOND = "ws://10.0.0.7:8765/r/chat"
#: A certificate's fingerprint, and the invites of a room served with it.
FP = fingerprint(b"a certificate's DER bytes")
INVITES = [
    invite_link("wss://192.168.1.23:8765/r/chat", FP),
    invite_link("wss://10.0.0.7:8765/r/chat", FP),
]


@pytest.fixture
def dialog(qtbot: QtBot) -> HostDialog:
    dialog = HostDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port some other program is listening on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def binds(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def interactive_children(widget: QWidget) -> list[QWidget]:
    found: list[QWidget] = []
    for kind in (QAbstractButton, QLineEdit, QAbstractSpinBox, QPlainTextEdit):
        found += widget.findChildren(kind)
    # A spin box's own line edit is part of the spin box, which carries the name.
    return [w for w in found if not isinstance(w.parent(), QAbstractSpinBox)]


# --- HostDialog ---------------------------------------------------------------


def test_enter_on_the_defaults_starts_hosting_a_network_room(
    qtbot: QtBot, dialog: HostDialog
) -> None:
    assert dialog.port.value() == DEFAULT_PORT
    assert dialog.ok_button.text() == "Start hosting"
    assert dialog.ok_button.isDefault()
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.password_edit.placeholderText() == "optional"
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.settings() == HostSettings(
        room="chat", host="0.0.0.0", port=dialog.port.value(), password=None
    )


def test_escape_cancels(qtbot: QtBot, dialog: HostDialog) -> None:
    with qtbot.waitSignal(dialog.rejected, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("bad name!", "Not allowed in a room name: space '!'"),
        ("", "A room needs a name."),
        ("x" * 65, "at most 64 characters"),
        ("café", "Not allowed in a room name: 'é'"),
    ],
)
def test_an_invalid_room_name_disables_start_and_says_why(
    qtbot: QtBot, dialog: HostDialog, name: str, error: str
) -> None:
    dialog.room.clear()
    if name.isascii():
        qtbot.keyClicks(dialog.room, name)
    else:  # QTest::keyClicks aborts on characters outside ASCII
        dialog.room.setText(name)
    assert not dialog.ok_button.isEnabled()
    assert dialog.room_error.isVisible()
    assert error in dialog.room_error.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the disabled default button does nothing
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted

    dialog.room.setText("team-1.a_b")
    assert dialog.ok_button.isEnabled()
    assert not dialog.room_error.isVisible()


def test_only_this_computer_binds_loopback(qtbot: QtBot, dialog: HostDialog) -> None:
    qtbot.mouseClick(dialog.local_only, Qt.MouseButton.LeftButton)
    assert dialog.local_only.isChecked()
    assert dialog.settings().host == LOCAL_HOST == "127.0.0.1"
    dialog.all_networks.click()
    assert dialog.settings().host == NETWORK_HOST


def test_a_password_is_returned_as_typed(qtbot: QtBot, dialog: HostDialog) -> None:
    qtbot.keyClicks(dialog.password_edit, "s3cret pass")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.settings().password == "s3cret pass"


def test_prefilled_from_the_last_settings(qtbot: QtBot) -> None:
    previous = HostSettings(room="team", host=LOCAL_HOST, port=9100, password="pw")
    dialog = HostDialog.from_settings(previous)
    qtbot.addWidget(dialog)
    assert dialog.settings() == previous
    assert HostDialog(None, previous).settings() == previous
    assert HostDialog(previous=HostSettings(room="x")).settings().host == NETWORK_HOST


def test_finding_the_room_is_a_choice_for_the_network_only(
    qtbot: QtBot, dialog: HostDialog
) -> None:
    box = dialog.advertise
    assert box.text() == "&Let people on this network find the room"
    assert box.isChecked() and box.isEnabled()  # on by default for "People on my network"
    assert dialog.settings().advertise and dialog.settings().advertised
    qtbot.mouseClick(dialog.local_only, Qt.MouseButton.LeftButton)
    # Nothing is announced for "Only this computer"; the choice is kept for next time.
    assert not box.isEnabled() and box.isChecked()
    assert dialog.settings().advertise and not dialog.settings().advertised
    qtbot.mouseClick(dialog.all_networks, Qt.MouseButton.LeftButton)
    assert box.isEnabled()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    assert dialog.settings() == HostSettings(
        room="chat", host=NETWORK_HOST, port=dialog.port.value(), advertise=False
    )


@pytest.mark.parametrize(("host", "enabled"), [(NETWORK_HOST, True), (LOCAL_HOST, False)])
def test_the_find_choice_is_prefilled(qtbot: QtBot, host: str, enabled: bool) -> None:
    dialog = HostDialog(previous=HostSettings(room="x", host=host, advertise=False))
    qtbot.addWidget(dialog)
    assert not dialog.advertise.isChecked()
    assert dialog.advertise.isEnabled() is enabled
    assert dialog.settings().advertise is False


def in_use(port: int, free: int) -> str:
    return f"Port {port} is in use — choose another or press “Use {free}”."


def test_a_busy_port_disables_start_and_offers_a_free_one(
    qtbot: QtBot, dialog: HostDialog, held_port: int
) -> None:
    dialog.local_only.setChecked(True)
    dialog.port.setValue(held_port)
    dialog.check_port_now()
    assert dialog.use_port_button.isVisible()
    suggested = int(dialog.use_port_button.text().removeprefix("Use "))
    assert held_port < suggested <= held_port + 100
    assert dialog.port_message.isVisible()
    assert dialog.port_message.text() == in_use(held_port, suggested)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the disabled default button does nothing
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted

    qtbot.mouseClick(dialog.use_port_button, Qt.MouseButton.LeftButton)
    assert dialog.port.value() == suggested
    assert binds("127.0.0.1", suggested)
    assert not dialog.port_message.isVisible()
    assert not dialog.use_port_button.isVisible()
    assert dialog.ok_button.isEnabled()
    assert dialog.isVisible()  # the Use button is not the default: it did not accept
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.settings().port == suggested


def test_the_port_check_runs_shortly_after_the_last_change(
    qtbot: QtBot, dialog: HostDialog, held_port: int
) -> None:
    dialog.local_only.setChecked(True)
    dialog.check_port_now()
    assert dialog.ok_button.isEnabled()
    dialog.port.setValue(held_port)
    assert dialog.port_message_text() == ""  # not yet: debounced
    assert dialog.ok_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.port_message_text().startswith(f"Port {held_port} is in use"))
    assert not dialog.ok_button.isEnabled()
    # Another port frees Start again, after the same pause.
    dialog.port.setValue(int(dialog.use_port_button.text().removeprefix("Use ")))
    qtbot.waitUntil(dialog.ok_button.isEnabled)
    assert dialog.port_message_text() == ""


def test_changing_who_can_join_checks_the_port_again(qtbot: QtBot, dialog: HostDialog) -> None:
    # A listener on another loopback address: 127.0.0.1 is free on that port,
    # every interface (what "People on my network" binds) is not.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        try:
            listener.bind(("127.0.0.2", 0))
        except OSError:
            need(False, "there is no 127.0.0.2 on this machine")
        listener.listen()
        port = listener.getsockname()[1]
        need(binds("127.0.0.1", port), "this system ties 127.0.0.2 to 127.0.0.1")
        dialog.local_only.setChecked(True)
        dialog.port.setValue(port)
        dialog.check_port_now()
        assert dialog.ok_button.isEnabled()
        qtbot.mouseClick(dialog.all_networks, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.ok_button.isEnabled())
        assert dialog.port_message_text().startswith(f"Port {port} is in use")
        qtbot.mouseClick(dialog.local_only, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.ok_button.isEnabled)
        assert dialog.port_message_text() == ""


def test_enter_right_after_choosing_a_busy_port_does_not_start(
    qtbot: QtBot, dialog: HostDialog, held_port: int
) -> None:
    # Within the 150 ms debounce Start still looks enabled; pressing it checks again.
    dialog.local_only.setChecked(True)
    dialog.check_port_now()
    dialog.port.setValue(held_port)
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.ok_button.isEnabled()
    assert dialog.port_message_text().startswith(f"Port {held_port} is in use")


def test_no_free_port_above_a_busy_one_is_said_too(qtbot: QtBot, dialog: HostDialog) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        try:
            listener.bind(("127.0.0.1", 65535))
        except OSError:
            need(False, "port 65535 is taken on this machine")
        listener.listen()
        dialog.local_only.setChecked(True)
        dialog.port.setValue(65535)
        dialog.check_port_now()
        assert dialog.port_message_text() == (
            "Port 65535 is in use, and no port up to 65535 is free — choose another."
        )
        assert not dialog.use_port_button.isVisible()
        assert not dialog.ok_button.isEnabled()


def test_the_port_label_is_a_mnemonic_for_the_port_box(qtbot: QtBot, dialog: HostDialog) -> None:
    # addRow("P&ort:", a layout) made a label without a buddy: a literal "&".
    assert dialog.port_label.text() == "P&ort:"
    assert dialog.port_label.buddy() is dialog.port
    assert stray_ampersands(dialog) == []
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.room.setFocus()
    qtbot.waitUntil(dialog.room.hasFocus)
    qtbot.keyClick(dialog.room, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.port.hasFocus)


def test_no_mnemonic_is_taken_twice(dialog: HostDialog) -> None:
    found = mnemonics(dialog)
    assert repeated(found) == {}
    assert sorted(found) == ["L", "O", "R", "W"]


def test_a_privileged_port_needs_administrator_rights() -> None:
    # The dialog's check, in a process without the right to bind port 1.
    printed = run_unprivileged(
        "from roomcast.desktop.widgets.hosting import port_problem",
        "print(port_problem('127.0.0.1', 1))",
    )
    assert printed == "Port 1 needs administrator rights (ports below 1024).\n"


def test_every_dialog_control_has_an_accessible_name(dialog: HostDialog) -> None:
    controls = interactive_children(dialog)
    assert len(controls) >= 7
    assert all(w.accessibleName() for w in controls), [
        type(w).__name__ for w in controls if not w.accessibleName()
    ]


# --- InvitePanel --------------------------------------------------------------


@pytest.fixture
def panel(qtbot: QtBot) -> InvitePanel:
    panel = InvitePanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_invite_shows_every_address_and_the_password_note(panel: InvitePanel) -> None:
    panel.set_invite([FIRST, SECOND], "chat", password_set=True)
    assert panel.addresses() == [FIRST, SECOND]
    assert panel.address_view.toPlainText().splitlines() == [FIRST, SECOND]
    assert panel.address_view.isReadOnly()
    assert panel.title.text() == "Invite people to chat"
    assert panel.password_note.isVisible()
    assert panel.password_note.text() == "Password required — tell people separately."
    assert panel.qr_label.isVisible()
    assert all(w.accessibleName() for w in interactive_children(panel))

    panel.set_invite([FIRST], "team", password_set=False)
    assert not panel.password_note.isVisible()


def test_copy_puts_exactly_the_first_address_on_the_clipboard(
    qtbot: QtBot, panel: InvitePanel
) -> None:
    QGuiApplication.clipboard().clear()
    panel.set_invite([FIRST, SECOND], "chat", password_set=True)
    with qtbot.waitSignal(panel.copied, timeout=1000) as copied:
        qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert copied.args == [FIRST]
    text = QGuiApplication.clipboard().text()
    assert text == FIRST
    assert "@" not in text and "password" not in text.lower()
    assert panel.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: panel.copy_button.text() == "Copy address", timeout=3000)


@pytest.mark.parametrize(
    "addresses",
    [
        ["ws://127.0.0.1:8765/r/chat"],
        ["ws://localhost:8765/r/chat", "ws://[::1]:8765/r/chat", "ws://127.1.2.3:1/r/x"],
    ],
)
def test_no_qr_code_when_only_this_computer_can_join(
    panel: InvitePanel, addresses: list[str]
) -> None:
    panel.set_invite(addresses, "chat", password_set=False)
    assert not panel.qr_label.isVisible()
    assert panel.qr_label.pixmap().isNull()
    assert panel.copy_button.isVisible()  # the address itself is still there to copy
    assert panel.addresses() == addresses
    panel.set_invite([FIRST], "chat", password_set=False)
    assert panel.qr_label.isVisible()


def test_the_qr_code_skips_a_loopback_address(panel: InvitePanel) -> None:
    panel.set_invite(["ws://127.0.0.1:8765/r/chat", SECOND], "chat", password_set=False)
    assert panel.qr_label.isVisible()
    panel.qr_choice.setCurrentIndex(1)  # the app address
    expected = segno.make(SECOND, error="m", micro=False)
    modules = expected.symbol_size(scale=1, border=0)[0]
    matrix, _ = decode_matrix(panel.qr_label.pixmap(), modules)
    assert matrix == [list(row) for row in expected.matrix]


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("ws://127.0.0.1:8765/r/chat", True),
        ("ws://127.200.0.9:1/", True),
        ("wss://[::1]:8765/", True),
        ("ws://LocalHost:8765/r/a", True),
        ("::1", True),
        ("ws://192.168.1.23:8765/r/chat", False),
        ("ws://[fe80::1]:8765/", False),
        ("ws://example.com/", False),
        ("ws://localhost.example.com/", False),
        ("", False),
    ],
)
def test_is_loopback_address(address: str, loopback: bool) -> None:
    assert is_loopback_address(address) is loopback


def test_clear_hides_everything(panel: InvitePanel) -> None:
    panel.set_invite([FIRST], "chat", password_set=True)
    panel.clear()
    assert panel.addresses() == []
    hidden = (panel.title, panel.address_view, panel.copy_button, panel.password_note)
    assert not any(w.isVisible() for w in (*hidden, panel.qr_label))


# --- QR -----------------------------------------------------------------------


def dark_box(image: QImage) -> tuple[list[list[bool]], int]:
    """The dark/light pixels of the symbol (bounding box of dark pixels) and the margin in px."""
    dark = [
        [image.pixelColor(x, y).lightness() < 128 for x in range(image.width())]
        for y in range(image.height())
    ]
    ys = [y for y, row in enumerate(dark) if any(row)]
    xs = [x for x in range(image.width()) if any(row[x] for row in dark)]
    left, top, right, bottom = xs[0], ys[0], xs[-1], ys[-1]
    assert right - left == bottom - top, "a QR symbol is square"
    box = [row[left : right + 1] for row in dark[top : bottom + 1]]
    return box, min(left, top, image.width() - 1 - right, image.height() - 1 - bottom)


def decode_matrix(pixmap: QPixmap, modules: int) -> tuple[list[list[int]], int]:
    """What a scanner would read: the centre of each module, and the quiet zone in modules.

    ``modules`` is segno's symbol width; the module size in pixels is derived
    from where the dark pixels are, not from how qr_pixmap lays them out.
    """
    pixels, margin_px = dark_box(pixmap.toImage())
    width = len(pixels)
    assert width % modules == 0, "modules are whole pixels"
    module_px = width // modules
    centre = module_px // 2
    matrix = [
        [int(pixels[r * module_px + centre][c * module_px + centre]) for c in range(modules)]
        for r in range(modules)
    ]
    return matrix, margin_px // module_px


@pytest.mark.parametrize(
    ("text", "size"),
    [
        (FIRST, 180),
        ("ws://127.0.0.1:8765/", 180),
        ("ab", 180),  # short enough that segno would pick a Micro QR unless told not to
        ("wss://" + "very-long-host-name." * 6 + "example:8765/r/chat", 40),  # > 40 modules
    ],
)
def test_the_qr_code_reads_back_as_segnos_matrix(qtbot: QtBot, text: str, size: int) -> None:
    expected = segno.make(text, error="m", micro=False)
    assert not expected.is_micro
    modules = expected.symbol_size(scale=1, border=0)[0]
    pixmap = qr_pixmap(text, size)
    assert pixmap.width() == pixmap.height() >= size
    matrix, quiet_zone = decode_matrix(pixmap, modules)
    assert matrix == [list(row) for row in expected.matrix]
    assert quiet_zone >= 4


def test_the_panel_qr_code_is_the_first_address(panel: InvitePanel) -> None:
    panel.set_invite([FIRST, SECOND], "chat", password_set=False)
    panel.qr_choice.setCurrentIndex(1)  # the app address
    expected = segno.make(FIRST, error="m", micro=False)
    modules = expected.symbol_size(scale=1, border=0)[0]
    matrix, _ = decode_matrix(panel.qr_label.pixmap(), modules)
    assert matrix == [list(row) for row in expected.matrix]


def test_the_browser_link_has_its_own_copy_and_qr_code(qtbot: QtBot, panel: InvitePanel) -> None:
    panel.set_invite(["ws://127.0.0.1:8765/r/chat", SECOND], "chat", password_set=False)
    link = "http://" + SECOND.split("://", 1)[1]  # the first address a phone reaches
    assert panel.link() == link
    assert panel.browser_view.text() == link and panel.browser_view.isVisible()
    # The QR code holds the browser link first: a phone's camera opens it.
    assert panel.qr_choice.currentIndex() == 0
    assert panel.qr_text() == link
    expected = segno.make(link, error="m", micro=False)
    modules = expected.symbol_size(scale=1, border=0)[0]
    matrix, _ = decode_matrix(panel.qr_label.pixmap(), modules)
    assert matrix == [list(row) for row in expected.matrix]
    with qtbot.waitSignal(panel.copied) as copied:
        qtbot.mouseClick(panel.browser_copy_button, Qt.MouseButton.LeftButton)
    assert copied.args == [link]
    assert QGuiApplication.clipboard().text() == link
    assert panel.browser_copy_button.text() == "Copied"
    # wss:// rooms have an https:// page.
    panel.set_invite(["wss://192.168.1.23:8765/r/chat"], "chat", password_set=False)
    assert panel.link() == "https://192.168.1.23:8765/r/chat"


# --- encrypted rooms: fingerprint and browser note ----------------------------------


def test_fingerprint_lines() -> None:
    pairs = FP.split(":")
    assert fingerprint_lines(FP) == ":".join(pairs[:16]) + "\n" + ":".join(pairs[16:])
    assert fingerprint_lines(FP.replace(":", "").lower()) == fingerprint_lines(FP)
    assert fingerprint_lines(FP, per_line=8).count("\n") == 3


def test_an_encrypted_invite_shows_its_fingerprint_to_compare(
    qtbot: QtBot, panel: InvitePanel
) -> None:
    assert INVITES[0].startswith("roomcasts://192.168.1.23:8765/r/chat#sha256=")
    panel.resize(600, 900)
    panel.set_invite(INVITES, "chat", password_set=True)
    assert panel.addresses() == INVITES
    assert panel.address_view.toPlainText().splitlines() == INVITES
    assert panel.fingerprint() == FP
    assert panel.fingerprint_label.isVisible()
    assert panel.fingerprint_label.text() == "Certificate fingerprint (SHA-256):"
    view = panel.fingerprint_view
    assert view.isVisible()
    # Two lines of 16 pairs where they fit; four of 8 in a narrow panel, never cut.
    qtbot.waitUntil(lambda: [len(line.split(":")) for line in view.text().split("\n")] == [16, 16])
    assert ":".join(view.text().split("\n")) == FP
    assert view.width() >= view.fontMetrics().horizontalAdvance(view.text().split("\n")[0])
    panel.resize(250, 900)
    qtbot.waitUntil(lambda: [len(line.split(":")) for line in view.text().split("\n")] == [8] * 4)
    assert ":".join(view.text().split("\n")) == FP
    assert view.width() >= view.fontMetrics().horizontalAdvance(view.text().split("\n")[0])
    flags = view.textInteractionFlags()
    assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
    assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert view.accessibleName() == "Certificate fingerprint"
    # Copy invite: the first invite, fingerprint and all; the password is never in it.
    assert panel.copy_button.text() == "Copy invite"
    assert panel.copy_button.accessibleName() == "Copy invite"
    assert panel.address_view.accessibleName() == "Invites"
    with qtbot.waitSignal(panel.copied) as copied:
        qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert copied.args == [INVITES[0]]
    assert QGuiApplication.clipboard().text() == INVITES[0]
    qtbot.waitUntil(lambda: panel.copy_button.text() == "Copy invite", timeout=3000)
    assert panel.password_note.isVisible()
    # The app address of the QR code is the invite too.
    panel.qr_choice.setCurrentIndex(1)
    assert panel.qr_text() == INVITES[0]
    assert all(w.accessibleName() for w in interactive_children(panel))


def test_browser_guests_of_an_encrypted_room_are_told_what_they_see(panel: InvitePanel) -> None:
    panel.set_invite(INVITES, "chat", password_set=False)
    assert panel.link() == "https://192.168.1.23:8765/r/chat"  # TLS for the browser too
    assert panel.browser_view.text() == panel.link()
    note = panel.browser_note
    assert note.isVisible() and note.wordWrap()
    # What the guest sees, where the fingerprint is, what to do: two short sentences.
    assert note.text() == (
        "Browsers warn first: the certificate is this computer's own. Open the browser's "
        "certificate viewer (left of the address); if its SHA-256 is the one above, continue."
    )
    # A plain room (only this computer): no fingerprint, no warning to explain.
    panel.set_invite(["ws://127.0.0.1:8765/r/chat"], "chat", password_set=False)
    assert panel.fingerprint() is None
    assert panel.link() == "http://127.0.0.1:8765/r/chat"
    hidden = (panel.fingerprint_label, panel.fingerprint_view, panel.browser_note)
    assert not any(w.isVisible() for w in hidden)
    assert panel.copy_button.text() == "Copy address"
    assert panel.address_view.accessibleName() == "Join addresses"
    panel.set_invite(INVITES, "chat", password_set=False)
    panel.clear()
    assert panel.fingerprint() is None
    assert not any(w.isVisible() for w in hidden)


def test_every_invite_is_shown_whole_in_a_narrow_panel(qtbot: QtBot, panel: InvitePanel) -> None:
    panel.resize(240, 700)
    panel.set_invite(INVITES, "chat", password_set=False)
    view = panel.address_view
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() == 0)
    spacing = view.fontMetrics().lineSpacing()
    wrapped = view.height() // spacing
    assert 2 < wrapped <= MAX_INVITE_LINES + 1  # two invites, each wrapped
    panel.resize(2000, 700)
    qtbot.waitUntil(lambda: view.height() // spacing < wrapped)  # refitted: fewer lines
    assert view.verticalScrollBar().maximum() == 0
