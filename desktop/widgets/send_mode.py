"""The send-mode selector beside the composer: Chat, Text, JSON or Binary.

What each mode puts on the wire is decided in ``desktop/sending.py``; this
widget only chooses. For Binary a second combo chooses how the bytes are
given (Hex, Base64, File) and, for File, a button picks the file: its path
is handed to the composer through :attr:`SendModeSelector.fileChosen` (the
composer's text is the path, which ``sending.encode`` reads when sending).

Each mode's tooltip (on its item, and on the combo while it is chosen) says
exactly what is sent; :func:`placeholder_for` gives the composer's
placeholder text for a mode. Keyboard: Tab reaches each part; Alt+A
("Send &as") goes to the mode combo when the label is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from roomcast.desktop.sending import (
    MAX_FILE_BYTES,
    BinaryFormat,
    SendMode,
    format_label,
    format_size,
    mode_label,
)
from roomcast.desktop.texts import QT_TRANSLATE_NOOP

__all__ = ["SendModeSelector", "format_tooltip", "mode_tooltip", "placeholder_for"]


_CONTEXT = "SendModeSelector"

#: What each mode sends, exactly (its tooltip).
_MODE_TIPS = {
    SendMode.CHAT: QT_TRANSLATE_NOOP(
        "SendModeSelector",
        "Chat: a chat message; a Roomcast server gets a Roomcast message, "
        'others {"type":"message","content":…}',
    ),
    SendMode.TEXT: QT_TRANSLATE_NOOP("SendModeSelector", "Text: one text frame, exactly as typed"),
    SendMode.JSON: QT_TRANSLATE_NOOP(
        "SendModeSelector", "JSON: one text frame, exactly as typed, once it parses as JSON"
    ),
    SendMode.BINARY: QT_TRANSLATE_NOOP(
        "SendModeSelector", "Binary: one binary frame of the bytes given as hex, base64 or a file"
    ),
}
#: How bytes are given in each binary format (its tooltip); {limit}: the file limit.
_FORMAT_TIPS = {
    BinaryFormat.HEX: QT_TRANSLATE_NOOP(
        "SendModeSelector",
        "Hex: two digits a byte; spaces, colons, commas and 0x are allowed "
        "(de ad be ef, 0xde,0xad)",
    ),
    BinaryFormat.BASE64: QT_TRANSLATE_NOOP(
        "SendModeSelector",
        "Base64: standard or URL-safe alphabet; padding optional, spaces ignored",
    ),
    BinaryFormat.FILE: QT_TRANSLATE_NOOP(
        "SendModeSelector", "File: the text is a file's path; its bytes are sent (up to {limit})"
    ),
}
#: The composer's placeholder in each mode; Binary's depends on the format.
_PLACEHOLDERS = {
    SendMode.CHAT: QT_TRANSLATE_NOOP(
        "SendModeSelector", "Message — Enter sends, Shift+Enter adds a line"
    ),
    SendMode.TEXT: QT_TRANSLATE_NOOP(
        "SendModeSelector", "Text frame — Enter sends it exactly as typed"
    ),
    SendMode.JSON: QT_TRANSLATE_NOOP(
        "SendModeSelector", "JSON frame — Enter sends it as typed, once it parses"
    ),
}
_BINARY_PLACEHOLDERS = {
    BinaryFormat.HEX: QT_TRANSLATE_NOOP(
        "SendModeSelector", "Hex, e.g. de ad be ef — Enter sends the bytes as one binary frame"
    ),
    BinaryFormat.BASE64: QT_TRANSLATE_NOOP(
        "SendModeSelector", "Base64, e.g. 3q2+7w== — Enter sends the bytes as one binary frame"
    ),
    BinaryFormat.FILE: QT_TRANSLATE_NOOP(
        "SendModeSelector",
        "Path of a file (up to {limit}) — Enter sends its bytes as one binary frame",
    ),
}


def _shown(text: str) -> str:
    """A marked text in the user's language, with the file limit filled in."""
    shown = QCoreApplication.translate(_CONTEXT, text)
    # Only the file texts have a field (Chat's shows literal JSON braces).
    return shown.replace("{limit}", format_size(MAX_FILE_BYTES))


def mode_tooltip(mode: SendMode) -> str:
    """What ``mode`` sends, exactly."""
    return _shown(_MODE_TIPS[mode])


def format_tooltip(binary_format: BinaryFormat) -> str:
    """How bytes are given in ``binary_format``."""
    return _shown(_FORMAT_TIPS[binary_format])


