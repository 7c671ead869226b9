"""The host's view of the room: who is in it, and kick, ban and the password.

Issue 18 asks that the person hosting see each member's address, when they
joined, their round trip, their unsent bytes and their messages, and be able
to remove them (kick, with a reason they read), keep them out for the rest
of the session (ban by name or by address), and set, change or clear the
room's password while hosting. The server does each of these
(``RoomServer.kick``, ``ban_name``, ``ban_address``, ``unban_*``,
``set_password``; docs/protocol-notes.md, "Host controls"); this panel only
shows what the window feeds it and emits what the host asked for:

* :class:`MembersPanel` shows the table (``desktop.member_model``) and the
  bans, and while it is visible asks the window once a second for fresh data
  (``refreshRequested``);
* :class:`KickDialog`, :class:`BanDialog` and :class:`PasswordDialog` let the
  host say exactly what is meant before anything happens.

No server calls and no async here: the window connects the signals to the
server (on its loop) and feeds the answers back with ``set_members`` and
``set_bans``. The host's own row is marked "(you)" and can be neither kicked
nor banned, and an address the host itself connects from cannot be banned:
that would shut the host out of its own room.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from roomcast.desktop.member_model import MemberModel, MemberRoles
from roomcast.desktop.members import NO_ANSWER_AFTER, UNSENT_WARNING_BYTES, Column
from roomcast.server.admin import MAX_REASON_CHARS, MemberInfo, kick_reason
from roomcast.server.protocol import MAX_PASSWORD_CHARS

from .feedback import ErrorLabel

__all__ = [
    "BAN_ADDRESS",
    "BAN_NAME",
    "REFRESH_MS",
    "BanDialog",
    "KickDialog",
    "MembersPanel",
    "PasswordDialog",
]

#: How often the panel asks for fresh member data while it is visible.
REFRESH_MS: Final = 1000
#: A dialog's minimum width, in average characters of its font.
DIALOG_WIDTH_CHARS: Final = 60
#: The banned list's height at most, in lines: the member table gets the rest.
BANS_LINES: Final = 4
#: The ``kind`` of banRequested and unbanRequested.
BAN_NAME: Final = "name"
BAN_ADDRESS: Final = "address"

_ModelIndex = QModelIndex | QPersistentModelIndex
_Dialog = TypeVar("_Dialog", bound=QDialog)


def _escape(text: str) -> str:
    """``text`` in a button's label: a name's ``&`` is not a mnemonic."""
    return text.replace("&", "&&")


def _plain_label(text: str, parent: QWidget) -> QLabel:
    """A word-wrapped label that shows names as typed (``<b>`` is not bold)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _widen(dialog: QDialog, chars: int = DIALOG_WIDTH_CHARS) -> None:
    """Wide enough that the explanations wrap into a few lines, not a column."""
    dialog.setMinimumWidth(dialog.fontMetrics().averageCharWidth() * chars)


def _ticked_bans(
    member: MemberInfo, name_box: QCheckBox, address_box: QCheckBox
) -> list[tuple[str, str]]:
    """The bans ticked in a dialog: (kind, value) pairs, name first (an
    address box disabled because the host connects from it does not count)."""
    found: list[tuple[str, str]] = []
    if name_box.isChecked():
        found.append((BAN_NAME, member.name))
    if address_box.isEnabled() and address_box.isChecked():
        found.append((BAN_ADDRESS, member.address))
    return found


def _cancel_button(buttons: QDialogButtonBox, description: str) -> None:
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    cancel.setAccessibleName(QCoreApplication.translate("MembersPanel", "Cancel"))
    cancel.setAccessibleDescription(description)
    cancel.setAutoDefault(False)


# -- dialogs ------------------------------------------------------------------------


