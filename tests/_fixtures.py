"""Recorded wire samples under ``tests/fixtures/`` (python-elgato's ``load_fixture``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures")


def load_fixture(name: str) -> Any:
    """The JSON fixture ``tests/fixtures/<name>`` (e.g. ``"requests/sep.insert.json"``)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
