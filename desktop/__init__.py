"""Roomcast's desktop app (PySide6 + qasync).

Importing this package does not import Qt: ``roomcast --help`` and
``roomcast --version`` work without a display.
"""
