-- Every public list, filter and feed is served by an index, in work proportional to what it
-- returns (issue 20). Each index below names the query it serves.

-- The facility list (`/api/v1/facilities`): one row per facility or CPC that is listed (not
-- merged away), with the columns its filters use. `has_actions` lives inside the stored
-- record, so it is kept here as a column; the list reads the record by primary key only for
-- the rows it returns. Filled with the other read models by `mieru resolve` and `mieru import`.
CREATE TABLE facility_list (
    entity_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    prefecture TEXT,
    has_actions BOOLEAN NOT NULL
);
CREATE INDEX facility_list_kind ON facility_list (kind, entity_id);
CREATE INDEX facility_list_prefecture ON facility_list (prefecture, entity_id);
CREATE INDEX facility_list_actions ON facility_list (has_actions, entity_id);
CREATE INDEX facility_list_prefecture_actions ON facility_list (prefecture, has_actions, entity_id);

-- Filled from the read models already stored, so the list works before the next resolve:
-- a record lists an action exactly when its history has an `action_issued` event.
INSERT INTO facility_list (entity_id, kind, prefecture, has_actions)
SELECT v.entity_id, v.kind, e.prefecture,
       EXISTS (SELECT 1 FROM events ev
               WHERE ev.entity_id = v.entity_id AND ev.kind = 'action_issued')
FROM entity_views v
JOIN entities e ON e.id = v.entity_id
WHERE v.kind <> 'organization' AND e.merged_into IS NULL;

-- The changes feed (`/api/v1/changes?since=`): facts first seen, changed or retracted since a
-- time, and documents removed since a time.
CREATE INDEX facts_first_seen ON facts (first_seen);
CREATE INDEX facts_last_changed ON facts (last_changed);
CREATE INDEX facts_retracted ON facts (retracted_at);
CREATE INDEX documents_removed ON documents (removed_at);

-- Prefecture watch feeds: the current records of one prefecture.
CREATE INDEX entities_prefecture ON entities (prefecture, id);

-- The action list's filters, each in the list's order (newest first).
CREATE INDEX actions_type_issued ON actions (action_type, issued_on, id);
CREATE INDEX actions_authority_issued ON actions (authority, issued_on, id);
CREATE INDEX actions_prefecture_issued ON actions (prefecture, issued_on, id);

-- Source health (`/sources`): runs of one source, newest first; live and removed documents
-- and facts of one source counted from indexes alone, never from the rows; the snapshots
-- that could not be parsed and the documents whose fetch failed, without the others.
CREATE INDEX crawl_runs_source ON crawl_runs (source, id);
CREATE INDEX documents_source_removed ON documents (source, removed_at);
-- Replaces facts_document (document_id): the same lookups, and fact counts by retraction
-- without reading the facts themselves.
DROP INDEX facts_document;
CREATE INDEX facts_document_retracted ON facts (document_id, retracted_at);
CREATE INDEX snapshots_unparsed ON snapshots (document_id, id) WHERE parse_error IS NOT NULL;
CREATE INDEX documents_failed ON documents (source, last_error_at) WHERE last_error IS NOT NULL;
