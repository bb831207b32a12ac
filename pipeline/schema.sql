-- riskreg database schema. Applied by pipeline.load on every connect (idempotent).
-- `documents`, `entries`, `services` and `matches` hold the state of the docs tree as of the
-- latest run (replaced in one transaction per run); `runs`, `rejections` and `entry_history`
-- keep history. Every table, view and column carries a COMMENT (tests/test_docs.py checks it).
-- The `changes` view and `entries_as_of` macro are generated from one field list in pipeline/history.py.

CREATE TABLE IF NOT EXISTS schema_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);
COMMENT ON TABLE schema_info IS 'Internal: schema and riskreg versions of the database.';
COMMENT ON COLUMN schema_info.key IS 'schema_version or riskreg_version.';
COMMENT ON COLUMN schema_info.value IS 'The version.';

CREATE TABLE IF NOT EXISTS runs (
    run_id              VARCHAR PRIMARY KEY,
    started_at          TIMESTAMP NOT NULL,  -- UTC; TIMESTAMPTZ would need pytz to fetch in Python
    finished_at         TIMESTAMP,
    root                VARCHAR NOT NULL,
    riskreg_version     VARCHAR NOT NULL,
    config_fingerprint  VARCHAR NOT NULL,
    documents_seen      INTEGER NOT NULL,
    documents_parsed    INTEGER NOT NULL,
    documents_rejected  INTEGER NOT NULL,
    documents_reused    INTEGER NOT NULL,
    entries             INTEGER NOT NULL,
    risks               INTEGER NOT NULL,
    checks              INTEGER NOT NULL,
    review_items        INTEGER NOT NULL,
    exit_code           INTEGER NOT NULL
);
ALTER TABLE runs ADD COLUMN IF NOT EXISTS skipped INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS entries_new INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS entries_changed INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS entries_retired INTEGER;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS decisions_sha256 VARCHAR;
COMMENT ON TABLE runs IS 'One row per `riskreg ingest` run.';
COMMENT ON COLUMN runs.run_id IS 'YYYYMMDDTHHMMSSZ-xxxxxxxx: start time and a random suffix.';
COMMENT ON COLUMN runs.started_at IS 'When the run started, UTC.';
COMMENT ON COLUMN runs.finished_at IS 'When it finished parsing and normalising (just before the load), UTC.';
COMMENT ON COLUMN runs.root IS 'The folder ingested.';
COMMENT ON COLUMN runs.riskreg_version IS 'riskreg version that ran.';
COMMENT ON COLUMN runs.config_fingerprint IS 'Fingerprint of the configuration and of riskreg''s code (keys the parse cache).';
COMMENT ON COLUMN runs.documents_seen IS 'Files found under root.';
COMMENT ON COLUMN runs.documents_parsed IS 'Documents whose entries were taken in.';
COMMENT ON COLUMN runs.documents_rejected IS 'Documents rejected or stale (see rejections).';
COMMENT ON COLUMN runs.documents_reused IS 'Documents unchanged since the last run: parse taken from the cache.';
COMMENT ON COLUMN runs.entries IS 'Entries loaded.';
COMMENT ON COLUMN runs.risks IS 'Risks loaded.';
COMMENT ON COLUMN runs.checks IS 'Checks loaded.';
COMMENT ON COLUMN runs.review_items IS 'Uncertain matches waiting in riskreg review.';
COMMENT ON COLUMN runs.exit_code IS '0, or 3 when something was rejected.';
COMMENT ON COLUMN runs.skipped IS 'Tables, sections and rows read and not taken as entries.';
COMMENT ON COLUMN runs.entries_new IS 'Entries first seen in this run (or back after being retired).';
COMMENT ON COLUMN runs.entries_changed IS 'Entries with a field changed since the previous run.';
COMMENT ON COLUMN runs.entries_retired IS 'Entries of the previous run that are in no document any more.';
COMMENT ON COLUMN runs.decisions_sha256 IS 'sha256 of the review decisions file the run read (NULL: none); with config_fingerprint, says whether a night must normalise again.';

