"""Register tables read through the document model (`parsers.reader.read`): the entries made
from pipe, grid, space-aligned and org/psql tables, cells (`<br>` between items, struck values),
columns settled by content, legends and matrices as the document's own scale, tables that are no
register (change histories, inventories, contents), group heading rows; and properties:
arbitrary text never breaks the reader, random registers in every table shape read back.

Ported from the old parser's tests (tests/test_markdown_table.py, parsers.markdown_table and
parsers.tables), entry by entry. One deliberate change: struck text is kept in raw values as
`~~x~~` (normalisation reads past it) where the old parser dropped it.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.model import Table, walk
from parsers.reader import read
from pipeline.config import Config
from pipeline.errors import ParseError
from pipeline.normalise import normalise
from pipeline.records import Document, ParsedDocument
from pipeline.run import process_document


def parsed(text: str, path: str = "x.md") -> ParsedDocument:
    return read(Document(path, "0" * 64, len(text), text, "utf-8"), Config()).parsed


def fields_of(text: str, path: str = "x.md") -> list[dict[str, str]]:
    return [dict(e.fields) for e in parsed(text, path).entries]


def pipe(header: tuple[str, ...], *rows: tuple[str, ...], heading: str = "") -> str:
    """A pipe table, under `## heading` in a document titled "Svc" when a heading is given."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    table = "\n".join(lines) + "\n"
    return f"# Svc\n\n## {heading}\n\n{table}" if heading else table


# ---- cells -----------------------------------------------------------------------------------
def test_br_keeps_items_apart_but_wraps_a_sentence() -> None:
    got = fields_of("| ID | Risk | Owner |\n|---|---|---|\n| R1 | Disk fills<br>under load | SRE<br>DBA |\n")
    assert got == [{"entry_id": "R1", "title": "Disk fills under load", "owner": "SRE; DBA"}]


def test_struck_out_values_are_kept_raw_and_normalisation_reads_past_them() -> None:
    # Changed on purpose: the old parser dropped struck text ("Mitigated", "Old risk"); raw
    # values now keep it as written and the normaliser reads what is not struck.
    text = (
        "| ID | Risk | Status |\n|---|---|---|\n| R1 | Vault | ~~Open~~ Mitigated |\n| R2 | ~~Old risk~~ | Closed |\n"
    )
    assert [(f["title"], f["status"]) for f in fields_of(text)] == [
        ("Vault", "~~Open~~ Mitigated"),
        ("~~Old risk~~", "Closed"),
    ]
    result = process_document("svc.md", text.encode(), Config())
    entries = normalise([result], Config()).entries
    assert [(e.entry_id, e.kind, e.status, e.status_raw) for e in entries] == [
        ("R1", "risk", "mitigated", "~~Open~~ Mitigated"),
        ("R2", "risk", "closed", "Closed"),
    ]


# ---- table shapes ----------------------------------------------------------------------------
def test_grid_table_rows_join_their_wrapped_lines_and_keep_the_first_line() -> None:
    text = (
        "# Svc\n\n+-----+-------------+------+\n| ID  | Risk        | L    |\n+=====+=============+======+\n"
        "| R1  | Vault       | High |\n|     | outage      |      |\n+-----+-------------+------+\n"
    )
    assert [(dict(e.fields), e.loc.line) for e in parsed(text).entries] == [
        ({"entry_id": "R1", "title": "Vault outage", "likelihood": "High"}, 6)
    ]


def test_grid_table_without_a_header_border_takes_its_first_row_as_header() -> None:
    text = (
        "+----+-------+-----+\n| ID | Risk  | L   |\n+----+-------+-----+\n| R1 | Vault | Low |\n+----+-------+-----+\n"
    )
    assert fields_of(text) == [{"entry_id": "R1", "title": "Vault", "likelihood": "Low"}]


