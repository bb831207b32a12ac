"""The architecture as a test: data flows one way (bytes -> text -> block tree -> raw entries ->
normalised entries -> tables), and each layer imports only the layers before it. An import
hidden inside a function to dodge a cycle is a sign that something sits on the wrong floor, so
those are refused too (the CLI's lazy imports, which keep `riskreg --help` fast, excepted)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Layers, lowest first: a module may import its own layer and the ones before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "pipeline.errors",
        "pipeline.textnorm",
        "pipeline.records",
        "pipeline.vocab",
        "pipeline.matching",
        "pipeline",
        "parsers",
        "parsers.lexicon",
        "pipeline.config",
        "pipeline.languages",
        "pipeline.discover",
        "pipeline.deadline",
    ),
    (
        "parsers.model",
        "parsers.inline",
        "pipeline.decode",
        "pipeline.repair",
        "pipeline.plausible",
        "pipeline.sequences",
    ),
    ("parsers.frontends",),
    ("parsers.recognise",),
    ("parsers.reader",),
    (
        "pipeline.reconcile",
        "pipeline.normalise",
        "pipeline.scales",
        "pipeline.statuses",
        "pipeline.services",
        "pipeline.vocabularies",
        "pipeline.load",
        "pipeline.history",
        "pipeline.since",
        "pipeline.dates",
        "pipeline.charts",
        "pipeline.render",
        "pipeline.sql",
        "pipeline.progress",
        "pipeline.review",
        "pipeline.report",
        "pipeline.export",
        "pipeline.explain",
        "pipeline.document",
        "pipeline.rows",
        "pipeline.shards",
        "pipeline.tasks",
        "pipeline.worker",
        "pipeline.pool",
        "pipeline.plan",
        "pipeline.decide",
        "pipeline.run",
        "pipeline.cli",
    ),
)
# The CLI imports each command's module when the command runs, so that `riskreg --help` and a
# mistyped option answer at once instead of loading DuckDB, lxml and markdown-it first.
# pipeline.run imports the process pool (and with it the parsers) only when a run has documents to
# parse: a night where nothing changed must answer in a second or two, start-up included.
# pipeline.pool imports the worker (and with it the parsers) where a task runs: the driver of a
# pooled run never parses, and the import would be serial time in every parallel run.
# pipeline.review imports the database (pipeline.load, DuckDB) only where it reads one: every
# worker process needs its Decisions, none opens a database (0.1 s and 15 MB less each).
LAZY_IMPORTS_ALLOWED = ("pipeline.cli", "pipeline.run", "pipeline.pool", "pipeline.review")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> int | None:
    """The layer of a module: the most specific prefix listed."""
    best: tuple[int, int] | None = None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > best[1]):
                best = (level, len(prefix))
    return None if best is None else best[0]


def imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function) for every import of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module:
                found.extend((f"{child.module}.{a.name}", inner) for a in child.names)
            elif isinstance(child, ast.Import):
                found.extend((a.name, inner) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


SOURCES = sorted(
    p
    for folder in ("parsers", "pipeline")
    for p in (ROOT / folder).rglob("*.py")
    if layer_of(module_name(p)) is not None
)


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_layer_imports_only_layers_below(path: Path) -> None:
    own = layer_of(module_name(path))
    assert own is not None
    wrong = [
        name
        for name, _ in imports(path)
        if name.startswith(("parsers", "pipeline")) and (layer := layer_of(name)) is not None and layer > own
    ]
    assert not wrong, f"{module_name(path)} (layer {own}) imports higher layers: {wrong}"


@pytest.mark.parametrize("path", SOURCES, ids=[module_name(p) for p in SOURCES])
def test_no_import_hides_in_a_function(path: Path) -> None:
    if module_name(path) in LAZY_IMPORTS_ALLOWED:
        pytest.skip("lazy imports keep start-up and serial time short (see LAZY_IMPORTS_ALLOWED)")
    hidden = [name for name, inner in imports(path) if inner and name.startswith(("parsers", "pipeline"))]
    assert not hidden, f"{module_name(path)} imports inside a function: {hidden}"
