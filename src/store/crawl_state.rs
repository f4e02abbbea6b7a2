//! Crawl bookkeeping: one row per crawl of a source (for source health), and the database
//! lock that lets only one crawler run at a time, wherever it was started.

use super::models::CrawlRunRow;
use super::schema::{crawl_runs, locks};
use super::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const CRAWLER_LOCK: &str = "crawler";

/// Takes the named lock for `holder`. A lock whose heartbeat is older than `stale_after`
/// belongs to a crawler that died (kill -9) and is taken over.
pub fn acquire_lock(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    now: NaiveDateTime,
    stale_after: chrono::Duration,
) -> Result<(), StoreError> {
    conn.transaction(|conn| {
        let current: Option<(String, NaiveDateTime)> = locks::table
            .find(name)
            .select((locks::holder, locks::heartbeat_at))
            .first(conn)
            .optional()?;
        match current {
            Some((other, beat)) if other != holder && now - beat < stale_after => {
                Err(StoreError::Locked(if name == CRAWLER_LOCK {
                    format!(
                        "another crawler ({other}) holds the lock since its last heartbeat at {beat} UTC; \
                         only one crawl may run at a time"
                    )
                } else {
                    format!("{other} holds the {name} lock (last heartbeat at {beat} UTC)")
                }))
            }
            Some((other, _)) => {
                // Conditional on the row as read: two processes taking over the same stale
                // lock at once must not both believe they hold it.
                let taken = diesel::update(
                    locks::table
                        .find(name)
                        .filter(locks::holder.eq(&other)),
                )
                .set((
                    locks::holder.eq(holder),
                    locks::acquired_at.eq(now),
                    locks::heartbeat_at.eq(now),
                ))
                .execute(conn)?;
                if taken == 1 {
                    Ok(())
                } else {
                    Err(StoreError::Locked(format!(
                        "another process took the {name} lock just now"
                    )))
                }
            }
            None => {
                diesel::insert_into(locks::table)
                    .values((
                        locks::name.eq(name),
                        locks::holder.eq(holder),
                        locks::acquired_at.eq(now),
                        locks::heartbeat_at.eq(now),
                    ))
                    .execute(conn)
                    .map_err(|e| match e {
                        diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _,
                        ) => StoreError::Locked(format!(
                            "another process took the {name} lock just now"
                        )),
                        e => StoreError::Query(e),
                    })?;
                Ok(())
            }
        }
    })
}

pub fn heartbeat(
    conn: &mut DbConnection,
    name: &str,
    holder: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(locks::table.find(name).filter(locks::holder.eq(holder)))
        .set(locks::heartbeat_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Hands the named lock from `from` (a holder known to be dead) to `to`; false when `from`
/// no longer holds it (someone else was quicker).
pub fn take_over_lock(
    conn: &mut DbConnection,
    name: &str,
    from: &str,
    to: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let taken = diesel::update(locks::table.find(name).filter(locks::holder.eq(from)))
        .set((
            locks::holder.eq(to),
            locks::acquired_at.eq(now),
            locks::heartbeat_at.eq(now),
        ))
        .execute(conn)?;
    Ok(taken == 1)
}

/// Every lock row: (name, holder, heartbeat).
pub fn all_locks(
    conn: &mut DbConnection,
) -> Result<Vec<(String, String, NaiveDateTime)>, StoreError> {
    Ok(locks::table
        .order(locks::name.asc())
        .select((locks::name, locks::holder, locks::heartbeat_at))
        .load(conn)?)
}

pub fn release_lock(conn: &mut DbConnection, name: &str, holder: &str) -> Result<(), StoreError> {
    diesel::delete(locks::table.find(name).filter(locks::holder.eq(holder))).execute(conn)?;
    Ok(())
}

pub fn start_run(
    conn: &mut DbConnection,
    source: &str,
    at: NaiveDateTime,
) -> Result<i64, StoreError> {
    conn.transaction(|conn| {
        diesel::insert_into(crawl_runs::table)
            .values((
                crawl_runs::source.eq(source),
                crawl_runs::started_at.eq(at),
                crawl_runs::complete.eq(false),
                crawl_runs::documents_seen.eq(0),
            ))
            .execute(conn)?;
        Ok(crawl_runs::table
            .filter(crawl_runs::source.eq(source))
            .order(crawl_runs::id.desc())
            .select(crawl_runs::id)
            .first(conn)?)
    })
}

pub fn finish_run(
    conn: &mut DbConnection,
    id: i64,
    at: NaiveDateTime,
    complete: bool,
    documents_seen: usize,
    note: &str,
) -> Result<(), StoreError> {
    diesel::update(crawl_runs::table.find(id))
        .set((
            crawl_runs::finished_at.eq(at),
            crawl_runs::complete.eq(complete),
            crawl_runs::documents_seen.eq(i32::try_from(documents_seen).unwrap_or(i32::MAX)),
            crawl_runs::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn runs(conn: &mut DbConnection) -> Result<Vec<CrawlRunRow>, StoreError> {
    Ok(crawl_runs::table
        .order(crawl_runs::id.desc())
        .select(CrawlRunRow::as_select())
        .load(conn)?)
}

pub fn lock_holder(conn: &mut DbConnection, name: &str) -> Result<Option<String>, StoreError> {
    Ok(locks::table
        .find(name)
        .select(locks::holder)
        .first(conn)
        .optional()?)
}

/// The latest runs of one source, newest first (source health).
pub fn recent_runs(
    conn: &mut DbConnection,
    source: &str,
    limit: i64,
) -> Result<Vec<CrawlRunRow>, StoreError> {
    Ok(crawl_runs::table
        .filter(crawl_runs::source.eq(source))
        .order(crawl_runs::id.desc())
        .limit(limit)
        .select(CrawlRunRow::as_select())
        .load(conn)?)
}

/// The last complete run of one source, if any.
pub fn last_complete_run(
    conn: &mut DbConnection,
    source: &str,
) -> Result<Option<CrawlRunRow>, StoreError> {
    Ok(crawl_runs::table
        .filter(crawl_runs::source.eq(source))
        .filter(crawl_runs::complete.eq(true))
        .filter(crawl_runs::finished_at.is_not_null())
        .order(crawl_runs::id.desc())
        .select(CrawlRunRow::as_select())
        .first(conn)
        .optional()?)
}