CREATE TABLE IF NOT EXISTS documents (
    path            VARCHAR PRIMARY KEY,
    sha256          VARCHAR NOT NULL,
    size            BIGINT NOT NULL,
    format          VARCHAR,
    parsers         VARCHAR[],
    sniff_scores    JSON,
    encoding        VARCHAR,
    repairs         JSON,
    repair_count    INTEGER NOT NULL,
    title           VARCHAR,
    service         VARCHAR,
    metadata        JSON,
    owner           VARCHAR,
    last_updated    VARCHAR,
    entry_count     INTEGER NOT NULL,
    status          VARCHAR NOT NULL,
    entries_sha256  VARCHAR,
    run_id          VARCHAR NOT NULL
);
ALTER TABLE documents ADD COLUMN IF NOT EXISTS updated_on DATE;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS languages VARCHAR[];
ALTER TABLE documents ADD COLUMN IF NOT EXISTS path_bytes BLOB;
COMMENT ON COLUMN documents.path_bytes IS 'The file name''s bytes when they are not UTF-8 (path shows them as \xNN); NULL otherwise.';
COMMENT ON COLUMN documents.languages IS 'The lexicon packs the document was read with, English first ([en, es]); NULL when it was not read.';
COMMENT ON TABLE documents IS 'One row per file under the ingest root, as of the latest run.';
COMMENT ON COLUMN documents.path IS 'Relative to the ingest root, POSIX separators; bytes of the name that are not UTF-8 written \xNN (see path_bytes).';
COMMENT ON COLUMN documents.sha256 IS 'Of the bytes as they are now.';
COMMENT ON COLUMN documents.size IS 'Bytes.';
COMMENT ON COLUMN documents.format IS 'Detected format (best-scoring parser or front end); NULL if none recognised it.';
COMMENT ON COLUMN documents.parsers IS 'Every parser that contributed entries.';
COMMENT ON COLUMN documents.sniff_scores IS 'Each parser''s score 0-1 for this document.';
COMMENT ON COLUMN documents.encoding IS 'Encoding the bytes were decoded with.';
COMMENT ON COLUMN documents.repairs IS 'Repairs applied: [{step, count, line, detail}].';
COMMENT ON COLUMN documents.repair_count IS 'Text repairs (BOM and line-end changes not counted).';
COMMENT ON COLUMN documents.title IS 'Document title as written.';
COMMENT ON COLUMN documents.service IS 'Canonical service name.';
COMMENT ON COLUMN documents.metadata IS 'Key: value lines at the top (owner, last updated, status, version...).';
COMMENT ON COLUMN documents.owner IS 'The Owner: metadata as written.';
COMMENT ON COLUMN documents.last_updated IS 'The Last updated: metadata as written.';
COMMENT ON COLUMN documents.entry_count IS 'Entries taken from the document.';
COMMENT ON COLUMN documents.status IS 'parsed, rejected, or stale (failed this run; last good entries kept).';
COMMENT ON COLUMN documents.entries_sha256 IS 'sha256 of the bytes the entries come from (differs from sha256 when stale).';
COMMENT ON COLUMN documents.run_id IS 'The run that last wrote the row (a night where nothing changed writes nothing).';
COMMENT ON COLUMN documents.updated_on IS 'last_updated read as a date (2026-03-02, 2 March 2026, March 2, 2026, March 2026); NULL otherwise.';

CREATE TABLE IF NOT EXISTS entries (
    entry_key        VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL,
    service          VARCHAR,
    entry_id         VARCHAR,
    title            VARCHAR,
    likelihood       TINYINT,
    impact           TINYINT,
    score            TINYINT,
    severity         VARCHAR,
    status           VARCHAR,
    owners           VARCHAR[],
    owner_raw        VARCHAR,
    mitigation       VARCHAR,
    section          VARCHAR,
    checked          BOOLEAN,
    likelihood_raw   VARCHAR,
    impact_raw       VARCHAR,
    severity_raw     VARCHAR,
    status_raw       VARCHAR,
    score_raw        VARCHAR,
    severity_source  VARCHAR,
    source_path      VARCHAR NOT NULL,
    source_line      INTEGER NOT NULL,
    source_lines     INTEGER[],
    parser           VARCHAR NOT NULL,
    confidence       DOUBLE NOT NULL,
    notes            VARCHAR[],
    extra            JSON,
    run_id           VARCHAR NOT NULL,
    duplicate_of     VARCHAR
);
ALTER TABLE entries ADD COLUMN IF NOT EXISTS duplicate_of VARCHAR;
COMMENT ON TABLE entries IS 'Every risk and check of every document, normalised, with raw values beside (latest run).';
COMMENT ON COLUMN entries.entry_key IS 'Stable key: sha1 of source path, kind, id (or title) and occurrence; kept across runs.';
COMMENT ON COLUMN entries.kind IS 'risk or check.';
COMMENT ON COLUMN entries.service IS 'Canonical service name of the document (see services).';
COMMENT ON COLUMN entries.entry_id IS 'Id as written; NULL when the document gives none.';
COMMENT ON COLUMN entries.title IS 'The risk or check as written (markup stripped, mojibake repaired).';
COMMENT ON COLUMN entries.likelihood IS '1-5; NULL when not stated or not a rating.';
COMMENT ON COLUMN entries.impact IS '1-5; NULL when not stated or not a rating.';
COMMENT ON COLUMN entries.score IS 'likelihood x impact; NULL unless both are known.';
COMMENT ON COLUMN entries.severity IS 'low, medium, high or critical: stated, else from the score.';
COMMENT ON COLUMN entries.status IS 'open, mitigating, mitigated, monitoring, accepted or closed; NULL when not stated or not recognised.';
COMMENT ON COLUMN entries.owners IS 'Canonical owner names (joint owners split); empty when none.';
COMMENT ON COLUMN entries.owner_raw IS 'Owner cell exactly as written.';
COMMENT ON COLUMN entries.mitigation IS 'Mitigation / controls text.';
COMMENT ON COLUMN entries.section IS 'Heading the entry sits under.';
COMMENT ON COLUMN entries.checked IS 'Checks: ticked (true), unticked (false), unknown (NULL); NULL for risks.';
COMMENT ON COLUMN entries.likelihood_raw IS 'Likelihood exactly as written.';
COMMENT ON COLUMN entries.impact_raw IS 'Impact exactly as written.';
COMMENT ON COLUMN entries.severity_raw IS 'Severity exactly as written.';
COMMENT ON COLUMN entries.status_raw IS 'Status exactly as written.';
COMMENT ON COLUMN entries.score_raw IS 'Score exactly as written.';
COMMENT ON COLUMN entries.severity_source IS 'stated or score: where severity came from.';
COMMENT ON COLUMN entries.source_path IS 'Document, relative to the ingest root.';
COMMENT ON COLUMN entries.source_line IS '1-based line where the entry starts.';
COMMENT ON COLUMN entries.source_lines IS 'Every line that describes the entry.';
COMMENT ON COLUMN entries.parser IS 'The parser that produced the entry.';
COMMENT ON COLUMN entries.confidence IS 'The parser''s confidence in how it split the entry, 0-1.';
COMMENT ON COLUMN entries.notes IS 'Why confidence is lower, cells missing, fields reconciled, conflicts.';
COMMENT ON COLUMN entries.extra IS 'Source columns or labels with no canonical field: {header: value}.';
COMMENT ON COLUMN entries.run_id IS 'Run that loaded the row.';
COMMENT ON COLUMN entries.duplicate_of IS 'entry_key this risk was merged into by a review decision; NULL otherwise.';

