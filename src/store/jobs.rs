//! The `jobs` table: background work queued by a request and run by the database's worker
//! (`pipeline::jobs`). A job is queued in the transaction of the change that needs it, so a
//! change is never recorded without the job that applies it; it is claimed, advanced and
//! finished only under the resolve lock.

use super::models::JobRow;
use super::schema::jobs;
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// Resolve, project and re-index: what every curation change and admin ingest needs.
pub const REFRESH: &str = "refresh";

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";

/// A job to queue.
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub requested_by: &'a str,
    pub cause: &'a str,
    pub target: &'a str,
    /// How many steps a run of this kind reports (`step` goes 0 → `steps`).
    pub steps: i32,
    pub created_at: NaiveDateTime,
}

/// Queues a job (inside the caller's transaction, when it has one) and returns it.
pub fn enqueue(conn: &mut DbConnection, new: NewJob<'_>) -> Result<JobRow, StoreError> {
    conn.transaction(|conn| {
        diesel::insert_into(jobs::table)
            .values((
                jobs::kind.eq(new.kind),
                jobs::requested_by.eq(new.requested_by),
                jobs::cause.eq(new.cause),
                jobs::target.eq(new.target),
                jobs::status.eq(QUEUED),
                jobs::progress.eq(QUEUED),
                jobs::step.eq(0),
                jobs::steps.eq(new.steps),
                jobs::created_at.eq(new.created_at),
            ))
            .execute(conn)?;
        let id = inserted_id(conn)?;
        get(conn, id)?.ok_or_else(|| StoreError::Corrupt(format!("job {id} vanished")))
    })
}

