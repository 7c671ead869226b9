"""PyInstaller entry point of the bundle's programs.

``roomcast`` is the desktop app (as the ``roomcast.desktop.launch:main``
gui-script pip writes); ``roomcast-server`` the headless room server (as
``roomcast.server.__main__:main``). On Linux the bundle carries one executable
and ``roomcast-server`` is a link to it, a multi-call program like busybox:
the name it is started by chooses. Both programs share every library and
module, and a second executable would carry a second archive of the same
modules (about 4 MB). Elsewhere each program has its own executable
(packaging/launch_server.py): Windows needs a console program for the server
and a windowed one for the app.
"""

import os
import sys

SERVER_NAMES = ("roomcast-server",)

if __name__ == "__main__":
    name = os.path.basename(sys.argv[0]).lower().removesuffix(".exe")
    if name in SERVER_NAMES:
        from roomcast.server.__main__ import main
    else:
        from roomcast.desktop.app import main
    sys.exit(main())
