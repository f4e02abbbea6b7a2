-- Background work a request leaves to the database's worker: a curation change or an admin
-- ingest is recorded at once, and the resolve and re-index that make it show run as a job.
-- Rows stay after they finish (the log of what ran, when, and what it produced).
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- `refresh`: resolve, project and re-index.
    kind TEXT NOT NULL,
    -- The curator or admin whose request queued it (`cli:NAME` from the command line).
    requested_by TEXT NOT NULL,
    -- What caused it, as the audit log names it (`judgement.record`, `ingest` …) and on what.
    cause TEXT NOT NULL,
    target TEXT NOT NULL,
    -- `queued`, `running`, `done` or `failed`.
    status TEXT NOT NULL,
    -- Where a run is (`queued`, `resolving`, `indexing`, `done`, `failed`): step of steps.
    progress TEXT NOT NULL,
    step INTEGER NOT NULL,
    steps INTEGER NOT NULL,
    -- The resolve-lock holder running it: a `running` job is only ever held under that lock,
    -- so whoever takes the lock next finds the jobs of a worker that died and runs them again.
    worker TEXT,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    error TEXT,
    -- The data version the run wrote, and what it produced (JSON), once done.
    data_version BIGINT,
    summary TEXT
);
-- The worker's poll: the unfinished jobs, oldest first.
CREATE INDEX jobs_status ON jobs (status, id);
