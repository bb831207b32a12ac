"""The README is the user's manual: every CLI command, table, view and column is documented there
(as sqlite-utils' tests/test_docs.py does for its commands)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.charts import Svg
from pipeline.cli import main
from pipeline.config import Config
from pipeline.load import connect
from pipeline.run import ingest
from tests.history_scenario import BILLING

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
# Mentioned, not for analysts.
INTERNAL_TABLES = {"cache_documents", "cache_entries", "entry_matches", "service_steps", "schema_info"}


def schema(tmp_path: Path) -> dict[str, list[str]]:
    con = connect(tmp_path / "docs.duckdb")
    try:
        rows = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def readme_section(heading: str) -> str:
    """The README text from a `### heading` to the next heading of level 2 or 3."""
    match = re.search(rf"^###\s+{re.escape(heading)}\s*$(.*?)(?=^##\s|^###\s|\Z)", README, re.M | re.S)
    assert match, f"README has no section '### {heading}'"
    return match.group(1)


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_documented(command: str) -> None:
    assert re.search(rf"^###\s+`riskreg {command}\b", README, re.M), f"README lacks a '### `riskreg {command}`' section"


def test_every_table_view_and_column_is_documented(tmp_path: Path) -> None:
    missing = []
    for table, columns in schema(tmp_path).items():
        if table in INTERNAL_TABLES:
            assert f"`{table}`" in README, f"internal table {table} is not even mentioned"
            continue
        if table in ("risks", "checks"):  # views over entries
            assert f"view `{table}`" in README.lower()
            continue
        text = readme_section(f"`{table}`")
        missing += [f"{table}.{c}" for c in columns if f"`{c}`" not in text]
    assert not missing, f"columns not documented in README: {missing}"
    assert "`live`" in readme_section("`entries`") and "`entries_as_of(run_id)`" in README


def test_every_table_view_and_column_carries_a_comment(tmp_path: Path) -> None:
    """`COMMENT ON` text, so that DuckDB clients and `duckdb_columns()` explain the schema too."""
    con = connect(tmp_path / "docs.duckdb")
    try:
        bare = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL OR comment = '' "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND (comment IS NULL OR comment = '') "
            "UNION ALL SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        macro = con.execute("SELECT comment FROM duckdb_functions() WHERE function_name = 'entries_as_of'").fetchall()
    finally:
        con.close()
    assert not bare, f"no COMMENT: {[b[0] for b in bare]}"
    assert macro and macro[0][0]


def test_readme_first_screen_has_exactly_two_setup_commands() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "riskreg ingest data/raw" in commands[0] and "pytest" in commands[1]


def test_notebook_runs_against_a_database_of_two_nights(tmp_path: Path) -> None:
    """The analyst notebook runs top to bottom, and its "what changed this week" cells find the
    edits made between two runs over the samples."""
    repo = Path(__file__).resolve().parent.parent
    docs, db = tmp_path / "raw", tmp_path / "registers.duckdb"
    shutil.copytree(repo / "data" / "raw", docs)
    config = Config().with_owner_directory(repo / "data" / "owners.csv")
    first_night = ingest(docs, db, config, workers=1)
    (docs / "tariff-engine-risk-register.md").unlink()
    (docs / "billing-risk-register.md").write_text(BILLING, encoding="utf-8")
    ingest(docs, db, config, workers=1)

    notebook = json.loads((repo / "notebooks" / "querying_registers.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]).replace("'../data/normalized/registers.duckdb'", repr(str(db)))
            exec(compile(f"_ = ({source})" if "\n" not in source.strip() else source, "notebook", "exec"), namespace)
    namespace["con"].close()
    assert first_night.entries > 50
    assert list(namespace["per_night"]["new"]) == [first_night.entries, 1]  # every entry on night 1; B-1 on night 2
    assert namespace["per_night"]["retired"].iloc[-1] > 0  # the tariff engine's entries
    assert isinstance(namespace["chart"], Svg) and "<rect class='bar'" in namespace["chart"]._repr_svg_()
    changes = namespace["new_or_gone"]
    assert {"new", "retired"} <= set(changes["change"]) and "B-1" in set(changes["entry_id"])


def test_readme_riskreg_toml_reference_is_a_valid_config(tmp_path: Path) -> None:
    """The reference block in the README loads: every key it shows exists and has the right type."""
    from pipeline.config import load_config

    block = README.split("### riskreg.toml reference", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    (tmp_path / "owners.csv").write_text("canonical,alias\nSecurity,Information Security\n", encoding="utf-8")
    config_path = tmp_path / "riskreg.toml"
    config_path.write_text(block, encoding="utf-8")
    config = load_config(config_path)
    assert any(row.canonical == "Security" for row in config.owner_directory)
