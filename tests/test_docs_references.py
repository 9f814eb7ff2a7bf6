"""Every test a page names as proof exists: docs that cite a moved or renamed test are stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", ROOT / "ARCHITECTURE.md", *(ROOT / "docs").rglob("*.md")])
REFERENCE = re.compile(r"`(tests/[\w/*]+\.py)(?:::(\w+))?")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_cited_tests_exist(page: Path) -> None:
    missing = []
    for match in REFERENCE.finditer(page.read_text(encoding="utf-8")):
        path, name = match.group(1), match.group(2)
        files = sorted(ROOT.glob(path))
        if not files:
            missing.append(path)
        elif name and not any(
            re.search(rf"def {name}\b", f.read_text(encoding="utf-8")) for f in files
        ):
            missing.append(f"{path}::{name}")
    assert not missing, f"{page.name} cites tests that do not exist: {missing}"
