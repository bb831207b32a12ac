"""The text keys every lookup goes through: their fast paths give what the plain definitions give."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.textnorm import INVISIBLE_CHARS, fold, squash

# Text as documents hold it: ASCII words and punctuation, the Unicode spaces scraped pages are
# full of (no-break, em, ideographic, the file separators str.isspace counts), accents, emoji.
TEXTS = st.text(
    alphabet=st.sampled_from(list("aZ09 _-*:!\t\n\r\x0b\x0c\x1c\x1f\xa0\u2003\u3000\u200béÉçß🟢ı\u0301"))
    | st.characters(),
    max_size=100,  # past fold's 64 characters remembered too
)


def _squash_by_definition(text: str) -> str:
    # Invisible characters go first, so a zero-width space between two spaces leaves one run.
    return re.sub(r"\s+", " ", re.sub(f"[{INVISIBLE_CHARS}]", "", text)).strip()


def _fold_by_definition(text: str) -> str:
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", stripped.casefold()).strip()


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_squash_is_a_substitution_of_whitespace_runs_and_a_strip(text: str) -> None:
    assert squash(text) == _squash_by_definition(text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_fold_is_the_same_on_its_fast_paths_as_by_definition(text: str) -> None:
    assert fold(text) == _fold_by_definition(text)


def test_fold_of_one_ascii_word_is_its_lower_case() -> None:
    assert [fold(w) for w in ("Likelihood", "R001", "SRE", "x_y")] == ["likelihood", "r001", "sre", "x y"]
