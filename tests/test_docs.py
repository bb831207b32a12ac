"""The README is the user's manual: every CLI command, table, view and column is documented there
(as sqlite-utils' tests/test_docs.py does for its commands)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.load import connect

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
INTERNAL_TABLES = {"parse_cache", "schema_info"}  # mentioned, not for analysts


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


def test_readme_first_screen_has_exactly_two_setup_commands() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in first_block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "riskreg ingest data/raw" in commands[0] and "pytest" in commands[1]


def test_notebook_queries_run_against_a_real_database(tmp_path: Path) -> None:
    """The analyst notebook's SQL stays true to the schema."""
    import json

    from pipeline.config import Config
    from pipeline.run import ingest

    repo = Path(__file__).resolve().parent.parent
    db = tmp_path / "registers.duckdb"
    ingest(repo / "data" / "raw", db, Config(), workers=1)
    notebook = json.loads((repo / "notebooks" / "querying_registers.ipynb").read_text(encoding="utf-8"))
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]).replace("'../data/normalized/registers.duckdb'", repr(str(db)))
            exec(compile(f"_ = ({source})" if "\n" not in source.strip() else source, "notebook", "exec"), namespace)
    namespace["con"].close()


def test_readme_riskreg_toml_reference_is_a_valid_config(tmp_path: Path) -> None:
    """The reference block in the README loads: every key it shows exists and has the right type."""
    from pipeline.config import load_config

    block = README.split("### riskreg.toml reference", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    (tmp_path / "owners.csv").write_text("canonical,alias\nSecurity,Information Security\n", encoding="utf-8")
    config_path = tmp_path / "riskreg.toml"
    config_path.write_text(block, encoding="utf-8")
    config = load_config(config_path)
    assert config.sniff_threshold == 0.5
    assert any(row.canonical == "Security" for row in config.owner_directory)
