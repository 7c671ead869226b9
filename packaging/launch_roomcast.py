"""PyInstaller entry point of the ``roomcast`` executable: the desktop app.

The same as the ``roomcast`` gui-script that pip writes (``desktop.app:main``).
"""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