-- Every version of every entry: a row per entry_key and version, written only when a run sees a
-- change (pipeline/history.py). `last_seen_run` IS NULL marks the current version.
CREATE TABLE IF NOT EXISTS entry_history (
    entry_key        VARCHAR NOT NULL,
    version          INTEGER NOT NULL,
    first_seen_run   VARCHAR NOT NULL,
    last_seen_run    VARCHAR,
    retired_run      VARCHAR,
    kind             VARCHAR NOT NULL,
    service          VARCHAR,
    entry_id         VARCHAR,
    title            VARCHAR,
    likelihood       TINYINT,
    impact           TINYINT,
    score            TINYINT,
    severity         VARCHAR,
    status           VARCHAR,
    owners           VARCHAR[],
    owner_raw        VARCHAR,
    mitigation       VARCHAR,
    section          VARCHAR,
    checked          BOOLEAN,
    likelihood_raw   VARCHAR,
    impact_raw       VARCHAR,
    severity_raw     VARCHAR,
    status_raw       VARCHAR,
    score_raw        VARCHAR,
    severity_source  VARCHAR,
    source_path      VARCHAR NOT NULL,
    source_line      INTEGER NOT NULL,
    source_lines     INTEGER[],
    parser           VARCHAR NOT NULL,
    confidence       DOUBLE NOT NULL,
    notes            VARCHAR[],
    extra            JSON,
    duplicate_of     VARCHAR
);
COMMENT ON TABLE entry_history IS 'Every version of every entry: a new row only when a run sees a field change; retired entries stay.';
COMMENT ON COLUMN entry_history.entry_key IS 'Stable key of the entry (entries.entry_key).';
COMMENT ON COLUMN entry_history.version IS '1 for the first version of an entry, then 2, 3... per change.';
COMMENT ON COLUMN entry_history.first_seen_run IS 'The run that first saw this version.';
COMMENT ON COLUMN entry_history.last_seen_run IS 'The last run that saw this version; NULL while it is current (seen by the latest run).';
COMMENT ON COLUMN entry_history.retired_run IS 'The run in which the entry was in no document any more, after this version; NULL otherwise.';
COMMENT ON COLUMN entry_history.kind IS 'risk or check.';
COMMENT ON COLUMN entry_history.service IS 'Canonical service name.';
COMMENT ON COLUMN entry_history.entry_id IS 'Id as written.';
COMMENT ON COLUMN entry_history.title IS 'The risk or check as written.';
COMMENT ON COLUMN entry_history.likelihood IS '1-5.';
COMMENT ON COLUMN entry_history.impact IS '1-5.';
COMMENT ON COLUMN entry_history.score IS 'likelihood x impact.';
COMMENT ON COLUMN entry_history.severity IS 'low, medium, high or critical.';
COMMENT ON COLUMN entry_history.status IS 'Canonical status.';
COMMENT ON COLUMN entry_history.owners IS 'Canonical owner names.';
COMMENT ON COLUMN entry_history.owner_raw IS 'Owner cell as written.';
COMMENT ON COLUMN entry_history.mitigation IS 'Mitigation / controls text.';
COMMENT ON COLUMN entry_history.section IS 'Heading the entry sits under.';
COMMENT ON COLUMN entry_history.checked IS 'Checks: ticked, unticked, unknown (NULL).';
COMMENT ON COLUMN entry_history.likelihood_raw IS 'Likelihood as written.';
COMMENT ON COLUMN entry_history.impact_raw IS 'Impact as written.';
COMMENT ON COLUMN entry_history.severity_raw IS 'Severity as written.';
COMMENT ON COLUMN entry_history.status_raw IS 'Status as written.';
COMMENT ON COLUMN entry_history.score_raw IS 'Score as written.';
COMMENT ON COLUMN entry_history.severity_source IS 'stated or score.';
COMMENT ON COLUMN entry_history.source_path IS 'Document, relative to the ingest root.';
COMMENT ON COLUMN entry_history.source_line IS 'Line when this version was first seen (lines moving alone make no version).';
COMMENT ON COLUMN entry_history.source_lines IS 'Lines when this version was first seen.';
COMMENT ON COLUMN entry_history.parser IS 'Parser when this version was first seen (not compared).';
COMMENT ON COLUMN entry_history.confidence IS 'Parser confidence when this version was first seen (not compared).';
COMMENT ON COLUMN entry_history.notes IS 'Parser notes when this version was first seen (not compared).';
COMMENT ON COLUMN entry_history.extra IS 'Source columns with no canonical field.';
COMMENT ON COLUMN entry_history.duplicate_of IS 'entry_key this risk was merged into by a review decision.';

