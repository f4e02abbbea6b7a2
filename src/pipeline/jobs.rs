//! Refresh jobs: what a curation change or an admin ingest leaves to be done after its request
//! is answered. The change is recorded with its job in one transaction ([`queue_refresh`]);
//! a worker ([`super::job_worker`], one per server, the resolve lock making it one per
//! database) later runs every waiting job at once ([`run_queued`]): one resolve started after
//! they were all queued shows all their changes.
//!
//! A job is claimed, advanced and finished only under the resolve lock, and finished before
//! the lock is released. So a job still `running` when someone takes the lock is one whose
//! worker died (the lock's staleness rules decided that), and it is claimed and run again.

use super::refresh::{self, ResolveReport};
use crate::ops::locks::{self, Heartbeat, HeldLock};
use crate::search::SearchIndex;
use crate::store::models::JobRow;
use crate::store::{self, jobs as db, DbConnection, DbPool, StoreError};
use mieru_web::jobs::{Job, JobProgress, JobRef, JobStatus, RefreshSummary, ResolveSummary};
use std::time::Duration;

/// The steps of a refresh as its progress shows them: queued (0), then these, then done.
const RESOLVING: (&str, i32) = ("resolving", 1);
const INDEXING: (&str, i32) = ("indexing", 2);
const STEPS: i32 = 3;

/// How often a running job beats the resolve lock's heartbeat, so that a long resolve on a
/// big registry is never taken for a dead one by another host.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// Queues a refresh for a change `requested_by` made (`cause` as the audit log names it, on
/// `target`). Call it inside the change's transaction: a change is never stored without the
/// job that makes it show.
pub fn queue_refresh(
    conn: &mut DbConnection,
    requested_by: &str,
    cause: &str,
    target: &str,
) -> Result<JobRow, StoreError> {
    db::enqueue(
        conn,
        db::NewJob {
            kind: db::REFRESH,
            requested_by,
            cause,
            target,
            steps: STEPS,
            created_at: store::now(),
        },
    )
}

/// What one run of the waiting jobs did.
#[derive(Debug)]
pub struct Run {
    /// The jobs it ran, oldest first.
    pub jobs: Vec<i64>,
    /// What the resolve reported, or why the run failed (as the jobs record it).
    pub outcome: Result<ResolveReport, String>,
}

