-- Curation: people with rights to change what the registry shows, what they did (audit),
-- public correction reports, and annotations on records. Source facts are never changed.

-- Curators. A token is shown once when created; only its SHA-256 is stored.
CREATE TABLE curators (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- Every curation change: who, what, on which target, why, when. Never updated or deleted.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target);

-- Public correction reports (IDs R-000001 …, from id_counters). No submitter data is kept.
CREATE TABLE corrections (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    other_id TEXT,
    fact_id BIGINT REFERENCES facts (id),
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT,
    decision_reason TEXT,
    outcome TEXT
);
CREATE INDEX corrections_submitted ON corrections (submitted_at, id);
CREATE INDEX corrections_entity ON corrections (entity_id);

-- Curators' annotations on a record: a fact hidden pending review, an entry marked outdated,
-- a note. Withdrawn annotations keep their row (withdrawn_at set).
CREATE TABLE annotations (
    id BIGSERIAL PRIMARY KEY,
    entity_id TEXT NOT NULL,
    fact_id BIGINT REFERENCES facts (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    reason TEXT NOT NULL,
    correction_id TEXT REFERENCES corrections (id),
    created_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by TEXT,
    withdraw_reason TEXT
);
CREATE INDEX annotations_entity ON annotations (entity_id);
CREATE INDEX annotations_fact ON annotations (fact_id);

-- A judgement made by accepting a correction names it (the history shows the correction).
ALTER TABLE judgements ADD COLUMN correction_id TEXT;
