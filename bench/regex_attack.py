#!/usr/bin/env python3
"""Every module-level regex of the parsers and the per-document pipeline, attacked with runs.

    python bench/regex_attack.py                  # every pattern; prints the ones whose time grows faster than n
    python bench/regex_attack.py --all            # print every pattern's worst growth

For each compiled pattern, strings made of long runs of the characters the pattern names (a run
of one character, two alternating, a run after each literal the pattern starts with) are
run at lengths n, 4n and 16n; a linear pattern takes about 4 times as long at each step, a
quadratic one 16 times. Each pattern is run two ways: `findall` (every start position is tried,
as `search`, `sub` and `finditer` do) and `match` (one start). A pattern flagged here is fixed, or shown to be called
only where the run cannot occur (`.match` on one short line), and `tests/test_regex_linear.py`
keeps the fixed shapes out. Timing is measured here, never asserted by a unit test.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

PACKAGES = ("parsers", "pipeline")
EXTRA_CHARS = " \t\na0.\u00a0"


def module_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(module.NAME, pattern) of every compiled str pattern at module level in the packages."""
    found: list[tuple[str, re.Pattern[str]]] = []
    for package in PACKAGES:
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    found.append((f"{info.name}.{name}", value))
    return found


def alphabet(pattern: str) -> list[str]:
    """The characters worth repeating against a pattern: those it names, and a few common ones."""
    chars = {c for c in pattern if c.isprintable() and c not in "()?+{}^$"} | set(EXTRA_CHARS)
    return sorted(chars)


def attacks(pattern: str, n: int) -> list[tuple[str, str]]:
    """(description, string) pairs of length about n."""
    out = []
    chars = alphabet(pattern)
    for c in chars:
        out.append((f"{c!r}*n", c * n))
        out.append((f"{c!r}*n+'\\x00'", c * n + "\x00"))
        for d in (" ", "a", "-", "*", "|", ":"):
            if d != c:
                out.append((f"({c!r}{d!r})*n", (c + d) * (n // 2)))
    return out


def seconds(call, text: str) -> float:
    """The fastest of three runs of `call(text)`: timing noise only ever adds."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        call(text)
        best = min(best, time.perf_counter() - start)
        if best > 0.5:
            break
    return best


def growth(call, pattern: str, n: int) -> tuple[float, str]:
    """The worst time ratio between 4n and n over every attack (confirmed again between 16n and
    4n, so that noise on one quick run flags nothing), and the attack."""
    worst, which = 0.0, ""
    small = dict(attacks(pattern, n))
    for desc, text in attacks(pattern, 4 * n):
        t_small, t_big = seconds(call, small[desc]), seconds(call, text)
        if t_big < 2e-3 or t_big / max(t_small, 1e-6) < 9.0:
            continue
        t_huge = seconds(call, dict(attacks(pattern, 16 * n))[desc])
        ratio = min(t_big / max(t_small, 1e-6), t_huge / t_big)
        if ratio > worst:
            worst, which = ratio, desc
    return worst, which


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2000, help="shorter attack length (default 2000)")
    parser.add_argument("--all", action="store_true", help="print every pattern, not only those that grow")
    parser.add_argument("--only", help="substring of the pattern names to attack")
    args = parser.parse_args(argv)
    flagged = 0
    for name, pat in module_patterns():
        if args.only and args.only not in name:
            continue
        for how, call in (("search", pat.findall), ("match", pat.match)):
            ratio, which = growth(call, pat.pattern, args.n)
            bad = ratio > 9.0
            flagged += bad
            if bad or args.all:
                print(
                    f"{'SLOW' if bad else 'ok  '} {how:<6} x{ratio:5.1f}  {name}  {which}  /{pat.pattern[:70]}/",
                    flush=True,
                )
    print(f"{flagged} patterns grow faster than linear", file=sys.stderr)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
