"""The import direction ARCHITECTURE.md draws, checked over the package's source with ``ast``.

Each module belongs to a layer; a module may import its own layer or lower ones, never a higher
one, and nothing below the top imports ``cli`` or ``testing``. Imports under
``if TYPE_CHECKING:`` are annotations only and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import vclaim_async

PACKAGE = Path(vclaim_async.__file__).parent

#: Layer of each module (by dotted name below ``vclaim_async``; a package covers its modules).
LAYERS: dict[str, int] = {
    # 0: leaves, pure and free of I/O
    "errors": 0, "_redact": 0, "_hooks": 0, "_catalog": 0, "_lzstring": 0, "_lzstring_c": 0,
    "_validate": 0, "_signing": 0, "_crypto": 0, "_config": 0, "_antrean_replies": 0,
    # 1: models (msgspec Structs)
    "models": 1, "antrean.models": 1,
    # 2: plumbing: the network edge and the envelope (any other private core module too)
    "_transport": 2, "_envelope": 2, "_tolerant": 2, "_limiter": 2, "_cache": 2, "redis": 2,
    # 3: engines that compose resource calls, given as callables
    "_bulk": 3, "_reconcile": 3, "antrean.reporter": 3, "antrean.queue": 3,
    # 4: resources, one class per area on one request seam
    "resources": 4, "antrean.resources": 4,
    # 5: the client (a service's client on the shared ServiceClient)
    "_client": 5, "antrean._client": 5,
    # The WS RS kit (the hospital's server half of Antrean): imports only its own modules
    # (and FastAPI, lazily, in _router); the command line's `antrean uat` sits above it.
    "antrean.wsrs": 5,
    # 6: the top: the public namespace, the command line, the simulator
    "__init__": 6, "__main__": 6, "cli": 6, "testing": 6, "antrean": 6,
}  # fmt: skip
PLUMBING = 2
TOP = 6


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The layer of ``module`` (dotted, below the package), by its longest listed prefix."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in LAYERS:
            return LAYERS[key]
    return PLUMBING


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> list[str]:
    """Modules of the package that ``path`` imports at run time (dotted, below the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path)
    here = name.split(".") if path.name == "__init__.py" and name != "__init__" else (
        name.split(".")[:-1]
    )  # fmt: skip
    if name == "__init__":
        here = []
    found: list[str] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("vclaim_async."):
                        found.append(alias.name.removeprefix("vclaim_async."))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                    target = [*base, *(node.module.split(".") if node.module else [])]
                elif node.module and node.module.split(".")[0] == "vclaim_async":
                    target = node.module.split(".")[1:]
                else:
                    continue
                for alias in node.names:
                    candidate = [*target, alias.name]
                    module = ".".join(candidate)
                    # A compiled module is known by its stub (``_lzstring_c.pyi``).
                    is_module = (
                        any(
                            PACKAGE.joinpath(*candidate).with_suffix(suffix).exists()
                            for suffix in (".py", ".pyi")
                        )
                        or (PACKAGE.joinpath(*candidate, "__init__.py")).exists()
                    )
                    found.append(module if is_module else ".".join(target) or "__init__")
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(tree.body)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[_module_name(p) for p in SOURCES])
def test_imports_point_down_the_layers(path: Path) -> None:
    module = _module_name(path)
    mine = layer_of(module)
    for target in imports_of(path):
        if target == "__init__" and module.split(".")[0] in ("cli", "testing"):
            continue  # the top may use the public namespace
        assert layer_of(target) <= mine, (
            f"{module} (layer {mine}) imports {target} (layer {layer_of(target)}): "
            "see ARCHITECTURE.md 'What may import what'"
        )


def test_the_checker_sees_the_imports_it_must_refuse() -> None:
    # The rule is only as good as the parser: a resource importing the client is caught.
    assert "_envelope" in imports_of(PACKAGE / "resources" / "_base.py")
    assert "_client" not in imports_of(PACKAGE / "resources" / "_base.py")  # TYPE_CHECKING only
    assert "resources.peserta" in imports_of(PACKAGE / "_client.py")
    assert layer_of("resources.sep") > layer_of("_reconcile") > layer_of("models.sep")
    assert layer_of("testing.routes.sep") == TOP and layer_of("cli.check") == TOP
    assert "antrean.wsrs.uat" in imports_of(PACKAGE / "cli" / "antrean_uat.py")


def test_nothing_outside_the_wsrs_router_imports_fastapi() -> None:
    # FastAPI is the optional `server` extra: only the WS RS router may import it.
    allowed = {"antrean.wsrs._router"}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
            for alias in node.names
        ] + [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ]  # fmt: skip
        uses = any(n.split(".")[0] in ("fastapi", "starlette") for n in names)
        assert not uses or _module_name(path) in allowed, _module_name(path)
