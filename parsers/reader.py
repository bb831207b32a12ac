"""Read one document: the front end that fits its syntax builds the block tree, then every
recogniser reads the tree. The parse stage of the pipeline, a pure function of the decoded
document and the configuration.

The table verdicts are taken once (`parsers.recognise.tables.verdict`) and every recogniser is
told them: register tables give risks here, checklist tables checks, legends (and scales written
as text, `legends.text_legends`) the document's own scale, `| Likelihood | High |` tables the
fields of the section above them (read by the section recogniser), page-properties tables
metadata; every other table is recorded as skipped with its reason. Sections are read before
lists, so that a risk's `- **Owner**: SRE` bullet is a field, never a checklist item.

A document is read in English and the languages its labels use (`parsers.recognise.language`,
unless riskreg.toml's `[lexicon] languages` says): the tree the front end built with English
tells them, and a document in another language is then read again with its packs' words
(`pipeline.languages.configured`) by a front end whose tree depends on them (READS_LEXICON: the
plain-text and delimited ones cut cells by the labels; a Markdown or HTML tree is the same in any
language, and is not built twice).
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers import frontends
from parsers.model import Table, Tree, walk
from parsers.recognise import checklists, id_lists, sections
from parsers.recognise.check_tables import check_entries
from parsers.recognise.common import Context, Found
from parsers.recognise.language import document_languages
from parsers.recognise.legends import Scales, legend_scales, merge_scales, text_legends
from parsers.recognise.meta import metadata, title
from parsers.recognise.registers import register_entries
from parsers.recognise.tables import Verdicts
from pipeline.config import Config
from pipeline.languages import configured
from pipeline.records import Document, ParsedDocument, Skipped


@dataclass(frozen=True, slots=True)
class Reading:
    """A document as read: the tree, and what the recognisers made of it."""

    tree: Tree
    parsed: ParsedDocument
    sniff_scores: dict[str, float]
    verdicts: Verdicts


def read(doc: Document, config: Config, syntax: str | None = None) -> Reading:
    """The block tree of a document and its entries, metadata, stated scales and skipped parts.

    `syntax` forces a front end by name (`riskreg explain`, the adversarial benchmark); by
    default the one whose sniff scores highest reads the document."""
    scores = frontends.ranked(doc.text)
    frontend = frontends.FRONTENDS_BY_NAME[syntax or scores[0][0]]
    forced = config.languages  # riskreg.toml's `[lexicon] languages`
    if forced:
        config = configured(config, forced)
    tree = frontend.blocks(doc, config)
    if not forced:
        languages = document_languages(tree, config.lexicon_files)
        config = configured(config, languages)
        if len(languages) > 1 and frontend.READS_LEXICON:
            tree = frontend.blocks(doc, config)
    ctx = Context(doc.path, tree.syntax, config)
    tables = [b for b in walk(tree.blocks) if isinstance(b, Table) and not b.chrome]
    verdicts = Verdicts(tables, ctx)
    found = Found()
    scales: Scales = {}
    property_tables: list[Table] = []
    for table in tables:
        v = verdicts.of(table)
        if v.kind in ("register", "card", "supplement"):
            rows = register_entries(table, v, ctx, supplement=v.kind == "supplement")
            found.extend(rows)
            if not rows.entries and not rows.skipped:
                found.skipped.append(_skipped(table, "no rows with content"))
        elif v.kind == "checklist" and v.check is not None:
            found.entries.extend(check_entries(table, v.fields, v.check, ctx))
        elif v.kind == "legend":
            merge_scales(scales, legend_scales(table, ctx))
            found.skipped.append(_skipped(table, v.reason))
        elif v.kind == "properties":
            property_tables.append(table)
        elif v.kind == "skip":
            found.skipped.append(_skipped(table, v.reason))
    for legend in text_legends(tree, ctx):
        merge_scales(scales, legend.scales)
        found.skipped.append(Skipped(legend.line, legend.structure, "legend", legend.detail[:200]))
    found.extend(sections.recognise(tree, verdicts, ctx))
    found.extend(id_lists.recognise(tree, ctx, found.claimed))
    found.extend(checklists.recognise(tree, verdicts, ctx, found.claimed))
    parsed = ParsedDocument(
        entries=sorted(found.entries, key=lambda e: e.loc.line),
        title=title(tree, ctx),
        metadata=metadata(tree, ctx, property_tables),
        stated_scales=scales,
        skipped=tuple(sorted(found.skipped, key=lambda s: s.line)),
        syntax=tree.syntax,
        languages=config.languages,
    )
    return Reading(tree, parsed, dict(scores), verdicts)


def _skipped(table: Table, reason: str) -> Skipped:
    return Skipped(table.line, "table", reason, " | ".join(table.header)[:200])
