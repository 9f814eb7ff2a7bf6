"""The API reference shows every model field and every enum member (tools/griffe_fields.py).

Issue 21: the site listed no model fields (``Peserta`` showed only ``is_active``). The griffe
extension appends a table to each Struct and Enum; these tests check the tables against
msgspec's own idea of the fields, and (marked slow) that the built site shows them. They need
the ``docs`` extra; without it they skip, unless ``VCLAIM_REQUIRE_DOCS=1`` (``.ci/run``), where
that fails.
"""

from __future__ import annotations

import enum
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL_MODULES = [
    "peserta", "sep", "rujukan", "rencana_kontrol", "referensi", "monitoring", "prb", "lpk",
    "enums",
]  # fmt: skip


def _need(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("VCLAIM_REQUIRE_DOCS") == "1":
            pytest.fail(f"VCLAIM_REQUIRE_DOCS=1 but {module} is not installed")
        pytest.skip(f"{module} is not installed (the docs extra)")


@pytest.fixture(scope="module")
def package() -> Any:
    griffe = _need("griffe")
    extensions = griffe.load_extensions(str(ROOT / "tools" / "griffe_fields.py"))
    return griffe.load("vclaim_async", extensions=extensions, search_paths=[str(ROOT)])


def documented() -> list[tuple[str, str]]:
    found = []
    for name in MODEL_MODULES:
        module = importlib.import_module(f"vclaim_async.models.{name}")
        for attr in module.__all__:
            value = getattr(module, attr)
            if isinstance(value, type) and issubclass(value, (msgspec.Struct, enum.Enum)):
                found.append((name, attr))
    return found


def test_peserta_shows_no_kartu_and_its_wire_name(package: Any) -> None:
    text = package["models.peserta.Peserta"].docstring.value
    row = next(line for line in text.splitlines() if line.startswith("| `no_kartu` |"))
    assert "| `str` | `noKartu` | required | participant card number" in row


@pytest.mark.parametrize(("module", "name"), documented(), ids=lambda v: str(v))
def test_every_field_and_member_is_in_its_table(package: Any, module: str, name: str) -> None:
    runtime = getattr(importlib.import_module(f"vclaim_async.models.{module}"), name)
    text = package[f"models.{module}.{name}"].docstring.value
    if issubclass(runtime, enum.Enum):
        for member in runtime:
            assert f"| `{member.name}` | `{member.value!r}` |" in text
        return
    for field in msgspec.structs.fields(runtime):
        row = re.search(rf"^\| `{field.name}` \| `[^`]+` \| `{field.encode_name}` \|", text, re.M)
        assert row, f"{name}.{field.name} ({field.encode_name}) missing from the table"


def test_meanings_come_from_comments_and_the_glossary(package: Any) -> None:
    members = package["models.enums.JnsPelayanan"].docstring.value
    assert "| `RAWAT_INAP` | `'1'` | Rawat Inap |" in members
    rujukan = package["models.sep.SepRujukan"].docstring.value
    assert "| `no_rujukan` | `str` | `noRujukan` | required | referral number |" in rujukan


@pytest.mark.slow
def test_the_built_site_shows_fields_and_the_indonesian_guide(tmp_path: Path) -> None:
    _need("mkdocs")
    _need("griffe")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    page = (site / "api" / "models" / "index.html").read_text(encoding="utf-8")
    start = page.index('id="vclaim_async.models.peserta.Peserta"')
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : start + 20000]))
    assert "no_kartu str noKartu required" in text
    guide = (site / "id" / "kesalahan" / "index.html").read_text(encoding="utf-8")
    assert "Panduan kesalahan" in guide and "Status Peserta Tidak Aktif" in guide


def test_every_model_field_has_a_meaning(package: Any) -> None:
    """A new field needs a docstring, a line comment or an entry in tools/griffe_fields.py."""
    missing = []
    for module, name in documented():
        text = package[f"models.{module}.{name}"].docstring.value
        for row in re.finditer(r"^\| `(\w+)` \| `[^`]+` \| `(\w+)` \| [^|]+ \|(.*)\|$", text, re.M):
            if not row.group(3).strip():
                missing.append(f"{name}.{row.group(1)} ({row.group(2)})")
    assert not missing, missing
