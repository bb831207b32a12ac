"""parsers.markdown_table (and the shared parsers.tables): pipe, grid and space-aligned tables.

Unit tests for the shapes teams write beside GFM pipe tables (Pandoc grid tables, tables
aligned with spaces under a dash rule, org-mode/psql "+" rules), for cells (`<br>` between
items, struck-out values) and for the columns `parsers.tables` settles (one column holding
likelihood and impact, Jira's "P", inventories and lists of closed risks); and properties:
arbitrary text never breaks the parser, and random registers rendered in each table shape
parse back to the same fields.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.fields import synonym_table
from parsers.markdown_table import parse, sniff, tables
from parsers.tables import Table, TableRow, column_fields, is_register, register_entries
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.records import Document, ParsedDocument

SYNONYMS = synonym_table()


def read(text: str) -> ParsedDocument:
    return parse(Document("x.md", "0" * 64, len(text), text, "utf-8"), Config())


def fields_of(text: str) -> list[dict[str, str]]:
    return [dict(e.fields) for e in read(text).entries]


def entries_of(table: Table) -> list[dict[str, str]]:
    return [dict(e.fields) for e in register_entries(table, parser="t", path="x", synonyms=SYNONYMS)]


# ---- cells -----------------------------------------------------------------------------------
def test_br_keeps_items_apart_but_wraps_a_sentence() -> None:
    got = fields_of("| ID | Risk | Owner |\n|---|---|---|\n| R1 | Disk fills<br>under load | SRE<br>DBA |\n")
    assert got == [{"entry_id": "R1", "title": "Disk fills under load", "owner": "SRE; DBA"}]


def test_struck_out_value_is_dropped_unless_it_is_all_there_is() -> None:
    text = (
        "| ID | Risk | Status |\n|---|---|---|\n| R1 | Vault | ~~Open~~ Mitigated |\n| R2 | ~~Old risk~~ | Closed |\n"
    )
    assert [(f["title"], f["status"]) for f in fields_of(text)] == [("Vault", "Mitigated"), ("Old risk", "Closed")]


# ---- other table shapes ----------------------------------------------------------------------
def test_grid_table_rows_join_their_wrapped_lines_and_keep_the_first_line() -> None:
    text = (
        "# Svc\n\n+-----+-------------+------+\n| ID  | Risk        | L    |\n+=====+=============+======+\n"
        "| R1  | Vault       | High |\n|     | outage      |      |\n+-----+-------------+------+\n"
    )
    parsed = read(text)
    assert sniff(text) >= 0.5
    assert [(e.fields, e.loc.line) for e in parsed.entries] == [
        ({"entry_id": "R1", "title": "Vault outage", "likelihood": "High"}, 6)
    ]


def test_grid_table_without_a_header_border_takes_its_first_row_as_header() -> None:
    text = (
        "+----+-------+-----+\n| ID | Risk  | L   |\n+----+-------+-----+\n| R1 | Vault | Low |\n+----+-------+-----+\n"
    )
    assert fields_of(text) == [{"entry_id": "R1", "title": "Vault", "likelihood": "Low"}]


def test_space_aligned_table_cells_wider_than_their_rule_and_wrapped_rows() -> None:
    text = (
        "ID    Risk                 L  I  Owner\n"
        "----  -------------------  -  -  -----\n"
        "R-1   Spooler disk fills when jobs pile up\n"
        "                           4  3  Office IT\n"
        "R-2   Driver breaks duplex 2  2  Office IT\n"
    )
    assert sniff(text) >= 0.5
    assert fields_of(text) == [
        {"entry_id": "R-1", "title": "Spooler disk fills when jobs pile up", "likelihood": "4", "impact": "3",
         "owner": "Office IT"},
        {"entry_id": "R-2", "title": "Driver breaks duplex", "likelihood": "2", "impact": "2", "owner": "Office IT"},
    ]  # fmt: skip


def test_aligned_table_in_a_code_fence_is_an_example_not_a_table() -> None:
    text = "# Svc\n\n```\nID    Risk    Owner   Status\n----  ------  ------  ------\nR-9   Demo    SRE     Open\n```\n"
    assert tables(text) == []


def test_org_and_psql_rules_read_as_pipe_tables() -> None:
    org = "| ID | Risk | Owner |\n|----+------+-------|\n| R1 | Leak | Security |\n"
    psql = " id | risk | owner\n----+------+-------\n R1 | Leak | Security\n"
    assert fields_of(org) == fields_of(psql) == [{"entry_id": "R1", "title": "Leak", "owner": "Security"}]


def test_a_line_of_dashes_alone_or_a_setext_heading_is_no_table() -> None:
    assert sniff("Notes\n-----\nSome text.\n\n- - -\n") == 0.0
    assert read("Title\n\nNotes\n-----\nA  B\n") == read("Title\n\nNotes\n-----\nA  B\n")  # parses, no entries
    assert read("Title\n\nNotes\n-----\nA  B\n").entries == []


# ---- columns settled by parsers.tables -------------------------------------------------------
def test_one_column_holding_likelihood_and_impact() -> None:
    table = Table(("ID", "Likelihood / Impact"), (TableRow(3, ("R1", "H / M")), TableRow(4, ("R2", "Low/-"))), 1)
    assert entries_of(table) == [
        {"entry_id": "R1", "likelihood": "H", "impact": "M"},
        {"entry_id": "R2", "likelihood": "Low"},
    ]


def test_l_times_i_column_that_shows_its_working() -> None:
    table = Table(("#", "Risk", "L × I"), (TableRow(3, ("1", "Rates late", "3 × 4 = 12")),), 1)
    assert entries_of(table) == [
        {"entry_id": "1", "title": "Rates late", "likelihood": "3", "impact": "4", "score": "12"}
    ]


def test_a_pair_column_beside_its_own_likelihood_column_stays_what_it_was() -> None:
    table = Table(("ID", "Likelihood", "L / I"), (TableRow(3, ("R1", "High", "H / M")),), 1)
    assert entries_of(table) == [{"entry_id": "R1", "likelihood": "High", "score": "H / M"}]


def test_p_is_priority_unless_an_impact_column_stands_beside_it() -> None:
    jira = Table(("Key", "Summary", "P"), (TableRow(2, ("A-1", "Disk", "High")),), 1)
    risk = Table(("ID", "Risk", "P", "I"), (TableRow(2, ("A-1", "Disk", "High", "Low")),), 1)
    assert column_fields(jira, SYNONYMS) == ["entry_id", "title", "severity"]
    assert column_fields(risk, SYNONYMS) == ["entry_id", "title", "likelihood", "impact"]


def test_slash_header_names_the_one_field_it_holds() -> None:
    table = Table(("ID", "Risk", "Status / next step", "Owner/team"), (TableRow(2, ("A-1", "Disk", "Open", "SRE")),), 1)
    assert column_fields(table, SYNONYMS) == ["entry_id", "title", "status", "owner"]


def test_component_inventory_is_no_register_but_a_rated_or_risk_table_is() -> None:
    def table(section: str, *headers: str) -> Table:
        return Table(headers, (TableRow(3, ("api",) * len(headers)),), 1, section)

    inventory = table("Components", "Component", "Owner", "Criticality")
    assert not is_register(column_fields(inventory, SYNONYMS), inventory)
    for kept in (
        table("Known risks", "Component", "Owner", "Criticality"),
        table("Components", "Component", "Likelihood", "Owner"),
        table("Components", "Component", "Owner", "Status"),
    ):
        assert is_register(column_fields(kept, SYNONYMS), kept)


def test_table_of_closed_risks_by_id_and_name_is_a_register_but_a_contents_table_is_not() -> None:
    closed = Table(("ID", "Risk", "Closed on"), (TableRow(3, ("R-7", "Old endpoint", "2026-01-05")),), 1, "Closed")
    contents = Table(("#", "Risk"), (TableRow(3, ("1", "Scoring")),), 1, "Contents")
    history = Table(("ID", "Title"), (TableRow(3, ("R-7", "Old endpoint")),), 1, "History")
    assert entries_of(closed) == [{"entry_id": "R-7", "title": "Old endpoint"}]
    assert entries_of(contents) == entries_of(history) == []


# ---- properties --------------------------------------------------------------------------------
PIECES = st.sampled_from(
    ["| ", " |", "|---|---|", "+----+----+", "+====+====+", "----  ----", "-", "\n", " ", "  ", "ID", "Risk",
     "Likelihood", "Impact", "Owner", "R-1", "H / M", "3 × 4 = 12", "<br>", "~~", "`", "```", "SRE", "12", "\t"]
)  # fmt: skip
NOISY = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOISY)
def test_any_text_parses_or_raises_parse_error_and_lines_stay_inside(text: str) -> None:
    try:
        parsed = read(text)
    except ParseError:
        return
    lines = text.split("\n")
    for entry in parsed.entries:
        assert 1 <= entry.loc.line <= len(lines)


@settings(max_examples=200, deadline=None)
@given(NOISY)
def test_sniff_stays_in_range(text: str) -> None:
    assert 0.0 <= sniff(text) <= 1.0


WORDS = ["Vault", "outage", "stalls", "sync", "Kafka", "lag", "grows", "DNS", "expiry", "leaks", "keys", "v2"]
LEVELS = ["Low", "Medium", "High", "Critical", "1", "2", "3", "4", "5"]
OWNERS = ["SRE", "Security", "Data Platform", "Billing + SRE", "DBA"]
STATUSES = ["Open", "Mitigating", "Closed", "In progress"]
HEADERS = ("ID", "Risk", "Likelihood", "Impact", "Owner", "Status")
FIELDS = ("entry_id", "title", "likelihood", "impact", "owner", "status")


def random_rows(rng: random.Random, count: int) -> list[tuple[str, ...]]:
    return [
        (
            f"R-{k + 1:02d}",
            " ".join(rng.sample(WORDS, rng.randint(2, 5))),
            rng.choice(LEVELS),
            rng.choice(LEVELS),
            rng.choice(OWNERS),
            rng.choice(STATUSES),
        )
        for k in range(count)
    ]


def as_pipe(rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def as_grid(rows: list[tuple[str, ...]], rng: random.Random) -> str:
    widths = [max(len(h), *(len(r[c]) for r in rows)) // 2 + 6 for c, h in enumerate(HEADERS)]

    def wrapped(text: str, width: int) -> list[str]:
        out, line = [], ""
        for word in text.split():
            if line and len(line) + 1 + len(word) > width:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        return [*out, line]

    def block(cells: tuple[str, ...]) -> list[str]:
        parts = [wrapped(c, w) for c, w in zip(cells, widths, strict=True)]
        height = max(map(len, parts))
        return [
            "|" + "|".join(f" {(p[k] if k < len(p) else ''):<{w}} " for p, w in zip(parts, widths, strict=True)) + "|"
            for k in range(height)
        ]

    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [border, *block(HEADERS), border.replace("-", "=")]
    for r in rows:
        out += [*block(r), border]
    return "\n".join(out)


def as_aligned(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(h), *(len(r[c]) for r in rows)) for c, h in enumerate(HEADERS)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(HEADERS), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=8))
def test_random_registers_in_every_table_shape_parse_back(seed: int, count: int) -> None:
    rng = random.Random(seed)
    rows = random_rows(rng, count)
    expected = [dict(zip(FIELDS, r, strict=True)) for r in rows]
    for text in (as_pipe(rows), as_grid(rows, rng), as_aligned(rows)):
        doc = f"# Kestrel Ledger — Risk Register\n\n## Register\n\n{text}\n\nReviewed monthly.\n"
        assert sniff(doc) >= 0.5, text
        assert fields_of(doc) == expected, text
