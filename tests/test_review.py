"""Review: uncertain matches listed, decisions saved to a file and applied by the next run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import ConfigError
from pipeline.review import Decision, forget, read_decision_rows, read_decisions, record

REGISTER = """# Badge Access Service — Service Risk Register

| ID | Risk | Likelihood | Impact | Status | Owner |
|---|---|---|---|---|---|
| BA-1 | Reader firmware bricks after update | Medium | High | On hold | J. Smith |
| BA-2 | Audit rows deleted by an admin | Low | Critical | Mitgating | Secruity lead |
| BA-3 | Door controller clock drifts | High | Medium | FIXED | Platform SRE |
"""
ASSESSMENT = """# Badge Access Service — Residual Risk Assessment

| Ref | Risk | Likelihood | Impact | Owner |
|---|---|---|---|---|
| RA-7 | Reader firmware bricks after an update | Medium | High | SRE |
| RA-8 | Visitor badges never expire | Low | Medium | Security |
"""
OWNERS = "canonical,alias\nSecurity,\nSRE,\nJane Smith,\nJohn Smith,\n"


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    docs = tmp_path / "docs"
    (docs / "badge-access").mkdir(parents=True)
    (docs / "badge-access" / "register.md").write_text(REGISTER, encoding="utf-8")
    (docs / "badge-access" / "assessment.md").write_text(ASSESSMENT, encoding="utf-8")
    owners = tmp_path / "owners.csv"
    owners.write_text(OWNERS, encoding="utf-8")
    return docs, owners, tmp_path / "r.duckdb"


def ingest(runner: CliRunner, docs: Path, owners: Path, db: Path) -> None:
    result = runner.invoke(main, ["ingest", str(docs), "--db", str(db), "--owners", str(owners), "--workers", "1"])
    assert result.exit_code == 0, result.output


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def review(runner: CliRunner, db: Path, *args: str):
    return runner.invoke(main, ["review", "--db", str(db), *args])


def test_review_lists_uncertain_matches_and_merge_candidates(setup: tuple[Path, Path, Path]) -> None:
    docs, owners, db = setup
    runner = CliRunner()
    ingest(runner, docs, owners, db)
    result = review(runner, db)
    assert result.exit_code == 0, result.output
    assert "'J. Smith' -> ?" in result.output and "'On hold' -> ?" in result.output
    assert "Secruity" not in result.output  # decided with confidence, not uncertain
    assert "merge candidates: 1" in result.output and "Reader firmware bricks after an update" in result.output
    listing = json.loads(review(runner, db, "--json").output)
    flagged = {(m["vocabulary"], m["raw"]) for m in listing["matches"]}
    assert flagged == {("owner", "J. Smith"), ("status", "On hold")}
    assert listing["merge_candidates"][0]["similarity"] >= 85
    assert review(runner, db, "--all", "--vocabulary", "owner").output.count("owner ") >= 4


def test_decisions_survive_re_runs(setup: tuple[Path, Path, Path]) -> None:
    docs, owners, db = setup
    runner = CliRunner()
    ingest(runner, docs, owners, db)
    before = dict(query(db, "SELECT entry_id, owners FROM entries"))
    assert before["BA-1"] == ["J. Smith"] and before["BA-2"] == ["Security"]

    for args in (
        ["accept", "owner", "J. Smith", "Jane Smith"],  # a correction
        ["accept", "owner", "Secruity lead", "SRE"],  # overrides a confident match
        ["accept", "status", "On hold", "open"],
        ["reject", "owner", "Platform SRE"],
    ):  # keep as written
        result = review(runner, db, *args)
        assert result.exit_code == 0, result.output
        assert "saved to" in result.output
    decisions = db.with_name("r.decisions.csv")
    assert [d.raw for d in read_decision_rows(decisions)] == ["J. Smith", "Secruity lead", "On hold", "Platform SRE"]

    ingest(runner, docs, owners, db)  # the next run reads the file first
    after = {row[0]: row[1:] for row in query(db, "SELECT entry_id, owners, status FROM entries")}
    assert after["BA-1"] == (["Jane Smith"], "open")
    assert after["BA-2"][0] == ["SRE"]
    assert after["BA-3"][0] == ["Platform SRE"]
    assert query(db, "SELECT count(*) FROM matches WHERE needs_review") == [(0,)]
    assert query(db, "SELECT method FROM matches WHERE raw = 'J. Smith'") == [("decision",)]
    assert "uncertain matches: 0" in review(runner, db).output

    assert review(runner, db, "forget", "owner", "J. Smith").exit_code == 0
    ingest(runner, docs, owners, db)
    assert query(db, "SELECT owners FROM entries WHERE entry_id = 'BA-1'") == [(["J. Smith"],)]


def test_accept_without_a_canonical_takes_the_proposal(setup: tuple[Path, Path, Path]) -> None:
    docs, owners, db = setup
    runner = CliRunner()
    ingest(runner, docs, owners, db)
    assert review(runner, db, "accept", "owner", "J. Smith").exit_code == 0
    saved = read_decisions(db.with_name("r.decisions.csv")).values
    assert saved[("owner", "j smith")] in ("Jane Smith", "John Smith")
    no_proposal = review(runner, db, "accept", "status", "On hold")
    assert no_proposal.exit_code == 1 and "give the canonical value" in no_proposal.output


def test_bad_decisions_are_refused(setup: tuple[Path, Path, Path]) -> None:
    docs, owners, db = setup
    runner = CliRunner()
    ingest(runner, docs, owners, db)
    bad_status = review(runner, db, "accept", "status", "On hold", "paused")
    assert bad_status.exit_code == 1 and "status must be one of" in bad_status.output
    assert review(runner, db, "accept", "colour", "x", "y").exit_code == 2
    assert review(runner, db, "merge", "nope", "nada").exit_code == 1
    assert not db.with_name("r.decisions.csv").exists()


def test_merge_and_distinct_decisions(setup: tuple[Path, Path, Path]) -> None:
    docs, owners, db = setup
    runner = CliRunner()
    ingest(runner, docs, owners, db)
    pair = json.loads(review(runner, db, "--json").output)["merge_candidates"][0]
    a, b = pair["a"]["entry_key"], pair["b"]["entry_key"]
    assert review(runner, db, "merge", a, b).exit_code == 0
    assert "merge candidates: 0" in review(runner, db).output
    ingest(runner, docs, owners, db)
    assert query(db, "SELECT raw, canonical, method FROM matches WHERE vocabulary = 'risk'") == [(a, b, "decision")]
    assert query(db, "SELECT count(*) FROM entries") == [(5,)]  # both entries stay in entries...
    assert query(db, "SELECT entry_key, duplicate_of FROM entries WHERE duplicate_of IS NOT NULL") == [(a, b)]
    risks = query(db, "SELECT entry_key FROM risks")
    assert (a,) not in risks and (b,) in risks  # ...but the merged risk counts once
    assert review(runner, db, "distinct", a, b).exit_code == 0
    ingest(runner, docs, owners, db)
    assert query(db, "SELECT count(*) FROM matches WHERE vocabulary = 'risk'") == [(0,)]
    assert query(db, "SELECT count(*) FROM entries WHERE duplicate_of IS NOT NULL") == [(0,)]
    assert "merge candidates: 0" in review(runner, db).output


def test_the_decisions_file_can_be_set_in_riskreg_toml(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    docs, owners, db = setup
    config = tmp_path / "riskreg.toml"
    config.write_text('[review]\ndecisions = "team/decisions.csv"\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        main, ["ingest", str(docs), "--db", str(db), "--owners", str(owners), "--config", str(config), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main, ["review", "--db", str(db), "--config", str(config), "accept", "owner", "J. Smith", "John Smith"]
    )
    assert result.exit_code == 0 and (tmp_path / "team" / "decisions.csv").exists()
    runner.invoke(
        main, ["ingest", str(docs), "--db", str(db), "--owners", str(owners), "--config", str(config), "--workers", "1"]
    )
    assert query(db, "SELECT owners FROM entries WHERE entry_id = 'BA-1'") == [(["John Smith"],)]


def test_decisions_file_round_trip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    record(path, Decision("owner", "Secruity lead", "Security"))
    record(path, Decision("owner", "SECRUITY LEAD", "SRE"))  # the same question: replaced
    record(path, Decision("status", "Parked", None, "keep"))
    record(path, Decision("risk", "k1", "k2", "merge"))
    decisions = read_decisions(path)
    assert decisions.values == {("owner", "secruity lead"): "SRE", ("status", "parked"): None}
    assert decisions.merged_into == {"k1": "k2"}
    assert forget(path, "risk", "k2", "k1") and not forget(path, "risk", "k2", "k1")
    assert read_decisions(path).merged_into == {}
    path.write_text("vocabulary,raw,canonical,action,decided_at\nstatus,Parked,paused,map,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"d.csv:2: status must be one of"):
        read_decisions(path)
    path.write_text("raw,canonical\nx,y\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks columns"):
        read_decisions(path)
    assert read_decisions(tmp_path / "none.csv").values == {}