CREATE TABLE IF NOT EXISTS rejections (
    run_id  VARCHAR NOT NULL,
    path    VARCHAR NOT NULL,
    line    INTEGER,
    stage   VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    detail  VARCHAR
);
COMMENT ON TABLE rejections IS 'Documents (or parts) a run could not take in, and why; kept for every run.';
COMMENT ON COLUMN rejections.run_id IS 'The run.';
COMMENT ON COLUMN rejections.path IS 'Document, relative to the ingest root.';
COMMENT ON COLUMN rejections.line IS '1-based line, when the problem has one.';
COMMENT ON COLUMN rejections.stage IS 'read, decode, sniff, parse...';
COMMENT ON COLUMN rejections.reason IS 'What went wrong and what to do.';
COMMENT ON COLUMN rejections.detail IS 'Traceback for internal errors.';

CREATE TABLE IF NOT EXISTS skipped (
    path       VARCHAR NOT NULL,
    line       INTEGER NOT NULL,
    structure  VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    detail     VARCHAR,
    run_id     VARCHAR NOT NULL
);
COMMENT ON TABLE skipped IS 'Tables, sections and rows a document holds that were read and not taken as entries, with why (latest run).';
COMMENT ON COLUMN skipped.path IS 'Document, relative to the ingest root.';
COMMENT ON COLUMN skipped.line IS '1-based line where the structure starts.';
COMMENT ON COLUMN skipped.structure IS 'table, section, row, list or paragraph.';
COMMENT ON COLUMN skipped.reason IS 'Why it is not entries: legend or matrix, test cases, compliance mapping, no id or title column...';
COMMENT ON COLUMN skipped.detail IS 'The header row or heading as written, for the reader.';
COMMENT ON COLUMN skipped.run_id IS 'The run that read it.';

CREATE TABLE IF NOT EXISTS services (
    service    VARCHAR NOT NULL,
    alias      VARCHAR NOT NULL,
    key        VARCHAR NOT NULL
);
-- Columns added after schema 1: databases made by older versions gain them on connect.
ALTER TABLE services ADD COLUMN IF NOT EXISTS documents INTEGER;
COMMENT ON TABLE services IS 'Canonical service names and every way documents wrote them.';
COMMENT ON COLUMN services.service IS 'Canonical service name, as in entries.service and documents.service.';
COMMENT ON COLUMN services.alias IS 'The name as a document wrote it (title, Service: line, folder).';
COMMENT ON COLUMN services.key IS 'Clustering key: folded, without document-type words.';
COMMENT ON COLUMN services.documents IS 'Documents that wrote the service this way.';

