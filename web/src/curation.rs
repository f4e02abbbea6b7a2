//! The public contract of curation: correction reports anyone may file, curators and their
//! roles, the decisions, judgements and annotations curators make, and the audit log.
//! Kept apart from `model` because these are the only types that describe writes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::model::EntityRef;

/// Longest report message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Longest reason or annotation text a curator may give, in characters.
pub const MAX_REASON_CHARS: usize = 1000;
/// Longest ID accepted anywhere (entity IDs, report IDs): far above any real one.
pub const MAX_ID_CHARS: usize = 64;

/// What a curator may do. An admin may also do everything a curator may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Curator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Curator => "curator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "curator" => Some(Role::Curator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role includes `needed`.
    pub fn allows(self, needed: Role) -> bool {
        matches!(
            (self, needed),
            (Role::Admin, _) | (Role::Curator, Role::Curator)
        )
    }
}

/// An authenticated curator (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CuratorInfo {
    pub name: String,
    pub role: Role,
}

/// What a report says is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Two records are linked (or merged) but should not be: give `other_id`.
    WrongLink,
    /// Two records are one place, or one succeeded the other, but are not linked: give `other_id`.
    MissingLink,
    /// A value shown is wrong.
    WrongFact,
    /// The entry no longer reflects reality.
    Outdated,
}

impl CorrectionKind {
    pub const ALL: [CorrectionKind; 4] = [
        CorrectionKind::WrongLink,
        CorrectionKind::MissingLink,
        CorrectionKind::WrongFact,
        CorrectionKind::Outdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionKind::WrongLink => "wrong_link",
            CorrectionKind::MissingLink => "missing_link",
            CorrectionKind::WrongFact => "wrong_fact",
            CorrectionKind::Outdated => "outdated",
        }
    }

    pub fn parse(s: &str) -> Option<CorrectionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the report is about a pair of records.
    pub fn needs_other(self) -> bool {
        matches!(
            self,
            CorrectionKind::WrongLink | CorrectionKind::MissingLink
        )
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            CorrectionKind::WrongLink => "誤った関連付け",
            CorrectionKind::MissingLink => "関連付けの漏れ",
            CorrectionKind::WrongFact => "誤った情報",
            CorrectionKind::Outdated => "古い情報",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            CorrectionKind::WrongLink => "Wrong link",
            CorrectionKind::MissingLink => "Missing link",
            CorrectionKind::WrongFact => "Wrong fact",
            CorrectionKind::Outdated => "Outdated entry",
        }
    }
}

/// A report as filed (the body of `POST /api/v1/corrections`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCorrection {
    pub kind: CorrectionKind,
    /// The record the report is about (`F…`, `C…` or `O…`).
    pub entity_id: String,
    /// The other record, for `wrong_link` and `missing_link`.
    #[serde(default)]
    pub other_id: Option<String>,
    /// The fact concerned, when known (curators see fact IDs).
    #[serde(default)]
    pub fact_id: Option<i64>,
    /// What is wrong, and how you know (at most 2000 characters). Published in the log.
    pub message: String,
}

/// A correction report as the public log shows it. Nothing about the submitter is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Correction {
    /// `R-000001` …
    pub id: String,
    pub kind: CorrectionKind,
    pub entity: EntityRef,
    pub other: Option<EntityRef>,
    pub fact_id: Option<i64>,
    pub message: String,
    /// `open`, `accepted` or `rejected`.
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The curator who decided.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    /// What accepting it changed (a judgement or an annotation), in words.
    pub outcome: Option<String>,
}

/// Which reports to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectionFilter {
    /// `open`, `accepted` or `rejected`; all when `None`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: usize,
}

/// `accept` or `reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Accept,
    Reject,
}

