"""The "Host a room" dialog and the invite panel shown while hosting.

Like the other widgets, these only emit signals: the window starts the
server and decides what to show. The one exception to "no I/O" is the port
check, a synchronous bind-and-close that takes microseconds and lets the
dialog say "port in use" before the person presses Start.

A room hosted for the network is encrypted (``desktop/hosting.py``): its
invites are ``roomcasts://…#sha256=…`` links, and the panel shows the
certificate's fingerprint for people to compare. Browser guests get the
same TLS (the server serves one scheme per port, and a plain page would let
the café read the room): a self-signed certificate makes the browser warn
once, and the panel says what that warning is and where the browser shows
the fingerprint to compare (:data:`BROWSER_NOTE`).
"""

from __future__ import annotations

import errno
import ipaddress
import math
import os
import socket
import sys
from typing import Final
from urllib.parse import urlsplit

import segno
from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPainter,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTextOption,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.hosting import ALL_NETWORKS, LOCAL_ONLY, HostSettings, browser_link
from roomcast.desktop.links import link_fingerprint
from roomcast.desktop.texts import QT_TRANSLATE_NOOP
from roomcast.desktop.tls import parse_fingerprint
from roomcast.server.protocol import MAX_PASSWORD_CHARS, ROOM_NAME_RE

from .feedback import ErrorLabel

__all__ = [
    "BROWSER_NOTE",
    "DEFAULT_PORT",
    "DEFAULT_ROOM",
    "LOCAL_HOST",
    "NETWORK_HOST",
    "HostDialog",
    "HostSettings",
    "InvitePanel",
    "find_free_port",
    "fingerprint_lines",
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
#: A SHA-256 fingerprint (32 pairs) is shown as two lines of 16 pairs, or
#: four of 8 where the panel is narrower (the window's side column is).
FINGERPRINT_PAIRS_PER_LINE: Final = 16
#: The invite view grows with its (wrapped) lines up to this many, then scrolls.
MAX_INVITE_LINES: Final = 8
#: Below this the invite panel scrolls rather than shrink further.
MIN_PANEL_HEIGHT: Final = 120
#: What a browser guest of an encrypted room sees, and how to check it (the
#: module docstring says why browsers get TLS too). The certificate viewer is
#: behind the icon left of the address in Firefox, Chrome, Edge and Safari.
BROWSER_NOTE: Final = QT_TRANSLATE_NOOP(
    "InvitePanel",
    "Browsers warn first: the certificate is this computer's own. Open the browser's "
    "certificate viewer (left of the address); if its SHA-256 is the one above, continue.",
)

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


def fingerprint_lines(fingerprint: str, per_line: int = FINGERPRINT_PAIRS_PER_LINE) -> str:
    """``AB:CD:…`` (any spelling ``parse_fingerprint`` reads) as lines of
    ``per_line`` pairs, to be read aloud and compared pair by pair."""
    pairs = parse_fingerprint(fingerprint).split(":")
    return "\n".join(":".join(pairs[i : i + per_line]) for i in range(0, len(pairs), per_line))


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
        self.advertise = QCheckBox(self.tr("&Let people on this network find the room"), self)
        self.advertise.setAccessibleName(self.tr("Let people on this network find the room"))
        advertise_help = self.tr(
            "Announce the room on the local network, so that Roomcast lists it in Connect"
        )
        self.advertise.setToolTip(advertise_help)
        self.advertise.setAccessibleDescription(advertise_help)
        self.advertise.setChecked(initial.advertise)

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

        # As wide as their texts: a click beside a radio button's text would not
        # choose it, and the box below widens the column.
        for choice in (self.all_networks, self.local_only):
            choice.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.all_networks)
        advertise_row = QHBoxLayout()
        # Indented under "People on my network": it belongs to that choice.
        advertise_row.addSpacing(
            self.style().pixelMetric(self.style().PixelMetric.PM_IndicatorWidth)
        )
        advertise_row.addWidget(self.advertise)
        scope_box.addLayout(advertise_row)
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
        self.scope_group.buttonToggled.connect(self._scope_changed)
        self.room.textChanged.connect(self._validate_room)
        self._validate_room()
        self._scope_changed()

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
            # Kept as chosen also for "Only this computer" (remembered for next
            # time); HostSettings.advertised never announces a loopback room.
            advertise=self.advertise.isChecked(),
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

    def _scope_changed(self, *_: object) -> None:
        """Only a room others can reach can be found: the box follows the scope."""
        self.advertise.setEnabled(self.all_networks.isChecked())

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


