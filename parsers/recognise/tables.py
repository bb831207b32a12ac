"""Tables: the one decision on what a table is, and the entries of register tables.

`verdict` is asked once per table of a document, whatever syntax it came from (a pipe table, an
HTML `<table>`, a scraped row run, a wiki `||` table) and says what the table is, with its
reason: a register (one risk per row), a risk card (labels down the first column, one risk per
value column), a checklist (a box, mark or decision column), a legend or matrix (the document's
own scale), the fields of the section above it (`| Likelihood | High |`), page properties, a
table that re-lists entries of a register (an action plan: it may complete them, never adds
any), or something else (test cases, a compliance mapping, a KRI list, a change history, a
glossary, an inventory, a table naming nothing): skipped, with the reason kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from parsers.lexicon import DESCRIBING_FIELDS, RATING_FIELDS, label_key
from parsers.model import Row, Table, column_labels
from parsers.recognise.check_tables import CheckColumns, check_columns
from parsers.recognise.columns import column_fields, field_of_header, present, rating_pairs
from parsers.recognise.common import Context, looks_like_id, nearest_section, section_name
from parsers.recognise.headings import heading_parts

Kind = Literal["register", "card", "supplement", "checklist", "legend", "fields", "properties", "skip"]

# Reasons a table is not a register whatever its columns, each a lexicon word list, looked for
# in the table's caption, the heading it sits under and its header row.
NOT_REGISTER_LISTS: tuple[tuple[str, str], ...] = (
    ("test_cases", "test cases"),
    ("compliance", "compliance mapping"),
    ("kri", "key risk indicators"),
    ("history", "change history"),
    ("glossary", "glossary"),
)
# Title headers that name things, not risks ("Component | Owner | Criticality" is an inventory).
THING_TITLE_HEADERS = frozenset({"component", "components", "name", "item", "items"})


@dataclass(frozen=True)
class Verdict:
    """What a table is, why, and how its columns read."""

    kind: Kind
    reason: str
    fields: tuple[str | None, ...] = ()
    check: CheckColumns | None = None
    # The table as its rows are read, when that is not as written: a card turned a row per entry,
    # or a grouped header merged with the row of labels under it.
    reading: Table | None = field(default=None, repr=False)


class Verdicts:
    """The verdict on every table of a document, asked once each, looked up by table."""

    def __init__(self, tables: list[Table], ctx: Context) -> None:
        # By identity: the recognisers are handed the very blocks of the tree that was judged, and
        # two tables of a one-line export can share their line and header.
        self._by_block = {id(t): verdict(t, ctx) for t in tables}
        self._tables = tables  # keeps the blocks (and so their ids) alive

    def of(self, table: Table) -> Verdict:
        return self._by_block[id(table)]


def verdict(table: Table, ctx: Context) -> Verdict:
    """The one decision on what a table is (see the module docstring)."""
    if not table.rows and len(table.header) != 2:
        return Verdict("skip", "no rows")
    fields = tuple(column_fields(table, ctx))
    named = present(fields)
    # What the table is called: its caption and the heading right above it (not the document's
    # title: "Payments Risk Register" does not make its glossary a register).
    context = " ".join((table.caption, _heading_name(table, ctx)))
    header_text = " ".join(table.header)
    if (check := check_columns(table, fields, ctx)) is not None and not named & RATING_FIELDS:
        return Verdict("checklist", "a box, mark or decision column", fields, check)
    pairs = rating_pairs(table, fields, ctx)
    paired = {f for _, fs in pairs.values() for f in fs}
    rated = _rates_rows(named | paired)
    for words, reason in _not_register_lists(rated, named):
        if ctx.lexicon.mentions(words, header_text) or (
            ctx.lexicon.mentions(words, context) and not _says_register(context, ctx)
        ):
            return Verdict("skip", reason, fields)
    if _is_matrix(table, ctx) or (
        "entry_id" not in named
        and _says_legend(context, ctx)
        and ("title" not in named or _is_legend_shape(table, ctx))
    ):
        return Verdict("legend", "legend or matrix", fields)
    if ctx.lexicon.mentions("action_plan", context) and not _says_register(context, ctx) and not rated:
        if "entry_id" in named:
            return Verdict("supplement", "action plan re-listing entries", fields)
        return Verdict("skip", "action plan", fields)
    reason = _register_problem(table, [*fields, *paired], rated, ctx)
    if reason is None:
        return Verdict("register", "register", fields)
    if (regrouped := _under_group_header(table)) is not None:
        inner = verdict(regrouped, ctx)
        if inner.kind == "register":
            return Verdict("register", "register under a grouped header", inner.fields, reading=regrouped)
    if (card := transposed(table, ctx)) is not None:
        if len(table.header) == 2:
            return Verdict("fields", "labelled fields", fields)
        return Verdict("card", "one risk per column", tuple(column_fields(card, ctx)), reading=card)
    if len(table.rows) == 1 and named & RATING_FIELDS and not named & {"title", "entry_id"}:
        return Verdict("fields", "one row of ratings", fields)
    if _label_column(table, ctx):
        return Verdict("fields" if _rates(table, ctx) else "properties", "labelled fields", fields)
    if _is_legend_shape(table, ctx):
        return Verdict("legend", "first column is a scale", fields)
    return Verdict("skip", reason, fields)


def _heading_name(table: Table, ctx: Context) -> str:
    """The heading right above a table, when it names the table: not the document's title, and not
    a risk's own heading ("### RR-003 — Regulatory Non-Compliance" over the risk's attribute table
    names the risk, not a compliance mapping)."""
    if not table.path or table.path[-1][0] <= 1:
        return ""
    heading = table.path[-1][1]
    return "" if heading_parts(heading, ctx)[0] else heading


def _says_legend(context: str, ctx: Context) -> bool:
    """A heading or caption naming a legend, a scale or a matrix ("Scoring", "Risk matrix", "Key")."""
    return ctx.lexicon.mentions("legend", context) or ctx.lexicon.is_word("legend_titles", context)


def _rates_rows(named: set[str] | frozenset[str]) -> bool:
    """Whether a table's columns name its rows (an id or a title) and rate them (likelihood and
    impact, or a score): a register, whatever a column or the heading above it says ("Annex A
    control" beside them, "## Risk treatment plan" over them). A compliance mapping or an action
    plan rates nothing.

    >>> _rates_rows({"entry_id", "likelihood", "impact", "owner"}), _rates_rows({"title", "score"})
    (True, True)
    >>> _rates_rows({"entry_id", "mitigation", "owner"}), _rates_rows({"entry_id", "impact", "status"})
    (False, False)
    """
    return bool(named & {"entry_id", "title"}) and ({"likelihood", "impact"} <= named or "score" in named)


def _not_register_lists(rated: bool, named: set[str]) -> tuple[tuple[str, str], ...]:
    """The lists of `NOT_REGISTER_LISTS` a table is looked at for: none when it rates its rows (a
    register); all but the compliance mapping's when it grades its named rows by a severity (a
    gap assessment's "Control | Gap | Risk rating | Owner" under "SOC 2"): a compliance mapping
    rates nothing.

    >>> [r for _, r in _not_register_lists(False, {"title", "severity"})][:2]
    ['test cases', 'key risk indicators']
    >>> _not_register_lists(True, {"title", "score"}), len(_not_register_lists(False, {"title", "owner"}))
    ((), 5)
    """
    if rated:
        return ()
    if named & {"entry_id", "title"} and "severity" in named:
        return tuple(item for item in NOT_REGISTER_LISTS if item[0] != "compliance")
    return NOT_REGISTER_LISTS


def _says_register(context: str, ctx: Context) -> bool:
    return ctx.lexicon.mentions("register_headings", context)


def _register_problem(table: Table, fields: Sequence[str | None], rated: bool, ctx: Context) -> str | None:
    """None when a table lists entries: it names them (an id or a title) and describes them (a
    rating, status, owner or mitigation), or lists risks by id and name alone under a heading
    that says so; else why not. A table that rates its rows (`rated`, as the verdict found) is no
    other log, whatever its headers say ("Ref | Issue | Likelihood | Impact" names and rates risks)."""
    named = present(fields)
    if not named & {"title", "entry_id"}:
        return "no id or title column"
    if not rated and _is_other_log(table, ctx):
        return "a log of issues, actions or decisions"
    if not named & DESCRIBING_FIELDS:
        return None if _is_risk_list(fields, table, ctx) else "nothing describes the rows"
    if _is_inventory(fields, table, ctx):
        return "an inventory of components"
    if named & {"entry_id", "owner", "status", "mitigation"}:
        return None
    first = [r.cells[0] for r in table.rows if r.cells and r.cells[0].strip()]
    if first and all(ctx.is_rating(c) for c in first):
        return "first column is a scale"
    return None


def _is_risk_list(fields: Sequence[str | None], table: Table, ctx: Context) -> bool:
    """A table of risks by id and name with nothing rated ("ID | Risk | Closed on | Reason"
    under "Closed risks"): its title column or its heading says risk, and its ids look like ids."""
    id_col = next((c for c, f in enumerate(fields) if f == "entry_id"), None)
    title_col = next((c for c, f in enumerate(fields) if f == "title"), None)
    if id_col is None or title_col is None or title_col >= len(table.header):
        return False
    said = " ".join((table.header[title_col], nearest_section(table.path) or "", table.caption))
    ids = [r.cells[id_col] for r in table.rows if id_col < len(r.cells) and r.cells[id_col].strip()]
    return ctx.lexicon.mentions("register_words", said) and bool(ids) and all(looks_like_id(i) for i in ids)


def _is_inventory(fields: Sequence[str | None], table: Table, ctx: Context) -> bool:
    """A table of components or items with their owners and criticality, not of risks."""
    named = present(fields)
    if named & {"likelihood", "impact", "score", "mitigation", "status"}:
        return False
    title = next((h for h, f in zip(table.header, fields, strict=False) if f == "title"), None)
    if title is None or label_key(title) not in THING_TITLE_HEADERS:
        return False
    said = " ".join((*table.header, nearest_section(table.path) or "", table.caption))
    return not ctx.lexicon.mentions("register_words", said)


def _is_other_log(table: Table, ctx: Context) -> bool:
    """A table of issues, actions, decisions or changes (the rest of a RAID log, a history): its
    heading says so (the lexicon's `other_log_headings`) or one of its first headers is such a
    log's (`other_log_headers`), and neither its headers nor its heading mention risk."""
    lexicon = ctx.lexicon
    section = " ".join((nearest_section(table.path) or "", table.caption))
    if lexicon.mentions("register_words", " ".join((*table.header, section))):
        return False
    return lexicon.mentions("other_log_headings", section) or any(
        lexicon.is_word("other_log_headers", h) for h in table.header[:3]
    )


def _is_matrix(table: Table, ctx: Context) -> bool:
    """A likelihood x impact matrix: the header row and the first column are both scales
    ("Impact \\ Likelihood | Low | Medium | High" over "High | Medium | High | Critical")."""
    if len(table.header) < 3 or not table.rows:
        return False
    scale_header = sum(1 for h in table.header[1:] if ctx.is_rating(h)) >= len(table.header) - 2
    first = [r.cells[0] for r in table.rows if r.cells and r.cells[0].strip()]
    return scale_header and bool(first) and all(ctx.is_rating(c) for c in first)


def _is_legend_shape(table: Table, ctx: Context) -> bool:
    first = [r.cells[0] for r in table.rows if r.cells and r.cells[0].strip()]
    return bool(first) and all(ctx.is_rating(c) for c in first)


def _label_column(table: Table, ctx: Context) -> bool:
    """Whether the first column (the header row included) is field labels: a two-column
    `| Likelihood | High |` table of a section, or a page-properties box."""
    if len(table.header) != 2:
        return False
    labels = [table.header[0], *(r.cells[0] for r in table.rows if r.cells)]
    return sum(1 for label in labels if ctx.lexicon.is_label(label) or _is_meta_key(label, ctx)) * 2 >= len(labels)


def _is_meta_key(label: str, ctx: Context) -> bool:
    return ctx.lexicon.is_word("meta_keys", label)


def _rates(table: Table, ctx: Context) -> bool:
    labels = [table.header[0], *(r.cells[0] for r in table.rows if r.cells)]
    return any(field_of_header(label, ctx) in RATING_FIELDS for label in labels)


def _under_group_header(table: Table) -> Table | None:
    """A table whose header row only groups columns ("|  |  | Inherent |  | Residual |  |") over a
    first row of labels ("ID | Risk | Likelihood | Impact | Likelihood | Impact"), as a pipe
    table writes a two-row header: the two merged as an HTML table's header rows are (a group
    runs right until the next one), the first row taken off; None for any other table.

    >>> t = Table(line=1, end=4, header=("", "Inherent", "", "Residual", ""),
    ...           rows=(Row(3, ("ID", "L", "I", "L", "I")), Row(4, ("R1", "4", "3", "2", "3"))))
    >>> merged = _under_group_header(t)
    >>> merged.header, [r.cells for r in merged.rows]
    (('ID', 'L', 'I', 'Residual L', 'Residual I'), [('R1', '4', '3', '2', '3')])
    """
    header = table.header
    if len(table.rows) < 2 or all(header) or not any(header):
        return None
    labels = table.rows[0].cells
    if len(labels) != len(header) or not all(cell.strip() for cell in labels):
        return None
    groups: list[str] = []
    for cell in header:
        groups.append(cell or (groups[-1] if groups else ""))
    return Table(
        line=table.line,
        end=table.end,
        header=column_labels([groups, labels]),
        rows=table.rows[1:],
        path=table.path,
        caption=table.caption,
        layout=table.layout,
    )


def transposed(table: Table, ctx: Context) -> Table | None:
    """A table of labels down its first column ("Risk", "Likelihood", "Owner"), one column of
    values per entry (a risk card), turned into a table with one row per value column; None
    when the first column does not read as field labels.

    It must name an id or title, a rating and a third field, and most labels must be fields,
    so a page-properties box (Owner, Status, Last updated) is left alone.
    >>> card = Table(line=3, end=6, header=("ID", "VP-3"), rows=(Row(4, ("Risk", "Key leak")),
    ...              Row(5, ("Impact", "High")), Row(6, ("Owner", "SRE"))))
    >>> flipped = transposed(card, Context("x.html", "html"))
    >>> flipped.header, [r.cells for r in flipped.rows]
    (('ID', 'Risk', 'Impact', 'Owner'), [('VP-3', 'Key leak', 'High', 'SRE')])
    >>> rows = (Row(4, ("Risk", "Key leak", "DNS")), Row(5, ("Impact", "High", "Low")), Row(6, ("Owner", "SRE", "Net")))
    >>> flipped = transposed(Table(line=3, end=6, header=("", "R1", "R2"), rows=rows), Context("x.md", "md"))
    >>> flipped.header, [r.cells for r in flipped.rows]
    (('ID', 'Risk', 'Impact', 'Owner'), [('R1', 'Key leak', 'High', 'SRE'), ('R2', 'DNS', 'Low', 'Net')])
    """
    grid = [(table.line, table.header), *((r.line, r.cells) for r in table.rows)]
    # The corner may be empty ("|  | Risk 1 | Risk 2 |"); every other label is written.
    if len(grid) < 3 or any(len(cells) < 2 or not cells[0] for _, cells in grid[1:]) or len(table.header) < 2:
        return None
    labels = tuple(cells[0] for _, cells in grid)
    named = [field_of_header(label, ctx) for label in labels]
    if named[0] is None and "entry_id" not in named and all(looks_like_id(v) for v in table.header[1:] if v):
        labels, named[0] = ("ID", *labels[1:]), "entry_id"  # "|  | R1 | R2 |": the columns' ids
    found = {f for f in named if f}
    if (
        len(found) < 3
        or not found & {"entry_id", "title"}
        or not found & RATING_FIELDS
        or len([f for f in named if f]) * 2 < len(labels)
    ):
        return None
    width = max(len(cells) for _, cells in grid)
    columns = (tuple(cells[c] if c < len(cells) else "" for _, cells in grid) for c in range(1, width))
    return Table(
        line=table.line,
        end=table.end,
        header=labels,
        rows=tuple(Row(table.line, col) for col in columns),
        path=table.path,
        caption=table.caption,
        layout=table.layout,
    )


def table_section(table: Table) -> str | None:
    """The section of a table's rows: its caption, else the heading it sits under."""
    return section_name(table.caption) or nearest_section(table.path)
