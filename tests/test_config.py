"""riskreg.toml: defaults in code, every key loads, unknown keys and bad values name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config, config_keys, load_config, read_owner_directory
from pipeline.errors import ConfigError
from pipeline.vocab import SEVERITY_BANDS

EVERY_KEY = """
[headers]
owner = ["Steward"]

[scales]
words = { "sky high" = 5 }
severity_words = { "showstopper" = "critical" }
severity_bands = [[5, "low"], [10, "medium"], [15, "high"], [25, "critical"]]

[statuses]
open = ["on hold"]

[owners]
directory = "owners.csv"
role_words = ["lead", "team"]
qualifiers = ["platform"]
role_titles = ["tech lead"]
joiners = ["+", "/"]
abbreviations = { plat = "platform" }

[services]
type_words = ["register", "risk"]
generic_folders = ["docs"]

[matching]
min_score = 90
margin = 8.5
min_length = 4
max_edits = 1

[values]
null = ["", "-", "n/a"]

[review]
decisions = "review/decisions.csv"
merge_min_score = 92

[lexicon]
files = ["team-words.toml"]
languages = ["es"]

[limits]
max_document_mb = 5
document_seconds = 12.5
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "owners.csv").write_text("canonical,alias\nSecurity,InfoSec\nSRE,\n", encoding="utf-8")
    (tmp_path / "team-words.toml").write_text('[labels]\nowner = ["Custodian"]\n', encoding="utf-8")
    path = tmp_path / "riskreg.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file() -> None:
    config = load_config(None)
    assert config == Config() and config.severity_bands == SEVERITY_BANDS and config.owner_directory == ()
    assert config.guards.min_score == 85.0


def test_every_documented_key_loads(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, EVERY_KEY))
    assert config.header_synonyms == {"owner": ("Steward",)}
    assert config.scale_words["sky high"] == 5 and config.scale_words["high"] == 4  # extends the defaults
    assert config.severity_words["showstopper"] == "critical"
    assert config.severity_bands == ((5, "low"), (10, "medium"), (15, "high"), (25, "critical"))
    assert "on hold" in config.status_synonyms["open"] and "todo" in config.status_synonyms["open"]
    assert [(a.canonical, a.alias) for a in config.owner_directory] == [
        ("Security", "Security"),
        ("Security", "InfoSec"),
        ("SRE", "SRE"),
    ]
    assert config.owner_role_words == ("lead", "team") and config.owner_joiners == ("+", "/")
    assert config.owner_qualifiers == ("platform",) and config.owner_role_titles == ("tech lead",)
    assert config.owner_abbreviations["plat"] == "platform" and config.owner_abbreviations["mgmt"] == "management"
    assert config.service_type_words == ("register", "risk") and config.service_generic_folders == ("docs",)
    assert (config.match_min_score, config.match_margin, config.match_min_length) == (90.0, 8.5, 4)
    assert config.guards.max_edits == 1
    assert config.null_values == ("", "-", "n/a")
    assert config.decisions_file("x.duckdb") == tmp_path / "review" / "decisions.csv"
    assert config.merge_min_score == 92.0
    assert config.max_document_bytes == 5 * 2**20 and config.document_seconds == 12.5
    assert config.lexicon.field_of("Custodian") == "owner" and config.lexicon.field_of("Steward") == "owner"
    assert config.languages == ("en", "es") and config.lexicon.field_of("Probabilidad") == "likelihood"
    # every key the loader knows is in this test's file
    for key in config_keys():
        table, name = key.split(".")
        assert f"[{table}]" in EVERY_KEY and (name.startswith("<") or f"\n{name} =" in EVERY_KEY), key


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[matching]\nmin_scor = 80\n", "matching.min_scor"),
        ("[owner]\ndirectory = 'x.csv'\n", "[owner]"),
        ("[statuses]\nfinished = ['done']\n", "statuses.finished"),
        ("[headers]\nassignee = ['Who']\n", "headers.assignee"),
        ("[matching]\nmin_score = 'high'\n", "matching.min_score"),
        ("[matching]\nmin_score = 150\n", "matching.min_score"),
        ("[matching]\nmin_length = true\n", "matching.min_length"),
        ("[scales]\nwords = { huge = 9 }\n", "scales.words"),
        ("[scales]\nseverity_words = { huge = 'enormous' }\n", "scales.severity_words"),
        ("[scales]\nseverity_bands = [[9, 'medium'], [6, 'low']]\n", "scales.severity_bands"),
        ("[scales]\nseverity_bands = [[6, 'low'], [9, 'medium']]\n", "scales.severity_bands"),
        ("[owners]\nrole_words = 'lead'\n", "owners.role_words"),
        ("[owners]\ndirectory = 'missing.csv'\n", "missing.csv"),
        ("[lexicon]\nlanguages = ['xx']\n", "lexicon.languages"),
        ("[lexicon]\nlanguages = 'es'\n", "lexicon.languages"),
        ("sniff = 1\n", "[sniff]"),
        ("[sniff\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_file_and_the_key(tmp_path: Path, text: str, named: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value) and named in str(err.value)


def test_owner_directory_rows_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "owners.csv"
    good.write_text(
        "\ufeffCanonical,Alias,Notes\nSRE,Site Reliability Engineering,x\n,,\nSRE,SRE team\n", encoding="utf-8"
    )
    assert [(a.canonical, a.alias) for a in read_owner_directory(good)] == [
        ("SRE", "SRE"),
        ("SRE", "Site Reliability Engineering"),
        ("SRE", "SRE team"),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("canonical,alias\nSRE,\n,orphan alias\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.csv:3: row has no canonical"):
        read_owner_directory(bad)
    headless = tmp_path / "headless.csv"
    headless.write_text("name,alias\nSRE,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="canonical"):
        read_owner_directory(headless)


def test_decisions_live_beside_the_database_by_default() -> None:
    assert Config().decisions_file("/data/registers.duckdb") == Path("/data/registers.decisions.csv")


def test_normalisation_settings_change_the_fingerprint() -> None:
    assert Config().fingerprint() != Config(match_min_score=90.0).fingerprint()
    assert Config().fingerprint() == Config(decisions_path="elsewhere.csv").fingerprint()
