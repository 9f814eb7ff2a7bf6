"""Packaging facts users meet: the project's links, and an editable install mypy can see.

Issue 21: ``pip install -e .`` installed setuptools' import-hook finder, which static checkers
cannot follow, so ``mypy`` run from another directory found no ``vclaim_async``. The README and
.ci/run install with ``--config-settings editable_mode=compat`` (a plain ``.pth`` path entry).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLAG = "--config-settings editable_mode=compat"


def project() -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    data: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return data["project"]  # type: ignore[return-value]


def test_project_urls_agree_and_point_at_what_exists() -> None:
    urls: dict[str, str] = project()["urls"]  # type: ignore[index,assignment]
    assert set(urls) >= {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    source = urls["Source"]
    assert source.startswith("https://") and not source.endswith("/")
    for name, url in urls.items():
        assert url.startswith(source), f"{name} is not under Source: {url}"
    assert urls["Issues"] == f"{source}/issues"
    assert urls["Changelog"].endswith("/CHANGELOG.md") and (ROOT / "CHANGELOG.md").exists()
    assert urls["Documentation"].endswith("/docs") and (ROOT / "docs" / "index.md").exists()


def test_the_documented_installs_are_visible_to_static_checkers() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    # The installs a developer runs tests and mypy from: README's and CI's, with the test extra.
    installs = [line for line in readme.splitlines() if "-e '.[test" in line]
    installs += [line for line in ci.splitlines() if "pip install" in line and " -e " in line]
    assert installs
    for line in installs:
        assert FLAG in line, f"an editable install static checkers cannot see: {line.strip()}"


def _finder_installed() -> bool:
    purelib = Path(sysconfig.get_paths()["purelib"])
    return any(purelib.glob("__editable___vclaim_async*_finder.py"))


@pytest.mark.slow
def test_mypy_from_another_directory_sees_the_package(tmp_path: Path) -> None:
    if _finder_installed():
        message = f"vclaim_async is installed with setuptools' finder: reinstall with {FLAG}"
        if os.environ.get("VCLAIM_CI") == "1":
            pytest.fail(message)
        pytest.skip(message)
    (tmp_path / "app.py").write_text(
        "from vclaim_async import VClaimClient\n\nreveal_type(VClaimClient)\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "app.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Revealed type is "def (' in result.stdout
