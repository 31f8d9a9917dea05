"""Docstrings and comments cite only what exists: every dotted name under ``asyncmaturity`` they
cite is a module, a package or an attribute of one, and every repository file they name
(``docs/*.md``, ``benchmarks/...``, ``tests/...``) is there."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks' git-ignored work folder holds their inputs and earlier commits' sources.
WORK = ROOT / "benchmarks" / "work"
SCANNED = sorted(
    path
    for folder in ("src", "tests", "benchmarks")
    for path in (ROOT / folder).rglob("*.py")
    if not path.is_relative_to(WORK)
)
DOTTED = re.compile(r"\basyncmaturity(?:\.[A-Za-z_]\w*)+")
# A path in this repository, up to any "*" of a pattern; one after "!" is a member of an archive,
# and a docs path without ".md" (docs/adr) is a folder of the user's repository.
REPO_PATH = re.compile(r"(?<![\w./!-])((?:docs/[\w./-]+\.md|(?:benchmarks|tests)/[\w./-]*\w))\b")


def _comments_and_docstrings(source: str) -> list[str]:
    texts = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                texts.append(docstring)
    return texts


def _resolves(dotted: str) -> bool:
    """True when `dotted` is a module or package, or an attribute reached from one; a module
    named last is found, not imported (``asyncmaturity.__main__`` would run the CLI)."""
    name, *parts = dotted.split(".")
    target: object = importlib.import_module(name)
    for index, part in enumerate(parts):
        name = f"{name}.{part}"
        if hasattr(target, "__path__") and importlib.util.find_spec(name) is not None:
            if index == len(parts) - 1:
                return True
            target = importlib.import_module(name)
        elif hasattr(target, part):
            target = getattr(target, part)
        else:
            return False
    return True


def test_the_scan_reads_the_three_folders() -> None:
    assert {p.relative_to(ROOT).parts[0] for p in SCANNED} == {"src", "tests", "benchmarks"}
    assert _resolves("asyncmaturity.decisions.records.DecisionRecord")
    assert _resolves("asyncmaturity.__main__")
    assert not _resolves("asyncmaturity.ingest")
    assert not _resolves("asyncmaturity.store.database.no_such_name")
    assert [m[1] for m in REPO_PATH.finditer("docs/await.md, docs/adr, zip!docs/adr/1.md")] == [
        "docs/await.md"
    ]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_docstrings_and_comments_cite_what_exists(path: Path) -> None:
    missing: list[str] = []
    for text in _comments_and_docstrings(path.read_text("utf-8")):
        missing += [m[0] for m in DOTTED.finditer(text) if not _resolves(m[0])]
        missing += [m[1] for m in REPO_PATH.finditer(text) if not (ROOT / m[1]).exists()]
    assert missing == []
