#!/usr/bin/env python3
"""Measure mojibake recovery and the cost of the repair stage on clean text.

    python bench/repair_recovery.py                   # 10,000 samples, seed 5
    python bench/repair_recovery.py --samples 2000 --seed 1 --show 20

Each sample is 1-4 lines of register-like text drawn from tests/data/text_inventory.json
(words, accented names, quotes, dashes, arrows, box drawing, check marks, emoji, symbols).
Every sample is encoded to UTF-8, decoded as cp1252 and as cp1254 with the undefined bytes
dropped, replaced by U+FFFD, or kept as C1 controls (the three things editors do), and
repaired; a sample counts as recovered when the repair gives back exactly the original text.
The clean samples themselves must come back unchanged. Also prints the time repair takes on
clean text (the pre-check only) and on mojibake. Figures quoted in the README come from here.
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.repair import repair_text  # noqa: E402

INVENTORY = REPO / "tests" / "data" / "text_inventory.json"
MODES = ("drop", "replace", "sloppy")
PAGES = ("cp1252", "cp1254")
codecs.register_error("bench_drop", lambda err: ("", err.end))
codecs.register_error("bench_sloppy", lambda err: ("".join(map(chr, err.object[err.start : err.end])), err.end))
ERRORS = {"drop": "bench_drop", "replace": "replace", "sloppy": "bench_sloppy"}


def load_inventory(path: Path = INVENTORY) -> dict:
    """The pools of text pieces, without the comment."""
    return {k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k != "comment"}


POOLS = ("words", "accented", "quoted", "dashes", "arrows", "boxes", "checks", "emoji", "symbols", "rivals")
WEIGHTS = (30, 12, 6, 8, 6, 3, 6, 10, 4, 0)


def sample(rng: random.Random, inventory: dict, rivals: float = 0.0) -> str:
    """One to four lines, each a few pieces from the pools, mostly words; accented words from
    one language. `rivals`: weight of the pool of characters no repair can tell apart."""
    accented = inventory["languages"][rng.choice(sorted(inventory["languages"]))]
    lines = []
    for _ in range(rng.randint(1, 4)):
        pieces = []
        for _ in range(rng.randint(3, 12)):
            pool = rng.choices(POOLS, (*WEIGHTS[:-1], rivals))[0]
            choices = accented if pool == "accented" else inventory[pool]
            piece = rng.choice(choices)
            if pool == "quoted":
                piece = piece.format(rng.choice(inventory["words"] + accented))
            pieces.append(piece)
        lines.append(" ".join(pieces))
    return "\n".join(lines)


def mojibake(text: str, page: str, mode: str) -> str:
    """UTF-8 read as `page`, undefined bytes handled as `mode`."""
    return text.encode("utf-8").decode(page, errors=ERRORS[mode])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--show", type=int, default=10, help="failures to print")
    ap.add_argument(
        "--rivals",
        type=float,
        default=0.0,
        help="weight of the pool of characters no repair can tell apart (words weigh 30, emoji 10)",
    )
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    pools = load_inventory()
    texts = [sample(rng, pools, args.rivals) for _ in range(args.samples)]

    failures: Counter[tuple[str, str]] = Counter()
    shown = 0
    broken_lines = 0
    start = time.perf_counter()
    for text in texts:
        for page in PAGES:
            for mode in MODES:
                bad = mojibake(text, page, mode)
                fixed = repair_text(bad)[0]
                if fixed != text:
                    failures[page, mode] += 1
                    if shown < args.show:
                        shown += 1
                        for want, got in zip(text.split("\n"), fixed.split("\n"), strict=False):
                            if want != got:
                                print(f"FAIL {page}/{mode}:\n  want {want!r}\n  got  {got!r}")
                                broken_lines += 1
                                break
    mojibake_seconds = time.perf_counter() - start

    changed_clean = sum(1 for t in texts if repair_text(t)[0] != t)
    clean_doc = "\n".join(texts)
    clean_no_trigger = "\n".join(line for line in clean_doc.split("\n") if "’s" not in line)
    timings = {}
    for name, doc in (("clean", clean_doc),):
        t0 = time.perf_counter()
        repair_text(doc)
        timings[name] = time.perf_counter() - t0
    ascii_doc = clean_no_trigger.encode("ascii", "ignore").decode() * 3
    t0 = time.perf_counter()
    for _ in range(20):
        repair_text(ascii_doc)
    ascii_per_mb = (time.perf_counter() - t0) / 20 / (len(ascii_doc.encode()) / 1e6)

    total = len(texts)
    print(
        f"samples: {total} (seed {args.seed}, rivals weight {args.rivals:g}), "
        f"each as {len(PAGES)} code pages x {len(MODES)} modes"
    )
    for page in PAGES:
        for mode in MODES:
            ok = total - failures[page, mode]
            print(f"  {page} {mode:<8} recovered {ok}/{total} = {ok / total:.2%}")
    all_ok = total * len(PAGES) * len(MODES) - sum(failures.values())
    print(
        f"recovered exactly: {all_ok}/{total * len(PAGES) * len(MODES)} = "
        f"{all_ok / (total * len(PAGES) * len(MODES)):.2%}"
    )
    print(f"clean samples changed by repair: {changed_clean}/{total}")
    print(
        f"time: mojibake {mojibake_seconds / (total * 6) * 1e3:.2f} ms per sample; "
        f"clean text with accents and emoji {timings['clean'] / (len(clean_doc.encode()) / 1e6) * 1e3:.0f} ms/MB; "
        f"clean ASCII-only {ascii_per_mb * 1e3:.1f} ms/MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
