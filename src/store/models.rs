//! Rows as stored. These never leave the root package: the web layer gets `mieru_web::model`.

use super::schema::*;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = documents, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DocumentRow {
    pub id: i64,
    pub source: String,
    pub url: String,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub last_changed: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
    pub current_sha256: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument<'a> {
    pub source: &'a str,
    pub url: &'a str,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub last_changed: NaiveDateTime,
    pub current_sha256: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = snapshots, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SnapshotRow {
    pub id: i64,
    pub document_id: i64,
    pub sha256: String,
    pub fetched_at: NaiveDateTime,
    pub http_status: i32,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub size: i64,
    pub parse_error: Option<String>,
    pub fact_count: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = snapshots)]
pub struct NewSnapshot<'a> {
    pub document_id: i64,
    pub sha256: &'a str,
    pub fetched_at: NaiveDateTime,
    pub http_status: i32,
    pub content_type: Option<&'a str>,
    pub encoding: Option<&'a str>,
    pub size: i64,
    pub parse_error: Option<&'a str>,
    pub fact_count: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = facts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FactRow {
    pub id: i64,
    pub fact_key: String,
    pub document_id: i64,
    pub subject: String,
    pub subject_kind: String,
    pub property: String,
    pub value: String,
    pub observed_on: Option<NaiveDate>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub last_changed: NaiveDateTime,
    pub first_sha256: String,
    pub last_sha256: String,
    pub retracted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = facts)]
pub struct NewFact<'a> {
    pub fact_key: &'a str,
    pub document_id: i64,
    pub subject: &'a str,
    pub subject_kind: &'a str,
    pub property: &'a str,
    pub value: &'a str,
    pub observed_on: Option<NaiveDate>,
    pub first_seen: NaiveDateTime,
    pub last_seen: NaiveDateTime,
    pub last_changed: NaiveDateTime,
    pub first_sha256: &'a str,
    pub last_sha256: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable, AsChangeset)]
#[diesel(table_name = entities, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EntityRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub prefecture: Option<String>,
    pub status: String,
    pub merged_into: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = entity_members, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MemberRow {
    pub subject: String,
    pub entity_id: String,
    pub assigned_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = links, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LinkRow {
    pub id: i64,
    pub from_id: String,
    pub to_id: String,
    pub kind: String,
    pub confidence: f64,
    pub origin: String,
    pub evidence: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = judgements, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct JudgementRow {
    pub id: i64,
    pub left_subject: String,
    pub right_subject: String,
    pub verdict: String,
    pub author: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = events, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EventRow {
    /// Given by the database on insertion.
    #[diesel(skip_insertion)]
    pub id: i64,
    pub entity_id: String,
    pub event_date: Option<NaiveDate>,
    pub kind: String,
    pub summary_ja: String,
    pub summary_en: String,
    pub related_id: Option<String>,
    pub fact_ids: String,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = actions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ActionRow {
    pub id: String,
    pub action_type: String,
    pub issued_on: Option<NaiveDate>,
    pub authority: Option<String>,
    pub prefecture: Option<String>,
    pub status: String,
    pub articles: String,
    pub detail: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = plans, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct PlanRow {
    pub plan_number: String,
    pub provider_id: Option<String>,
    pub title: Option<String>,
    pub risk_class: Option<String>,
    pub status: Option<String>,
    pub detail: String,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = entity_views, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EntityViewRow {
    pub entity_id: String,
    pub kind: String,
    pub detail: String,
    pub updated_at: NaiveDateTime,
}

/// A row of the facility list: the columns its filters use (see `read_models::facility_page`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = facility_list, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct FacilityListRow {
    pub entity_id: String,
    pub kind: String,
    pub prefecture: Option<String>,
    pub has_actions: bool,
}

/// A row of the prefecture feeds' reading order (see `serve::watch`): the latest time an
/// entry of the record's feed can carry, `None` when not known.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = watch_activity, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct WatchActivityRow {
    pub entity_id: String,
    pub prefecture: Option<String>,
    pub last_activity: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crawl_runs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CrawlRunRow {
    pub id: i64,
    pub source: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub complete: bool,
    pub documents_seen: i32,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = data_versions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DataVersionRow {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub facts: i32,
    pub entities: i32,
    pub note: String,
}

/// A background job (see `store::jobs`).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub requested_by: String,
    pub cause: String,
    pub target: String,
    pub status: String,
    pub progress: String,
    pub step: i32,
    pub steps: i32,
    pub worker: Option<String>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub error: Option<String>,
    pub data_version: Option<i64>,
    /// JSON, once done.
    pub summary: Option<String>,
}
