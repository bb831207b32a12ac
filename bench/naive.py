#!/usr/bin/env python3
"""The naive pipeline riskreg is measured against: what one would write in an afternoon.

One process, one pass: read each file, `ftfy.fix_text` it, parse HTML with BeautifulSoup and
Markdown with markdown-it-py, pull table rows, `### R001:` sections with their bullets and task-list
items, cut flattened rows with one regular expression, and load everything into DuckDB through a
DataFrame. No sniffing beyond "has a <table>", no provenance, no normalisation, no repair
explanation, no incremental cache: a floor for throughput, not a reader anyone should trust.

    python bench/naive.py CORPUS --db /tmp/naive.duckdb      # prints documents, entries, seconds

Needs the `bench` extra (beautifulsoup4).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import duckdb
import ftfy
import pandas as pd
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

MD = MarkdownIt("commonmark").enable("table")
# A flattened register row: an id, then everything else run together.
FLAT_ROW_RE = re.compile(r"^(?P<id>R-[A-Z0-9]+-\d+)(?P<rest>.+)$", re.MULTILINE)
SECTION_RE = re.compile(r"^#{2,4}\s+(?P<id>[A-Z]+-?\d+)\s*[:—-]\s*(?P<title>.+)$")
FIELD_RE = re.compile(r"^\*\*(?P<label>[^*]+?):?\*\*:?\s*(?P<value>.+)$")


def read_markdown(path: str, text: str) -> list[dict]:
    rows: list[dict] = []
    tokens = MD.parse(text)
    header: list[str] = []
    cells: list[str] = []
    section: dict | None = None
    in_head = False
    for i, tok in enumerate(tokens):
        if tok.type == "thead_open":
            in_head, header = True, []
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            cells = []
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            (header if in_head else cells).append(tok.content)
        elif tok.type == "tr_close" and not in_head and cells:
            rows.append({"path": path, "kind": "risk", **dict(zip(header, cells, strict=False))})
        elif tok.type == "inline" and tokens[i - 1].type == "heading_open":
            m = SECTION_RE.match("### " + tok.content)
            section = {"path": path, "kind": "risk", "ID": m["id"], "Risk": m["title"]} if m else None
            if section:
                rows.append(section)
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            content = tok.content
            if content.startswith(("[ ]", "[x]", "[X]")):
                rows.append({"path": path, "kind": "check", "Risk": content[3:].strip(), "checked": content[1] != " "})
            elif section is not None and (m := FIELD_RE.match(content)):
                section[m["label"].strip()] = m["value"]
    return rows


def read_html(path: str, text: str) -> list[dict]:
    soup = BeautifulSoup(text, "html.parser")
    rows = []
    for table in soup.find_all("table"):
        header = [th.get_text(" ", strip=True) for th in table.find_all("th")]
        for tr in table.find_all("tr"):
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            if cells:
                rows.append({"path": path, "kind": "risk", **dict(zip(header, cells, strict=False))})
    return rows


def read_flat(path: str, text: str) -> list[dict]:
    return [{"path": path, "kind": "risk", "ID": m["id"], "Risk": m["rest"]} for m in FLAT_ROW_RE.finditer(text)]


def read_document(path: str, data: bytes) -> list[dict]:
    text = ftfy.fix_text(data.decode("utf-8", errors="replace"))
    if "<table" in text:
        return read_html(path, text)
    if "|---" in text or "\n#" in text or "- [" in text:
        return read_markdown(path, text)
    return read_flat(path, text)


def run(root: Path, db: Path) -> tuple[int, int, float]:
    """(documents, entries, seconds) of one naive run over every file under root."""
    start = time.perf_counter()
    rows: list[dict] = []
    documents = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(dirpath) / name
            rows.extend(read_document(path.relative_to(root).as_posix(), path.read_bytes()))
            documents += 1
    frame = pd.DataFrame(
        {
            "path": [r["path"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "entry_id": [r.get("ID") for r in rows],
            "title": [r.get("Risk") for r in rows],
            "likelihood_raw": [r.get("Likelihood") for r in rows],
            "impact_raw": [r.get("Impact") for r in rows],
            "owner_raw": [r.get("Owner") for r in rows],
        }
    )
    con = duckdb.connect(str(db))
    con.register("frame", frame)
    con.execute("CREATE OR REPLACE TABLE entries AS SELECT * FROM frame")
    con.close()
    return documents, len(rows), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--db", type=Path, default=Path("/tmp/naive.duckdb"))
    args = parser.parse_args()
    documents, entries, seconds = run(args.root, args.db)
    print(f"naive: {documents} documents, {entries} entries, {seconds:.2f} s, {documents / seconds:.0f} docs/s")


if __name__ == "__main__":
    sys.exit(main())
