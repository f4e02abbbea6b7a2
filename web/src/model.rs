//! The public data contract: what the JSON API returns and what the HTML pages render.
//!
//! Kept apart from storage models on purpose (the root package maps its rows into these), so
//! that a schema change never silently changes the API. Every entity carries its sources.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One archived source document a value comes from: enough to cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceRef {
    /// Adapter name (`mhlw-press`, `kouseikyoku`, `e-saisei`, `jrct`, `houjin-bangou`).
    pub source: String,
    /// The public URL the document was fetched from.
    pub url: String,
    /// SHA-256 of the archived bytes; `/api/v1/documents/{sha256}` serves them.
    pub sha256: String,
    pub fetched_at: DateTime<Utc>,
}

/// A value over time, with where it was stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DatedValue {
    pub value: String,
    /// When the value took effect, if a source says (e.g. a registry change date).
    pub since: Option<NaiveDate>,
    /// When it stopped being current, if known (the next value's `since`, a closure).
    pub until: Option<NaiveDate>,
    /// First and last time a crawl saw a source state it.
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Whether the value is the current one.
    pub current: bool,
    pub sources: Vec<SourceRef>,
}

/// A short reference to another entity, for lists and links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EntityRef {
    /// mieru ID (`F…` facility or CPC, `O…` organization, `A…` action, or a plan number).
    pub id: String,
    /// `facility`, `cpc`, `organization`, `action`, `plan`, `person`, `committee`.
    pub entity: String,
    pub name: String,
    /// Role of the entity in the context it appears in (`operator`, `target`, `manager` …).
    pub role: Option<String>,
}

/// One dated line of a history (沿革).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub date: Option<NaiveDate>,
    /// `renamed`, `relocated`, `operator_renamed`, `manager_changed`, `plan_submitted`,
    /// `plan_changed`, `plan_discontinued`, `plan_ended`, `action_issued`, `action_lifted`,
    /// `closure_filed`, `closure_revoked`, `merger_annulled`, `registry_deleted`, `licensed`,
    /// `delisted`, `first_listed`, `merged`, `correction`.
    pub kind: String,
    /// Sentence in Japanese.
    pub summary_ja: String,
    /// Sentence in English.
    pub summary_en: String,
    /// The entity the event is about when it is not the page's own (e.g. the operator).
    pub subject: Option<EntityRef>,
    pub sources: Vec<SourceRef>,
}

/// Why two records are believed to be the same (or related).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// `corporate_number`, `facility_number`, `plan_number`, `name`, `address`, `phone`,
    /// `manager`, `registry_rename`, `registry_successor`, `release_rename`, `judgement` …
    pub kind: String,
    /// Human-readable detail (the matched values).
    pub detail: String,
    pub sources: Vec<SourceRef>,
}

/// A link between this entity and another, with its grounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Link {
    pub other: EntityRef,
    /// `same`, `renamed`, `successor`, `predecessor`, `possible_successor`,
    /// `possible_predecessor`, `possible_same`.
    pub kind: String,
    /// 0.0–1.0.
    pub confidence: f64,
    /// `rule`, `score` or `human`.
    pub origin: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionSummary {
    pub id: String,
    /// See the API docs: `emergency_order`, `improvement_order`, `suspension_order`,
    /// `licence_revocation`, `inspection`, `shipping_halt_request`, `lifting`, `other`.
    pub action_type: String,
    pub issued_on: Option<NaiveDate>,
    pub authority: Option<String>,
    pub articles: Vec<String>,
    pub headline: Option<String>,
    pub targets: Vec<EntityRef>,
    /// `in_force`, `lifted`, `superseded`, `unknown`; `status_evidence` says why.
    pub status: String,
    /// The document behind `status` and when a crawl last saw it published (absent in records
    /// built before statuses had evidence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_evidence: Option<StatusEvidence>,
}

