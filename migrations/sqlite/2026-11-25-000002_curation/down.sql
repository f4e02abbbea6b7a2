ALTER TABLE judgements DROP COLUMN correction_id;
DROP TABLE annotations;
DROP TABLE corrections;
DROP TABLE audit_log;
DROP TABLE curators;
