"""Type-check every ```python block in the README and the docs, and the examples, strictly.

    python tools/check_snippets.py                 # README.md, docs/**/*.md and examples/
    python tools/check_snippets.py docs/quickstart.md

Each block becomes a module of its own and the lot goes through one ``mypy --strict`` run;
errors are reported at the Markdown line they come from. A block is checked as a reader would
paste it, with two exceptions, both for fragments that live inside the reader's own code:

- ``config`` (a ``VClaimConfig``) and ``client`` (a ``VClaimClient``) may be used without being
  defined, as the guides say "with a client";
- ``await``, ``async with`` and ``async for`` may stand at the top level: such a block is
  checked as the body of an ``async def``;
- other names the surrounding text provides are declared, typed, on the line before the fence:
  ``<!-- given: card: str; no_sep: str; today: datetime.date -->`` (``datetime`` and
  ``vclaim_async`` are imported for these annotations).

A block that is deliberately not Python a user could run (pseudo-code, an excerpt with ``...``
for arguments) opts out with ``<!-- not-checked: why -->`` on the line before its fence. Use it
sparingly: a skipped block is a block that can rot, so the reason is required and printed.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_MARKER = re.compile(r"^<!-- not-checked: (?P<why>\S.*?) -->$")
GIVEN_MARKER = re.compile(r"^<!-- given: (?P<names>\S.*?) -->$")
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)\s*(?P<lang>[\w+-]*)")
PRELUDE = [
    "import datetime",
    "import vclaim_async",
    "import vclaim_async as _vclaim_async_snippet",
    "config: _vclaim_async_snippet.VClaimConfig",
    "client: _vclaim_async_snippet.VClaimClient",
]


@dataclass(frozen=True)
class Block:
    """One ```python block: where it is, and its code with the fence's indent removed."""

    path: Path
    line: int  # 1-based line of the first code line in the Markdown file
    code: str
    given: tuple[str, ...] = ()  # declarations from a <!-- given: ... --> marker


def python_blocks(path: Path) -> tuple[list[Block], int]:
    """The ```python blocks of a Markdown file to check, and how many opted out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    skipped = 0
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        end = i + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if match["lang"] in ("python", "py"):
            previous = next((text.strip() for text in reversed(lines[:i]) if text.strip()), "")
            if marker := SKIP_MARKER.match(previous):
                print(f"{shown(path)}:{i + 1}: not checked: {marker['why']}")
                skipped += 1
            else:
                body = [
                    text[indent:] if not text[:indent].strip() else text
                    for text in lines[i + 1 : end]
                ]
                given = GIVEN_MARKER.match(previous)
                names = given["names"].split(";") if given else []
                declared = tuple(name.strip() for name in names if name.strip())
                blocks.append(Block(path, i + 2, "\n".join(body) + "\n", declared))
        i = end + 1
    return blocks, skipped


def needs_async_wrapper(code: str) -> bool:
    """True when the block uses await/async with/async for outside any function."""
    try:
        compile(code, "<snippet>", "exec", dont_inherit=True)
    except SyntaxError:
        try:
            compile(code, "<snippet>", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
        except SyntaxError:
            return False  # a real syntax error: mypy reports it where it is
        return True
    return False


def defined_names(code: str) -> set[str]:
    """Names a block binds at its top level (a block that defines ``client`` keeps its own)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def module_source(block: Block) -> tuple[str, int]:
    """The module checked for a block, and how many lines stand before the block's code."""
    own = defined_names(block.code)
    prelude = [line for line in PRELUDE if line.split(":")[0] not in own]
    head = [*prelude, *block.given]
    if needs_async_wrapper(block.code):
        head.append("async def _snippet() -> None:")
        return "\n".join(head) + "\n" + textwrap.indent(block.code, "    "), len(head)
    return "\n".join(head) + "\n" + block.code, len(head)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def markdown_files(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def check(paths: list[Path], *, examples: bool) -> int:
    blocks: list[Block] = []
    skipped = 0
    for path in paths:
        found, opted_out = python_blocks(path)
        blocks += found
        skipped += opted_out
    with tempfile.TemporaryDirectory(prefix="vclaim-snippets-") as tmp:
        origin: dict[str, tuple[Block, int]] = {}
        for number, block in enumerate(blocks):
            name = f"snippet_{number:04d}.py"
            source, added = module_source(block)
            Path(tmp, name).write_text(source, encoding="utf-8")
            origin[name] = (block, added)
        targets = [str(Path(tmp, name)) for name in origin]
        if examples:
            targets += [str(ROOT / "examples"), "--exclude", "examples/testing/"]
        if not targets:
            print("no python blocks found")
            return 0
        mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        mypy += ["--config-file", str(ROOT / "pyproject.toml"), "--hide-error-context"]
        # examples/ is a namespace package (tests import examples.fastapi_app): name files by
        # path from the repository root, and the snippets from their own directory.
        mypy += ["--explicit-package-bases"]
        env = os.environ | {"MYPYPATH": tmp}
        done = subprocess.run(
            mypy + targets, capture_output=True, text=True, cwd=ROOT, env=env, check=False
        )
        for line in done.stdout.splitlines():
            match = re.match(r"^(?:.*[/\\])?(snippet_\d{4}\.py):(\d+):(.*)$", line)
            if match and match[1] in origin:
                block, added = origin[match[1]]
                where = block.line + int(match[2]) - 1 - added
                line = f"{shown(block.path)}:{where}:{match[3]}"
            print(line)
        if done.stderr:
            print(done.stderr, file=sys.stderr)
        status = done.returncode
        if examples:
            # The testing recipes import the app as a reader's tests would (``fastapi_app``, put
            # on sys.path by their conftest): checked apart, with examples/ as the search path.
            recipes = subprocess.run(
                [*mypy, str(ROOT / "examples" / "testing")],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=os.environ | {"MYPYPATH": str(ROOT / "examples")},
                check=False,
            )
            print(recipes.stdout, end="")
            if recipes.stderr:
                print(recipes.stderr, file=sys.stderr)
            status = status or recipes.returncode
    print(f"{len(blocks)} python blocks checked, {skipped} marked not-checked")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="Markdown files (default: README.md, docs/)")
    parser.add_argument("--no-examples", action="store_true", help="skip mypy on examples/")
    args = parser.parse_args()
    return check(markdown_files(args.files), examples=not args.no_examples and not args.files)


if __name__ == "__main__":
    sys.exit(main())
