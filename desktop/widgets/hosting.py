"""The "Host a room" dialog and the invite panel shown while hosting.

Like the other widgets, these only emit signals: the window starts the
server and decides what to show. The one exception to "no I/O" is the port
check, a synchronous bind-and-close that takes microseconds and lets the
dialog say "port in use" before the person presses Start.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from typing import Final
from urllib.parse import urlsplit

import segno
from PySide6.QtCore import QCoreApplication, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPainter,
    QPixmap,
    QShowEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.hosting import ALL_NETWORKS, LOCAL_ONLY, HostSettings, browser_link
from server.protocol import MAX_PASSWORD_CHARS, ROOM_NAME_RE

from .feedback import ErrorLabel

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_ROOM",
    "LOCAL_HOST",
    "NETWORK_HOST",
    "HostDialog",
    "HostSettings",
    "InvitePanel",
    "find_free_port",
    "is_loopback_address",
    "port_problem",
    "qr_pixmap",
    "room_name_problem",
]

# HostSettings is desktop.hosting's (re-exported here): the dialog returns the
# very type the session hosts with and the window prefills from.
DEFAULT_ROOM: Final = HostSettings.room
DEFAULT_PORT: Final = HostSettings.port


#: "Only this computer": nobody else can even reach the port.
LOCAL_HOST: Final = LOCAL_ONLY
#: "People on my network": every IPv4 interface.
NETWORK_HOST: Final = ALL_NETWORKS
#: How far above a busy port we look for a free one to suggest.
FREE_PORT_SEARCH: Final = 100
#: Typing "8766" in the spin box must not bind four times.
PORT_CHECK_DEBOUNCE_MS: Final = 150
COPIED_FEEDBACK_MS: Final = 2000
#: Modules of white around a QR symbol; scanners need at least 4 (ISO/IEC 18004).
QR_QUIET_ZONE: Final = 4

# Windows reports the WSA codes in OSError.errno, not the CRT ones.
_IN_USE: Final = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
_DENIED: Final = {errno.EACCES, getattr(errno, "WSAEACCES", errno.EACCES)}
# asyncio's create_server sets SO_REUSEADDR only here (on Windows it would let
# two servers share a port); probe the way the real server will bind.
_REUSE_ADDRESS: Final = os.name == "posix" and sys.platform != "cygwin"


def room_name_problem(name: str) -> str | None:
    """Why ``name`` can't be a room (PROTOCOL.md, Transport), or None when it can."""
    if ROOM_NAME_RE.match(name):
        return None
    if not name:
        return QCoreApplication.translate("HostDialog", "A room needs a name.")
    bad = sorted({c for c in name if not ROOM_NAME_RE.match(c)})
    if bad:
        shown = " ".join(
            QCoreApplication.translate("HostDialog", "space") if c == " " else repr(c)
            for c in bad[:5]
        )
        return QCoreApplication.translate(
            "HostDialog",
            "Not allowed in a room name: {shown}. Use letters, digits, '_', '.' or '-'.",
        ).format(shown=shown)
    return QCoreApplication.translate(
        "HostDialog", "A room name has at most 64 characters (this one has {count})."
    ).format(count=len(name))


def _bind_error(host: str, port: int) -> OSError | None:
    """Bind (host, port) as asyncio's server would, close at once; the error, if any."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if _REUSE_ADDRESS:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why hosting on (host, port) would fail right now, in words, or None.

    Advisory only: another program may take the port between this check and
    the real bind, so the server's own error still has to be shown.
    """
    return _describe_bind_error(port, _bind_error(host, port))


def _describe_bind_error(port: int, exc: OSError | None) -> str | None:
    if exc is None:
        return None
    if exc.errno in _IN_USE:
        return QCoreApplication.translate("HostDialog", "Port {port} is in use.").format(port=port)
    if exc.errno in _DENIED:
        return QCoreApplication.translate(
            "HostDialog", "Port {port} needs administrator rights (ports below 1024)."
        ).format(port=port)
    return QCoreApplication.translate("HostDialog", "Port {port} can't be used: {reason}.").format(
        port=port, reason=exc.strerror or str(exc) or type(exc).__name__
    )


