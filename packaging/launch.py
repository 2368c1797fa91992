"""The frozen app's entry point: the same command line as ``explorer``."""

import sys

from explorer.app import main

if __name__ == "__main__":
    sys.exit(main())
