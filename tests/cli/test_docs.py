"""The command's documentation renders as written: no escaped pipe shows up literally."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_tables_render_without_a_literal_escaped_pipe(page: Path) -> None:
    # The extensions mkdocs.yml uses for tables and code: Python-Markdown keeps "\|" inside a
    # code span literally, so a table cell must not rely on it.
    rendered = markdown.markdown(
        page.read_text(encoding="utf-8"), extensions=["tables", "pymdownx.superfences"]
    )
    shown = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "\\|" not in shown, page.name


def test_the_cli_commands_table_has_one_row_per_command() -> None:
    rendered = markdown.markdown((ROOT / "docs" / "cli.md").read_text(encoding="utf-8"),
                                 extensions=["tables"])  # fmt: skip
    table = rendered.split("<table>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    assert all(len(re.findall(r"<t[dh]", row)) == 2 for row in rows)
    assert "referensi faskes KEYWORD --jenis 1" in html.unescape(table)
