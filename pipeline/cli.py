"""The `riskreg` command line. Thin: it parses options and calls the library.

Exit codes: 0 done; 1 an error stopped the command (bad config, database locked);
2 usage error; 3 the run finished but rejected some documents (see the `rejections` table).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click
import duckdb

from pipeline import __version__
from pipeline.config import Config, load_config
from pipeline.errors import RiskregError

DEFAULT_DB = Path("data/normalized/registers.duckdb")
EXIT_REJECTED = 3
# How many rejections the summary lists before pointing at the table.
SHOWN_REASONS = 4
SHOWN_REJECTIONS = 20
SHOWN_CHANGES = 50
# Control characters (C0, DEL, C1), which a file name or a document may hold: printed as they
# are, they would drive the terminal (clear it, move the cursor, rewrite the lines above).
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _config(config_path: Path | None, owners: Path | None) -> Config:
    try:
        config = load_config(config_path)
        return config.with_owner_directory(owners) if owners else config
    except RiskregError as err:
        raise click.ClickException(str(err)) from err


# --db for commands that read what `riskreg ingest` wrote: the file must exist.
existing_database_option = click.option(
    "--db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="Database written by `riskreg ingest`.",
)


@contextmanager
def read_only_database(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database opened read-only (a nightly ingest may hold the write lock); errors exit 1."""
    from pipeline.load import connect

    try:
        con = connect(db, read_only=True)
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    try:
        yield con
    finally:
        con.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="riskreg")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """riskreg: turn service risk registers, readiness checklists and risk assessments
    (Markdown, HTML, scraped text, any encoding) into one DuckDB table.

    \b
    riskreg ingest DOCS              load every document under DOCS
    riskreg ingest DOCS --owners owners.csv --config riskreg.toml
    riskreg report --out rollup.html what changed since the last run, and the rollup
    riskreg sql "SELECT * FROM changes"
    See README.md for the schema and the normalisation rules.
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


@main.command()
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="DuckDB file to load into (created if missing).",
)
@click.option(
    "--owners",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Owner directory CSV with columns canonical,alias. Without it, owner names are clustered.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="riskreg.toml overriding the defaults (vocabularies, thresholds).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for parsing (default: one per CPU; under 64 documents to parse, this process parses).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    help="Parse on a Dask cluster at ADDRESS (tcp://host:8786) instead of local processes. Needs the 'dask' extra.",
)
@click.option(
    "--shards",
    "shard_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder where workers write the run's Parquet shards, kept after the run under the run's id "
    "(storage a Dask cluster's workers share). Default: a scratch folder beside --db, removed after the run.",
)
@click.option("--full", is_flag=True, help="Re-parse every document, ignoring the cache of unchanged ones.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Say what the run would add, change, retire and reject, and write nothing (not even a new database).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON on stdout.")
def ingest(
    root: Path,
    db: Path,
    owners: Path | None,
    config_path: Path | None,
    workers: int | None,
    dask_address: str | None,
    shard_dir: Path | None,
    full: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Load every document under ROOT (recursively, any extension, hidden folders skipped).

    Each file is recognised by its content, decoded and repaired, parsed, normalised and
    loaded into the `entries` table of --db in one transaction. Documents that cannot be
    taken in go to the `rejections` table with the reason; the run goes on and exits 3.
    On a terminal, a progress bar shows the documents parsed (never with --json).
    """
    from pipeline.outputs import check_database_target
    from pipeline.progress import progress_bar, wants_progress
    from pipeline.run import ingest as run_ingest

    config = _config(config_path, owners)
    if not dry_run:
        try:
            check_database_target(db)
        except RiskregError as err:
            raise click.ClickException(str(err)) from err
    executor, client = None, None
    if dask_address:
        try:
            from dask.distributed import Client
        except ImportError as err:
            raise click.ClickException("--dask needs the dask extra: pip install 'riskreg[dask]'") from err
        client = Client(dask_address)
        executor = client.get_executor()
    try:
        with progress_bar(sys.stderr, wants_progress(sys.stderr, as_json)) as progress:
            summary = run_ingest(
                root,
                db,
                config,
                workers=workers,
                executor=executor,
                incremental=not full,
                progress=progress,
                dry_run=dry_run,
                shard_dir=shard_dir,
            )
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:  # the database's folder or file, past the checks above (a full disk, a race)
        raise click.ClickException(f"{err.filename or db}: {err.strerror or err}") from err
    finally:
        if client is not None:
            client.close()
    if as_json:
        payload = asdict(summary) | {"exit_code": summary.exit_code}
        click.echo(json.dumps(payload, indent=2, default=str))
    else:
        _print_summary(summary)
    sys.exit(summary.exit_code)


