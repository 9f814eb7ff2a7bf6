"""tools/check_snippets.py finds every python block, honours only a reasoned opt-out, and fails."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.check_snippets import ROOT, markdown_files, needs_async_wrapper, python_blocks

PAGE = """\
# A page

```python
x: int = 1
```

```bash
echo not python
```

<!-- not-checked: pseudo-code -->
```python
client.sep.insert(...)
```

<!-- not-checked -->
```python
y: int = 2
```

<!-- given: card: str; today: datetime.date -->
```python
print(card, today)
```

1. In a list:

   ```py
   async with client:
       pass
   ```
"""


def test_blocks_are_found_with_their_markdown_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    blocks, skipped = python_blocks(page)
    assert [(b.line, b.code, b.given) for b in blocks] == [
        (4, "x: int = 1\n", ()),
        (18, "y: int = 2\n", ()),  # a marker without a reason does not opt out
        (23, "print(card, today)\n", ("card: str", "today: datetime.date")),
        (29, "async with client:\n    pass\n", ()),  # the list's indent removed
    ]
    assert skipped == 1


@pytest.mark.parametrize(
    ("code", "wrapped"),
    [
        ("x = 1\n", False),
        ("peserta = await client.peserta.by_card('0001234567890')\n", True),
        ("async with client:\n    pass\n", True),
        ("async def main() -> None:\n    await main()\n", False),
        ("this is not python\n", False),  # mypy reports the syntax error itself
    ],
)
def test_top_level_await_is_checked_inside_a_coroutine(code: str, wrapped: bool) -> None:
    assert needs_async_wrapper(code) is wrapped


def test_the_readme_and_every_docs_page_are_checked() -> None:
    files = markdown_files([])
    assert ROOT / "README.md" in files
    assert {ROOT / "docs" / "quickstart.md", ROOT / "docs" / "errors.md"} <= set(files)


@pytest.mark.slow  # seconds of CPU: .ci/run runs it with -m slow
def test_a_wrong_block_fails_at_its_markdown_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Wrong\n\n<!-- given: card: str -->\n```python\nfrom vclaim_async import Peserta\n\n"
        "ok: Peserta | None = None\n"
        "peserta = await client.peserta.by_card(card)\n"
        "wrong: int = peserta.no_kartu\n```\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_snippets.py"), str(page)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1, done.stdout
    assert errors[0].startswith(f"{page}:9: error: Incompatible types in assignment")


# Pages the other lanes write; once merged they must exist like the rest (then empty this).
def test_readme_links_point_at_files() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = {
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", text)
        if "://" not in target and not target.startswith("#")
    }
    assert {"docs/index.md", "docs/quickstart.md", "docs/errors.md"} <= targets
    missing = {t for t in targets if not (ROOT / t).exists()}
    assert not missing, f"README.md links to files that do not exist: {sorted(missing)}"
