"""Parsers: decoded text -> raw entries, for every input syntax.

`parsers.model` is the block tree every syntax is turned into, `parsers.frontends` build it (one
module per syntax), `parsers.recognise` find the register structures in it, and
`parsers.lexicon` holds the words both read with. This package imports nothing on its own, so
that the core (`pipeline.config`) can use the lexicon without pulling in every parser.
"""