def printable(text: str) -> str:
    """Text from the documents or the tree, safe to print on a terminal: control characters
    written as `\\xNN` escapes.

    >>> print(printable("ok.md"), printable("\\x1b[2Jclear\\r.md"))
    ok.md \\x1b[2Jclear\\x0d.md
    """
    return CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _print_summary(summary) -> None:
    kinds = ", ".join(f"{n} {k}s" for k, n in sorted(summary.entries_by_kind.items())) or "none"
    out = click.echo
    if summary.dry_run:
        out(f"dry run: {summary.root} compared with {summary.db}; nothing written")
    else:
        out(f"run {summary.run_id}: {summary.root} -> {summary.db}")
    out(
        f"documents: {summary.documents_seen} seen, {summary.documents_parsed} parsed, "
        f"{summary.documents_rejected} rejected, {summary.documents_reused} unchanged since the last run"
    )
    out(f"entries: {summary.entries} ({kinds})")
    if summary.skipped:
        reasons = ", ".join(f"{n} {reason}" for reason, n in list(summary.skipped.items())[:SHOWN_REASONS])
        out(
            f"skipped: {sum(summary.skipped.values())} tables and sections that are not entries ({reasons}; "
            f"SELECT * FROM skipped)"
        )
    if summary.review_items:
        out(f"review: {summary.review_items} uncertain matches (riskreg review --db {summary.db})")
    if summary.changes:
        _print_changes(summary)
    if summary.rejections:
        out(f"{'would reject' if summary.dry_run else 'rejections'}: {len(summary.rejections)}")
        for rej in summary.rejections[:SHOWN_REJECTIONS]:
            out(f"  {printable(str(rej))}")
        if len(summary.rejections) > SHOWN_REJECTIONS:
            out(
                f"  ... {len(summary.rejections) - SHOWN_REJECTIONS} more: SELECT * FROM rejections "
                f"WHERE run_id = '{summary.run_id}'"
            )


def _print_changes(summary) -> None:
    """Entries new, changed and retired since the previous run; a dry run lists them."""
    from pipeline.history import describe

    counts = summary.changes
    numbers = f"{counts.get('new', 0)} new, {counts.get('changed', 0)} changed, {counts.get('retired', 0)} retired"
    if not summary.dry_run:
        click.echo(f"changes: {numbers} (SELECT * FROM changes WHERE run_id = '{summary.run_id}')")
        return
    click.echo(f"would change: {numbers}")
    for change in summary.preview[:SHOWN_CHANGES]:
        click.echo(f"  {printable(describe(change))}")
    if len(summary.preview) > SHOWN_CHANGES:
        click.echo(f"  ... {len(summary.preview) - SHOWN_CHANGES} more (--json lists them all)")


@main.command()
@existing_database_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "markdown"]),
    default=None,
    help="Output format (default: from --out's extension, else html).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout).",
)
def report(db: Path, fmt: str | None, out: Path | None) -> None:
    """Write the cross-service risk rollup: what changed since the previous run, heatmaps, risks by
    service, top risks, owners, data quality.

    \b
    riskreg report --out rollup.html
    riskreg report --format md > rollup.md
    """
    from pipeline.outputs import write_text
    from pipeline.render import render_html, render_markdown
    from pipeline.report import build_report

    fmt = fmt or ("md" if out is not None and out.suffix.lower() in (".md", ".markdown") else "html")
    fmt = "md" if fmt == "markdown" else fmt
    with read_only_database(db) as con:
        try:
            rollup = build_report(con)
            protected = _protected(con, db)
            if out is not None:
                protected.refuse(out)  # before the work is shown: never over the database or an input
        except RiskregError as err:
            raise click.ClickException(str(err)) from err
    text = render_markdown(rollup) if fmt == "md" else render_html(rollup)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_text(out, text, protected)
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {out}", err=True)


def _protected(con: duckdb.DuckDBPyConnection, db: Path, decisions: Path | None = None):
    """What no output of a command on `db` may replace: the database, the decisions file beside
    it, the documents it was loaded from."""
    from pipeline.outputs import Protected, input_paths

    beside = decisions or Config().decisions_file(db)
    return Protected.of(db, [beside, *input_paths(con)])