CREATE TABLE IF NOT EXISTS matches (
    vocabulary       VARCHAR NOT NULL,
    raw              VARCHAR NOT NULL,
    canonical        VARCHAR,
    method           VARCHAR NOT NULL,
    score            DOUBLE NOT NULL,
    runner_up        VARCHAR,
    runner_up_score  DOUBLE,
    needs_review     BOOLEAN NOT NULL
);
ALTER TABLE matches ADD COLUMN IF NOT EXISTS occurrences INTEGER;
ALTER TABLE matches ADD COLUMN IF NOT EXISTS example VARCHAR;
COMMENT ON TABLE matches IS 'Every raw -> canonical vocabulary decision of the latest run; needs_review ones wait in riskreg review.';
COMMENT ON COLUMN matches.vocabulary IS 'owner, status, likelihood, impact, severity, service; risk for merges decided in review.';
COMMENT ON COLUMN matches.raw IS 'The value as written (one joint owner at a time); for risk, the entry_key merged.';
COMMENT ON COLUMN matches.canonical IS 'What it was normalised to; NULL when nothing was decided (kept as written).';
COMMENT ON COLUMN matches.method IS 'How: exact, synonym, word, number, legend, role-words, qualifier, acronym, fuzzy, cluster..., decision, unmatched.';
COMMENT ON COLUMN matches.score IS 'Confidence 0-100 (the fuzzy similarity for fuzzy matches).';
COMMENT ON COLUMN matches.runner_up IS 'The best other candidate; for an unmatched value, the best candidate (what accept takes).';
COMMENT ON COLUMN matches.runner_up_score IS 'Its similarity 0-100.';
COMMENT ON COLUMN matches.needs_review IS 'True when a person should decide: a near miss, a tie, an unknown value.';
COMMENT ON COLUMN matches.occurrences IS 'Entries (documents, for services) carrying the value.';
COMMENT ON COLUMN matches.example IS 'path:line of the first of them.';

-- The parse cache, columnar: a night reads back only the documents it normalises again (no
-- JSON decode of every document). Replaces the JSON `parse_cache` of schema 3.
DROP TABLE IF EXISTS parse_cache;
CREATE TABLE IF NOT EXISTS cache_documents (
    path             VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,
    fingerprint      VARCHAR NOT NULL,
    path_bytes       BLOB,
    readable         BOOLEAN NOT NULL,
    cacheable        BOOLEAN NOT NULL,
    size             BIGINT,
    encoding         VARCHAR,
    repairs          VARCHAR,
    repair_count     INTEGER,
    format           VARCHAR,
    parsers          VARCHAR[],
    sniff_scores     VARCHAR,
    title            VARCHAR,
    metadata         VARCHAR,
    owner            VARCHAR,
    last_updated     VARCHAR,
    updated_on       DATE,
    languages        VARCHAR[],
    stated_scales    VARCHAR,
    entry_count      INTEGER,
    service_written  VARCHAR,
    rejections       STRUCT(stage VARCHAR, reason VARCHAR, line INTEGER, detail VARCHAR)[],
    skipped          STRUCT(line INTEGER, structure VARCHAR, reason VARCHAR, detail VARCHAR)[]
);
COMMENT ON TABLE cache_documents IS 'Internal: per-document parse results (one row per path, bytes and fingerprint), for incremental runs.';
COMMENT ON COLUMN cache_documents.path IS 'Document path, as documents.path.';
COMMENT ON COLUMN cache_documents.sha256 IS 'sha256 of the bytes parsed.';
COMMENT ON COLUMN cache_documents.fingerprint IS 'Configuration and code fingerprint the parse was made with.';
COMMENT ON COLUMN cache_documents.path_bytes IS 'The name''s bytes when they are not UTF-8.';
COMMENT ON COLUMN cache_documents.readable IS 'Always true here (documents not read are never cached).';
COMMENT ON COLUMN cache_documents.cacheable IS 'Always true here (results over a time budget are never cached).';
COMMENT ON COLUMN cache_documents.size IS 'Bytes.';
COMMENT ON COLUMN cache_documents.encoding IS 'As documents.encoding.';
COMMENT ON COLUMN cache_documents.repairs IS 'As documents.repairs.';
COMMENT ON COLUMN cache_documents.repair_count IS 'As documents.repair_count.';
COMMENT ON COLUMN cache_documents.format IS 'As documents.format.';
COMMENT ON COLUMN cache_documents.parsers IS 'As documents.parsers.';
COMMENT ON COLUMN cache_documents.sniff_scores IS 'As documents.sniff_scores.';
COMMENT ON COLUMN cache_documents.title IS 'As documents.title.';
COMMENT ON COLUMN cache_documents.metadata IS 'As documents.metadata.';
COMMENT ON COLUMN cache_documents.owner IS 'As documents.owner.';
COMMENT ON COLUMN cache_documents.last_updated IS 'As documents.last_updated.';
COMMENT ON COLUMN cache_documents.updated_on IS 'As documents.updated_on.';
COMMENT ON COLUMN cache_documents.languages IS 'As documents.languages.';
COMMENT ON COLUMN cache_documents.stated_scales IS 'Scales the document states for itself (legends), as JSON: field -> {word: level}.';
COMMENT ON COLUMN cache_documents.entry_count IS 'RawEntries found.';
COMMENT ON COLUMN cache_documents.service_written IS 'The service the document names, as written (before clustering).';
COMMENT ON COLUMN cache_documents.rejections IS 'Why the document (or a part) was not taken in.';
COMMENT ON COLUMN cache_documents.skipped IS 'Structures read and not taken as entries (the skipped table''s rows).';

