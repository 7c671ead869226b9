"""Roomcast's room server: the wire protocol, rooms, history and the WebSocket app.

Nothing in this package imports Qt: the same code runs headless
(``roomcast-server``) and embedded in the desktop app's qasync loop.
"""

__version__ = "0.1.0"
