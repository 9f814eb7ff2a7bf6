"""A griffe extension for the docs site: our docstrings use a little reST; show it as Markdown.

``:class:`~vclaim_async.VClaimClient``` becomes ``VClaimClient`` in code type, and a literal
block introduced by ``::`` becomes a Markdown code block, so the API pages read as plain text
does in an editor or in ``help()``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|attr|data|exc|mod|obj):`~?([^`]+)`")


def _markdown(text: str) -> str:
    def short(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"`{name.rsplit('.', 1)[-1] if match.group(0).count('~') else name}`"

    lines = []
    for line in _ROLE.sub(short, text).splitlines():
        if line.strip() == "::":
            continue  # the indented block after it is already a Markdown code block
        lines.append(line[:-1] if line.rstrip().endswith("::") else line)
    return "\n".join(lines)


class SphinxRolesToMarkdown(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _markdown(obj.docstring.value)