/// Why an action has its status: the deciding document(s) and how fresh that knowledge is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusEvidence {
    /// The rule that decided, in Japanese (e.g. 「公表が継続しており、解除・後続の処分は確認されていません」).
    pub reason_ja: String,
    pub reason_en: String,
    /// The documents behind the status: the order itself, the lifting release or the later order.
    pub sources: Vec<SourceRef>,
    /// When a crawl last saw the deciding document still published at its URL (「…時点で掲載を確認」).
    pub last_checked: Option<DateTime<Utc>>,
    /// Set when the deciding document is no longer published (its archived copy stays readable).
    pub removed_at: Option<DateTime<Utc>>,
    /// The action that lifted or superseded this one.
    pub decided_by: Option<EntityRef>,
    /// End of the period an emergency order states for itself, when its text states one.
    pub period_until: Option<NaiveDate>,
}

/// Health of one public source, as `/sources` and `GET /api/v1/sources` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceHealth {
    /// Adapter name (`mhlw-press`, `kouseikyoku`, `e-saisei`, `jrct`, `houjin-bangou`).
    pub source: String,
    pub description_ja: String,
    pub description_en: String,
    /// Hosts the source is crawled from (real hosts; a mirror may serve them).
    pub hosts: Vec<String>,
    /// Whether a crawl without options reads this source (jRCT is off unless enabled).
    pub enabled_by_default: bool,
    /// The pages a crawl starts from, each with how it is known to be the real one.
    pub entry_points: Vec<EntryPoint>,
    /// The publisher's terms for reuse and for crawling, as far as they are known.
    pub terms: Vec<SourceTerm>,
    /// `available` (the last finished crawl was complete), `unavailable` (it was incomplete:
    /// a start URL or the server failed, so nothing was marked removed) or `not_crawled`.
    pub status: String,
    /// When the last complete crawl finished.
    pub last_success: Option<DateTime<Utc>>,
    /// When the last crawl (finished or not) started.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Whether the last finished crawl was incomplete.
    pub last_attempt_failed: bool,
    /// The crawler's note on the last finished crawl.
    pub last_note: Option<String>,
    /// Documents still published / taken down by the publisher (archived copies stay).
    pub documents_live: u64,
    pub documents_removed: u64,
    /// Facts stated by the source's documents: still stated / no longer stated.
    pub facts_live: u64,
    pub facts_retracted: u64,
    /// Documents whose current version could not be read or whose last fetch failed.
    pub problems: Vec<DocumentProblem>,
    /// What mieru does not read from this source, stated plainly.
    pub known_gaps: Vec<KnownGap>,
}

/// A page a crawl of a source starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EntryPoint {
    /// The URL, or its pattern for computed pages (`{YYYYMM}`, `{jRCT ID}`).
    pub url: String,
    /// `seen` (in stored copies of the real page or in public crawlers of it) or `inferred`.
    pub verified: String,
    pub note_ja: String,
    pub note_en: String,
}

/// One term of a publisher for reuse or crawling, quoted or summarised, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceTerm {
    pub url: Option<String>,
    pub ja: String,
    pub en: String,
}

/// A source document mieru could not fetch or read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentProblem {
    /// The public URL.
    pub url: String,
    /// `parse_error` (archived but not understood) or `fetch_error` (the last fetch failed).
    pub kind: String,
    /// The error as recorded.
    pub detail: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// SHA-256 of the archived copy (the version that failed to parse, or the last good one);
    /// `/api/v1/documents/{sha256}` serves it.
    pub sha256: Option<String>,
}

/// One limitation of what mieru reads from a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KnownGap {
    pub ja: String,
    pub en: String,
}