CREATE TABLE IF NOT EXISTS cache_entries (
    path         VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    line         INTEGER NOT NULL,
    parser       VARCHAR,
    kind         VARCHAR,
    fields       MAP(VARCHAR, VARCHAR),
    headers      MAP(VARCHAR, VARCHAR),
    extra        MAP(VARCHAR, VARCHAR),
    section      VARCHAR,
    checked      BOOLEAN,
    lines        INTEGER[],
    confidence   DOUBLE,
    notes        VARCHAR[],
    supplement   BOOLEAN
);
COMMENT ON TABLE cache_entries IS 'Internal: the RawEntries of each cached parse (cache_documents), every value as written.';
COMMENT ON COLUMN cache_entries.path IS 'Document path.';
COMMENT ON COLUMN cache_entries.sha256 IS 'sha256 of the bytes parsed.';
COMMENT ON COLUMN cache_entries.fingerprint IS 'Fingerprint the parse was made with.';
COMMENT ON COLUMN cache_entries.seq IS 'Order in the document.';
COMMENT ON COLUMN cache_entries.line IS '1-based source line.';
COMMENT ON COLUMN cache_entries.parser IS 'Front end and recogniser.';
COMMENT ON COLUMN cache_entries.kind IS 'risk or check.';
COMMENT ON COLUMN cache_entries.fields IS 'Canonical field -> value as written.';
COMMENT ON COLUMN cache_entries.headers IS 'Canonical field -> label as written.';
COMMENT ON COLUMN cache_entries.extra IS 'Columns with no canonical field: label -> value.';
COMMENT ON COLUMN cache_entries.section IS 'Heading the entry sits under.';
COMMENT ON COLUMN cache_entries.checked IS 'Checks: ticked, unticked, unknown (NULL).';
COMMENT ON COLUMN cache_entries.lines IS 'Every source line describing the entry.';
COMMENT ON COLUMN cache_entries.confidence IS 'Parser confidence 0-1.';
COMMENT ON COLUMN cache_entries.notes IS 'Parser notes.';
COMMENT ON COLUMN cache_entries.supplement IS 'A row completing an entry of the same id elsewhere.';

CREATE TABLE IF NOT EXISTS service_steps (
    position         INTEGER NOT NULL,
    key              VARCHAR NOT NULL,
    root             VARCHAR NOT NULL,
    method           VARCHAR NOT NULL,
    score            DOUBLE,
    runner_up        VARCHAR,
    runner_up_score  DOUBLE,
    needs_review     BOOLEAN,
    fingerprint      VARCHAR NOT NULL
);
COMMENT ON TABLE service_steps IS 'Internal: the latest run''s service clustering, a step per service key in the order placed; the next run decides again only the keys placed differently.';
COMMENT ON COLUMN service_steps.position IS 'Order in which the key was placed (most documents first, then by key).';
COMMENT ON COLUMN service_steps.key IS 'Clustering key of written service names (services.key).';
COMMENT ON COLUMN service_steps.root IS 'Key of the cluster it joined (itself for a new one).';
COMMENT ON COLUMN service_steps.method IS 'key (a cluster of its own) or fuzzy (joined a similar key).';
COMMENT ON COLUMN service_steps.score IS 'Similarity 0-100 to the key it joined.';
COMMENT ON COLUMN service_steps.runner_up IS 'Best other cluster, as a root key.';
COMMENT ON COLUMN service_steps.runner_up_score IS 'Its similarity 0-100.';
COMMENT ON COLUMN service_steps.needs_review IS 'A near miss left apart: shown by riskreg review.';
COMMENT ON COLUMN service_steps.fingerprint IS 'Configuration and code fingerprint the steps were taken with (others are not reused).';

