"""Outputs are safe (issue 14): written atomically, never over the database or an input, inside
--out, escaped, formulas neutralised; error cases are messages, not tracebacks."""

from __future__ import annotations

import csv
import errno
import os
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import outputs
from pipeline.cli import main
from pipeline.export import export_name, unique_names

# A register whose cells carry markup, formulas and separators as text (a CSV file keeps them
# exactly as written; Markdown would read its raw HTML as tags).
HOSTILE = """Payments risk register
ID,Risk,Likelihood,Impact,Owner,Status
R1,<script>alert(1)</script> vault,High,High,SRE,Open
R2,"<img src=x onerror=alert(2)> card | pipe `code`",Low,Medium,"=HYPERLINK(""http://evil"",""x"")",Open
R3,+cmd|' /C calc'!A0,Medium,Low,@SUM(A1),-2+3
"""


# A "<" that opens a tag, not escaped with a backslash.
UNESCAPED_TAG_RE = re.compile(r"(?<!\\)<(?:script|img)")


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, Path]:
    """A database loaded from a docs tree holding one hostile register: (db, docs root)."""
    root = tmp_path / "docs"
    (root / "payments").mkdir(parents=True)
    (root / "payments" / "risks.csv").write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "db" / "r.duckdb"
    result = cli("ingest", str(root), "--db", str(db), "--workers", "1")
    assert result.exit_code == 0, result.output
    return db, root


def test_report_out_aimed_at_the_database_is_refused(loaded: tuple[Path, Path]) -> None:
    db, _ = loaded
    before = db.read_bytes()
    for target in (db, db.parent / ".." / "db" / "r.duckdb"):
        result = cli("report", "--db", str(db), "--out", str(target))
        assert result.exit_code == 1 and "is the database" in result.output, result.output
    assert db.read_bytes() == before


def test_report_out_through_a_hard_link_to_the_database_is_refused(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    link = tmp_path / "innocent.html"
    os.link(db, link)
    result = cli("report", "--db", str(db), "--out", str(link))
    assert result.exit_code == 1 and "is the database" in result.output


def test_report_out_aimed_at_an_input_document_is_refused(loaded: tuple[Path, Path]) -> None:
    db, root = loaded
    source = root / "payments" / "risks.csv"
    result = cli("report", "--db", str(db), "--out", str(source))
    assert result.exit_code == 1 and "is an input" in result.output
    assert source.read_text(encoding="utf-8") == HOSTILE


def test_export_out_aimed_at_the_database_or_an_input_is_refused(loaded: tuple[Path, Path]) -> None:
    db, root = loaded
    for target in (db, root / "payments" / "risks.csv"):
        result = cli("export", "--db", str(db), "--format", "csv", "--out", str(target))
        assert result.exit_code == 1 and "choose another file" in result.output, result.output
    assert (root / "payments" / "risks.csv").read_text(encoding="utf-8") == HOSTILE


def test_md_export_into_the_docs_tree_that_would_replace_a_markdown_input_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "ledger").mkdir(parents=True)
    source = root / "ledger" / "risks.md"
    register = "# Ledger risks\n\n| ID | Risk | Likelihood | Impact |\n|---|---|---|---|\n| L1 | Drift | High | Low |\n"
    source.write_text(register, encoding="utf-8")
    db = tmp_path / "r.duckdb"
    assert cli("ingest", str(root), "--db", str(db), "--workers", "1").exit_code == 0
    # the export of ledger/risks.md is named ledger/risks.md: under the docs root it is the input
    result = cli("export", "--db", str(db), "--out", str(root))
    assert result.exit_code == 1 and "is an input" in result.output, result.output
    assert source.read_text(encoding="utf-8") == register


def test_report_replaces_the_file_the_user_named(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    out = tmp_path / "rollup.html"
    out.write_text("old", encoding="utf-8")
    assert cli("report", "--db", str(db), "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rollup")] == []  # no temporary file left


