"""Connection options as fields: headers, subprotocols, query, TLS trust, timeouts.

:class:`ConnectionOptionsWidget` is the "More…" part of the connect bar and
the options section of the saved-connection editor. It is a thin adapter
over desktop/connection_options.py: :meth:`~ConnectionOptionsWidget.options`
builds a :class:`~desktop.connection_options.ConnectionOptions` and checks it
with :func:`~desktop.connection_options.check_options`; what is wrong is
shown in the widget's own error label, never in a message box.

Headers and query parameters are rows of two line edits (name, value) with a
Remove button each; a row left empty is ignored. Secret header values
(:func:`~desktop.connection_options.is_secret_header`) are masked unless
"Show secret values" is checked. A header whose value is kept in the keyring
(a saved connection's, see :meth:`set_options`) shows an empty value with a
placeholder saying so: left empty, the saved value is kept.

The "Trusted certificate" row shows the fingerprint pinned for the URL's
``host:port`` (:meth:`set_url`) in the :class:`~desktop.tls.PinStore` it is
given, with a Forget button. The file dialog for the CA file is opened with
``open()``, never ``exec()``: no nested event loop under qasync.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.connection_options import (
    MAX_OPEN_TIMEOUT,
    MAX_PING_SECONDS,
    MIN_SECONDS,
    ConnectionOptions,
    check_options,
    is_secret_header,
)
from roomcast.desktop.tls import PinStore, endpoint

__all__ = ["ConnectionOptionsWidget"]

ERROR_STYLE = "color: #b00020;"
#: Seconds shown with one decimal: 0.5 s steps are as fine as anyone needs.
SPIN_DECIMALS = 1


@dataclass(eq=False)
class _Row:
    box: QWidget
    name: QLineEdit
    value: QLineEdit
    remove: QPushButton


class _PairsEditor(QWidget):
    """An Add button above rows of (name, value) line edits with a Remove button each.

    ``headers``: the rows are HTTP headers (secret values masked); else query
    parameters. The widget itself takes no focus: its focus proxy is the
    first row's name, or the Add button, so that a label's buddy lands there.
    """

    changed = Signal()

    def __init__(self, headers: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[_Row] = []
        self.show_secrets = False
        self.saved_secrets: set[str] = set()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(
            self.tr("Add header") if headers else self.tr("Add parameter"), self
        )
        self.add_button.setAutoDefault(False)
        if headers:
            self.add_button.setAccessibleName(self.tr("Add header"))
            self.add_button.setAccessibleDescription(
                self.tr("Add a row for an HTTP header sent with the WebSocket handshake")
            )
        else:
            self.add_button.setAccessibleName(self.tr("Add query parameter"))
            self.add_button.setAccessibleDescription(
                self.tr("Add a row for a parameter added to the address after ?")
            )
        self.add_button.clicked.connect(self._add_clicked)
        # The Add button comes first, above the rows: new rows land at the end.
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self._layout.addLayout(buttons)
        self._update_proxy()

    # -- rows -----------------------------------------------------------------

    def pairs(self) -> list[tuple[str, str]]:
        """(name, value) of each row; rows left empty are not counted."""
        return [
            (row.name.text(), row.value.text())
            for row in self.rows
            if row.name.text().strip() or row.value.text()
        ]

    def set_pairs(self, pairs: Iterable[tuple[str, str]]) -> None:
        for row in list(self.rows):
            self._drop(row)
        for name, value in pairs:
            self.add_row(name, value)

    def add_row(self, name: str = "", value: str = "") -> _Row:
        box = QWidget(self)
        line = QHBoxLayout(box)
        line.setContentsMargins(0, 0, 0, 0)
        name_edit = QLineEdit(name, box)
        value_edit = QLineEdit(value, box)
        remove = QPushButton(self.tr("Remove"), box)
        remove.setAutoDefault(False)
        if self.headers:
            name_edit.setPlaceholderText(self.tr("Name, e.g. Authorization"))
            value_edit.setPlaceholderText(self.tr("Value"))
        else:
            name_edit.setPlaceholderText(self.tr("Name"))
            value_edit.setPlaceholderText(self.tr("Value"))
        line.addWidget(name_edit, 2)
        line.addWidget(value_edit, 3)
        line.addWidget(remove)
        row = _Row(box, name_edit, value_edit, remove)
        # Focus order: right after the last row, or after the Add button above the rows.
        # (Leaf widgets only: setTabOrder treats a widget with children as a block.)
        QWidget.setTabOrder(self.rows[-1].remove if self.rows else self.add_button, name_edit)
        QWidget.setTabOrder(name_edit, value_edit)
        QWidget.setTabOrder(value_edit, remove)
        self.rows.append(row)
        self._layout.addWidget(box)
        box.show()  # a layout shows a new child of a visible widget only later
        name_edit.textChanged.connect(lambda _text: self._edited(row))
        value_edit.textChanged.connect(lambda _text: self._edited(row))
        remove.clicked.connect(lambda: self._remove_clicked(row))
        self._renumber()
        self._style(row)
        self._update_proxy()
        return row

    def remove_row(self, row: _Row) -> None:
        self._drop(row)
        self.changed.emit()

    def set_show_secrets(self, show: bool) -> None:
        self.show_secrets = show
        for row in self.rows:
            self._style(row)

    def set_saved_secrets(self, names: Iterable[str]) -> None:
        self.saved_secrets = set(names)
        for row in self.rows:
            self._style(row)

    # -- inside ---------------------------------------------------------------

    def _add_clicked(self) -> None:
        row = self.add_row()
        row.name.setFocus()
        self.changed.emit()

    def _remove_clicked(self, row: _Row) -> None:
        index = self.rows.index(row)
        self.remove_row(row)
        # Keep the keyboard near: the next row's Remove (the new last one's), else Add.
        target = self.rows[min(index, len(self.rows) - 1)].remove if self.rows else None
        (target or self.add_button).setFocus()

    def _drop(self, row: _Row) -> None:
        self.rows.remove(row)
        self._layout.removeWidget(row.box)
        row.box.hide()
        row.box.setParent(None)
        row.box.deleteLater()
        self._renumber()
        self._update_proxy()

    def _edited(self, row: _Row) -> None:
        self._style(row)
        self.changed.emit()

    def _style(self, row: _Row) -> None:
        name, value = row.name.text().strip(), row.value.text()
        masked = (
            self.headers
            and not self.show_secrets
            and (is_secret_header(name, value) or name in self.saved_secrets)
        )
        row.value.setEchoMode(QLineEdit.EchoMode.Password if masked else QLineEdit.EchoMode.Normal)
        if self.headers and name in self.saved_secrets:
            row.value.setPlaceholderText(self.tr("saved in the keyring — leave empty to keep it"))
        elif self.headers:
            row.value.setPlaceholderText(self.tr("Value"))

    def _renumber(self) -> None:
        for number, row in enumerate(self.rows, 1):
            if self.headers:
                row.name.setAccessibleName(self.tr("Header {n} name").format(n=number))
                row.name.setAccessibleDescription(
                    self.tr("An HTTP header name, such as Authorization or Cookie")
                )
                row.value.setAccessibleName(self.tr("Header {n} value").format(n=number))
                row.value.setAccessibleDescription(
                    self.tr(
                        "The header's value; secret values are masked and kept in the "
                        "system keyring"
                    )
                )
                row.remove.setAccessibleName(self.tr("Remove header {n}").format(n=number))
                row.remove.setAccessibleDescription(self.tr("Remove this header"))
            else:
                row.name.setAccessibleName(self.tr("Query parameter {n} name").format(n=number))
                row.name.setAccessibleDescription(self.tr("The parameter's name, before the ="))
                row.value.setAccessibleName(self.tr("Query parameter {n} value").format(n=number))
                row.value.setAccessibleDescription(
                    self.tr("The parameter's value, after the =; it is percent-encoded for you")
                )
                row.remove.setAccessibleName(self.tr("Remove query parameter {n}").format(n=number))
                row.remove.setAccessibleDescription(self.tr("Remove this query parameter"))

    def _update_proxy(self) -> None:
        self.setFocusProxy(self.rows[0].name if self.rows else self.add_button)


class ConnectionOptionsWidget(QWidget):
    """The fields of a :class:`ConnectionOptions`; :attr:`changed` on every edit.

    ``pins``: the pinned certificates shown in the "Trusted certificate"
    row (none: the row says there is nothing pinned, and Forget is off).
    """

    changed = Signal()

    def __init__(self, pins: PinStore | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pins = pins
        self._url = ""
        self._loading = False
        self.file_dialog: QFileDialog | None = None
        self.setAccessibleName(self.tr("Connection options"))
        self.setAccessibleDescription(
            self.tr("Headers, subprotocols, query parameters, TLS trust and timeouts")
        )

        self.headers = _PairsEditor(True, self)
        self.show_secrets_box = QCheckBox(self.tr("Sho&w secret values"), self)
        self.show_secrets_box.setAccessibleName(self.tr("Show secret values"))
        self.show_secrets_box.setAccessibleDescription(
            self.tr("Show the values of headers such as Authorization instead of dots")
        )
        self.show_secrets_box.toggled.connect(self.headers.set_show_secrets)

        self.subprotocols_edit = QLineEdit(self)
        self.subprotocols_edit.setPlaceholderText(self.tr("automatic"))
        self.subprotocols_edit.setToolTip(
            self.tr(
                "Subprotocols to offer, separated by commas. Empty: automatic "
                "(roomcast.v1 for Roomcast servers, none for others)"
            )
        )
        self.subprotocols_edit.setAccessibleName(self.tr("Subprotocols"))
        self.subprotocols_edit.setAccessibleDescription(self.subprotocols_edit.toolTip())
        self.no_subprotocol_box = QCheckBox(self.tr("O&ffer no subprotocol"), self)
        self.no_subprotocol_box.setAccessibleName(self.tr("Offer no subprotocol"))
        self.no_subprotocol_box.setAccessibleDescription(
            self.tr("Send no Sec-WebSocket-Protocol header at all")
        )
        self.no_subprotocol_box.toggled.connect(
            lambda on: self.subprotocols_edit.setEnabled(not on)
        )

        self.query = _PairsEditor(False, self)

        self.ca_file_edit = QLineEdit(self)
        self.ca_file_edit.setPlaceholderText(self.tr("none: the system's authorities only"))
        self.ca_file_edit.setAccessibleName(self.tr("CA file"))
        self.ca_file_edit.setAccessibleDescription(
            self.tr(
                "A PEM file of certificate authorities to trust besides the system's, "
                "for wss:// servers"
            )
        )
        self.browse_button = QPushButton(self.tr("Browse…"), self)
        self.browse_button.setAutoDefault(False)
        self.browse_button.setAccessibleName(self.tr("Browse for a CA file"))
        self.browse_button.setAccessibleDescription(self.tr("Choose the CA file in a file dialog"))
        self.browse_button.clicked.connect(self.browse_ca_file)

        self.pin_label = QLabel(self)
        self.pin_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.pin_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pin_label.setAccessibleName(self.tr("Trusted certificate"))
        self.forget_button = QPushButton(self.tr("Forget"), self)
        self.forget_button.setAutoDefault(False)
        self.forget_button.setAccessibleName(self.tr("Forget the trusted certificate"))
        self.forget_button.setAccessibleDescription(
            self.tr(
                "Stop trusting this server's pinned certificate; the next connection asks again"
            )
        )
        self.forget_button.clicked.connect(self.forget_pin)

        self.open_timeout_spin = QDoubleSpinBox(self)
        self.open_timeout_spin.setDecimals(SPIN_DECIMALS)
        self.open_timeout_spin.setRange(MIN_SECONDS, MAX_OPEN_TIMEOUT)
        self.open_timeout_spin.setSuffix(self.tr(" s"))
        self.open_timeout_spin.setAccessibleName(self.tr("Open timeout"))
        self.open_timeout_spin.setAccessibleDescription(
            self.tr("Seconds to wait for the server to accept the connection")
        )
        self.ping_interval_spin = QDoubleSpinBox(self)
        self.ping_interval_spin.setDecimals(SPIN_DECIMALS)
        self.ping_interval_spin.setRange(0, MAX_PING_SECONDS)
        self.ping_interval_spin.setSuffix(self.tr(" s"))
        self.ping_interval_spin.setSpecialValueText(self.tr("no pings"))
        self.ping_interval_spin.setAccessibleName(self.tr("Ping interval"))
        self.ping_interval_spin.setAccessibleDescription(
            self.tr("Seconds between keepalive pings; 0 sends no pings")
        )
        self.ping_timeout_spin = QDoubleSpinBox(self)
        self.ping_timeout_spin.setDecimals(SPIN_DECIMALS)
        self.ping_timeout_spin.setRange(0, MAX_PING_SECONDS)
        self.ping_timeout_spin.setSuffix(self.tr(" s"))
        self.ping_timeout_spin.setSpecialValueText(self.tr("no timeout"))
        self.ping_timeout_spin.setAccessibleName(self.tr("Ping timeout"))
        self.ping_timeout_spin.setAccessibleDescription(
            self.tr("Seconds to wait for the answer to a ping before giving up; 0 waits forever")
        )

        self.error_label = QLabel(self)
        self.error_label.setObjectName("optionsError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setAccessibleName(self.tr("Problem with the connection options"))
        self.error_label.hide()

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)

        def labelled(text: str, buddy: QWidget) -> QLabel:
            label = QLabel(text, self)
            label.setBuddy(buddy)
            return label

        form.addRow(labelled(self.tr("&Headers:"), self.headers), self.headers)
        form.addRow("", self.show_secrets_box)
        form.addRow(
            labelled(self.tr("Subprotocols:"), self.subprotocols_edit), self.subprotocols_edit
        )
        form.addRow("", self.no_subprotocol_box)
        form.addRow(labelled(self.tr("&Query parameters:"), self.query), self.query)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file_edit, 1)
        ca_row.addWidget(self.browse_button)
        form.addRow(labelled(self.tr("CA file:"), self.ca_file_edit), ca_row)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_label, 1)
        pin_row.addWidget(self.forget_button)
        form.addRow(QLabel(self.tr("Trusted certificate:"), self), pin_row)
        form.addRow(
            labelled(self.tr("Open timeout:"), self.open_timeout_spin), self.open_timeout_spin
        )
        form.addRow(
            labelled(self.tr("&Keepalive ping interval:"), self.ping_interval_spin),
            self.ping_interval_spin,
        )
        form.addRow(
            labelled(self.tr("Ping timeout:"), self.ping_timeout_spin), self.ping_timeout_spin
        )
        form.addRow(self.error_label)

        # Tab order: as the fields read; rows added later place themselves (_PairsEditor).
        for first, second in itertools.pairwise(self.tab_order()):
            QWidget.setTabOrder(first, second)

        for editor in (self.headers, self.query):
            editor.changed.connect(self._edited)
        for box in (self.show_secrets_box, self.no_subprotocol_box):
            box.toggled.connect(self._edited)
        for edit in (self.subprotocols_edit, self.ca_file_edit):
            edit.textChanged.connect(self._edited)
        for spin in (self.open_timeout_spin, self.ping_interval_spin, self.ping_timeout_spin):
            spin.valueChanged.connect(self._edited)

        self.set_options(ConnectionOptions())

    # -- the options ----------------------------------------------------------

    def options(self) -> ConnectionOptions:
        """The options as the fields say, checked; ValueError (also shown in the
        widget) saying what is wrong."""
        ping_interval = self.ping_interval_spin.value()
        ping_timeout = self.ping_timeout_spin.value()
        if self.no_subprotocol_box.isChecked():
            subprotocols: tuple[str, ...] | None = ()
        else:
            words = self.subprotocols_edit.text().replace(",", " ").split()
            subprotocols = tuple(words) if words else None
        raw = ConnectionOptions(
            headers=tuple(self.headers.pairs()),
            subprotocols=subprotocols,
            query=tuple(self.query.pairs()),
            ca_file=self.ca_file_edit.text(),
            open_timeout=self.open_timeout_spin.value(),
            ping_interval=ping_interval if ping_interval else None,
            ping_timeout=ping_timeout if ping_timeout else None,
        )
        try:
            checked = check_options(raw)
        except ValueError as exc:
            self._show_error(str(exc))
            raise
        self._show_error("")
        return checked

    def set_options(self, o: ConnectionOptions, *, saved_secrets: Iterable[str] = ()) -> None:
        """Show ``o``; ``saved_secrets``: headers whose values are kept in the keyring
        (shown empty, with a placeholder saying an empty value keeps them)."""
        self._loading = True
        try:
            self.headers.set_saved_secrets(saved_secrets)
            self.headers.set_pairs(o.headers)
            self.no_subprotocol_box.setChecked(o.subprotocols == ())
            self.subprotocols_edit.setText(", ".join(o.subprotocols or ()))
            self.query.set_pairs(o.query)
            self.ca_file_edit.setText(o.ca_file)
            self.open_timeout_spin.setValue(o.open_timeout)
            self.ping_interval_spin.setValue(o.ping_interval or 0)
            self.ping_timeout_spin.setValue(o.ping_timeout or 0)
        finally:
            self._loading = False
        self._show_error("")

    def saved_secrets(self) -> set[str]:
        """The header names whose values are kept in the keyring (see :meth:`set_options`)."""
        return set(self.headers.saved_secrets)

    def tab_order(self) -> list[QWidget]:
        """The widgets Tab visits, in order (for a container to chain them in its own)."""
        return [
            self.headers.add_button,
            *(w for row in self.headers.rows for w in (row.name, row.value, row.remove)),
            self.show_secrets_box,
            self.subprotocols_edit,
            self.no_subprotocol_box,
            self.query.add_button,
            *(w for row in self.query.rows for w in (row.name, row.value, row.remove)),
            self.ca_file_edit,
            self.browse_button,
            self.forget_button,
            self.open_timeout_spin,
            self.ping_interval_spin,
            self.ping_timeout_spin,
        ]

    def error_text(self) -> str:
        """The problem shown, "" when none."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    # -- TLS ------------------------------------------------------------------

    def set_url(self, url: str) -> None:
        """The server the "Trusted certificate" row is about (the first of a list)."""
        self._url = url.strip()
        self.refresh_pin()

    def set_pins(self, pins: PinStore | None) -> None:
        self.pins = pins
        self.refresh_pin()

    def refresh_pin(self) -> None:
        """Show what is pinned for the URL now (call after pinning elsewhere)."""
        fp = None
        if not self._url.lower().startswith("wss://"):
            text = self.tr("Not used: only wss:// addresses have certificates")
        else:
            try:
                host, port = endpoint(self._url)
            except ValueError:
                host, port = "", 0
            fp = self.pins.get(host, port) if self.pins is not None and host else None
            if fp is None:
                text = self.tr("None: the certificate must be signed by a trusted authority")
            else:
                # 95 characters in two lines of 16 pairs.
                text = f"{fp[:47]}\n{fp[48:]}"
        self.pin_label.setText(text)
        self.pin_label.setAccessibleDescription(
            self.tr("SHA-256 {fingerprint}").format(fingerprint=fp) if fp else text
        )
        self.forget_button.setEnabled(fp is not None)

    def forget_pin(self) -> None:
        """Forget the certificate pinned for the URL's host and port."""
        if self.pins is None:
            return
        try:
            host, port = endpoint(self._url)
        except ValueError:
            return
        self.pins.forget(host, port)
        self.refresh_pin()

    def browse_ca_file(self) -> None:
        """Open a file dialog (``open()``, not ``exec()``) to choose the CA file."""
        dialog = QFileDialog(self, self.tr("Choose a CA file"), self.ca_file_edit.text())
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(
            [self.tr("Certificates (*.pem *.crt *.cer)"), self.tr("All files (*)")]
        )
        dialog.fileSelected.connect(self.ca_file_edit.setText)
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    # -- inside ---------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh_pin()  # a pin may have been made while hidden
        super().showEvent(event)

    def _edited(self) -> None:
        if self._loading:
            return
        with contextlib.suppress(ValueError):
            self.options()  # shows or clears the problem
        self.changed.emit()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setAccessibleDescription(text)
        self.error_label.setVisible(bool(text))