/// Every source's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourcesReport {
    pub sources: Vec<SourceHealth>,
    /// When this report was computed.
    pub checked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionDetail {
    #[serde(flatten)]
    pub summary: ActionSummary,
    pub findings: Vec<String>,
    pub measures: Vec<String>,
    pub plans: Vec<EntityRef>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanSummary {
    pub number: String,
    pub title: Option<String>,
    /// `1`, `2`, `3`.
    pub risk_class: Option<String>,
    /// `treatment` or `research`.
    pub purpose: Option<String>,
    pub status: Option<String>,
    pub submitted_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    pub summary: PlanSummary,
    pub provider: Option<EntityRef>,
    pub committee: Option<EntityRef>,
    pub cpcs: Vec<EntityRef>,
    pub actions: Vec<ActionSummary>,
    pub events: Vec<Event>,
    pub sources: Vec<SourceRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FacilityDetail {
    pub id: String,
    /// `facility` (a provider clinic or hospital) or `cpc` (cell culture processing facility).
    pub kind: String,
    /// Current name.
    pub name: String,
    pub names: Vec<DatedValue>,
    pub addresses: Vec<DatedValue>,
    pub prefecture: Option<String>,
    /// 施設番号 of a CPC.
    pub facility_numbers: Vec<String>,
    /// `open`, `closed`, `delisted`, `unknown`.
    pub status: String,
    pub operators: Vec<EntityRef>,
    pub managers: Vec<DatedValue>,
    pub plans: Vec<PlanSummary>,
    pub actions: Vec<ActionSummary>,
    /// The whole timeline, oldest first.
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub sources: Vec<SourceRef>,
    /// How to cite this record: the data version it was read from and its permalink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrganizationDetail {
    pub id: String,
    pub corporate_number: Option<String>,
    pub name: String,
    pub names: Vec<DatedValue>,
    pub addresses: Vec<DatedValue>,
    pub status: String,
    pub facilities: Vec<EntityRef>,
    pub actions: Vec<ActionSummary>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub sources: Vec<SourceRef>,
    /// How to cite this record: the data version it was read from and its permalink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

/// One published build of the read models (a resolve run). Versions are never rewritten, so
/// a version number and an ID name one reproducible record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DataVersion {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// Facts in the store when the version was built (retracted ones included).
    pub facts: u64,
    /// Entities projected in it.
    pub entities: u64,
    pub note: String,
}

/// Which state of a record to show: the latest (both `None`), what the sources had stated by
/// a date (`as_of`), and/or what mieru had collected when a data version was built (`version`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointInTime {
    pub as_of: Option<NaiveDate>,
    pub version: Option<i64>,
}

impl PointInTime {
    pub fn latest() -> Self {
        Self::default()
    }

    pub fn as_of(date: NaiveDate) -> Self {
        Self {
            as_of: Some(date),
            version: None,
        }
    }

    /// Query pairs that reproduce this point in time (empty values are dropped by `urls::query`).
    pub fn query_pairs(&self) -> [(&'static str, String); 2] {
        [
            (
                "version",
                self.version.map(|v| v.to_string()).unwrap_or_default(),
            ),
            (
                "as_of",
                self.as_of.map(|d| d.to_string()).unwrap_or_default(),
            ),
        ]
    }
}

/// A citable reference to a record as shown: every fact in it also names the SHA-256 of the
/// archived document it comes from (`sources[].sha256`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Citation {
    /// The data version the record was read from.
    pub data_version: i64,
    pub data_version_created_at: DateTime<Utc>,
    /// Set when the record is restricted to what sources had stated by this date.
    pub as_of: Option<NaiveDate>,
    /// Path (relative to the site origin) of the HTML page that shows exactly this record.
    pub permalink: String,
    /// Path of the same record in the JSON API.
    pub api_permalink: String,
    /// Whether this is the latest data version (otherwise the record is reconstructed from the
    /// facts mieru had collected when that version was built).
    pub latest: bool,
}

/// The answer for an ID: the entity, or where a merged ID now lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<T> {
    Found(T),
    /// The ID was merged into another; answer with a redirect to it.
    MovedTo(String),
    NotFound,
}

