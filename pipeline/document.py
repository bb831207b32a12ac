"""The per-document work: bytes + config in, DocumentResult out. Pure, so it runs anywhere (a
process pool, a Dask worker, a test), and the only place with a broad `except`, once per
document and stage: a bug in a front end or recogniser is a rejection naming the document,
never a stopped run.

decode -> repair -> the front end that fits the syntax -> recognisers -> reconcile
(`parsers.reader` does the middle). The orchestration around it (which documents, in which
process, what is cached) is `pipeline.run`.
"""

from __future__ import annotations

import hashlib
import traceback
from collections import Counter
from dataclasses import replace

from parsers import reader
from pipeline.config import Config
from pipeline.decode import decode_document
from pipeline.errors import DecodeError, ParseError
from pipeline.reconcile import dropped_supplements, reconcile
from pipeline.records import Document, DocumentResult, RawEntry, Rejection


def process_document(path: str, data: bytes, config: Config) -> DocumentResult:
    """Everything done to one document on its own: a pure function of its bytes and the config.

    Never raises: what goes wrong becomes a Rejection naming the file, line and stage.
    """
    sha = hashlib.sha256(data).hexdigest()
    base = DocumentResult(path=path, sha256=sha, size=len(data))
    try:
        doc = decode_document(path, data, sha)
    except DecodeError as err:
        return replace(base, rejections=(Rejection(path, "decode", err.message, err.line),))
    except Exception as err:  # noqa: BLE001 - the one broad catch: a bug must not stop the run
        return replace(base, rejections=(crash(path, "decode", err),))
    base = replace(base, encoding=doc.encoding, repairs=doc.repairs)
    return _read_tree(doc, config, base)


def _read_tree(doc: Document, config: Config, base: DocumentResult) -> DocumentResult:
    """The document-model path: one front end builds the block tree, the recognisers read it."""
    path = doc.path
    try:
        reading = reader.read(doc, config)
    except ParseError as err:
        return replace(base, rejections=(Rejection(path, "parse", err.message, err.line),))
    except Exception as err:  # noqa: BLE001 - a parser bug is a rejection, never a crashed run
        return replace(base, rejections=(crash(path, "parse", err),))
    parsed = reading.parsed
    groups: dict[str, list[RawEntry]] = {}
    for entry in parsed.entries:
        groups.setdefault(entry.parser, []).append(entry)
    entries = reconcile(list(groups.values()))
    skipped = (*parsed.skipped, *dropped_supplements(parsed.entries, entries))
    problems: tuple[Rejection, ...] = ()
    if not entries:
        reasons = Counter(s.reason for s in skipped)
        seen = "; ".join(f"{n} x {reason}" for reason, n in reasons.most_common(4)) or "no tables, sections or lists"
        problems = (
            Rejection(
                path,
                "parse",
                f"read as {parsed.syntax} but no entries found (skipped: {seen}); "
                "run `riskreg explain` on it to see how it was read",
            ),
        )
    return replace(
        base,
        format=parsed.syntax,
        sniff_scores=reading.sniff_scores,
        parsers=tuple(dict.fromkeys(e.parser for e in entries)),
        title=parsed.title,
        metadata=parsed.metadata,
        stated_scales=parsed.stated_scales,
        entries=tuple(entries),
        rejections=problems,
        skipped=tuple(sorted(skipped, key=lambda s: s.line)),
        languages=parsed.languages,
    )


def crash(path: str, stage: str, err: BaseException, parser: str | None = None) -> Rejection:
    """A rejection for an internal error, with the traceback for the bug report."""
    where = f"{parser}: " if parser else ""
    line = getattr(err, "line", None)
    return Rejection(
        path,
        stage,  # type: ignore[arg-type]
        f"{where}internal error {type(err).__name__}: {err} (please report it)",
        line if isinstance(line, int) else None,
        traceback.format_exc(limit=8),
    )


__all__ = ["crash", "process_document"]
