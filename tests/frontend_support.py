"""What the tests of the line-scanning front ends share (text, org, rst, asciidoc, wiki): reading a
text with a front end, the outline goldens of a fixture folder, and the checks every tree must
pass whatever the input (lines inside the text, tables' rows inside the table, nothing raised
but ParseError)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from hypothesis import strategies as st

from parsers.model import Block, ListItem, Table, Tree, outline, walk
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document
from tests.conftest import FIXTURES

FRONTEND_FIXTURES = FIXTURES / "frontends"
CONFIG = Config()


def doc(text: str, path: str = "doc.txt") -> Document:
    return Document(path, "0" * 64, len(text.encode("utf-8", "surrogatepass")), text, "utf-8")


def tree_of(frontend: ModuleType, text: str, path: str = "doc.txt") -> Tree:
    return frontend.blocks(doc(text, path), CONFIG)


def every(tree: Tree, kind: type[Block] = Block) -> list:
    """Every block of a kind, depth first."""
    return [b for b in walk(tree.blocks) if isinstance(b, kind)]


def items(tree: Tree) -> list[tuple[str, str | None, int]]:
    """(text, box, depth) of every list item."""
    return [(b.text, b.box, b.depth) for b in every(tree, ListItem)]


def cases(syntax: str) -> list[tuple[Path, Path]]:
    """(fixture, its outline golden) for each fixture of a front end's folder."""
    folder = FRONTEND_FIXTURES / syntax
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".outline.txt"))
    return [(p, p.with_name(p.name.rsplit(".", 1)[0] + ".outline.txt")) for p in found]


def check_golden(frontend: ModuleType, case: Path, golden: Path, update: bool) -> None:
    """The fixture's tree in outline equals its golden (rewritten when `update`)."""
    got = "\n".join(outline(tree_of(frontend, case.read_text(encoding="utf-8"), case.name))) + "\n"
    if update:
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with --update-golden and review it"
    assert got == golden.read_text(encoding="utf-8")


def check_any_text(frontend: ModuleType, text: str) -> None:
    """Any text reads (or raises ParseError); every block's lines are inside the text, a table's
    rows inside the table, a list item inside its parent's lines; sniff stays within 0..1."""
    assert 0.0 <= frontend.sniff(text) <= 1.0
    try:
        tree = frontend.blocks(doc(text), CONFIG)
    except ParseError:
        return
    assert tree.syntax == frontend.NAME
    last = text.count("\n") + 1
    for block in walk(tree.blocks):
        assert 1 <= block.line <= block.end <= last, (block, last)
        if isinstance(block, Table):
            assert all(block.line <= row.line <= block.end for row in block.rows), block
        if isinstance(block, ListItem):
            assert all(block.line <= kid.line and kid.end <= block.end for kid in block.children), block


def fragments(pieces: list[str]) -> st.SearchStrategy[str]:
    """Texts made of a syntax's pieces (markers, boxes, table bars) and a little arbitrary text."""
    piece = st.one_of(st.sampled_from(pieces), st.text(max_size=6))
    return st.lists(piece, max_size=40).map("".join)
