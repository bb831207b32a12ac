"""Normalise services: one canonical service name per document, clustered across documents.

A document's service comes from a `Service:` metadata line, else from its title with the
document-type words taken off ("Operator Management Service — Service Risk Register" ->
"Operator Management Service"), else from its folder. Names are then clustered across all
documents by a key that ignores case, punctuation and the word "service", so that
"lock-integration-service" and "Lock Integration Service" are one service, named by its most
readable, most common form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from pipeline.textnorm import fold, squash

# Separators between a title's parts: "X — Service Risk Register", "X: Readiness", "X | Risks".
TITLE_SPLIT_RE = re.compile(r"\s+[—–-]\s+|\s*[—–|]\s*|:\s+")
# Words that say what kind of document it is, not which service.
DOC_TYPE_WORDS = frozenset((
    "service", "services", "risk", "risks", "register", "registry", "readiness", "checklist", "check", "checks",
    "list", "assessment", "residual", "mitigation", "mitigations", "playbook", "playbooks", "and", "review",
    "matrix", "threat", "model", "report", "document", "doc", "docs", "production", "launch", "go", "live",
    "operational", "operations", "raid", "log", "sign", "off", "signoff", "the", "of", "for", "a", "v1", "v2",
    "draft", "final", "template", "overview", "summary", "status", "tracker",
))
# Folders that hold registers but do not name a service.
GENERIC_FOLDERS = frozenset(("docs", "doc", "registers", "risks", "readiness", "assessments", "scraped", "pages",
                             "raw", "data", "wiki", "src", "content"))


def service_key(name: str) -> str:
    """Clustering key: folded, without document-type words.

    >>> service_key("lock-integration-service") == service_key("Lock Integration Service")
    True
    """
    words = [w for w in fold(name.replace("_", " ")).split() if w not in DOC_TYPE_WORDS]
    return " ".join(words)


def service_of_document(title: str | None, metadata: Mapping[str, str], path: str) -> str | None:
    """The service a document is about, as written in it.

    >>> service_of_document("Operator Management Service — Service Risk Register", {}, "x.md")
    'Operator Management Service'
    >>> service_of_document("SERVICE_RISK_REGISTER — lock-integration-service", {}, "x.txt")
    'lock-integration-service'
    """
    for key in ("service", "service name", "system"):
        if metadata.get(key):
            return squash(metadata[key])
    if title:
        parts = [p.strip(" #*_") for p in TITLE_SPLIT_RE.split(title) if p and p.strip(" #*_")]
        scored = [(len(service_key(p).split()) / max(1, len(fold(p.replace("_", " ")).split())), -k, p)
                  for k, p in enumerate(parts)]
        if scored:
            share, _, best = max(scored)
            if share > 0:
                return best
    folders = [f for f in PurePosixPath(path).parent.parts if fold(f) not in GENERIC_FOLDERS]
    return folders[-1] if folders else None


def readability(name: str) -> tuple[int, int]:
    """Prefer "Lock Integration Service" over "lock-integration-service" as a display name."""
    return (sum(c.isupper() for c in name[:1]) + (" " in name), -name.count("-") - name.count("_"))


def canonical_services(names: Iterable[str | None]) -> dict[str, str]:
    """Each written service name -> its cluster's display name (most common, most readable)."""
    counts = Counter(n for n in names if n)
    clusters: dict[str, Counter[str]] = {}
    for name, n in counts.items():
        clusters.setdefault(service_key(name) or fold(name), Counter())[name] += n
    display = {key: max(forms, key=lambda f: (forms[f], readability(f), f)) for key, forms in clusters.items()}
    return {name: display[service_key(name) or fold(name)] for name in counts}
