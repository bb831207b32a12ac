"""Parsers, one module per format. Each exposes NAME, sniff(text) -> float and
parse(doc, config) -> ParsedDocument; adding a format means one module and one line here.

Order matters only for ties in `pipeline.sniff.rank`: earlier wins.
"""

from parsers import checklist, flattened_text, html_table, markdown_sections, markdown_table

PARSERS = (markdown_table, html_table, markdown_sections, flattened_text, checklist)
PARSERS_BY_NAME = {p.NAME: p for p in PARSERS}
