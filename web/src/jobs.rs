//! The public contract of background jobs. A curator's change or an admin's ingest is recorded
//! at once and answered `202 Accepted`; the resolve and re-index that make it show on the
//! records run afterwards as a job, one worker per database. The answer names the job
//! ([`JobRef`], and `Location`); `GET /api/v1/jobs/{id}` tells how far it got ([`Job`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for the worker.
    Queued,
    /// The worker is at it (see `progress`).
    Running,
    /// Finished: the change shows on the records (`data_version` and later).
    Done,
    /// Stopped by an error (see `error`); the change is recorded but not yet shown. The next
    /// job that runs shows it.
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Done,
            JobStatus::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Whether the job will not change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Failed)
    }
}

/// The path of a job's status.
pub fn job_url(id: i64) -> String {
    format!("{}/jobs/{id}", crate::urls::API_PREFIX)
}

/// The job a write queued, as its answer names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobRef {
    pub id: i64,
    /// `/api/v1/jobs/{id}`: its status and progress (the answer's `Location` too).
    pub url: String,
    pub status: JobStatus,
}

impl JobRef {
    pub fn new(id: i64, status: JobStatus) -> Self {
        Self {
            id,
            url: job_url(id),
            status,
        }
    }
}

/// What a write recorded, and the job that applies it to the records (`null` when nothing
/// needs applying, e.g. a rejected report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WithJob<T> {
    #[serde(flatten)]
    pub value: T,
    pub job: Option<JobRef>,
}

/// How far a job got: `step` of `steps`, and in words (`queued`, `resolving`, `indexing`,
/// `done`; a failed job keeps the step it failed at).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JobProgress {
    pub step: u32,
    pub steps: u32,
    pub message: String,
}

/// What resolving produced (the whole registry, not only the change that queued the job).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResolveSummary {
    pub facilities: u64,
    pub cpcs: u64,
    pub organizations: u64,
    pub actions: u64,
    pub plans: u64,
    pub links: u64,
    pub possible_links: u64,
    pub redirects: u64,
}

/// What a finished refresh produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RefreshSummary {
    pub resolve: ResolveSummary,
    /// Documents in the search index of the server that ran it (the others follow the data
    /// version within their polling interval).
    pub indexed_documents: u64,
}

/// A job as `GET /api/v1/jobs/{id}` shows it (curators and admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Job {
    pub id: i64,
    pub url: String,
    /// `refresh`: resolve, project and re-index.
    pub kind: String,
    pub status: JobStatus,
    pub progress: JobProgress,
    /// The curator or admin whose request queued it.
    pub requested_by: String,
    /// What caused it, as the audit log names it (`judgement.record`, `annotation.add`,
    /// `annotation.withdraw`, `correction.accept`, `ingest` …), and on what.
    pub cause: String,
    pub target: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed.
    pub error: Option<String>,
    /// The data version it produced: records and searches of this version and later show
    /// the change.
    pub data_version: Option<i64>,
    pub summary: Option<RefreshSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_the_value_stays_flat() {
        for s in [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Done,
            JobStatus::Failed,
        ] {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobStatus::parse("maybe"), None);
        let answer = WithJob {
            value: serde_json::json!({"id": 3, "kind": "note"}),
            job: Some(JobRef::new(12, JobStatus::Queued)),
        };
        assert_eq!(
            serde_json::to_value(&answer).unwrap_or_default(),
            serde_json::json!({
                "id": 3,
                "kind": "note",
                "job": {"id": 12, "url": "/api/v1/jobs/12", "status": "queued"}
            })
        );
    }
}