/// The action types the registry names (an action the parsers cannot type is `other`).
pub const ACTION_TYPES: [&str; 7] = [
    "emergency_order",
    "improvement_order",
    "suspension_order",
    "licence_revocation",
    "inspection",
    "shipping_halt_request",
    "lifting",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub q: String,
    pub prefecture: Option<String>,
    /// `facility`, `cpc`, `organization`, `action`, `plan`.
    pub kind: Option<String>,
    pub action_type: Option<String>,
    pub year: Option<i32>,
    /// 0-based offset into the ranked hits.
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    /// `facility`, `cpc`, `organization`, `action`, `plan`.
    pub entity: String,
    pub name: String,
    pub former_names: Vec<String>,
    pub prefecture: Option<String>,
    pub address: Option<String>,
    pub action_count: u32,
    /// Why it matched, e.g. `former name`, `plan number`.
    pub matched: Option<String>,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Facets {
    pub prefecture: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    pub action_type: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    pub total: u64,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
}

/// Filters for the list of actions; `cursor` is opaque to clients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFilter {
    pub action_type: Option<String>,
    pub authority: Option<String>,
    pub article: Option<String>,
    pub prefecture: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub cursor: Option<String>,
    pub limit: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Metadata of an archived document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentInfo {
    pub sha256: String,
    pub source: String,
    pub url: String,
    pub fetched_at: DateTime<Utc>,
    pub content_type: Option<String>,
    pub encoding: Option<String>,
    pub size: u64,
    /// Set when the document is no longer published at its URL.
    pub removed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedDocument {
    pub info: DocumentInfo,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub facilities: u64,
    pub actions: u64,
    pub documents: u64,
}

/// One facility or CPC in a list: enough to choose which one to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FacilitySummary {
    pub id: String,
    /// `facility` or `cpc`.
    pub kind: String,
    pub name: String,
    /// Every earlier name, oldest first.
    pub former_names: Vec<String>,
    pub prefecture: Option<String>,
    /// Current address (or the last one known).
    pub address: Option<String>,
    /// `open`, `closed`, `delisted`, `unknown`.
    pub status: String,
    pub operators: Vec<EntityRef>,
    pub action_count: u32,
    pub plan_count: u32,
    /// Issue date of the most recent action, if any.
    pub latest_action_on: Option<NaiveDate>,
    /// Number of archived documents the record rests on; `/api/v1/facilities/{id}` lists them.
    pub source_count: u32,
}

/// Filters for the list of facilities; ordered by ID, `cursor` is opaque to clients.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityFilter {
    pub prefecture: Option<String>,
    /// `facility` or `cpc`.
    pub kind: Option<String>,
    /// Only facilities with (true) or without (false) regulatory actions.
    pub has_actions: Option<bool>,
    pub cursor: Option<String>,
    pub limit: usize,
}

/// What happened to one property of an entity in the period asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PropertyChange {
    /// Fact property, e.g. `name`, `address`, `status`, `issued_on`.
    pub property: String,
    /// Values first stated by a source in the period.
    pub added: u32,
    /// Values whose statement changed in the period (seen before, restated differently).
    pub changed: u32,
    /// Values a source stopped stating in the period.
    pub retracted: u32,
}

/// One entity that changed since the requested time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Change {
    pub entity: EntityRef,
    /// `added` (no source had stated anything about it before `since`), `removed` (every
    /// statement about it has been retracted or its documents were taken down) or `changed`.
    pub change: String,
    /// The latest change in the period.
    pub at: DateTime<Utc>,
    pub properties: Vec<PropertyChange>,
    /// Source documents about the entity that were taken down in the period (still archived).
    pub documents_removed: Vec<SourceRef>,
}

/// Parameters of the changes feed; `cursor` is opaque to clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesRequest {
    pub since: DateTime<Utc>,
    pub cursor: Option<String>,
    pub limit: usize,
}

/// Entities that changed since `since`, ordered by ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChangesPage {
    pub since: DateTime<Utc>,
    /// When this answer was computed: pass it as the next `since` to poll for later changes.
    pub until: DateTime<Utc>,
    pub items: Vec<Change>,
    /// Pass as `cursor` (with the same `since`) to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One downloadable bulk export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExportInfo {
    /// File name, e.g. `facilities.jsonl`.
    pub name: String,
    /// `jsonl` or `csv`.
    pub format: String,
    pub description: String,
    /// Where to download it.
    pub url: String,
}

/// The list of bulk exports with their licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExportList {
    pub files: Vec<ExportInfo>,
    /// Terms of reuse of the data.
    pub licence: String,
    /// Where the fields are described.
    pub data_dictionary: String,
}

/// One export file of the current data version, complete on disk: the web layer streams it
/// from there (ranges, validators) rather than holding it in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub content_type: String,
    pub path: std::path::PathBuf,
    /// The data version it was written from; `None` before the first one.
    pub data_version: Option<i64>,
}