@main.command()
@existing_database_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "markdown", "csv", "jsonl", "parquet"]),
    default="md",
    show_default=True,
    help="md (or markdown): one canonical Markdown register per source document; csv/jsonl: one file of "
    "all entries; parquet: a folder partitioned by service.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write (md, parquet) or file (csv, jsonl).",
)
def export(db: Path, fmt: str, out: Path) -> None:
    """Export the entries in one canonical format: the migration of legacy registers, or files for
    other tools.

    \b
    riskreg export --out migrated/                 # canonical Markdown registers, same tree
    riskreg export --format csv --out entries.csv
    riskreg export --format parquet --out entries/ # entries/service=<name>/*.parquet
    """
    from pipeline.export import FORMAT_ALIASES
    from pipeline.export import export as run_export

    fmt = FORMAT_ALIASES.get(fmt, fmt)
    with read_only_database(db) as con:
        try:
            summary = run_export(con, out, fmt, _protected(con, db))  # type: ignore[arg-type]
        except RiskregError as err:
            raise click.ClickException(str(err)) from err
    click.echo(
        f"wrote {len(summary.files)} file(s): {summary.risks} risks, {summary.checks} checks"
        + (
            f" ({summary.unknown_checks} checks of unknown state written unticked)"
            if fmt == "md" and summary.unknown_checks
            else ""
        )
    )


@main.command()
@existing_database_option
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned columns for a person; csv: a header row, then rows; json: an array of objects.",
)
def sql(db: Path, query: str, fmt: str) -> None:
    """Run QUERY (DuckDB SQL) on the database, read-only, and print the result.

    \b
    riskreg sql "SELECT service, live, critical, high FROM risk_rollup ORDER BY critical DESC"
    riskreg sql --format csv "SELECT * FROM changes WHERE change = 'new'" > new.csv
    riskreg sql --format json "SELECT * FROM owner_load"
    Nothing can be written: no INSERT, UPDATE or COPY, no other files read. Exit 1 on a bad query.
    """
    from pipeline.sql import open_read_only, render, run_query

    try:
        con = open_read_only(db)
        try:
            result = run_query(con, query)
        finally:
            con.close()
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    click.echo(render(result, fmt), nl=False)  # type: ignore[arg-type]


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--explain",
    is_flag=True,
    help="List every repair with its line (encoding, ftfy's steps, bytes recovered): on stderr, "
    "or on stdout with --in-place.",
)
@click.option(
    "--in-place", is_flag=True, help="Rewrite each file as UTF-8 with LF line ends, keeping the original as FILE.bak."
)
def repair(files: tuple[Path, ...], explain: bool, in_place: bool) -> None:
    """Print FILES decoded and with mojibake undone, exactly as `ingest` parses them.

    \b
    riskreg repair old.md > fixed.md          # any encoding in, UTF-8 out (several files: one after another)
    riskreg repair old.md --explain           # text on stdout, the repairs on stderr
    riskreg repair *.md --in-place --explain  # rewrite, keep *.md.bak, list the repairs on stdout
    Exit 1 when a file cannot be decoded (binary, empty) or its backup already exists.
    """
    from pipeline.decode import decode_and_repair, explanation
    from pipeline.errors import DecodeError
    from pipeline.outputs import rewrite_keeping_backup

    failed = False
    for path in files:
        data = path.read_bytes()
        try:
            decoded = decode_and_repair(data, str(path))
        except DecodeError as err:
            click.echo(f"riskreg repair: {err}", err=True)
            failed = True
            continue
        if explain:
            for line in explanation(decoded, str(path)):
                click.echo(line, err=not in_place)
        new = decoded.text.encode("utf-8")
        if not in_place:
            click.echo(new, nl=False)  # bytes: UTF-8 whatever the terminal's locale
        elif new != data:
            backup = path.with_name(path.name + ".bak")
            try:
                rewrite_keeping_backup(path, new, data, backup)
            except RiskregError as err:
                click.echo(f"riskreg repair: {err}", err=True)
                failed = True
                continue
            click.echo(f"{path}: rewritten as UTF-8 ({len(decoded.line_repairs)} lines repaired), original in {backup}")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--owners", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Owner directory CSV.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="riskreg.toml overriding the defaults.",
)
def explain(file: Path, owners: Path | None, config_path: Path | None) -> None:
    """Show how FILE is read: the front end, the block tree in outline with line numbers, what
    each table and section was taken for, the entries made and what was skipped, and why.

    The first thing to run when a document loads wrong. Writes nothing.
    """
    from pipeline.explain import explain as explain_document

    config = _config(config_path, owners)
    try:
        lines = explain_document(file.as_posix(), file.read_bytes(), config)
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    click.echo("\n".join(lines))


