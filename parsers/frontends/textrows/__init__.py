"""Helpers of `parsers.frontends.text_tables`: tables in plain text, cut back into cells.

`header` (header lines whose cells ran together, or one per line), `delimited` (CSV and
tab-separated layouts), `rows` (the rows under a header), `legend` (a scale legend's rows),
`fixed_width` (columns aligned by spaces with no rule under the header), `vocab` (the words a
row is read with), `splitter` and `owner_cuts` (a row whose cells ran together cut back into
cells), `reading` (the passes over a table's rows that learn its owners).
Pure functions on lines of text.
"""