def is_loopback_address(address: str) -> bool:
    """Does this join address (a URL or a bare host) reach only this computer?
    (127.0.0.0/8, ::1, localhost.)"""
    host = urlsplit(address).hostname if "//" in address else address.strip("[]")
    if not host:
        return False
    if host.rstrip(".").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def find_free_port(host: str, after: int, tries: int = FREE_PORT_SEARCH) -> int | None:
    """The first port in after+1 … after+tries that binds on ``host``, or None."""
    for port in range(after + 1, min(after + tries, 65535) + 1):
        if _bind_error(host, port) is None:
            return port
    return None


class HostDialog(QDialog):
    """Room name, who can join, port, password: Enter on the defaults starts hosting.

    Use it like any QDialog: ``dialog.accepted.connect(...)``, ``dialog.open()``,
    then read :meth:`settings`. Start hosting is disabled while the room name is
    invalid or the port can't be bound (checked as the port and the scope
    change, and once more on Start).
    """

    def __init__(self, parent: QWidget | None = None, previous: HostSettings | None = None) -> None:
        """``previous``: what was hosted last time, to prefill from (defaults otherwise)."""
        super().__init__(parent)
        initial = previous or HostSettings()
        self.setWindowTitle(self.tr("Host a room"))

        self.room = QLineEdit(initial.room, self)
        self.room.setAccessibleName(self.tr("Room name"))
        room_rule = self.tr("1 to 64 letters, digits, '_', '.' or '-'")
        self.room.setToolTip(room_rule)
        self.room.setAccessibleDescription(room_rule)
        self.room_error = ErrorLabel("", self)
        self.room_error.setObjectName("roomError")
        self.room_error.setAccessibleName(self.tr("Room name problem"))
        self.room_error.hide()

        self.local_only = QRadioButton(self.tr("Only this computer"), self)
        self.local_only.setAccessibleName(self.tr("Only this computer can join"))
        local_help = self.tr("Listen on {host}: for trying things out").format(host=LOCAL_HOST)
        self.local_only.setToolTip(local_help)
        self.local_only.setAccessibleDescription(local_help)
        self.all_networks = QRadioButton(self.tr("People on my network"), self)
        self.all_networks.setAccessibleName(self.tr("People on my network can join"))
        network_help = self.tr("Listen on {host}: anyone who can reach this computer").format(
            host=NETWORK_HOST
        )
        self.all_networks.setToolTip(network_help)
        self.all_networks.setAccessibleDescription(network_help)
        self.scope_group = QButtonGroup(self)
        self.scope_group.addButton(self.local_only)
        self.scope_group.addButton(self.all_networks)
        (self.local_only if initial.host == LOCAL_HOST else self.all_networks).setChecked(True)

        self.port = QSpinBox(self)
        self.port.setRange(1, 65535)
        self.port.setValue(initial.port)
        self.port.setAccessibleName(self.tr("Port"))
        self.port.setAccessibleDescription(
            self.tr("The TCP port others connect to; checked as you type")
        )
        self.port_message = ErrorLabel("", self)
        self.port_message.setObjectName("portMessage")
        self.port_message.setAccessibleName(self.tr("Port problem"))
        self.use_port_button = QPushButton(self)
        self.use_port_button.setAccessibleName(self.tr("Use a free port"))
        self.use_port_button.setAccessibleDescription(self.tr("Switch to the next free port found"))
        self.use_port_button.setAutoDefault(False)  # Enter still means Start hosting
        self.use_port_button.clicked.connect(self._use_suggested_port)
        self._suggested_port: int | None = None
        self.port_message.hide()
        self.use_port_button.hide()
        self._port_ok = True

        self.password_edit = QLineEdit(initial.password or "", self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("optional"))
        self.password_edit.setMaxLength(MAX_PASSWORD_CHARS)
        self.password_edit.setAccessibleName(self.tr("Room password"))
        password_help = self.tr("Leave empty for an open room")
        self.password_edit.setToolTip(password_help)
        self.password_edit.setAccessibleDescription(password_help)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Start hosting"))
        self.ok_button.setAccessibleName(self.tr("Start hosting"))
        self.ok_button.setAccessibleDescription(
            self.tr("Start the room on this computer and join it")
        )
        self.ok_button.setDefault(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(self.tr("Cancel"))
        cancel.setAccessibleDescription(self.tr("Close without hosting"))
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        scope_box = QVBoxLayout()
        scope_box.addWidget(self.all_networks)
        scope_box.addWidget(self.local_only)
        port_row = QHBoxLayout()
        port_row.addWidget(self.port)
        port_row.addWidget(self.use_port_button)
        port_row.addStretch(1)
        # Labels of their own with a buddy: addRow(text, layout) would give the
        # port's label none, and show "P&ort:" with its ampersand.
        self.room_label = QLabel(self.tr("&Room name:"), self)
        self.room_label.setBuddy(self.room)
        self.port_label = QLabel(self.tr("P&ort:"), self)
        self.port_label.setBuddy(self.port)
        self.password_label = QLabel(self.tr("Pass&word:"), self)
        self.password_label.setBuddy(self.password_edit)
        form = QFormLayout()
        form.addRow(self.room_label, self.room)
        form.addRow("", self.room_error)
        form.addRow(self.tr("Who can join:"), scope_box)
        form.addRow(self.port_label, port_row)
        form.addRow("", self.port_message)
        form.addRow(self.password_label, self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self._port_timer = QTimer(self)
        self._port_timer.setSingleShot(True)
        self._port_timer.setInterval(PORT_CHECK_DEBOUNCE_MS)
        self._port_timer.timeout.connect(self.check_port_now)
        # Not connect(self._port_timer.start): valueChanged's int would become the interval.
        self.port.valueChanged.connect(self._schedule_port_check)
        self.scope_group.buttonToggled.connect(self._schedule_port_check)
        self.room.textChanged.connect(self._validate_room)
        self._validate_room()

    @classmethod
    def from_settings(cls, previous: HostSettings, parent: QWidget | None = None) -> HostDialog:
        """Prefilled with what the person chose last time."""
        return cls(parent, previous=previous)

    def host(self) -> str:
        return LOCAL_HOST if self.local_only.isChecked() else NETWORK_HOST

    def settings(self) -> HostSettings:
        return HostSettings(
            room=self.room.text().strip(),
            host=self.host(),
            port=self.port.value(),
            password=self.password_edit.text() or None,
        )

    def check_port_now(self) -> None:
        """Probe the chosen port now (normally run 150 ms after the last change).

        A port that can't be bound disables Start hosting until another is chosen.
        """
        self._port_timer.stop()
        port = self.port.value()
        exc = _bind_error(self.host(), port)
        problem = _describe_bind_error(port, exc)
        self._suggested_port = None
        if exc is not None and exc.errno in _IN_USE:
            self._suggested_port = find_free_port(self.host(), port)
            if self._suggested_port is None:
                last = min(port + FREE_PORT_SEARCH, 65535)
                problem = self.tr(
                    "Port {port} is in use, and no port up to {last} is free — choose another."
                ).format(port=port, last=last)
            else:
                problem = self.tr(
                    "Port {port} is in use — choose another or press “Use {free}”."
                ).format(port=port, free=self._suggested_port)
        self.port_message.setText(problem or "")
        self.port_message.setVisible(problem is not None)
        if self._suggested_port is not None:
            self.use_port_button.setText(self.tr("Use {port}").format(port=self._suggested_port))
        self.use_port_button.setVisible(self._suggested_port is not None)
        self._port_ok = problem is None
        self._update_ok()

    def port_message_text(self) -> str:
        """The inline port message, "" when the port looks free."""
        return self.port_message.text() if not self.port_message.isHidden() else ""

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.check_port_now()

    def accept(self) -> None:
        """Start hosting, unless the port became (or, within the debounce, is) busy."""
        self.check_port_now()
        if self.ok_button.isEnabled():
            super().accept()

    def done(self, result: int) -> None:
        self._port_timer.stop()
        super().done(result)

    def _schedule_port_check(self, *_: object) -> None:
        self._port_timer.start()  # restarts: only the last change in 150 ms binds

    def _use_suggested_port(self) -> None:
        if self._suggested_port is not None:
            self.port.setValue(self._suggested_port)
            self.check_port_now()  # we know the answer; don't leave the old message for 150 ms

    def _validate_room(self) -> None:
        problem = room_name_problem(self.room.text().strip())
        self.room_error.setText(problem or "")
        self.room_error.setVisible(problem is not None)
        self._update_ok()

    def _update_ok(self) -> None:
        room_ok = room_name_problem(self.room.text().strip()) is None
        self.ok_button.setEnabled(room_ok and self._port_ok)


def qr_pixmap(text: str, size: int = 180) -> QPixmap:
    """A QR code of ``text``, black on white with a 4-module quiet zone, about ``size`` px.

    Modules are whole pixels (a blurred edge scans badly), so the symbol is
    centred on a ``size`` square; a symbol with more modules than ``size``
    gets one pixel per module and a bigger image.
    """
    # micro=False: segno would pick a Micro QR for short text, and most phone
    # cameras can't read those.
    qr = segno.make(text, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=QR_QUIET_ZONE)]
    modules = len(rows)
    module_px = max(1, size // modules)
    side = max(size, modules * module_px)
    offset = (side - modules * module_px) // 2
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        black = QColor("black")
        for y, row in enumerate(rows):
            top = offset + y * module_px
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(
                        QRect(offset + x * module_px, top, module_px, module_px), black
                    )
    finally:
        painter.end()
    return QPixmap.fromImage(image)


class InvitePanel(QWidget):
    """How to join: the addresses for Roomcast (or any WebSocket client) and
    the browser link (the room server's guest page), each with its Copy
    button and its QR code (one shown at a time: the browser link's first,
    a phone's camera opens it).

    No QR code when every address is loopback ("Only this computer"): a phone
    that scanned it would reach itself, not this computer.
    """

    copied = Signal(str)  # the address put on the clipboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.address_view = QPlainTextEdit(self)
        self.address_view.setReadOnly(True)
        self.address_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # Addresses have no spaces: wrap anywhere so that a narrow panel shows them whole.
        self.address_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.address_view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.address_view.setMaximumHeight(72)
        self.address_view.setAccessibleName(self.tr("Join addresses"))
        self.address_view.setAccessibleDescription(
            self.tr("The addresses others can join this room at, one per line")
        )
        self.address_view.setTabChangesFocus(True)
        self.copy_button = QPushButton(self.tr("Copy address"), self)
        self.copy_button.setAccessibleName(self.tr("Copy address"))
        copy_help = self.tr("Copy the first address; the password is never included")
        self.copy_button.setToolTip(copy_help)
        self.copy_button.setAccessibleDescription(copy_help)
        self.copy_button.clicked.connect(self._copy_first)
        self.browser_label = QLabel(self.tr("In a browser, no install:"), self)
        self.browser_label.setWordWrap(True)
        self.browser_view = QLineEdit(self)
        self.browser_view.setReadOnly(True)
        self.browser_view.setAccessibleName(self.tr("Browser link"))
        self.browser_view.setAccessibleDescription(
            self.tr("The web page guests open in a browser to join this room")
        )
        self.browser_copy_button = QPushButton(self.tr("Copy link"), self)
        self.browser_copy_button.setAccessibleName(self.tr("Copy browser link"))
        link_help = self.tr("Copy the browser link; the password is never included")
        self.browser_copy_button.setToolTip(link_help)
        self.browser_copy_button.setAccessibleDescription(link_help)
        self.browser_copy_button.clicked.connect(self._copy_link)
        self.qr_choice = QComboBox(self)
        self.qr_choice.addItem(self.tr("QR code: browser link"))
        self.qr_choice.addItem(self.tr("QR code: app address"))
        self.qr_choice.setAccessibleName(self.tr("Which address the QR code holds"))
        self.qr_choice.currentIndexChanged.connect(lambda _: self._show_qr())
        self.password_note = QLabel(self.tr("Password required — tell people separately."), self)
        self.password_note.setWordWrap(True)
        self.qr_label = QLabel(self)
        self.qr_label.setAccessibleName(self.tr("QR code of the join address"))
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._feedback_timer = QTimer(self)
        self._feedback_timer.setSingleShot(True)
        self._feedback_timer.setInterval(COPIED_FEEDBACK_MS)
        self._feedback_timer.timeout.connect(self._reset_copy_texts)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.address_view)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.browser_label)
        layout.addWidget(self.browser_view)
        layout.addWidget(self.browser_copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.password_note)
        layout.addWidget(self.qr_choice)
        layout.addWidget(self.qr_label)
        layout.addStretch(1)
        self._addresses: list[str] = []
        self._link = ""
        self.clear()

    def set_invite(self, addresses: list[str], room_label: str, password_set: bool) -> None:
        """Show how to join ``room_label``: the first address is copied, the first
        one that is not loopback QR-coded (no QR code when they all are)."""
        self._addresses = list(addresses)
        self.title.setText(self.tr("Invite people to {room}").format(room=room_label))
        self.address_view.setPlainText("\n".join(self._addresses))
        lines = max(1, len(self._addresses))
        metrics = self.address_view.fontMetrics()
        margins = self.address_view.contentsMargins()
        frame = 2 * self.address_view.document().documentMargin()
        self.address_view.setFixedHeight(
            int(lines * metrics.lineSpacing() + frame) + margins.top() + margins.bottom()
        )
        self._feedback_timer.stop()
        self._reset_copy_texts()
        shareable = [a for a in self._addresses if not is_loopback_address(a)]
        # The browser link of the first address a phone can reach (else the first).
        first = (shareable or self._addresses or [""])[0]
        self._link = browser_link(first) if first else ""
        self.browser_view.setText(self._link)
        self.browser_view.setCursorPosition(0)
        self.title.show()
        self.address_view.show()
        self.copy_button.setVisible(bool(self._addresses))
        for widget in (self.browser_label, self.browser_view, self.browser_copy_button):
            widget.setVisible(bool(self._link))
        self.password_note.setVisible(password_set)
        self.qr_choice.setVisible(bool(shareable))
        self._show_qr()

    def qr_text(self) -> str | None:
        """What the QR code shown holds (None: no QR code)."""
        shareable = [a for a in self._addresses if not is_loopback_address(a)]
        if not shareable:
            return None
        return browser_link(shareable[0]) if self.qr_choice.currentIndex() == 0 else shareable[0]

    def _show_qr(self) -> None:
        text = self.qr_text()
        if text is None:
            self.qr_label.clear()
            self.qr_label.hide()
            return
        ratio = self.devicePixelRatioF()
        pixmap = qr_pixmap(text, round(180 * ratio))
        pixmap.setDevicePixelRatio(ratio)
        self.qr_label.setPixmap(pixmap)
        self.qr_label.setToolTip(text)
        self.qr_label.setAccessibleDescription(text)
        self.qr_label.show()

    def clear(self) -> None:
        """Not hosting: nothing to show (the panel itself stays where the window put it)."""
        self._addresses, self._link = [], ""
        self._feedback_timer.stop()
        self._reset_copy_texts()
        self.title.clear()
        self.address_view.clear()
        self.browser_view.clear()
        self.qr_label.clear()
        for widget in (
            self.title,
            self.address_view,
            self.copy_button,
            self.browser_label,
            self.browser_view,
            self.browser_copy_button,
            self.password_note,
            self.qr_choice,
            self.qr_label,
        ):
            widget.hide()

    def addresses(self) -> list[str]:
        return list(self._addresses)

    def link(self) -> str:
        """The browser link shown ("" when not hosting)."""
        return self._link

    def _reset_copy_texts(self) -> None:
        self.copy_button.setText(self.tr("Copy address"))
        self.browser_copy_button.setText(self.tr("Copy link"))

    def _copy_link(self) -> None:
        if not self._link:
            return
        QGuiApplication.clipboard().setText(self._link)
        self.browser_copy_button.setText(self.tr("Copied"))
        self._feedback_timer.start()
        self.copied.emit(self._link)

    def _copy_first(self) -> None:
        if not self._addresses:
            return
        address = self._addresses[0]
        QGuiApplication.clipboard().setText(address)
        self.copy_button.setText(self.tr("Copied"))
        self._feedback_timer.start()
        self.copied.emit(address)