class KickDialog(QDialog):
    """Remove one member, with a reason they read, and perhaps keep them out.

    The member's connection is closed with 1008 and ``removed by the host:
    <reason>`` (server.admin.kick_reason); the preview shows exactly that.
    """

    def __init__(
        self,
        member: MemberInfo,
        parent: QWidget | None = None,
        *,
        can_ban_address: bool = True,
        max_reason_chars: int = MAX_REASON_CHARS,
    ) -> None:
        super().__init__(parent)
        self.member = member
        self.setWindowTitle(self.tr("Remove {name}").format(name=member.name))
        _widen(self)
        self.who = _plain_label(
            self.tr("Remove {name} ({address}) from the room “{room}”?").format(
                name=member.name, address=member.address, room=member.room
            ),
            self,
        )
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setMaxLength(max_reason_chars)
        self.reason_edit.setPlaceholderText(self.tr("optional"))
        self.reason_edit.setAccessibleName(self.tr("Reason"))
        self.reason_edit.setAccessibleDescription(
            self.tr("Why the member is removed; they read it when their connection closes")
        )
        self.reason_label = QLabel(self.tr("&Reason:"), self)
        self.reason_label.setBuddy(self.reason_edit)
        self.preview = _plain_label("", self)
        self.preview.setObjectName("kickPreview")

        self.ban_name_box = QCheckBox(self.tr("Also ban this &name"), self)
        self.ban_name_box.setAccessibleName(self.tr("Also ban this name"))
        self.ban_name_box.setAccessibleDescription(
            self.tr("Nobody can join as {name} again until you stop hosting").format(
                name=member.name
            )
        )
        self.ban_address_box = QCheckBox(self.tr("Also ban this a&ddress for this session"), self)
        self.ban_address_box.setAccessibleName(self.tr("Also ban this address for this session"))
        if can_ban_address:
            self.ban_address_box.setAccessibleDescription(
                self.tr(
                    "Nobody from {address} can join until you stop hosting; people who share "
                    "that address (one home or office network) are kept out too"
                ).format(address=member.address)
            )
        else:
            self.ban_address_box.setEnabled(False)
            self.ban_address_box.setAccessibleDescription(
                self.tr("You connect from {address} too: banning it would shut you out").format(
                    address=member.address
                )
            )
        self.ban_address_box.setToolTip(self.ban_address_box.accessibleDescription())
        self.ban_name_box.setToolTip(self.ban_name_box.accessibleDescription())

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Kick"))
        self.ok_button.setAccessibleName(self.tr("Kick"))
        self.ok_button.setAccessibleDescription(
            self.tr("Close the member's connection with this reason")
        )
        self.ok_button.setDefault(True)
        _cancel_button(self.buttons, self.tr("Close without removing anyone"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.reason_label, self.reason_edit)
        form.addRow("", self.preview)
        layout = QVBoxLayout(self)
        layout.addWidget(self.who)
        layout.addLayout(form)
        layout.addWidget(self.ban_name_box)
        layout.addWidget(self.ban_address_box)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._update_preview)
        self._update_preview()

    def reason(self) -> str:
        return " ".join(self.reason_edit.text().split())

    def seen_reason(self) -> str:
        """The close reason the member will read."""
        return kick_reason(self.reason())

    def bans(self) -> list[tuple[str, str]]:
        """The bans ticked: (kind, value) pairs, name first."""
        return _ticked_bans(self.member, self.ban_name_box, self.ban_address_box)

    def _update_preview(self) -> None:
        self.preview.setText(
            self.tr("The member sees: {reason}").format(reason=f"“{self.seen_reason()}”")
        )