def test_grid_table_ruled_only_around_its_header_reads_a_row_a_line() -> None:
    # An ASCII table pasted in an email (psql's layout): the lines between the header rule and
    # the bottom one were joined into one risk "N-1 N-2 N-3".
    text = (
        "Hi all,\n\nthe open risks for the go-live:\n\n"
        "+------+--------------------------+------------+-------------+\n"
        "| ID   | Risk                     | Likelihood | Owner       |\n"
        "+------+--------------------------+------------+-------------+\n"
        "| N-1  | SMS provider throttles   | High       | Comms Eng   |\n"
        "|      | OTP traffic              |            |             |\n"
        "| N-2  | Push certificates expire | Low        | Mobile team |\n"
        "+------+--------------------------+------------+-------------+\n\nThanks,\nHannah\n"
    )
    for path in ("reply.txt", "reply.md"):
        assert [(e.fields["entry_id"], e.fields["title"], e.loc.line) for e in parsed(text, path).entries] == [
            ("N-1", "SMS provider throttles OTP traffic", 8),
            ("N-2", "Push certificates expire", 10),
        ]


def test_space_aligned_table_cells_wider_than_their_rule_and_wrapped_rows() -> None:
    text = (
        "ID    Risk                 L  I  Owner\n"
        "----  -------------------  -  -  -----\n"
        "R-1   Spooler disk fills when jobs pile up\n"
        "                           4  3  Office IT\n"
        "R-2   Driver breaks duplex 2  2  Office IT\n"
    )
    assert fields_of(text) == [
        {"entry_id": "R-1", "title": "Spooler disk fills when jobs pile up", "likelihood": "4", "impact": "3",
         "owner": "Office IT"},
        {"entry_id": "R-2", "title": "Driver breaks duplex", "likelihood": "2", "impact": "2", "owner": "Office IT"},
    ]  # fmt: skip
    assert [e.loc.line for e in parsed(text).entries] == [3, 5]


def test_aligned_table_in_a_code_fence_is_an_example_not_a_table() -> None:
    text = "# Svc\n\n```\nID    Risk    Owner   Status\n----  ------  ------  ------\nR-9   Demo    SRE     Open\n```\n"
    reading = read(Document("x.md", "0" * 64, len(text), text, "utf-8"), Config())
    assert not [b for b in walk(reading.tree.blocks) if isinstance(b, Table)]
    assert reading.parsed.entries == []


def test_org_and_psql_rules_read_as_pipe_tables() -> None:
    org = "| ID | Risk | Owner |\n|----+------+-------|\n| R1 | Leak | Security |\n"
    psql = " id | risk | owner\n----+------+-------\n R1 | Leak | Security\n"
    assert fields_of(org) == fields_of(psql) == [{"entry_id": "R1", "title": "Leak", "owner": "Security"}]


def test_a_line_of_dashes_alone_or_a_setext_heading_is_no_table() -> None:
    for text in ("Notes\n-----\nSome text.\n\n- - -\n", "Title\n\nNotes\n-----\nA  B\n"):
        reading = read(Document("x.md", "0" * 64, len(text), text, "utf-8"), Config())
        assert not [b for b in walk(reading.tree.blocks) if isinstance(b, Table)], text
        assert reading.parsed.entries == []


# ---- columns settled by content ----------------------------------------------------------------
def test_one_column_holding_likelihood_and_impact() -> None:
    text = pipe(("ID", "Likelihood / Impact"), ("R1", "H / M"), ("R2", "Low/-"))
    assert fields_of(text) == [
        {"entry_id": "R1", "likelihood": "H", "impact": "M"},
        {"entry_id": "R2", "likelihood": "Low"},
    ]


def test_l_times_i_column_that_shows_its_working() -> None:
    text = pipe(("#", "Risk", "L × I"), ("1", "Rates late", "3 × 4 = 12"))
    assert fields_of(text) == [
        {"entry_id": "1", "title": "Rates late", "likelihood": "3", "impact": "4", "score": "12"}
    ]