/// A curator's decision on a report (the body of `POST /api/v1/corrections/{id}/decision`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub decision: Verdict,
    /// Why (required; published with the report and in the record's history).
    pub reason: String,
    /// For link reports: the judgement to record instead of the default (`different` for a
    /// wrong link, `same` for a missing one): `same`, `different`, `successor`, `not_successor`.
    #[serde(default)]
    pub verdict: Option<String>,
    /// For `wrong_fact`: the fact to hide, when the report did not name one.
    #[serde(default)]
    pub fact_id: Option<i64>,
    /// For `outdated`: the note shown on the record (default: the report's message).
    #[serde(default)]
    pub text: Option<String>,
}

/// A human judgement on two records (`POST /api/v1/curation/judgements`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JudgementRequest {
    /// Entity IDs or subject keys.
    pub left: String,
    pub right: String,
    /// `same`, `different`, `successor` (right succeeded left) or `not_successor`.
    pub verdict: String,
    pub reason: String,
}

/// A recorded judgement, on the subject keys it was stored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JudgementRecorded {
    pub left_subject: String,
    pub right_subject: String,
    pub verdict: String,
    pub author: String,
    pub reason: String,
}

/// `hide_fact`, `outdated` or `note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// Leave a fact out of the record pending review (the fact itself stays stored).
    HideFact,
    /// Mark the entry as no longer reflecting reality.
    Outdated,
    /// A note shown in the record's history.
    Note,
}

impl AnnotationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::HideFact => "hide_fact",
            AnnotationKind::Outdated => "outdated",
            AnnotationKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<AnnotationKind> {
        [
            AnnotationKind::HideFact,
            AnnotationKind::Outdated,
            AnnotationKind::Note,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A new annotation (`POST /api/v1/curation/annotations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnnotation {
    pub kind: AnnotationKind,
    /// The record; for `hide_fact` it may be left out (the fact's record is used).
    #[serde(default)]
    pub entity_id: Option<String>,
    /// Required for `hide_fact`.
    #[serde(default)]
    pub fact_id: Option<i64>,
    /// Shown in the history (for `hide_fact`, optional).
    #[serde(default)]
    pub text: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Annotation {
    pub id: i64,
    pub kind: AnnotationKind,
    pub entity_id: String,
    pub fact_id: Option<i64>,
    pub text: String,
    pub author: String,
    pub reason: String,
    pub correction_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<String>,
    pub withdraw_reason: Option<String>,
}

/// Why an annotation is withdrawn (`POST /api/v1/curation/annotations/{id}/withdraw`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub reason: String,
}

/// A curator to create (`POST /api/v1/admin/curators`, admins only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCurator {
    /// 1–64 letters, digits, `.`, `_`, `-` or `@`; shown publicly with every decision.
    pub name: String,
    pub role: Role,
}

/// A new curator's token. It is shown this once: only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IssuedToken {
    pub name: String,
    pub role: Role,
    /// `mieru_` and 64 hex digits; send as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Why a curator's token is revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub reason: String,
}

/// One curation change, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub actor: String,
    /// e.g. `correction.accept`, `judgement.record`, `annotation.add`, `curator.add`.
    pub action: String,
    pub target: String,
    /// What changed, as recorded.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub reason: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub cursor: Option<String>,
    pub limit: usize,
}

/// One stored fact of a record, as curators see it (to hide one, or cite it in a report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FactInfo {
    pub id: i64,
    pub subject: String,
    pub property: String,
    pub value: String,
    pub source_url: String,
    /// SHA-256 of the archived document that last stated it.
    pub sha256: String,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub retracted: bool,
    /// Whether an active `hide_fact` annotation leaves it out of the record.
    pub hidden: bool,
}

/// Why a curation request cannot be carried out (the registry worked; the request is wrong).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 404: the report, annotation or record does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 400 with a stable code.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// 409: the report was already decided, the annotation already withdrawn …
    #[error("{0}")]
    Conflict(String),
}

impl Refusal {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Refusal::Invalid {
            code,
            message: message.into(),
        }
    }
}

/// The answer of a curation write: done, or refused with a reason the client can act on.
pub type Curated<T> = Result<T, Refusal>;
