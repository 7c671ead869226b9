"""PyInstaller entry point of the ``roomcast-server`` executable: the headless room server.

The same as the ``roomcast-server`` console script that pip writes
(``roomcast.server.__main__:main``).
"""

import sys

from roomcast.server.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