class BanDialog(QDialog):
    """Keep a member out for the rest of the session: by name, by address, or both.

    The server removes the members who match at once (``banned by the host``)
    and refuses them until it stops.
    """

    def __init__(
        self,
        member: MemberInfo,
        parent: QWidget | None = None,
        *,
        can_ban_address: bool = True,
    ) -> None:
        super().__init__(parent)
        self.member = member
        self.setWindowTitle(self.tr("Ban {name}").format(name=member.name))
        _widen(self)
        self.explanation = _plain_label(
            self.tr(
                "Whoever matches is removed at once and cannot join again until you stop "
                "hosting. You can unban them below the member list."
            ),
            self,
        )
        self.name_box = QCheckBox(
            self.tr("Ban the &name “{name}”").format(name=_escape(member.name)), self
        )
        self.name_box.setChecked(True)
        self.name_box.setAccessibleName(self.tr("Ban the name"))
        self.name_box.setAccessibleDescription(
            self.tr("Nobody can join as {name} until you stop hosting").format(name=member.name)
        )
        self.address_box = QCheckBox(
            self.tr("Ban the &address {address}").format(address=_escape(member.address)), self
        )
        self.address_box.setAccessibleName(self.tr("Ban the address"))
        if can_ban_address:
            self.address_box.setAccessibleDescription(
                self.tr(
                    "Nobody from {address} can join until you stop hosting, whatever their "
                    "name; people who share that address are kept out too"
                ).format(address=member.address)
            )
        else:
            self.address_box.setEnabled(False)
            self.address_box.setAccessibleDescription(
                self.tr("You connect from {address} too: banning it would shut you out").format(
                    address=member.address
                )
            )
        self.address_box.setToolTip(self.address_box.accessibleDescription())
        self.name_box.setToolTip(self.name_box.accessibleDescription())

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Ban"))
        self.ok_button.setAccessibleName(self.tr("Ban"))
        self.ok_button.setAccessibleDescription(self.tr("Ban what is ticked for this session"))
        self.ok_button.setDefault(True)
        _cancel_button(self.buttons, self.tr("Close without banning"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.name_box)
        layout.addWidget(self.address_box)
        layout.addWidget(self.buttons)
        self.name_box.toggled.connect(self._update_ok)
        self.address_box.toggled.connect(self._update_ok)
        self._update_ok()

    def bans(self) -> list[tuple[str, str]]:
        """The bans ticked: (kind, value) pairs, name first."""
        return _ticked_bans(self.member, self.name_box, self.address_box)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.bans()))