class _FingerprintView(QLabel):
    """A fingerprint in lines of whole pairs, selectable: 16 pairs a line (two
    lines) where the panel is wide enough, else 8 (four lines), so that it
    is never cut and the pairs are easy to count. Its width is the panel's
    (its own text's width is not a minimum)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fingerprint: str | None = None
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_fingerprint(self, fingerprint: str | None) -> None:
        self._fingerprint = fingerprint
        self._refit()

    def pairs_per_line(self) -> int:
        """The most pairs a line holds at the current width: 16, else 8."""
        width = self.contentsRect().width() - 2 * self.margin()
        fits = self.fontMetrics().horizontalAdvance(":".join(["FF"] * FINGERPRINT_PAIRS_PER_LINE))
        return FINGERPRINT_PAIRS_PER_LINE if fits <= width else FINGERPRINT_PAIRS_PER_LINE // 2

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        fingerprint = self._fingerprint
        text = fingerprint_lines(fingerprint, self.pairs_per_line()) if fingerprint else ""
        if text != self.text():
            self.setText(text)


class _InviteView(QPlainTextEdit):
    """The invites, read-only and wrapped anywhere: as tall as its lines at
    its width (up to :data:`MAX_INVITE_LINES`), refitted when the width changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fitted_width = -1

    def fit(self) -> None:
        self._fitted_width = self.viewport().width()
        heights: list[float] = []
        block = self.document().firstBlock()
        while block.isValid():
            self.blockBoundingRect(block)  # lays the block out at the current width
            layout = block.layout()
            lines = layout.lineCount() if layout is not None else 0
            heights += [layout.lineAt(i).height() for i in range(lines)] or [
                float(self.fontMetrics().lineSpacing())
            ]
            block = block.next()
        shown = sum(heights[:MAX_INVITE_LINES])
        # QPlainTextEdit scrolls unless the lines fit within the viewport less
        # one document margin and a pixel (its _q_adjustScrollbars); a margin
        # above and below looks even.
        margins = self.contentsMargins()
        extra = 2 * self.document().documentMargin() + 1 + margins.top() + margins.bottom()
        self.setFixedHeight(math.ceil(shown + extra))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.viewport().width() != self._fitted_width:
            self.fit()


