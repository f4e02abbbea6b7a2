-- Read models that keep two public pages bounded at national scale (issue 20).

-- Prefecture watch feeds: per current facility, CPC and organization, the latest time any
-- entry of its feed can carry (`last_activity`, an upper bound: its facts first seen or
-- retracted, the snapshots that introduced them, its documents' removal, its actions' and
-- linked records' facts). A feed reads records newest bound first and stops once no later
-- record can reach its newest entries. NULL means not known (rows back-filled below or
-- imported without facts): such records are always read. Written by `mieru resolve` and
-- `mieru import` with the other read models.
CREATE TABLE watch_activity (
    entity_id TEXT PRIMARY KEY,
    prefecture TEXT,
    last_activity TIMESTAMP
);
CREATE INDEX watch_activity_prefecture ON watch_activity (prefecture, last_activity, entity_id);

INSERT INTO watch_activity (entity_id, prefecture, last_activity)
SELECT id, prefecture, NULL
FROM entities
WHERE merged_into IS NULL AND kind IN ('facility', 'cpc', 'organization');

-- Source health (`/sources`): facts per source, counted when the read models are written
-- (every resolve follows the crawl or ingest that changed the facts). Counting them per
-- request read every index entry of a source's facts.
CREATE TABLE source_fact_counts (
    source TEXT PRIMARY KEY,
    facts_live BIGINT NOT NULL,
    facts_retracted BIGINT NOT NULL
);

INSERT INTO source_fact_counts (source, facts_live, facts_retracted)
SELECT d.source,
       SUM(CASE WHEN f.retracted_at IS NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.retracted_at IS NULL THEN 0 ELSE 1 END)
FROM facts f
JOIN documents d ON d.id = f.document_id
GROUP BY d.source;

-- The changes feed (`/api/v1/changes?since=`) with a `since` so old that most records
-- changed after it: per entity, the latest time any of its facts was first seen, changed or
-- retracted, or a document stating one was removed. The feed walks entities in ID order and
-- keeps those changed since `since`, instead of collecting every changed fact's subject.
CREATE TABLE entity_changes (
    entity_id TEXT PRIMARY KEY,
    last_change TIMESTAMP NOT NULL
);
CREATE INDEX entity_changes_walk ON entity_changes (entity_id, last_change);

INSERT INTO entity_changes (entity_id, last_change)
SELECT m.entity_id,
       MAX(MAX(f.first_seen, f.last_changed, COALESCE(f.retracted_at, f.first_seen),
           COALESCE(d.removed_at, f.first_seen)))
FROM entity_members m
JOIN facts f ON f.subject = m.subject
JOIN documents d ON d.id = f.document_id
GROUP BY m.entity_id;

-- Merged-away IDs and where they now live (curation's redirects, read by every `?version=N`
-- projection): a few rows among hundreds of thousands of entities, so a partial index.
CREATE INDEX entities_merged ON entities (merged_into) WHERE merged_into IS NOT NULL;
