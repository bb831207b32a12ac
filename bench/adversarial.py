#!/usr/bin/env python3
"""Adversarial inputs through every front end: time per KB from 1 KB to 10 MB, and peak memory.

    python bench/adversarial.py                           # every shape, auto + every front end, 1 KB..10 MB
    python bench/adversarial.py --shapes spaces_line,pipes --frontends markdown --max-kb 1000
    python bench/adversarial.py --memory 1100000          # peak RSS reading a pipe table of 1.1 M rows
    python bench/adversarial.py --markdown                # the table as Markdown
    python bench/adversarial.py --summary                 # per shape, the worst front end at each size (README)

Each shape is a hostile document (a line of 64,000 spaces, 10 MB of pipes, a list nested
thousands deep, a table of a million rows...) grown to each size and read by
`parsers.reader.read`, first as the sniff picks (`auto`), then forced through each front end in
turn. The figure is milliseconds per KB: a flat row is linear time, a row that grows tenfold
per column is quadratic. Every row runs in a child process with a time budget, so a
backtracking pattern shows as `>Ns` instead of hanging the benchmark. Speed is measured here,
never asserted by a unit test. A figure marked `r` is the time to reject the document with a
`ParseError` (elements nested past what the HTML parser takes, for one).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import queue
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers import frontends, reader  # noqa: E402
from pipeline.config import Config  # noqa: E402
from pipeline.errors import ParseError  # noqa: E402
from pipeline.records import Document  # noqa: E402

KB = 1024
SIZES_KB = (1, 10, 100, 1000, 10000)


def _repeat(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """`unit` repeated to about `size` characters between head and tail."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def _rows(row: Callable[[int], str], size: int, head: str = "") -> str:
    """Numbered rows (`row(i)`, each ending in a newline) to about `size` characters."""
    out, n, i = [head], len(head), 0
    while n < size:
        line = row(i)
        out.append(line)
        n, i = n + len(line), i + 1
    return "".join(out)


