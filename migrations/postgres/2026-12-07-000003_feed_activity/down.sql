DROP INDEX entities_merged;
DROP TABLE entity_changes;
DROP TABLE source_fact_counts;
DROP TABLE watch_activity;
