"""Makes ``examples/fastapi_app.py`` importable as ``fastapi_app`` for the two recipes here.

In your project you import your own app instead, and need none of this.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pytest_configure(config: pytest.Config) -> None:
    # Newer Starlette asks for httpx2 under its TestClient and warns when it finds httpx;
    # the warning is about Starlette's own dependency, not about this code.
    config.addinivalue_line(
        "filterwarnings", "ignore:Using `httpx` with `starlette.testclient`:Warning"
    )
