"""``python -m vclaim_async`` runs the ``vclaim-async`` command."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
