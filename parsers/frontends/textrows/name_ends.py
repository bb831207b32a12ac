"""Which words can end an owner name: the owner search's cheap first test of an end.

An owner cell that ran into its mitigation ("Legalrunbook linked from ...") can end anywhere, so
the search (`owner_cuts`) tries every end, and pricing one through the owner matcher is the
dearest step of reading a scraped row. An end inside a lower-case word ("Legalrunb|ook") ends a
name only when the word so far is a word of a name the vocabulary knows ("Legal|runbook"), or a
few typing edits from one ("Securty|read"): any other such end would be an unknown name cut
inside a word, a reading the letter case gives no ground for. Testing the word against the
words of the known names first leaves most ends of a run-together row unpriced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Words remembered per vocabulary before it starts afresh (memory flat in the corpus size).
MAX_REMEMBERED = 50_000


def near_words(names: Iterable[str], edits: Callable[[str], int]) -> dict[str, int]:
    """The words of folded names (as `name_words`), each with the most typing edits a name it is
    in allows (`edits`).

    >>> sorted(near_words(["data platform", "sre"], lambda n: 2 if len(n) >= 10 else 1).items())
    [('data', 2), ('dataplatform', 2), ('platform', 2), ('sre', 1)]
    """
    found: dict[str, int] = {}
    for name in names:
        for word in name_words([name]):
            found[word] = max(found.get(word, 0), edits(name))
    return found


def name_words(names: Iterable[str]) -> set[str]:
    """The words of folded names, and each name's last words run together, as a name cut at
    a lost space reads ("dataplatform").

    >>> sorted(name_words(["data platform", "sre"]))
    ['data', 'dataplatform', 'platform', 'sre']
    """
    found: set[str] = set()
    for name in names:
        words = name.split()
        found.update(words)
        found.update("".join(words[k:]) for k in range(len(words) - 1))
    return found


class NameEnds:
    """Words that can end a name: the words of the known names and of the words around names
    (role words, qualifiers, abbreviations), or words a few edits from a word of a known name
    (`near_words`, each with the typing edits the fuzzy matcher allows a name it is in: one in a
    short name, more in a long one; a role word is only ever taken off as it is written). A copy
    for a document (`parent` set) knows the words its own names add; it asks its parent, which
    every document shares, about the rest."""

    def __init__(self, words: Iterable[str], near_words: Mapping[str, int], parent: NameEnds | None = None) -> None:
        self.parent = parent
        self.words = frozenset(w for w in words if w)
        # The near words by the edits they allow, for one C loop per budget.
        by_edits: dict[int, list[str]] = {}
        for word, edits in near_words.items():
            if word and edits > 0:
                by_edits.setdefault(edits, []).append(word)
        self._by_edits = sorted((edits, sorted(words)) for edits, words in by_edits.items())
        self._seen: dict[str, bool] = {}

    def __contains__(self, word: str) -> bool:
        """Whether `word` (folded) is, or nearly is, a word of a known name.

        >>> ends = NameEnds(["security", "legal", "lead"], {"security": 1, "legal": 1})
        >>> [w in ends for w in ("legal", "securty", "securtyr", "legalrunb", "runbook", "leadx")]
        [True, True, False, False, False, False]
        >>> "qa" in NameEnds(["qa"], {}, parent=ends), "qa" in ends
        (True, False)
        """
        if self.parent is not None and word in self.parent:
            return True
        found = self._seen.get(word)
        if found is None:
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            found = self._seen[word] = word in self.words or self._near(word)
        return found

    def _near(self, word: str) -> bool:
        return any(
            process.extractOne(word, words, scorer=OSA.distance, score_cutoff=edits) is not None
            for edits, words in self._by_edits
        )


__all__ = ["NameEnds", "name_words", "near_words"]
