-- Archive: one row per (source, URL); snapshots are the distinct contents seen there.
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    last_changed TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    current_sha256 TEXT,
    etag TEXT,
    last_modified TEXT,
    last_error TEXT,
    last_error_at TIMESTAMP,
    UNIQUE (source, url)
);

CREATE TABLE snapshots (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    sha256 TEXT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    http_status INTEGER NOT NULL,
    content_type TEXT,
    encoding TEXT,
    size BIGINT NOT NULL,
    parse_error TEXT,
    fact_count INTEGER NOT NULL,
    UNIQUE (document_id, sha256)
);
CREATE INDEX snapshots_sha256 ON snapshots (sha256);

-- Facts (statements): one value of one property of one subject, as one document states it.
-- fact_key = SHA-256 of (document id, subject, property, value): values can be long.
CREATE TABLE facts (
    id BIGSERIAL PRIMARY KEY,
    fact_key TEXT NOT NULL UNIQUE,
    document_id BIGINT NOT NULL REFERENCES documents (id),
    subject TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    observed_on DATE,
    first_seen TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    last_changed TIMESTAMP NOT NULL,
    first_sha256 TEXT NOT NULL,
    last_sha256 TEXT NOT NULL,
    retracted_at TIMESTAMP
);
CREATE INDEX facts_subject ON facts (subject);
CREATE INDEX facts_document ON facts (document_id);
CREATE INDEX facts_property_value ON facts (property, value);

-- Resolution output: stable mieru IDs. A merged ID keeps its row with merged_into set.
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    prefecture TEXT,
    status TEXT NOT NULL,
    merged_into TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX entities_kind ON entities (kind);

-- Which subject keys make up which entity.
CREATE TABLE entity_members (
    subject TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL
);
CREATE INDEX entity_members_entity ON entity_members (entity_id);

CREATE TABLE id_counters (
    prefix TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);

-- Links between entities, each with its evidence (JSON), confidence and origin.
CREATE TABLE links (
    id BIGSERIAL PRIMARY KEY,
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    origin TEXT NOT NULL,
    evidence TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (from_id, to_id, kind)
);
CREATE INDEX links_to ON links (to_id);

-- Human judgements on pairs of subject keys; they always win over rules and scores.
CREATE TABLE judgements (
    id BIGSERIAL PRIMARY KEY,
    left_subject TEXT NOT NULL,
    right_subject TEXT NOT NULL,
    verdict TEXT NOT NULL,
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (left_subject, right_subject)
);

-- Read models, projected from facts and links; rebuilt by `mieru resolve`.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    entity_id TEXT NOT NULL,
    event_date DATE,
    kind TEXT NOT NULL,
    summary_ja TEXT NOT NULL,
    summary_en TEXT NOT NULL,
    related_id TEXT,
    fact_ids TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX events_entity ON events (entity_id, position);

CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    action_type TEXT NOT NULL,
    issued_on DATE,
    authority TEXT,
    prefecture TEXT,
    status TEXT NOT NULL,
    articles TEXT NOT NULL,
    detail TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX actions_issued ON actions (issued_on, id);

CREATE TABLE plans (
    plan_number TEXT PRIMARY KEY,
    provider_id TEXT,
    title TEXT,
    risk_class TEXT,
    status TEXT,
    detail TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plans_provider ON plans (provider_id);

-- The whole page/API record of a facility, CPC or organization, as JSON.
CREATE TABLE entity_views (
    entity_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Crawl bookkeeping: runs per source (source health) and the one-crawler-at-a-time lock.
CREATE TABLE crawl_runs (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    complete BOOLEAN NOT NULL,
    documents_seen INTEGER NOT NULL,
    note TEXT
);

CREATE TABLE locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at TIMESTAMP NOT NULL,
    heartbeat_at TIMESTAMP NOT NULL
);

-- Data versions: one per resolve run, so pages can cite what they showed.
CREATE TABLE data_versions (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    facts INTEGER NOT NULL,
    entities INTEGER NOT NULL,
    note TEXT NOT NULL
);
