"""Heading-per-risk sections: a Markdown document as its headings, each with the labels under it.

Part of `parsers.markdown_sections`. One walk over the top-level blocks opens a `Section` at each
heading below the document's title (a level-1 heading only when it carries an id, `# R001: ...`)
and at each bold line with an id (`**R001: Vault outage**`), and adds the blocks under it to it
(`parsers.section_labels`). A `#### Mitigation` sub-heading is a label of the risk above it, not a
section. Records written without headings (`parsers.section_records`) are held until the heading
is closed: a single one under a heading that names one risk and has no fields of its own holds
that heading's fields; otherwise each is a section of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from markdown_it.tree import SyntaxTreeNode

from parsers import doc_meta
from parsers.fields import field_of_header
from parsers.markdown_blocks import BLOCKS, inline_of, line_of
from parsers.section_labels import Label, Section, add_block
from parsers.section_records import BOLD_HEADING_RE, block_records, titled_list
from parsers.section_text import heading_parts, is_container


def sections(text: str, synonyms: Mapping[str, str]) -> list[Section]:
    """Every heading of a Markdown text (bar the document's title) with the labels under it."""
    # markdown-it takes a lone "\r" for a line break; lines here are counted by "\n" only.
    root = SyntaxTreeNode(BLOCKS.parse(text.replace("\r\n", "\n").replace("\r", " ")))
    found: list[Section] = []
    stack: list[tuple[int, str]] = []  # enclosing headings: (level, heading)
    # The document's title when it has one of its own (a "# heading" or a first plain line), not
    # its first "## section" standing in for one.
    title = doc_meta.title(text) or ""
    first = next((n for n in root.children if n.type == "heading"), None)
    if (
        first is not None
        and first.tag != "h1"
        and doc_meta.section_name(inline_of(first)) == doc_meta.section_name(title)
    ):
        title = ""
    current: Section | None = None
    held: list[tuple[list[SyntaxTreeNode], list[Section]]] = []  # records found under the current heading

    def parent() -> str | None:  # the nearest enclosing heading that names a section (not an h1)
        return next((name for level, name in reversed(stack) if level > 1 and name), None)

    def context() -> tuple[str, ...]:
        return (title, *(name for _, name in stack))

    def settle() -> None:
        """Records under the heading just closed become entries, unless a single one sits under a
        heading that names one risk and has no fields of its own: then it holds that heading's fields
        ("### Cache stampede" then "**Risk:** keys expire together / **Likelihood:** Medium")."""
        single = sum(len(records) for _, records in held) == 1
        if current is not None and single and not current.labels and not is_container(current.heading):
            for node in held[0][0]:
                add_block(current, node)
        else:
            found.extend(r for _, records in held for r in records)
        held.clear()

    nodes = root.children
    skip = 0
    for k, node in enumerate(nodes):
        if skip:
            skip -= 1
            continue
        if node.type == "heading":
            level = int(node.tag[1:])
            heading = doc_meta.section_name(inline_of(node)) or ""
            if current is not None and level > current.level and field_of_header(heading, synonyms):
                # "#### Mitigation" under a risk's heading: a label whose value is what follows.
                current.pending = Label(heading, "", line_of(node))
                current.labels.append(current.pending)
                continue
            settle()
            while stack and stack[-1][0] >= level:
                stack.pop()
            # A level-1 heading is the document's title unless it carries an id ("# R001: ...").
            is_candidate = level > 1 or heading_parts(heading)[0] is not None
            current = (
                Section(level, heading, line_of(node), parent(), context(), synonyms=synonyms) if is_candidate else None
            )
            stack.append((level, heading))
            if current is not None:
                found.append(current)
        elif (
            node.type == "paragraph"
            and (bold := BOLD_HEADING_RE.match(inline_of(node)))
            and heading_parts(heading := doc_meta.section_name(bold["text"]) or "")[0]
        ):
            # A bold line with an id stands for a heading one level below the current one, a
            # sibling of the risk heading above it if any.
            settle()
            while stack and heading_parts(stack[-1][1])[0]:
                stack.pop()
            current = Section(
                (stack[-1][0] if stack else 0) + 1, heading, line_of(node), parent(), context(), synonyms=synonyms
            )
            found.append(current)
        elif not _owns_lists(current) and (
            record := titled_list(
                node, nodes[k + 1] if k + 1 < len(nodes) else None, current, parent(), context(), synonyms
            )
        ):
            # "**Data loss during failover**" over a list of labels: a heading in all but markup.
            held.append(([node, nodes[k + 1]], [record]))
            skip = 1
            if current is not None:
                current.pending = None
        elif not _owns_lists(current) and (records := block_records(node, current, parent(), context(), synonyms)):
            # Risks written as records under a heading (or with none): one list item or label block each.
            held.append(([node], records))
            if current is not None:
                current.pending = None
        elif current is not None:
            add_block(current, node)
    settle()
    return found


def _owns_lists(section: Section | None) -> bool:
    """Whether the lists and label blocks under a heading are its own fields, never records of
    their own: a heading with an id ("### R-3") is a risk whatever follows it."""
    return section is not None and heading_parts(section.heading)[0] is not None
