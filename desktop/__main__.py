"""``python -m roomcast.desktop``: the same as the ``roomcast`` command."""

import sys

from roomcast.desktop.launch import main

if __name__ == "__main__":
    sys.exit(main())