# --- riskreg review: thin; the work is in pipeline.review ---------------------------------------
_VOCABULARIES = ("owner", "status", "likelihood", "impact", "severity", "service")


def _echo_or_fail(action, *args) -> None:
    """Show what a review action returns; a RiskregError is a clean exit 1."""
    try:
        click.echo(action(*args))
    except RiskregError as err:
        raise click.ClickException(str(err)) from err


@main.group(invoke_without_command=True)
@existing_database_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="riskreg.toml ([review] decisions and merge_min_score).",
)
@click.option(
    "--decisions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Decisions file (default: [review] decisions, else <db name>.decisions.csv beside --db).",
)
@click.option("--vocabulary", type=click.Choice(_VOCABULARIES), help="List only this vocabulary.")
@click.option("--all", "everything", is_flag=True, help="List every match of the latest run, not only uncertain ones.")
@click.option(
    "--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Merge candidates shown (0: all)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
@click.pass_context
def review(
    ctx: click.Context,
    db: Path,
    config_path: Path | None,
    decisions: Path | None,
    vocabulary: str | None,
    everything: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List uncertain matches and merge candidates; settle them with the subcommands.

    \b
    riskreg review --db F                                   what waits for a person
    riskreg review --db F accept owner "Secruity lead" Security
    riskreg review --db F accept status "On hld"            take the proposed value
    riskreg review --db F reject owner "J. Smith"           keep as written, stop asking
    riskreg review --db F merge KEY_A KEY_B                 two entries are one risk
    riskreg review --db F distinct KEY_A KEY_B              they are not
    riskreg review --db F forget owner "Secruity lead"      drop a decision

    Decisions go to a CSV file that every later `riskreg ingest` reads first.
    """
    from pipeline.review import ReviewSession

    config = _config(config_path, None)
    try:
        ctx.obj = ReviewSession(db, decisions or config.decisions_file(db), config.merge_min_score)
    except RiskregError as err:
        raise click.ClickException(str(err)) from err
    if ctx.invoked_subcommand is None:
        _echo_or_fail(ctx.obj.listing, vocabulary, everything, limit, as_json)


@review.command("accept")
@click.argument("vocabulary", type=click.Choice(_VOCABULARIES))
@click.argument("raw")
@click.argument("canonical", required=False)
@click.pass_obj
def review_accept(session, vocabulary: str, raw: str, canonical: str | None) -> None:
    """Map RAW to CANONICAL (a correction), or to the proposed value when CANONICAL is left out."""
    _echo_or_fail(session.decide, vocabulary, raw, canonical, "map")


@review.command("reject")
@click.argument("vocabulary", type=click.Choice(_VOCABULARIES))
@click.argument("raw")
@click.pass_obj
def review_reject(session, vocabulary: str, raw: str) -> None:
    """Keep RAW as written (matched to nothing) and stop flagging it."""
    _echo_or_fail(session.decide, vocabulary, raw, None, "keep")


@review.command("merge")
@click.argument("first")
@click.argument("second")
@click.pass_obj
def review_merge(session, first: str, second: str) -> None:
    """Record that entries FIRST and SECOND (entry keys) are the same risk."""
    _echo_or_fail(session.decide_pair, first, second, "merge")


@review.command("distinct")
@click.argument("first")
@click.argument("second")
@click.pass_obj
def review_distinct(session, first: str, second: str) -> None:
    """Record that entries FIRST and SECOND are different risks: no longer proposed."""
    _echo_or_fail(session.decide_pair, first, second, "distinct")


@review.command("forget")
@click.argument("vocabulary", type=click.Choice((*_VOCABULARIES, "risk")))
@click.argument("raw")
@click.argument("other", required=False)
@click.pass_obj
def review_forget(session, vocabulary: str, raw: str, other: str | None) -> None:
    """Drop the decision on RAW (for risk: on the pair RAW OTHER)."""
    _echo_or_fail(session.forget, vocabulary, raw, other)


if __name__ == "__main__":
    main()