def test_a_full_disk_leaves_the_last_good_report(
    loaded: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = loaded
    out = tmp_path / "rollup.md"
    assert cli("report", "--db", str(db), "--out", str(out)).exit_code == 0
    good = out.read_text(encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    result = cli("report", "--db", str(db), "--out", str(out))
    assert result.exit_code == 1 and "the disk is full" in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "docs", "rollup.md"]


def test_a_full_disk_leaves_the_last_good_csv_export(
    loaded: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = loaded
    out = tmp_path / "entries.csv"
    assert cli("export", "--db", str(db), "--format", "csv", "--out", str(out)).exit_code == 0
    good = out.read_bytes()
    monkeypatch.setattr(outputs.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    result = cli("export", "--db", str(db), "--format", "csv", "--out", str(out))
    assert result.exit_code == 1 and "the disk is full" in result.output
    assert out.read_bytes() == good


def test_csv_export_neutralises_spreadsheet_formulas(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    out = tmp_path / "entries.csv"
    assert cli("export", "--db", str(db), "--format", "csv", "--out", str(out)).exit_code == 0
    with out.open(newline="", encoding="utf-8") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert '\'=HYPERLINK("http://evil","x")' in cells and "'@SUM(A1)" in cells and "'-2+3" in cells
    assert any(c.startswith("'+cmd") for c in cells)
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_markdown_report_and_export_escape_html_from_documents(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    report = tmp_path / "rollup.md"
    assert cli("report", "--db", str(db), "--out", str(report)).exit_code == 0
    exported = tmp_path / "migrated"
    assert cli("export", "--db", str(db), "--out", str(exported)).exit_code == 0
    html_report = tmp_path / "rollup.html"
    assert cli("report", "--db", str(db), "--out", str(html_report)).exit_code == 0
    for text in (
        report.read_text(encoding="utf-8"),
        (exported / "payments" / "risks.csv.md").read_text(encoding="utf-8"),
    ):
        assert not UNESCAPED_TAG_RE.search(text), UNESCAPED_TAG_RE.search(text)
        assert "\\<script\\>" in text or "\\<img" in text
        for line in text.splitlines():
            if line.startswith("| R"):  # a pipe or backtick inside a cell never splits it or opens code
                assert line.count("|") - line.count("\\|") == 10, line
                assert line.count("`") == line.count("\\`")
    page = html_report.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page


def test_export_names_never_leave_out_and_never_collide() -> None:
    assert export_name("../../x") == "%2E%2E/%2E%2E/x.md"
    assert export_name("/etc/passwd") == "etc/passwd.md"
    names = unique_names(["a.txt", "a.txt.md", "A.TXT.md", "b/c.md", "b", "..\\x"])
    assert len(set(n.casefold() for n in names.values())) == len(names)
    assert names["b"] == "b.md" and names["..\\x"] == "..%5Cx.md"
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names.values())


def test_export_of_a_document_named_dot_dot_stays_inside_out(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    con = duckdb.connect(str(db))
    con.execute("UPDATE entries SET source_path = '../../escaped.md'")
    con.close()
    out = tmp_path / "nested" / "out"
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    written = [p.resolve() for p in tmp_path.rglob("*.md") if "docs" not in p.parts]
    assert written and all(out.resolve() in p.parents for p in written)


def test_md_export_replaces_only_files_it_wrote(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    out = tmp_path / "migrated"
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0
    assert cli("export", "--db", str(db), "--out", str(out)).exit_code == 0  # its own files: replaced
    mine = out / "payments" / "risks.csv.md"
    (out / ".riskreg-export").unlink()  # now riskreg does not know it wrote them
    result = cli("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 1 and "was not written by riskreg export" in result.output
    assert mine.exists()


def test_export_out_existing_file_is_a_message(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = loaded
    existing = tmp_path / "notes.txt"
    existing.write_text("mine", encoding="utf-8")
    result = cli("export", "--db", str(db), "--out", str(existing))
    assert result.exit_code == 1 and "is a file" in result.output and "Traceback" not in result.output
    assert existing.read_text(encoding="utf-8") == "mine"
    folder = tmp_path / "folder"
    folder.mkdir()
    result = cli("export", "--db", str(db), "--format", "jsonl", "--out", str(folder))
    assert result.exit_code == 1 and "is a folder" in result.output


def test_decisions_file_aimed_at_the_database_is_refused(loaded: tuple[Path, Path]) -> None:
    db, _ = loaded
    before = db.read_bytes()
    result = cli("review", "--db", str(db), "--decisions", str(db), "reject", "owner", "SRE")
    assert result.exit_code == 1 and "is the database" in result.output
    assert db.read_bytes() == before


def test_db_under_a_file_or_unwritable_folder_is_a_message(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "r.md").write_text(HOSTILE, encoding="utf-8")
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = cli("ingest", str(root), "--db", str(blocker / "sub" / "r.duckdb"), "--workers", "1")
    assert result.exit_code == 1 and "is a file, not a folder" in result.output and "Traceback" not in result.output
    missing = tmp_path / "new" / "deeper" / "r.duckdb"  # a missing parent is created
    assert cli("ingest", str(root), "--db", str(missing), "--workers", "1").exit_code == 0


def test_repair_in_place_on_a_full_disk_keeps_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "old.md"
    original = "Caf\xe9 risk\r\n".encode("cp1252")
    doc.write_bytes(original)
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) > 1:  # the backup is written, the rewrite fails
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(outputs.os, "fsync", fsync)
    result = cli("repair", str(doc), "--in-place")
    assert result.exit_code == 1 and "the disk is full" in result.output
    assert doc.read_bytes() == original and (tmp_path / "old.md.bak").read_bytes() == original


def test_csv_field_over_128_kb_is_read_everywhere(tmp_path: Path) -> None:
    long = "x" * 200_000
    owners = tmp_path / "owners.csv"
    owners.write_text(f"canonical,alias\nSRE,{long}\n", encoding="utf-8")
    decisions = tmp_path / "r.decisions.csv"
    decisions.write_text(f"vocabulary,raw,canonical,action,decided_at\nowner,{long},,keep,\n", encoding="utf-8")
    root = tmp_path / "docs"
    root.mkdir()
    (root / "register.csv").write_text(f'ID,Risk,Likelihood,Owner\nR1,"Vault {long}",High,SRE\n', encoding="utf-8")
    db = tmp_path / "r.duckdb"
    result = cli("ingest", str(root), "--db", str(db), "--owners", str(owners), "--workers", "1")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT length(title) > 200000 FROM entries").fetchall() == [(True,)]
    con.close()
