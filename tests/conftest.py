"""Shared test set-up. Qt runs offscreen; tests needing a service use helpers.need()."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