CREATE TABLE IF NOT EXISTS entry_matches (
    path             VARCHAR NOT NULL,
    ordinal          INTEGER NOT NULL,
    vocabulary       VARCHAR NOT NULL,
    raw              VARCHAR NOT NULL,
    canonical        VARCHAR,
    method           VARCHAR NOT NULL,
    score            DOUBLE,
    runner_up        VARCHAR,
    runner_up_score  DOUBLE,
    needs_review     BOOLEAN,
    occurrences      INTEGER,
    example          VARCHAR
);
COMMENT ON TABLE entry_matches IS 'Internal: per document, the raw -> canonical decisions its entries used (matches is their sum).';
COMMENT ON COLUMN entry_matches.path IS 'Document path.';
COMMENT ON COLUMN entry_matches.ordinal IS 'Order of first use in the document.';
COMMENT ON COLUMN entry_matches.vocabulary IS 'As matches.vocabulary.';
COMMENT ON COLUMN entry_matches.raw IS 'As matches.raw.';
COMMENT ON COLUMN entry_matches.canonical IS 'As matches.canonical.';
COMMENT ON COLUMN entry_matches.method IS 'As matches.method.';
COMMENT ON COLUMN entry_matches.score IS 'As matches.score.';
COMMENT ON COLUMN entry_matches.runner_up IS 'As matches.runner_up.';
COMMENT ON COLUMN entry_matches.runner_up_score IS 'As matches.runner_up_score.';
COMMENT ON COLUMN entry_matches.needs_review IS 'As matches.needs_review.';
COMMENT ON COLUMN entry_matches.occurrences IS 'Entries of the document using the decision.';
COMMENT ON COLUMN entry_matches.example IS 'path:line of the first of them.';

-- Views are made again on every connect (CREATE OR REPLACE), so their comments are too; the
-- comments of `risks` and `checks` columns are copied from `entries` by pipeline.load.

-- Each risk once: rows merged into another by a review decision stay in `entries` only.
CREATE OR REPLACE VIEW risks AS
    SELECT * EXCLUDE (checked), (status IS NULL OR status NOT IN ('mitigated', 'closed')) AS live
    FROM entries WHERE kind = 'risk' AND duplicate_of IS NULL;
COMMENT ON VIEW risks IS 'Every risk once (entries of kind risk not merged into another), with live.';
COMMENT ON COLUMN risks.live IS 'Still needs attention: status not mitigated or closed (no status counts as live).';
CREATE OR REPLACE VIEW checks AS
    SELECT entry_key, service, title, section, checked, source_path, source_line, parser, confidence, notes, run_id
    FROM entries WHERE kind = 'check';
COMMENT ON VIEW checks IS 'Every check of every readiness checklist.';

-- Per service: the rollup's numbers as a view. Outdated documents: Last updated more than 180
-- days before the latest run (the run, not today, so a report of an old database reads the same).
CREATE OR REPLACE VIEW risk_rollup AS
WITH docs AS (
    SELECT coalesce(service, '(no service)') AS service, count(*) AS documents,
           count(*) FILTER (WHERE updated_on < (SELECT max(started_at) FROM runs)::DATE - INTERVAL 180 DAY)
               AS outdated_documents,
           count(*) FILTER (WHERE updated_on IS NULL) AS undated_documents,
           min(updated_on) AS oldest_update
    FROM documents WHERE status IN ('parsed', 'stale') GROUP BY ALL
), r AS (
    SELECT coalesce(service, '(no service)') AS service, count(*) AS risks,
           count(*) FILTER (WHERE live) AS live,
           count(*) FILTER (WHERE live AND severity = 'critical') AS critical,
           count(*) FILTER (WHERE live AND severity = 'high') AS high,
           count(*) FILTER (WHERE live AND severity = 'medium') AS medium,
           count(*) FILTER (WHERE live AND severity = 'low') AS low,
           count(*) FILTER (WHERE live AND severity IS NULL) AS unrated,
           count(*) FILTER (WHERE status = 'open') AS open,
           count(*) FILTER (WHERE status = 'mitigating') AS mitigating,
           count(*) FILTER (WHERE status = 'monitoring') AS monitoring,
           count(*) FILTER (WHERE status = 'accepted') AS accepted,
           count(*) FILTER (WHERE status = 'mitigated') AS mitigated,
           count(*) FILTER (WHERE status = 'closed') AS closed,
           count(*) FILTER (WHERE status IS NULL) AS status_not_stated,
           max(score) FILTER (WHERE live) AS top_score,
           round(avg(score) FILTER (WHERE live), 1) AS mean_score,
           count(*) FILTER (WHERE live AND len(owners) = 0) AS without_owner
    FROM risks GROUP BY ALL
)
SELECT coalesce(r.service, docs.service) AS service, coalesce(docs.documents, 0) AS documents,
       coalesce(r.risks, 0) AS risks, coalesce(r.live, 0) AS live,
       coalesce(r.critical, 0) AS critical, coalesce(r.high, 0) AS high, coalesce(r.medium, 0) AS medium,
       coalesce(r.low, 0) AS low, coalesce(r.unrated, 0) AS unrated,
       coalesce(r.open, 0) AS open, coalesce(r.mitigating, 0) AS mitigating,
       coalesce(r.monitoring, 0) AS monitoring, coalesce(r.accepted, 0) AS accepted,
       coalesce(r.mitigated, 0) AS mitigated, coalesce(r.closed, 0) AS closed,
       coalesce(r.status_not_stated, 0) AS status_not_stated,
       r.top_score, r.mean_score, coalesce(r.without_owner, 0) AS without_owner,
       coalesce(docs.outdated_documents, 0) AS outdated_documents,
       coalesce(docs.undated_documents, 0) AS undated_documents, docs.oldest_update