def placeholder_for(mode: SendMode, binary_format: BinaryFormat = BinaryFormat.HEX) -> str:
    """The composer's placeholder text in ``mode`` (and ``binary_format`` for Binary)."""
    if mode is SendMode.BINARY:
        return _shown(_BINARY_PLACEHOLDERS[binary_format])
    return _shown(_PLACEHOLDERS[mode])


class SendModeSelector(QWidget):
    """A mode combo; for Binary a format combo; for File a "Choose file…" button.

    :attr:`modeChanged` is emitted whenever the mode or format changes, by the
    person or by :meth:`set_mode`.
    """

    modeChanged = Signal(SendMode, BinaryFormat)
    fileChosen = Signal(str)  # the path of the file picked with "Choose file…"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self.tr("Send &as:"), self)
        self.mode_combo = QComboBox(self)
        self.label.setBuddy(self.mode_combo)
        self.mode_combo.setAccessibleName(self.tr("Send mode"))
        self.mode_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for mode in SendMode:
            self.mode_combo.addItem(mode_label(mode), mode)
            self.mode_combo.setItemData(
                self.mode_combo.count() - 1, mode_tooltip(mode), Qt.ItemDataRole.ToolTipRole
            )

        self.format_combo = QComboBox(self)
        self.format_combo.setAccessibleName(self.tr("Binary format"))
        self.format_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for fmt in BinaryFormat:
            self.format_combo.addItem(format_label(fmt), fmt)
            self.format_combo.setItemData(
                self.format_combo.count() - 1, format_tooltip(fmt), Qt.ItemDataRole.ToolTipRole
            )

        # Not "&Choose": Alt+C is the find bar's Chat filter.
        self.file_button = QPushButton(self.tr("Choose f&ile…"), self)
        self.file_button.setAccessibleName(self.tr("Choose file"))
        self.file_button.setAccessibleDescription(
            self.tr("Pick the file whose bytes are sent; its path goes into the message field")
        )
        self.file_button.setToolTip(self.file_button.accessibleDescription())
        self.file_button.setAutoDefault(False)
        self.file_button.clicked.connect(self.choose_file)
        #: The open file dialog (None until "Choose file…" is pressed).
        self.file_dialog: QFileDialog | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.mode_combo)
        layout.addWidget(self.format_combo)
        layout.addWidget(self.file_button)
        layout.addStretch(1)

        self._shown: tuple[SendMode, BinaryFormat] = (SendMode.CHAT, BinaryFormat.HEX)
        self._update()
        self.mode_combo.currentIndexChanged.connect(self._on_changed)
        self.format_combo.currentIndexChanged.connect(self._on_changed)

    # -- API ----------------------------------------------------------------------

    def mode(self) -> SendMode:
        mode = self.mode_combo.currentData()
        assert isinstance(mode, SendMode)
        return mode

    def binary_format(self) -> BinaryFormat:
        fmt = self.format_combo.currentData()
        assert isinstance(fmt, BinaryFormat)
        return fmt

    def set_mode(self, mode: SendMode, binary_format: BinaryFormat = BinaryFormat.HEX) -> None:
        """Show ``mode`` (and ``binary_format``); emits :attr:`modeChanged` if that changed."""
        for combo, value in ((self.mode_combo, mode), (self.format_combo, binary_format)):
            combo.blockSignals(True)
            try:
                combo.setCurrentIndex(combo.findData(value))
            finally:
                combo.blockSignals(False)
        self._on_changed()

    def choose_file(self) -> QFileDialog:
        """Open a file dialog (not modal for the loop: ``open()``, never ``exec()``);
        the file picked is emitted with :attr:`fileChosen`."""
        if self.file_dialog is None:
            dialog = QFileDialog(self, self.tr("Choose the file to send"))
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
            dialog.setAccessibleName(self.tr("Choose the file to send"))
            dialog.fileSelected.connect(self.fileChosen.emit)
            self.file_dialog = dialog
        self.file_dialog.open()
        return self.file_dialog

    # -- inside -------------------------------------------------------------------

    def _on_changed(self) -> None:
        self._update()
        now = (self.mode(), self.binary_format())
        if now != self._shown:
            self._shown = now
            self.modeChanged.emit(*now)

    def _update(self) -> None:
        mode, fmt = self.mode(), self.binary_format()
        binary = mode is SendMode.BINARY
        self.format_combo.setVisible(binary)
        self.file_button.setVisible(binary and fmt is BinaryFormat.FILE)
        self.mode_combo.setToolTip(mode_tooltip(mode))
        self.mode_combo.setAccessibleDescription(mode_tooltip(mode))
        self.format_combo.setToolTip(format_tooltip(fmt))
        self.format_combo.setAccessibleDescription(format_tooltip(fmt))