class InvitePanel(QWidget):
    """How to join: the invites for Roomcast, the certificate's fingerprint
    when the room is encrypted, and the browser link (the room server's
    guest page), each invite and link with its Copy button and a QR code (one
    shown at a time: the browser link's first, a phone's camera opens it).

    An encrypted room's invites are ``roomcasts://…#sha256=…`` links (the
    session makes them, ``desktop.hosting.invite_urls``): the panel reads the
    fingerprint from them and shows it in lines of whole pairs to compare, and
    says what a browser guest sees (:data:`BROWSER_NOTE`). "Only this
    computer" shows plain ``ws://`` addresses and no fingerprint.

    No QR code when every address is loopback ("Only this computer"): a phone
    that scanned it would reach itself, not this computer. The password is
    never shown: only whether one is needed.
    """

    copied = Signal(str)  # the address put on the clipboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A short window scrolls the panel rather than squeezing (and cutting)
        # its QR code and notes.
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its controls take the focus
        body = self._body = QWidget(self.scroll_area)
        self.title = QLabel(body)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.address_view = _InviteView(body)
        self.address_view.setReadOnly(True)
        self.address_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # Addresses have no spaces: wrap anywhere so that a narrow panel shows them whole.
        self.address_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.address_view.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.address_view.setTabChangesFocus(True)
        self.copy_button = QPushButton(body)
        self.copy_button.clicked.connect(self._copy_first)
        self.fingerprint_label = QLabel(self.tr("Certificate fingerprint (SHA-256):"), body)
        self.fingerprint_label.setWordWrap(True)
        self.fingerprint_view = _FingerprintView(body)
        self.fingerprint_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.fingerprint_view.setAccessibleName(self.tr("Certificate fingerprint"))
        fingerprint_help = self.tr(
            "The SHA-256 fingerprint of this computer's certificate: guests compare it "
            "with the one their app or browser shows"
        )
        self.fingerprint_view.setToolTip(fingerprint_help)
        self.fingerprint_view.setAccessibleDescription(fingerprint_help)
        self.browser_label = QLabel(self.tr("In a browser, no install:"), body)
        self.browser_label.setWordWrap(True)
        self.browser_view = QLineEdit(body)
        self.browser_view.setReadOnly(True)
        self.browser_view.setAccessibleName(self.tr("Browser link"))
        self.browser_view.setAccessibleDescription(
            self.tr("The web page guests open in a browser to join this room")
        )
        self.browser_copy_button = QPushButton(self.tr("Copy link"), body)
        self.browser_copy_button.setAccessibleName(self.tr("Copy browser link"))
        link_help = self.tr("Copy the browser link; the password is never included")
        self.browser_copy_button.setToolTip(link_help)
        self.browser_copy_button.setAccessibleDescription(link_help)
        self.browser_copy_button.clicked.connect(self._copy_link)
        self.browser_note = QLabel(QCoreApplication.translate("InvitePanel", BROWSER_NOTE), body)
        self.browser_note.setWordWrap(True)
        self.browser_note.setObjectName("browserNote")
        self.qr_choice = QComboBox(body)
        self.qr_choice.addItem(self.tr("QR code: browser link"))
        self.qr_choice.addItem(self.tr("QR code: app address"))
        self.qr_choice.setAccessibleName(self.tr("Which address the QR code holds"))
        self.qr_choice.currentIndexChanged.connect(lambda _: self._show_qr())
        self.password_note = QLabel(self.tr("Password required — tell people separately."), body)
        self.password_note.setWordWrap(True)
        self.qr_label = QLabel(body)
        self.qr_label.setAccessibleName(self.tr("QR code of the join address"))
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._feedback_timer = QTimer(self)
        self._feedback_timer.setSingleShot(True)
        self._feedback_timer.setInterval(COPIED_FEEDBACK_MS)
        self._feedback_timer.timeout.connect(self._reset_copy_texts)

        link_row = QHBoxLayout()
        link_row.addWidget(self.browser_view, 1)
        link_row.addWidget(self.browser_copy_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.address_view)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.fingerprint_view)
        layout.addWidget(self.browser_label)
        layout.addLayout(link_row)
        layout.addWidget(self.browser_note)
        layout.addWidget(self.password_note)
        layout.addWidget(self.qr_choice)
        layout.addWidget(self.qr_label)
        layout.addStretch(1)
        self.scroll_area.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        self._addresses: list[str] = []
        #: The first address a phone can reach (not loopback); None: no QR code.
        self._shareable: str | None = None
        self._link = ""
        self._fingerprint: str | None = None
        self._name_copy_controls()
        self.clear()

    def sizeHint(self) -> QSize:
        """All of it where the window has the room (a scroll area alone would
        ask for less)."""
        return self._body.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, MIN_PANEL_HEIGHT)

    def set_invite(self, addresses: list[str], room_label: str, password_set: bool) -> None:
        """Show how to join ``room_label``: the first address is copied, the first
        one that is not loopback QR-coded (no QR code when they all are).

        ``addresses``: the session's invites (``ChatSession.invite``). Those
        that carry a certificate fingerprint (``roomcasts://…#sha256=…``) show
        it, and the browser note; ``password_set`` shows that a password is
        needed (never which)."""
        self._addresses = list(addresses)
        found = next(filter(None, map(link_fingerprint, self._addresses)), None)
        try:
            self._fingerprint = parse_fingerprint(found) if found else None
        except ValueError:
            self._fingerprint = None
        self._name_copy_controls()
        self.title.setText(self.tr("Invite people to {room}").format(room=room_label))
        self.address_view.setPlainText("\n".join(self._addresses))
        self.address_view.fit()
        self._feedback_timer.stop()
        self._reset_copy_texts()
        self._shareable = next((a for a in self._addresses if not is_loopback_address(a)), None)
        # The browser link of the first address a phone can reach (else the first).
        first = self._shareable or (self._addresses[0] if self._addresses else "")
        self._link = browser_link(first) if first else ""
        self.browser_view.setText(self._link)
        self.browser_view.setCursorPosition(0)
        self.fingerprint_view.set_fingerprint(self._fingerprint)
        self.title.show()
        self.address_view.show()
        self.copy_button.setVisible(bool(self._addresses))
        for label in (self.fingerprint_label, self.fingerprint_view):
            label.setVisible(self._fingerprint is not None)
        for widget in (self.browser_label, self.browser_view, self.browser_copy_button):
            widget.setVisible(bool(self._link))
        self.browser_note.setVisible(self._link.lower().startswith("https://"))
        self.password_note.setVisible(password_set)
        self.qr_choice.setVisible(self._shareable is not None)
        self._show_qr()
        self.updateGeometry()  # the scroll area does not pass its body's new size on

    def fingerprint(self) -> str | None:
        """The fingerprint (``AB:CD:…``) shown: the invites' certificate's,
        None when the room is not encrypted or nothing is shown."""
        return self._fingerprint

    def qr_text(self) -> str | None:
        """What the QR code shown holds (None: no QR code)."""
        if self._shareable is None:
            return None
        # The browser link is the shareable address's (set_invite).
        return self._link if self.qr_choice.currentIndex() == 0 else self._shareable

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
        self._addresses, self._shareable, self._link, self._fingerprint = [], None, "", None
        self._feedback_timer.stop()
        self._reset_copy_texts()
        self.title.clear()
        self.address_view.clear()
        self.browser_view.clear()
        self.fingerprint_view.set_fingerprint(None)
        self.qr_label.clear()
        for widget in (
            self.title,
            self.address_view,
            self.copy_button,
            self.fingerprint_label,
            self.fingerprint_view,
            self.browser_label,
            self.browser_view,
            self.browser_copy_button,
            self.browser_note,
            self.password_note,
            self.qr_choice,
            self.qr_label,
        ):
            widget.hide()
        self.updateGeometry()

    def addresses(self) -> list[str]:
        return list(self._addresses)

    def link(self) -> str:
        """The browser link shown ("" when not hosting)."""
        return self._link

    def _copy_text(self) -> str:
        """The first copy button's caption: invites for an encrypted room, else addresses."""
        return self.tr("Copy invite") if self._fingerprint else self.tr("Copy address")

    def _name_copy_controls(self) -> None:
        if self._fingerprint:
            self.address_view.setAccessibleName(self.tr("Invites"))
            self.address_view.setAccessibleDescription(
                self.tr(
                    "The invites others open in Roomcast to join this room, one per line; "
                    "each carries the certificate's fingerprint"
                )
            )
            self.copy_button.setAccessibleName(self.tr("Copy invite"))
            copy_help = self.tr(
                "Copy the first invite, with the certificate's fingerprint; "
                "the password is never included"
            )
        else:
            self.address_view.setAccessibleName(self.tr("Join addresses"))
            self.address_view.setAccessibleDescription(
                self.tr("The addresses others can join this room at, one per line")
            )
            self.copy_button.setAccessibleName(self.tr("Copy address"))
            copy_help = self.tr("Copy the first address; the password is never included")
        self.copy_button.setToolTip(copy_help)
        self.copy_button.setAccessibleDescription(copy_help)

    def _reset_copy_texts(self) -> None:
        self.copy_button.setText(self._copy_text())
        self.browser_copy_button.setText(self.tr("Copy link"))

    def _copy_link(self) -> None:
        if self._link:
            self._copy(self._link, self.browser_copy_button)

    def _copy_first(self) -> None:
        if self._addresses:
            self._copy(self._addresses[0], self.copy_button)

    def _copy(self, text: str, button: QPushButton) -> None:
        """Put ``text`` on the clipboard; ``button`` says "Copied" for a moment."""
        QGuiApplication.clipboard().setText(text)
        button.setText(self.tr("Copied"))
        self._feedback_timer.start()
        self.copied.emit(text)