FROM r FULL OUTER JOIN docs ON docs.service = r.service;
COMMENT ON VIEW risk_rollup IS 'Per service: risks by severity and status, top and mean score, risks without an owner, outdated documents.';
COMMENT ON COLUMN risk_rollup.service IS 'Canonical service name; (no service) when none was found.';
COMMENT ON COLUMN risk_rollup.documents IS 'Documents of the service whose entries are loaded (parsed or stale).';
COMMENT ON COLUMN risk_rollup.risks IS 'Every risk, each once.';
COMMENT ON COLUMN risk_rollup.live IS 'Risks not mitigated or closed.';
COMMENT ON COLUMN risk_rollup.critical IS 'Live critical risks.';
COMMENT ON COLUMN risk_rollup.high IS 'Live high risks.';
COMMENT ON COLUMN risk_rollup.medium IS 'Live medium risks.';
COMMENT ON COLUMN risk_rollup.low IS 'Live low risks.';
COMMENT ON COLUMN risk_rollup.unrated IS 'Live risks without a severity (none stated, no likelihood x impact).';
COMMENT ON COLUMN risk_rollup.open IS 'Risks with status open.';
COMMENT ON COLUMN risk_rollup.mitigating IS 'Risks with status mitigating.';
COMMENT ON COLUMN risk_rollup.monitoring IS 'Risks with status monitoring.';
COMMENT ON COLUMN risk_rollup.accepted IS 'Risks with status accepted.';
COMMENT ON COLUMN risk_rollup.mitigated IS 'Risks with status mitigated.';
COMMENT ON COLUMN risk_rollup.closed IS 'Risks with status closed.';
COMMENT ON COLUMN risk_rollup.status_not_stated IS 'Risks without a (recognised) status.';
COMMENT ON COLUMN risk_rollup.top_score IS 'Highest likelihood x impact among live risks.';
COMMENT ON COLUMN risk_rollup.mean_score IS 'Mean likelihood x impact of live risks, one decimal.';
COMMENT ON COLUMN risk_rollup.without_owner IS 'Live risks with no owner matched to a canonical name.';
COMMENT ON COLUMN risk_rollup.outdated_documents IS 'Documents whose Last updated is more than 180 days before the latest run.';
COMMENT ON COLUMN risk_rollup.undated_documents IS 'Documents without a Last updated that reads as a date.';
COMMENT ON COLUMN risk_rollup.oldest_update IS 'The oldest Last updated among the service''s documents.';

-- Live risks per canonical owner across services; joint owners count once each.
CREATE OR REPLACE VIEW owner_load AS
SELECT owner, count(*) AS live_risks, count(DISTINCT service) AS services,
       list(DISTINCT coalesce(service, '(no service)') ORDER BY coalesce(service, '(no service)')) AS service_names,
       count(*) FILTER (WHERE severity = 'critical') AS critical,
       count(*) FILTER (WHERE severity = 'high') AS high,
       count(*) FILTER (WHERE severity = 'medium') AS medium,
       count(*) FILTER (WHERE severity = 'low') AS low,
       count(*) FILTER (WHERE severity IS NULL) AS unrated,
       max(score) AS top_score
FROM (SELECT unnest(owners) AS owner, service, severity, score FROM risks WHERE live)
GROUP BY owner;
COMMENT ON VIEW owner_load IS 'Live risks per canonical owner across services; a risk with joint owners counts once for each.';
COMMENT ON COLUMN owner_load.owner IS 'Canonical owner name (entries.owners).';
COMMENT ON COLUMN owner_load.live_risks IS 'Live risks the owner holds.';
COMMENT ON COLUMN owner_load.services IS 'Services those risks belong to.';
COMMENT ON COLUMN owner_load.service_names IS 'Their names, sorted.';
COMMENT ON COLUMN owner_load.critical IS 'Live critical risks.';
COMMENT ON COLUMN owner_load.high IS 'Live high risks.';
COMMENT ON COLUMN owner_load.medium IS 'Live medium risks.';
COMMENT ON COLUMN owner_load.low IS 'Live low risks.';
COMMENT ON COLUMN owner_load.unrated IS 'Live risks without a severity.';
COMMENT ON COLUMN owner_load.top_score IS 'Highest likelihood x impact among them.';