def test_a_pair_column_beside_its_own_likelihood_column_stays_what_it_was() -> None:
    text = pipe(("ID", "Likelihood", "L / I"), ("R1", "High", "H / M"))
    assert fields_of(text) == [{"entry_id": "R1", "likelihood": "High", "score": "H / M"}]


def test_p_is_priority_unless_an_impact_column_stands_beside_it() -> None:
    jira = pipe(("Key", "Summary", "P"), ("A-1", "Disk", "High"))
    risk = pipe(("ID", "Risk", "P", "I"), ("A-1", "Disk", "High", "Low"))
    assert fields_of(jira) == [{"entry_id": "A-1", "title": "Disk", "severity": "High"}]
    assert fields_of(risk) == [{"entry_id": "A-1", "title": "Disk", "likelihood": "High", "impact": "Low"}]


def test_slash_header_names_the_one_field_it_holds() -> None:
    # A short register with no title heading and a status column of "Open": risks, not checks.
    (entry,) = parsed(pipe(("ID", "Risk", "Status / next step", "Owner/team"), ("A-1", "Disk", "Open", "SRE"))).entries
    assert (entry.kind, dict(entry.fields)) == (
        "risk",
        {"entry_id": "A-1", "title": "Disk", "status": "Open", "owner": "SRE"},
    )
    assert (entry.headers["status"], entry.headers["owner"]) == ("Status / next step", "Owner/team")


def test_a_status_column_makes_risks_of_a_risk_column_but_checks_of_marks_or_items() -> None:
    # With no title heading, a decision-word status column reads as a checklist's state unless
    # the items are risks; marks in it keep a table of risks a checklist.
    risks = parsed(pipe(("ID", "Risk", "Status"), ("R1", "Vault", "Open"), ("R2", "DNS", "Closed")))
    assert [e.kind for e in risks.entries] == ["risk", "risk"]
    marks = parsed(pipe(("ID", "Risk", "Mitigated?"), ("R1", "Vault", "✅"), ("R2", "DNS", "❌")))
    assert [(e.kind, e.checked) for e in marks.entries] == [("check", True), ("check", False)]
    items = parsed(pipe(("Item", "Status"), ("Runbook", "Done"), ("Backups", "Open")))
    assert [(e.kind, e.checked) for e in items.entries] == [("check", True), ("check", False)]


def test_header_synonyms_name_the_fields_and_unknown_columns_go_to_extra() -> None:
    text = pipe(
        ("Ref", "Threat", "Probability", "Consequence", "Risk owner", "Controls", "Notes"),
        ("T-1", "Vault sealed", "Likely", "Major", "SRE", "Auto-unseal", "see runbook"),
    )
    (entry,) = parsed(text).entries
    assert dict(entry.fields) == {
        "entry_id": "T-1",
        "title": "Vault sealed",
        "likelihood": "Likely",
        "impact": "Major",
        "owner": "SRE",
        "mitigation": "Auto-unseal",
    }
    assert entry.headers["likelihood"] == "Probability" and entry.headers["owner"] == "Risk owner"
    assert entry.extra == {"Notes": "see runbook"}


# ---- registers and what is not one ---------------------------------------------------------------
def test_component_inventory_is_no_register_but_a_rated_or_risk_table_is() -> None:
    inventory = parsed(pipe(("Component", "Owner", "Criticality"), ("api", "api", "api"), heading="Components"))
    assert inventory.entries == []
    assert [s.reason for s in inventory.skipped] == ["an inventory of components"]
    for section, header in (
        ("Known risks", ("Component", "Owner", "Criticality")),
        ("Components", ("Component", "Likelihood", "Owner")),
        ("Components", ("Component", "Owner", "Status")),
    ):
        got = parsed(pipe(header, ("api", "api", "api"), heading=section)).entries
        assert [(e.kind, e.fields["title"]) for e in got] == [("risk", "api")], (section, header)


