"""The five parser stacks being replaced by the document model (`parsers.model`): one module per
format, each with NAME, sniff(text) -> float and parse(doc, config) -> ParsedDocument.

Order matters only for ties in `pipeline.sniff.rank`: earlier wins.
"""

from parsers import checklist, flattened_text, html_table, markdown_sections, markdown_table

PARSERS = (markdown_table, html_table, markdown_sections, flattened_text, checklist)
PARSERS_BY_NAME = {p.NAME: p for p in PARSERS}