/// The key this connection's last insert generated. Diesel cannot return it through
/// `MultiConnection`, so each backend is asked in its own words (both are per connection).
fn inserted_id(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let id = match conn {
        DbConnection::Sqlite(c) => {
            diesel::select(diesel::dsl::sql::<BigInt>("last_insert_rowid()")).get_result(c)?
        }
        DbConnection::Postgresql(c) => {
            diesel::select(diesel::dsl::sql::<BigInt>("lastval()")).get_result(c)?
        }
    };
    Ok(id)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Option<JobRow>, StoreError> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether any job waits for a worker: queued, or running (possibly for a worker that died).
/// The worker's poll: one indexed read.
pub fn any_unfinished(conn: &mut DbConnection) -> Result<bool, StoreError> {
    Ok(jobs::table
        .filter(jobs::status.eq_any([QUEUED, RUNNING]))
        .select(jobs::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// Claims every queued job, and every running one, for `worker`, marking them running with
/// `progress`; returns their IDs, oldest first. Only called under the resolve lock: a job is
/// running only while its worker holds that lock, so a running job seen by the lock's new
/// holder is one whose worker died mid-run.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    progress: &str,
    step: i32,
    now: NaiveDateTime,
) -> Result<Vec<i64>, StoreError> {
    conn.transaction(|conn| {
        let ids: Vec<i64> = jobs::table
            .filter(jobs::status.eq_any([QUEUED, RUNNING]))
            .order(jobs::id.asc())
            .select(jobs::id)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(ids);
        }
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set((
                jobs::status.eq(RUNNING),
                jobs::worker.eq(worker),
                jobs::progress.eq(progress),
                jobs::step.eq(step),
                jobs::started_at.eq(now),
            ))
            .execute(conn)?;
        Ok(ids)
    })
}

/// Moves running jobs on to the next step.
pub fn advance(
    conn: &mut DbConnection,
    ids: &[i64],
    progress: &str,
    step: i32,
) -> Result<(), StoreError> {
    diesel::update(jobs::table.filter(jobs::id.eq_any(ids)))
        .set((jobs::progress.eq(progress), jobs::step.eq(step)))
        .execute(conn)?;
    Ok(())
}

/// Marks jobs done, with the data version they produced and a JSON summary of it.
pub fn finish(
    conn: &mut DbConnection,
    ids: &[i64],
    data_version: Option<i64>,
    summary: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(jobs::table.filter(jobs::id.eq_any(ids)))
        .set((
            jobs::status.eq(DONE),
            jobs::progress.eq(DONE),
            jobs::step.eq(jobs::steps),
            jobs::finished_at.eq(now),
            jobs::data_version.eq(data_version),
            jobs::summary.eq(summary),
            jobs::error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks jobs failed with the error's text (the step they failed at is kept).
pub fn fail(
    conn: &mut DbConnection,
    ids: &[i64],
    error: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(jobs::table.filter(jobs::id.eq_any(ids)))
        .set((
            jobs::status.eq(FAILED),
            jobs::finished_at.eq(now),
            jobs::error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> (tempfile::TempDir, crate::store::DbPool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::store::connect(&dir.path().join("t.db").to_string_lossy(), 2).unwrap();
        (dir, pool)
    }

    fn queue(conn: &mut DbConnection, target: &str) -> JobRow {
        enqueue(
            conn,
            NewJob {
                kind: REFRESH,
                requested_by: "yamada",
                cause: "judgement.record",
                target,
                steps: 3,
                created_at: crate::store::now(),
            },
        )
        .unwrap()
    }

    #[test]
    fn a_job_goes_from_queued_to_done_or_failed() {
        let (_dir, pool) = pool();
        let mut conn = pool.get().unwrap();
        assert!(!any_unfinished(&mut conn).unwrap());
        let first = queue(&mut conn, "F1 / F2");
        let second = queue(&mut conn, "F3 / F4");
        assert!(second.id > first.id, "each insert reads back its own key");
        assert_eq!(
            (first.status.as_str(), first.step, first.steps),
            (QUEUED, 0, 3)
        );
        assert_eq!(first.target, "F1 / F2");
        assert!(any_unfinished(&mut conn).unwrap());

        let now = crate::store::now();
        let claimed = claim(&mut conn, "pid 1 on h #1", "resolving", 1, now).unwrap();
        assert_eq!(claimed, vec![first.id, second.id]);
        let running = get(&mut conn, first.id).unwrap().unwrap();
        assert_eq!(running.status, RUNNING);
        assert_eq!(running.worker.as_deref(), Some("pid 1 on h #1"));
        assert_eq!(running.started_at, Some(now));

        // A third queued meanwhile is not part of this run.
        let third = queue(&mut conn, "F5 / F6");
        advance(&mut conn, &claimed, "indexing", 2).unwrap();
        finish(&mut conn, &claimed, Some(7), "{}", now).unwrap();
        let done = get(&mut conn, second.id).unwrap().unwrap();
        assert_eq!(
            (done.status.as_str(), done.step, done.data_version),
            (DONE, 3, Some(7))
        );
        assert_eq!(get(&mut conn, third.id).unwrap().unwrap().status, QUEUED);

        let claimed = claim(&mut conn, "pid 1 on h #2", "resolving", 1, now).unwrap();
        assert_eq!(claimed, vec![third.id]);
        fail(&mut conn, &claimed, "no such table", now).unwrap();
        let failed = get(&mut conn, third.id).unwrap().unwrap();
        assert_eq!(failed.status, FAILED);
        assert_eq!(failed.error.as_deref(), Some("no such table"));
        assert_eq!(failed.step, 1, "the step it failed at");
        assert!(!any_unfinished(&mut conn).unwrap());
        assert_eq!(get(&mut conn, 9_999).unwrap(), None);
    }

    #[test]
    fn a_running_job_of_a_dead_worker_is_claimed_again() {
        let (_dir, pool) = pool();
        let mut conn = pool.get().unwrap();
        let job = queue(&mut conn, "F1 / F2");
        let now = crate::store::now();
        claim(&mut conn, "pid 1 on h #1", "resolving", 1, now).unwrap();
        // The worker died here: the next holder of the resolve lock takes its job over.
        let again = claim(&mut conn, "pid 2 on h #1", "resolving", 1, now).unwrap();
        assert_eq!(again, vec![job.id]);
        let row = get(&mut conn, job.id).unwrap().unwrap();
        assert_eq!(row.worker.as_deref(), Some("pid 2 on h #1"));
    }
}