def test_table_of_closed_risks_by_id_and_name_is_a_register_but_a_contents_table_is_not() -> None:
    closed = parsed(pipe(("ID", "Risk", "Closed on"), ("R-7", "Old endpoint", "2026-01-05"), heading="Closed"))
    assert [(dict(e.fields), e.extra) for e in closed.entries] == [
        ({"entry_id": "R-7", "title": "Old endpoint"}, {"Closed on": "2026-01-05"})
    ]
    assert fields_of(pipe(("#", "Risk"), ("1", "Scoring"), heading="Contents")) == []
    assert fields_of(pipe(("ID", "Title"), ("R-7", "Old endpoint"), heading="History")) == []


REGISTER_WITH_DISTRACTORS = """# Payments — Risk Register

## Scoring

| Level | Likelihood | Impact |
|---|---|---|
| 1 | Rare | Negligible |
| 2 | Unlikely | Minor |
| 3 | Likely | Severe |

## Heat map

| Impact \\ Likelihood | Low | Medium | High |
|---|---|---|---|
| High | Medium | High | Critical |
| Low | Low | Low | Medium |

## Register

| ID | Risk | Likelihood | Impact | Owner |
|---|---|---|---|---|
| **Data risks** | | | | |
| PY-1 | Backups untested | Likely | Severe | DBA |
| **Security risks** | | | | |
| PY-2 | Keys in repo | Rare | Minor | Security |

## Change history

| Version | Date | Author | Change |
|---|---|---|---|
| 1.1 | 2026-03-01 | Jo | Added PY-2 |
"""


def test_legend_is_a_stated_scale_and_matrix_and_history_are_skipped_with_their_reason() -> None:
    doc = parsed(REGISTER_WITH_DISTRACTORS)
    assert doc.stated_scales == {
        "likelihood": {"Rare": 1, "Unlikely": 2, "Likely": 3},
        "impact": {"Negligible": 1, "Minor": 2, "Severe": 3},
    }
    assert [e.fields["entry_id"] for e in doc.entries] == ["PY-1", "PY-2"]
    assert [(s.line, s.reason) for s in doc.skipped] == [
        (5, "legend or matrix"),
        (13, "legend or matrix"),
        (29, "change history"),
    ]


def test_group_heading_rows_name_the_section_of_the_rows_under_them() -> None:
    doc = parsed(REGISTER_WITH_DISTRACTORS)
    assert [(e.fields["entry_id"], e.section, e.loc.line) for e in doc.entries] == [
        ("PY-1", "Data risks", 23),
        ("PY-2", "Security risks", 25),
    ]


def test_a_legend_with_no_heading_is_known_by_its_column_of_levels() -> None:
    doc = parsed(
        "| Score | Likelihood | Impact |\n|---|---|---|\n| 1 | Rare | Minor |\n| 5 | Almost certain | Severe |\n\n"
        + pipe(("ID", "Risk", "Likelihood"), ("R1", "Vault", "Rare"))
    )
    assert doc.stated_scales["likelihood"] == {"Rare": 1, "Almost certain": 5}
    assert [e.fields["entry_id"] for e in doc.entries] == ["R1"]


def test_a_page_of_only_legends_is_rejected_with_its_scales_kept() -> None:
    text = "# Svc\n\n## Scoring\n\n| Level | Likelihood |\n|---|---|\n| 1 | Rare |\n| 2 | Likely |\n"
    result = process_document("svc.md", text.encode(), Config())
    assert result.rejected and "no entries found" in result.rejections[0].reason
    assert result.stated_scales == {"likelihood": {"Rare": 1, "Likely": 2}}


LEGENDS_AS_TEXT = """# Warehouse robots — risk register

## How we rate

Impact: 1 Negligible · 2 Minor · 3 Moderate · 4 Significant · 5 Catastrophic

**Likelihood:** 1 – Rare; 2 – Unlikely (once in two years); 3 – Possible; 4 – Likely; 5 – Almost certain

## Register

| Ref | Risk | Likelihood | Impact |
|---|---|---|---|
| WR-2 | Wi-Fi dead spots stop robots | Likely | Significant |
| WR-4 | Charging overloads the supply | Rare | Catastrophic |

### WR-7: Charger firmware bricks the fleet

Impact: 4 (Significant)
Likelihood: 2
"""