def _nested(open_: str, close: str, size: int, body: str = "x") -> str:
    """One structure nested as deep as `size` allows: `<div><div>...x...</div></div>`."""
    depth = max(1, (size - len(body)) // (len(open_) + len(close)))
    return open_ * depth + body + close * depth


def _indented_list(size: int) -> str:
    """A Markdown list whose every item is nested one deeper than the one before, in runs of 200."""
    return _rows(lambda i: "  " * (i % 200) + f"- item {i}\n", size)


def _nested_list_then_table(size: int) -> str:
    """Lists nested ten deep, then a register table: the table must not disappear."""
    nest = "".join("  " * d + f"- level {d}\n" for d in range(10))
    table = "\n| ID | Risk | Likelihood | Owner |\n|---|---|---|---|\n"
    return _rows(lambda i: f"| R{i} | Disk fills up {i} | High | SRE |\n", size, head=nest + table)


# name -> document of about `size` characters. Each shape aims at one way a parser can go
# super-linear: a regex that backtracks over a long run, a scan that restarts at every
# position, recursion as deep as the nesting, a join or slice repeated per row.
SHAPES: dict[str, Callable[[int], str]] = {
    "spaces_line": lambda n: _repeat(" ", n, tail="\n- x\n"),
    "tabs_line": lambda n: _repeat("\t", n, tail="x\n"),
    "pipes": lambda n: _repeat("|", n),
    "pipe_lines": lambda n: _rows(lambda i: "|" * 79 + "\n", n),
    "pipes_spaced": lambda n: _repeat("| ", n, tail="\n|---|\n"),
    "dashes": lambda n: _repeat("-", n, head="| a |\n"),
    "backticks": lambda n: _repeat("`", n),
    "backtick_runs": lambda n: _repeat("` `` ``` a ", n),
    "asterisks": lambda n: _repeat("*", n),
    "stars_words": lambda n: _repeat("**a *b ", n),
    "underscores": lambda n: _repeat("_a ", n),
    "brackets": lambda n: _repeat("[", n),
    "links_open": lambda n: _repeat("[a](", n),
    "angles": lambda n: _repeat("<", n),
    "tags_open": lambda n: _repeat("<a ", n),
    "equals": lambda n: _repeat("=", n, head="Title\n"),
    "colons": lambda n: _repeat(":", n),
    "hashes": lambda n: _repeat("#", n),
    "braces": lambda n: _repeat("{", n),
    "one_giant_line": lambda n: _repeat("Risk R1 Owner: SRE Likelihood: High | Impact: Med. ", n),
    "nested_list": _indented_list,
    "list_one_line": lambda n: _repeat("- ", n, tail="x\n"),
    "nested_quotes": lambda n: _repeat("> ", n, tail="x\n"),
    "nested_divs": lambda n: _nested("<div>", "</div>", n),
    "nested_lists_html": lambda n: _nested("<ul><li>", "</li></ul>", n),
    "nested_tables_html": lambda n: _nested("<table><tr><td>", "</td></tr></table>", n),
    "unclosed_html": lambda n: _repeat("<li><p><td><b>x", n),
    "nested_list_then_table": _nested_list_then_table,
    "pipe_table": lambda n: _rows(
        lambda i: f"| R{i} | Disk fills up | High | Medium | SRE | Open |\n",
        n,
        head="| ID | Risk | Likelihood | Impact | Owner | Status |\n|---|---|---|---|---|---|\n",
    ),
    "wide_table": lambda n: "| " + " | ".join(f"c{i}" for i in range(n // 6)) + " |\n",
    "run_together_rows": lambda n: _rows(
        lambda i: f"R{i:03d}Database failover untestedHighMediumSRE PlatformOpen\n",
        n,
        head="IDRiskLikelihoodImpactOwnerStatus\n",
    ),
    "aligned_table": lambda n: _rows(
        lambda i: f"R{i:<6}  Disk fills up     High    SRE     Open\n",
        n,
        head="ID       Risk              Level   Owner   Status\n-------  ----------------  ------  ------  ------\n",
    ),
    "grid_table": lambda n: _rows(
        lambda i: f"| R{i:<5} | Disk      |\n+--------+-----------+\n", n, head="+--------+-----------+\n"
    ),
    "label_lines": lambda n: _rows(
        lambda i: f"Risk: R{i}\nLikelihood: High\nImpact: Medium\nOwner: SRE\nStatus: Open\n\n", n
    ),
    "headings": lambda n: _rows(lambda i: f"## R{i}: Disk fills up\n**Likelihood:** High\n\n", n),
    "checklist": lambda n: _rows(lambda i: f"- [x] Runbook {i} reviewed\n", n, head="## Launch checklist\n"),
    "html_table": lambda n: _rows(
        lambda i: f"<tr><td>R{i}</td><td>Disk fills up</td><td>High</td><td>SRE</td></tr>\n",
        n,
        head="<table><tr><th>ID</th><th>Risk</th><th>Likelihood</th><th>Owner</th></tr>\n",
    ),
    "csv_rows": lambda n: _rows(
        lambda i: f'R{i},"Disk, fills up",High,SRE,Open\n', n, head="ID,Risk,Likelihood,Owner,Status\n"
    ),
    "csv_quote": lambda n: _repeat('"', n, head="ID,Risk\n"),
    "org_table": lambda n: _rows(
        lambda i: f"| R{i} | Disk | High |\n", n, head="* Risks\n| ID | Risk | Level |\n|---+---+---|\n"
    ),
    "wiki_table": lambda n: _rows(
        lambda i: f"| R{i} | Disk | High |\n", n, head="h2. Risks\n|| ID || Risk || Level ||\n"
    ),
    "adoc_table": lambda n: (
        _rows(lambda i: f"| R{i} | Disk | High\n", n, head="== Risks\n|===\n| ID | Risk | Level\n") + "|===\n"
    ),
    "rst_headings": lambda n: _rows(lambda i: f"R{i}\n{'=' * (len(str(i)) + 1)}\n\n:Owner: SRE\n\n", n),
}


def document(text: str) -> Document:
    data = text.encode("utf-8")
    return Document("adversarial.md", hashlib.sha256(data).hexdigest(), len(data), text, "utf-8")


def _rss_kb() -> int:
    """Peak resident set of this process so far, in KB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure_row(shape: str, syntax: str | None, sizes: list[int], out: mp.Queue) -> None:
    """Child process: read the shape at each size, reporting (size, seconds, peak KB) as each ends."""
    config = Config()
    config.lexicon  # noqa: B018 - load the lexicon before the clock starts
    reader.read(document("warm up\n"), config, syntax)
    for size_kb in sizes:
        doc = document(SHAPES[shape](size_kb * KB))
        runs, spent, rejected = 0, 0.0, False
        while spent < 0.2 and (runs == 0 or size_kb <= 100):
            start = time.perf_counter()
            try:
                reader.read(doc, config, syntax)
            except ParseError:
                rejected = True
            spent += time.perf_counter() - start
            runs += 1
        out.put((size_kb, spent / runs, _rss_kb(), rejected))
    out.put(None)


def measure(shape: str, syntax: str | None, sizes: list[int], budget: float) -> list[str]:
    """One table row: ms per KB at each size, or `>Ns` where the budget ran out."""
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    child = ctx.Process(target=_measure_row, args=(shape, syntax, sizes, out), daemon=True)
    child.start()
    cells: list[str] = []
    try:
        for size_kb in sizes:
            try:
                got = out.get(timeout=budget + 30)
            except queue.Empty:
                cells.append(f">{budget:.0f}s")
                break
            if got is None:
                break
            _, seconds, _, rejected = got
            cells.append(f"{seconds * 1000 / size_kb:.3f}{'r' if rejected else ''}")
            if seconds > budget:
                break
    finally:
        child.kill()
        child.join()
    return cells + ["-"] * (len(sizes) - len(cells))


def memory(rows: int) -> tuple[int, float, int]:
    """(document KB, seconds, peak RSS KB above the baseline) reading a pipe table of `rows` rows."""
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    child = ctx.Process(target=_memory_child, args=(rows, out))
    child.start()
    result = out.get()
    child.join()
    return result


def _memory_child(rows: int, out: mp.Queue) -> None:
    config = Config()
    config.lexicon  # noqa: B018
    reader.read(document("warm up\n"), config)
    head = "| ID | Risk | Likelihood | Impact | Owner | Status |\n|---|---|---|---|---|---|\n"
    text = head + "".join(f"| R{i} | Disk fills up | High | Medium | SRE | Open |\n" for i in range(rows))
    doc = document(text)
    base = _rss_kb()
    start = time.perf_counter()
    reader.read(doc, config)
    out.put((doc.size // KB, time.perf_counter() - start, _rss_kb() - base))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shapes", help="comma-separated shapes (default: all)")
    parser.add_argument("--frontends", help="comma-separated front ends, 'auto' for the sniffed one (default: all)")
    parser.add_argument("--max-kb", type=int, default=SIZES_KB[-1], help="largest size in KB (default 10000)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per size before a row is cut short")
    parser.add_argument("--memory", type=int, metavar="ROWS", help="only measure peak memory for a table of ROWS rows")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--summary", action="store_true", help="then a Markdown table: per shape, the worst front end at each size"
    )
    args = parser.parse_args(argv)
    if args.memory:
        kb, seconds, peak = memory(args.memory)
        print(f"pipe table of {args.memory:,} rows, {kb / KB:.1f} MB: {seconds:.1f} s, peak RSS +{peak / KB:.0f} MB")
        return 0
    shapes = args.shapes.split(",") if args.shapes else list(SHAPES)
    names = args.frontends.split(",") if args.frontends else ["auto", *frontends.FRONTENDS_BY_NAME]
    sizes = [s for s in SIZES_KB if s <= args.max_kb]
    heads = ["shape", "front end", *(f"{s:,} KB" for s in sizes)]
    if args.markdown:
        print("| " + " | ".join(heads) + " |\n|" + "---|" * len(heads))
    else:
        print("ms per KB".ljust(36) + "".join(h.rjust(10) for h in heads[2:]))
    worst = 0.0
    rows: dict[str, list[tuple[str, list[str]]]] = {}
    for shape in shapes:
        for name in names:
            cells = measure(shape, None if name == "auto" else name, sizes, args.budget)
            rows.setdefault(shape, []).append((name, cells))
            numbers = [float(c.rstrip("r")) for c in cells if c.rstrip("r").replace(".", "").isdigit()]
            if len(numbers) >= 2 and numbers[0] > 0:
                worst = max(worst, numbers[-1] / max(numbers[0], 1e-9))
            if args.markdown:
                print(f"| {shape} | {name} | " + " | ".join(cells) + " |")
            else:
                print(f"{shape:<24}{name:<12}" + "".join(c.rjust(10) for c in cells), flush=True)
    print(f"\nworst growth of ms/KB from the smallest to the largest size: x{worst:.1f}", file=sys.stderr)
    if args.summary:
        print("\n" + summary(rows, sizes))
    return 0


def summary(rows: dict[str, list[tuple[str, list[str]]]], sizes: list[int]) -> str:
    """A Markdown table: per shape, the most ms per KB any front end took at each size, and which.

    >>> print(summary({"pipes": [("html", ["0.5", "0.4"]), ("text", ["0.7", ">60s"])]}, [1, 10]))
    | shape | 1 KB | 10 KB |
    |---|---|---|
    | pipes | 0.700 (text) | >60s (text) |
    """
    lines = ["| shape | " + " | ".join(f"{s:,} KB" for s in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for shape, measured in rows.items():
        cells = []
        for k in range(len(sizes)):
            at = [(name, row[k]) for name, row in measured if row[k] != "-"]
            if not at:
                cells.append("-")
                continue
            name, cell = max(at, key=lambda nc: _weight(nc[1]))
            cells.append(f"{float(cell.rstrip('r')):.3f} ({name})" if _is_figure(cell) else f"{cell} ({name})")
        lines.append(f"| {shape} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _is_figure(cell: str) -> bool:
    return cell.rstrip("r").replace(".", "", 1).isdigit()


def _weight(cell: str) -> float:
    """How bad a cell is: its ms per KB; a row cut short by the budget is worse than any figure."""
    return float(cell.rstrip("r")) if _is_figure(cell) else float("inf")


if __name__ == "__main__":
    sys.exit(main())