class PasswordDialog(QDialog):
    """Set, change or clear the room's password while hosting.

    The new password is typed twice (hidden unless "Show the password" is
    ticked); OK stays disabled until both agree. "Clear password" (shown when
    the room has one) opens the room. :meth:`password` is the result: the new
    password, or None to clear it.
    """

    def __init__(
        self,
        has_password: bool,
        parent: QWidget | None = None,
        *,
        max_chars: int = MAX_PASSWORD_CHARS,
    ) -> None:
        super().__init__(parent)
        self.has_password = has_password
        self._cleared = False
        self.setWindowTitle(self.tr("Room password"))
        _widen(self)
        self.state = _plain_label(
            self.tr("The room has a password.")
            if has_password
            else self.tr("The room has no password: anyone who can reach it can join."),
            self,
        )
        self.explanation = _plain_label(
            self.tr(
                "Members already in the room stay. Everyone who joins from now on needs the "
                "password, reconnecting members included. Invites never carry it: tell it to "
                "people yourself."
            ),
            self,
        )
        self.password_edit = QLineEdit(self)
        self.confirm_edit = QLineEdit(self)
        for edit in (self.password_edit, self.confirm_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(max_chars)
        self.password_edit.setAccessibleName(self.tr("New password"))
        self.password_edit.setAccessibleDescription(
            self.tr("The password people must give to join from now on")
        )
        self.confirm_edit.setAccessibleName(self.tr("Confirm the password"))
        self.confirm_edit.setAccessibleDescription(
            self.tr("The same password again, to catch a typing mistake")
        )
        self.password_label = QLabel(self.tr("&New password:"), self)
        self.password_label.setBuddy(self.password_edit)
        self.confirm_label = QLabel(self.tr("Con&firm:"), self)
        self.confirm_label.setBuddy(self.confirm_edit)
        self.show_box = QCheckBox(self.tr("&Show the password"), self)
        self.show_box.setAccessibleName(self.tr("Show the password"))
        self.show_box.setAccessibleDescription(
            self.tr("Show what is typed in both password fields")
        )
        self.show_box.toggled.connect(self._show_password)
        self.mismatch = ErrorLabel(self.tr("The two passwords differ."), self)
        self.mismatch.setObjectName("passwordMismatch")
        self.mismatch.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if has_password:
            self.ok_button.setText(self.tr("Change &password"))
            self.ok_button.setAccessibleName(self.tr("Change password"))
        else:
            self.ok_button.setText(self.tr("Set &password"))
            self.ok_button.setAccessibleName(self.tr("Set password"))
        self.ok_button.setAccessibleDescription(
            self.tr("Require this password from everyone who joins from now on")
        )
        self.ok_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("C&lear password"), self)
        self.clear_button.setAccessibleName(self.tr("Clear password"))
        self.clear_button.setAccessibleDescription(
            self.tr("Open the room: anyone who can reach it can join without a password")
        )
        self.clear_button.setAutoDefault(False)
        self.buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.clear_button.setVisible(has_password)  # after addButton, which shows it
        self.clear_button.clicked.connect(self.clear)
        _cancel_button(self.buttons, self.tr("Close and keep the password as it is"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.password_label, self.password_edit)
        form.addRow(self.confirm_label, self.confirm_edit)
        form.addRow("", self.mismatch)
        form.addRow("", self.show_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.password_edit.textChanged.connect(self._validate)
        self.confirm_edit.textChanged.connect(self._validate)
        self._validate()

    def password(self) -> str | None:
        """The new password; None when the host chose to clear it."""
        return None if self._cleared else self.password_edit.text()

    def clear(self) -> None:
        """Close the dialog asking for no password."""
        if self.has_password:
            self._cleared = True
            super().accept()

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            self._cleared = False
            super().accept()

    def _show_password(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.password_edit.setEchoMode(mode)
        self.confirm_edit.setEchoMode(mode)

    def _validate(self) -> None:
        first, second = self.password_edit.text(), self.confirm_edit.text()
        # Only once the confirmation has been typed: not while the first is.
        self.mismatch.setVisible(bool(second) and first != second)
        self.ok_button.setEnabled(bool(first) and first == second)


# -- the panel ---------------------------------------------------------------------


class MembersPanel(QWidget):
    """The host's member table, its bans and the room password; signals only.

    Feed it with :meth:`set_members`, :meth:`set_bans`,
    :meth:`set_password_state` and :meth:`set_self_name`; carry out
    ``kickRequested(room, name, reason)``, ``banRequested(kind, value)``,
    ``unbanRequested(kind, value)`` (kind ``"name"`` or ``"address"``) and
    ``passwordRequested(password or None)``; answer ``refreshRequested()``,
    emitted when the panel is shown and then every ``refresh_ms`` while it is
    visible, with fresh data.
    """

    kickRequested = Signal(str, str, str)
    banRequested = Signal(str, str)
    unbanRequested = Signal(str, str)
    passwordRequested = Signal(object)
    refreshRequested = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        refresh_ms: int = REFRESH_MS,
        no_answer_after: float = NO_ANSWER_AFTER,
        unsent_warning: int = UNSENT_WARNING_BYTES,
    ) -> None:
        super().__init__(parent)
        self._has_password = False
        self._bans: list[tuple[str, str]] = []
        #: The dialogs open now (None once closed: they delete themselves).
        self.kick_dialog: KickDialog | None = None
        self.ban_dialog: BanDialog | None = None
        self.password_dialog: PasswordDialog | None = None

        self.model = MemberModel(
            self, no_answer_after=no_answer_after, unsent_warning=unsent_warning
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(MemberRoles.SortRole)

        self.title = QLabel(self)
        self.title.setObjectName("membersTitle")
        self.password_state = _plain_label("", self)
        self.password_state.setObjectName("passwordState")

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnHidden(Column.ROOM, True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._show_context_menu)
        self.view.setAccessibleName(self.tr("People in this room"))
        self.view.setAccessibleDescription(
            self.tr(
                "Each member's address, when they joined, round trip, unsent bytes and "
                "messages; select one to kick or ban them, or press Delete to kick"
            )
        )

        # The panel sits in the main window, whose controls take most letters
        # (in German too): Kick, Ban and Unban have no Alt+letter of their own.
        # The table's context menu (its own scope) has them, and Delete on a
        # selected member opens the kick dialog.
        self.view.installEventFilter(self)

        self.kick_button = QPushButton(self.tr("Kick…"), self)
        self.kick_button.setAccessibleName(self.tr("Kick"))
        self.kick_button.setAccessibleDescription(
            self.tr("Remove the selected member, with a reason they read (Delete in the table)")
        )
        self.kick_button.clicked.connect(lambda: self.open_kick_dialog())
        self.ban_button = QPushButton(self.tr("Ban…"), self)
        self.ban_button.setAccessibleName(self.tr("Ban"))
        self.ban_button.setAccessibleDescription(
            self.tr("Keep the selected member's name or address out until you stop hosting")
        )
        self.ban_button.clicked.connect(lambda: self.open_ban_dialog())
        self.password_button = QPushButton(self.tr("Room &password…"), self)
        self.password_button.setAccessibleName(self.tr("Room password"))
        self.password_button.setAccessibleDescription(
            self.tr("Set, change or clear the password people need to join")
        )
        self.password_button.clicked.connect(self.open_password_dialog)

        self.bans_title = QLabel(self)
        self.bans_title.setObjectName("bansTitle")
        self.bans_list = QListWidget(self)
        self.bans_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.bans_list.setMaximumHeight(
            self.bans_list.fontMetrics().lineSpacing() * BANS_LINES
            + 2 * self.bans_list.frameWidth()
        )
        self.bans_list.setAccessibleName(self.tr("Banned"))
        self.bans_list.setAccessibleDescription(
            self.tr("Names and addresses kept out until you stop hosting")
        )
        self.unban_button = QPushButton(self.tr("Unban"), self)
        self.unban_button.setAccessibleName(self.tr("Unban"))
        self.unban_button.setAccessibleDescription(
            self.tr("Let the selected name or address join again")
        )
        self.unban_button.clicked.connect(self.unban_selected)
        self.bans_list.itemSelectionChanged.connect(self._update_buttons)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.password_state)
        buttons = QHBoxLayout()
        buttons.addWidget(self.kick_button)
        buttons.addWidget(self.ban_button)
        buttons.addStretch(1)
        buttons.addWidget(self.password_button)
        bans_row = QHBoxLayout()
        bans_row.addWidget(self.bans_list, 1)
        bans_row.addWidget(self.unban_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.bans_title)
        layout.addLayout(bans_row)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(refresh_ms)
        self.refresh_timer.timeout.connect(self.refreshRequested)

        # The model changes only in set_members and set_self_name, which update
        # the buttons once when done (not once per row a refresh changes).
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_title()
        self.set_password_state(False)
        self.set_bans([], [])

    # -- feeding ------------------------------------------------------------------

    def set_members(self, members: Iterable[MemberInfo], now: float | None = None) -> None:
        """Show ``members`` (read at ``now``, Unix time; default: now).

        The selection stays on its member. When that member leaves, nothing is
        selected: Qt would move the selection to a neighbour, and "Kick…"
        would then remove someone the host never chose.
        """
        chosen = self.selected_member()
        self.model.set_members(members, now)
        if chosen is not None and self.model.row_of(chosen.room, chosen.name) < 0:
            self.view.selectionModel().clear()
        self.view.setColumnHidden(Column.ROOM, len(self.model.rooms()) <= 1)
        self._update_title()
        self._update_buttons()

    def set_bans(self, names: Iterable[str], addresses: Iterable[str]) -> None:
        """The names and addresses banned now (``RoomServer.bans``)."""
        bans = [(BAN_NAME, n) for n in names] + [(BAN_ADDRESS, a) for a in addresses]
        selected = self.selected_ban()
        self._bans = bans
        self.bans_list.clear()
        for kind, value in bans:
            text = (
                self.tr("Name: {name}").format(name=value)
                if kind == BAN_NAME
                else self.tr("Address: {address}").format(address=value)
            )
            item = QListWidgetItem(text, self.bans_list)
            item.setData(Qt.ItemDataRole.UserRole, (kind, value))
            if (kind, value) == selected:
                item.setSelected(True)
                self.bans_list.setCurrentItem(item)
        if bans:
            self.bans_title.setText(self.tr("Banned until you stop hosting:"))
        else:
            self.bans_title.setText(self.tr("Nobody is banned."))
        self.bans_list.setVisible(bool(bans))
        self.unban_button.setVisible(bool(bans))
        self._update_buttons()

    def set_password_state(self, has_password: bool) -> None:
        self._has_password = has_password
        self.password_state.setText(
            self.tr("Password: on") if has_password else self.tr("Password: off")
        )
        self.password_state.setToolTip(
            self.tr("People who join need the room's password")
            if has_password
            else self.tr("Anyone who can reach the room can join")
        )

    def set_self_name(self, name: str | None) -> None:
        """The host's own name: its row says "(you)" and cannot be kicked or banned."""
        self.model.set_self_name(name)
        self._update_buttons()

    # -- reading ------------------------------------------------------------------

    @property
    def has_password(self) -> bool:
        return self._has_password

    def bans(self) -> list[tuple[str, str]]:
        """What the banned list shows: (kind, value) pairs."""
        return list(self._bans)

    def selected_ban(self) -> tuple[str, str] | None:
        items = self.bans_list.selectedItems()
        if not items:
            return None
        kind, value = items[0].data(Qt.ItemDataRole.UserRole)
        return (str(kind), str(value))

    def member_at(self, index: _ModelIndex) -> MemberInfo | None:
        """The member of a row of the view (a proxy index)."""
        if not index.isValid():
            return None
        found = index.data(MemberRoles.MemberRole)
        return found if isinstance(found, MemberInfo) else None

    def selected_member(self) -> MemberInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.member_at(rows[0]) if rows else None

    def select_member(self, room: str, name: str) -> bool:
        """Select ``name`` of ``room`` in the view; False when it is not shown."""
        row = self.model.row_of(room, name)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, Column.NAME))
        self.view.setCurrentIndex(index)
        self.view.selectRow(index.row())
        return True

    def can_remove(self, member: MemberInfo | None) -> bool:
        """Kick and ban apply to anyone but the host."""
        return member is not None and not self.model.is_self_name(member.name)

    def can_ban_address(self, member: MemberInfo | None) -> bool:
        """Not the host, nor an address the host connects from."""
        if member is None or not self.can_remove(member):
            return False
        own = {m.address for m in self.model.members() if self.model.is_self_name(m.name)}
        return member.address not in own

    # -- actions ------------------------------------------------------------------

    def open_kick_dialog(self, member: MemberInfo | None = None) -> KickDialog | None:
        """Ask how to remove ``member`` (default: the selected one); None when
        there is nobody the host may remove."""
        member = member or self.selected_member()
        if member is None or not self.can_remove(member):
            return None
        dialog = KickDialog(member, self, can_ban_address=self.can_ban_address(member))
        dialog.accepted.connect(lambda: self._kick(dialog))
        self.kick_dialog = dialog
        return self._open(dialog)

    def open_ban_dialog(self, member: MemberInfo | None = None) -> BanDialog | None:
        member = member or self.selected_member()
        if member is None or not self.can_remove(member):
            return None
        dialog = BanDialog(member, self, can_ban_address=self.can_ban_address(member))
        dialog.accepted.connect(lambda: self._ban(dialog.bans()))
        self.ban_dialog = dialog
        return self._open(dialog)

    def open_password_dialog(self) -> PasswordDialog:
        dialog = PasswordDialog(self._has_password, self)
        dialog.accepted.connect(lambda: self.passwordRequested.emit(dialog.password()))
        self.password_dialog = dialog
        return self._open(dialog)

    def ban_name(self, member: MemberInfo) -> None:
        if self.can_remove(member):
            self.banRequested.emit(BAN_NAME, member.name)

    def ban_address(self, member: MemberInfo) -> None:
        if self.can_ban_address(member):
            self.banRequested.emit(BAN_ADDRESS, member.address)

    def copy_address(self, member: MemberInfo) -> None:
        QGuiApplication.clipboard().setText(member.address)

    def unban_selected(self) -> None:
        selected = self.selected_ban()
        if selected is not None:
            self.unbanRequested.emit(*selected)

    def context_menu(self, index: _ModelIndex) -> QMenu:
        """The menu for the view's row at ``index`` (built, not shown: tests use it)."""
        menu = QMenu(self)
        member = self.member_at(index)
        if member is None:
            return menu
        kick = menu.addAction(self.tr("&Kick…"))
        kick.triggered.connect(lambda: self.open_kick_dialog(member))
        ban_name = menu.addAction(self.tr("Ban &name"))
        ban_name.triggered.connect(lambda: self.ban_name(member))
        ban_address = menu.addAction(self.tr("Ban &address"))
        ban_address.triggered.connect(lambda: self.ban_address(member))
        menu.addSeparator()
        copy = menu.addAction(self.tr("&Copy address"))
        copy.triggered.connect(lambda: self.copy_address(member))
        removable = self.can_remove(member)
        kick.setEnabled(removable)
        ban_name.setEnabled(removable)
        ban_address.setEnabled(self.can_ban_address(member))
        return menu

    # -- events -------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.refresh_timer.isActive():
            self.refresh_timer.start()
            self.refreshRequested.emit()  # fresh data now, not in a second

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.refresh_timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Delete on a selected member in the table: the kick dialog."""
        if (
            watched is self.view
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.can_remove(self.selected_member())
        ):
            self.open_kick_dialog()
            return True
        return super().eventFilter(watched, event)

    # -- private ------------------------------------------------------------------

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.selectRow(index.row())
        menu = self.context_menu(index)
        # popup(), not exec(): no nested event loop under qasync.
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _kick(self, dialog: KickDialog) -> None:
        """The kick first, so the member reads the host's reason; then the bans
        (a ban alone would close them with ``banned by the host``)."""
        member = dialog.member
        self.kickRequested.emit(member.room, member.name, dialog.reason())
        self._ban(dialog.bans())

    def _open(self, dialog: _Dialog) -> _Dialog:
        """Open ``dialog`` window-modal; it deletes itself when closed, and
        :meth:`_forget` drops the panel's reference then."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()
        return dialog

    def _forget(self, dialog: QDialog) -> None:
        """A closed dialog is deleted (WA_DeleteOnClose): drop our reference."""
        if self.kick_dialog is dialog:
            self.kick_dialog = None
        if self.ban_dialog is dialog:
            self.ban_dialog = None
        if self.password_dialog is dialog:
            self.password_dialog = None

    def _ban(self, bans: list[tuple[str, str]]) -> None:
        for kind, value in bans:
            self.banRequested.emit(kind, value)

    def _update_title(self) -> None:
        count = self.model.rowCount()
        rooms = len(self.model.rooms())
        if rooms > 1:
            text = self.tr("People in {rooms} rooms ({count})").format(rooms=rooms, count=count)
        else:
            text = self.tr("People in this room ({count})").format(count=count)
        self.title.setText(text)

    def _update_buttons(self, *_: object) -> None:
        member = self.selected_member()
        removable = self.can_remove(member)
        self.kick_button.setEnabled(removable)
        self.ban_button.setEnabled(removable)
        if member is not None and not removable:
            why = self.tr("You cannot remove yourself from the room you host")
            self.kick_button.setToolTip(why)
            self.ban_button.setToolTip(why)
        else:
            self.kick_button.setToolTip(self.kick_button.accessibleDescription())
            self.ban_button.setToolTip(self.ban_button.accessibleDescription())
        self.unban_button.setEnabled(self.selected_ban() is not None)
