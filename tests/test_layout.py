"""The layout shows the flow and keeps its promises: few loose modules at the package root, a
core that imports neither the CLI nor the web framework, every web router registered in one
place, and ARCHITECTURE.md and the README naming the packages that exist."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from fastapi import APIRouter

import asyncmaturity.web as web_package
from asyncmaturity.web.routers import ROUTERS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "asyncmaturity"
# Adapters: the only packages that may import their frameworks.
ADAPTERS = {"cli": {"typer", "click"}, "web": {"fastapi", "starlette"}}
FRAMEWORKS = set().union(*ADAPTERS.values())
MAX_ROOT_MODULES = 8


def _imported_roots(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, function-level imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def packages() -> list[str]:
    """The sub-packages of asyncmaturity."""
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def test_the_package_root_holds_at_most_eight_loose_modules() -> None:
    loose = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")
    )
    assert len(loose) <= MAX_ROOT_MODULES, loose


def test_the_core_imports_neither_the_cli_nor_the_web_framework() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0]
        allowed = ADAPTERS.get(top, set())
        used = (_imported_roots(path) & FRAMEWORKS) - allowed
        if used:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(used)}")
    assert offenders == []


def test_every_web_router_is_registered_once() -> None:
    folder = Path(web_package.__file__).parent
    defined = [
        importlib.import_module(f"asyncmaturity.web.{path.stem}").router
        for path in sorted(folder.glob("*.py"))
        if re.search(r"^router = APIRouter\(", path.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert all(isinstance(router, APIRouter) for router in defined)
    assert sorted(map(id, ROUTERS)) == sorted(map(id, defined))


def test_architecture_and_readme_name_every_package() -> None:
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in packages():
        assert f"`{name}/`" in architecture, f"ARCHITECTURE.md says nothing of {name}/"
        assert f"`{name}/`" in readme, f"the README's layout says nothing of {name}/"
    for loose in PACKAGE.glob("*.py"):
        if loose.name not in ("__init__.py", "__main__.py"):
            assert f"`{loose.name}`" in architecture, f"ARCHITECTURE.md: {loose.name}"


def test_architecture_names_no_module_that_is_gone() -> None:
    architecture = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for cited in re.findall(r"`([a-z_]+(?:/[a-z_]+)*\.py)`", architecture):
        candidates = [REPO / cited, PACKAGE / cited, *PACKAGE.glob(f"*/{cited}")]
        assert any(c.is_file() for c in candidates), cited
