-- riskreg database schema. Applied by pipeline.load on every connect (idempotent).
-- `documents`, `entries`, `services` and `matches` hold the state of the docs tree as of the
-- latest run (replaced in one transaction per run); `runs` and `rejections` keep history.

CREATE TABLE IF NOT EXISTS schema_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

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
COMMENT ON TABLE runs IS 'One row per `riskreg ingest` run.';

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
ALTER TABLE documents ADD COLUMN IF NOT EXISTS languages VARCHAR[];
COMMENT ON COLUMN documents.languages IS 'The lexicon packs the document was read with, English first ([en, es]); NULL when it was not read.';
COMMENT ON TABLE documents IS 'One row per file under the ingest root, as of the latest run.';

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
COMMENT ON TABLE entries IS 'Every risk and check of every document, normalised, with raw values beside.';

CREATE TABLE IF NOT EXISTS rejections (
    run_id  VARCHAR NOT NULL,
    path    VARCHAR NOT NULL,
    line    INTEGER,
    stage   VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    detail  VARCHAR
);
COMMENT ON TABLE rejections IS 'Documents (or parts) a run could not take in, and why; kept for every run.';

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

CREATE TABLE IF NOT EXISTS parse_cache (
    sha256       VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    fingerprint  VARCHAR NOT NULL,
    result       JSON NOT NULL
);
COMMENT ON TABLE parse_cache IS 'Internal: per-document parse results, keyed by bytes and config, for incremental runs.';

-- Each risk once: rows merged into another by a review decision stay in `entries` only.
CREATE OR REPLACE VIEW risks AS SELECT * EXCLUDE (checked) FROM entries WHERE kind = 'risk' AND duplicate_of IS NULL;
CREATE OR REPLACE VIEW checks AS
    SELECT entry_key, service, title, section, checked, source_path, source_line, parser, confidence, notes, run_id
    FROM entries WHERE kind = 'check';