LEGEND_AS_LIST = """# Packstation

## Schadensausmaß – Skala

- 1 gering
- 2 spürbar
- 3 hoch
- 4 kritisch
- 5 existenzbedrohend

Eintrittswahrscheinlichkeit: 1 = selten, 2 = möglich, 3 = wahrscheinlich, 4 = häufig, 5 = fast sicher.

## Risiken

| Nr. | Risiko | Eintrittswahrscheinlichkeit | Schadensausmaß |
|---|---|---|---|
| PS-1 | Fächer klemmen bei Frost | möglich | kritisch |
"""


def test_a_scale_written_as_text_is_the_documents_stated_scale() -> None:
    # A label line of numbered words, or a list of them under a heading naming the field's scale,
    # is a legend as a legend table is; a risk's own "Impact: 4 (Significant)" is its rating.
    result = process_document("robots.md", LEGENDS_AS_TEXT.encode(), Config())
    assert result.stated_scales == {
        "impact": {"Negligible": 1, "Minor": 2, "Moderate": 3, "Significant": 4, "Catastrophic": 5},
        "likelihood": {"Rare": 1, "Unlikely": 2, "Possible": 3, "Likely": 4, "Almost certain": 5},
    }
    entries = normalise([result], Config()).entries
    assert [(e.entry_id, e.likelihood, e.impact) for e in entries] == [("WR-2", 4, 4), ("WR-4", 1, 5), ("WR-7", 2, 4)]
    assert [(s.line, s.structure, s.reason) for s in result.skipped if s.reason == "legend"] == [
        (5, "paragraph", "legend"),
        (7, "paragraph", "legend"),
    ]
    german = process_document("packstation.md", LEGEND_AS_LIST.encode(), Config())
    assert german.stated_scales == {
        "impact": {"gering": 1, "spürbar": 2, "hoch": 3, "kritisch": 4, "existenzbedrohend": 5},
        "likelihood": {"selten": 1, "möglich": 2, "wahrscheinlich": 3, "häufig": 4, "fast sicher": 5},
    }
    (entry,) = normalise([german], Config()).entries
    assert (entry.likelihood, entry.impact) == (2, 4)


# ---- properties --------------------------------------------------------------------------------
PIECES = st.sampled_from(
    ["| ", " |", "|---|---|", "+----+----+", "+====+====+", "----  ----", "-", "\n", " ", "  ", "ID", "Risk",
     "Likelihood", "Impact", "Owner", "R-1", "H / M", "3 × 4 = 12", "<br>", "~~", "`", "```", "SRE", "12", "\t"]
)  # fmt: skip
NOISY = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=80).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOISY)
def test_any_text_is_read_or_raises_parse_error_and_lines_stay_inside(text: str) -> None:
    try:
        doc = parsed(text)
    except ParseError:
        return
    n_lines = len(text.split("\n"))
    for entry in doc.entries:
        assert 1 <= entry.loc.line <= n_lines
        assert all(1 <= n <= n_lines for n in entry.lines)


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


def as_grid(rows: list[tuple[str, ...]]) -> str:
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
def test_random_registers_in_every_table_shape_read_back(seed: int, count: int) -> None:
    rows = random_rows(random.Random(seed), count)
    expected = [dict(zip(FIELDS, r, strict=True)) for r in rows]
    for text in (as_pipe(rows), as_grid(rows), as_aligned(rows)):
        doc = f"# Kestrel Ledger — Risk Register\n\n## Register\n\n{text}\n\nReviewed monthly.\n"
        got = parsed(doc).entries
        assert [dict(e.fields) for e in got] == expected, text
        assert {(e.kind, e.section) for e in got} == {("risk", "Register")}, text
