"""Preferences: notifications, do-not-disturb, theme. Applied as they change."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from ..theme import Theme


class PreferencesDialog(QDialog):
    """Emits what changed; the window stores it (QSettings) and applies it."""

    notificationsChanged = Signal(bool)
    doNotDisturbChanged = Signal(bool)
    themeChanged = Signal(object)  # Theme

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        notifications: bool = True,
        do_not_disturb: bool = False,
        theme: Theme = Theme.SYSTEM,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.setAccessibleName(self.tr("Preferences"))
        self.notify_check = QCheckBox(self.tr("Show a &notification for new messages"), self)
        self.notify_check.setChecked(notifications)
        self.notify_check.setAccessibleName(self.tr("Notifications"))
        self.notify_check.setAccessibleDescription(
            self.tr("While the window is in the background, new messages raise a notification")
        )
        self.dnd_check = QCheckBox(self.tr("&Do not disturb"), self)
        self.dnd_check.setChecked(do_not_disturb)
        self.dnd_check.setAccessibleName(self.tr("Do not disturb"))
        self.dnd_check.setAccessibleDescription(
            self.tr("No notifications at all; unread messages are still counted in the title")
        )
        self.theme_box = QComboBox(self)
        for label, value in (
            (self.tr("Follow the system"), Theme.SYSTEM),
            (self.tr("Light"), Theme.LIGHT),
            (self.tr("Dark"), Theme.DARK),
        ):
            self.theme_box.addItem(label, value)
        self.theme_box.setCurrentIndex(self.theme_box.findData(theme))
        self.theme_box.setAccessibleName(self.tr("Theme"))
        self.theme_box.setAccessibleDescription(self.tr("Light, dark, or as the system is set"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        close.setAccessibleDescription(
            self.tr("Close the preferences; changes are already applied")
        )
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.notify_check)
        form.addRow(self.dnd_check)
        form.addRow(self.tr("&Theme:"), self.theme_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.notify_check.toggled.connect(self.notificationsChanged)
        self.dnd_check.toggled.connect(self.doNotDisturbChanged)
        self.theme_box.currentIndexChanged.connect(
            lambda i: self.themeChanged.emit(self.theme_box.itemData(i))
        )
