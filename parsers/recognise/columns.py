"""A table's columns as canonical fields: header labels through the lexicon, ambiguous labels
("Risk", "Priority", a bare "P") settled by what the column holds, one column per field, and
columns that hold two ratings at once ("L / I" over "H / M", "L × I" over "3 × 4 = 12").

Pure functions on `parsers.model.Table`; the decision whether a table is a register at all is in
`parsers.recognise.tables`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from parsers.lexicon import RATING_FIELDS, Lexicon, label_key
from parsers.model import Table
from parsers.recognise.common import NUMBER_CELL_RE, Context, looks_like_id
from pipeline.textnorm import fold

# A cell of such a column: two short ratings apart by a slash, "H / M", "Medium/High", "3/4".
PAIR_CELL_RE = re.compile(r"^\s*(?P<a>[^/\s](?:[^/]{0,20}?))\s*/\s*(?P<b>[^/\s](?:[^/]{0,20}?))\s*$")
# A cell of an "L × I" column that shows its working: "3 × 4 = 12", "4x2=8", "3 * 4".
PRODUCT_CELL_RE = re.compile(
    r"^\s*(?P<a>\d{1,2})\s*[x×*]\s*(?P<b>\d{1,2})\s*(?:=\s*(?P<c>\d{1,3}))?\s*$", re.IGNORECASE
)
# A cell naming its two ratings by their letters: "L:3 I:4", "L=3, I=4", "P3 I4", "L: 3; S: 4".
LETTERED_PAIR_CELL_RE = re.compile(
    r"^\s*[LP]\s*[:=]?\s*(?P<a>\d)\s*[,;]?\s+[IS]\s*[:=]?\s*(?P<b>\d)\s*$", re.IGNORECASE
)
# Headers of a likelihood x impact column, folded by `label_key` ("L × I" -> "l x i"); a header
# ending with one ("Score (L × I)", "Risk score (P x I)") shows the product's working too.
PRODUCT_HEADERS = frozenset({"l x i", "p x i", "lxi", "pxi", "likelihood x impact", "probability x impact"})


def field_of_header(header: str, ctx: Context) -> str | None:
    """The field a header names, as a whole or as the longest field label it contains
    (`Lexicon.header_field`: "Risk Owner Recommendation" -> owner); ambiguous labels ("risk")
    are never taken from inside another header.

    >>> ctx = Context("x.md", "md")
    >>> field_of_header("Risk Owner Recommendation", ctx), field_of_header("Current likelihood", ctx)
    ('owner', 'likelihood')
    >>> field_of_header("Risk appetite", ctx), field_of_header("Notes", ctx)
    (None, None)
    """
    return ctx.lexicon.header_field(header)


def pair_header(header: str) -> tuple[str, str] | None:
    """The two names of a header naming two rating fields in one column, apart by its only slash
    ("Likelihood / Impact", "L/I", "P / I"), stripped of the spaces around them; None for any
    other header. A part that is only spaces is its last space, as the pattern this replaces,
    `^\\s*([^/]+?)\\s*/\\s*([^/]+?)\\s*$`, read it; that pattern took time cubic in a run of
    spaces (a header of 64K tabs: minutes), this takes one pass.

    >>> pair_header(" Likelihood / Impact "), pair_header("L/I"), pair_header("a/b/c"), pair_header("L /")
    (('Likelihood', 'Impact'), ('L', 'I'), None, None)
    >>> pair_header("  / I")
    (' ', 'I')
    """
    left, slash, right = header.partition("/")
    if not slash or not left or not right or "/" in right:
        return None
    return left.strip() or left[-1], right.strip() or right[-1]


def column_fields(table: Table, ctx: Context) -> list[str | None]:
    """The canonical field of each column, ambiguous headers settled by content, no field twice.

    A bare "P" is probability beside an impact column ("P | I"), else priority (Jira's issue
    tables head their priority column "P"): a severity. A "Priority" column that only ranks
    the rows (1, 2, 3 ... in some order) is a rank, not a severity.
    """
    fields = [field_of_header(h, ctx) for h in table.header]
    impacts = fields.count("impact")  # kept up to date below: a look-up per column, not a scan of them
    paired = _impact_pairs(table)
    for col, header in enumerate(table.header):
        key = label_key(header)
        values = column_values(table, col, ctx)
        pairs_elsewhere = len(paired) > (col in paired)  # another column reads "L / I"
        if key == "p" and fields[col] == "likelihood" and not impacts and not pairs_elsewhere:
            fields[col] = "severity"
            continue
        choices = ctx.lexicon.choices(header)
        if fields[col] in ("severity", "score") and ctx.lexicon.is_word("rank_labels", header) and _is_rank(values):
            fields[col] = None  # "Priority" 1..n: the order of the rows, not a rating
            continue
        if not choices:
            continue
        impacts -= fields[col] == "impact"  # about to become another field
        rating_share = sum(map(ctx.is_rating, values)) / len(values) if values else 0.0
        if choices[0] == "title":
            # "Risk" holding "🟢 LOW" is a rating column beside a "Component" title column.
            fields[col] = "severity" if rating_share >= 0.6 else "title"
        else:
            numbers = [int(m["n"]) for v in values if (m := NUMBER_CELL_RE.match(v))]
            fields[col] = "score" if numbers and max(numbers) > 5 else "severity"
    if "entry_id" not in fields and (ref := _control_refs(table, fields, ctx)) is not None:
        fields[ref] = "entry_id"
    fields = _drop_repeats(fields, table.header, ctx.lexicon)
    if (factor := _severity_factor(table, fields)) is not None:
        fields[factor] = "impact"
    return fields


def _control_refs(table: Table, fields: Sequence[str | None], ctx: Context) -> int | None:
    """The column of control references a gap assessment names its rows by ("Control | Gap" over
    "CC6.1 | No access reviews", "Annex A ref" over "A.8.13"), in a table with no id column: a
    header of the lexicon's `control_ref_labels` over cells that all read as ids (a mitigation
    column says what is done, never "CC6.1"); None when there is none.

    >>> from parsers.model import Row
    >>> ctx = Context("x.md", "md")
    >>> rows = (Row(3, ("CC6.1", "No access reviews")), Row(4, ("PR.AC-1", "Shared admin account")))
    >>> _control_refs(Table(line=1, end=4, header=("Control", "Gap"), rows=rows), ["mitigation", "title"], ctx)
    0
    >>> rows = (Row(3, ("Enforce MFA", "Phishing")),)
    >>> _control_refs(Table(line=1, end=3, header=("Control", "Risk"), rows=rows), ["mitigation", "title"], ctx) is None
    True
    """
    for col, header in enumerate(table.header):
        if fields[col] not in (None, "mitigation") or not ctx.lexicon.mentions("control_ref_labels", header):
            continue
        values = column_values(table, col, ctx)
        if values and all(looks_like_id(v) for v in values):
            return col
    return None


def _severity_factor(table: Table, fields: Sequence[str | None]) -> int | None:
    """The severity column of a table that multiplies it into its score, which makes it the
    impact ("Probability | Severity | Score" over "4 | 3 | 12", as the sections' "Likelihood: 4,
    Severity: 4, Overall: 16"): a likelihood, a severity and a score column, no impact column, and
    the score the product of the two in at least 80% of the rows where all three are numbers.
    None otherwise: a severity beside a likelihood alone is a severity.

    >>> from parsers.model import Row
    >>> rows = (Row(3, ("H1", "4", "3", "12")), Row(4, ("H2", "2", "5 (Major)", "10")))
    >>> t = Table(line=1, end=4, header=("ID", "Probability", "Severity", "Score"), rows=rows)
    >>> _severity_factor(t, ["entry_id", "likelihood", "severity", "score"])
    2
    >>> _severity_factor(t, ["entry_id", "likelihood", "severity", None]) is None
    True
    """
    if "impact" in fields or not {"likelihood", "severity", "score"} <= set(fields):
        return None
    cols = [fields.index(f) for f in ("likelihood", "severity", "score")]
    products = rated = 0
    for row in table.rows:
        found = [NUMBER_CELL_RE.match(row.cells[c]) if c < len(row.cells) else None for c in cols]
        if all(found):
            likelihood, severity, score = (int(m["n"]) for m in found)
            rated += 1
            products += likelihood * severity == score
    return cols[1] if rated and products >= 0.8 * rated else None


def column_values(table: Table, col: int, ctx: Context) -> list[str]:
    """The filled cells of a column."""
    return [r.cells[col] for r in table.rows if col < len(r.cells) and not ctx.is_null(r.cells[col])]


def _is_rank(values: Sequence[str]) -> bool:
    """Whether a column's values are the ranks 1..n of its rows (four rows at least: three rows
    rated 1, 2 and 3 may as well be a three-level scale).

    >>> _is_rank(["1", "2", "3", "4"]), _is_rank(["3", "1", "2", "4"]), _is_rank(["4", "4", "2", "1"])
    (True, True, False)
    >>> _is_rank(["1", "2", "3"])
    False
    """
    if len(values) < 4 or not all(v.strip().isdigit() for v in values):
        return False
    return sorted(int(v) for v in values) == list(range(1, len(values) + 1))


def _impact_pairs(table: Table) -> set[int]:
    """The columns that name impact together with likelihood ("L / I")."""
    return {c for c, h in enumerate(table.header) if (pair := pair_header(h)) and "i" in {label_key(p) for p in pair}}


def _drop_repeats(fields: list[str | None], headers: Sequence[str], lexicon: Lexicon) -> list[str | None]:
    """Keep one column per field: for titles the preferred label (the lexicon's order: "Risk"
    beats "Description", which then stays in `extra`); for other fields, as for a section's
    labels, a rating before mitigation beats one after it, then a header naming the field as a
    whole or overall ("Overall Likelihood", "Risk") beats one naming a part of it ("Likelihood of
    Attack Initiation", "Severity and Pervasiveness": NIST SP 800-30's factors), then the first."""
    by_field: dict[str, list[int]] = {}
    for c, f in enumerate(fields):
        if f is not None:
            by_field.setdefault(f, []).append(c)
    for fld, cols in by_field.items():
        if len(cols) < 2:
            continue
        if fld == "title":
            keep = min(cols, key=lambda c: (TITLE_PREFERENCE.get(label_key(headers[c]), len(TITLE_PREFERENCE)), c))
        else:
            keep = min(cols, key=lambda c: (*_column_rank(headers[c], lexicon), c))
        for c in cols:
            if c != keep:
                fields[c] = None
    return fields


def _column_rank(header: str, lexicon: Lexicon) -> tuple[bool, bool]:
    """How a column's header ranks among others naming its field, lower first: whether it names
    the stage after mitigation ("Residual Impact"), and whether it names only a part of the
    field (a label inside a longer header that does not say "overall").

    >>> lex = Lexicon.default()
    >>> [_column_rank(h, lex) for h in ("Overall Likelihood", "Likelihood of Attack Initiation", "Risk")]
    [(False, False), (False, True), (False, False)]
    >>> _column_rank("Residual Likelihood", lex), _column_rank("Likelihood", lex)
    ((True, True), (False, False))
    """
    after = bool(set(label_key(header).split()) & lexicon.phrases("phase_after"))
    whole = lexicon.field_of(header) is not None or bool(lexicon.choices(header))
    return after, not whole and not lexicon.mentions("overall_labels", header)


# Title labels in order of preference, when a table has more than one title-like column.
TITLE_PREFERENCE = {
    fold(w): k
    for k, w in enumerate(
        (
            "risk",
            "title",
            "risk title",
            "name",
            "risk name",
            "summary",
            "threat",
            "hazard",
            "issue",
            "scenario",
            "risk scenario",
            "item",
            "gap",
            "description",
            "risk description",
        )
    )
}


def rating_pairs(
    table: Table, fields: Sequence[str | None], ctx: Context
) -> dict[int, tuple[re.Pattern[str], tuple[str, ...]]]:
    """Columns that hold two ratings at once, {column: (cell pattern, fields of its groups)}:
    a header naming likelihood and impact apart by a slash ("Likelihood / Impact", "L / I")
    over pairs ("H / M"), or an "L × I" header over products ("3 × 4 = 12"); and no other
    column for likelihood or impact.

    >>> from parsers.model import Row
    >>> ctx = Context("x.md", "md")
    >>> t = Table(line=1, end=4, header=("ID", "L / I"), rows=(Row(3, ("R1", "H / M")), Row(4, ("R2", "Low/High"))))
    >>> [fields for _, fields in rating_pairs(t, ["entry_id", None], ctx).values()]
    [('likelihood', 'impact')]
    >>> t = Table(line=1, end=3, header=("#", "L × I"), rows=(Row(3, ("1", "3 × 4 = 12")),))
    >>> [fields for _, fields in rating_pairs(t, ["entry_id", "score"], ctx).values()]
    [('likelihood', 'impact', 'score')]
    """
    pairs: dict[int, tuple[re.Pattern[str], tuple[str, ...]]] = {}
    named_by = Counter(fields)  # counted once: a header of thousands of columns stays linear

    def elsewhere(field: str, col: int) -> bool:
        """Whether a column other than `col` names `field`."""
        return named_by[field] - (fields[col] == field) > 0

    for col, header in enumerate(table.header):
        if elsewhere("likelihood", col) or elsewhere("impact", col):
            continue
        values = column_values(table, col, ctx)
        product = ("likelihood", "impact", "score") if not elsewhere("score", col) else ("likelihood", "impact")
        key = label_key(header)
        if pair := pair_header(header):
            named = (ctx.lexicon.field_of(pair[0]), ctx.lexicon.field_of(pair[1]))
            if set(named) != {"likelihood", "impact"}:
                continue
            if _most_match(PAIR_CELL_RE, values):
                pairs[col] = (PAIR_CELL_RE, (str(named[0]), str(named[1])))
            elif _most_match(PRODUCT_CELL_RE, values):  # "L / I" over "3 × 4 = 12"
                pairs[col] = (PRODUCT_CELL_RE, product)
            elif _most_match(LETTERED_PAIR_CELL_RE, values):
                pairs[col] = (LETTERED_PAIR_CELL_RE, ("likelihood", "impact"))
        elif (key in PRODUCT_HEADERS or key.endswith(tuple(f" {h}" for h in PRODUCT_HEADERS))) and _most_match(
            PRODUCT_CELL_RE, values
        ):
            pairs[col] = (PRODUCT_CELL_RE, product if key in PRODUCT_HEADERS or fields[col] == "score" else product[:2])
        elif fields[col] in (None, "score", "severity") and _most_match(LETTERED_PAIR_CELL_RE, values):
            pairs[col] = (LETTERED_PAIR_CELL_RE, ("likelihood", "impact"))  # "Rating" over "L:3 I:4"
    return pairs


def _most_match(pattern: re.Pattern[str], values: Sequence[str]) -> bool:
    """Whether at least 80% of a column's values (one at least) match the pattern."""
    return bool(values) and sum(1 for v in values if pattern.match(v)) >= 0.8 * len(values)


def present(fields: Sequence[str | None]) -> set[str]:
    """The fields a table's columns name."""
    return {f for f in fields if f}


def rates(fields: Sequence[str | None]) -> bool:
    """Whether any column is a rating."""
    return bool(present(fields) & RATING_FIELDS)
