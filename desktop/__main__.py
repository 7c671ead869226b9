"""``python -m desktop``: the same as the ``roomcast`` command."""

import sys

from desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
