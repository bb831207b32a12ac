"""The lexicon files are data: each must load, and no list may be written twice (TOML refuses a
key defined twice, and a merge of two branches that both add words makes exactly that)."""

from __future__ import annotations

import tomllib

import pytest

from parsers.lexicon import FOLDER, available_languages, load


@pytest.mark.parametrize("language", available_languages())
def test_every_pack_loads(language: str) -> None:
    data = tomllib.loads((FOLDER / f"{language}.toml").read_text(encoding="utf-8"))
    assert data.get("labels") or data.get("words"), f"{language}.toml says nothing"
    assert load((language,)).languages == (language,)
