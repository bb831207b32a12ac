"""The lexicon: every word riskreg reads documents with, as data.

Field labels and their synonyms ("Prob." is likelihood), labels registers carry without a
canonical field ("Date raised"), the words that mark page chrome, legends and tables that are
not registers (test cases, compliance mappings, action plans), checklist and sign-off words,
heading words, and the value vocabularies (scale, severity and status words, null values, owner
joiners, document-type words, month names, how dates and decimals are written) all live in TOML
files beside this module, one pack per language (`en.toml`, `es.toml`, `pt.toml`, `fr.toml`,
`de.toml`, `it.toml`, `nl.toml`, `ja.toml`, `zh.toml`). English is read in every document; a document is read with
English merged with the packs its own labels use (`parsers.recognise.language`). riskreg.toml
extends it (`[headers]`, `[scales]`, `[statuses]`, `[lexicon] files` and `languages`), so a team
adds a word, or a language, without touching code.

Every lookup is on folded text (`pipeline.textnorm.fold`: lower case, accents and punctuation
gone), so labels with accents, non-ASCII letters, full-width colons or odd case match alike.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pipeline.textnorm import fold

FOLDER = Path(__file__).resolve().parent
T = TypeVar("T")

# Answers kept per table of `Lexicon.remembered`, and the longest text whose answer is kept: a
# table holds a few MB at most, whatever the documents (a long line is seldom asked about again).
MAX_REMEMBERED = 4096
MAX_REMEMBERED_TEXT = 200

FIELDS: tuple[str, ...] = (
    "entry_id",
    "title",
    "likelihood",
    "impact",
    "score",
    "severity",
    "status",
    "owner",
    "mitigation",
)
RATING_FIELDS = frozenset({"likelihood", "impact", "score", "severity"})
DESCRIBING_FIELDS = RATING_FIELDS | {"status", "owner", "mitigation"}

# A header cell that is nothing but "#" or "No." folds to nothing; keep it recognisable.
BARE_NUMBER_HEADER_RE = re.compile(r"^\s*(#|no\.?|nº|n°|n\.º)\s*$", re.IGNORECASE)
# A number sign after a label's words ("Risk #", "Item#"): read as "No." ("Risk No."), the number
# of the thing the words name, which `fold` would otherwise drop, leaving "Risk".
TRAILING_NUMBER_SIGN_RE = re.compile(r"(?<=\w)\s*#\s*$")
# The longest abbreviation of "number" ("no", "nr", "n") that makes a label the number of what
# its other words name.
MAX_NUMBER_ABBREVIATION = 2
# A trailing scale hint on a label: "Likelihood (1-5)", "Impact rating (H/M/L)" -> retried without it.
LABEL_HINT_RE = re.compile(r"\b(?:\d+ \d+|h m l|l m h|1 to 5|rating|score|level)$")
# A slash between the parts of a label ("Status / next step"), not inside a scale ("H/M/L", "1/5").
SLASH_RE = re.compile(r"(?<=[^\W\d_)]{2})\s*/\s*(?=[^\W\d_(]{2})")
# A header naming a field inside it is read for the labels it contains up to this many words
# ("Risk Owner Recommendation"); a longer one is a sentence, not a label.
MAX_HEADER_WORDS = 5
# Field labels too short to be looked for inside a longer header ("l", "p", "i", "no").
MIN_INNER_LABEL = 4


def remembered_for_short_texts(function: Callable[..., T]) -> Callable[..., T]:
    """A pure function of a text (its first argument) and hashable others, its answers kept for
    texts of up to MAX_REMEMBERED_TEXT characters (the last 8,192 of them): headings and labels
    come back in every document of a template, and a hostile document's long texts are never kept.

    >>> calls = []
    >>> twice = remembered_for_short_texts(lambda text: calls.append(text) or text * 2)
    >>> twice("ab"), twice("ab"), twice("x" * 201) == "x" * 402, twice("x" * 201) == "x" * 402, len(calls)
    ('abab', 'abab', True, True, 3)
    """
    remembered = lru_cache(maxsize=8192)(function)

    @functools.wraps(function)
    def answer(text: str, *args: Any) -> T:
        return function(text, *args) if len(text) > MAX_REMEMBERED_TEXT else remembered(text, *args)

    return answer


@remembered_for_short_texts
def label_key(label: str) -> str:
    """The folded form of a label used for every lookup (remembered: the same header and field
    labels are looked up over and over).

    >>> label_key("Prob."), label_key("#"), label_key("L×I"), label_key("Responsável："), label_key("Nº")
    ('prob', '#', 'l x i', 'responsavel', '#')
    >>> label_key("Risk #"), label_key("Item#"), label_key("Risk No.")
    ('risk no', 'item no', 'risk no')
    """
    if BARE_NUMBER_HEADER_RE.match(label):
        return "#"
    if "#" in label:
        label = TRAILING_NUMBER_SIGN_RE.sub(" no", label)
    if "×" in label or "*" in label:
        label = label.replace("×", " x ").replace("*", " x ")
    return fold(label)


@dataclass(frozen=True)
class Lexicon:
    """One merged vocabulary. Build it with `load` (or `Lexicon.default()`); extend with `merged`."""

    # canonical field -> labels that name it
    labels: Mapping[str, tuple[str, ...]]
    # labels registers carry with no canonical field: their values go to `extra`
    extra_labels: tuple[str, ...] = ()
    # labels that name one field or another depending on the values ("Risk": title or severity)
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # named lists of words and phrases: "chrome_lines", "legend", "test_cases", "signoff"...
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # languages merged in, for the documents table and `riskreg explain`
    languages: tuple[str, ...] = ()
    # Value vocabularies, words folded: scale word -> level 1-5, severity word -> canonical
    # severity, canonical status -> the words written for it, owner short form -> words,
    # month name -> 1-12, canonical metadata key ("last updated") -> the keys written for it.
    # (A pack file lists them the other way round: `[scale] 4 = ["high", ...]`, `[severity]
    # high = [...]`, as translators write them, one level at a time.)
    scale: Mapping[str, int] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    status: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    owner_abbreviations: Mapping[str, str] = field(default_factory=dict)
    months: Mapping[str, int] = field(default_factory=dict)
    meta: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # How the language writes dates and decimals (`[format]`): "day-first" (31/12/2026) or
    # "month-first" (12/31/2026), "" when it does not say; a decimal comma ("2,5"), None when unsaid.
    dates: str = ""
    decimal_comma: bool | None = None
    # The language a pack file declares (`language = "es"`): it is read only in documents of that
    # language. "" for a file of words read in every document (a team's own labels).
    language: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    @staticmethod
    def default() -> Lexicon:
        """English: the lexicon every document is read with."""
        return load(("en",))

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with another's words added; where both name a label for different fields,
        the other's reading wins (a user's `[headers]`, a document's own language)."""
        theirs = {label_key(w): f for f in FIELDS for w in other.labels.get(f, ())}
        labels = {
            f: _unique(
                (*(w for w in self.labels.get(f, ()) if theirs.get(label_key(w), f) == f), *other.labels.get(f, ()))
            )
            for f in FIELDS
        }
        words = {k: _unique((*self.words.get(k, ()), *other.words.get(k, ()))) for k in {*self.words, *other.words}}
        return Lexicon(
            labels=labels,
            extra_labels=_unique((*self.extra_labels, *other.extra_labels)),
            ambiguous={**self.ambiguous, **other.ambiguous},
            words=words,
            languages=_unique((*self.languages, *other.languages)),
            scale={**self.scale, **other.scale},
            severity={**self.severity, **other.severity},
            status=merged_statuses(self.status, other.status),
            owner_abbreviations={**self.owner_abbreviations, **other.owner_abbreviations},
            months={**self.months, **other.months},
            meta={k: _unique((*self.meta.get(k, ()), *other.meta.get(k, ()))) for k in {*self.meta, *other.meta}},
            dates=other.dates or self.dates,
            decimal_comma=self.decimal_comma if other.decimal_comma is None else other.decimal_comma,
        )

    # ---- labels ---------------------------------------------------------------------------

    @property
    def label_fields(self) -> Mapping[str, str]:
        """folded label -> canonical field; a label listed for two fields keeps the first."""
        found = self._cache.get("label_fields")
        if found is None:
            found = {}
            for fld in FIELDS:
                for label in self.labels.get(fld, ()):
                    found.setdefault(label_key(label), fld)
            self._cache["label_fields"] = found
        return found

    def field_of(self, label: str) -> str | None:
        """The canonical field a label names, or None.

        >>> lex = Lexicon.default()
        >>> lex.field_of("Owner(s)"), lex.field_of("Likelihood (1-5)"), lex.field_of("Status / next step")
        ('owner', 'likelihood', 'status')
        >>> lex.field_of("Likelihood / Impact"), lex.field_of("Colour")
        (None, None)
        >>> lex.field_of("Risk #"), lex.field_of("Item No."), lex.field_of("Ticket #"), lex.is_extra("Ticket #")
        ('entry_id', 'entry_id', None, True)
        """
        return self.remembered("field_of", label, label, lambda: self._field_of(label))

    def _field_of(self, label: str) -> str | None:
        key = label_key(label)
        fields = self.label_fields
        if key in fields:
            return fields[key]
        if (subject := self.numbered_subject(key)) is not None:
            # "Risk #", "Item No.": the number of what the title names is the id; "Priority #"
            # stays what "Priority" is, "Ticket #" a label of its own.
            named = fields.get(subject)
            if named == "title" or "title" in self.choices(subject):
                return "entry_id"
            return None if self.is_extra(subject) else named
        # "Likelihood (1-5)", "Impact rating (H/M/L)": drop a trailing scale hint and retry.
        trimmed = LABEL_HINT_RE.sub("", key).strip()
        if trimmed and trimmed != key and trimmed in fields:
            return fields[trimmed]
        # "Status / next step", "Owner / team": the field the parts name, when they name only one.
        if "/" in label:
            parts = [p for p in SLASH_RE.split(label) if p.strip()]
            named = {f for p in parts if (f := self.field_of(p))} if len(parts) > 1 else set()
            return named.pop() if len(named) == 1 else None
        return None

    def header_field(self, header: str) -> str | None:
        """The field a table's header names: as a whole (`field_of`), else the longest field
        label it contains as whole words, for a header of at most five words ("Risk Owner
        Recommendation" -> owner, "Residual Likelihood" -> likelihood, "Probabilidad de
        ocurrencia" -> likelihood); ambiguous labels ("risk") are never taken from inside another
        header, nor labels too short to be looked for there ("l", "p", "no").

        >>> lex = Lexicon.default()
        >>> lex.header_field("Risk Owner Recommendation"), lex.header_field("Level of Impact")
        ('owner', 'impact')
        >>> lex.header_field("Risk appetite"), lex.header_field("Notes"), lex.header_field("Date raised")
        (None, None, None)
        """
        return self.remembered("header_field", header, header, lambda: self._header_field(header))

    def _header_field(self, header: str) -> str | None:
        found = self.field_of(header)
        if found is not None or self.is_extra(header):
            return found
        words = label_key(header).split()
        if not 1 < len(words) <= MAX_HEADER_WORDS:
            return None
        fields = self.label_fields
        if self._names_whose(words) and not any(fields.get(w) in RATING_FIELDS for w in words):
            return "owner"  # "Remediation owner"; "Impact on team" stays the impact
        for size in range(len(words) - 1, 0, -1):
            best: tuple[int, str] | None = None
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                fld = fields.get(part)
                if fld is None or len(part) < MIN_INNER_LABEL or self.choices(part):
                    continue
                if best is None or len(part) > best[0]:
                    best = (len(part), fld)
            if best is not None:
                return best[1]
        return None

    def _names_whose(self, words: list[str]) -> bool:
        """Whether a header's words name who owns something: they end with an owner word
        ("Remediation owner", "Treatment owner", "Response team"), or open with one and a
        connector ("Owner of remediation", "Responsable de la remediación"); the words about what
        is owned ("remediation", a longer label than "owner") do not make it the mitigation.

        >>> lex = Lexicon.default()
        >>> lex._names_whose(["remediation", "owner"]), lex._names_whose(["owner", "of", "treatment"])
        (True, True)
        >>> lex._names_whose(["remediation", "plan"]), lex._names_whose(["owner", "notes"])
        (False, False)
        """
        fields = self.label_fields
        return fields.get(words[-1]) == "owner" or (
            fields.get(words[0]) == "owner" and words[1] in self.phrases("name_connectors")
        )

    def numbered_subject(self, key: str) -> str | None:
        """What a folded label numbers ("risk no" -> "risk", "rischio n" -> "rischio"): its
        words before a last word that abbreviates `number_id_labels` ("#" and "No." fold to "no"),
        else None. A label ending in a whole word ("Ticket number") is read as it stands.

        >>> lex = Lexicon.default()
        >>> lex.numbered_subject("item no"), lex.numbered_subject("risk"), lex.numbered_subject("ticket number")
        ('item', None, None)
        """
        subject, _, last = key.rpartition(" ")
        abbreviation = last == "no" or (
            len(last) <= MAX_NUMBER_ABBREVIATION and last in self.phrases("number_id_labels")
        )
        return subject if subject and abbreviation else None

    def is_extra(self, label: str) -> bool:
        """Whether a label is one registers carry without a canonical field ("Date raised"), or
        the number of one ("Ticket #")."""
        keys = self._cache.get("extra")
        if keys is None:
            keys = self._cache["extra"] = frozenset(label_key(h) for h in self.extra_labels)
        key = label_key(label)
        return key in keys or ((subject := self.numbered_subject(key)) is not None and subject in keys)

    def is_label(self, label: str) -> bool:
        """A field label or one registers carry beside them."""
        return self.field_of(label) is not None or self.is_extra(label)

    def choices(self, label: str) -> tuple[str, ...]:
        """The fields an ambiguous label may name ("Risk" -> title or severity); () otherwise."""
        amb = self._cache.get("ambiguous")
        if amb is None:
            amb = self._cache["ambiguous"] = {label_key(k): tuple(v) for k, v in self.ambiguous.items()}
        return amb.get(label_key(label), ())

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Something derived from the lexicon (a compiled pattern), built once per lexicon."""
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = build()
        return found

    def remembered(self, table: str, text: str, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer of a pure function of (`key`, this lexicon) about `text` (held in `key`),
        computed once and kept in the named table (at most MAX_REMEMBERED answers, about texts of
        at most MAX_REMEMBERED_TEXT characters): recognisers ask the same questions of the same
        lines many times in one document, and in every document of a template.

        >>> lex, calls = Lexicon(labels={}), []
        >>> [lex.remembered("t", "x", "x", lambda: calls.append(1) or len(calls)) for _ in range(3)], calls
        ([1, 1, 1], [1])
        """
        if len(text) > MAX_REMEMBERED_TEXT:
            return compute()
        answers: dict[Hashable, Any] = self.cached(f"remembered:{table}", dict)
        if key in answers:
            return answers[key]
        if len(answers) >= MAX_REMEMBERED:
            answers.clear()
        found = answers[key] = compute()
        return found

    # ---- word lists -----------------------------------------------------------------------

    def phrases(self, name: str) -> frozenset[str]:
        """The folded phrases of a word list."""
        key = f"set:{name}"
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = frozenset(fold(w) or w for w in self.words.get(name, ()))
        return found

    def is_word(self, name: str, text: str) -> bool:
        """Whether the whole of `text` (folded) is a phrase of the list."""
        return (fold(text) or text.strip()) in self.phrases(name)

    def pattern(self, name: str) -> re.Pattern[str]:
        """A pattern finding any phrase of the list in folded text, at word boundaries,
        longest phrase first; a list with no words matches nothing."""
        key = f"re:{name}"
        found = self._cache.get(key)
        if found is None:
            phrases = sorted(self.phrases(name), key=len, reverse=True)
            body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases if p)
            found = self._cache[key] = re.compile(rf"(?<!\w)(?:{body})(?!\w)" if body else r"(?!x)x")
        return found

    def meta_key(self, key: str) -> str:
        """The canonical metadata key a written key stands for ("Última actualización" -> "last
        updated"), else the key folded.

        >>> Lexicon.default().meta_key("Last Updated")
        'last updated'
        """
        index = self._cache.get("meta")
        if index is None:
            index = self._cache["meta"] = {fold(w): k for k, ws in self.meta.items() for w in ws}
        return index.get(fold(key), fold(key))

    def mentions(self, name: str, text: str) -> bool:
        """Whether folded `text` holds any phrase of the list.

        >>> Lexicon.default().mentions("test_cases", "Test Cases (regression)")
        True
        """
        return self.pattern(name).search(fold(text)) is not None


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def merged_statuses(
    mine: Mapping[str, tuple[str, ...]], theirs: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Status words of two vocabularies; a word both give to different statuses keeps theirs.

    >>> merged_statuses({"open": ("open", "pending")}, {"mitigating": ("pending",)})
    {'open': ('open',), 'mitigating': ('pending',)}
    """
    reading = {fold(w): status for status, words in theirs.items() for w in words}
    return {
        status: _unique(
            (*(w for w in mine.get(status, ()) if reading.get(fold(w), status) == status), *theirs.get(status, ()))
        )
        for status in {**mine, **theirs}
    }


# `[format] dates`: how a language writes a date with numbers only.
DATE_ORDERS = ("", "day-first", "month-first")


def read_pack(path: Path) -> Lexicon:
    """One lexicon file: `[labels]` field -> list, `extra_labels`, `[ambiguous]`, `[words]`, the
    value tables `[scale]`, `[severity]`, `[status]`, `[owner_abbreviations]`, `[months]`,
    `[meta]` and `[format]`, and `language` (a user's file that belongs to one language)."""
    return _read_pack(path.resolve())


@lru_cache(maxsize=64)
def _read_pack(path: Path) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if path.parent == FOLDER:
        return from_data(data, path.stem)
    declared = str(data.get("language") or "")
    return from_data(data, declared or path.stem, declared=bool(declared))


def from_data(data: Mapping[str, Any], language: str, declared: bool = True) -> Lexicon:
    """A lexicon from parsed TOML data (a pack file or riskreg.toml's `[lexicon]` tables).

    Raises ValueError for a value table that does not say what it should (a scale level outside 1-5).
    """
    labels = {f: tuple(data.get("labels", {}).get(f, ())) for f in FIELDS}
    words = {k: tuple(v) for k, v in data.get("words", {}).items()}
    months = {fold(k): int(v) for k, v in data.get("months", {}).items()}
    meta = {k: tuple(v) for k, v in data.get("meta", {}).items()}
    # The names of the month and metadata tables are words the recognisers look for too.
    words["months"] = _unique((*words.get("months", ()), *months))
    words["meta_keys"] = _unique((*words.get("meta_keys", ()), *(w for ws in meta.values() for w in ws)))
    scale_table, fmt = data.get("scale", {}), data.get("format", {})
    if not set(scale_table) <= {"1", "2", "3", "4", "5"}:
        raise ValueError("[scale] must map levels 1-5 to lists of words")
    scale = {fold(w): int(level) for level, ws in scale_table.items() for w in ws}
    if fmt.get("dates", "") not in DATE_ORDERS or not all(1 <= m <= 12 for m in months.values()):
        raise ValueError("[format] dates must be 'day-first' or 'month-first', [months] map names to 1-12")
    return Lexicon(
        labels=labels,
        extra_labels=tuple(data.get("extra_labels", ())),
        ambiguous={k: tuple(v) for k, v in data.get("ambiguous", {}).items()},
        words=words,
        languages=(language,),
        scale=scale,
        severity={fold(w): severity for severity, ws in data.get("severity", {}).items() for w in ws},
        status={k: tuple(v) for k, v in data.get("status", {}).items()},
        owner_abbreviations={fold(k): fold(v) for k, v in data.get("owner_abbreviations", {}).items()},
        months=months,
        meta=meta,
        dates=fmt.get("dates", ""),
        decimal_comma=fmt.get("decimal_comma"),
        language=language if declared else "",
    )


@lru_cache(maxsize=32)
def load(languages: tuple[str, ...] = ("en",), extra_files: tuple[str, ...] = ()) -> Lexicon:
    """The shipped packs for `languages` merged in order, then the extra files (riskreg.toml's
    `[lexicon] files`): a file declaring a language only when that language is read, the others
    always, so that a team's own words win over every pack."""
    lexicon: Lexicon | None = None
    for name in languages:
        path = FOLDER / f"{name}.toml"
        pack = read_pack(path) if path.exists() else Lexicon(labels={}, languages=(name,), language=name)
        lexicon = pack if lexicon is None else lexicon.merged(pack)
    files = [read_pack(Path(p)) for p in extra_files]
    for pack in sorted(files, key=lambda pack: not pack.language):
        if not pack.language or pack.language in languages:
            lexicon = pack if lexicon is None else lexicon.merged(pack)
    assert lexicon is not None, "at least one language"
    return lexicon


# The value vocabularies a value no language of its document reads is looked up in, in every
# pack (`agreed_values`), and the word lists of checklist decisions among them.
DECISION_LISTS = ("decision_yes", "decision_no", "decision_pending")
# Scale and severity codes ("A" for Alta, "MB" for Muy baja, "TE" for Très élevé) stand for a
# word only in documents of their own language: another language's value must be longer.
MIN_AGREED_RATING_LETTERS = 3


@lru_cache(maxsize=8)
def agreed_values(files: tuple[str, ...] = ()) -> Lexicon:
    """Every pack's value words that all the packs having them read alike: scale, severity and
    status words, checklist decisions (yes, no, pending) and range joiners. What a rating,
    status or decision cell is read with when no language of its document reads it ("hoch" and
    "offen" under English labels); a word two packs read differently ("improbable": 1 in
    English, 2 in Spanish and French) is not among them, and no code of one or two letters is.

    >>> agreed = agreed_values()
    >>> agreed.scale["hoch"], agreed.scale["elevee"], "improbable" in agreed.scale, "a" in agreed.scale
    (4, 4, False, False)
    >>> "oui" in agreed.phrases("decision_yes"), "nein" in agreed.phrases("decision_no")
    (True, True)
    """
    packs = [load((lang,), files) for lang in available_languages(files)]
    scale = _agreed(
        (w, level) for pack in packs for w, level in pack.scale.items() if _letters(w) >= MIN_AGREED_RATING_LETTERS
    )
    severity = _agreed(
        (w, sev) for pack in packs for w, sev in pack.severity.items() if _letters(w) >= MIN_AGREED_RATING_LETTERS
    )
    status = _agreed((fold(w), st) for pack in packs for st, ws in pack.status.items() for w in ws if _letters(w) > 1)
    decisions = _agreed((w, name) for pack in packs for name in DECISION_LISTS for w in pack.phrases(name))
    statuses: dict[str, list[str]] = {}
    for word, st in status.items():
        statuses.setdefault(st, []).append(word)
    words = {name: tuple(w for w, n in decisions.items() if n == name and _letters(w) > 1) for name in DECISION_LISTS}
    words["range_joiners"] = _unique(w for pack in packs for w in pack.phrases("range_joiners"))
    return Lexicon(
        labels={},
        words=words,
        languages=tuple(lang for pack in packs for lang in pack.languages),
        scale=scale,
        severity=severity,
        status={st: tuple(ws) for st, ws in statuses.items()},
    )


def _agreed(readings: Iterable[tuple[str, T]]) -> dict[str, T]:
    """word -> reading, for the words every reading given agrees on.

    >>> _agreed([("alta", 4), ("rare", 1), ("improbable", 1), ("improbable", 2), ("alta", 4)])
    {'alta': 4, 'rare': 1}
    """
    found: dict[str, T] = {}
    split: set[str] = set()
    for word, reading in readings:
        if found.setdefault(word, reading) != reading:
            split.add(word)
    return {w: r for w, r in found.items() if w not in split}


def _letters(word: str) -> int:
    """How many letters and digits a word has (a code's "m b" has two)."""
    return sum(c.isalnum() for c in word)


def every_language() -> Lexicon:
    """English and every shipped pack merged: for a glance that must know a register in any
    language before its language is known (sniffing a delimited file's header line)."""
    return load(("en", *(lang for lang in available_languages() if lang != "en")))


def available_languages(extra_files: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Languages shipped as packs beside this module, and those the extra files declare."""
    if not extra_files:
        return shipped_languages()
    declared = (pack.language for p in extra_files if (pack := read_pack(Path(p))).language)
    return tuple(sorted({*shipped_languages(), *declared}))


@lru_cache(maxsize=1)
def shipped_languages() -> tuple[str, ...]:
    """The packs installed beside this module (listed once: every document asks)."""
    return tuple(sorted(p.stem for p in FOLDER.glob("*.toml")))


__all__ = [
    "DESCRIBING_FIELDS",
    "FIELDS",
    "RATING_FIELDS",
    "Lexicon",
    "agreed_values",
    "available_languages",
    "every_language",
    "label_key",
    "load",
    "merged_statuses",
    "read_pack",
    "remembered_for_short_texts",
]