/// Runs every waiting job in one refresh, under the resolve lock, and re-indexes `index`.
/// Waits up to `wait` for the lock; `None` when no job waited, or when another process held
/// the lock all along (its holder runs them, or the next call does).
pub fn run_queued(
    pool: &DbPool,
    index: &SearchIndex,
    wait: Duration,
) -> Result<Option<Run>, StoreError> {
    let mut conn = pool.get()?;
    if !db::any_unfinished(&mut conn)? {
        return Ok(None);
    }
    let lock = match HeldLock::acquire(
        &mut conn,
        locks::RESOLVE_LOCK,
        wait,
        chrono::Duration::minutes(locks::RESOLVE_STALE_MINUTES),
    ) {
        Ok(lock) => lock,
        Err(StoreError::Locked(holder)) => {
            tracing::debug!(%holder, "jobs wait: another process is resolving");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let heartbeat = Heartbeat::start(pool.clone(), &lock, HEARTBEAT);
    let ran = run_claimed(&mut conn, &lock, index);
    heartbeat.stop();
    let released = lock.release(&mut conn);
    let ran = ran?;
    released?;
    Ok(ran)
}

/// Claims the waiting jobs, refreshes, re-indexes, and records how it went on every one.
fn run_claimed(
    conn: &mut DbConnection,
    lock: &HeldLock,
    index: &SearchIndex,
) -> Result<Option<Run>, StoreError> {
    let ids = db::claim(conn, lock.holder(), RESOLVING.0, RESOLVING.1, store::now())?;
    if ids.is_empty() {
        return Ok(None);
    }
    tracing::info!(jobs = ?ids, "running queued jobs");
    let outcome = match refresh::run_under(conn, lock) {
        Err(e) => Err(e.to_string()),
        Ok(report) => {
            db::advance(conn, &ids, INDEXING.0, INDEXING.1)?;
            match super::index::rebuild_from(conn, index, report.data_version) {
                Ok(documents) => Ok((report, documents)),
                Err(e) => Err(format!(
                    "resolved into data version {:?}, but the search index was not rebuilt: {e}",
                    report.data_version
                )),
            }
        }
    };
    let outcome = match outcome {
        Ok((report, documents)) => {
            let summary = summary_of(&report, documents);
            let json = serde_json::to_string(&summary)
                .map_err(|e| StoreError::Corrupt(format!("job summary: {e}")))?;
            db::finish(conn, &ids, report.data_version, &json, store::now())?;
            tracing::info!(jobs = ?ids, version = ?report.data_version, "jobs done");
            Ok(report)
        }
        Err(error) => {
            tracing::error!(jobs = ?ids, %error, "jobs failed");
            db::fail(conn, &ids, &error, store::now())?;
            Err(error)
        }
    };
    Ok(Some(Run { jobs: ids, outcome }))
}

fn summary_of(report: &ResolveReport, indexed_documents: u64) -> RefreshSummary {
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    RefreshSummary {
        resolve: ResolveSummary {
            facilities: count(report.facilities),
            cpcs: count(report.cpcs),
            organizations: count(report.organizations),
            actions: count(report.actions),
            plans: count(report.plans),
            links: count(report.links),
            possible_links: count(report.possible_links),
            redirects: count(report.redirects),
        },
        indexed_documents,
    }
}

fn status_of(row: &JobRow) -> Result<JobStatus, StoreError> {
    JobStatus::parse(&row.status)
        .ok_or_else(|| StoreError::Corrupt(format!("job {} status {}", row.id, row.status)))
}

/// The job as a write's answer names it.
pub fn job_ref(row: &JobRow) -> Result<JobRef, StoreError> {
    Ok(JobRef::new(row.id, status_of(row)?))
}

/// A job as `GET /api/v1/jobs/{id}` shows it; `None` for an unknown ID.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Job>, StoreError> {
    let Some(row) = db::get(conn, id)? else {
        return Ok(None);
    };
    let status = status_of(&row)?;
    let summary = match row.summary.as_deref() {
        Some(json) => Some(
            serde_json::from_str::<RefreshSummary>(json)
                .map_err(|e| StoreError::Corrupt(format!("job {id} summary: {e}")))?,
        ),
        None => None,
    };
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(Some(Job {
        id: row.id,
        url: mieru_web::jobs::job_url(row.id),
        kind: row.kind,
        status,
        progress: JobProgress {
            step: count(row.step),
            steps: count(row.steps),
            message: row.progress,
        },
        requested_by: row.requested_by,
        cause: row.cause,
        target: row.target,
        created_at: row.created_at.and_utc(),
        started_at: row.started_at.map(|t| t.and_utc()),
        finished_at: row.finished_at.map(|t| t.and_utc()),
        error: row.error,
        data_version: row.data_version,
        summary,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, DbPool, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 4).unwrap();
        (dir, pool, SearchIndex::in_memory().unwrap())
    }

    #[test]
    fn waiting_jobs_run_in_one_refresh() {
        let (_dir, pool, index) = setup();
        assert!(run_queued(&pool, &index, Duration::ZERO).unwrap().is_none());
        let mut conn = pool.get().unwrap();
        let a = queue_refresh(&mut conn, "yamada", "judgement.record", "F1 / F2").unwrap();
        let b = queue_refresh(&mut conn, "sato", "annotation.add", "annotation 3").unwrap();
        assert_eq!(job_ref(&a).unwrap().url, format!("/api/v1/jobs/{}", a.id));
        let queued = find(&mut conn, a.id).unwrap().unwrap();
        assert_eq!(queued.status, JobStatus::Queued);
        assert_eq!((queued.progress.step, queued.progress.steps), (0, 3));

        let run = run_queued(&pool, &index, Duration::ZERO).unwrap().unwrap();
        assert_eq!(run.jobs, vec![a.id, b.id]);
        let version = run.outcome.unwrap().data_version;
        assert!(version.is_some());
        for id in [a.id, b.id] {
            let job = find(&mut conn, id).unwrap().unwrap();
            assert_eq!(job.status, JobStatus::Done);
            assert_eq!(job.progress.message, "done");
            assert_eq!(job.progress.step, job.progress.steps);
            assert_eq!(job.data_version, version);
            assert!(job.summary.is_some() && job.finished_at.is_some());
        }
        assert_eq!(index.data_version().unwrap(), version, "re-indexed");
        assert!(run_queued(&pool, &index, Duration::ZERO).unwrap().is_none());
        assert_eq!(find(&mut conn, 999).unwrap(), None);
    }

    #[test]
    fn jobs_wait_while_another_process_resolves_and_a_dead_workers_job_runs_again() {
        let (_dir, pool, index) = setup();
        let mut conn = pool.get().unwrap();
        let job = queue_refresh(&mut conn, "yamada", "judgement.record", "F1 / F2").unwrap();
        // A live resolve elsewhere: the job waits, queued.
        let other = HeldLock::acquire(
            &mut conn,
            locks::RESOLVE_LOCK,
            Duration::ZERO,
            chrono::Duration::minutes(30),
        )
        .unwrap();
        assert!(run_queued(&pool, &index, Duration::ZERO).unwrap().is_none());
        assert_eq!(
            find(&mut conn, job.id).unwrap().unwrap().status,
            JobStatus::Queued
        );
        // It claims the job and dies (dropped without release: its holder is gone).
        db::claim(&mut conn, other.holder(), "resolving", 1, store::now()).unwrap();
        drop(other);
        let run = run_queued(&pool, &index, Duration::ZERO).unwrap().unwrap();
        assert_eq!(run.jobs, vec![job.id]);
        assert_eq!(
            find(&mut conn, job.id).unwrap().unwrap().status,
            JobStatus::Done
        );
    }

    #[test]
    fn a_failed_refresh_fails_its_jobs_with_the_error() {
        let (_dir, pool, index) = setup();
        let mut conn = pool.get().unwrap();
        let job = queue_refresh(&mut conn, "yamada", "judgement.record", "F1 / F2").unwrap();
        diesel::RunQueryDsl::execute(
            diesel::sql_query("ALTER TABLE data_versions RENAME TO data_versions_away"),
            &mut *conn,
        )
        .unwrap();
        let run = run_queued(&pool, &index, Duration::ZERO).unwrap().unwrap();
        let error = run.outcome.unwrap_err();
        let failed = find(&mut conn, job.id).unwrap().unwrap();
        assert_eq!(failed.status, JobStatus::Failed);
        assert_eq!(failed.error.as_deref(), Some(error.as_str()));
        assert!(error.contains("data_versions"), "{error}");
        assert_eq!(failed.progress.message, "resolving");
        assert!(run_queued(&pool, &index, Duration::ZERO).unwrap().is_none());
    }
}
